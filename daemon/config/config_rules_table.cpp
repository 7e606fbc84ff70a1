// [school.rules]: each school's follow-up rule dates, thresholds and RONI weights (RulesConfig).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "daemon/config/config_service_tables.hpp"

namespace careerlink {
namespace {

using RulesField = int RulesConfig::*;

// 0 (no month, no day) unless two digits are at `at`.
unsigned two_digits(const std::string& text, std::size_t at) {
  const auto is_digit = [&](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  if (!is_digit(at) || !is_digit(at + 1)) return 0;
  return static_cast<unsigned>(text[at] - '0') * 10 + static_cast<unsigned>(text[at + 1] - '0');
}

// Whether "MM-DD" names a day that exists in some year; 02-29 does, in leap years.
std::optional<std::string> real_month_day(const ConfigValue& v) {
  const std::string& text = v.as_string();
  const std::chrono::year_month_day in_leap_year{std::chrono::year{2000},
                                                 std::chrono::month{two_digits(text, 0)},
                                                 std::chrono::day{two_digits(text, 3)}};
  if (text.size() == 5 && text[2] == '-' && in_leap_year.ok()) return std::nullopt;
  return "'" + text + "' is not a day of the year; write MM-DD, e.g. 03-31";
}

ConfigKey month_day_key(std::string name, std::string description,
                        std::string RulesConfig::*field) {
  return ConfigKey{.name = std::move(name),
                   .type = KeyType::string,
                   .default_text = RulesConfig{}.*field,
                   .description = std::move(description),
                   .pattern = "[0-9]{2}-[0-9]{2}",
                   .pattern_help = "MM-DD, e.g. 03-31",
                   .check = real_month_day,
                   .store = [field](Config& c, const ConfigValue& v) {
                     c.schools.back().rules.*field = v.as_string();
                   }};
}

ConfigKey int_key(std::string name, std::string description, std::int64_t min, std::int64_t max,
                  RulesField field) {
  return ConfigKey{.name = std::move(name),
                   .type = KeyType::integer,
                   .default_text = std::to_string(RulesConfig{}.*field),
                   .description = std::move(description),
                   .min = min,
                   .max = max,
                   .store = [field](Config& c, const ConfigValue& v) {
                     c.schools.back().rules.*field = static_cast<int>(v.as_integer());
                   }};
}

// RONI weights: 0 switches an indicator off; Oxfordshire uses 1 (likely) and 2 (very likely).
ConfigKey weight_key(const std::string& indicator, const std::string& description,
                     RulesField field) {
  return int_key("weight_" + indicator, "RONI weight of " + description + "; 0 turns it off", 0, 10,
                 field);
}

}  // namespace

ConfigTable rules_config_table() {
  ConfigTable t{.path = "school[].rules",
                .description =
                    "The school's follow-up rules: deadlines, thresholds and RONI "
                    "weights (dates are MM-DD within the academic year)"};
  t.keys.push_back(month_day_key("no_interview_by",
                                 "Y11: date by which each pupil needs a careers interview with a "
                                 "qualified adviser",
                                 &RulesConfig::no_interview_by));
  t.keys.push_back(int_key("no_interview_warn_days",
                           "Days before an interview deadline that its flag turns amber (red "
                           "after the deadline)",
                           0, 365, &RulesConfig::no_interview_warn_days));
  t.keys.push_back(month_day_key(
      "no_second_interview_by",
      "Y13: date by which each pupil needs a second interview with a qualified adviser",
      &RulesConfig::no_second_interview_by));
  t.keys.push_back(month_day_key("no_intended_destination_by",
                                 "Y11: date after which a pupil with no intended destination is "
                                 "flagged amber",
                                 &RulesConfig::no_intended_destination_by));
  t.keys.push_back(int_key("overdue_red_days",
                           "An open action overdue by more than this many days is red, else amber",
                           0, 365, &RulesConfig::overdue_red_days));
  t.keys.push_back(int_key("review_red_days",
                           "A plan review overdue by more than this many days is red, else amber",
                           0, 365, &RulesConfig::review_red_days));
  t.keys.push_back(int_key("roni_min_year", "Lowest NC year the RONI score is worked out for", 1,
                           14, &RulesConfig::roni_min_year));
  t.keys.push_back(int_key("roni_max_year", "Highest NC year the RONI score is worked out for", 1,
                           14, &RulesConfig::roni_max_year));
  t.keys.push_back(ConfigKey{.name = "attendance_threshold",
                             .type = KeyType::floating,
                             .default_text = "90.0",
                             .description = "RONI: attendance below this percentage counts",
                             .min = 0,
                             .max = 100,
                             .store = [](Config& c, const ConfigValue& v) {
                               c.schools.back().rules.attendance_threshold = v.as_float();
                             }});
  t.keys.push_back(weight_key("attendance", "attendance below attendance_threshold",
                              &RulesConfig::weight_attendance));
  t.keys.push_back(weight_key("exclusions", "one or more exclusions this academic year",
                              &RulesConfig::weight_exclusions));
  t.keys.push_back(weight_key("sen_support", "SEN support (K)", &RulesConfig::weight_sen_support));
  t.keys.push_back(weight_key("ehcp", "an EHCP (E)", &RulesConfig::weight_ehcp));
  t.keys.push_back(
      weight_key("looked_after", "being looked after", &RulesConfig::weight_looked_after));
  t.keys.push_back(
      weight_key("fsm", "free school meals / pupil premium", &RulesConfig::weight_fsm));
  t.keys.push_back(
      weight_key("eal", "English as an additional language", &RulesConfig::weight_eal));
  t.keys.push_back(
      weight_key("young_carer", "being a young carer", &RulesConfig::weight_young_carer));
  t.keys.push_back(int_key("neet_risk_amber", "RONI score at or above which neet_risk is amber", 1,
                           100, &RulesConfig::neet_risk_amber));
  t.keys.push_back(int_key("neet_risk_red", "RONI score at or above which neet_risk is red", 1, 100,
                           &RulesConfig::neet_risk_red));
  return t;
}

}  // namespace careerlink
