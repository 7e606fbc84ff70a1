#include "daemon/followup/intake.hpp"

#include <algorithm>

#include "daemon/followup/writeback_events.hpp"
#include "daemon/guidance/guidance_json.hpp"

namespace careerlink::followup {
namespace {

IntakeFailure store_failure(const StoreError& e) {
  return IntakeFailure{500, {}, e.message};
}

struct Resolved {
  SchoolId school = 0;
  PupilMatch pupil;
};

std::expected<Resolved, IntakeFailure> resolve(Store& store, StoreTransaction& tx,
                                               const std::string& urn,
                                               const guidance::PupilRef& ref,
                                               const Sender& sender) {
  if (!sender.covers(urn)) {
    return std::unexpected(IntakeFailure{
        403,
        {{"school_urn", "this key may not send records for school " + urn +
                            "; ask the school's careerlink administrator to add it to the key"}},
        {}});
  }
  auto school = store.find_school(urn);
  if (!school) return std::unexpected(store_failure(school.error()));
  if (!*school) {
    return std::unexpected(IntakeFailure{
        422,
        {{"school_urn", "no school with URN " + urn +
                            " is held by this careerlink; check the URN, or ask the school to "
                            "import its MIS data first"}},
        {}});
  }
  auto pupil = tx.match_guidance_pupil((*school)->id, ref);
  if (!pupil) return std::unexpected(store_failure(pupil.error()));
  if (!*pupil) {
    // Never a silently created pupil: a typo in a UPN must not make a child who does not exist.
    const bool by_upn = ref.upn.has_value();
    const std::string what =
        by_upn ? "UPN " + *ref.upn : "MIS id " + ref.mis_id.value_or("(none given)");
    return std::unexpected(IntakeFailure{
        422,
        {{by_upn ? "pupil.upn" : "pupil.mis_id",
          "no pupil with " + what + " at school " + urn +
              "; careerlink does not create pupils from guidance records: check it, or ask the "
              "school to import its latest MIS data"}},
        {}});
  }
  return Resolved{(*school)->id, **pupil};
}

std::expected<void, IntakeFailure> audit(Store& store, const Sender& sender, std::string action,
                                         const std::string& upn, std::string detail,
                                         TimePoint now) {
  // In the same transaction as the change (one connection): no change without its audit event.
  auto recorded = store.record_audit(AuditEvent{0, now, sender.actor, std::move(action),
                                                "pupil:" + upn, sender.origin, std::move(detail)});
  if (!recorded) return std::unexpected(store_failure(recorded.error()));
  return {};
}

// The pupil's plans leave the write-back sinks' systems: one withdrawal per interview with a
// plan (a receiver keeps one note per plan).
std::expected<void, IntakeFailure> withdraw_plans(Store& store, StoreTransaction& tx,
                                                  const SyncContext& context, const PupilKey& who,
                                                  std::int64_t pupil) {
  auto interviews = store.pupil_interviews(pupil);
  if (!interviews) return std::unexpected(store_failure(interviews.error()));
  for (const auto& i : *interviews) {
    if (i.plan_version == 0) continue;
    auto sent = enqueue_plan_withdrawn(tx, context.sinks, who, i.id, i.provider, i.external_id,
                                       change_key(context.now));
    if (!sent) return std::unexpected(store_failure(sent.error()));
  }
  return {};
}

}  // namespace

std::expected<InterviewAccepted, IntakeFailure> take_interview(Store& store, StoreTransaction& tx,
                                                               const guidance::Interview& iv,
                                                               const Sender& sender,
                                                               const SyncContext& context) {
  auto found = resolve(store, tx, iv.school_urn, iv.pupil, sender);
  if (!found) return std::unexpected(found.error());
  const std::int64_t pupil = found->pupil.id;
  auto before = tx.staff_consent(pupil);
  if (!before) return std::unexpected(store_failure(before.error()));

  const nlohmann::json canonical = guidance::interview_to_json(iv);
  auto write =
      tx.put_interview(found->school, pupil, sender.provider, iv, canonical.dump(), context.now);
  if (!write) return std::unexpected(store_failure(write.error()));
  InterviewAccepted accepted{*write, found->pupil.upn, before->value_or(false), {}};
  if (write->outcome == UpsertOutcome::unchanged) return accepted;

  auto after = tx.staff_consent(pupil);
  if (!after) return std::unexpected(store_failure(after.error()));
  accepted.plan_shared = after->value_or(false);
  const PupilKey who{iv.school_urn, found->pupil.upn};
  if (accepted.plan_shared && write->plan_version > 0) {
    auto sent = enqueue_plan_shared(tx, context.sinks, who, write->id, sender.provider, canonical,
                                    write->plan_version, change_key(context.now));
    if (!sent) return std::unexpected(store_failure(sent.error()));
  }
  if (before->value_or(false) && !accepted.plan_shared) {
    if (auto withdrawn = withdraw_plans(store, tx, context, who, pupil); !withdrawn) {
      return std::unexpected(withdrawn.error());
    }
  }

  // The status goes out for the plan only when the MIS may see it (or must stop seeing it); an
  // unshared interview reaches the MIS only as the flags it changes, as before.
  const bool visible = accepted.plan_shared || before->value_or(false);
  auto flags = sync_pupil_flags(tx, pupil, context, /*records_changed=*/visible);
  if (!flags) return std::unexpected(store_failure(flags.error()));
  accepted.flags = std::move(*flags);
  if (write->previous_pupil != 0 && write->previous_pupil != pupil) {
    // The interview was moved to another pupil (a corrected UPN): the first one's flags change.
    auto moved = sync_pupil_flags(tx, write->previous_pupil, context, /*records_changed=*/true);
    if (!moved) return std::unexpected(store_failure(moved.error()));
  }

  std::string detail = "interview " + iv.external_id;
  if (write->plan_changed) detail += ", plan version " + std::to_string(write->plan_version);
  detail += accepted.plan_shared ? ", shared with staff" : ", not shared";
  if (auto a =
          audit(store, sender,
                write->outcome == UpsertOutcome::inserted ? "interview.create" : "interview.update",
                found->pupil.upn, std::move(detail), context.now);
      !a) {
    return std::unexpected(a.error());
  }
  return accepted;
}

std::expected<DestinationAccepted, IntakeFailure> take_destination(Store& store,
                                                                   StoreTransaction& tx,
                                                                   const guidance::Destination& d,
                                                                   const Sender& sender,
                                                                   const SyncContext& context) {
  auto found = resolve(store, tx, d.school_urn, d.pupil, sender);
  if (!found) return std::unexpected(found.error());
  auto added = tx.add_destination(found->school, found->pupil.id, sender.provider, d, context.now);
  if (!added) return std::unexpected(store_failure(added.error()));
  DestinationAccepted accepted{added->first, added->second, found->pupil.upn, {}};
  if (!accepted.added) return accepted;
  auto flags = sync_pupil_flags(tx, found->pupil.id, context, /*records_changed=*/true);
  if (!flags) return std::unexpected(store_failure(flags.error()));
  accepted.flags = std::move(*flags);
  if (auto a = audit(store, sender, "destination.create", found->pupil.upn,
                     d.type + " destination " + d.activity_code, context.now);
      !a) {
    return std::unexpected(a.error());
  }
  return accepted;
}

}  // namespace careerlink::followup
