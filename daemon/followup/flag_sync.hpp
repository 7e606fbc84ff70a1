// Turns the rules' verdict into stored flags: raises what is new, clears what no longer holds,
// brings open flags up to date, and enqueues each change for the write-back sinks, all inside
// the caller's transaction. Consent decides what leaves: a plan-derived flag (overdue_action,
// review_due) is shared only while the pupil's latest interview says the plan may be shared
// with staff; otherwise it is stored with shared = false and no event goes out, and if it had
// gone out before, a flag.cleared follows so the MIS stops showing it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/rules/rules.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::followup {

// The names of the sinks that carry the write-back (writeback = true).
std::vector<std::string> writeback_sinks(const Config& config);

// The rules in force for a school: its [school.rules], else the built-in defaults.
const RulesConfig& rules_for(const Config& config, std::string_view school_urn);

struct FlagChanges {
  int raised = 0;
  int changed = 0;
  int cleared = 0;
  rules::Rag overall = rules::Rag::green;  // over all open flags, shared or not
  std::vector<rules::Flag> open;           // as evaluated
  void add(const FlagChanges& other) {
    raised += other.raised;
    changed += other.changed;
    cleared += other.cleared;
  }
};

struct SyncContext {
  const Config* config = nullptr;
  std::span<const std::string> sinks;  // write-back sinks
  std::chrono::year_month_day as_of{};
  TimePoint now{};
};

// Today's date where the schools are (the first [[school]]'s time zone, else Europe/London).
std::chrono::year_month_day local_date(const Config& config, TimePoint now);

// A context for evaluating now: as of today's local date, with `now` on raised and cleared flags.
// `sinks` must outlive the context.
SyncContext sync_context(const Config& config, std::span<const std::string> sinks, TimePoint now);

// One pupil, in `tx`. A pupil who is no longer in the store has nothing to do. When a flag
// changed, or `records_changed` says the caller changed the pupil's plan, destinations or
// ticks, a `pupil.status` event (pupil_status.hpp) follows the flag events.
StoreResult<FlagChanges> sync_pupil_flags(StoreTransaction& tx, std::int64_t pupil,
                                          const SyncContext& context, bool records_changed = false);

struct EvaluationRun {
  std::size_t pupils = 0;
  FlagChanges changes;
};

// Called after each batch with (pupils done, pupils in all), for a progress line.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Every pupil (of one school, or all), in transactions of `batch` pupils.
StoreResult<EvaluationRun> evaluate_all(Store& store, std::optional<SchoolId> school,
                                        const SyncContext& context, const Progress& progress = {},
                                        std::size_t batch = 500);

// Only the pupils whose rule inputs changed since they were last evaluated (an import changed
// their year, attendance, ...), as the store noted them.
StoreResult<EvaluationRun> evaluate_pending(Store& store, const SyncContext& context,
                                            std::size_t batch = 500);

// What the flags would be on `as_of`, without storing anything (`flags evaluate --as-of`).
struct PupilVerdict {
  rules::PupilFacts facts;
  std::vector<rules::Flag> flags;
  bool plan_shared = false;  // the pupil's latest interview agreed to share with staff
};
StoreResult<std::vector<PupilVerdict>> preview(Store& store, std::optional<SchoolId> school,
                                               const Config& config,
                                               std::chrono::year_month_day as_of);

}  // namespace careerlink::followup
