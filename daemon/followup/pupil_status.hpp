// The `pupil.status` write-back event: the whole of what an MIS may show about one pupil (overall
// RAG, the flags it may see, last interview, intended destination, and the plan if the pupil
// agreed to share it with staff), sent whenever any of it may have changed. Sinks that keep one
// record per pupil (an Arbor note, a SIMS user-defined field) need only this event; the
// flag.* and plan.* events stay for receivers that want each change. Wire format:
// daemon/guidance/README.md, "Write-back events".
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/followup/writeback_events.hpp"
#include "daemon/rules/rules.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::followup {

struct PupilStatusInputs {
  PupilKey pupil;
  std::span<const rules::Flag> open;  // as evaluated, shared or not
  bool plan_shared = false;
  std::optional<std::string> last_interview_date;
  std::optional<CurrentPlan> plan;                       // the current plan, shared or not
  std::optional<guidance::Destination> latest_intended;  // the latest intended destination record
  TimePoint now{};
};

// The payload. Plan-derived flags and the plan itself are left out unless the pupil agreed.
nlohmann::json pupil_status_json(const PupilStatusInputs& in);

// Reads what the payload needs from `tx` and enqueues it to `sinks` (nothing when empty).
StoreResult<void> enqueue_pupil_status(StoreTransaction& tx, std::span<const std::string> sinks,
                                       const rules::PupilFacts& facts,
                                       std::span<const rules::Flag> open, bool plan_shared,
                                       TimePoint now);

}  // namespace careerlink::followup
