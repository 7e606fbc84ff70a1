// The `webhook` sink: POSTs each outbox batch as one signed JSON document to a configured URL.
// Wire format (headers, body, signature, responses) is in connectors/webhook/README.md; keep the
// two in step.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http/client/http_client.hpp"
#include "daemon/outbox/sink.hpp"

namespace careerlink::webhook {

inline constexpr std::string_view kSignatureHeader = "X-Careerlink-Signature";
inline constexpr std::string_view kTimestampHeader = "X-Careerlink-Timestamp";
inline constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";

struct WebhookOptions {
  std::string name;    // the configured sink's name
  std::string url;     // http:// or https://
  std::string secret;  // the HMAC key itself (already read from its file or variable); never logged
  http::ClientOptions http;
};

class WebhookSink final : public outbox::Sink {
 public:
  // Throws std::invalid_argument when the URL or secret is unusable, std::runtime_error when the
  // HTTP client cannot be set up (bad CA bundle, client certificate, proxy).
  explicit WebhookSink(WebhookOptions options);
  ~WebhookSink() override;

  [[nodiscard]] std::string_view name() const override { return options_.name; }
  std::vector<outbox::DeliveryResult> deliver(std::span<const OutboxMessage> batch,
                                              const outbox::DeliveryContext& context) override;

  // The exact request deliver() would send for `batch` at `now` (for tests and the README).
  // Messages whose payload is not JSON are left out and listed in `rejected` by index.
  struct Prepared {
    http::HttpRequest request;
    std::vector<std::size_t> included;  // batch indexes in the body, in order
    std::vector<std::size_t> rejected;  // batch indexes whose payload is not valid JSON
  };
  [[nodiscard]] Prepared prepare(std::span<const OutboxMessage> batch,
                                 std::chrono::system_clock::time_point now) const;

 private:
  WebhookOptions options_;
  std::unique_ptr<http::HttpClient> client_;
};

// Builds a sink from config (`type = "webhook"`): the [[sink]] keys url (required), secret_file |
// secret_env (exactly one), ca_file, verify_tls ("true"/"false"), proxy, timeout_seconds (each
// phase, 1..600), plus client_cert / client_key (mutual TLS; not yet in the config table). The
// secret is read here; a missing or empty secret refuses to start.
std::expected<std::unique_ptr<outbox::Sink>, std::string> make_webhook_sink(
    const outbox::SinkSettings& settings);

// Adds "webhook" to the sink registry. Called explicitly at start-up (a static initialiser in a
// static library can be dropped by the linker). Safe to call more than once.
void register_webhook_sink();

// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body);

// Retry-After as delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"),
// relative to `now`; a date in the past gives 0 s. Nullopt when unparsable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace careerlink::webhook
