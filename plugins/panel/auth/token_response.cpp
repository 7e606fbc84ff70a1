#include "plugins/panel/auth/token_response.hpp"

#include <nlohmann/json.hpp>

namespace careerlink::panel::auth {
namespace {

std::string_view hint_for(std::string_view error) {
  if (error == "invalid_grant") {
    return "the sign-in code was refused: it expired, was already used, or does not belong to "
           "this sign-in (redirect URI or PKCE verifier); sign in again";
  }
  if (error == "invalid_client") {
    return "the provider did not accept the panel's client credentials: check the OIDC "
           "client_id and client_secret (Entra ID client secrets expire; make a new one under "
           "Certificates & secrets)";
  }
  if (error == "unauthorized_client") {
    return "this app registration may not use the authorization code flow: register it as a "
           "Web application with the panel's redirect URI";
  }
  if (error == "unsupported_grant_type")
    return "the provider does not offer the authorization code flow";
  if (error == "invalid_scope")
    return "the provider refused the requested scopes (openid email profile)";
  if (error == "invalid_request") return "the provider says the token request is malformed";
  return "the provider refused the token request";
}

// The provider's own description, on one line and short: it goes into logs.
std::string tidy(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  constexpr std::size_t kMax = 300;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

std::string string_member(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::expected<TokenResponse, std::string> parse_token_response(int http_status,
                                                               std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  const bool object = !doc.is_discarded() && doc.is_object();
  if (http_status < 200 || http_status >= 300 || (object && doc.contains("error"))) {
    const std::string error = object ? string_member(doc, "error") : std::string();
    if (error.empty()) {
      return std::unexpected("the token endpoint answered HTTP " + std::to_string(http_status) +
                             " without an OAuth error code");
    }
    std::string message =
        "token request refused (" + tidy(error) + "): " + std::string(hint_for(error));
    if (std::string description = string_member(doc, "error_description"); !description.empty())
      message += ". The provider says: " + tidy(std::move(description));
    return std::unexpected(message);
  }
  if (!object) return std::unexpected(std::string("the token endpoint's answer is not JSON"));
  TokenResponse out;
  out.id_token = string_member(doc, "id_token");
  out.access_token = string_member(doc, "access_token");
  out.token_type = string_member(doc, "token_type");
  if (out.id_token.empty()) {
    return std::unexpected(std::string(
        "the token endpoint returned no id_token: check that the scopes include \"openid\""));
  }
  return out;
}

}  // namespace careerlink::panel::auth
