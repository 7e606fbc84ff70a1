// init_logging: formats, levels, the rotating file, and re-initialisation. Each test reads back
// what was written rather than trusting spdlog's settings.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <nlohmann/json.hpp>

#include "daemon/logging/logging.hpp"

namespace careerlink {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "careerlink-log-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    // Back to console only, so the file is closed before the directory goes.
    init_logging(LogConfig{.file = false}, std::nullopt, 0);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static std::vector<std::string> lines_of(const std::filesystem::path& file) {
    spdlog::default_logger()->flush();
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
    return lines;
  }

  [[nodiscard]] std::filesystem::path log_dir() const { return dir_ / "log"; }
  [[nodiscard]] std::filesystem::path log_file() const { return log_dir() / "careerlink.log"; }

  std::filesystem::path dir_;
};

TEST_F(LoggingTest, TextLinesHaveUtcTimestampAndLevel) {
  init_logging(LogConfig{.level = "info", .format = "text"}, log_dir(), 0);
  spdlog::info("imported {} pupils", 42);
  spdlog::debug("not at info");
  spdlog::warn("careful");
  const auto lines = lines_of(log_file());
  ASSERT_EQ(lines.size(), 2U);
  const std::regex text_line{
      R"(^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\] \[info\] imported 42 pupils$)"};
  EXPECT_TRUE(std::regex_match(lines[0], text_line)) << lines[0];
  EXPECT_THAT(lines[1], HasSubstr("] [warning] careful"));
}

TEST_F(LoggingTest, JsonLinesAreValidJsonWhateverTheMessage) {
  init_logging(LogConfig{.level = "info", .format = "json"}, log_dir(), 0);
  const std::string awkward =
      "quote \" backslash \\ newline \n tab \t bell \x07 Zo\xC3\xAB \xE2\x80\x94 \xF0\x9F\x98\x80 "
      "end";
  spdlog::info("{}", awkward);
  spdlog::error("bad byte \xFF here");  // invalid UTF-8 must not break the line or throw
  const auto lines = lines_of(log_file());
  ASSERT_EQ(lines.size(), 2U);  // the newline in the message was escaped, not written
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first.at("msg"), awkward);
  EXPECT_EQ(first.at("level"), "info");
  EXPECT_EQ(first.at("logger"), "careerlink");
  EXPECT_TRUE(std::regex_match(first.at("ts").get<std::string>(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
  EXPECT_TRUE(lines[0].starts_with("{\"ts\":")) << "fields keep their order: " << lines[0];
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second.at("level"), "error");
  EXPECT_THAT(second.at("msg").get<std::string>(), HasSubstr("bad byte"));
}

TEST_F(LoggingTest, VerboseLowersTheConsoleOnly) {
  init_logging(LogConfig{.level = "info"}, log_dir(), 1);
  testing::internal::CaptureStderr();
  spdlog::debug("debug-line");
  spdlog::trace("trace-line");
  spdlog::default_logger()->flush();
  const std::string console = testing::internal::GetCapturedStderr();
  EXPECT_THAT(console, HasSubstr("debug-line"));
  EXPECT_THAT(console, Not(HasSubstr("trace-line")));
  for (const std::string& line : lines_of(log_file())) {
    EXPECT_THAT(line, Not(HasSubstr("debug-line")));  // the file keeps the configured level
  }

  init_logging(LogConfig{.level = "info"}, log_dir(), 2);
  testing::internal::CaptureStderr();
  spdlog::trace("trace-line");
  spdlog::default_logger()->flush();
  EXPECT_THAT(testing::internal::GetCapturedStderr(), HasSubstr("trace-line"));

  init_logging(LogConfig{.level = "info"}, log_dir(), 0);
  testing::internal::CaptureStderr();
  spdlog::debug("quiet-debug");
  spdlog::info("loud-info");
  spdlog::default_logger()->flush();
  const std::string quiet = testing::internal::GetCapturedStderr();
  EXPECT_THAT(quiet, Not(HasSubstr("quiet-debug")));
  EXPECT_THAT(quiet, HasSubstr("loud-info"));
}

TEST_F(LoggingTest, FileRotatesAtTheConfiguredSizeAndKeepsMaxFiles) {
  init_logging(LogConfig{.max_file_size_mb = 1, .max_files = 2}, log_dir(), 0);
  const std::string filler(1000, 'x');
  testing::internal::CaptureStderr();  // the console gets the same 4 MB; keep it off the report
  for (int i = 0; i < 4000; ++i)
    spdlog::info("{} {}", i, filler);
  spdlog::default_logger()->flush();
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::filesystem::exists(log_dir() / "careerlink.log"));
  EXPECT_TRUE(std::filesystem::exists(log_dir() / "careerlink.1.log"));
  EXPECT_TRUE(std::filesystem::exists(log_dir() / "careerlink.2.log"));
  EXPECT_FALSE(std::filesystem::exists(log_dir() / "careerlink.3.log"));
  EXPECT_LE(std::filesystem::file_size(log_dir() / "careerlink.log"), 1024U * 1024U);
  EXPECT_GT(std::filesystem::file_size(log_dir() / "careerlink.1.log"), 1000U * 1000U);
}

TEST_F(LoggingTest, ReinitialisingReplacesTheLogger) {
  const auto first_dir = dir_ / "first";
  const auto second_dir = dir_ / "second";
  init_logging(LogConfig{.format = "text"}, first_dir, 0);
  spdlog::info("first message");
  init_logging(LogConfig{.format = "json"}, second_dir, 0);
  spdlog::info("second message");
  EXPECT_EQ(spdlog::get("careerlink"), spdlog::default_logger());

  const auto first = lines_of(first_dir / "careerlink.log");
  ASSERT_EQ(first.size(), 1U);
  EXPECT_THAT(first[0], HasSubstr("[info] first message"));
  const auto second = lines_of(second_dir / "careerlink.log");
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(nlohmann::json::parse(second[0]).at("msg"), "second message");
}

TEST_F(LoggingTest, NoFileWhenDisabledOrNoDirectory) {
  init_logging(LogConfig{.file = false}, log_dir(), 0);
  spdlog::info("console only");
  EXPECT_FALSE(std::filesystem::exists(log_dir()));
  init_logging(LogConfig{.file = true}, std::nullopt, 0);
  spdlog::info("console only");
  EXPECT_FALSE(std::filesystem::exists(log_dir()));
}

TEST_F(LoggingTest, UnwritableLogDirFallsBackToConsoleAndSaysSo) {
  const auto blocker = dir_ / "not-a-dir";
  std::ofstream(blocker) << "a file where the directory should be";
  testing::internal::CaptureStderr();
  init_logging(LogConfig{}, blocker / "log", 0);
  spdlog::info("still logging");
  spdlog::default_logger()->flush();
  const std::string console = testing::internal::GetCapturedStderr();
  EXPECT_THAT(console, HasSubstr("cannot write the log file in"));
  EXPECT_THAT(console, HasSubstr("logging to the console only"));
  EXPECT_THAT(console, HasSubstr("still logging"));
}

TEST(RedactSecret, KeepsOnlyTheLastFourOfLongSecrets) {
  EXPECT_EQ(redact_secret(""), "***");
  EXPECT_EQ(redact_secret("12345678"), "***");
  EXPECT_EQ(redact_secret("sk_live_abcdefWXYZ"), "***WXYZ");
}

}  // namespace
}  // namespace careerlink
