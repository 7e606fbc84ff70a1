#include "tests/mock_tracker/mock_tracker.hpp"

#include <openssl/evp.h>

#include <mutex>
#include <stdexcept>

#include "daemon/http/server/http_server.hpp"
#include "daemon/metrics/metrics.hpp"

namespace careerlink::test {

using http::Request;
using http::Response;

struct MockTracker::Impl {
  MockTrackerOptions options;
  metrics::Registry registry;
  std::unique_ptr<http::HttpServer> server;
  mutable std::mutex mutex;
  std::map<std::string, int> tokens;  // token -> batch requests made with it
  int next_token = 0;
  int expire_after = 0;  // 0: never
  int fail_count = 0;
  int fail_status = 503;
  int throttle_count = 0;
  std::string retry_after;
  int drop_count = 0;
  std::map<std::string, std::string> rejected_upns;
  std::map<std::string, nlohmann::json> held;
  std::map<std::string, int> accepted_keys;
  int batches = 0;
  int token_calls = 0;
  int refused = 0;
  std::vector<std::size_t> sizes;

  static Response json(int status, const nlohmann::json& body) {
    return Response::json(status, body.dump());
  }

  std::string expected_basic() const {
    const std::string plain = options.client_id + ":" + options.client_secret;
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(plain.data()),
                                  static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
  }

  Response token(const Request& req) {
    std::lock_guard lock(mutex);
    ++token_calls;
    const auto auth = req.headers.get("Authorization");
    if (!auth || *auth != expected_basic()) {
      return json(401, {{"error", "invalid_client"}});
    }
    if (req.body.find("grant_type=client_credentials") == std::string::npos) {
      return json(400, {{"error", "unsupported_grant_type"}});
    }
    const std::string t = "token-" + std::to_string(++next_token);
    tokens[t] = 0;
    return json(200, {{"access_token", t},
                      {"token_type", "Bearer"},
                      {"expires_in", options.token_lifetime_seconds}});
  }

  Response batch(const Request& req) {
    std::lock_guard lock(mutex);
    ++batches;
    const auto auth = req.headers.get("Authorization");
    const std::string bearer =
        auth && auth->starts_with("Bearer ") ? std::string(auth->substr(7)) : std::string();
    bool ok = !bearer.empty() && bearer == options.static_token;
    if (!ok) {
      auto it = tokens.find(bearer);
      if (it != tokens.end() && (expire_after == 0 || it->second < expire_after)) {
        ++it->second;
        ok = true;
      }
    }
    if (!ok) {
      ++refused;
      return json(401, {{"error", "invalid_token"}});
    }
    if (fail_count > 0) {
      --fail_count;
      return json(fail_status, {{"error", "unavailable"}});
    }
    if (throttle_count > 0) {
      --throttle_count;
      Response r = json(429, {{"error", "too many requests"}});
      r.headers.emplace_back("Retry-After", retry_after);
      return r;
    }
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(req.body);
      if (!body.at("records").is_array()) throw std::runtime_error("records");
    } catch (const std::exception&) {
      return json(400, {{"error", "malformed body"}});
    }
    if (body["records"].size() > options.max_batch) return json(413, {{"error", "too large"}});
    sizes.push_back(body["records"].size());
    nlohmann::json results = nlohmann::json::array();
    for (const auto& r : body["records"]) {
      const std::string key = r.value("idempotency_key", "");
      const std::string upn = r.value("upn", "");
      const std::string id = r.value("record_id", "");
      if (key.empty() || id.empty()) {
        results.push_back({{"idempotency_key", key},
                           {"status", "rejected"},
                           {"reason", "idempotency_key and record_id are required"}});
        continue;
      }
      if (auto rej = rejected_upns.find(upn); rej != rejected_upns.end()) {
        results.push_back(
            {{"idempotency_key", key}, {"status", "rejected"}, {"reason", rej->second}});
        continue;
      }
      if (accepted_keys.contains(key)) {
        results.push_back({{"idempotency_key", key}, {"status", "duplicate"}, {"id", "T-" + id}});
        continue;
      }
      accepted_keys[key] = 1;
      held[id] = r;
      results.push_back({{"idempotency_key", key}, {"status", "accepted"}, {"id", "T-" + id}});
    }
    // A lost answer: the records were processed, but the answer does not say so.
    for (int i = 0; i < drop_count && !results.empty(); ++i)
      results.erase(results.end() - 1);
    drop_count = 0;
    return json(200, {{"results", results}});
  }
};

MockTracker::MockTracker(MockTrackerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  http::Router router;
  router.add("POST", "/oauth/token", http::Access::public_,
             [impl = impl_.get()](const Request& r) { return impl->token(r); });
  router.add("POST", "/destinations/batch", http::Access::public_,
             [impl = impl_.get()](const Request& r) { return impl->batch(r); });
  http::ServerOptions so;
  so.listen = "127.0.0.1:0";
  so.threads = 2;
  so.tls_cert_file = impl_->options.tls_cert;
  so.tls_key_file = impl_->options.tls_key;
  so.metrics = &impl_->registry;
  auto server = http::HttpServer::start(so, std::move(router));
  if (!server) throw std::runtime_error("mock tracker: " + server.error());
  impl_->server = std::move(*server);
}

MockTracker::~MockTracker() {
  impl_->server->stop(std::chrono::seconds(2));
}

std::string MockTracker::url() const {
  return "https://127.0.0.1:" + std::to_string(impl_->server->local_endpoint().port);
}

void MockTracker::fail_next(int count, int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_count = count;
  impl_->fail_status = status;
}

void MockTracker::throttle_next(int count, std::string retry_after) {
  std::lock_guard lock(impl_->mutex);
  impl_->throttle_count = count;
  impl_->retry_after = std::move(retry_after);
}

void MockTracker::expire_tokens_after(int uses) {
  std::lock_guard lock(impl_->mutex);
  impl_->expire_after = uses;
}

void MockTracker::reject_upn(std::string upn, std::string reason) {
  std::lock_guard lock(impl_->mutex);
  impl_->rejected_upns[std::move(upn)] = std::move(reason);
}

void MockTracker::clear_rejections() {
  std::lock_guard lock(impl_->mutex);
  impl_->rejected_upns.clear();
}

void MockTracker::drop_from_next_answer(int count) {
  std::lock_guard lock(impl_->mutex);
  impl_->drop_count = count;
}

std::map<std::string, nlohmann::json> MockTracker::records() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->held;
}

std::map<std::string, int> MockTracker::acceptances() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted_keys;
}

int MockTracker::batch_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->batches;
}

int MockTracker::token_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->token_calls;
}

int MockTracker::unauthorised() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->refused;
}

std::vector<std::size_t> MockTracker::batch_sizes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sizes;
}

}  // namespace careerlink::test
