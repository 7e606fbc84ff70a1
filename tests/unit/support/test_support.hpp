// Shared by the test suites: a temporary directory that cleans up after itself, and a way to run
// the real careerlink binary and capture what it prints.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace careerlink::test {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell interpretation of the arguments) and waits for it.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args);

// Runs the careerlink binary built with the tests.
CommandResult run_careerlink(const std::vector<std::string>& args);

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& content);

// tests/data/<relative>
std::filesystem::path test_data(const std::string& relative);
// packaging/sample-school/<name>
std::filesystem::path sample_school(const std::string& name);

}  // namespace careerlink::test
