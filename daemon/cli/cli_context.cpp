#include "daemon/cli/cli_context.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "daemon/cli/exit_codes.hpp"
#include "daemon/logging/logging.hpp"

namespace careerlink::cli {

int store_failure(const StoreError& error) {
  std::cerr << "careerlink: " << error.message << '\n';
  return exit_code::io_error;
}

std::filesystem::path Context::data_dir() const {
  if (data_dir_option) return *data_dir_option;
  if (config_.data_dir) return *config_.data_dir;
  return default_data_dir();
}

bool Context::load() {
  return load_as(false);
}

bool Context::load_for_service() {
  return load_as(true);
}

bool Context::load_as(bool service) {
  if (loaded_) return true;
  std::optional<std::filesystem::path> file;
  if (config_file) {
    file = *config_file;
  } else {
    file = default_config_path();
  }
  if (file) {
    auto loaded = load_config(*file);
    if (!loaded) {
      for (const auto& d : loaded.error())
        std::cerr << d.to_string() << '\n';
      return false;
    }
    config_ = std::move(*loaded);
    path_ = file;
  }
  init_logging(config_.log, data_dir() / "log", verbose,
               service ? ConsoleUse::service : ConsoleUse::command);
  loaded_ = true;
  return true;
}

Store* Context::store() {
  if (store_) return store_.get();
  if (!load()) return nullptr;
  SqliteOptions options;
  options.busy_timeout_ms = config_.store.busy_timeout_ms;
  options.synchronous = config_.store.synchronous;
  auto opened = open_sqlite_store(data_dir(), options);
  if (!opened) {
    std::cerr << "careerlink: " << opened.error().message << '\n';
    spdlog::warn("store: {}", opened.error().message);
    return nullptr;
  }
  store_ = std::move(*opened);
  spdlog::debug("store open at {} (schema version {})", data_dir().string(),
                store_->schema_version());
  return store_.get();
}

// Resolves --school to an id; prints why not and returns false when it is unknown.
bool resolve_school(Store& store, const std::optional<std::string>& school,
                    std::optional<SchoolId>& id) {
  if (!school) return true;
  auto found = store.find_school(*school);
  if (!found) {
    std::cerr << "careerlink: " << found.error().message << '\n';
    return false;
  }
  if (!*found) {
    std::cerr << "careerlink: no school with URN or LAESTAB " << *school << '\n';
    return false;
  }
  id = (*found)->id;
  return true;
}

// "Year 10", "Y10" and "10" all mean NC year 10; "Reception" is R.
std::string year_code(std::string year) {
  for (const std::string_view prefix : {"Year ", "year ", "Y", "y"}) {
    if (year.starts_with(prefix)) year.erase(0, prefix.size());
  }
  if (year == "Reception" || year == "reception") return "R";
  return year;
}

}  // namespace careerlink::cli
