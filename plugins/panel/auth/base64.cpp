#include "plugins/panel/auth/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace careerlink::panel::auth {
namespace {

// OpenSSL's EVP_EncodeBlock writes standard base64 with padding; the variants are a
// character translation away.
std::string encode_standard_padded(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

std::string strip_padding(std::string text) {
  while (!text.empty() && text.back() == '=')
    text.pop_back();
  return text;
}

bool is_standard_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Decodes unpadded standard base64; the caller has already mapped the url-safe alphabet.
std::optional<std::string> decode_standard_unpadded(std::string text) {
  if (text.size() % 4 == 1) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), is_standard_char)) return std::nullopt;
  const std::size_t padding = (4 - text.size() % 4) % 4;
  text.append(padding, '=');
  std::string out(text.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0 || static_cast<std::size_t>(written) != out.size()) return std::nullopt;
  // EVP_DecodeBlock counts the bytes the padding stands for as zero bytes.
  out.resize(out.size() - padding);
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  return encode_standard_padded(bytes);
}

std::string base64_encode_unpadded(std::string_view bytes) {
  return strip_padding(encode_standard_padded(bytes));
}

std::optional<std::string> base64_decode_unpadded(std::string_view text) {
  auto decoded = decode_standard_unpadded(std::string(text));
  // Re-encoding rejects non-zero trailing bits: only the canonical spelling is accepted.
  if (!decoded || base64_encode_unpadded(*decoded) != text) return std::nullopt;
  return decoded;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64_encode_unpadded(bytes);
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // '+' and '/' are not in the url-safe alphabet; reject them before mapping.
  if (text.find_first_of("+/=") != std::string_view::npos) return std::nullopt;
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  auto decoded = decode_standard_unpadded(std::move(standard));
  if (!decoded || base64url_encode(*decoded) != text) return std::nullopt;
  return decoded;
}

}  // namespace careerlink::panel::auth
