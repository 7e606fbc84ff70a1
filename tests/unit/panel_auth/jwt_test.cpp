// ID token verification: good RS256 and ES256 tokens, and every way a token must be refused
// (signature, algorithm tricks, issuer, audience, times, nonce, keys).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/jwt.hpp"
#include "tests/oidc_provider/test_signing_key.hpp"

namespace careerlink::panel::auth {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::system_clock;
using test::SigningAlg;
using test::TestSigningKey;

constexpr std::int64_t kNow = 1'750'000'000;  // a fixed "now" (June 2025)
const char* const kIssuer = "https://idp.example/tenant/v2.0";
const char* const kClient = "panel-client";
const char* const kNonce = "n-0S6_WzA2Mj";

const TestSigningKey& rsa() {
  static const TestSigningKey key = TestSigningKey::generate(SigningAlg::rs256, "rsa-kid");
  return key;
}
const TestSigningKey& ec() {
  static const TestSigningKey key = TestSigningKey::generate(SigningAlg::es256, "ec-kid");
  return key;
}
const Jwks& keys() {
  static const Jwks jwks = [] {
    auto parsed = parse_jwks(json{{"keys", {rsa().public_jwk(), ec().public_jwk()}}}.dump());
    if (!parsed) throw std::runtime_error(parsed.error());
    return *parsed;
  }();
  return jwks;
}

json claims() {
  return {{"iss", kIssuer},
          {"sub", "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"},
          {"aud", kClient},
          {"exp", kNow + 600},
          {"iat", kNow - 5},
          {"nonce", kNonce},
          {"email", "ann.smith@school.example"},
          {"email_verified", true},
          {"name", "Ann Smith"}};
}

IdTokenExpectations expect() {
  IdTokenExpectations e;
  e.issuer = kIssuer;
  e.client_id = kClient;
  e.nonce = kNonce;
  e.now = system_clock::time_point(seconds(kNow));
  return e;
}

std::string verify_error(const std::string& token, const IdTokenExpectations& e = expect()) {
  auto result = verify_id_token(token, keys(), e);
  if (result) return "(accepted)";
  return result.error();
}

#define EXPECT_REFUSED(token, fragment)                                         \
  do {                                                                          \
    const std::string error_ = verify_error(token);                             \
    EXPECT_NE(error_.find(fragment), std::string::npos) << "error: " << error_; \
  } while (false)

TEST(IdToken, GoodRs256) {
  auto result = verify_id_token(rsa().sign({}, claims()), keys(), expect());
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->issuer, kIssuer);
  EXPECT_EQ(result->subject, "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ");
  EXPECT_EQ(result->email, "ann.smith@school.example");
  EXPECT_TRUE(result->email_verified);
  EXPECT_EQ(result->email_source, EmailSource::email);
  EXPECT_EQ(result->name, "Ann Smith");
  EXPECT_EQ(result->nonce, kNonce);
  EXPECT_EQ(result->expires, system_clock::time_point(seconds(kNow + 600)));
  EXPECT_EQ(result->raw.at("aud"), kClient);
}

TEST(IdToken, GoodEs256) {
  auto result = verify_id_token(ec().sign({}, claims()), keys(), expect());
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->email, "ann.smith@school.example");
}

TEST(IdToken, ManyEs256SignaturesVerify) {
  // r or s with leading zero bytes must survive the r||s <-> DER conversions.
  for (int i = 0; i < 64; ++i) {
    json c = claims();
    c["i"] = i;
    auto result = verify_id_token(ec().sign({}, c), keys(), expect());
    ASSERT_TRUE(result) << i << ": " << result.error();
  }
}

TEST(IdToken, BadSignatureRefused) {
  EXPECT_REFUSED(test::tamper_signature(rsa().sign({}, claims())), "signature does not verify");
  EXPECT_REFUSED(test::tamper_signature(ec().sign({}, claims())), "signature does not verify");
}

TEST(IdToken, SwappedPayloadRefused) {
  const std::string good = rsa().sign({}, claims());
  json evil = claims();
  evil["email"] = "head@school.example";
  const std::string other = rsa().sign({}, evil);
  // header and signature of the first token, payload of the second
  const auto d1 = good.find('.');
  const auto d2 = good.rfind('.');
  const auto o1 = other.find('.');
  const auto o2 = other.rfind('.');
  const std::string spliced =
      good.substr(0, d1 + 1) + other.substr(o1 + 1, o2 - o1 - 1) + good.substr(d2);
  EXPECT_REFUSED(spliced, "signature does not verify");
}

TEST(IdToken, AlgNoneRefused) {
  EXPECT_REFUSED(test::unsigned_token({{"kid", "rsa-kid"}}, claims()), "unsigned (alg \"none\")");
  // Even with a signature part that is not empty.
  EXPECT_REFUSED(test::unsigned_token({{"kid", "rsa-kid"}}, claims()) + "c2ln", "unsigned");
  json header{{"alg", "None"}, {"kid", "rsa-kid"}};
  EXPECT_REFUSED(base64url_encode(header.dump()) + "." + base64url_encode(claims().dump()) + ".",
                 "not accepted");
}

TEST(IdToken, Hs256WithPublicKeyAsSecretRefused) {
  // The classic key-confusion forgery: HMAC keyed with the provider's public key.
  EXPECT_REFUSED(test::sign_hs256({{"kid", "rsa-kid"}}, claims(), rsa().public_pem()),
                 "shared-secret algorithm HS256");
  EXPECT_REFUSED(test::sign_hs256({{"kid", "rsa-kid"}, {"alg", "HS512"}}, claims(), "secret"),
                 "HS512");
}

TEST(IdToken, AlgorithmMustFitTheKey) {
  // Header claims ES256 but names the RSA key (signed with RSA).
  EXPECT_REFUSED(rsa().sign({{"alg", "ES256"}}, claims()), "is not an EC P-256 key");
  EXPECT_REFUSED(ec().sign({{"alg", "RS256"}}, claims()), "is not an RSA key");
  EXPECT_REFUSED(rsa().sign({{"alg", "PS256"}}, claims()), "\"PS256\" is not accepted");
}

TEST(IdToken, KidSharedByAnRsaAndAnEcKey) {
  // RFC 7517 allows it; the header's alg decides which key is used.
  json ec_jwk = ec().public_jwk();
  ec_jwk["kid"] = "rsa-kid";
  auto shared = parse_jwks(json{{"keys", {rsa().public_jwk(), ec_jwk}}}.dump());
  ASSERT_TRUE(shared) << shared.error();
  json ec_header{{"kid", "rsa-kid"}};
  EXPECT_TRUE(verify_id_token(ec().sign(ec_header, claims()), *shared, expect()));
  EXPECT_TRUE(verify_id_token(rsa().sign({}, claims()), *shared, expect()));
}

TEST(IdToken, WrongIssuerRefused) {
  json c = claims();
  c["iss"] = "https://login.evil.example/tenant/v2.0";
  EXPECT_REFUSED(rsa().sign({}, c), "ID token issuer \"https://login.evil.example/tenant/v2.0\"");
  c["iss"] = std::string(kIssuer) + "/";
  EXPECT_REFUSED(rsa().sign({}, c), "is not the configured issuer");
  c.erase("iss");
  EXPECT_REFUSED(rsa().sign({}, c), "issuer");
}

TEST(IdToken, GoogleLegacyIssuerAcceptedOnlyForGoogle) {
  json c = claims();
  c["iss"] = "accounts.google.com";
  IdTokenExpectations google = expect();
  google.issuer = "https://accounts.google.com";
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), google));
  c["iss"] = "idp.example/tenant/v2.0";
  EXPECT_FALSE(verify_id_token(rsa().sign({}, c), keys(), expect()));
}

TEST(IdToken, WrongAudienceRefused) {
  json c = claims();
  c["aud"] = "another-app";
  EXPECT_REFUSED(rsa().sign({}, c),
                 "ID token audience \"another-app\" does not include this client (client_id "
                 "\"panel-client\")");
  c["aud"] = {"another-app", "third-app"};
  c["azp"] = "another-app";
  EXPECT_REFUSED(rsa().sign({}, c), "does not include this client");
  c.erase("aud");
  EXPECT_REFUSED(rsa().sign({}, c), "no audience");
}

TEST(IdToken, AudienceArraysAndAuthorizedParty) {
  json c = claims();
  c["aud"] = {kClient};
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), expect()));
  c["aud"] = {"other-api", kClient};
  EXPECT_REFUSED(rsa().sign({}, c), "several audiences but no authorized party");
  c["azp"] = kClient;
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), expect()));
  c["azp"] = "other-api";
  EXPECT_REFUSED(rsa().sign({}, c), "authorized party (azp) \"other-api\" is not this client");
  c["aud"] = kClient;  // azp present with one audience must still be us
  EXPECT_REFUSED(rsa().sign({}, c), "authorized party");
}

TEST(IdToken, ExpiryWithLeeway) {
  json c = claims();
  c["exp"] = kNow - 30;  // inside the 60 s leeway
  c["iat"] = kNow - 600;
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), expect()));
  c["exp"] = kNow - 61;
  EXPECT_REFUSED(rsa().sign({}, c), "ID token expired at 2025-06-15 15:05:39 UTC");
  IdTokenExpectations strict = expect();
  strict.leeway = seconds(0);
  c["exp"] = kNow;
  EXPECT_FALSE(verify_id_token(rsa().sign({}, c), keys(), strict));
  c.erase("exp");
  EXPECT_REFUSED(rsa().sign({}, c), "no valid expiry");
  c["exp"] = "tomorrow";
  EXPECT_REFUSED(rsa().sign({}, c), "no valid expiry");
}

TEST(IdToken, IssuedInTheFutureRefused) {
  json c = claims();
  c["iat"] = kNow + 50;  // clock skew inside leeway
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), expect()));
  c["iat"] = kNow + 120;
  EXPECT_REFUSED(rsa().sign({}, c), "issued in the future");
  c.erase("iat");
  EXPECT_REFUSED(rsa().sign({}, c), "issued-at");
  c["iat"] = kNow;
  c["nbf"] = kNow + 3600;
  EXPECT_REFUSED(rsa().sign({}, c), "not valid before");
  c["iat"] = 1.75e9;  // NumericDate may be fractional
  c["nbf"] = kNow - 1.5;
  EXPECT_TRUE(verify_id_token(rsa().sign({}, c), keys(), expect()));
}

TEST(IdToken, NonceMustMatch) {
  json c = claims();
  c["nonce"] = "someone-elses-nonce";
  EXPECT_REFUSED(rsa().sign({}, c), "nonce does not match");
  c.erase("nonce");
  EXPECT_REFUSED(rsa().sign({}, c), "nonce does not match");
  IdTokenExpectations no_nonce = expect();
  no_nonce.nonce.clear();
  EXPECT_EQ(verify_error(rsa().sign({}, claims()), no_nonce),
            "ID token check needs the sign-in attempt's nonce");
}

TEST(IdToken, UnknownOrMissingKidRefused) {
  const auto stranger = TestSigningKey::generate(SigningAlg::rs256, "rotated-kid");
  EXPECT_REFUSED(stranger.sign({}, claims()),
                 "signed with key kid \"rotated-kid\", which is not in the provider's JWKS");
  // A stranger key claiming a known kid fails the signature check instead.
  EXPECT_REFUSED(stranger.sign({{"kid", "rsa-kid"}}, claims()), "signature does not verify");
  json header{{"alg", "RS256"}};
  const std::string input =
      base64url_encode(header.dump()) + "." + base64url_encode(claims().dump());
  EXPECT_REFUSED(input + "." + base64url_encode("x"), "no kid");
}

TEST(IdToken, MalformedTokensRefused) {
  EXPECT_REFUSED("", "not a compact JWS");
  EXPECT_REFUSED("abc", "not a compact JWS");
  EXPECT_REFUSED("a.b", "not a compact JWS");
  EXPECT_REFUSED("a.b.c.d", "not a compact JWS");
  EXPECT_REFUSED("!!.e30.", "header is not valid base64url");
  EXPECT_REFUSED(base64url_encode("[1]") + ".e30.", "header is not a JSON object");
  EXPECT_REFUSED(std::string(std::size_t{70} * 1024, 'a'), "larger than 64 KiB");
  EXPECT_REFUSED(rsa().sign({{"crit", {"exp"}}}, claims()), "crit");
  // RS256 signature of the wrong length; ES256 signature in DER rather than r||s.
  const std::string good = rsa().sign({}, claims());
  EXPECT_REFUSED(good.substr(0, good.rfind('.') + 1) + base64url_encode(std::string(255, 'x')),
                 "wrong length");
  const std::string es = ec().sign({}, claims());
  EXPECT_REFUSED(es.substr(0, es.rfind('.') + 1) + base64url_encode(std::string(70, 'x')),
                 "not 64 bytes");
  json c = claims();
  c.erase("sub");
  EXPECT_REFUSED(rsa().sign({}, c), "no subject");
  const std::string payload_not_json = rsa().sign({}, json::array({1, 2}));
  EXPECT_REFUSED(payload_not_json, "payload is not a JSON object");
}

TEST(IdToken, EntraStyleClaims) {
  json c = claims();
  c.erase("email");
  c.erase("email_verified");
  c["preferred_username"] = "ann.smith@school.example";
  c["tid"] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  c.erase("name");
  c["given_name"] = "Ann";
  c["family_name"] = "Smith";
  auto result = verify_id_token(rsa().sign({}, c), keys(), expect());
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->email, "ann.smith@school.example");
  EXPECT_EQ(result->email_source, EmailSource::preferred_username);
  EXPECT_FALSE(result->email_verified);
  EXPECT_EQ(result->tenant_id, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(result->name, "Ann Smith");
}

TEST(IdToken, GoogleStyleClaims) {
  json c = claims();
  c["hd"] = "school.example";
  c["email_verified"] = false;
  auto result = verify_id_token(rsa().sign({}, c), keys(), expect());
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->hosted_domain, "school.example");
  EXPECT_FALSE(result->email_verified);
}

TEST(IdToken, ReadHeaderWithoutVerifying) {
  auto header = read_jws_header(ec().sign({}, claims()));
  ASSERT_TRUE(header) << header.error();
  EXPECT_EQ(header->alg, "ES256");
  EXPECT_EQ(header->kid, "ec-kid");
  EXPECT_FALSE(read_jws_header("nonsense"));
}

}  // namespace
}  // namespace careerlink::panel::auth
