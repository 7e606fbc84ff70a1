// When schedules fire in Europe/London, on a normal day and on both 2026 clock-change nights:
// 29 March (01:00 GMT jumps to 02:00 BST, at 01:00 UTC) and 25 October (02:00 BST falls back to
// 01:00 GMT, at 01:00 UTC, so 01:00-01:59 happens twice). The rules are in cron_expression.hpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/scheduler/cron_expression.hpp"
#include "tests/unit/scheduler/scheduler_test_support.hpp"

namespace careerlink {
namespace {

using test::in_london;
using test::london;
using test::utc;
using Strings = std::vector<std::string>;

// Every firing in [from, to), as London wall-clock time with its zone abbreviation.
Strings firings_between(const std::string& text, TimePoint from, TimePoint to) {
  auto e = CronExpression::parse(text);
  EXPECT_TRUE(e) << text;
  Strings out;
  if (!e) return out;
  TimePoint t = from - std::chrono::seconds{1};
  while (auto next = e->next_after(london(), t)) {
    if (*next >= to) break;
    out.push_back(in_london(*next));
    t = *next;
  }
  return out;
}

const TimePoint kSpringEve = utc(2026, 3, 28, 12);
const TimePoint kSpringAfter = utc(2026, 3, 30, 12);
const TimePoint kAutumnEve = utc(2026, 10, 24, 12);
const TimePoint kAutumnAfter = utc(2026, 10, 26, 12);

TEST(CronLondon, NormalDaysInWinterAndSummer) {
  EXPECT_EQ(firings_between("30 1 * * *", utc(2026, 1, 10), utc(2026, 1, 12)),
            (Strings{"2026-01-10 01:30 GMT", "2026-01-11 01:30 GMT"}));
  EXPECT_EQ(firings_between("30 1 * * *", utc(2026, 6, 10), utc(2026, 6, 12)),
            (Strings{"2026-06-10 01:30 BST", "2026-06-11 01:30 BST"}));
  // 01:30 BST is 00:30 UTC.
  auto e = CronExpression::parse("30 1 * * *");
  EXPECT_EQ(test::in_utc(*e->next_after(london(), utc(2026, 6, 10))), "2026-06-10 00:30Z");
}

TEST(CronLondon, SpringForwardRunsAMissingTimeOnceAfterTheGap) {
  // 01:30 does not exist on 29 March: it runs at 02:00 BST (01:00 UTC), exactly once.
  EXPECT_EQ(firings_between("30 1 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 02:00 BST", "2026-03-30 01:30 BST"}));
  auto e = CronExpression::parse("30 1 * * *");
  EXPECT_EQ(*e->next_after(london(), kSpringEve), utc(2026, 3, 29, 1, 0));
}

TEST(CronLondon, SpringForwardEdgeMinutes) {
  // 01:00 is the first missing minute; 02:00 BST is the first that exists again.
  EXPECT_EQ(firings_between("0 1 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 02:00 BST", "2026-03-30 01:00 BST"}));
  EXPECT_EQ(firings_between("0 2 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 02:00 BST", "2026-03-30 02:00 BST"}));
  EXPECT_EQ(firings_between("59 1 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 02:00 BST", "2026-03-30 01:59 BST"}));
  EXPECT_EQ(firings_between("59 0 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 00:59 GMT", "2026-03-30 00:59 BST"}));
  // 01:00, 01:30 (missing) and 02:00 all land on the same instant: one run, not three.
  EXPECT_EQ(firings_between("0,30 1,2 * * *", kSpringEve, kSpringAfter),
            (Strings{"2026-03-29 02:00 BST", "2026-03-29 02:30 BST", "2026-03-30 01:00 BST",
                     "2026-03-30 01:30 BST", "2026-03-30 02:00 BST", "2026-03-30 02:30 BST"}));
}

TEST(CronLondon, SpringForwardSkipsAMissingTimeWhenTheDayAlreadyRan) {
  // The documented consequence: 00:00 ran that day, so the missing 01:00 does not.
  EXPECT_EQ(firings_between("0 0,1 * * *", utc(2026, 3, 28, 23), utc(2026, 3, 29, 12)),
            (Strings{"2026-03-29 00:00 GMT"}));
}

TEST(CronLondon, SpringForwardFrequentJobKeepsRealSpacing) {
  EXPECT_EQ(firings_between("*/15 * * * *", utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 31)),
            (Strings{"2026-03-29 00:30 GMT", "2026-03-29 00:45 GMT", "2026-03-29 02:00 BST",
                     "2026-03-29 02:15 BST", "2026-03-29 02:30 BST"}));
  EXPECT_EQ(firings_between("0 * * * *", utc(2026, 3, 29, 0), utc(2026, 3, 29, 2, 1)),
            (Strings{"2026-03-29 00:00 GMT", "2026-03-29 02:00 BST", "2026-03-29 03:00 BST"}));
}

TEST(CronLondon, FallBackRunsARepeatedTimeOnceAtTheFirst) {
  // 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT): it runs at the first only.
  EXPECT_EQ(firings_between("30 1 * * *", kAutumnEve, kAutumnAfter),
            (Strings{"2026-10-25 01:30 BST", "2026-10-26 01:30 GMT"}));
  auto e = CronExpression::parse("30 1 * * *");
  EXPECT_EQ(*e->next_after(london(), kAutumnEve), utc(2026, 10, 25, 0, 30));
  // Asked between the two occurrences: the next run is the next day's.
  EXPECT_EQ(*e->next_after(london(), utc(2026, 10, 25, 1, 0)), utc(2026, 10, 26, 1, 30));
}

TEST(CronLondon, FallBackEdgeMinutes) {
  EXPECT_EQ(firings_between("0 1 * * *", kAutumnEve, kAutumnAfter),
            (Strings{"2026-10-25 01:00 BST", "2026-10-26 01:00 GMT"}));
  EXPECT_EQ(firings_between("59 1 * * *", kAutumnEve, kAutumnAfter),
            (Strings{"2026-10-25 01:59 BST", "2026-10-26 01:59 GMT"}));
  EXPECT_EQ(firings_between("0 2 * * *", kAutumnEve, kAutumnAfter),
            (Strings{"2026-10-25 02:00 GMT", "2026-10-26 02:00 GMT"}));
  EXPECT_EQ(firings_between("59 0 * * *", kAutumnEve, kAutumnAfter),
            (Strings{"2026-10-25 00:59 BST", "2026-10-26 00:59 GMT"}));
  EXPECT_EQ(firings_between("0,30 1 * * *", kAutumnEve, utc(2026, 10, 25, 12)),
            (Strings{"2026-10-25 01:00 BST", "2026-10-25 01:30 BST"}));
}

TEST(CronLondon, FallBackFrequentJobFiresEveryRealQuarterHour) {
  // A wildcard schedule runs at both occurrences of the repeated hour: every 15 real minutes.
  EXPECT_EQ(firings_between("*/15 * * * *", utc(2026, 10, 24, 23, 45), utc(2026, 10, 25, 2, 1)),
            (Strings{"2026-10-25 00:45 BST", "2026-10-25 01:00 BST", "2026-10-25 01:15 BST",
                     "2026-10-25 01:30 BST", "2026-10-25 01:45 BST", "2026-10-25 01:00 GMT",
                     "2026-10-25 01:15 GMT", "2026-10-25 01:30 GMT", "2026-10-25 01:45 GMT",
                     "2026-10-25 02:00 GMT"}));
  EXPECT_EQ(firings_between("0 * * * *", utc(2026, 10, 24, 23), utc(2026, 10, 25, 2, 1)),
            (Strings{"2026-10-25 00:00 BST", "2026-10-25 01:00 BST", "2026-10-25 01:00 GMT",
                     "2026-10-25 02:00 GMT"}));
  // Wildcard minute in a fixed hour: all of both 01:xx hours.
  EXPECT_EQ(firings_between("*/30 1 * * *", kAutumnEve, utc(2026, 10, 25, 12)),
            (Strings{"2026-10-25 01:00 BST", "2026-10-25 01:30 BST", "2026-10-25 01:00 GMT",
                     "2026-10-25 01:30 GMT"}));
}

TEST(CronLondon, LastSlotAcrossTheClockChanges) {
  auto e = CronExpression::parse("30 1 * * *");
  // Spring: the day's run was at 01:00 UTC.
  EXPECT_EQ(*e->last_at_or_before(london(), utc(2026, 3, 29, 1, 30)), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(*e->last_at_or_before(london(), utc(2026, 3, 29, 0, 59)), utc(2026, 3, 28, 1, 30));
  // Autumn: the second 01:30 (GMT) is not a slot; the first (BST) is.
  EXPECT_EQ(*e->last_at_or_before(london(), utc(2026, 10, 25, 1, 45)), utc(2026, 10, 25, 0, 30));
}

}  // namespace
}  // namespace careerlink
