#include "connectors/tracker/pseudonym.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fmt/format.h>
#include <array>
#include <fstream>
#include <sstream>
#include <system_error>

namespace careerlink::tracker {
namespace {

constexpr std::size_t kKeyBytes = 32;

std::string to_hex(const unsigned char* data, std::size_t n, bool upper) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += upper ? fmt::format("{:02X}", data[i]) : fmt::format("{:02x}", data[i]);
  }
  return out;
}

bool is_hex_key(std::string_view text) {
  if (text.size() != kKeyBytes * 2) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::expected<std::string, std::string> load_pseudonym_key(const std::filesystem::path& data_dir) {
  const auto file = data_dir / "pseudonym.key";
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
      key.pop_back();
    if (!in && !in.eof()) return std::unexpected(file.string() + ": cannot be read");
    if (!is_hex_key(key)) {
      return std::unexpected(file.string() +
                             ": not a pseudonym key (64 lower-case hex digits). Restore it from "
                             "the backup of the data directory: a new key would give every "
                             "leaver a new pseudonym");
    }
    return key;
  }
  std::array<unsigned char, kKeyBytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return std::unexpected("the system random number generator failed");
  }
  std::string key = to_hex(random.data(), random.size(), false);
  // Written aside and renamed, readable by the service's user only.
  const auto temp = data_dir / "pseudonym.key.tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << key << '\n';
    if (!out.flush()) return std::unexpected(temp.string() + ": cannot be written");
  }
  std::filesystem::permissions(
      temp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  std::filesystem::rename(temp, file, ec);
  if (ec) return std::unexpected(file.string() + ": cannot be written (" + ec.message() + ")");
  return key;
}

std::string pseudonymous_upn(std::string_view key, std::string_view upn) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(upn.data()), upn.size(), mac.data(), &length);
  return "PSN" + to_hex(mac.data(), 10, true);
}

bool is_pseudonymous_upn(std::string_view upn) {
  if (upn.size() != 23 || !upn.starts_with("PSN")) return false;
  return upn.substr(3).find_first_not_of("0123456789ABCDEF") == std::string_view::npos;
}

}  // namespace careerlink::tracker
