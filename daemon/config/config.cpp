// Diagnostics' text form and the platform's default places.
#include "daemon/config/config.hpp"

#include <cstdlib>
#include <system_error>

#ifndef _WIN32
#include <pwd.h>
#include <unistd.h>
#endif

namespace careerlink {

std::string ConfigDiagnostic::to_string() const {
  std::string out = file;
  if (line != 0) out += ":" + std::to_string(line);
  out += ": ";
  out += message;
  return out;
}

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

#ifdef _WIN32
std::filesystem::path program_data() {
  return env("ProgramData").value_or("C:\\ProgramData");
}
#endif

}  // namespace

std::optional<std::filesystem::path> default_config_path() {
  if (auto explicit_path = env("CAREERLINK_CONFIG")) return std::filesystem::path(*explicit_path);
#ifdef _WIN32
  std::filesystem::path usual = program_data() / "careerlink" / "careerlink.toml";
#else
  std::filesystem::path usual = "/etc/careerlink/careerlink.toml";
#endif
  std::error_code ec;
  if (std::filesystem::exists(usual, ec)) return usual;
  return std::nullopt;
}

std::filesystem::path default_data_dir() {
#ifdef _WIN32
  return program_data() / "careerlink";
#else
  if (getuid() == 0) return "/var/lib/careerlink";
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  if (auto xdg = env("XDG_DATA_HOME"); xdg && std::filesystem::path(*xdg).is_absolute()) {
    return std::filesystem::path(*xdg) / "careerlink";
  }
  if (auto home = env("HOME")) return std::filesystem::path(*home) / ".local/share/careerlink";
  // A service account started without $HOME still has a passwd entry.
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return std::filesystem::path(pw->pw_dir) / ".local/share/careerlink";
  }
  return "/var/lib/careerlink";
#endif
}

std::string panel_public_url(const Config& config) {
  std::string url = config.panel.public_url;
  if (url.empty()) {
    // A wildcard listener is not an address a browser can use; loopback is the safe guess.
    std::string listen = config.serve.listen;
    if (listen.starts_with("0.0.0.0:")) listen = "127.0.0.1" + listen.substr(7);
    if (listen.starts_with("[::]:")) listen = "[::1]" + listen.substr(4);
    url = (config.serve.tls_cert_file ? "https://" : "http://") + listen;
  }
  while (url.ends_with('/'))
    url.pop_back();
  return url;
}

}  // namespace careerlink
