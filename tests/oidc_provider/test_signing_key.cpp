#include "tests/oidc_provider/test_signing_key.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/openssl_handles.hpp"

namespace careerlink::test {
namespace {

namespace ossl = panel::auth::ossl;
using panel::auth::base64url_decode;
using panel::auth::base64url_encode;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("test signing key: " + what + ": " + ossl::error_text());
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) fail(std::string("reading ") + name);
  ossl::Bignum bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) != size)
    fail(std::string("encoding ") + name);
  return out;
}

std::string signing_input(const nlohmann::json& header, const nlohmann::json& claims) {
  return base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
}

// OpenSSL makes DER ECDSA signatures; JWS wants r || s, 32 bytes each.
std::string der_to_raw_es256(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) fail("decoding the ECDSA signature");
  std::string out(64, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), bytes, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), bytes + 32, 32) != 32)
    fail("encoding the ECDSA signature");
  return out;
}

}  // namespace

std::string_view to_string(SigningAlg alg) {
  return alg == SigningAlg::rs256 ? "RS256" : "ES256";
}

TestSigningKey TestSigningKey::generate(SigningAlg alg, std::string kid) {
  EVP_PKEY* raw = alg == SigningAlg::rs256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (raw == nullptr) fail("generating a key");
  return {alg, std::move(kid), ossl::share(ossl::Pkey(raw))};
}

nlohmann::json TestSigningKey::public_jwk() const {
  nlohmann::json jwk{{"kid", kid_}, {"use", "sig"}, {"alg", to_string(alg_)}};
  if (alg_ == SigningAlg::rs256) {
    jwk["kty"] = "RSA";
    jwk["n"] = base64url_encode(bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = base64url_encode(bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E));
  } else {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url_encode(bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
    jwk["y"] = base64url_encode(bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  }
  return jwk;
}

std::string TestSigningKey::public_pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) fail("writing the public key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

std::string TestSigningKey::sign(nlohmann::json header, const nlohmann::json& claims) const {
  if (!header.contains("alg")) header["alg"] = to_string(alg_);
  if (!header.contains("kid")) header["kid"] = kid_;
  if (!header.contains("typ")) header["typ"] = "JWT";
  const std::string input = signing_input(header, claims);
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    fail("starting to sign");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    fail("signing");
  signature.resize(length);
  if (alg_ == SigningAlg::es256) signature = der_to_raw_es256(signature);
  return input + "." + base64url_encode(signature);
}

std::string sign_hs256(nlohmann::json header, const nlohmann::json& claims,
                       std::string_view secret) {
  if (!header.contains("alg")) header["alg"] = "HS256";
  const std::string input = signing_input(header, claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac,
                &length) == nullptr)
    fail("HMAC-SHA256");
  return input + "." + base64url_encode({reinterpret_cast<const char*>(mac), length});
}

std::string unsigned_token(nlohmann::json header, const nlohmann::json& claims) {
  header["alg"] = "none";
  return signing_input(header, claims) + ".";
}

std::string tamper_signature(const std::string& token) {
  const auto dot = token.rfind('.');
  auto signature = base64url_decode(std::string_view(token).substr(dot + 1));
  if (!signature || signature->empty()) throw std::runtime_error("tamper_signature: no signature");
  (*signature)[signature->size() / 2] =
      static_cast<char>((*signature)[signature->size() / 2] ^ 0x01);
  return token.substr(0, dot + 1) + base64url_encode(*signature);
}

}  // namespace careerlink::test
