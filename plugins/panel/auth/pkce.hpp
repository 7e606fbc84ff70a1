// PKCE (RFC 7636) with the S256 method only: the sign-in start keeps `verifier` (server side,
// with the state) and sends `challenge` in the authorization URL; the token request sends the
// verifier, so a stolen authorization code is useless without it. "plain" is never used: it
// protects nothing once the authorization request is seen.
#pragma once

#include <string>
#include <string_view>

namespace careerlink::panel::auth {

struct Pkce {
  std::string verifier;   // 43 characters: 32 random bytes, base64url
  std::string challenge;  // BASE64URL(SHA256(verifier))
};

Pkce make_pkce();

// BASE64URL(SHA256(ASCII(verifier))), RFC 7636 section 4.2.
std::string pkce_challenge(std::string_view verifier);

// RFC 7636 section 4.1: 43 to 128 characters from [A-Z a-z 0-9 - . _ ~].
bool valid_pkce_verifier(std::string_view verifier);

}  // namespace careerlink::panel::auth
