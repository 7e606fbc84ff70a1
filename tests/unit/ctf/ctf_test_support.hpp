// Helpers shared by the CTF connector tests: a sink that keeps what it is given, temp files.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "connectors/ctf/ctf_source.hpp"

namespace careerlink::ctf_test {

class CollectingSink final : public RecordSink {
 public:
  bool on_school(const SchoolRecord& school) override {
    schools.push_back(school);
    events.push_back("school");
    return accept_school;
  }
  bool on_pupil(PupilRecord&& pupil) override {
    events.push_back("pupil");
    pupils.push_back(std::move(pupil));
    return pupils.size() < stop_after_pupils;
  }
  bool on_staff_group(StaffGroupRecord&& row) override {
    staff.push_back(std::move(row));
    return true;
  }
  void on_progress(std::uint64_t done, std::uint64_t total) override {
    progress.emplace_back(done, total);
  }

  std::vector<SchoolRecord> schools;
  std::vector<PupilRecord> pupils;
  std::vector<StaffGroupRecord> staff;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  std::vector<std::string> events;
  bool accept_school = true;
  std::size_t stop_after_pupils = static_cast<std::size_t>(-1);
};

inline std::filesystem::path data_file(const std::string& name) {
  return std::filesystem::path(CAREERLINK_TEST_DATA_DIR) / "ctf" / name;
}

// A fresh directory per call, so tests never see each other's files.
inline std::filesystem::path temp_dir() {
  static std::atomic<int> counter{0};
  auto dir =
      std::filesystem::temp_directory_path() /
      ("careerlink_ctf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path write_temp(const std::string& name, const std::string& bytes) {
  auto path = temp_dir() / name;
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A minimal well-formed CTF around the given pupil elements (and extra header elements).
inline std::string ctf_with(const std::string& pupils, const std::string& version = "25.0",
                            const std::string& source_school =
                                "<LEA>820</LEA><Estab>1234</Estab><SchoolName>Ridgeway "
                                "Academy</SchoolName>",
                            const std::string& date_time = "2025-08-12T04:26:45") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CTfile>\n<Header>\n<CTFversion>" + version +
         "</CTFversion>\n<DateTime>" + date_time + "</DateTime>\n<SourceSchool>" + source_school +
         "</SourceSchool>\n</Header>\n<CTFpupilData>\n" + pupils + "</CTFpupilData>\n</CTfile>\n";
}

// One <Pupil> with the required identity and `extra` elements inside it.
inline std::string pupil_with(const std::string& extra, const std::string& upn = "B801200005001") {
  return "<Pupil>\n<UPN>" + upn +
         "</UPN>\n<Surname>Smith</Surname>\n<Forename>Noah</Forename>\n<DOB>2012-04-04</DOB>\n" +
         extra + "\n</Pupil>\n";
}

struct Parsed {
  std::expected<FileInfo, FileError> result;
  CollectingSink sink;
};

inline Parsed parse_file(const std::filesystem::path& path, CtfOptions options = {}) {
  Parsed p{std::unexpected(FileError{}), {}};
  CtfSource source(std::move(options));
  p.result = source.read(path, p.sink);
  return p;
}

inline Parsed parse_text(const std::string& xml, CtfOptions options = {}) {
  return parse_file(write_temp("input.xml", xml), std::move(options));
}

// Parses one pupil built from `extra` and returns it; fails the test if the file is refused.
inline PupilRecord one_pupil(const std::string& extra, CtfOptions options = {}) {
  auto p = parse_text(ctf_with(pupil_with(extra)), std::move(options));
  EXPECT_TRUE(p.result.has_value()) << (p.result ? "" : p.result.error().to_string());
  EXPECT_EQ(p.sink.pupils.size(), 1u);
  if (p.sink.pupils.empty()) return {};
  return std::move(p.sink.pupils.front());
}

}  // namespace careerlink::ctf_test
