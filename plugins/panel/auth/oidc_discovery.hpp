// The provider's OpenID Connect discovery document (OpenID Connect Discovery 1.0), read and
// checked: its issuer must be exactly the configured one (section 4.3; this is what stops a
// look-alike document sending us elsewhere), and its endpoints must be https (plain http only
// for a provider on this machine, i.e. the test provider).
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace careerlink::panel::auth {

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  // As published; empty when the document leaves them out.
  std::vector<std::string> code_challenge_methods_supported;
  std::vector<std::string> token_endpoint_auth_methods_supported;
  std::vector<std::string> id_token_signing_alg_values_supported;
};

// "<issuer without a trailing '/'>/.well-known/openid-configuration"
std::string discovery_url(std::string_view issuer);

// https://..., or http://... whose host is localhost, 127.0.0.0/8 or [::1]; no fragment.
bool acceptable_endpoint(std::string_view url);

std::expected<ProviderMetadata, std::string> parse_provider_metadata(
    std::string_view json_text, std::string_view expected_issuer);

}  // namespace careerlink::panel::auth
