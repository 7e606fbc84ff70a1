#include "daemon/report/b8_report.hpp"

#include <algorithm>

#include "daemon/domain/dates.hpp"

namespace careerlink::report {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

std::string iso_after_years(year_month_day day, int years) {
  // 29 February plus a year is 1 March: sys_days carries the overflow forward, so the
  // anniversary never falls before the day itself.
  return to_iso(year_month_day{sys_days{day + std::chrono::years{years}}});
}

// Whole years from `from` to `to` (to >= from): the n with from + n years <= to < from + n+1.
int whole_years(year_month_day from, year_month_day to) {
  int n = static_cast<int>(to.year()) - static_cast<int>(from.year());
  while (n > 0 && iso_after_years(from, n) > to_iso(to))
    --n;
  return n;
}

// 31 August ending the academic year (1 September to 31 August) that holds `as_of`.
std::string academic_year_end(year_month_day as_of) {
  const int y = static_cast<int>(as_of.year()) + (as_of.month() >= std::chrono::September ? 1 : 0);
  return to_iso(year_month_day{std::chrono::year{y}, std::chrono::August, std::chrono::day{31}});
}

bool secondary_year(std::string_view year) {
  static constexpr std::array<std::string_view, 7> kYears{"7", "8", "9", "10", "11", "12", "13"};
  return std::ranges::find(kYears, year) != kYears.end();
}

void count(Fraction& f, bool yes) {
  ++f.den;
  if (yes) ++f.num;
}

// One pupil's contribution to one cell. `as_of` and `end_of_y11` are ISO, which compare as dates.
void add_on_roll(B8Figures& f, const B8Pupil& p, const std::string& as_of,
                 const std::string& end_of_y11) {
  ++f.on_roll;
  std::int64_t qualified = 0;
  bool qualified_by_y11_end = false;
  bool has_plan = false;
  std::optional<bool> shared;  // the latest interview up to as_of decides, as staff_consent does
  for (const auto& iv : p.interviews) {
    if (iv.qualified && iv.date <= end_of_y11) qualified_by_y11_end = true;
    if (iv.date > as_of) continue;
    shared = iv.share_with_staff;
    if (iv.has_plan) has_plan = true;
    if (!iv.qualified) continue;
    ++qualified;
    ++f.lengths[length_band(iv.minutes)];
  }
  count(f.qualified_interview, qualified >= 1);
  if (p.nc_year == "11") {
    if (!f.by_end_of_y11) f.by_end_of_y11 = Fraction{};
    count(*f.by_end_of_y11, qualified_by_y11_end);
  }
  if (p.nc_year == "13") {
    if (!f.two_or_more) f.two_or_more = Fraction{};
    count(*f.two_or_more, qualified >= 2);
  }
  count(f.with_plan, has_plan);
  if (has_plan) count(f.plans_shared, shared.value_or(false));

  // The current plan counts only when its interview was on or before as_of.
  const bool plan_counts = p.plan_interview_date && *p.plan_interview_date <= as_of;
  if (plan_counts) {
    for (const auto& a : p.actions) {
      if (a.status == "open") {
        ++f.open_actions;
        if (a.due && *a.due < as_of) ++f.overdue_actions;
      } else if (a.status == "done" || a.status == "dropped") {
        ++f.follow_ups_done;
        if (a.ticked_by_tutor) ++f.ticked_by_tutor;
      }
    }
  }
  const bool intended = (plan_counts && p.plan_has_intended_destination) ||
                        std::ranges::any_of(p.intended_destination_dates,
                                            [&](const std::string& d) { return d <= as_of; });
  count(f.intended_destination, intended);
}

// A leaver in their first, second or third year since leaving is in band 0, 1 or 2; their
// destination is known when an actual destination is dated within that year, up to as_of.
void add_leaver(B8Figures& f, const B8Pupil& p, year_month_day left, year_month_day as_of) {
  const int years = whole_years(left, as_of);
  if (years > 2) return;
  const std::string from = iso_after_years(left, years);
  const std::string to = to_iso(as_of);
  const bool known = std::ranges::any_of(
      p.actual_destination_dates, [&](const std::string& d) { return d >= from && d <= to; });
  count(f.leaver_destination[static_cast<std::size_t>(years)], known);
}

}  // namespace

std::string percent_text(Fraction f) {
  if (f.den <= 0) return "-";
  const std::int64_t tenths = (f.num * 2000 + f.den) / (2 * f.den);  // half up
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

std::size_t length_band(int minutes) {
  if (minutes < 20) return 0;
  if (minutes < 30) return 1;
  if (minutes < 45) return 2;
  if (minutes < 60) return 3;
  return 4;
}

B8Report compute_b8(std::string school_urn, std::string school_name, year_month_day as_of,
                    std::span<const B8Pupil> pupils) {
  B8Report report;
  report.school_urn = std::move(school_urn);
  report.school_name = std::move(school_name);
  report.as_of = to_iso(as_of);
  report.end_of_y11 = academic_year_end(as_of);
  report.total.year = "all";

  std::array<std::optional<B8Group>, 7> by_year;  // index: NC year - 7
  for (const auto& p : pupils) {
    if (!secondary_year(p.nc_year)) {
      ++report.outside_years;
      continue;
    }
    auto& slot = by_year[static_cast<std::size_t>(std::stoi(p.nc_year) - 7)];
    if (!slot) {
      slot = B8Group{};
      slot->year = p.nc_year;
    }
    const auto left = p.leaving_date ? parse_iso_date(*p.leaving_date) : std::nullopt;
    const bool leaver = left && to_iso(*left) <= report.as_of;
    const bool on_roll = !leaver && (!p.on_roll_date || *p.on_roll_date <= report.as_of);
    for (B8Group* g : {&*slot, &report.total}) {
      std::vector<B8Figures*> cells{&g->all};
      if (p.send) cells.push_back(&g->send);
      if (p.fsm) cells.push_back(&g->fsm);
      for (B8Figures* f : cells) {
        if (on_roll) add_on_roll(*f, p, report.as_of, report.end_of_y11);
        if (leaver) add_leaver(*f, p, *left, as_of);
      }
    }
  }
  for (auto& g : by_year) {
    if (g) report.years.push_back(std::move(*g));
  }
  // The Y11 and Y13 figures belong to their year; the whole-school row would only repeat them.
  for (B8Figures* f : {&report.total.all, &report.total.send, &report.total.fsm}) {
    f->by_end_of_y11.reset();
    f->two_or_more.reset();
  }
  return report;
}

std::vector<FigureRow> figure_rows(const B8Figures& f) {
  std::vector<FigureRow> rows;
  auto frac = [&](std::string_view key, std::string_view label, Fraction v) {
    rows.push_back(FigureRow{key, label, std::nullopt, v});
  };
  auto num = [&](std::string_view key, std::string_view label, std::int64_t v) {
    rows.push_back(FigureRow{key, label, v, std::nullopt});
  };
  num("on_roll", "Pupils on roll", f.on_roll);
  frac("qualified_interview", "At least one interview with a qualified (Level 6+) adviser",
       f.qualified_interview);
  if (f.by_end_of_y11)
    frac("qualified_interview_by_end_of_y11", "Qualified interview by the end of Y11",
         *f.by_end_of_y11);
  if (f.two_or_more)
    frac("two_or_more_qualified_interviews", "Two or more qualified interviews", *f.two_or_more);
  static constexpr std::array<std::string_view, 5> kKeys{
      "interviews_under_20_min", "interviews_20_29_min", "interviews_30_44_min",
      "interviews_45_59_min", "interviews_60_plus_min"};
  static constexpr std::array<std::string_view, 5> kLabels{
      "Qualified interviews under 20 minutes", "Qualified interviews of 20-29 minutes",
      "Qualified interviews of 30-44 minutes", "Qualified interviews of 45-59 minutes",
      "Qualified interviews of 60 minutes or more"};
  for (std::size_t i = 0; i < kKeys.size(); ++i)
    num(kKeys[i], kLabels[i], f.lengths[i]);
  frac("action_plan", "With an action plan", f.with_plan);
  frac("plan_shared_with_staff", "Plans shared with staff", f.plans_shared);
  num("open_actions", "Open actions", f.open_actions);
  num("overdue_actions", "Overdue actions (open, due before the report date)", f.overdue_actions);
  num("follow_ups_done", "Follow-ups done (actions done or dropped)", f.follow_ups_done);
  num("follow_ups_ticked_by_tutor", "Of which ticked off by a tutor", f.ticked_by_tutor);
  frac("intended_destination_known", "Known intended destination", f.intended_destination);
  frac("leavers_destination_known_1_year", "Leavers in their 1st year: actual destination known",
       f.leaver_destination[0]);
  frac("leavers_destination_known_2_years", "Leavers in their 2nd year: actual destination known",
       f.leaver_destination[1]);
  frac("leavers_destination_known_3_years", "Leavers in their 3rd year: actual destination known",
       f.leaver_destination[2]);
  return rows;
}

}  // namespace careerlink::report
