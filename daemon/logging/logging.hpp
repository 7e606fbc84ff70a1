// Logging: spdlog to the console (stderr) and a rotating file in <data_dir>/log/careerlink.log,
// as text or JSON lines. Rule for every caller: no pupil names, dates of birth or secrets above
// debug level; log UPN-free counts and ids at info.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/config/config.hpp"

namespace careerlink {

// Who reads the console: the service's journal (everything at the configured level), or a person
// running a one-shot command, who sees the command's own output and only errors from the log.
enum class ConsoleUse { service, command };

// `verbose` counts -v flags: each lowers the console level by one step from the config's level.
// `log_dir` empty (or config.file false) means console only.
void init_logging(const LogConfig& config, const std::optional<std::filesystem::path>& log_dir,
                  int verbose, ConsoleUse console_use = ConsoleUse::service);

// For the rare log line that must identify a secret (which token failed): "***" plus the last
// four characters when longer than 8, else just "***", so a log never holds enough to use it.
std::string redact_secret(std::string_view secret);

}  // namespace careerlink
