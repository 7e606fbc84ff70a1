#include "daemon/cli/operator_identity.hpp"

#include <cstdlib>

#ifdef _WIN32
#include <windows.h>
#else
#include <pwd.h>
#include <unistd.h>
#endif

namespace careerlink::cli {

std::string operator_actor() {
  for (const char* var : {"SUDO_USER", "USER", "USERNAME", "LOGNAME"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0')
      return "cli:" + std::string(v);
  }
#ifndef _WIN32
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) {
    return "cli:" + std::string(pw->pw_name);
  }
#endif
  return "cli:unknown";
}

std::string operator_origin() {
  char host[256] = {};
#ifdef _WIN32
  DWORD size = sizeof host;
  if (!GetComputerNameA(host, &size)) return "cli";
#else
  if (::gethostname(host, sizeof host - 1) != 0) return "cli";
#endif
  return "cli@" + std::string(host);
}

}  // namespace careerlink::cli
