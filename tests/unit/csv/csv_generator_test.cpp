#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "daemon/domain/upn.hpp"
#include "tests/gen/csv_generator.hpp"
#include "tests/unit/csv/csv_test_support.hpp"

namespace careerlink::csvtest {
namespace {

using testgen::CsvGenOptions;

std::string pupils_text(const CsvGenOptions& options) {
  std::ostringstream out;
  testgen::write_pupils_csv(out, options);
  return out.str();
}

TEST(CsvGenerator, PupilsRoundTripThroughThePreset) {
  ScratchDir dir;
  CsvGenOptions options;
  options.seed = 7;
  options.rows = 1500;  // several 64 KiB chunks
  const auto r = read_bytes(dir, pupils_text(options), preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), options.rows);
  std::set<std::string> upns;
  for (std::size_t i = 0; i < options.rows; ++i) {
    const auto want = testgen::make_pupil_row(options, i);
    const PupilRecord& got = r.sink.pupils[i];
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_TRUE(got.problems.empty()) << got.problems.front();
    EXPECT_EQ(got.line, i + 2);
    EXPECT_EQ(got.upn, want.upn);
    EXPECT_TRUE(is_valid_upn(got.upn)) << got.upn;
    upns.insert(got.upn);
    EXPECT_EQ(got.surname, want.surname);
    EXPECT_EQ(got.forename, want.forename);
    EXPECT_EQ(got.preferred_forename, want.preferred_forename.empty()
                                          ? std::nullopt
                                          : std::optional(want.preferred_forename));
    EXPECT_EQ(got.dob, want.dob_iso);
    EXPECT_EQ(got.sex, want.sex);
    EXPECT_EQ(got.nc_year, want.nc_year);
    EXPECT_EQ(got.tutor_group, want.reg_group);
  }
  EXPECT_EQ(upns.size(), options.rows);  // UPNs are unique
}

TEST(CsvGenerator, PupilsNeedQuotingAndCarryAccents) {
  CsvGenOptions options;
  options.rows = 400;
  const std::string text = pupils_text(options);
  EXPECT_TRUE(text.starts_with("\xEF\xBB\xBF" + std::string(testgen::kPupilsCsvHeader) + "\r\n"));
  EXPECT_TRUE(contains(text, ",\"Smith, Jr\",")) << "no surname with a comma";
  EXPECT_TRUE(contains(text, "\"\"")) << "no doubled quote";
  EXPECT_TRUE(contains(text, "ë") || contains(text, "é")) << "no accented name";
  EXPECT_TRUE(contains(text, "O'")) << "no apostrophe";
}

TEST(CsvGenerator, DatesOfBirthFitTheYearGroup) {
  CsvGenOptions options;
  options.rows = 300;
  options.academic_year = 2025;
  for (std::size_t i = 0; i < options.rows; ++i) {
    const auto row = testgen::make_pupil_row(options, i);
    const int year = std::stoi(row.nc_year);
    // Year N in 2025/26: born 1 September (2025-N-5) to 31 August (2025-N-4).
    const std::string from = std::to_string(2025 - year - 5) + "-09-01";
    const std::string to = std::to_string(2025 - year - 4) + "-08-31";
    EXPECT_GE(row.dob_iso, from) << i;
    EXPECT_LE(row.dob_iso, to) << i;
    EXPECT_TRUE(row.reg_group.starts_with(row.nc_year)) << row.reg_group;
    EXPECT_EQ(row.year, "Year " + row.nc_year);
  }
}

TEST(CsvGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  CsvGenOptions a;
  a.rows = 50;
  CsvGenOptions b = a;
  EXPECT_EQ(pupils_text(a), pupils_text(b));
  b.seed = 2;
  EXPECT_NE(pupils_text(a), pupils_text(b));
}

TEST(CsvGenerator, StaffRoundTripWithAndWithoutNameColumns) {
  for (const bool names : {true, false}) {
    SCOPED_TRACE(names ? "with names" : "without names");
    ScratchDir dir;
    CsvGenOptions options;
    options.rows = 120;
    options.staff_names = names;
    options.crlf = false;
    options.bom = false;
    std::ostringstream out;
    testgen::write_staff_csv(out, options);
    const auto r = read_bytes(dir, out.str(), preset("staff"));
    ASSERT_TRUE(r.info) << r.info.error().to_string();
    ASSERT_EQ(r.sink.staff.size(), options.rows);
    for (std::size_t i = 0; i < options.rows; ++i) {
      const auto want = testgen::make_staff_row(options, i);
      const auto& got = r.sink.staff[i];
      EXPECT_TRUE(got.problems.empty());
      EXPECT_EQ(got.line, i + 2);
      EXPECT_EQ(got.email, want.email);
      EXPECT_EQ(got.group, want.group);
      EXPECT_EQ(got.role, want.role_expected) << want.role;
      EXPECT_EQ(got.surname, names ? std::optional(want.surname) : std::nullopt);
    }
  }
}

TEST(CsvGenerator, CsvMainWritesTheFileAndRejectsBadArguments) {
  ScratchDir dir;
  const std::string out = (dir.path() / "p.csv").string();
  std::vector<std::string> args{"careerlink_gen", "csv", "pupils", "--rows", "5",
                                "--seed",         "3",   "--out",  out};
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (auto& a : args)
    argv.push_back(a.data());
  ASSERT_EQ(testgen::csv_main(static_cast<int>(argv.size()), argv.data()), 0);
  CsvGenOptions options;
  options.rows = 5;
  options.seed = 3;
  EXPECT_EQ(slurp(out), pupils_text(options));

  std::vector<std::string> bad{"careerlink_gen", "csv", "pupils", "--rows", "five"};
  std::vector<char*> bad_argv;
  bad_argv.reserve(bad.size());
  for (auto& a : bad)
    bad_argv.push_back(a.data());
  EXPECT_EQ(testgen::csv_main(static_cast<int>(bad_argv.size()), bad_argv.data()), 2);
}

}  // namespace
}  // namespace careerlink::csvtest
