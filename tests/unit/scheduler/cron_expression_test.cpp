// Cron syntax: every form the parser accepts, shown by when the schedule fires (in UTC, so no
// clock changes interfere), and every error with its message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/scheduler/cron_expression.hpp"
#include "tests/unit/scheduler/scheduler_test_support.hpp"

namespace careerlink {
namespace {

using test::in_utc;
using test::utc;

CronExpression cron(const std::string& text) {
  auto e = CronExpression::parse(text);
  EXPECT_TRUE(e) << text << ": " << (e ? "" : e.error());
  return e ? *e : *CronExpression::parse("* * * * *");
}

// The first `n` firings strictly after `from`, in UTC.
std::vector<std::string> firings(const std::string& text, TimePoint from, int n,
                                 const char* zone = "Etc/UTC") {
  const auto e = cron(text);
  std::vector<std::string> out;
  TimePoint t = from;
  for (int i = 0; i < n; ++i) {
    auto next = e.next_after(date::locate_zone(zone), t);
    if (!next) break;
    out.push_back(in_utc(*next));
    t = *next;
  }
  return out;
}

std::string error_of(const std::string& text) {
  auto e = CronExpression::parse(text);
  EXPECT_FALSE(e) << text << " should not parse";
  return e ? std::string() : e.error();
}

using Strings = std::vector<std::string>;

// 2026-01-05 is a Monday.
const TimePoint kMonday = utc(2026, 1, 5, 10, 0);

TEST(CronParse, EveryMinuteIsStrictlyAfter) {
  EXPECT_EQ(firings("* * * * *", kMonday, 2), (Strings{"2026-01-05 10:01Z", "2026-01-05 10:02Z"}));
  // Mid-minute: the next whole minute.
  EXPECT_EQ(firings("* * * * *", kMonday + std::chrono::seconds{30}, 1),
            (Strings{"2026-01-05 10:01Z"}));
}

TEST(CronParse, Lists) {
  EXPECT_EQ(firings("5,10 * * * *", kMonday, 3),
            (Strings{"2026-01-05 10:05Z", "2026-01-05 10:10Z", "2026-01-05 11:05Z"}));
}

TEST(CronParse, Ranges) {
  EXPECT_EQ(firings("0 9-11 * * *", kMonday, 3),
            (Strings{"2026-01-05 11:00Z", "2026-01-06 09:00Z", "2026-01-06 10:00Z"}));
}

TEST(CronParse, Steps) {
  EXPECT_EQ(firings("*/20 * * * *", kMonday, 3),
            (Strings{"2026-01-05 10:20Z", "2026-01-05 10:40Z", "2026-01-05 11:00Z"}));
  EXPECT_EQ(firings("10-30/10 * * * *", kMonday, 4),
            (Strings{"2026-01-05 10:10Z", "2026-01-05 10:20Z", "2026-01-05 10:30Z",
                     "2026-01-05 11:10Z"}));
  EXPECT_EQ(firings("0 0 */10 * *", kMonday, 3),
            (Strings{"2026-01-11 00:00Z", "2026-01-21 00:00Z", "2026-01-31 00:00Z"}));
}

TEST(CronParse, MonthNamesInAnyCase) {
  EXPECT_EQ(firings("0 0 1 jan,Jul *", kMonday, 2),
            (Strings{"2026-07-01 00:00Z", "2027-01-01 00:00Z"}));
  EXPECT_EQ(firings("0 0 1 MAR-may *", kMonday, 3),
            (Strings{"2026-03-01 00:00Z", "2026-04-01 00:00Z", "2026-05-01 00:00Z"}));
}

TEST(CronParse, DayNamesAndBothSundays) {
  EXPECT_EQ(firings("0 7 * * mon-FRI", utc(2026, 1, 9, 12), 2),  // Friday noon
            (Strings{"2026-01-12 07:00Z", "2026-01-13 07:00Z"}));
  const Strings sundays{"2026-01-11 00:00Z", "2026-01-18 00:00Z"};
  EXPECT_EQ(firings("0 0 * * 0", kMonday, 2), sundays);
  EXPECT_EQ(firings("0 0 * * 7", kMonday, 2), sundays);
  EXPECT_EQ(firings("0 0 * * Sun", kMonday, 2), sundays);
  EXPECT_EQ(firings("0 0 * * 5-7", kMonday, 3),
            (Strings{"2026-01-09 00:00Z", "2026-01-10 00:00Z", "2026-01-11 00:00Z"}));
}

TEST(CronParse, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th (a Tuesday in January 2026) or any Friday.
  EXPECT_EQ(firings("0 0 13 * FRI", kMonday, 3),
            (Strings{"2026-01-09 00:00Z", "2026-01-13 00:00Z", "2026-01-16 00:00Z"}));
  // Only one restricted: both must match, and '*' matches anything.
  EXPECT_EQ(firings("0 0 13 * *", kMonday, 2), (Strings{"2026-01-13 00:00Z", "2026-02-13 00:00Z"}));
  EXPECT_EQ(firings("0 0 * * FRI", kMonday, 2),
            (Strings{"2026-01-09 00:00Z", "2026-01-16 00:00Z"}));
  // Vixie cron: '*/2' starts with '*', so it counts as unrestricted: Mondays on odd days.
  EXPECT_EQ(firings("0 0 */2 * MON", kMonday, 2),
            (Strings{"2026-01-19 00:00Z", "2026-02-09 00:00Z"}));
}

TEST(CronParse, LeapDayIsFound) {
  EXPECT_EQ(firings("0 0 29 2 *", kMonday, 2), (Strings{"2028-02-29 00:00Z", "2032-02-29 00:00Z"}));
}

TEST(CronParse, WhitespaceTextAndWildcardFlag) {
  const auto e = cron("  0\t2 *  * *  ");
  EXPECT_EQ(e.text(), "0 2 * * *");
  EXPECT_FALSE(e.wildcard_time());
  EXPECT_TRUE(cron("*/15 * * * *").wildcard_time());
  EXPECT_TRUE(cron("0 * * * *").wildcard_time());
  EXPECT_TRUE(cron("* 1 * * *").wildcard_time());
  EXPECT_FALSE(cron("0,30 1-3 * * *").wildcard_time());
}

TEST(CronParse, FieldCount) {
  EXPECT_EQ(error_of(""),
            "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), but '' "
            "has 0");
  EXPECT_NE(error_of("* * * *").find("has 4"), std::string::npos);
  EXPECT_NE(error_of("* * * * * *").find("has 6"), std::string::npos);
}

TEST(CronParse, OutOfRangeNamesTheField) {
  EXPECT_EQ(error_of("61 * * * *"), "minute field '61' is out of range 0-59");
  EXPECT_EQ(error_of("* 24 * * *"), "hour field '24' is out of range 0-23");
  EXPECT_EQ(error_of("* * 0 * *"), "day-of-month field '0' is out of range 1-31");
  EXPECT_EQ(error_of("* * 32 * *"), "day-of-month field '32' is out of range 1-31");
  EXPECT_EQ(error_of("* * * 13 *"), "month field '13' is out of range 1-12");
  EXPECT_EQ(error_of("* * * 0 *"), "month field '0' is out of range 1-12");
  EXPECT_EQ(error_of("* * * * 8"), "day-of-week field '8' is out of range 0-7");
  EXPECT_EQ(error_of("1,99999999999 * * * *"), "minute field '99999999999' is out of range 0-59");
  EXPECT_EQ(error_of("0 5-25 * * *"), "hour field '25' is out of range 0-23");
}

TEST(CronParse, NotANumberOrName) {
  EXPECT_EQ(error_of("x * * * *"), "minute field 'x' is not a number");
  EXPECT_EQ(error_of("1.5 * * * *"), "minute field '1.5' is not a number");
  EXPECT_EQ(error_of("* * * FOO *"), "month field 'FOO' is not a number or a name (JAN-DEC)");
  EXPECT_EQ(error_of("* * * MON *"), "month field 'MON' is not a number or a name (JAN-DEC)");
  EXPECT_EQ(error_of("* * * * JAN"), "day-of-week field 'JAN' is not a number or a name (SUN-SAT)");
  EXPECT_EQ(error_of("MON * * * *"), "minute field 'MON' is not a number");
}

TEST(CronParse, BadListsRangesAndSteps) {
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute field has an empty list item (two commas?)");
  EXPECT_EQ(error_of("1, * * * *"), "minute field has an empty list item (two commas?)");
  EXPECT_EQ(error_of("1- * * * *"), "minute field is missing a value");
  EXPECT_EQ(error_of("30-10 * * * *"), "minute field '30-10': the range starts after it ends");
  EXPECT_EQ(error_of("* * * * FRI-MON"),
            "day-of-week field 'FRI-MON': the range starts after it ends");
  EXPECT_EQ(error_of("*/0 * * * *"),
            "minute field '*/0': the step after '/' must be a whole number of at least 1");
  EXPECT_EQ(error_of("*/ * * * *"),
            "minute field '*/': the step after '/' must be a whole number of at least 1");
  EXPECT_EQ(error_of("*/x * * * *"),
            "minute field '*/x': the step after '/' must be a whole number of at least 1");
  EXPECT_EQ(error_of("5/10 * * * *"),
            "minute field '5/10': a step needs '*' or a range before it (e.g. '0-59/10')");
}

TEST(CronParse, ScheduleThatCanNeverFire) {
  EXPECT_EQ(error_of("0 0 30 2 *"),
            "day-of-month field '30' never falls in month '2', so the schedule would never run");
  EXPECT_FALSE(CronExpression::parse("0 0 31 APR,jun *"));
  // With a day of week too, the OR rule makes it fire on those weekdays.
  EXPECT_TRUE(CronExpression::parse("0 0 31 4 MON"));
  EXPECT_TRUE(CronExpression::parse("0 0 31 4,5 *"));
}

TEST(CronNextAfter, LastAtOrBeforeIncludesTheInstant) {
  const auto e = cron("30 1 * * *");
  const auto* z = date::locate_zone("Etc/UTC");
  EXPECT_EQ(in_utc(*e.last_at_or_before(z, utc(2026, 1, 5, 1, 30))), "2026-01-05 01:30Z");
  EXPECT_EQ(in_utc(*e.last_at_or_before(z, utc(2026, 1, 5, 1, 29))), "2026-01-04 01:30Z");
  EXPECT_EQ(in_utc(*e.next_after(z, utc(2026, 1, 5, 1, 30))), "2026-01-06 01:30Z");
}

TEST(CronNextAfter, OtherZones) {
  // 09:00 in New York in January is 14:00 UTC; in July (EDT) 13:00 UTC.
  EXPECT_EQ(firings("0 9 * * *", kMonday, 1, "America/New_York"), (Strings{"2026-01-05 14:00Z"}));
  EXPECT_EQ(firings("0 9 * * *", utc(2026, 7, 1), 1, "America/New_York"),
            (Strings{"2026-07-01 13:00Z"}));
}

}  // namespace
}  // namespace careerlink
