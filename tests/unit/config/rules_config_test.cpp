// [school.rules] and trackers_lawful_basis: parsed per school, checked, and refused with the
// line and a way to fix it.
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {
namespace {

using ::testing::HasSubstr;

std::string errors_of(std::string_view text) {
  auto result = parse_config(text, "rules.toml");
  if (result) return "(no errors)";
  std::string out;
  for (const ConfigDiagnostic& d : result.error())
    out += d.to_string() + "\n";
  return out;
}

Config parsed(std::string_view text) {
  auto result = parse_config(text, "rules.toml");
  if (!result) {
    ADD_FAILURE() << "unexpected errors:\n" << errors_of(text);
    return {};
  }
  return *result;
}

// Lines 1-4; [school.rules] starts on line 5.
constexpr std::string_view kSchool = R"([[school]]
urn = "137942"
laestab = "8201234"
name = "Riverside Academy"
)";

std::string school_with_rules(std::string_view rules) {
  return std::string(kSchool) + "[school.rules]\n" + std::string(rules);
}

TEST(RulesConfig, DefaultsWithoutATable) {
  const Config config = parsed(kSchool);
  ASSERT_EQ(config.schools.size(), 1U);
  const RulesConfig& rules = config.schools[0].rules;
  EXPECT_EQ(config.schools[0].trackers_lawful_basis, "consent");
  EXPECT_EQ(rules.no_interview_by, "03-31");
  EXPECT_EQ(rules.no_interview_warn_days, 60);
  EXPECT_EQ(rules.neet_risk_red, 5);
  EXPECT_DOUBLE_EQ(rules.attendance_threshold, 90.0);
}

TEST(RulesConfig, EveryKeyReachesTheSchool) {
  const Config config = parsed(school_with_rules(R"(no_interview_by = "02-29"
no_interview_warn_days = 30
no_second_interview_by = "05-31"
no_intended_destination_by = "01-15"
overdue_red_days = 14
review_red_days = 7
roni_min_year = 8
roni_max_year = 12
attendance_threshold = 92.5
weight_attendance = 3
weight_exclusions = 4
weight_sen_support = 0
weight_ehcp = 2
weight_looked_after = 5
weight_fsm = 6
weight_eal = 7
weight_young_carer = 8
neet_risk_amber = 4
neet_risk_red = 9
)"));
  ASSERT_EQ(config.schools.size(), 1U);
  const RulesConfig& r = config.schools[0].rules;
  EXPECT_EQ(r.no_interview_by, "02-29");
  EXPECT_EQ(r.no_interview_warn_days, 30);
  EXPECT_EQ(r.no_second_interview_by, "05-31");
  EXPECT_EQ(r.no_intended_destination_by, "01-15");
  EXPECT_EQ(r.overdue_red_days, 14);
  EXPECT_EQ(r.review_red_days, 7);
  EXPECT_EQ(r.roni_min_year, 8);
  EXPECT_EQ(r.roni_max_year, 12);
  EXPECT_DOUBLE_EQ(r.attendance_threshold, 92.5);
  EXPECT_EQ(r.weight_attendance, 3);
  EXPECT_EQ(r.weight_exclusions, 4);
  EXPECT_EQ(r.weight_sen_support, 0);
  EXPECT_EQ(r.weight_ehcp, 2);
  EXPECT_EQ(r.weight_looked_after, 5);
  EXPECT_EQ(r.weight_fsm, 6);
  EXPECT_EQ(r.weight_eal, 7);
  EXPECT_EQ(r.weight_young_carer, 8);
  EXPECT_EQ(r.neet_risk_amber, 4);
  EXPECT_EQ(r.neet_risk_red, 9);
  // Keys not given keep their defaults; the school's own keys are untouched.
  EXPECT_EQ(config.schools[0].urn, "137942");
  EXPECT_EQ(config.schools[0].name, "Riverside Academy");
}

TEST(RulesConfig, IntegerThresholdIsAcceptedAsAFloat) {
  const Config config = parsed(school_with_rules("attendance_threshold = 85\n"));
  ASSERT_EQ(config.schools.size(), 1U);
  EXPECT_DOUBLE_EQ(config.schools[0].rules.attendance_threshold, 85.0);
}

TEST(RulesConfig, TwoSchoolsKeepTheirOwnRules) {
  const Config config = parsed(std::string(kSchool) + R"([school.rules]
no_interview_by = "02-28"
weight_fsm = 0

[[school]]
urn = "100001"
laestab = "2011000"
trackers_lawful_basis = "public_task"

[[school]]
urn = "100002"
laestab = "2011001"
[school.rules]
no_interview_by = "12-15"
neet_risk_red = 7
)");
  ASSERT_EQ(config.schools.size(), 3U);
  EXPECT_EQ(config.schools[0].rules.no_interview_by, "02-28");
  EXPECT_EQ(config.schools[0].rules.weight_fsm, 0);
  EXPECT_EQ(config.schools[0].rules.neet_risk_red, 5);
  EXPECT_EQ(config.schools[0].trackers_lawful_basis, "consent");
  // The middle school wrote no rules: all defaults, not its neighbours'.
  EXPECT_EQ(config.schools[1].rules.no_interview_by, "03-31");
  EXPECT_EQ(config.schools[1].rules.weight_fsm, 1);
  EXPECT_EQ(config.schools[1].rules.neet_risk_red, 5);
  EXPECT_EQ(config.schools[1].trackers_lawful_basis, "public_task");
  EXPECT_EQ(config.schools[2].rules.no_interview_by, "12-15");
  EXPECT_EQ(config.schools[2].rules.weight_fsm, 1);
  EXPECT_EQ(config.schools[2].rules.neet_risk_red, 7);
}

TEST(RulesConfig, BadMonthDayIsNamedWithFileAndLine) {
  EXPECT_THAT(errors_of(school_with_rules("no_interview_by = \"3-31\"\n")),
              HasSubstr("rules.toml:6: school[0].rules.no_interview_by must be MM-DD, e.g. "
                        "03-31, got '3-31'"));
  EXPECT_THAT(errors_of(school_with_rules("no_second_interview_by = \"02-30\"\n")),
              HasSubstr("rules.toml:6: school[0].rules.no_second_interview_by: '02-30' is not a "
                        "day of the year; write MM-DD, e.g. 03-31"));
  EXPECT_THAT(errors_of(school_with_rules("no_intended_destination_by = \"13-01\"\n")),
              HasSubstr("rules.toml:6: school[0].rules.no_intended_destination_by: '13-01' is "
                        "not a day of the year"));
  EXPECT_THAT(errors_of(school_with_rules("no_interview_by = \"00-10\"\n")),
              HasSubstr("'00-10' is not a day of the year"));
  EXPECT_THAT(errors_of(school_with_rules("no_interview_by = \"04-31\"\n")),
              HasSubstr("'04-31' is not a day of the year"));
  EXPECT_THAT(errors_of(school_with_rules("no_interview_by = \"2027-03-31\"\n")),
              HasSubstr("must be MM-DD"));
  // The last day of each month, and the leap day, are real.
  EXPECT_EQ(errors_of(school_with_rules("no_interview_by = \"02-29\"\n"
                                        "no_second_interview_by = \"12-31\"\n"
                                        "no_intended_destination_by = \"09-01\"\n")),
            "(no errors)");
}

TEST(RulesConfig, UnknownKeyUnderRules) {
  const std::string errors = errors_of(school_with_rules("no_interview_bye = \"03-31\"\n"));
  EXPECT_THAT(errors, HasSubstr("rules.toml:6: unknown key 'no_interview_bye' in [school.rules]; "
                                "did you mean 'no_interview_by'?"));
  EXPECT_THAT(errors_of(school_with_rules("frobnicate = 1\n")),
              HasSubstr("rules.toml:6: unknown key 'frobnicate' in [school.rules]; the keys "
                        "here are: no_interview_by, "));
}

TEST(RulesConfig, RuleKeyWrittenInTheSchoolItselfSaysWhereItBelongs) {
  EXPECT_THAT(errors_of(std::string(kSchool) + "neet_risk_amber = 4\n"),
              HasSubstr("rules.toml:5: unknown key 'neet_risk_amber' in [[school]]; "
                        "'neet_risk_amber' belongs in [school.rules], move it there"));
}

TEST(RulesConfig, RulesMustBeATable) {
  EXPECT_THAT(errors_of(std::string(kSchool) + "rules = 5\n"),
              HasSubstr("rules.toml:5: school[0].rules must be a table, written [school.rules] "
                        "on a line of its own, got integer"));
}

TEST(RulesConfig, RangesAndTypes) {
  EXPECT_THAT(errors_of(school_with_rules("no_interview_warn_days = -1\n")),
              HasSubstr("rules.toml:6: school[0].rules.no_interview_warn_days is -1; it must be "
                        "between 0 and 365"));
  EXPECT_THAT(errors_of(school_with_rules("weight_fsm = 11\n")),
              HasSubstr("school[0].rules.weight_fsm is 11; it must be between 0 and 10"));
  EXPECT_THAT(errors_of(school_with_rules("neet_risk_amber = 0\n")),
              HasSubstr("school[0].rules.neet_risk_amber is 0; it must be between 1 and 100"));
  EXPECT_THAT(errors_of(school_with_rules("roni_max_year = 15\n")),
              HasSubstr("school[0].rules.roni_max_year is 15; it must be between 1 and 14"));
  EXPECT_THAT(errors_of(school_with_rules("attendance_threshold = 100.5\n")),
              HasSubstr("school[0].rules.attendance_threshold is 100.5"));
  EXPECT_THAT(errors_of(school_with_rules("overdue_red_days = \"28\"\n")),
              HasSubstr("school[0].rules.overdue_red_days must be an integer, got string; remove "
                        "the quotes"));
  EXPECT_THAT(errors_of(school_with_rules("no_interview_by = 331\n")),
              HasSubstr("school[0].rules.no_interview_by must be a string, got integer"));
  // Zero weights and the range ends are allowed.
  EXPECT_EQ(errors_of(school_with_rules("weight_eal = 0\nweight_young_carer = 10\n"
                                        "no_interview_warn_days = 365\nroni_min_year = 1\n")),
            "(no errors)");
}

TEST(RulesConfig, TrackersLawfulBasis) {
  const Config config = parsed(std::string(kSchool) + "trackers_lawful_basis = \"public_task\"\n");
  ASSERT_EQ(config.schools.size(), 1U);
  EXPECT_EQ(config.schools[0].trackers_lawful_basis, "public_task");
  EXPECT_THAT(errors_of(std::string(kSchool) + "trackers_lawful_basis = \"legitimate\"\n"),
              HasSubstr("rules.toml:5: school[0].trackers_lawful_basis is 'legitimate'; allowed "
                        "values: consent, public_task"));
}

TEST(RulesConfig, TableIsRegisteredRightAfterTheSchool) {
  const std::vector<ConfigTable> tables = config_tables();
  auto school = std::ranges::find(tables, "school", &ConfigTable::path);
  ASSERT_NE(school, tables.end());
  ASSERT_NE(school + 1, tables.end());
  EXPECT_EQ((school + 1)->path, "school[].rules");
  EXPECT_FALSE((school + 1)->array);
  EXPECT_EQ((school + 1)->keys.size(), 19U);  // every RulesConfig field
}

}  // namespace
}  // namespace careerlink
