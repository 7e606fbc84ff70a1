// Reads a secret given by reference (a *_file or *_env config key); never logs it.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace careerlink {

// The secret from `file` or the environment variable `env` (exactly one may be set), with a
// trailing newline trimmed. nullopt when neither is set; an error naming `what` and where it
// looked when the reference is set but unreadable or empty.
std::expected<std::optional<std::string>, std::string> read_secret(
    const std::string& what, const std::optional<std::filesystem::path>& file,
    const std::optional<std::string>& env);

}  // namespace careerlink
