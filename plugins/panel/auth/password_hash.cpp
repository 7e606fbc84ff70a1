#include "plugins/panel/auth/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/openssl_handles.hpp"
#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::panel::auth {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::string_view kPrefix = "$scrypt$";

struct ScryptParams {
  unsigned log_n = 0;
  unsigned r = 0;
  unsigned p = 0;
};

struct Parsed {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

// Bounds for strings read back from the store: wide enough for any parameters we would pick,
// narrow enough that a tampered row cannot make one verification eat gigabytes or minutes.
constexpr unsigned kMaxLogN = 20;
constexpr unsigned kMaxR = 32;
constexpr unsigned kMaxP = 16;
constexpr std::uint64_t kMaxMemory = std::uint64_t{256} * 1024 * 1024;

std::uint64_t memory_needed(const ScryptParams& s) {
  // What OpenSSL's scrypt allocates: 128*r*(N+2) for V plus 128*r*p for B.
  return std::uint64_t{128} * s.r * ((std::uint64_t{1} << s.log_n) + 2 + s.p);
}

std::optional<std::string> scrypt(std::string_view password, std::string_view salt,
                                  const ScryptParams& s, std::size_t length) {
  std::string out(length, '\0');
  const int ok = EVP_PBE_scrypt(password.data(), password.size(),
                                reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                                std::uint64_t{1} << s.log_n, s.r, s.p, memory_needed(s) + 4096,
                                reinterpret_cast<unsigned char*>(out.data()), out.size());
  if (ok != 1) return std::nullopt;
  return out;
}

std::optional<unsigned> parse_uint(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty() || (text.size() > 1 && text[0] == '0'))
    return std::nullopt;
  return value;
}

// "ln=15,r=8,p=1", in exactly that order.
std::optional<ScryptParams> parse_params(std::string_view text) {
  ScryptParams s;
  constexpr std::string_view kNames[] = {"ln=", "r=", "p="};
  unsigned* fields[] = {&s.log_n, &s.r, &s.p};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (!item.starts_with(kNames[i])) return std::nullopt;
    auto value = parse_uint(item.substr(kNames[i].size()));
    if (!value) return std::nullopt;
    *fields[i] = *value;
    if (i < 2) {
      if (comma == std::string_view::npos) return std::nullopt;
      text.remove_prefix(comma + 1);
    } else if (comma != std::string_view::npos) {
      return std::nullopt;
    }
  }
  if (s.log_n < 1 || s.log_n > kMaxLogN || s.r < 1 || s.r > kMaxR || s.p < 1 || s.p > kMaxP ||
      memory_needed(s) > kMaxMemory)
    return std::nullopt;
  return s;
}

std::optional<Parsed> parse(std::string_view stored) {
  if (!stored.starts_with(kPrefix)) return std::nullopt;
  stored.remove_prefix(kPrefix.size());
  const auto first = stored.find('$');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = stored.find('$', first + 1);
  if (second == std::string_view::npos || stored.find('$', second + 1) != std::string_view::npos)
    return std::nullopt;
  auto params = parse_params(stored.substr(0, first));
  auto salt = base64_decode_unpadded(stored.substr(first + 1, second - first - 1));
  auto hash = base64_decode_unpadded(stored.substr(second + 1));
  if (!params || !salt || !hash) return std::nullopt;
  if (salt->size() < 8 || salt->size() > 64 || hash->size() < 32 || hash->size() > 64)
    return std::nullopt;
  return Parsed{*params, std::move(*salt), std::move(*hash)};
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // not a continuation byte
  }
  return count;
}

}  // namespace

std::string hash_password(std::string_view password) {
  const ScryptParams current{kScryptLogN, kScryptR, kScryptP};
  const std::string salt = random_bytes(kSaltBytes);
  auto hash = scrypt(password, salt, current, kHashBytes);
  if (!hash) throw std::runtime_error("scrypt failed in OpenSSL: " + ossl::error_text());
  return std::string(kPrefix) + "ln=" + std::to_string(current.log_n) +
         ",r=" + std::to_string(current.r) + ",p=" + std::to_string(current.p) + "$" +
         base64_encode_unpadded(salt) + "$" + base64_encode_unpadded(*hash);
}

bool verify_password(std::string_view password, std::string_view stored) {
  auto parsed = parse(stored);
  if (!parsed) return false;
  auto computed = scrypt(password, parsed->salt, parsed->params, parsed->hash.size());
  if (!computed) {
    ossl::error_text();  // clear the queue; a failure here only means "no match"
    return false;
  }
  return CRYPTO_memcmp(computed->data(), parsed->hash.data(), parsed->hash.size()) == 0;
}

bool needs_rehash(std::string_view stored) {
  auto parsed = parse(stored);
  if (!parsed) return true;
  const auto& s = parsed->params;
  return s.log_n != kScryptLogN || s.r != kScryptR || s.p != kScryptP ||
         parsed->salt.size() != kSaltBytes || parsed->hash.size() != kHashBytes;
}

std::optional<std::string> password_problem(std::string_view password) {
  const std::size_t length = utf8_length(password);
  if (length < kMinPasswordLength) {
    return "Use at least " + std::to_string(kMinPasswordLength) + " characters (this one has " +
           std::to_string(length) +
           "). Three random words together are long enough and easy to remember.";
  }
  if (password.size() > kMaxPasswordBytes) {
    return "Use at most " + std::to_string(kMaxPasswordBytes) + " characters.";
  }
  if (password.find_first_not_of(password.front()) == std::string_view::npos) {
    return "Use a password that is not one character repeated.";
  }
  return std::nullopt;
}

std::string generate_password() {
  // Crockford's base32: 32 symbols, so the low 5 bits of each random byte pick one uniformly.
  static constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  const std::string random = random_bytes(20);
  std::string out;
  for (std::size_t i = 0; i < random.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += '-';
    out += kAlphabet[static_cast<unsigned char>(random[i]) & 0x1F];
  }
  return out;
}

}  // namespace careerlink::panel::auth
