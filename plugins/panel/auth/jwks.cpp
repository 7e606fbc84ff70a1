#include "plugins/panel/auth/jwks.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/openssl_handles.hpp"

namespace careerlink::panel::auth {
namespace {

constexpr int kMinRsaBits = 2048;  // NCSC / NIST floor; Entra and Google use 2048
constexpr int kMaxRsaBits = 8192;  // bounds the cost of a verification
constexpr std::size_t kP256CoordinateBytes = 32;

using Result = std::expected<ossl::Pkey, std::string>;

std::expected<std::string, std::string> member_bytes(const nlohmann::json& key, const char* name) {
  auto it = key.find(name);
  if (it == key.end() || !it->is_string())
    return std::unexpected(std::string("\"") + name + "\" is missing or not a string");
  auto bytes = base64url_decode(it->get_ref<const std::string&>());
  if (!bytes || bytes->empty())
    return std::unexpected(std::string("\"") + name + "\" is not valid base64url");
  return std::move(*bytes);
}

Result from_params(const char* type, OSSL_PARAM_BLD* builder) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(builder));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return std::unexpected("OpenSSL cannot build the key: " + ossl::error_text());
  }
  ossl::Pkey key(raw);
  ossl::PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return std::unexpected("the public key fails OpenSSL's validity check: " + ossl::error_text());
  return key;
}

Result rsa_key(const nlohmann::json& jwk) {
  auto n = member_bytes(jwk, "n");
  if (!n) return std::unexpected(n.error());
  auto e = member_bytes(jwk, "e");
  if (!e) return std::unexpected(e.error());
  ossl::Bignum bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                              static_cast<int>(n->size()), nullptr));
  ossl::Bignum bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                              static_cast<int>(e->size()), nullptr));
  const int bits = bn_n ? BN_num_bits(bn_n.get()) : 0;
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return std::unexpected("RSA modulus is " + std::to_string(bits) + " bits; keys of " +
                           std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits) +
                           " bits are accepted");
  }
  ossl::ParamBld builder(OSSL_PARAM_BLD_new());
  if (!builder || !bn_e ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return std::unexpected("OpenSSL cannot hold the RSA parameters: " + ossl::error_text());
  }
  return from_params("RSA", builder.get());
}

Result ec_p256_key(const nlohmann::json& jwk) {
  auto x = member_bytes(jwk, "x");
  if (!x) return std::unexpected(x.error());
  auto y = member_bytes(jwk, "y");
  if (!y) return std::unexpected(y.error());
  if (x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes)
    return std::unexpected("P-256 coordinates must be 32 bytes each (RFC 7518 section 6.2.1)");
  // Uncompressed SEC 1 point: 0x04 || x || y. OpenSSL rejects points not on the curve.
  std::string point = "\x04" + *x + *y;
  ossl::ParamBld builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return std::unexpected("OpenSSL cannot hold the EC parameters: " + ossl::error_text());
  }
  return from_params("EC", builder.get());
}

std::optional<std::string> optional_string(const nlohmann::json& jwk, const char* name,
                                           std::string& out) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return std::nullopt;
  if (!it->is_string()) return std::string("\"") + name + "\" is not a string";
  out = it->get<std::string>();
  return std::nullopt;
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::ec_p256:
      return "EC P-256";
  }
  return "?";
}

const Jwk* Jwks::find(std::string_view kid, KeyType type) const {
  auto it = std::find_if(keys_.begin(), keys_.end(),
                         [&](const Jwk& k) { return k.kid == kid && k.type == type; });
  return it == keys_.end() ? nullptr : &*it;
}

bool Jwks::has_kid(std::string_view kid) const {
  return std::any_of(keys_.begin(), keys_.end(), [&](const Jwk& k) { return k.kid == kid; });
}

std::expected<Jwks, std::string> parse_jwks(std::string_view json_text) {
  auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return std::unexpected(std::string("the JWKS document is not a JSON object"));
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array())
    return std::unexpected(std::string("the JWKS document has no \"keys\" array"));

  Jwks out;
  std::size_t index = 0;
  for (const auto& jwk : *keys) {
    ++index;
    const std::string where = "JWKS key " + std::to_string(index);
    if (!jwk.is_object()) return std::unexpected(where + " is not a JSON object");
    std::string kty;
    std::string kid;
    std::string use;
    std::string alg;
    std::string crv;
    for (auto [name, field] : {std::pair{"kty", &kty}, std::pair{"kid", &kid},
                               std::pair{"use", &use}, std::pair{"alg", &alg}}) {
      if (auto problem = optional_string(jwk, name, *field))
        return std::unexpected(where + ": " + *problem);
    }
    std::string named = where;
    if (!kid.empty()) named.append(" (kid ").append(kid).append(")");
    // Keys meant for something else are not errors: providers publish them side by side.
    auto ops = jwk.find("key_ops");
    const bool can_verify =
        ops == jwk.end() ||
        (ops->is_array() && std::find(ops->begin(), ops->end(), "verify") != ops->end());
    const bool rsa = kty == "RSA" && (alg.empty() || alg == "RS256");
    const bool ec = kty == "EC" && (alg.empty() || alg == "ES256");
    if ((!use.empty() && use != "sig") || !can_verify || (!rsa && !ec) || kid.empty()) {
      ++out.skipped_;
      continue;
    }
    if (ec) {
      if (auto problem = optional_string(jwk, "crv", crv))
        return std::unexpected(named + ": " + *problem);
      if (crv != "P-256") {
        ++out.skipped_;
        continue;
      }
    }
    const KeyType type = rsa ? KeyType::rsa : KeyType::ec_p256;
    if (out.find(kid, type) != nullptr)
      return std::unexpected(named + ": another " + std::string(to_string(type)) +
                             " key has the same kid");
    auto key = rsa ? rsa_key(jwk) : ec_p256_key(jwk);
    if (!key) return std::unexpected(named + ": " + key.error());
    out.keys_.push_back({kid, type, alg, ossl::share(std::move(*key))});
  }
  if (out.keys_.empty()) {
    return std::unexpected("the JWKS document has no RS256 or ES256 signing key with a kid (" +
                           std::to_string(out.skipped_) + " other key(s) skipped)");
  }
  return out;
}

}  // namespace careerlink::panel::auth
