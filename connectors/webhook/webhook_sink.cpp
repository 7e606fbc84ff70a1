#include "connectors/webhook/webhook_sink.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <locale>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace careerlink::webhook {

using outbox::DeliveryResult;

namespace {

constexpr std::size_t kReasonSnippet = 200;  // enough to say why; short enough for a log line

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

// What the far side said, on one line and short. The body of an error answer is the receiver's
// text, not our payload, so it is safe to keep.
std::string reason_for(const http::HttpResponse& res) {
  std::string reason = "HTTP " + std::to_string(res.status);
  if (!res.reason.empty()) reason += " " + res.reason;
  if (!res.body.empty()) {
    std::string snippet = res.body.substr(0, kReasonSnippet);
    for (auto& c : snippet)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    reason += ": " + snippet;
    if (res.body.size() > kReasonSnippet) reason += "...";
  }
  return reason;
}

// A 2xx body may say per message what happened: {"results":[{"idempotency_key": "...",
// "status": "ok|retry|fail", "reason": "...", "retry_after": 30}]}. Keys it does not mention
// are ok (the batch as a whole was accepted).
void apply_results(const std::string& body, std::span<const OutboxMessage> batch,
                   const std::vector<std::size_t>& included, std::vector<DeliveryResult>& out) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return;
  auto it = doc.find("results");
  if (it == doc.end() || !it->is_array()) return;
  for (const auto& r : *it) {
    if (!r.is_object()) continue;
    auto key = r.value("idempotency_key", std::string());
    auto status = r.value("status", std::string("ok"));
    auto why = r.value("reason", std::string());
    std::optional<std::chrono::seconds> after;
    if (auto ra = r.find("retry_after"); ra != r.end() && ra->is_number_unsigned())
      after = std::chrono::seconds(ra->get<std::int64_t>());
    for (auto index : included) {
      if (batch[index].idempotency_key != key) continue;
      if (status == "retry")
        out[index] = DeliveryResult::retry(why.empty() ? "receiver asked to retry" : why, after);
      else if (status == "fail")
        out[index] = DeliveryResult::fail(why.empty() ? "receiver rejected the message" : why);
    }
  }
}

}  // namespace

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
                sizeof mac, &len) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");
  return "sha256=" + hex(mac, len);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    long long n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc()) return std::chrono::seconds(std::chrono::hours(24));  // absurdly long
    return std::chrono::seconds(n);
  }
  // IMF-fixdate, the form RFC 9110 says senders use: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  std::istringstream in{std::string(value)};
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
  std::string zone;
  in >> zone;
  if (in.fail() || zone != "GMT") return std::nullopt;
  using namespace std::chrono;
  auto day = year_month_day{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
  if (!day.ok()) return std::nullopt;
  auto when = sys_days(day) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
  auto delta = duration_cast<seconds>(when - now);
  return delta.count() > 0 ? delta : seconds(0);
}

WebhookSink::WebhookSink(WebhookOptions options) : options_(std::move(options)) {
  if (options_.secret.empty())
    throw std::invalid_argument("webhook sink \"" + options_.name +
                                "\": the signing secret is empty");
  if (!options_.url.starts_with("https://") && !options_.url.starts_with("http://"))
    throw std::invalid_argument("webhook sink \"" + options_.name +
                                "\": url must start with https:// or http://");
  if (options_.url.starts_with("http://"))
    spdlog::warn("webhook sink \"{}\": url is plain http; payloads travel unencrypted",
                 options_.name);
  client_ = std::make_unique<http::HttpClient>(options_.http);
}

WebhookSink::~WebhookSink() = default;

WebhookSink::Prepared WebhookSink::prepare(std::span<const OutboxMessage> batch,
                                           std::chrono::system_clock::time_point now) const {
  Prepared p;
  // Built by hand so each payload goes out byte for byte as stored (no re-serialising of
  // numbers or key order); each payload is checked to be JSON first.
  std::string body = R"({"messages":[)";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!nlohmann::json::accept(batch[i].payload)) {
      p.rejected.push_back(i);
      continue;
    }
    if (!p.included.empty()) body += ',';
    body += R"({"idempotency_key":)";
    body += nlohmann::json(batch[i].idempotency_key).dump();
    body += R"(,"payload":)";
    body += batch[i].payload;
    body += '}';
    p.included.push_back(i);
  }
  body += "]}";

  auto timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  p.request.method = "POST";
  p.request.url = options_.url;
  p.request.headers = {
      {"Content-Type", "application/json"},
      {std::string(kTimestampHeader), timestamp},
      {std::string(kSignatureHeader), sign(options_.secret, timestamp, body)},
  };
  if (p.included.size() == 1)
    p.request.headers.push_back(
        {std::string(kIdempotencyHeader), batch[p.included.front()].idempotency_key});
  p.request.body = std::move(body);
  return p;
}

std::vector<DeliveryResult> WebhookSink::deliver(std::span<const OutboxMessage> batch,
                                                 const outbox::DeliveryContext& context) {
  std::vector<DeliveryResult> out(batch.size());
  if (batch.empty()) return out;
  if (context.stop.stop_requested()) {
    for (auto& r : out)
      r = DeliveryResult::retry("not sent: shutting down");
    return out;
  }
  auto now = context.now == TimePoint{} ? std::chrono::system_clock::now() : context.now;
  auto prepared = prepare(batch, now);
  for (auto index : prepared.rejected)
    out[index] = DeliveryResult::fail("payload is not valid JSON; the webhook sends JSON only");
  if (prepared.included.empty()) return out;

  auto result = client_->send(prepared.request);
  if (!result) {
    auto why = result.error().to_string();
    spdlog::warn("webhook sink \"{}\": {} message(s) not delivered: {}", options_.name,
                 prepared.included.size(), why);
    for (auto index : prepared.included)
      out[index] = outbox::network_error(why);
    return out;
  }
  const auto& res = *result;
  std::optional<std::chrono::seconds> retry_after;
  if (auto h = res.header("Retry-After")) retry_after = parse_retry_after(*h, now);
  auto whole = outbox::classify_http(res.status, retry_after, reason_for(res));
  for (auto index : prepared.included)
    out[index] = whole;
  if (whole.kind == DeliveryResult::Kind::ok) {
    apply_results(res.body, batch, prepared.included, out);
  } else {
    spdlog::warn("webhook sink \"{}\": {} message(s) answered {}", options_.name,
                 prepared.included.size(), whole.reason);
  }
  return out;
}

std::expected<std::unique_ptr<outbox::Sink>, std::string> make_webhook_sink(
    const outbox::SinkSettings& settings) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("webhook sink \"" + settings.name + "\": " + why);
  };
  try {
    WebhookOptions options;
    options.name = settings.name;
    auto url = settings.get("url");
    if (!url || url->empty()) return fail("url is required");
    options.url = std::string(*url);

    auto secret = outbox::sink_secret(settings, "secret");
    if (!secret) return fail(secret.error());
    if (!*secret) return fail("a signing secret is required: set secret_file or secret_env");
    options.secret = std::move(**secret);

    // One timeout for each phase, as config's [[sink]] timeout_seconds describes it.
    if (auto t = outbox::sink_seconds(settings, "timeout_seconds")) {
      options.http.connect_timeout = *t;
      options.http.handshake_timeout = *t;
      options.http.write_timeout = *t;
      options.http.read_timeout = *t;
    }
    if (auto v = settings.get("ca_file"); v && !v->empty())
      options.http.ca_bundle = std::string(*v);
    if (auto v = settings.get("client_cert")) options.http.client_cert = std::string(*v);
    if (auto v = settings.get("client_key")) options.http.client_key = std::string(*v);
    if (auto v = settings.get("proxy"); v && !v->empty()) options.http.proxy = std::string(*v);
    if (auto v = settings.get("verify_tls")) {
      if (*v != "true" && *v != "false") return fail("verify_tls must be true or false");
      options.http.verify_tls = *v == "true";
    }
    return std::make_unique<WebhookSink>(std::move(options));
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

void register_webhook_sink() {
  outbox::register_sink_type("webhook", make_webhook_sink);
}

}  // namespace careerlink::webhook
