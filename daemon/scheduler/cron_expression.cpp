#include "daemon/scheduler/cron_expression.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>

namespace careerlink {
namespace {

using Bits = std::bitset<64>;

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::string_view* names = nullptr;  // names[i] means value names_base + i
  int name_count = 0;
  int names_base = 0;
};

constexpr std::array<std::string_view, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames{"SUN", "MON", "TUE", "WED",
                                                    "THU", "FRI", "SAT"};

constexpr std::array<FieldSpec, 5> kFields{
    FieldSpec{"minute", 0, 59},
    FieldSpec{"hour", 0, 23},
    FieldSpec{"day-of-month", 1, 31},
    FieldSpec{"month", 1, 12, kMonthNames.data(), 12, 1},
    FieldSpec{"day-of-week", 0, 7, kDayNames.data(), 7, 0},
};

// Eight years covers the longest wait a valid schedule can have (29 February across 2100).
constexpr int kSearchDays = 366 * 8 + 2;

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::expected<int, std::string> parse_value(std::string_view token, const FieldSpec& f) {
  if (token.empty()) {
    return std::unexpected(std::string(f.name) + " field is missing a value");
  }
  if (std::isalpha(static_cast<unsigned char>(token.front()))) {
    std::string upper(token);
    std::ranges::transform(upper, upper.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (int i = 0; i < f.name_count; ++i) {
      if (f.names[i] == upper) return f.names_base + i;
    }
    std::string msg = std::string(f.name) + " field " + quoted(token) + " is not a ";
    if (f.name_count == 0) return std::unexpected(msg + "number");
    return std::unexpected(msg + "number or a name (" + std::string(f.names[0]) + "-" +
                           std::string(f.names[f.name_count - 1]) + ")");
  }
  int value = 0;
  const auto* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && ptr == end)) {
    if (ec == std::errc{} && value >= f.min && value <= f.max) return value;
    return std::unexpected(std::string(f.name) + " field " + quoted(token) + " is out of range " +
                           std::to_string(f.min) + "-" + std::to_string(f.max));
  }
  return std::unexpected(std::string(f.name) + " field " + quoted(token) + " is not a number");
}

// One comma-separated item: `*`, `v`, `a-b`, `*/n`, `a-b/n`.
std::expected<void, std::string> parse_item(std::string_view item, const FieldSpec& f, Bits& bits) {
  const std::string field = std::string(f.name) + " field ";
  if (item.empty()) return std::unexpected(field + "has an empty list item (two commas?)");
  std::string_view base = item;
  int step = 1;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    base = item.substr(0, slash);
    const std::string_view step_text = item.substr(slash + 1);
    const auto* end = step_text.data() + step_text.size();
    auto [ptr, ec] = std::from_chars(step_text.data(), end, step);
    if (step_text.empty() || ec != std::errc{} || ptr != end || step < 1) {
      return std::unexpected(field + quoted(item) + ": the step after '/' must be a whole number " +
                             "of at least 1");
    }
    if (base != "*" && base.find('-') == std::string_view::npos) {
      return std::unexpected(field + quoted(item) +
                             ": a step needs '*' or a range before it (e.g. '0-59/10')");
    }
  }
  int lo = f.min;
  int hi = f.max;
  if (base == "*") {
    if (f.max == 7) hi = 6;  // 7 is only another name for Sunday
  } else if (auto dash = base.find('-'); dash != std::string_view::npos) {
    auto a = parse_value(base.substr(0, dash), f);
    if (!a) return std::unexpected(a.error());
    auto b = parse_value(base.substr(dash + 1), f);
    if (!b) return std::unexpected(b.error());
    if (*a > *b) {
      return std::unexpected(field + quoted(base) + ": the range starts after it ends");
    }
    lo = *a;
    hi = *b;
  } else {
    auto v = parse_value(base, f);
    if (!v) return std::unexpected(v.error());
    lo = hi = *v;
  }
  for (int v = lo; v <= hi; v += step) {
    bits.set(static_cast<std::size_t>(v));
  }
  return {};
}

std::expected<Bits, std::string> parse_field(std::string_view text, const FieldSpec& f) {
  Bits bits;
  std::size_t pos = 0;
  while (true) {
    const auto comma = text.find(',', pos);
    const auto item = text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    if (auto r = parse_item(item, f, bits); !r) return std::unexpected(r.error());
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (f.max == 7 && bits.test(7)) {
    bits.reset(7);
    bits.set(0);
  }
  return bits;
}

template <std::size_t N>
std::bitset<N> narrow(const Bits& bits) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i)
    out[i] = bits[i];
  return out;
}

date::local_days to_local_days(std::int64_t day) {
  return date::local_days{date::days{static_cast<int>(day)}};
}

}  // namespace

std::expected<CronExpression, std::string> CronExpression::parse(std::string_view text) {
  std::array<std::string_view, 5> fields;
  std::size_t count = 0;
  std::size_t pos = 0;
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos]))
      ++pos;
    if (pos == text.size()) break;
    std::size_t end = pos;
    while (end < text.size() && !is_space(text[end]))
      ++end;
    if (count < fields.size()) fields[count] = text.substr(pos, end - pos);
    ++count;
    pos = end;
  }
  if (count != fields.size()) {
    return std::unexpected(
        "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), but " +
        quoted(text) + " has " + std::to_string(count));
  }
  std::array<Bits, 5> bits;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto parsed = parse_field(fields[i], kFields[i]);
    if (!parsed) return std::unexpected(parsed.error());
    bits[i] = *parsed;
  }

  CronExpression e;
  e.minutes_ = narrow<60>(bits[0]);
  e.hours_ = narrow<24>(bits[1]);
  e.days_of_month_ = narrow<32>(bits[2]);
  e.months_ = narrow<13>(bits[3]);
  e.days_of_week_ = narrow<7>(bits[4]);
  // Vixie cron's rule: a day field counts as restricted unless it starts with '*'.
  e.dom_restricted_ = fields[2].front() != '*';
  e.dow_restricted_ = fields[4].front() != '*';
  e.wildcard_time_ = fields[0].front() == '*' || fields[1].front() == '*';
  e.text_ = std::string(fields[0]);
  for (std::size_t i = 1; i < fields.size(); ++i)
    e.text_ += " " + std::string(fields[i]);

  // Reject "31 April" style schedules up front rather than searching forever for a match.
  if (e.dom_restricted_ && !e.dow_restricted_) {
    constexpr std::array<unsigned, 13> kMaxDays{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool possible = false;
    for (unsigned m = 1; m <= 12 && !possible; ++m) {
      if (!e.months_[m]) continue;
      for (unsigned d = 1; d <= kMaxDays[m] && !possible; ++d)
        possible = e.days_of_month_[d];
    }
    if (!possible) {
      return std::unexpected("day-of-month field " + quoted(fields[2]) + " never falls in month " +
                             quoted(fields[3]) + ", so the schedule would never run");
    }
  }
  return e;
}

bool CronExpression::matches_day(std::int64_t local_day) const {
  const auto day = to_local_days(local_day);
  const date::year_month_day ymd{day};
  if (!months_[static_cast<unsigned>(ymd.month())]) return false;
  const bool dom = days_of_month_[static_cast<unsigned>(ymd.day())];
  const bool dow = days_of_week_[date::weekday{day}.c_encoding()];
  if (dom_restricted_ && dow_restricted_) return dom || dow;
  return dom && dow;
}

void CronExpression::firings_on(const date::time_zone* zone, std::int64_t local_day,
                                std::vector<TimePoint>& out) const {
  const auto day = to_local_days(local_day);
  bool fired_earlier_today = false;
  for (int h = 0; h < 24; ++h) {
    if (!hours_[static_cast<std::size_t>(h)]) continue;
    for (int m = 0; m < 60; ++m) {
      if (!minutes_[static_cast<std::size_t>(m)]) continue;
      const date::local_seconds local{day + std::chrono::hours{h} + std::chrono::minutes{m}};
      const auto info = zone->get_info(local);
      switch (info.result) {
        case date::local_info::unique:
          out.emplace_back(date::sys_seconds{local.time_since_epoch() - info.first.offset});
          fired_earlier_today = true;
          break;
        case date::local_info::ambiguous:
          out.emplace_back(date::sys_seconds{local.time_since_epoch() - info.first.offset});
          if (wildcard_time_) {
            out.emplace_back(date::sys_seconds{local.time_since_epoch() - info.second.offset});
          }
          fired_earlier_today = true;
          break;
        case date::local_info::nonexistent:
          // The first instant after the gap; every missing time of one gap lands on it.
          if (!fired_earlier_today) out.emplace_back(info.first.end);
          break;
        default:
          break;
      }
    }
  }
}

std::optional<TimePoint> CronExpression::next_after(const date::time_zone* zone,
                                                    TimePoint after) const {
  // Start a day early: around a clock change a neighbouring local day's times can fall later in
  // UTC than this day's, so keep scanning one day past the first day with a match.
  const auto first =
      std::chrono::floor<date::days>(zone->to_local(after)).time_since_epoch().count() - 1;
  std::optional<TimePoint> best;
  std::int64_t found_on = 0;
  std::vector<TimePoint> times;
  for (std::int64_t day = first; day < first + kSearchDays; ++day) {
    if (best && day > found_on + 1) break;
    if (!matches_day(day)) continue;
    times.clear();
    firings_on(zone, day, times);
    for (const auto t : times) {
      if (t > after && (!best || t < *best)) {
        if (!best) found_on = day;
        best = t;
      }
    }
  }
  return best;
}

std::optional<TimePoint> CronExpression::last_at_or_before(const date::time_zone* zone,
                                                           TimePoint at) const {
  const auto last =
      std::chrono::floor<date::days>(zone->to_local(at)).time_since_epoch().count() + 1;
  std::optional<TimePoint> best;
  std::int64_t found_on = 0;
  std::vector<TimePoint> times;
  for (std::int64_t day = last; day > last - kSearchDays; --day) {
    if (best && day < found_on - 1) break;
    if (!matches_day(day)) continue;
    times.clear();
    firings_on(zone, day, times);
    for (const auto t : times) {
      if (t <= at && (!best || t > *best)) {
        if (!best) found_on = day;
        best = t;
      }
    }
  }
  return best;
}

}  // namespace careerlink
