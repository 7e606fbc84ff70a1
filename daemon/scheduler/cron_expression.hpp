// A 5-field cron schedule ("minute hour day-of-month month day-of-week") and when it next fires
// in a given time zone.
//
// Syntax, per field: `*`, a number or name, a range `a-b`, a step `*/n` or `a-b/n`, and
// comma-separated lists of these. Months JAN-DEC and days SUN-SAT are accepted in any case;
// day-of-week 0 and 7 are both Sunday. Classic (Vixie) cron day rule: when both day-of-month and
// day-of-week are restricted (their text does not start with `*`), a day matches if EITHER
// matches; otherwise both must. So "0 2 1 * MON" runs on the 1st and on every Monday, while
// "0 2 */2 * MON" runs on Mondays that fall on odd days (the `*/2` counts as unrestricted, as in
// Vixie cron and cronie, so crontabs copied from elsewhere behave the same).
//
// Schedules are in local wall-clock time of the school's zone. Clock changes (rules chosen so a
// daily job runs exactly once on both nights, and a frequent job keeps its real-time spacing):
//
// * A local time that does not exist (the spring-forward gap: 01:00-01:59 on the last Sunday of
//   March in Europe/London) fires once at the first instant after the gap (02:00 BST = 01:00
//   UTC), but only if no other matching local time earlier that same local day already fired.
//   So "30 1 * * *" runs at 02:00 BST that night; "*/15 * * * *" fires 00:45 GMT then 02:00 BST
//   (15 real minutes later) with nothing for the missing hour; several missing times of one gap
//   collapse into one firing.
// * A local time that occurs twice (autumn: 01:30 happens at 00:30 UTC and again at 01:30 UTC)
//   fires once, at the first occurrence, unless the schedule is a wildcard schedule: its minute
//   or hour field starts with `*` ("*/15 * * * *", "0 * * * *", "* 1 * * *"). A wildcard
//   schedule fires at both occurrences, so it keeps firing every real 15 minutes (or hour)
//   through the repeated hour. This is Debian cron's rule for the same problem.
//
// A consequence of the gap rule worth knowing: "0 0,1 * * *" does not run at 01:00 on the
// spring-forward night, since 00:00 already ran that day.
#pragma once

#include <bitset>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/store.hpp"  // TimePoint

namespace date {
class time_zone;
}

namespace careerlink {

class CronExpression {
 public:
  // Errors name the field and the offending text, e.g. "minute field '61' is out of range 0-59".
  static std::expected<CronExpression, std::string> parse(std::string_view text);

  // The first instant strictly after `after` at which the schedule fires in `zone`, by the rules
  // above. nullopt only if the schedule cannot fire in the next eight years (parse() rejects
  // schedules that can never fire, so in practice this is always a value).
  [[nodiscard]] std::optional<TimePoint> next_after(const date::time_zone* zone,
                                                    TimePoint after) const;
  // The last instant at or before `at` at which the schedule fires (same rules), or nullopt if
  // none in the previous eight years. Used to find the most recent missed slot after downtime.
  [[nodiscard]] std::optional<TimePoint> last_at_or_before(const date::time_zone* zone,
                                                           TimePoint at) const;

  // True when the minute or hour field starts with `*` (see the clock-change rules).
  [[nodiscard]] bool wildcard_time() const { return wildcard_time_; }
  // The text it was parsed from, trimmed, for listings and logs.
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  CronExpression() = default;
  // Whether the schedule runs on a local date (days since 1970-01-01, local).
  [[nodiscard]] bool matches_day(std::int64_t local_day) const;
  // Appends the instants the schedule fires for the matching times of one local day.
  void firings_on(const date::time_zone* zone, std::int64_t local_day,
                  std::vector<TimePoint>& out) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
  bool wildcard_time_ = false;
  std::string text_;
};

}  // namespace careerlink
