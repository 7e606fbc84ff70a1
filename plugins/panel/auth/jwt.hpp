// Verifies an OpenID Connect ID token: a compact JWS (RFC 7515) signed with RS256 or ES256 by
// a key from the provider's JWKS, whose claims (OIDC Core section 3.1.3.7) say it was issued by
// the configured issuer, for this client, recently, for this sign-in attempt (nonce).
//
// Refused outright: "alg": "none", every HMAC algorithm (HS256/384/512: with a public key as
// the "secret" they would let anyone forge tokens), any other algorithm, a "crit" header, a
// header alg that does not fit the key's type or the key's own "alg", and a token without kid.
#pragma once

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "plugins/panel/auth/email_rule.hpp"
#include "plugins/panel/auth/jwks.hpp"

namespace careerlink::panel::auth {

// Clock skew allowed between this server and the provider for exp, iat and nbf.
inline constexpr std::chrono::seconds kDefaultLeeway{60};
inline constexpr std::size_t kMaxTokenBytes = std::size_t{64} * 1024;

struct JwsHeader {
  std::string alg;
  std::string kid;  // empty when absent
};

// The header, decoded but NOT verified: only for choosing the key (and for noticing a kid the
// cached JWKS does not have yet). Fails on a token that is not header.payload.signature.
std::expected<JwsHeader, std::string> read_jws_header(std::string_view token);

struct IdTokenExpectations {
  std::string issuer;     // exactly as in the provider's discovery document
  std::string client_id;  // must be in "aud" (and equal "azp" when that is present)
  std::string nonce;      // what this sign-in attempt sent; must not be empty
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::chrono::seconds leeway = kDefaultLeeway;
};

struct IdTokenClaims {
  std::string issuer;
  std::string subject;  // "sub": the stable id of the user at this provider
  std::string email;    // see email_rule.hpp; empty when the token has no usable address
  std::string name;     // "name", else "given_name family_name"; may be empty
  bool email_verified = false;
  std::string nonce;
  std::chrono::system_clock::time_point expires;
  nlohmann::json raw;  // every claim, for whatever else the caller needs

  EmailSource email_source = EmailSource::none;
  std::string hosted_domain;  // Google "hd": the Workspace domain; empty for consumer accounts
  std::string tenant_id;      // Entra "tid"
};

// Error messages name the failing check, e.g. "ID token audience [\"x\"] does not include this
// client (client_id \"y\")", "ID token signature does not verify with key kid \"k\" (RS256)".
std::expected<IdTokenClaims, std::string> verify_id_token(std::string_view token, const Jwks& keys,
                                                          const IdTokenExpectations& expect);

}  // namespace careerlink::panel::auth
