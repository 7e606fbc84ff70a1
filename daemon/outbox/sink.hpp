// The Sink plugin interface (fluent-bit's output plugin, reduced to one call): a sink delivers a
// batch of outbox messages and says, per message, ok, retry or fail. The outbox worker turns
// those answers into ack, backoff or dead letter; a sink never touches the store.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/store.hpp"

namespace careerlink::outbox {

// One message's delivery outcome (fluent-bit's FLB_OK / FLB_RETRY / FLB_ERROR).
struct DeliveryResult {
  enum class Kind { ok, retry, fail };

  Kind kind = Kind::ok;
  // For retry: the far side's Retry-After, which wins over the backoff when it is longer.
  std::optional<std::chrono::seconds> retry_after;
  // Why it did not succeed, kept as the message's last_error (and as the dead letter's reason).
  // Say what the far side said ("HTTP 422: unknown UPN"), never the payload.
  std::string reason;

  static DeliveryResult ok() { return {}; }
  static DeliveryResult retry(std::string why,
                              std::optional<std::chrono::seconds> after = std::nullopt) {
    return {Kind::retry, after, std::move(why)};
  }
  // Permanent: the message goes to the dead letters at once.
  static DeliveryResult fail(std::string why) { return {Kind::fail, std::nullopt, std::move(why)}; }
};

// The HTTP rule (fluent-bit out_http): 2xx ok; 408, 429 and 5xx retry (with Retry-After, when
// given); any other status (other 4xx, and 1xx/3xx a sink did not resolve) fails permanently.
DeliveryResult classify_http(int status, std::optional<std::chrono::seconds> retry_after,
                             std::string reason);
// A network error (refused, reset, timed out, TLS handshake) is always worth retrying.
DeliveryResult network_error(std::string reason);

// What a sink may want to know while it delivers.
struct DeliveryContext {
  TimePoint now{};
  // Set when the service is shutting down: the batch in flight is finished, so a long sink
  // should stop starting new requests and answer retry for what it did not send.
  std::stop_token stop;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // The configured sink's name: the outbox rows it drains are those enqueued under this name.
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Returns exactly one result per message, in the batch's order (a missing result is taken as
  // retry). May throw; the worker then retries the whole batch. Called from one thread at a time.
  virtual std::vector<DeliveryResult> deliver(std::span<const OutboxMessage> batch,
                                              const DeliveryContext& context) = 0;
};

// A sink's settings as config gives them, flattened to text (config validates types first).
struct SinkSettings {
  std::string name;  // the configured sink's name, e.g. "la-nightly"
  std::map<std::string, std::string, std::less<>> values;

  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return std::string_view(it->second);
  }
};

// A secret the settings give by reference (`<name>_file` or `<name>_env`, as config's secret
// keys do): its value; nullopt when neither is set; an error naming the file or variable when it
// cannot be read or is empty. Sinks read secrets here, at start-up, and never log them.
std::expected<std::optional<std::string>, std::string> sink_secret(const SinkSettings& settings,
                                                                   std::string_view name);

// A whole number of seconds in 1..600 the settings give under `key` (e.g. timeout_seconds);
// nullopt when absent. Throws std::invalid_argument naming the key otherwise (factories turn
// that into their refusal to start).
std::optional<std::chrono::seconds> sink_seconds(const SinkSettings& settings,
                                                 std::string_view key);

// Makes a sink from its settings, or says in words why it cannot.
using SinkFactory =
    std::function<std::expected<std::unique_ptr<Sink>, std::string>(const SinkSettings&)>;

// The registry by type name (config's `type = "webhook"`), as osquery and fluent-bit do it.
// False when `type` is already registered (the first registration stays). Thread-safe.
bool register_sink_type(std::string type, SinkFactory factory);
// Error text when the type is unknown (naming the known ones) or the factory refused.
std::expected<std::unique_ptr<Sink>, std::string> make_sink(std::string_view type,
                                                            const SinkSettings& settings);
// Registered type names, sorted (for `config describe` and error messages).
std::vector<std::string> sink_types();

}  // namespace careerlink::outbox
