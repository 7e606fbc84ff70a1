// The follow-up rules. Each rule looks at one kind of gap in a pupil's records and returns at
// most one flag; evaluate() runs them in the fixed kind order.
#include "daemon/rules/rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "daemon/domain/dates.hpp"

namespace careerlink::rules {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// "5 December 2026": how a tutor reads a date; ISO stays in the records.
std::string uk_long_date(year_month_day ymd) {
  static constexpr std::array<const char*, 12> months = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         months[static_cast<unsigned>(ymd.month()) - 1] + " " +
         std::to_string(static_cast<int>(ymd.year()));
}

long days_between(year_month_day from, year_month_day to) {
  return static_cast<long>((sys_days(to) - sys_days(from)).count());
}

std::optional<int> numeric_year(const std::optional<std::string>& nc_year) {
  if (!nc_year || nc_year->empty()) return std::nullopt;
  int year = 0;
  const char* end = nc_year->data() + nc_year->size();
  auto [ptr, ec] = std::from_chars(nc_year->data(), end, year);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return year;
}

bool in_year(const PupilFacts& facts, std::string_view year) {
  return facts.nc_year && *facts.nc_year == year;
}

// A configured "02-29" means the end of February, so a non-leap year still has a deadline.
std::optional<year_month_day> deadline(std::string_view month_day, year_month_day as_of) {
  if (auto date = academic_year_date(month_day, as_of)) return date;
  if (month_day != "02-29") return std::nullopt;
  return academic_year_date("02-28", as_of);
}

std::size_t qualified_interviews(const PupilFacts& facts, year_month_day as_of) {
  return static_cast<std::size_t>(
      std::ranges::count_if(facts.interviews, [&](const PupilFacts::InterviewFact& interview) {
        const auto date = parse_iso_date(interview.date);
        return interview.qualified && date && sys_days(*date) <= sys_days(as_of);
      }));
}

// The shared shape of the "by a date in the academic year" rules: amber from warn_days before
// the deadline, red once it has passed.
std::optional<Flag> deadline_flag(std::string kind, const std::string& missing,
                                  std::string_view month_day, int warn_days, year_month_day as_of) {
  const auto due = deadline(month_day, as_of);
  if (!due) return std::nullopt;
  if (sys_days(as_of) > sys_days(*due)) {
    return Flag{std::move(kind), Rag::red, missing + "; was due by " + uk_long_date(*due)};
  }
  if (sys_days(as_of) >= sys_days(*due) - days{warn_days}) {
    return Flag{std::move(kind), Rag::amber, missing + "; due by " + uk_long_date(*due)};
  }
  return std::nullopt;
}

std::optional<Flag> no_interview(const PupilFacts& facts, const RulesConfig& config,
                                 year_month_day as_of) {
  if (!in_year(facts, "11") || qualified_interviews(facts, as_of) > 0) return std::nullopt;
  return deadline_flag("no_interview", "No careers interview with a qualified adviser yet",
                       config.no_interview_by, config.no_interview_warn_days, as_of);
}

std::optional<Flag> no_second_interview(const PupilFacts& facts, const RulesConfig& config,
                                        year_month_day as_of) {
  if (!in_year(facts, "13")) return std::nullopt;
  const std::size_t had = qualified_interviews(facts, as_of);
  if (had >= 2) return std::nullopt;
  return deadline_flag(
      "no_second_interview",
      std::to_string(had) + " of 2 careers interviews with a qualified adviser so far",
      config.no_second_interview_by, config.no_interview_warn_days, as_of);
}

std::optional<Flag> overdue_action(const PupilFacts& facts, const RulesConfig& config,
                                   year_month_day as_of) {
  if (!facts.plan) return std::nullopt;
  const guidance::Action* oldest = nullptr;
  year_month_day oldest_due{};
  std::size_t overdue = 0;
  for (const guidance::Action& action : facts.plan->actions) {
    if (action.status != "open" || !action.due) continue;
    const auto due = parse_iso_date(*action.due);
    if (!due || sys_days(*due) >= sys_days(as_of)) continue;
    ++overdue;
    // Strictly earlier, so of two equally old actions the first in the plan is named.
    if (oldest == nullptr || sys_days(*due) < sys_days(oldest_due)) {
      oldest = &action;
      oldest_due = *due;
    }
  }
  if (oldest == nullptr) return std::nullopt;
  const Rag rag = days_between(oldest_due, as_of) > config.overdue_red_days ? Rag::red : Rag::amber;
  const std::string named = "\"" + oldest->text + "\" (" + oldest->owner + ")";
  std::string reason =
      overdue == 1 ? "1 action overdue: " + named + " was due on " + uk_long_date(oldest_due)
                   : std::to_string(overdue) + " actions overdue; the oldest, " + named +
                         ", was due on " + uk_long_date(oldest_due);
  return Flag{"overdue_action", rag, std::move(reason)};
}

std::optional<Flag> review_due(const PupilFacts& facts, const RulesConfig& config,
                               year_month_day as_of) {
  if (!facts.plan || !facts.plan->next_review) return std::nullopt;
  const auto review = parse_iso_date(*facts.plan->next_review);
  if (!review || sys_days(*review) >= sys_days(as_of)) return std::nullopt;
  const Rag rag = days_between(*review, as_of) > config.review_red_days ? Rag::red : Rag::amber;
  return Flag{"review_due", rag,
              "Action plan review overdue; it was due on " + uk_long_date(*review)};
}

std::optional<Flag> no_intended_destination(const PupilFacts& facts, const RulesConfig& config,
                                            year_month_day as_of) {
  if (!in_year(facts, "11") || facts.has_intended_destination) return std::nullopt;
  const auto due = deadline(config.no_intended_destination_by, as_of);
  if (!due || sys_days(as_of) <= sys_days(*due)) return std::nullopt;
  return Flag{"no_intended_destination", Rag::amber,
              "No intended destination recorded; was due by " + uk_long_date(*due)};
}

// "90" or "92.5": the threshold as a person would write it.
std::string threshold_text(double threshold) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", threshold);
  return buf;
}

// "84.0%": one decimal, or more when rounding would show 89.95 as 90.0, not below 90.
std::string attendance_text(double pct, double threshold) {
  char buf[32];
  for (int decimals = 1; decimals <= 6; ++decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, pct);
    if (std::strtod(buf, nullptr) < threshold) break;
  }
  return std::string(buf) + "%";
}

struct Indicator {
  bool present;
  int weight;
  std::string words;
};

std::vector<Indicator> roni_indicators(const PupilFacts& facts, const RulesConfig& config) {
  const bool ehcp = facts.ehcp.value_or(false) || facts.sen == "E";
  const int exclusions = facts.exclusions.value_or(0);
  std::vector<Indicator> out;
  if (facts.attendance_pct) {
    out.push_back({*facts.attendance_pct < config.attendance_threshold, config.weight_attendance,
                   "attendance " +
                       attendance_text(*facts.attendance_pct, config.attendance_threshold) +
                       " below " + threshold_text(config.attendance_threshold)});
  }
  out.push_back({exclusions >= 1, config.weight_exclusions,
                 std::to_string(exclusions) + (exclusions == 1 ? " exclusion" : " exclusions")});
  // An EHCP replaces SEN support; a stale "K" beside an EHCP must not count twice.
  out.push_back({facts.sen == "K" && !ehcp, config.weight_sen_support, "SEN support"});
  out.push_back({ehcp, config.weight_ehcp, "EHCP"});
  out.push_back({facts.looked_after.value_or(false), config.weight_looked_after, "looked after"});
  out.push_back({facts.fsm.value_or(false), config.weight_fsm, "free school meals"});
  out.push_back(
      {facts.eal.value_or(false), config.weight_eal, "English as an additional language"});
  out.push_back({facts.young_carer.value_or(false), config.weight_young_carer, "young carer"});
  return out;
}

std::optional<Flag> neet_risk(const PupilFacts& facts, const RulesConfig& config) {
  const auto year = numeric_year(facts.nc_year);
  if (!year || *year < config.roni_min_year || *year > config.roni_max_year) return std::nullopt;
  int score = 0;
  std::string counted;
  for (const Indicator& indicator : roni_indicators(facts, config)) {
    if (!indicator.present || indicator.weight == 0) continue;
    score += indicator.weight;
    if (!counted.empty()) counted += ", ";
    counted += indicator.words + " (" + std::to_string(indicator.weight) + ")";
  }
  // A score of 0 says nothing about risk, whatever the cut-offs are set to.
  if (score == 0 || score < std::min(config.neet_risk_amber, config.neet_risk_red)) {
    return std::nullopt;
  }
  const Rag rag = score >= config.neet_risk_red ? Rag::red : Rag::amber;
  return Flag{"neet_risk", rag,
              "RONI score " + std::to_string(score) + " (amber from " +
                  std::to_string(config.neet_risk_amber) + ", red from " +
                  std::to_string(config.neet_risk_red) + "): " + counted};
}

}  // namespace

std::string_view to_string(Rag rag) {
  switch (rag) {
    case Rag::green:
      return "green";
    case Rag::amber:
      return "amber";
    case Rag::red:
      return "red";
  }
  return "green";
}

std::optional<Rag> parse_rag(std::string_view text) {
  for (Rag rag : {Rag::green, Rag::amber, Rag::red}) {
    if (text == to_string(rag)) return rag;
  }
  return std::nullopt;
}

std::vector<Flag> evaluate(const PupilFacts& facts, const RulesConfig& config,
                           year_month_day as_of) {
  std::vector<Flag> flags;
  if (!facts.on_roll || !as_of.ok()) return flags;
  for (auto flag : {no_interview(facts, config, as_of), no_second_interview(facts, config, as_of),
                    overdue_action(facts, config, as_of), review_due(facts, config, as_of),
                    no_intended_destination(facts, config, as_of), neet_risk(facts, config)}) {
    if (flag) flags.push_back(std::move(*flag));
  }
  return flags;
}

Rag overall_rag(std::span<const Flag> flags) {
  Rag worst = Rag::green;
  for (const Flag& flag : flags)
    worst = std::max(worst, flag.rag);
  return worst;
}

bool plan_derived(std::string_view kind) {
  return kind == "overdue_action" || kind == "review_due";
}

std::optional<year_month_day> academic_year_date(std::string_view month_day, year_month_day as_of) {
  if (month_day.size() != 5 || month_day[2] != '-' || !as_of.ok()) return std::nullopt;
  unsigned month = 0;
  unsigned day = 0;
  const char* text = month_day.data();
  auto [month_end, month_ec] = std::from_chars(text, text + 2, month);
  auto [day_end, day_ec] = std::from_chars(text + 3, text + 5, day);
  if (month_ec != std::errc{} || month_end != text + 2 || day_ec != std::errc{} ||
      day_end != text + 5) {
    return std::nullopt;
  }
  // The academic year starts on 1 September: September to December fall in the year it
  // starts, January to August in the next.
  const int start =
      static_cast<int>(as_of.year()) - (as_of.month() >= std::chrono::September ? 0 : 1);
  const year_month_day date{std::chrono::year{month >= 9 ? start : start + 1},
                            std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace careerlink::rules
