// The seeded CTF generator: deterministic, valid, and read back by CtfSource without a fault.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"
#include "tests/gen/ctf_generator.hpp"
#include "tests/unit/ctf/ctf_test_support.hpp"

namespace careerlink::ctf_test {
namespace {

std::string generate(const testgen::CtfGenOptions& options) {
  std::ostringstream out;
  testgen::write_ctf(out, options);
  return out.str();
}

std::filesystem::path generate_file(const testgen::CtfGenOptions& options) {
  auto path = temp_dir() / "generated.xml";
  std::ofstream out(path, std::ios::binary);
  testgen::write_ctf(out, options);
  return path;
}

TEST(CtfGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  testgen::CtfGenOptions a;
  a.pupils = 40;
  testgen::CtfGenOptions b = a;
  b.seed = 2;
  EXPECT_EQ(generate(a), generate(a));
  EXPECT_NE(generate(a), generate(b));
}

TEST(CtfGenerator, ReadsBackCleanly) {
  testgen::CtfGenOptions options;
  options.pupils = 300;
  auto p = parse_file(generate_file(options));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 25.0");
  ASSERT_EQ(p.sink.schools.size(), 1u);
  EXPECT_EQ(p.sink.schools[0].laestab, "8201234");
  EXPECT_EQ(p.sink.schools[0].urn, "137942");
  ASSERT_EQ(p.sink.pupils.size(), 300u);

  std::set<std::string> upns;
  int fsm = 0, sen = 0, eal = 0, accents = 0;
  for (const auto& pupil : p.sink.pupils) {
    EXPECT_TRUE(pupil.problems.empty()) << pupil.upn << ": " << pupil.problems.front();
    EXPECT_TRUE(is_valid_upn(pupil.upn)) << pupil.upn;
    for (const auto& former : pupil.former_upns) {
      EXPECT_TRUE(is_valid_upn(former)) << former;
      EXPECT_TRUE(is_temporary_upn(former)) << former;
    }
    upns.insert(pupil.upn);
    ASSERT_TRUE(pupil.dob && pupil.nc_year && pupil.sex && pupil.attendance_pct);
    ASSERT_TRUE(pupil.on_roll_date.has_value());
    // Born 1 Sep (2025 - n - 5) to 31 Aug (2025 - n - 4) for NC year n in 2025/26.
    const int n = std::stoi(*pupil.nc_year);
    EXPECT_GE(*pupil.dob, std::to_string(2025 - n - 5) + "-09-01") << n;
    EXPECT_LE(*pupil.dob, std::to_string(2025 - n - 4) + "-08-31") << n;
    EXPECT_GE(n, 7);
    EXPECT_LE(n, 13);
    EXPECT_GE(*pupil.attendance_pct, 0.0);
    EXPECT_LE(*pupil.attendance_pct, 100.0);
    fsm += pupil.fsm.value_or(false) ? 1 : 0;
    sen += pupil.sen.value_or("N") != "N" ? 1 : 0;
    eal += pupil.eal.value_or(false) ? 1 : 0;
    const std::string names = pupil.forename.value_or("") + pupil.surname.value_or("");
    accents += names.find_first_of("\xC3\xC5") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(upns.size(), 300u) << "UPNs must be unique";
  // Realistic mixes, loosely: some of each, never all.
  EXPECT_GT(fsm, 10);
  EXPECT_LT(fsm, 150);
  EXPECT_GT(sen, 10);
  EXPECT_GT(eal, 10);
  EXPECT_GT(accents, 10);
}

TEST(CtfGenerator, GenderTagAndVersionOptions) {
  testgen::CtfGenOptions options;
  options.pupils = 5;
  options.use_gender_tag = true;
  options.version = "12.0";
  options.urn.reset();
  const std::string text = generate(options);
  EXPECT_NE(text.find("<Gender>"), std::string::npos);
  EXPECT_EQ(text.find("<Sex>"), std::string::npos);
  auto p = parse_text(text);
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 12.0");
  EXPECT_FALSE(p.sink.schools.at(0).urn.has_value());
  for (const auto& pupil : p.sink.pupils)
    EXPECT_TRUE(pupil.sex.has_value());
}

TEST(CtfGenerator, AttendanceYearsAndAssessmentsFollowOptions) {
  testgen::CtfGenOptions options;
  options.pupils = 1;
  options.years_of_attendance = 4;
  options.assessments_per_pupil = 7;
  const std::string text = generate(options);
  const auto count = [&](const std::string& tag) {
    std::size_t n = 0;
    for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("<YearData>"), 4u);
  EXPECT_EQ(count("<StageAssessment>"), 7u);
  EXPECT_GE(count("<Contact>"), 1u);
  EXPECT_EQ(count("<Address>"), 1u);
}

TEST(CtfGenerator, LargeFileLinesAndProgress) {
  // Past 65,535 lines, where libxml2 needs XML_PARSE_BIG_LINES to keep counting.
  testgen::CtfGenOptions options;
  options.pupils = 1500;
  const auto path = generate_file(options);
  auto p = parse_file(path);
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 1500u);

  const std::string text = read_bytes(path);
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] == '<' && text.compare(i, 7, "<Pupil>") == 0) {
      lines.push_back(line);
    }
  }
  ASSERT_EQ(lines.size(), 1500u);
  ASSERT_GT(lines.back(), 65535u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(p.sink.pupils[i].line, lines[i]) << "pupil " << i;
  }

  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(p.sink.progress.size(), 10u);
  for (std::size_t i = 1; i < p.sink.progress.size(); ++i) {
    EXPECT_GE(p.sink.progress[i].first, p.sink.progress[i - 1].first);
    EXPECT_EQ(p.sink.progress[i].second, size);
  }
  EXPECT_EQ(p.sink.progress.back().first, size);
}

}  // namespace
}  // namespace careerlink::ctf_test
