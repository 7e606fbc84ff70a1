// What a member of staff does about a pupil's plan in the careers panel: tick an action done or
// dropped (or open again), and add a follow-up note. Each is stored with who and when, audited,
// re-evaluates the pupil's flags and sends the new status to the write-back sinks, all in the
// caller's transaction, so the MIS never shows a tick the store does not hold.
#pragma once

#include <string>
#include <string_view>

#include "daemon/followup/flag_sync.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::followup {

// Who made the change, for the record and the audit trail.
struct StaffChange {
  std::string email;
  std::string origin;  // IP address
};

enum class TickOutcome { changed, unchanged, no_such_action };

// `status`: open | done | dropped. Acts on the pupil's current plan only.
StoreResult<TickOutcome> tick_action(Store& store, StoreTransaction& tx, std::int64_t pupil,
                                     std::string_view upn, std::string_view action_id,
                                     std::string_view status, const StaffChange& who,
                                     const SyncContext& context);

StoreResult<std::int64_t> add_note(Store& store, StoreTransaction& tx, std::int64_t pupil,
                                   std::string_view upn, std::string_view text,
                                   const StaffChange& who, const SyncContext& context);

}  // namespace careerlink::followup
