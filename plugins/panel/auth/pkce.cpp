#include "plugins/panel/auth/pkce.hpp"

#include <algorithm>

#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::panel::auth {

Pkce make_pkce() {
  Pkce p;
  p.verifier = random_token(32);
  p.challenge = pkce_challenge(p.verifier);
  return p;
}

std::string pkce_challenge(std::string_view verifier) {
  return base64url_encode(sha256(verifier));
}

bool valid_pkce_verifier(std::string_view verifier) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  return std::all_of(verifier.begin(), verifier.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

}  // namespace careerlink::panel::auth
