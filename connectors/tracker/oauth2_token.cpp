#include "connectors/tracker/oauth2_token.hpp"

#include <openssl/evp.h>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <array>

namespace careerlink::tracker {
namespace {

constexpr auto kRefreshMargin = std::chrono::seconds(60);

std::string form_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string base64(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

OAuth2Token::OAuth2Token(OAuth2Settings settings, http::HttpClient& client, Clock clock)
    : settings_(std::move(settings)), client_(client), clock_(std::move(clock)) {}

void OAuth2Token::invalidate() {
  std::lock_guard lock(mutex_);
  token_.clear();
}

std::expected<std::string, std::string> OAuth2Token::get() {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  if (!token_.empty() && now + kRefreshMargin < expires_) return token_;

  // Client authentication by HTTP Basic (RFC 6749 §2.3.1: every server must accept it), with
  // the id and secret form-encoded first as that section says.
  http::HttpRequest request;
  request.method = "POST";
  request.url = settings_.token_url;
  request.headers.push_back(
      {"Authorization", "Basic " + base64(form_encode(settings_.client_id) + ":" +
                                          form_encode(settings_.client_secret))});
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.headers.push_back({"Accept", "application/json"});
  request.body = "grant_type=client_credentials";
  if (!settings_.scope.empty()) request.body += "&scope=" + form_encode(settings_.scope);
  ++fetches_;
  auto response = client_.send(request);
  if (!response) return std::unexpected("token endpoint: " + response.error().to_string());
  if (response->status != 200) {
    std::string why;
    try {
      const auto body = nlohmann::json::parse(response->body);
      why = body.value("error", "");
      if (body.contains("error_description")) why += ": " + body.value("error_description", "");
    } catch (const std::exception&) {
    }
    return std::unexpected(fmt::format("token endpoint answered HTTP {}{}", response->status,
                                       why.empty() ? "" : " (" + why + ")"));
  }
  try {
    const auto body = nlohmann::json::parse(response->body);
    const auto type = body.value("token_type", "");
    if (type.size() != 6 || (type != "Bearer" && type != "bearer" && type != "BEARER")) {
      return std::unexpected("token endpoint gave a token_type of \"" + type + "\", not Bearer");
    }
    token_ = body.at("access_token").get<std::string>();
    // No expires_in: RFC 6749 leaves the lifetime to the server; assume an hour, and a 401
    // still refreshes it early.
    const auto lifetime = std::chrono::seconds(body.value("expires_in", 3600));
    expires_ = now + lifetime;
    return token_;
  } catch (const std::exception&) {
    token_.clear();
    return std::unexpected("token endpoint's answer is not a JSON object with access_token");
  }
}

}  // namespace careerlink::tracker
