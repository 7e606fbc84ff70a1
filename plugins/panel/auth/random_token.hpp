// Unguessable values for sign-in: session ids, OAuth state and nonce, PKCE verifiers, one-time
// codes. All randomness comes from OpenSSL's RAND_bytes (the OS CSPRNG, reseeded by OpenSSL).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "plugins/panel/auth/base64.hpp"  // base64url_encode / base64url_decode

namespace careerlink::panel::auth {

// `bytes` random bytes as unpadded base64url (32 bytes -> 43 characters, 256 bits).
// Throws std::runtime_error if the random number generator fails (it does not, short of a
// broken OS; there is no safe fallback, so the caller's request fails instead).
std::string random_token(std::size_t bytes);

// Random bytes, raw. Throws like random_token.
std::string random_bytes(std::size_t bytes);

// Lower-case hex SHA-256 of `data` (what is stored in place of a session token).
std::string sha256_hex(std::string_view data);

// Raw 32-byte SHA-256 of `data`.
std::string sha256(std::string_view data);

}  // namespace careerlink::panel::auth
