// Signing keys and JWS making for the test OpenID provider and the ID token tests: a fresh
// RSA-2048 (RS256) or P-256 (ES256) key, its public JWK, and compact JWS tokens, including the
// deliberately bad ones (unsigned, HMAC with the public key as the secret, broken signature)
// that the verifier must refuse. Signing goes through OpenSSL's EVP API, independently of the
// verifier under test. Throws std::runtime_error when OpenSSL fails.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace careerlink::test {

enum class SigningAlg { rs256, es256 };
std::string_view to_string(SigningAlg alg);  // "RS256", "ES256"

class TestSigningKey {
 public:
  static TestSigningKey generate(SigningAlg alg, std::string kid);

  [[nodiscard]] const std::string& kid() const { return kid_; }
  [[nodiscard]] SigningAlg alg() const { return alg_; }
  // {"kty", "kid", "use": "sig", "alg", and "n"/"e" or "crv"/"x"/"y"}
  [[nodiscard]] nlohmann::json public_jwk() const;
  // SubjectPublicKeyInfo PEM: what a key-confusion attacker would use as an HMAC secret.
  [[nodiscard]] std::string public_pem() const;
  // header.payload.signature; "alg" and "kid" are filled in unless `header` already has them.
  [[nodiscard]] std::string sign(nlohmann::json header, const nlohmann::json& claims) const;

 private:
  TestSigningKey(SigningAlg alg, std::string kid, std::shared_ptr<evp_pkey_st> key)
      : alg_(alg), kid_(std::move(kid)), key_(std::move(key)) {}
  SigningAlg alg_;
  std::string kid_;
  std::shared_ptr<evp_pkey_st> key_;
};

// HS256 over header.payload with `secret` ("alg" set to HS256 unless present).
std::string sign_hs256(nlohmann::json header, const nlohmann::json& claims,
                       std::string_view secret);
// "alg": "none" with an empty signature.
std::string unsigned_token(nlohmann::json header, const nlohmann::json& claims);
// The same token with one bit of its signature flipped.
std::string tamper_signature(const std::string& token);

}  // namespace careerlink::test
