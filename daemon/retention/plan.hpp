// Planning a retention run: a pure function of what the store holds, the policy and a date,
// so `careerlink retention preview` shows exactly what `retention run` then does.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/retention/policy.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::retention {

// What the plan is made from (load_snapshot in apply.hpp reads it from a Store).
struct Snapshot {
  std::vector<RetentionPupil> pupils;
  std::map<std::int64_t, std::int64_t> outbox_naming;  // pupil id -> messages naming them
  std::int64_t audit_events_before_cutoff = 0;
};

// One pupil's part of the run.
struct PupilAction {
  std::int64_t pupil = 0;
  std::string upn;
  std::string school_urn;
  std::vector<std::string> upns;  // current and former, for the outbox and the audit trail
  bool guidance = false;          // interviews (plans, ticks), flags, notes: deleted or redacted
  bool destinations = false;      // destinations deleted
  bool remove_pupil = false;      // the pupil deleted too: nothing of theirs is left
  bool pseudonymise = false;      // the pupil pseudonymised instead (mode = pseudonymise)
  bool pseudonymised_before = false;  // by an earlier run: `upn` is already the pseudonym
  // How much is affected.
  std::int64_t interviews = 0, plan_versions = 0, action_updates = 0, flags = 0, notes = 0,
               destination_count = 0, guarantee_status_count = 0, outbox = 0;
  // Why, for people: "25th birthday on 2026-03-01", "left on 2022-07-20; 3 years on 2025-07-20".
  std::vector<std::string> reasons;
  // Which rules fired, for the audit trail (no dates: a birthday would tell the DOB).
  std::vector<std::string>
      rules;  // "guidance_age" | "destinations_after_leaving" | "pseudonymised"
};

struct Totals {
  std::int64_t pupils = 0, pupils_removed = 0, pupils_pseudonymised = 0, interviews = 0,
               plan_versions = 0, action_updates = 0, flags = 0, notes = 0, destinations = 0,
               guarantee_statuses = 0, outbox = 0, audit_events = 0;
};

struct Plan {
  std::string as_of;  // YYYY-MM-DD
  Mode mode = Mode::erase;
  std::vector<PupilAction> pupils;  // by pupil id
  std::string audit_before;         // events before this moment (ISO UTC) go
  TimePoint audit_cutoff{};         // the same moment
  std::int64_t audit_events = 0;
  [[nodiscard]] Totals totals() const;
  [[nodiscard]] bool empty() const { return pupils.empty() && audit_events == 0; }
};

// The first moment audit events are kept from: as_of (00:00 UTC) less audit_days.
TimePoint audit_cutoff(const Policy& policy, std::chrono::year_month_day as_of);

// The day a person born on `dob` turns `years` old; born on 29 February: 1 March in a common
// year (the later day, so nothing goes early). Also used for "N years after leaving".
std::chrono::year_month_day anniversary(std::chrono::year_month_day from, int years);

// Whether a pupil's rules have come due at `as_of` (used by the loader to fetch outbox counts
// only for pupils that may be purged).
bool may_be_due(const RetentionPupil& pupil, const Policy& policy,
                std::chrono::year_month_day as_of);

Plan plan(const Snapshot& snapshot, const Policy& policy, std::chrono::year_month_day as_of);

}  // namespace careerlink::retention
