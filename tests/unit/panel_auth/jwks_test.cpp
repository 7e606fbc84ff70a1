// JWKS parsing: RSA and EC P-256 keys into OpenSSL keys, what is skipped, what is refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/jwks.hpp"
#include "tests/oidc_provider/test_signing_key.hpp"

namespace careerlink::panel::auth {
namespace {

using nlohmann::json;
using test::SigningAlg;
using test::TestSigningKey;

const TestSigningKey& rsa_key() {
  static const TestSigningKey key = TestSigningKey::generate(SigningAlg::rs256, "rsa-1");
  return key;
}
const TestSigningKey& ec_key() {
  static const TestSigningKey key = TestSigningKey::generate(SigningAlg::es256, "ec-1");
  return key;
}

// A vector, not a braced json: nlohmann reads {one_object} as that object, not as an array.
std::string doc(const std::vector<json>& keys) {
  return json{{"keys", keys}}.dump();
}

TEST(Jwks, ParsesRsaKey) {
  auto jwks = parse_jwks(doc({rsa_key().public_jwk()}));
  ASSERT_TRUE(jwks) << jwks.error();
  ASSERT_EQ(jwks->keys().size(), 1u);
  const Jwk* k = jwks->find("rsa-1", KeyType::rsa);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->alg, "RS256");
  EXPECT_NE(k->key, nullptr);
  EXPECT_EQ(jwks->find("rsa-1", KeyType::ec_p256), nullptr);
  EXPECT_TRUE(jwks->has_kid("rsa-1"));
  EXPECT_FALSE(jwks->has_kid("other"));
}

TEST(Jwks, ParsesEcKey) {
  auto jwks = parse_jwks(doc({ec_key().public_jwk()}));
  ASSERT_TRUE(jwks) << jwks.error();
  const Jwk* k = jwks->find("ec-1", KeyType::ec_p256);
  ASSERT_NE(k, nullptr);
  EXPECT_NE(k->key, nullptr);
}

TEST(Jwks, ParsesRfc7517ExampleEcKey) {
  // RFC 7517 Appendix A.1, first key (no "alg": accepted for ES256).
  const json key{{"kty", "EC"},
                 {"crv", "P-256"},
                 {"x", "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4"},
                 {"y", "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},
                 {"use", "enc"},
                 {"kid", "1"}};
  // As published it is an encryption key, so it is skipped...
  auto as_enc = parse_jwks(doc({key, rsa_key().public_jwk()}));
  ASSERT_TRUE(as_enc) << as_enc.error();
  EXPECT_EQ(as_enc->skipped(), 1u);
  EXPECT_FALSE(as_enc->has_kid("1"));
  // ...and as a signing key it parses (the point is on the curve).
  json sig = key;
  sig["use"] = "sig";
  auto as_sig = parse_jwks(doc({sig}));
  ASSERT_TRUE(as_sig) << as_sig.error();
  EXPECT_NE(as_sig->find("1", KeyType::ec_p256), nullptr);
}

TEST(Jwks, SkipsWhatCannotVerifyIdTokens) {
  json enc = rsa_key().public_jwk();
  enc["kid"] = "enc";
  enc["use"] = "enc";
  json no_kid = rsa_key().public_jwk();
  no_kid.erase("kid");
  json p384 = ec_key().public_jwk();
  p384["kid"] = "p384";
  p384["crv"] = "P-384";
  json oct{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}};
  json ps256 = rsa_key().public_jwk();
  ps256["kid"] = "ps";
  ps256["alg"] = "PS256";
  json encrypt_only = rsa_key().public_jwk();
  encrypt_only["kid"] = "ops";
  encrypt_only.erase("use");
  encrypt_only["key_ops"] = {"encrypt"};
  auto jwks = parse_jwks(doc({enc, no_kid, p384, oct, ps256, encrypt_only, rsa_key().public_jwk(),
                              ec_key().public_jwk()}));
  ASSERT_TRUE(jwks) << jwks.error();
  EXPECT_EQ(jwks->keys().size(), 2u);
  EXPECT_EQ(jwks->skipped(), 6u);
  for (const char* kid : {"enc", "p384", "hmac", "ps", "ops"})
    EXPECT_FALSE(jwks->has_kid(kid)) << kid;
}

TEST(Jwks, SameKidDifferentTypesAllowedSameTypeRefused) {
  json ec = ec_key().public_jwk();
  ec["kid"] = "rsa-1";
  auto both = parse_jwks(doc({rsa_key().public_jwk(), ec}));
  ASSERT_TRUE(both) << both.error();
  EXPECT_NE(both->find("rsa-1", KeyType::rsa), nullptr);
  EXPECT_NE(both->find("rsa-1", KeyType::ec_p256), nullptr);
  auto dup = parse_jwks(doc({rsa_key().public_jwk(), rsa_key().public_jwk()}));
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().find("same kid"), std::string::npos) << dup.error();
}

void expect_refused(const std::string& text, std::string_view fragment) {
  auto jwks = parse_jwks(text);
  ASSERT_FALSE(jwks) << text;
  EXPECT_NE(jwks.error().find(fragment), std::string::npos) << jwks.error();
}

TEST(Jwks, RefusesMalformedDocuments) {
  expect_refused("not json", "not a JSON object");
  expect_refused("[]", "not a JSON object");
  expect_refused("{}", "no \"keys\" array");
  expect_refused(R"({"keys": {}})", "no \"keys\" array");
  expect_refused(R"({"keys": [42]})", "JWKS key 1 is not a JSON object");
  expect_refused(R"({"keys": []})", "no RS256 or ES256 signing key");
  expect_refused(R"({"keys": [{"kty": 7, "kid": "x"}]})", "\"kty\" is not a string");
}

TEST(Jwks, RefusesBrokenRsaKeys) {
  json bad_n = rsa_key().public_jwk();
  bad_n["n"] = "not base64!";
  expect_refused(doc({bad_n}), "kid rsa-1): \"n\" is not valid base64url");
  json no_e = rsa_key().public_jwk();
  no_e.erase("e");
  expect_refused(doc({no_e}), "\"e\" is missing");
  json small = rsa_key().public_jwk();
  small["n"] = base64url_encode(std::string(127, '\xC5') + "\x01");  // 1024 bits
  expect_refused(doc({small}), "RSA modulus is 1024 bits");
  json even = rsa_key().public_jwk();
  even["e"] = base64url_encode(std::string("\x01\x00\x00", 3));  // even exponent
  expect_refused(doc({even}), "validity check");
}

TEST(Jwks, RefusesBrokenEcKeys) {
  json short_x = ec_key().public_jwk();
  short_x["x"] = base64url_encode(std::string(31, '\x01'));
  expect_refused(doc({short_x}), "32 bytes");
  json off_curve = ec_key().public_jwk();
  off_curve["x"] = base64url_encode(std::string(32, '\x01'));
  off_curve["y"] = base64url_encode(std::string(32, '\x01'));
  expect_refused(doc({off_curve}), "kid ec-1");
  json no_y = ec_key().public_jwk();
  no_y.erase("y");
  expect_refused(doc({no_y}), "\"y\" is missing");
}

}  // namespace
}  // namespace careerlink::panel::auth
