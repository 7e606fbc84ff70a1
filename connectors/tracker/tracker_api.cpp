#include "connectors/tracker/tracker_api.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <condition_variable>
#include <map>
#include <mutex>

#include "connectors/webhook/webhook_sink.hpp"  // parse_retry_after
#include "daemon/config/secret_ref.hpp"

namespace careerlink::tracker {
namespace {

// Waits `how_long` unless the service stops first; false when it stopped.
bool wait_for(std::chrono::seconds how_long, const std::stop_token& stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  return !cv.wait_for(lock, stop, how_long, [] { return false; }) && !stop.stop_requested();
}

bool worth_retrying(int status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

TrackerApiUploader::TrackerApiUploader(TrackerApiOptions options)
    : options_(std::move(options)), client_(std::make_unique<http::HttpClient>(options_.http)) {
  if (options_.oauth2) token_ = std::make_unique<OAuth2Token>(*options_.oauth2, *client_);
}

std::expected<std::string, std::string> TrackerApiUploader::authorization() {
  if (!token_) return "Bearer " + options_.bearer_token;
  auto token = token_->get();
  if (!token) return std::unexpected(token.error());
  return "Bearer " + *token;
}

std::expected<std::vector<RecordOutcome>, std::string> TrackerApiUploader::upload(
    std::string_view school_urn, std::span<const TrackerRecord> records,
    const UploadContext& context) {
  std::vector<RecordOutcome> out(records.size());
  for (std::size_t first = 0; first < records.size(); first += options_.batch_size) {
    const std::size_t n = std::min(options_.batch_size, records.size() - first);
    if (context.stop.stop_requested()) break;  // the rest stay retry
    send_batch(school_urn, records.subspan(first, n), std::span(out).subspan(first, n), context);
  }
  return out;
}

void TrackerApiUploader::send_batch(std::string_view school_urn,
                                    std::span<const TrackerRecord> batch,
                                    std::span<RecordOutcome> out, const UploadContext& context) {
  nlohmann::json body{{"school_urn", school_urn}, {"records", nlohmann::json::array()}};
  for (const auto& r : batch) {
    auto j = record_json(r);
    j["idempotency_key"] = r.idempotency_key;
    body["records"].push_back(std::move(j));
  }
  http::HttpRequest request;
  request.method = "POST";
  request.url = options_.url + "/destinations/batch";
  request.headers.push_back({"Content-Type", "application/json"});
  request.headers.push_back({"Accept", "application/json"});
  request.body = body.dump();

  auto all = [&](RecordOutcome::Kind kind, const std::string& why) {
    for (auto& o : out)
      o = RecordOutcome{kind, {}, why};
  };
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    auto auth = authorization();
    if (!auth) return all(RecordOutcome::Kind::retry, auth.error());
    request.headers.erase(
        std::remove_if(request.headers.begin(), request.headers.end(),
                       [](const http::Header& h) { return h.name == "Authorization"; }),
        request.headers.end());
    request.headers.push_back({"Authorization", *auth});
    auto response = client_->send(request);
    std::optional<std::chrono::seconds> wait;
    std::string why;
    if (response && response->status == 401 && token_ && !refreshed) {
      // The token expired early or was revoked: a new token, then the same batch again. A 401
      // straight after a fresh token is a real refusal (wrong client, no access).
      token_->invalidate();
      refreshed = true;
      --attempt;
      continue;
    }
    refreshed = false;
    if (!response) {
      why = response.error().to_string();
    } else if (worth_retrying(response->status)) {
      why = fmt::format("HTTP {}", response->status);
      if (auto h = response->header("Retry-After")) {
        wait = webhook::parse_retry_after(*h, context.now);
      }
    } else if (response->status != 200) {
      // The whole batch refused (400, 401 again, 403, 413, ...): nothing is known to be held.
      return all(RecordOutcome::Kind::retry,
                 fmt::format("HTTP {} for the whole batch", response->status));
    } else {
      std::map<std::string, const nlohmann::json*, std::less<>> answers;
      nlohmann::json parsed;
      try {
        parsed = nlohmann::json::parse(response->body);
        for (const auto& r : parsed.at("results"))
          answers[r.at("idempotency_key")] = &r;
      } catch (const std::exception&) {
        return all(RecordOutcome::Kind::retry, "the tracker's answer is not the documented JSON");
      }
      for (std::size_t i = 0; i < batch.size(); ++i) {
        auto it = answers.find(batch[i].idempotency_key);
        if (it == answers.end()) {
          out[i] = {RecordOutcome::Kind::retry, {}, "not in the tracker's answer"};
          continue;
        }
        const auto& a = *it->second;
        const std::string status = a.value("status", "");
        const std::string ref =
            a.contains("id") && a["id"].is_string() ? a["id"].get<std::string>() : std::string{};
        if (status == "accepted" || status == "duplicate") {
          out[i] = {RecordOutcome::Kind::accepted, ref, {}};
        } else if (status == "rejected") {
          out[i] = {RecordOutcome::Kind::rejected, ref, a.value("reason", "rejected")};
        } else {
          out[i] = {RecordOutcome::Kind::retry, {}, "unknown status \"" + status + "\""};
        }
      }
      return;
    }
    if (attempt >= options_.attempts) return all(RecordOutcome::Kind::retry, why);
    // Exponential backoff from 1 s, or the tracker's Retry-After when it asks for longer.
    auto delay = std::chrono::seconds(1 << (attempt - 1));
    if (wait && *wait > delay) delay = *wait;
    if (delay > options_.max_wait) return all(RecordOutcome::Kind::retry, why + " (retry later)");
    spdlog::warn("tracker sink \"{}\": {}; trying again in {} s", options_.name, why,
                 delay.count());
    if (!wait_for(delay, context.stop)) return all(RecordOutcome::Kind::retry, "stopping");
  }
}

std::expected<std::unique_ptr<Uploader>, std::string> make_tracker_api_uploader(
    const SinkConfig& sink, const UploaderEnvironment& /*environment*/) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("tracker sink \"" + sink.name + "\": " + why);
  };
  TrackerApiOptions o;
  o.name = sink.name;
  o.url = sink.url;
  while (!o.url.empty() && o.url.back() == '/')
    o.url.pop_back();
  if (o.url.empty()) return fail("url is required (the tracker API's base address)");
  o.batch_size = static_cast<std::size_t>(sink.batch_size);
  if (sink.auth == "oauth2") {
    if (sink.token_url.empty() || sink.client_id.empty()) {
      return fail("auth = \"oauth2\" needs token_url and client_id");
    }
    auto secret = read_secret("sink " + sink.name + " client_secret", sink.client_secret_file,
                              sink.client_secret_env);
    if (!secret) return fail(secret.error());
    if (!*secret) return fail("auth = \"oauth2\" needs client_secret_file or client_secret_env");
    o.oauth2 = OAuth2Settings{sink.token_url, sink.client_id, **secret, sink.scope};
  } else {
    auto token = read_secret("sink " + sink.name + " token", sink.token_file, sink.token_env);
    if (!token) return fail(token.error());
    if (!*token) return fail("auth = \"bearer\" needs token_file or token_env");
    o.bearer_token = **token;
  }
  const auto t = std::chrono::seconds(sink.timeout_seconds);
  o.http.connect_timeout = o.http.handshake_timeout = o.http.write_timeout = o.http.read_timeout =
      t;
  o.http.ca_bundle = sink.ca_file;
  o.http.client_cert = sink.client_cert_file;
  o.http.client_key = sink.client_key_file;
  o.http.verify_tls = sink.verify_tls;
  if (!sink.proxy.empty()) o.http.proxy = sink.proxy;
  try {
    return std::make_unique<TrackerApiUploader>(std::move(o));
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace careerlink::tracker
