// The panel's OpenID Connect client (authorization code flow with PKCE, confidential client),
// for Microsoft Entra ID and Google Workspace or any provider that follows the specs:
//
//   1. authorization_url(state, nonce, pkce.challenge) -> send the browser there;
//   2. the provider redirects back to redirect_uri?code=...&state=... (the caller checks state);
//   3. redeem(code, pkce.verifier, nonce) -> verified IdTokenClaims.
//
// Discovery and the JWKS are fetched on first use and cached (refetched after cache_lifetime).
// An ID token signed with a kid the cached JWKS lacks triggers one JWKS refetch (key rotation),
// at most once per jwks_refetch_interval, so junk tokens cannot make us hammer the provider.
// Thread-safe: any number of sign-ins may run at once.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/http/client/http_client.hpp"
#include "plugins/panel/auth/jwt.hpp"
#include "plugins/panel/auth/oidc_discovery.hpp"

namespace careerlink::panel::auth {

struct OidcOptions {
  // e.g. "https://login.microsoftonline.com/<tenant-id>/v2.0" or "https://accounts.google.com"
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;  // "<public_url>/panel/oidc/callback", as registered
  std::string scopes = "openid email profile";
  http::ClientOptions http;
  std::chrono::seconds leeway = kDefaultLeeway;
  std::chrono::seconds jwks_refetch_interval{60};
  std::chrono::seconds cache_lifetime{std::chrono::hours(24)};
};

class OidcClient {
 public:
  // Checks the options (https issuer and redirect URI, except http on loopback for tests) and
  // sets up the HTTP client; does not contact the provider. Errors name the setting to fix.
  static std::expected<std::unique_ptr<OidcClient>, std::string> create(OidcOptions options);
  ~OidcClient();
  OidcClient(const OidcClient&) = delete;
  OidcClient& operator=(const OidcClient&) = delete;

  // The provider's metadata (fetched once, then cached).
  std::expected<ProviderMetadata, std::string> discover();

  // Where to send the browser. `login_hint` (an email address) is optional.
  std::expected<std::string, std::string> authorization_url(std::string_view state,
                                                            std::string_view nonce,
                                                            std::string_view code_challenge,
                                                            std::string_view login_hint = {});

  // Exchanges the code (client_secret_post, or client_secret_basic when the provider offers
  // only that) and verifies the ID token against `expected_nonce` at time `now`.
  std::expected<IdTokenClaims, std::string> redeem(
      std::string_view code, std::string_view code_verifier, std::string_view expected_nonce,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  [[nodiscard]] const std::string& issuer() const;
  [[nodiscard]] const std::string& client_id() const;

  struct Impl;

 private:
  explicit OidcClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace careerlink::panel::auth
