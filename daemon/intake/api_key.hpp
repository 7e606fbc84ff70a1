// Intake API keys: what a provider organisation's system sends as "Authorization: Bearer <key>".
// A key is "clk_" and 43 base64url characters (256 random bits from OpenSSL's RAND_bytes). It
// is shown once when made; only its SHA-256 is stored, with its first 12 characters as a prefix
// so a list can tell keys apart without revealing them.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace careerlink::intake {

struct NewApiKey {
  std::string key;     // give to the provider; never stored
  std::string prefix;  // "clk_" + 8 characters
  std::string sha256;  // lower-case hex, what the store keeps
};

std::expected<NewApiKey, std::string> generate_api_key();

// Lower-case hex SHA-256 of `key`.
std::string api_key_hash(std::string_view key);

}  // namespace careerlink::intake
