#include "daemon/cli/operator_identity.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "daemon/store/store.hpp"

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

bool audit(Store& store, std::string action, std::string object, std::string detail) {
  auto recorded = store.record_audit(
      AuditEvent{0, std::chrono::system_clock::now(), operator_actor(), std::move(action),
                 std::move(object), operator_origin(), std::move(detail)});
  if (!recorded) std::cerr << "careerlink: audit: " << recorded.error().message << '\n';
  return recorded.has_value();
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
