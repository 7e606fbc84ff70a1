#include "plugins/panel/auth/oidc_discovery.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

namespace careerlink::panel::auth {
namespace {

bool loopback_host(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.host_ipv4_address().to_bytes()[0] == 127;
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return url.host() == "localhost";
    default:
      return false;
  }
}

std::vector<std::string> string_list(const nlohmann::json& doc, const char* name) {
  std::vector<std::string> out;
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string discovery_url(std::string_view issuer) {
  std::string base(issuer);
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/.well-known/openid-configuration";
}

bool acceptable_endpoint(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->has_fragment() || parsed->host().empty()) return false;
  if (parsed->scheme_id() == boost::urls::scheme::https) return true;
  return parsed->scheme_id() == boost::urls::scheme::http && loopback_host(*parsed);
}

std::expected<ProviderMetadata, std::string> parse_provider_metadata(
    std::string_view json_text, std::string_view expected_issuer) {
  auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return std::unexpected(std::string("the discovery document is not a JSON object"));
  auto text = [&](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ProviderMetadata m;
  m.issuer = text("issuer");
  if (m.issuer != expected_issuer) {
    std::string message = "the discovery document names issuer \"" + m.issuer +
                          "\", not the configured \"" + std::string(expected_issuer) + "\"";
    if (m.issuer.find("{tenantid}") != std::string::npos) {
      message +=
          "; use your tenant's own issuer, https://login.microsoftonline.com/"
          "<tenant-id>/v2.0, not the common or organizations endpoint";
    } else if (!m.issuer.empty()) {
      message += "; set the issuer to exactly \"" + m.issuer + "\" if that is the right provider";
    }
    return std::unexpected(message);
  }
  m.authorization_endpoint = text("authorization_endpoint");
  m.token_endpoint = text("token_endpoint");
  m.jwks_uri = text("jwks_uri");
  for (auto [name, value] :
       {std::pair{"authorization_endpoint", &m.authorization_endpoint},
        std::pair{"token_endpoint", &m.token_endpoint}, std::pair{"jwks_uri", &m.jwks_uri}}) {
    if (value->empty())
      return std::unexpected(std::string("the discovery document has no ") + name);
    if (!acceptable_endpoint(*value)) {
      return std::unexpected(std::string("the discovery document's ") + name + " \"" + *value +
                             "\" is not an https URL");
    }
  }
  m.code_challenge_methods_supported = string_list(doc, "code_challenge_methods_supported");
  m.token_endpoint_auth_methods_supported =
      string_list(doc, "token_endpoint_auth_methods_supported");
  m.id_token_signing_alg_values_supported =
      string_list(doc, "id_token_signing_alg_values_supported");
  // Absent lists say nothing (Entra leaves out code_challenge_methods_supported yet does PKCE);
  // a list that leaves out what we need is a clear no.
  if (!m.code_challenge_methods_supported.empty() &&
      !contains(m.code_challenge_methods_supported, "S256"))
    return std::unexpected(std::string("the provider does not support PKCE with S256"));
  if (!m.id_token_signing_alg_values_supported.empty() &&
      !contains(m.id_token_signing_alg_values_supported, "RS256") &&
      !contains(m.id_token_signing_alg_values_supported, "ES256"))
    return std::unexpected(
        std::string("the provider signs ID tokens with neither RS256 nor ES256"));
  return m;
}

}  // namespace careerlink::panel::auth
