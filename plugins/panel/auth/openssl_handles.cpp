#include "plugins/panel/auth/openssl_handles.hpp"

#include <openssl/err.h>

#include <array>

namespace careerlink::panel::auth::ossl {

std::shared_ptr<EVP_PKEY> share(Pkey key) {
  return {key.release(), PkeyFree{}};
}

std::string error_text() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    if (!out.empty()) out += "; ";
    out += buffer.data();
  }
  return out;
}

}  // namespace careerlink::panel::auth::ossl
