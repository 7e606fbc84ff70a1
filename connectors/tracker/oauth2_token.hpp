// An OAuth 2.0 access token from the client credentials grant (RFC 6749 §4.4), kept until a
// minute before it expires and fetched again then, or at once when the API refuses it.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <mutex>
#include <string>

#include "daemon/http/client/http_client.hpp"

namespace careerlink::tracker {

struct OAuth2Settings {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;  // "" = none asked for
};

class OAuth2Token {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  OAuth2Token(
      OAuth2Settings settings, http::HttpClient& client,
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // A token valid for at least another minute (fetched if need be). The error says what the
  // token endpoint answered, never the secret.
  std::expected<std::string, std::string> get();
  // The API said 401: the token is dropped, and the next get() fetches a new one.
  void invalidate();
  [[nodiscard]] int fetches() const { return fetches_; }

 private:
  OAuth2Settings settings_;
  http::HttpClient& client_;
  Clock clock_;
  std::mutex mutex_;
  std::string token_;
  std::chrono::steady_clock::time_point expires_{};
  int fetches_ = 0;
};

}  // namespace careerlink::tracker
