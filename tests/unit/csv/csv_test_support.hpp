// Helpers shared by the CSV connector tests: a sink that keeps what it is given, and a
// scratch directory for files whose exact bytes a test spells out.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/csv/csv_mapping.hpp"
#include "connectors/csv/csv_source.hpp"
#include "daemon/domain/file_source.hpp"

namespace careerlink::csvtest {

class CollectingSink final : public RecordSink {
 public:
  std::vector<PupilRecord> pupils;
  std::vector<StaffGroupRecord> staff;
  int schools = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  std::size_t refuse_after = static_cast<std::size_t>(-1);  // return false after this many

  bool on_school(const SchoolRecord&) override {
    ++schools;
    return true;
  }
  bool on_pupil(PupilRecord&& pupil) override {
    pupils.push_back(std::move(pupil));
    return pupils.size() < refuse_after;
  }
  bool on_staff_group(StaffGroupRecord&& row) override {
    staff.push_back(std::move(row));
    return staff.size() < refuse_after;
  }
  void on_progress(std::uint64_t done, std::uint64_t total) override {
    progress.emplace_back(done, total);
  }
};

inline std::filesystem::path data_dir() {
  return std::filesystem::path(CAREERLINK_TEST_DATA_DIR) / "csv";
}

inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A directory of its own for each test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("careerlink_csv_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path write(const std::string& name, std::string_view bytes) const {
    auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

inline CsvMapping preset(std::string_view name) {
  auto mapping = preset_mapping(name);
  if (!mapping) ADD_FAILURE() << mapping.error();
  return mapping ? *mapping : CsvMapping{};
}

inline CsvMapping mapping_from(std::string_view toml) {
  auto mapping = parse_mapping(toml, "test.toml", "CSV (mapping test.toml)");
  if (!mapping) ADD_FAILURE() << mapping.error().to_string();
  return mapping ? *mapping : CsvMapping{};
}

struct ReadResult {
  std::expected<FileInfo, FileError> info;
  CollectingSink sink;
};

// Writes `bytes` to a scratch file and reads it with `mapping`.
inline ReadResult read_bytes(const ScratchDir& dir, std::string_view bytes,
                             const CsvMapping& mapping, CsvOptions options = {}) {
  const auto file = dir.write("input.csv", bytes);
  ReadResult result{std::unexpected(FileError{}), {}};
  CsvSource source(mapping, options);
  result.info = source.read(file, result.sink);
  return result;
}

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace careerlink::csvtest
