#include "daemon/followup/flag_sync.hpp"

#include <date/tz.h>
#include <algorithm>

#include <map>

#include "daemon/followup/pupil_status.hpp"
#include "daemon/followup/writeback_events.hpp"

namespace careerlink::followup {
namespace {

// The worst RAG the MIS may see: flags the pupil has not agreed to share do not count.
rules::Rag shared_overall(std::span<const rules::Flag> flags, bool plan_shared) {
  rules::Rag worst = rules::Rag::green;
  for (const auto& f : flags) {
    if (!plan_shared && rules::plan_derived(f.kind)) continue;
    worst = std::max(worst, f.rag);
  }
  return worst;
}

}  // namespace

std::vector<std::string> writeback_sinks(const Config& config) {
  std::vector<std::string> out;
  for (const auto& s : config.sinks) {
    if (s.writeback && !is_tracker_sink(s)) out.push_back(s.name);
  }
  return out;
}

const RulesConfig& rules_for(const Config& config, std::string_view school_urn) {
  static const RulesConfig defaults;
  const auto it = std::ranges::find(config.schools, school_urn, &SchoolConfig::urn);
  return it == config.schools.end() ? defaults : it->rules;
}

SyncContext sync_context(const Config& config, std::span<const std::string> sinks, TimePoint now) {
  SyncContext c;
  c.config = &config;
  c.sinks = sinks;
  c.as_of = local_date(config, now);
  c.now = now;
  return c;
}

std::chrono::year_month_day local_date(const Config& config, TimePoint now) {
  // Dates are the school's: 00:30 on 1 April in London is still 31 March in UTC.
  const std::string zone =
      config.schools.empty() ? "Europe/London" : config.schools.front().timezone;
  try {
    const auto local = date::make_zoned(zone, std::chrono::floor<std::chrono::seconds>(now));
    const auto days = date::floor<date::days>(local.get_local_time());
    return std::chrono::year_month_day{
        std::chrono::sys_days{std::chrono::days{days.time_since_epoch().count()}}};
  } catch (const std::exception&) {  // no tz database: the UTC date is at most a day out
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)};
  }
}

StoreResult<FlagChanges> sync_pupil_flags(StoreTransaction& tx, std::int64_t pupil,
                                          const SyncContext& context, bool records_changed) {
  FlagChanges changes;
  auto facts = tx.pupil_facts(pupil);
  if (!facts) return std::unexpected(facts.error());
  if (!*facts) return changes;
  auto consent = tx.staff_consent(pupil);
  if (!consent) return std::unexpected(consent.error());
  const bool plan_shared = consent->value_or(false);

  changes.open =
      rules::evaluate(**facts, rules_for(*context.config, (*facts)->school_urn), context.as_of);
  changes.overall = rules::overall_rag(changes.open);
  const rules::Rag outward = shared_overall(changes.open, plan_shared);
  const PupilKey who{(*facts)->school_urn, (*facts)->upn};
  const std::string at = change_key(context.now);
  int outward_changes = 0;  // flag events sent

  auto open = tx.open_flags(pupil);
  if (!open) return std::unexpected(open.error());
  std::map<std::string, StoredFlag> stored;
  for (auto& f : *open)
    stored.emplace(f.kind, std::move(f));

  for (const auto& flag : changes.open) {
    const bool shared = plan_shared || !rules::plan_derived(flag.kind);
    auto it = stored.find(flag.kind);
    if (it == stored.end()) {
      auto id = tx.raise_flag(pupil, flag, shared, context.now);
      if (!id) return std::unexpected(id.error());
      ++changes.raised;
      if (shared) {
        StoredFlag s{*id, pupil, flag.kind, flag.rag, flag.reason, context.now, {}, shared};
        auto sent = enqueue_flag_event(tx, context.sinks, "flag.raised", who, s, outward, "1");
        if (!sent) return std::unexpected(sent.error());
        ++outward_changes;
      }
      continue;
    }
    StoredFlag s = std::move(it->second);
    stored.erase(it);
    if (s.rag == flag.rag && s.reason == flag.reason && s.shared == shared) continue;
    auto updated = tx.update_flag(s.id, flag, shared);
    if (!updated) return std::unexpected(updated.error());
    ++changes.changed;
    const bool was_shared = s.shared;
    s.rag = flag.rag;
    s.reason = flag.reason;
    s.shared = shared;
    StoreResult<void> sent;
    if (shared && was_shared) {
      sent = enqueue_flag_event(tx, context.sinks, "flag.changed", who, s, outward, at);
    } else if (shared) {  // the pupil now agrees to share
      sent = enqueue_flag_event(tx, context.sinks, "flag.raised", who, s, outward, at);
    } else if (was_shared) {  // the pupil withdrew: the MIS must stop showing it
      sent = enqueue_flag_event(tx, context.sinks, "flag.cleared", who, s, outward, at,
                                "consent to share the plan with staff was withdrawn");
    }
    if (!sent) return std::unexpected(sent.error());
    if (shared || was_shared) ++outward_changes;
  }
  for (auto& [kind, s] : stored) {  // open flags the rules no longer call for
    auto cleared = tx.clear_flag(s.id, context.now);
    if (!cleared) return std::unexpected(cleared.error());
    ++changes.cleared;
    s.cleared_at = context.now;
    if (s.shared) {
      auto sent = enqueue_flag_event(tx, context.sinks, "flag.cleared", who, s, outward, "1");
      if (!sent) return std::unexpected(sent.error());
      ++outward_changes;
    }
  }
  // Only what the MIS could see changed: an unshared plan's flags move no status.
  if (records_changed || outward_changes > 0) {
    auto sent =
        enqueue_pupil_status(tx, context.sinks, **facts, changes.open, plan_shared, context.now);
    if (!sent) return std::unexpected(sent.error());
  }
  return changes;
}

namespace {

StoreResult<EvaluationRun> evaluate_ids(Store& store, std::span<const std::int64_t> ids,
                                        const SyncContext& context, const Progress& progress,
                                        std::size_t batch) {
  EvaluationRun run;
  for (std::size_t start = 0; start < ids.size(); start += batch) {
    auto tx = store.begin();
    if (!tx) return std::unexpected(tx.error());
    const std::size_t end = std::min(ids.size(), start + batch);
    for (std::size_t i = start; i < end; ++i) {
      auto changes = sync_pupil_flags(**tx, ids[i], context);
      if (!changes) return std::unexpected(changes.error());
      run.changes.add(*changes);
    }
    auto committed = (*tx)->commit();
    if (!committed) return std::unexpected(committed.error());
    run.pupils = end;
    if (progress) progress(end, ids.size());
  }
  return run;
}

}  // namespace

StoreResult<EvaluationRun> evaluate_all(Store& store, std::optional<SchoolId> school,
                                        const SyncContext& context, const Progress& progress,
                                        std::size_t batch) {
  auto ids = store.pupil_ids(school);
  if (!ids) return std::unexpected(ids.error());
  return evaluate_ids(store, *ids, context, progress, batch);
}

StoreResult<EvaluationRun> evaluate_pending(Store& store, const SyncContext& context,
                                            std::size_t batch) {
  EvaluationRun run;
  for (;;) {
    // Taking pupils off the list and evaluating them is one transaction: a crash half-way
    // leaves them on it.
    auto tx = store.begin();
    if (!tx) return std::unexpected(tx.error());
    auto ids = (*tx)->take_rules_pending(batch);
    if (!ids) return std::unexpected(ids.error());
    for (const std::int64_t id : *ids) {
      auto changes = sync_pupil_flags(**tx, id, context);
      if (!changes) return std::unexpected(changes.error());
      run.changes.add(*changes);
    }
    auto committed = (*tx)->commit();
    if (!committed) return std::unexpected(committed.error());
    run.pupils += ids->size();
    if (ids->size() < batch) return run;
  }
}

StoreResult<std::vector<PupilVerdict>> preview(Store& store, std::optional<SchoolId> school,
                                               const Config& config,
                                               std::chrono::year_month_day as_of) {
  auto ids = store.pupil_ids(school);
  if (!ids) return std::unexpected(ids.error());
  std::vector<PupilVerdict> out;
  out.reserve(ids->size());
  for (const std::int64_t id : *ids) {
    auto facts = store.pupil_facts(id);
    if (!facts) return std::unexpected(facts.error());
    if (!*facts) continue;
    auto consent = store.staff_consent(id);
    if (!consent) return std::unexpected(consent.error());
    PupilVerdict v;
    v.flags = rules::evaluate(**facts, rules_for(config, (*facts)->school_urn), as_of);
    v.facts = std::move(**facts);
    v.plan_shared = consent->value_or(false);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace careerlink::followup
