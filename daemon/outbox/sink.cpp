#include "daemon/outbox/sink.hpp"

#include "daemon/config/secret_ref.hpp"

#include <charconv>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace careerlink::outbox {

DeliveryResult classify_http(int status, std::optional<std::chrono::seconds> retry_after,
                             std::string reason) {
  if (status >= 200 && status <= 299) return DeliveryResult::ok();
  if (status == 408 || status == 429 || (status >= 500 && status <= 599))
    return DeliveryResult::retry(std::move(reason), retry_after);
  return DeliveryResult::fail(std::move(reason));
}

DeliveryResult network_error(std::string reason) {
  return DeliveryResult::retry(std::move(reason));
}

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, SinkFactory, std::less<>> factories;
};

// A function-local static, so a registration from another file's static initialiser is safe.
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

bool register_sink_type(std::string type, SinkFactory factory) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  return r.factories.emplace(std::move(type), std::move(factory)).second;
}

std::expected<std::unique_ptr<Sink>, std::string> make_sink(std::string_view type,
                                                            const SinkSettings& settings) {
  SinkFactory factory;
  {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.factories.find(type);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory) {
    std::string known;
    for (const auto& name : sink_types())
      known += (known.empty() ? "" : ", ") + name;
    return std::unexpected("sink \"" + settings.name + "\": unknown type \"" + std::string(type) +
                           "\" (known: " + (known.empty() ? "none" : known) + ")");
  }
  // Called outside the lock: a factory may itself look at the registry.
  auto sink = factory(settings);
  if (sink && !*sink)
    return std::unexpected("sink \"" + settings.name + "\": type \"" + std::string(type) +
                           "\" made no sink");
  return sink;
}

std::vector<std::string> sink_types() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  names.reserve(r.factories.size());
  for (const auto& [name, factory] : r.factories)
    names.push_back(name);
  return names;
}

std::expected<std::optional<std::string>, std::string> sink_secret(const SinkSettings& settings,
                                                                   std::string_view name) {
  const std::string n(name);
  std::optional<std::filesystem::path> file;
  std::optional<std::string> env;
  if (auto f = settings.get(n + "_file")) file = std::filesystem::path(*f);
  if (auto e = settings.get(n + "_env")) env = std::string(*e);
  return read_secret(n, file, env);
}

std::optional<std::chrono::seconds> sink_seconds(const SinkSettings& settings,
                                                 std::string_view key) {
  auto v = settings.get(key);
  if (!v) return std::nullopt;
  long long n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size() || n <= 0 || n > 600)
    throw std::invalid_argument(std::string(key) + " must be a whole number of seconds, 1..600");
  return std::chrono::seconds(n);
}

}  // namespace careerlink::outbox
