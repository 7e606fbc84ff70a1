#include "daemon/retention/apply.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "connectors/tracker/pseudonym.hpp"

namespace careerlink::retention {
namespace {

void add(RetentionCounts& to, const RetentionCounts& c) {
  to.interviews += c.interviews;
  to.plan_versions += c.plan_versions;
  to.action_updates += c.action_updates;
  to.flags += c.flags;
  to.notes += c.notes;
  to.destinations += c.destinations;
  to.guarantee_statuses += c.guarantee_statuses;
  to.pupils_removed += c.pupils_removed;
  to.pupils_pseudonymised += c.pupils_pseudonymised;
  to.outbox += c.outbox;
  to.audit_repointed += c.audit_repointed;
}

// Counts and rule names only: never a name, a UPN or a date that would tell a birthday.
std::string audit_detail(const PupilAction& a, const RetentionCounts& c) {
  nlohmann::ordered_json j;
  j["rules"] = a.rules;
  j["interviews"] = c.interviews;
  j["plan_versions"] = c.plan_versions;
  j["action_updates"] = c.action_updates;
  j["flags"] = c.flags;
  j["notes"] = c.notes;
  j["destinations"] = c.destinations;
  j["guarantee_statuses"] = c.guarantee_statuses;
  j["outbox_messages"] = c.outbox;
  j["pupil_removed"] = c.pupils_removed > 0;
  return j.dump();
}

}  // namespace

StoreResult<Snapshot> load_snapshot(Store& store, const Policy& policy,
                                    std::chrono::year_month_day as_of) {
  Snapshot s;
  auto pupils = store.retention_pupils();
  if (!pupils) return std::unexpected(pupils.error());
  s.pupils = std::move(*pupils);
  for (const RetentionPupil& p : s.pupils) {
    if (!may_be_due(p, policy, as_of)) continue;
    auto messages = store.outbox_naming(p.upns);
    if (!messages) return std::unexpected(messages.error());
    if (!messages->empty()) s.outbox_naming[p.id] = static_cast<std::int64_t>(messages->size());
  }
  auto audit = store.count_audit_before(audit_cutoff(policy, as_of));
  if (!audit) return std::unexpected(audit.error());
  s.audit_events_before_cutoff = *audit;
  return s;
}

std::expected<RunResult, std::string> apply(Store& store, const Plan& plan,
                                            const ApplyOptions& options) {
  RunResult result;
  const std::size_t per_tx = std::max<std::size_t>(options.max_pupils_per_transaction, 1);
  const std::size_t total = plan.pupils.size();
  std::size_t next = 0;
  bool audit_done = plan.audit_events == 0;
  while (next < total || !audit_done) {
    auto tx = store.begin();
    if (!tx) return std::unexpected("store: " + tx.error().message);
    RunResult batch;
    if (!audit_done) {
      // Before this run's own events are written, so they are never the ones purged.
      auto purged = (*tx)->purge_audit_before(plan.audit_cutoff);
      if (!purged) return std::unexpected("store: " + purged.error().message);
      batch.audit_events = *purged;
      nlohmann::ordered_json detail{{"deleted", *purged}, {"before", plan.audit_before}};
      auto audited = (*tx)->audit_in_transaction(AuditEvent{0, options.now, "retention",
                                                            "retention.audit_purge", "audit",
                                                            options.origin, detail.dump()});
      if (!audited) return std::unexpected("store: " + audited.error().message);
    }
    const std::size_t end = std::min(total, next + per_tx);
    for (std::size_t i = next; i < end; ++i) {
      const PupilAction& a = plan.pupils[i];
      RetentionStep step;
      step.pupil = a.pupil;
      step.upns = a.upns;
      step.guidance = a.guidance;
      step.destinations = a.destinations;
      step.remove_pupil = a.remove_pupil;
      step.pseudonymise = a.pseudonymise;
      step.pseudonym =
          a.pseudonymised_before ? a.upn : tracker::pseudonymous_upn(options.pseudonym_key, a.upn);
      step.on_date = plan.as_of;
      auto done = (*tx)->apply_retention_step(step);
      if (!done) return std::unexpected("store: " + done.error().message);
      auto audited = (*tx)->audit_in_transaction(
          AuditEvent{0, options.now, "retention",
                     a.pseudonymise ? "retention.pseudonymise" : "retention.delete",
                     "pupil:" + step.pseudonym, options.origin, audit_detail(a, *done)});
      if (!audited) return std::unexpected("store: " + audited.error().message);
      add(batch.counts, *done);
      ++batch.pupils;
    }
    if (auto committed = (*tx)->commit(); !committed) {
      return std::unexpected("store: " + committed.error().message);
    }
    add(result.counts, batch.counts);
    result.pupils += batch.pupils;
    result.audit_events += batch.audit_events;
    ++result.transactions;
    audit_done = true;
    next = end;
    if (options.progress) options.progress(next, total);
  }
  return result;
}

}  // namespace careerlink::retention
