// A subject access request: everything careerlink holds about one pupil, gathered once and
// written as JSON (for a machine or a successor system) and as one self-contained HTML page
// (for the pupil or parent: inline CSS, no scripts, every value escaped).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/store/store.hpp"

namespace careerlink::retention {

struct InterviewRecord {
  StoredInterview interview;
  std::vector<StoredPlanVersion> plans;  // every version, oldest first
};

struct SubjectAccess {
  std::string generated_at;  // ISO UTC
  std::string generated_by;  // who asked for the export
  PupilView pupil;
  std::vector<PupilIdentifierRow> identifiers;
  std::vector<PupilGroupRow> groups;
  std::vector<InterviewRecord> interviews;
  std::vector<StoredDestination> destinations;
  std::vector<GuaranteeStatus> guarantee_statuses;    // as the LA reported them
  std::optional<LaSharingOptOut> la_sharing_opt_out;  // s72: no further information to the LA
  std::vector<TrackerDelivery> tracker_deliveries;    // what each tracker was last sent
  std::vector<FlagRow> flags;                         // open and cleared
  std::vector<FollowUpNote> notes;
  std::vector<ActionUpdate> ticks;
  std::vector<AuditEvent> audit;  // events about the pupil (any UPN they have had)
  std::vector<OutboxMessage> outbox;
};

StoreResult<SubjectAccess> gather_subject_access(Store& store, const PupilView& pupil,
                                                 std::string generated_by, TimePoint now);

nlohmann::ordered_json subject_access_json(const SubjectAccess& record);
std::string subject_access_html(const SubjectAccess& record);

}  // namespace careerlink::retention
