// Taking in guidance records, whoever sends them (the intake API, the advisers' drop folder):
// find the school and the pupil (never creating one), store the interview with a new plan
// version when the plan changed, share or withdraw the plan as the pupil's consent says,
// re-evaluate that pupil's flags, and audit it, all in the caller's transaction.
#pragma once

#include <algorithm>
#include <chrono>
#include <expected>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/guidance/guidance.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::followup {

// Who is sending: the provider organisation (an API key's name, or a drop folder's
// organisation), the schools it may send for (empty: any), and where from, for the audit trail.
struct Sender {
  std::string provider;
  std::vector<std::string> school_urns;
  std::string actor;   // for the audit trail: "api:<key name>", "drop:<source>"
  std::string origin;  // an IP address, or the drop folder

  [[nodiscard]] bool covers(std::string_view school_urn) const {
    return school_urns.empty() || std::ranges::find(school_urns, school_urn) != school_urns.end();
  }
};

// Why a record was not taken. `status` is what the intake API answers: 403 (a school outside
// the sender's scope), 422 (the record names a school or pupil careerlink does not hold) or 500
// (the store failed; `message` says how).
struct IntakeFailure {
  int status = 422;
  std::vector<guidance::FieldError> errors;
  std::string message;
};

struct InterviewAccepted {
  InterviewWrite write;
  std::string upn;
  bool plan_shared = false;  // the pupil's latest interview agrees to share the plan with staff
  FlagChanges flags;
};

struct DestinationAccepted {
  std::int64_t id = 0;
  bool added = false;  // false: the same destination was already held
  std::string upn;
  FlagChanges flags;
};

std::expected<InterviewAccepted, IntakeFailure> take_interview(Store& store, StoreTransaction& tx,
                                                               const guidance::Interview& interview,
                                                               const Sender& sender,
                                                               const SyncContext& context);

std::expected<DestinationAccepted, IntakeFailure> take_destination(
    Store& store, StoreTransaction& tx, const guidance::Destination& destination,
    const Sender& sender, const SyncContext& context);

}  // namespace careerlink::followup
