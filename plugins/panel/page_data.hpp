// What the panel's pages show, read from the store in one place, with consent applied here and
// nowhere else: a plan (its actions, summary, plan-derived flags) appears only when the pupil's
// latest interview agreed to share it with staff.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/store/store.hpp"

namespace careerlink::panel {

// One pupil as a row of a group or year list.
struct PupilRow {
  PupilView pupil;
  rules::Rag rag = rules::Rag::green;
  std::vector<StoredFlag> flags;  // open, and only those staff may see
  std::optional<guidance::Action> next_action;
  std::optional<std::string> last_interview;  // ISO date
  bool has_plan = false;                      // a current plan exists, shared or not
  bool plan_shared = false;
};

// Everything the pupil page shows.
struct PupilRecord {
  PupilRow row;
  std::optional<CurrentPlan> plan;  // only when shared
  bool has_unshared_plan = false;   // a plan exists that the pupil did not agree to share
  std::vector<StoredInterview> interviews;
  std::vector<StoredDestination> destinations;
  std::vector<FlagRow> flag_history;  // newest first; only those staff may see
  std::vector<FollowUpNote> notes;
  std::vector<ActionUpdate> ticks;
};

StoreResult<PupilRow> pupil_row(Store& store, const PupilView& pupil);
StoreResult<std::vector<PupilRow>> pupil_rows(Store& store, const std::vector<PupilView>& pupils);
StoreResult<PupilRecord> pupil_record(Store& store, const PupilView& pupil);

// The JSON form of the pupil page (GET /panel/api/pupil): the same consent rules.
nlohmann::json pupil_record_json(const PupilRecord& record);

}  // namespace careerlink::panel
