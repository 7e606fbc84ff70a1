// What every subcommand shares: the global options, and the config, logging and store they
// lead to, each set up once and only when a command needs it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::cli {

// Prints a store failure as the command's error and returns EX_IOERR (74) for the caller to
// return: one wording for every command.
int store_failure(const StoreError& error);

// Resolves --school (URN or LAESTAB) to an id; prints why not and returns false when unknown.
// No --school leaves `id` empty (every school).
bool resolve_school(Store& store, const std::optional<std::string>& school,
                    std::optional<SchoolId>& id);

// "Year 10", "Y10" and "10" all mean NC year 10; "Reception" is R.
std::string year_code(std::string year);

class Context {
 public:
  // Global options, filled by CLI11.
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir_option;
  int verbose = 0;

  // Loads the config (the --config file, the default place, or built-in defaults) and starts
  // logging. Prints FILE:LINE errors and returns false when the config is invalid.
  bool load();
  // The same for `careerlink serve`: the console gets the full log (it is the journal).
  bool load_for_service();
  // Opens the store in the data directory; prints why not and returns nullptr on failure.
  Store* store();

  [[nodiscard]] const Config& config() const { return config_; }
  [[nodiscard]] std::filesystem::path data_dir() const;
  // The config file in use, if any (none: built-in defaults).
  [[nodiscard]] const std::optional<std::filesystem::path>& config_path() const { return path_; }

 private:
  bool load_as(bool service);
  Config config_;
  std::optional<std::filesystem::path> path_;
  bool loaded_ = false;
  std::unique_ptr<Store> store_;
};

}  // namespace careerlink::cli
