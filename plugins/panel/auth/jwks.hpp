// A JSON Web Key Set (RFC 7517), as published at an OpenID provider's jwks_uri, turned into
// OpenSSL public keys ready for signature checks. Only what ID token verification can use is
// kept: RSA keys (for RS256) and EC P-256 keys (for ES256) meant for signatures. Encryption
// keys ("use": "enc"), other key types and curves, and keys without a "kid" are skipped; a key
// of a kept type with broken members rejects the whole document, since it means the provider
// (or something in between) is sending nonsense.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY; kept out of this header

namespace careerlink::panel::auth {

enum class KeyType { rsa, ec_p256 };
std::string_view to_string(KeyType type);  // "RSA", "EC P-256"

struct Jwk {
  std::string kid;
  KeyType type = KeyType::rsa;
  std::string alg;                   // the key's own "alg" member; empty when it has none
  std::shared_ptr<evp_pkey_st> key;  // public key (EVP_PKEY), validated
};

class Jwks {
 public:
  // The key with this kid and type, or nullptr. (RFC 7517 lets keys of different types share a
  // kid, so the type is part of the lookup.)
  [[nodiscard]] const Jwk* find(std::string_view kid, KeyType type) const;
  [[nodiscard]] bool has_kid(std::string_view kid) const;
  [[nodiscard]] const std::vector<Jwk>& keys() const { return keys_; }
  [[nodiscard]] std::size_t skipped() const { return skipped_; }  // keys left out (see above)

  friend std::expected<Jwks, std::string> parse_jwks(std::string_view json_text);

 private:
  std::vector<Jwk> keys_;
  std::size_t skipped_ = 0;
};

// Errors name the offending key ("JWKS key 2 (kid abc): RSA modulus is 1024 bits; ...") and
// a document with no usable signing key is an error too.
std::expected<Jwks, std::string> parse_jwks(std::string_view json_text);

}  // namespace careerlink::panel::auth
