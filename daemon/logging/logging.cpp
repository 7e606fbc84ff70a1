// spdlog set-up: one default logger, "careerlink", with a stderr sink and an optional rotating
// file, formatted as text or JSON lines with UTC timestamps.
#include "daemon/logging/logging.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace careerlink {
namespace {

constexpr const char* kLoggerName = "careerlink";

// UTC with milliseconds, "2026-11-23T23:34:49.123Z", matching the text pattern below.
std::string utc_timestamp(spdlog::log_clock::time_point when) {
  const auto since_epoch = when.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char buffer[64];  // room for any int the compiler imagines in tm
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

// The names the config uses ("warn", not spdlog's "warning"), so a JSON filter can reuse them.
std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

spdlog::level::level_enum parse_level(std::string_view name) {
  for (int i = spdlog::level::trace; i <= spdlog::level::off; ++i) {
    const auto level = static_cast<spdlog::level::level_enum>(i);
    if (level_name(level) == name) return level;
  }
  return spdlog::level::info;  // the loader has validated it; this is for hand-built configs
}

// One JSON object per line. nlohmann escapes quotes, control characters and backslashes;
// `replace` turns invalid UTF-8 into U+FFFD rather than throwing mid-log.
class JsonLinesFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line;
    line["ts"] = utc_timestamp(msg.time);
    line["level"] = level_name(msg.level);
    line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLinesFormatter>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& format) {
  if (format == "json") return std::make_unique<JsonLinesFormatter>();
  return std::make_unique<spdlog::pattern_formatter>("[%Y-%m-%dT%H:%M:%S.%eZ] [%^%l%$] %v",
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace

void init_logging(const LogConfig& config, const std::optional<std::filesystem::path>& log_dir,
                  int verbose, ConsoleUse console_use) {
  const spdlog::level::level_enum file_level = parse_level(config.level);
  spdlog::level::level_enum console_level = static_cast<spdlog::level::level_enum>(std::max(
      static_cast<int>(spdlog::level::trace), static_cast<int>(file_level) - std::max(verbose, 0)));
  // A one-shot command prints its own results; its console shows only errors unless asked (-v).
  if (console_use == ConsoleUse::command && verbose <= 0) {
    console_level = std::max(console_level, spdlog::level::err);
  }

  std::vector<spdlog::sink_ptr> sinks;
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(console_level);
  sinks.push_back(console);

  // An unwritable log directory must not stop the service: say so on the console (which
  // systemd and the Windows service wrapper keep) and carry on.
  std::string file_problem;
  if (config.file && log_dir && !log_dir->empty()) {
    try {
      std::filesystem::create_directories(*log_dir);
      auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (*log_dir / "careerlink.log").string(),
          static_cast<std::size_t>(config.max_file_size_mb) * 1024 * 1024,
          static_cast<std::size_t>(std::max(config.max_files, 1)));
      file->set_level(file_level);
      sinks.push_back(file);
    } catch (const std::exception& e) {
      file_problem = e.what();
    }
  }

  auto logger = std::make_shared<spdlog::logger>(kLoggerName, sinks.begin(), sinks.end());
  logger->set_formatter(make_formatter(config.format));
  logger->set_level(std::min(console_level, file_level));
  // Info and above reach the disk at once, so the lines before a crash are not lost.
  logger->flush_on(spdlog::level::info);

  // Re-initialising replaces the logger; the old one's file is flushed and closed when it goes.
  // Callers re-initialise while no other thread is logging (start-up, or a quiesced reload).
  if (auto previous = spdlog::get(kLoggerName)) previous->flush();
  spdlog::drop(kLoggerName);
  spdlog::set_default_logger(logger);

  if (!file_problem.empty()) {
    logger->error("cannot write the log file in {}: {}; logging to the console only",
                  log_dir->string(), file_problem);
  }
}

std::string redact_secret(std::string_view secret) {
  if (secret.size() <= 8) return "***";
  return "***" + std::string(secret.substr(secret.size() - 4));
}

}  // namespace careerlink
