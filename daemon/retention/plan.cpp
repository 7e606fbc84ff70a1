#include "daemon/retention/plan.hpp"

#include <fmt/format.h>

#include "daemon/domain/dates.hpp"

namespace careerlink::retention {
namespace {

using std::chrono::year_month_day;

std::string ordinal(int n) {
  const int tens = n % 100;
  const char* suffix = "th";
  if (tens < 11 || tens > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

// A pupil is on roll at `as_of` unless a leaving date on or before it is recorded (as
// PupilView::on_roll reads it for today).
bool on_roll(const RetentionPupil& p, std::string_view as_of) {
  return !p.leaving_date || *p.leaving_date > as_of;
}

struct Due {
  std::optional<std::string> age;      // the birthday, when reached
  std::optional<std::string> leaving;  // "left on X; N years on Y", when reached
};

Due due_rules(const RetentionPupil& p, const Policy& policy, year_month_day as_of) {
  Due due;
  const std::string today = to_iso(as_of);
  if (!p.pseudonymised_on && p.dob) {
    if (auto dob = parse_iso_date(*p.dob)) {
      const auto birthday = anniversary(*dob, policy.guidance_until_age);
      if (birthday <= as_of) {
        due.age =
            fmt::format("{} birthday on {}", ordinal(policy.guidance_until_age), to_iso(birthday));
      }
    }
  }
  if (!on_roll(p, today) && p.leaving_date) {
    if (auto left = parse_iso_date(*p.leaving_date)) {
      const auto until = anniversary(*left, policy.destinations_years);
      if (until <= as_of) {
        due.leaving =
            fmt::format("left on {}; {} year{} on {}", *p.leaving_date, policy.destinations_years,
                        policy.destinations_years == 1 ? "" : "s", to_iso(until));
      }
    }
  }
  return due;
}

}  // namespace

year_month_day anniversary(year_month_day from, int years) {
  year_month_day out{from.year() + std::chrono::years{years}, from.month(), from.day()};
  if (!out.ok()) out = year_month_day{out.year(), std::chrono::March, std::chrono::day{1}};
  return out;
}

TimePoint audit_cutoff(const Policy& policy, year_month_day as_of) {
  return std::chrono::sys_days{as_of} - std::chrono::days{policy.audit_days};
}

bool may_be_due(const RetentionPupil& pupil, const Policy& policy, year_month_day as_of) {
  if (pupil.pseudonymised_on) return policy.mode == Mode::erase;
  const Due due = due_rules(pupil, policy, as_of);
  return due.age || due.leaving;
}

Plan plan(const Snapshot& snapshot, const Policy& policy, year_month_day as_of) {
  Plan out;
  out.as_of = to_iso(as_of);
  out.mode = policy.mode;
  out.audit_cutoff = audit_cutoff(policy, as_of);
  out.audit_before = iso_utc(out.audit_cutoff);
  out.audit_events = snapshot.audit_events_before_cutoff;
  for (const RetentionPupil& p : snapshot.pupils) {
    PupilAction a;
    a.pupil = p.id;
    a.upn = p.upn;
    a.school_urn = p.school_urn;
    a.upns = p.upns;
    const std::int64_t guidance_held = p.interviews + p.flags + p.notes;
    // The LA's September Guarantee statuses are destination data: they go with destinations.
    const std::int64_t destinations_held = p.destinations + p.guarantee_statuses;
    const bool rolled = on_roll(p, out.as_of);
    if (p.pseudonymised_on) {
      // Pseudonymised by an earlier run; under mode = delete what is left of them goes.
      if (policy.mode == Mode::pseudonymise) continue;
      a.guidance = guidance_held > 0;
      a.destinations = destinations_held > 0;
      a.remove_pupil = true;
      a.pseudonymised_before = true;
      a.reasons.push_back("pseudonymised on " + *p.pseudonymised_on + "; mode is now delete");
      a.rules.emplace_back("pseudonymised");
    } else {
      const Due due = due_rules(p, policy, as_of);
      if (!due.age && !due.leaving) continue;
      if (due.age) {
        a.reasons.push_back(*due.age);
        a.rules.emplace_back("guidance_age");
      }
      if (due.leaving) {
        a.reasons.push_back(*due.leaving);
        a.rules.emplace_back("destinations_after_leaving");
      }
      if (policy.mode == Mode::pseudonymise && !rolled) {
        // Compass+'s model: the leaver is pseudonymised whole once their first limit passes.
        a.pseudonymise = true;
        a.guidance = true;
      } else {
        // The age limit bounds everything held; the leaving limit only destinations, and
        // never for a pupil still on roll (due.leaving is never set for them). A pupil on
        // roll is never pseudonymised: the next MIS import would bring their name back.
        a.guidance = due.age && guidance_held > 0;
        a.destinations = destinations_held > 0;
        const std::int64_t left_over =
            (a.guidance ? 0 : guidance_held) + (a.destinations ? 0 : destinations_held);
        a.remove_pupil = !rolled && left_over == 0;
      }
    }
    if (!a.guidance && !a.destinations && !a.remove_pupil && !a.pseudonymise) continue;
    if (a.guidance) {
      a.interviews = p.interviews;
      a.plan_versions = p.plan_versions;
      a.action_updates = p.action_updates;
      a.flags = p.flags;
      a.notes = p.notes;
    }
    if (a.destinations) {
      a.destination_count = p.destinations;
      a.guarantee_status_count = p.guarantee_statuses;
    }
    if (auto it = snapshot.outbox_naming.find(p.id); it != snapshot.outbox_naming.end()) {
      a.outbox = it->second;
    }
    out.pupils.push_back(std::move(a));
  }
  return out;
}

Totals Plan::totals() const {
  Totals t;
  for (const PupilAction& a : pupils) {
    ++t.pupils;
    t.pupils_removed += a.remove_pupil ? 1 : 0;
    t.pupils_pseudonymised += a.pseudonymise ? 1 : 0;
    t.interviews += a.interviews;
    t.plan_versions += a.plan_versions;
    t.action_updates += a.action_updates;
    t.flags += a.flags;
    t.notes += a.notes;
    t.destinations += a.destination_count;
    t.guarantee_statuses += a.guarantee_status_count;
    t.outbox += a.outbox;
  }
  t.audit_events = audit_events;
  return t;
}

}  // namespace careerlink::retention
