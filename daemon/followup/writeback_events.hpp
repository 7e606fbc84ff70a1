// The events the MIS write-back sinks receive through the outbox: follow-up flags raised,
// changed and cleared, and action plans shared or withdrawn. Each is enqueued in the same
// transaction as the change it reports, to every sink with `writeback = true`, under an
// idempotency key that names the change (so a retry, or a second evaluation, never sends it
// twice). Payloads carry the UPN, never a name: the MIS already knows its pupils.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/store/store.hpp"

namespace careerlink::followup {

struct PupilKey {
  std::string school_urn;
  std::string upn;
};

// What makes a change's idempotency key unique: the moment of the change, in Unix ms.
std::string change_key(TimePoint at);

// "flag.raised" | "flag.changed" | "flag.cleared". `change_key` makes the idempotency key unique
// per change of an open flag (changed, shared again): the moment in ms is enough.
StoreResult<void> enqueue_flag_event(StoreTransaction& tx, std::span<const std::string> sinks,
                                     std::string_view event, const PupilKey& pupil,
                                     const StoredFlag& flag, rules::Rag overall,
                                     std::string_view change_key, std::string_view note = {});

// "plan.shared": the interview and the current version of its plan.
StoreResult<void> enqueue_plan_shared(StoreTransaction& tx, std::span<const std::string> sinks,
                                      const PupilKey& pupil, std::int64_t interview_id,
                                      std::string_view provider, const nlohmann::json& interview,
                                      int plan_version, std::string_view change_key);

// "plan.withdrawn": the pupil no longer agrees to share; the receiver removes what it holds.
StoreResult<void> enqueue_plan_withdrawn(StoreTransaction& tx, std::span<const std::string> sinks,
                                         const PupilKey& pupil, std::int64_t interview_id,
                                         std::string_view provider, std::string_view external_id,
                                         std::string_view change_key);

}  // namespace careerlink::followup
