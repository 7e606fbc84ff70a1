#include "plugins/panel/auth/jwt.hpp"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <cmath>
#include <ctime>
#include <optional>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/openssl_handles.hpp"

namespace careerlink::panel::auth {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

struct Parts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
};

std::expected<Parts, std::string> split(std::string_view token) {
  if (token.size() > kMaxTokenBytes)
    return std::unexpected(std::string("ID token is larger than 64 KiB"));
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::unexpected(std::string("ID token is not a compact JWS (header.payload.signature)"));
  return Parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
               token.substr(second + 1)};
}

std::expected<nlohmann::json, std::string> decode_json(std::string_view part, const char* what) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::unexpected(std::string("ID token ") + what + " is not valid base64url");
  auto json = nlohmann::json::parse(*bytes, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return std::unexpected(std::string("ID token ") + what + " is not a JSON object");
  return json;
}

std::string format_utc(system_clock::time_point tp) {
  const std::time_t t = system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return {buffer, n};
}

// A NumericDate (RFC 7519 section 2): seconds since the epoch, possibly fractional.
std::optional<system_clock::time_point> numeric_date(const nlohmann::json& claims,
                                                     const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < 0 || value > 1e11) return std::nullopt;
  return system_clock::time_point(seconds(static_cast<std::int64_t>(std::floor(value))));
}

std::string string_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ES256 signatures are r || s, 32 bytes each (RFC 7518 section 3.4); OpenSSL wants DER.
std::optional<std::string> es256_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool signature_verifies(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ossl::error_text();  // a bad signature leaves errors queued; they say nothing more
  return ok;
}

std::expected<KeyType, std::string> key_type_for(std::string_view alg) {
  if (alg == "RS256") return KeyType::rsa;
  if (alg == "ES256") return KeyType::ec_p256;
  if (alg == "none" || alg.empty())
    return std::unexpected(std::string("ID token is unsigned (alg \"none\"); refusing it"));
  if (alg.starts_with("HS")) {
    return std::unexpected("ID token uses the shared-secret algorithm " + std::string(alg) +
                           ", which this client never accepts (only RS256 and ES256)");
  }
  return std::unexpected("ID token algorithm \"" + std::string(alg) +
                         "\" is not accepted (only RS256 and ES256)");
}

// Checks the signature; returns the verified payload.
std::expected<nlohmann::json, std::string> verified_payload(std::string_view token,
                                                            const Jwks& keys) {
  auto parts = split(token);
  if (!parts) return std::unexpected(parts.error());
  auto header = decode_json(parts->header, "header");
  if (!header) return std::unexpected(header.error());
  const std::string alg = string_claim(*header, "alg");
  auto type = key_type_for(alg);
  if (!type) return std::unexpected(type.error());
  if (header->contains("crit"))
    return std::unexpected(
        std::string("ID token header has \"crit\" extensions; none are supported"));
  const std::string kid = string_claim(*header, "kid");
  if (kid.empty())
    return std::unexpected(std::string("ID token header has no kid, so no key can be chosen"));

  const Jwk* key = keys.find(kid, *type);
  if (key == nullptr) {
    if (keys.has_kid(kid)) {
      return std::unexpected("ID token says " + alg + " but the provider's key kid \"" + kid +
                             "\" is not an " + std::string(to_string(*type)) + " key");
    }
    return std::unexpected("ID token is signed with key kid \"" + kid +
                           "\", which is not in the provider's JWKS");
  }
  if (!key->alg.empty() && key->alg != alg) {
    return std::unexpected("ID token says " + alg + " but the provider's key kid \"" + kid +
                           "\" is for " + key->alg);
  }

  auto signature = base64url_decode(parts->signature);
  if (!signature) return std::unexpected(std::string("ID token signature is not valid base64url"));
  if (*type == KeyType::ec_p256) {
    signature = es256_to_der(*signature);
    if (!signature)
      return std::unexpected(std::string("ID token ES256 signature is not 64 bytes (r || s)"));
  } else if (signature->size() != static_cast<std::size_t>(EVP_PKEY_get_size(key->key.get()))) {
    return std::unexpected("ID token RS256 signature has the wrong length for key kid \"" + kid +
                           "\"");
  }
  const std::string_view signing_input =
      token.substr(0, parts->header.size() + 1 + parts->payload.size());
  if (!signature_verifies(key->key.get(), signing_input, *signature))
    return std::unexpected("ID token signature does not verify with key kid \"" + kid + "\" (" +
                           alg + ")");
  return decode_json(parts->payload, "payload");
}

// Google documents that its ID tokens may carry the legacy issuer "accounts.google.com".
bool issuer_matches(std::string_view got, std::string_view expected) {
  if (got == expected) return true;
  return expected == "https://accounts.google.com" && got == "accounts.google.com";
}

std::optional<std::string> check_audience(const nlohmann::json& claims,
                                          const IdTokenExpectations& expect) {
  auto aud = claims.find("aud");
  bool contains = false;
  std::size_t count = 0;
  if (aud != claims.end() && aud->is_string()) {
    contains = aud->get_ref<const std::string&>() == expect.client_id;
    count = 1;
  } else if (aud != claims.end() && aud->is_array()) {
    for (const auto& a : *aud) {
      if (!a.is_string()) return "ID token audience has a value that is not a string";
      contains = contains || a.get_ref<const std::string&>() == expect.client_id;
    }
    count = aud->size();
  } else {
    return "ID token has no audience (aud) claim";
  }
  if (!contains) {
    return "ID token audience " + aud->dump() + " does not include this client (client_id \"" +
           expect.client_id + "\"); check the panel's OIDC client_id";
  }
  // OIDC Core 3.1.3.7 items 4-5: with several audiences the authorized party must be us, and
  // if azp is present at all it must be us.
  auto azp = claims.find("azp");
  if (azp != claims.end() && (!azp->is_string() || azp->get<std::string>() != expect.client_id))
    return "ID token authorized party (azp) " + azp->dump() + " is not this client";
  if (count > 1 && azp == claims.end())
    return std::string("ID token has several audiences but no authorized party (azp)");
  return std::nullopt;
}

std::optional<std::string> check_times(const nlohmann::json& claims,
                                       const IdTokenExpectations& expect,
                                       system_clock::time_point& expires) {
  const std::string leeway = std::to_string(expect.leeway.count()) + " s";
  auto exp = numeric_date(claims, "exp");
  if (!exp) return "ID token has no valid expiry (exp) claim";
  if (*exp <= expect.now - expect.leeway) {
    return "ID token expired at " + format_utc(*exp) + " (now " + format_utc(expect.now) +
           ", leeway " + leeway + "); if this repeats, check this server's clock (NTP)";
  }
  auto iat = numeric_date(claims, "iat");
  if (!iat) return "ID token has no valid issued-at (iat) claim";
  if (*iat > expect.now + expect.leeway) {
    return "ID token was issued in the future (" + format_utc(*iat) + ", now " +
           format_utc(expect.now) + ", leeway " + leeway + "); check this server's clock (NTP)";
  }
  if (claims.contains("nbf")) {
    auto nbf = numeric_date(claims, "nbf");
    if (!nbf) return "ID token not-before (nbf) claim is not a valid time";
    if (*nbf > expect.now + expect.leeway) {
      return "ID token is not valid before " + format_utc(*nbf) + " (now " +
             format_utc(expect.now) + "); check this server's clock (NTP)";
    }
  }
  expires = *exp;
  return std::nullopt;
}

}  // namespace

std::expected<JwsHeader, std::string> read_jws_header(std::string_view token) {
  auto parts = split(token);
  if (!parts) return std::unexpected(parts.error());
  auto header = decode_json(parts->header, "header");
  if (!header) return std::unexpected(header.error());
  return JwsHeader{string_claim(*header, "alg"), string_claim(*header, "kid")};
}

std::expected<IdTokenClaims, std::string> verify_id_token(std::string_view token, const Jwks& keys,
                                                          const IdTokenExpectations& expect) {
  if (expect.nonce.empty())
    return std::unexpected(std::string("ID token check needs the sign-in attempt's nonce"));
  auto claims = verified_payload(token, keys);
  if (!claims) return std::unexpected(claims.error());

  IdTokenClaims out;
  out.issuer = string_claim(*claims, "iss");
  if (!issuer_matches(out.issuer, expect.issuer)) {
    return std::unexpected("ID token issuer \"" + out.issuer +
                           "\" is not the configured issuer \"" + expect.issuer + "\"");
  }
  if (auto problem = check_audience(*claims, expect)) return std::unexpected(*problem);
  if (auto problem = check_times(*claims, expect, out.expires)) return std::unexpected(*problem);
  out.nonce = string_claim(*claims, "nonce");
  if (out.nonce != expect.nonce) {
    return std::unexpected(std::string(
        "ID token nonce does not match this sign-in attempt (a replayed or mixed-up sign-in); "
        "start again"));
  }
  out.subject = string_claim(*claims, "sub");
  if (out.subject.empty()) return std::unexpected(std::string("ID token has no subject (sub)"));

  out.name = string_claim(*claims, "name");
  if (out.name.empty()) {
    out.name = string_claim(*claims, "given_name");
    const std::string family = string_claim(*claims, "family_name");
    if (!family.empty()) out.name += out.name.empty() ? family : " " + family;
  }
  EmailChoice email = choose_email(*claims);
  out.email = std::move(email.email);
  out.email_verified = email.verified;
  out.email_source = email.source;
  out.hosted_domain = string_claim(*claims, "hd");
  out.tenant_id = string_claim(*claims, "tid");
  out.raw = std::move(*claims);
  return out;
}

}  // namespace careerlink::panel::auth
