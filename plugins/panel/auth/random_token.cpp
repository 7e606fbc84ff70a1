#include "plugins/panel/auth/random_token.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <limits>
#include <stdexcept>

#include "plugins/panel/auth/openssl_handles.hpp"

namespace careerlink::panel::auth {

std::string random_bytes(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("random_bytes: request too large");
  std::string out(bytes, '\0');
  if (bytes > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("the system random number generator failed (OpenSSL RAND_bytes: " +
                             ossl::error_text() + ")");
  }
  return out;
}

std::string random_token(std::size_t bytes) {
  return base64url_encode(random_bytes(bytes));
}

std::string sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 is not available from OpenSSL: " + ossl::error_text());
  return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string sha256_hex(std::string_view data) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  const std::string digest = sha256(data);
  std::string out;
  out.reserve(digest.size() * 2);
  for (char c : digest) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

}  // namespace careerlink::panel::auth
