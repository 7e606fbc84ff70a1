#include "daemon/followup/tutor_follow_up.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <chrono>

namespace careerlink::followup {
namespace {

StoreResult<void> audit(Store& store, const StaffChange& who, std::string action,
                        std::string_view upn, std::string detail, TimePoint now) {
  // The same connection as the caller's transaction: no change without its audit event.
  return store.record_audit(AuditEvent{0, now, who.email, std::move(action),
                                       "pupil:" + std::string(upn), who.origin, std::move(detail)});
}

}  // namespace

StoreResult<TickOutcome> tick_action(Store& store, StoreTransaction& tx, std::int64_t pupil,
                                     std::string_view upn, std::string_view action_id,
                                     std::string_view status, const StaffChange& who,
                                     const SyncContext& context) {
  auto plan = tx.current_plan(pupil);
  if (!plan) return std::unexpected(plan.error());
  if (!*plan || std::ranges::none_of((*plan)->plan.actions,
                                     [&](const auto& a) { return a.id == action_id; })) {
    return TickOutcome::no_such_action;
  }
  const std::string on = fmt::format("{:%F}", std::chrono::sys_days{context.as_of});
  auto changed = tx.set_action_status(pupil, action_id, status, who.email, on, context.now);
  if (!changed) return std::unexpected(changed.error());
  if (!*changed) return TickOutcome::unchanged;
  auto flags = sync_pupil_flags(tx, pupil, context, /*records_changed=*/true);
  if (!flags) return std::unexpected(flags.error());
  auto a = audit(
      store, who, "action.update", upn,
      fmt::format("action {} of interview {} marked {}", action_id, (*plan)->external_id, status),
      context.now);
  if (!a) return std::unexpected(a.error());
  return TickOutcome::changed;
}

StoreResult<std::int64_t> add_note(Store& store, StoreTransaction& tx, std::int64_t pupil,
                                   std::string_view upn, std::string_view text,
                                   const StaffChange& who, const SyncContext& context) {
  auto id = tx.add_follow_up_note(pupil, text, who.email, context.now);
  if (!id) return std::unexpected(id.error());
  // The note itself stays in careerlink (it may say more than the MIS should hold); the audit
  // event records that one was written, not what it says.
  auto a =
      audit(store, who, "note.create", upn, fmt::format("follow-up note {}", *id), context.now);
  if (!a) return std::unexpected(a.error());
  return *id;
}

}  // namespace careerlink::followup
