#include <gtest/gtest.h>

#include "connectors/csv/csv_values.hpp"

namespace careerlink::csv {
namespace {

TEST(CsvValues, DatesInEachFormat) {
  EXPECT_EQ(convert_date("14/09/2010", CsvDateFormat::automatic), "2010-09-14");
  EXPECT_EQ(convert_date("4/9/2010", CsvDateFormat::uk), "2010-09-04");
  EXPECT_EQ(convert_date("2010-09-14", CsvDateFormat::automatic), "2010-09-14");
  EXPECT_EQ(convert_date("2010-09-14", CsvDateFormat::iso), "2010-09-14");
  EXPECT_EQ(convert_date("14/09/2010 00:00", CsvDateFormat::uk), "2010-09-14");  // Excel
  EXPECT_EQ(convert_date("2010-09-14T04:26:45", CsvDateFormat::iso), "2010-09-14");
  EXPECT_EQ(convert_date("14/09/2010", CsvDateFormat::iso).error(),
            "'14/09/2010' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(convert_date("2010-09-14", CsvDateFormat::uk).error(),
            "'2010-09-14' is not a date (DD/MM/YYYY)");
  EXPECT_EQ(convert_date("29/02/2023", CsvDateFormat::automatic).error(),
            "'29/02/2023' is not a date (DD/MM/YYYY)");
  EXPECT_EQ(convert_date("2023-02-29", CsvDateFormat::automatic).error(),
            "'2023-02-29' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(convert_date("next week", CsvDateFormat::automatic).error(),
            "'next week' is not a date (DD/MM/YYYY or YYYY-MM-DD)");
}

TEST(CsvValues, Booleans) {
  for (const char* yes : {"Y", "y", "Yes", "YES", "True", "true", "1"}) {
    EXPECT_EQ(convert_bool(yes), true) << yes;
  }
  for (const char* no : {"N", "n", "No", "no", "False", "FALSE", "0"}) {
    EXPECT_EQ(convert_bool(no), false) << no;
  }
  for (const char* bad : {"2", "maybe", "Yess", "T"})
    EXPECT_FALSE(convert_bool(bad)) << bad;
}

TEST(CsvValues, Sex) {
  EXPECT_EQ(convert_sex("Male"), "M");
  EXPECT_EQ(convert_sex("f"), "F");
  EXPECT_EQ(convert_sex("GIRL"), "F");
  EXPECT_EQ(convert_sex("Not Known"), "U");
  EXPECT_FALSE(convert_sex("X"));
}

TEST(CsvValues, NcYears) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases{
      {"Year 10", "10"}, {"10", "10"},       {"Y10", "10"},   {"Yr 7", "7"}, {"year 07", "7"},
      {"R", "R"},        {"Reception", "R"}, {"Year R", "R"}, {"N1", "N1"},  {"Nursery 2", "N2"},
      {"X", "X"},        {"14", "14"},       {"1", "1"}};
  for (const auto& [in, out] : cases)
    EXPECT_EQ(convert_nc_year(in), out) << in;
  for (const char* bad : {"15", "0", "Y", "Year", "Year 10B", "ten", "-1", "N3"}) {
    EXPECT_FALSE(convert_nc_year(bad)) << bad;
  }
  EXPECT_EQ(convert_nc_year("15").error(), "'15' is not an NC year (N1, N2, R, 1 to 14 or X)");
}

TEST(CsvValues, SenProvision) {
  EXPECT_EQ(convert_sen("N"), "N");
  EXPECT_EQ(convert_sen("No SEN"), "N");
  EXPECT_EQ(convert_sen("k"), "K");
  EXPECT_EQ(convert_sen("SEN Support"), "K");
  EXPECT_EQ(convert_sen("A"), "K");  // School Action
  EXPECT_EQ(convert_sen("P"), "K");  // School Action Plus
  EXPECT_EQ(convert_sen("E"), "E");
  EXPECT_EQ(convert_sen("EHC Plan"), "E");
  EXPECT_EQ(convert_sen("S"), "E");  // statement
  EXPECT_FALSE(convert_sen("Q"));
}

TEST(CsvValues, Percentages) {
  EXPECT_EQ(convert_percent("93.5%"), 93.5);
  EXPECT_EQ(convert_percent("93.5 %"), 93.5);
  EXPECT_EQ(convert_percent("100"), 100.0);
  EXPECT_EQ(convert_percent("0"), 0.0);
  EXPECT_FALSE(convert_percent("100.1"));
  EXPECT_FALSE(convert_percent("-1"));
  EXPECT_FALSE(convert_percent("ninety"));
  EXPECT_FALSE(convert_percent("%"));
  EXPECT_FALSE(convert_percent("nan"));
  EXPECT_FALSE(convert_percent("93.5%%"));
}

TEST(CsvValues, Counts) {
  EXPECT_EQ(convert_count("0"), 0);
  EXPECT_EQ(convert_count(" 3 "), 3);
  EXPECT_FALSE(convert_count("-1"));
  EXPECT_FALSE(convert_count("2.5"));
  EXPECT_FALSE(convert_count("two"));
  EXPECT_FALSE(convert_count(""));
  EXPECT_FALSE(convert_count("100001"));
}

TEST(CsvValues, GroupKindsAndRoles) {
  EXPECT_EQ(convert_group_kind("Tutor Group"), "tutor");
  EXPECT_EQ(convert_group_kind("reg_group"), "tutor");
  EXPECT_EQ(convert_group_kind("Year group"), "year");
  EXPECT_EQ(convert_group_kind("CLASS"), "class");
  EXPECT_FALSE(convert_group_kind("house"));
  EXPECT_EQ(normalise_role("Head of Year"), "head_of_year");
  EXPECT_EQ(normalise_role("  Head  of - Year "), "head_of_year");
  EXPECT_EQ(normalise_role("SENCo"), "senco");
}

TEST(CsvValues, ProblemTextCutsLongCellsShort) {
  const std::string cell(500, 'x');
  const auto result = convert_bool(cell);
  ASSERT_FALSE(result);
  EXPECT_LT(result.error().size(), 120u);
}

}  // namespace
}  // namespace careerlink::csv
