#include "daemon/config/secret_ref.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace careerlink {

std::expected<std::optional<std::string>, std::string> read_secret(
    const std::string& what, const std::optional<std::filesystem::path>& file,
    const std::optional<std::string>& env) {
  if (file && env) return std::unexpected(what + ": set either _file or _env, not both");
  std::string value;
  if (file) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return std::unexpected(what + ": cannot read " + file->string());
    std::ostringstream s;
    s << in.rdbuf();
    value = s.str();
  } else if (env) {
    const char* v = std::getenv(env->c_str());
    if (v == nullptr)
      return std::unexpected(what + ": environment variable " + *env + " is not set");
    value = v;
  } else {
    return std::optional<std::string>{};
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
    value.pop_back();
  if (value.empty()) return std::unexpected(what + ": the secret is empty");
  return std::optional<std::string>{std::move(value)};
}

}  // namespace careerlink
