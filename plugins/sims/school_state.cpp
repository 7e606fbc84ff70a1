#include "plugins/sims/school_state.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace careerlink::sims {

using nlohmann::json;

namespace {

constexpr std::string_view kFormat = "careerlink-sims-state";
constexpr int kVersion = 1;
// A pupil who withdraws again and again with no status in between: keep the newest few.
constexpr std::size_t kMaxWithdrawals = 50;

bool same_withdrawal(const Withdrawal& a, const PlanWithdrawn& b) {
  if (a.interview_id && b.interview_id) return *a.interview_id == *b.interview_id;
  return a.provider == b.provider && a.external_id == b.external_id;
}

PlanWithdrawn as_event(const Withdrawal& w, const PupilKey& pupil) {
  return PlanWithdrawn{pupil, w.provider, w.external_id, w.interview_id};
}

// Removes from `status` what `withdrawn` takes back: the plan when it is that plan, and the
// intended destination in any case (it is written into a plan; a later view restores it when
// it has another source).
bool strip(PupilStatus& status, const PlanWithdrawn& withdrawn) {
  bool changed = false;
  if (status.plan && is_same_plan(*status.plan, withdrawn)) {
    status.plan.reset();
    changed = true;
  }
  if (status.intended_destination) {
    status.intended_destination.reset();
    changed = true;
  }
  return changed;
}

std::string canonical(const std::optional<PupilStatus>& status) {
  return status ? status_json(*status).dump() : std::string();
}

}  // namespace

Applied apply_status(SchoolState& state, PupilStatus status, std::optional<TimePoint> sent_at) {
  auto& record = state.pupils[status.pupil.upn];
  if (record.status) {
    if (status.as_of < record.status->as_of) return Applied::stale;
    if (status.as_of == record.status->as_of && sent_at && record.sent_at &&
        *sent_at < *record.sent_at)
      return Applied::stale;
  }
  for (const auto& w : record.withdrawals)
    if (status.as_of <= w.at) strip(status, as_event(w, status.pupil));
  std::erase_if(record.withdrawals, [&](const Withdrawal& w) { return w.at < status.as_of; });
  const auto before = canonical(record.status);
  const bool had_plan = record.status && record.status->plan;
  if (status.plan)
    record.plan_removed_at.reset();
  else if (had_plan)
    record.plan_removed_at = status.as_of;
  record.status = std::move(status);
  if (sent_at && (!record.sent_at || *record.sent_at < *sent_at)) record.sent_at = sent_at;
  return canonical(record.status) == before ? Applied::unchanged : Applied::changed;
}

Applied apply_withdrawal(SchoolState& state, const PlanWithdrawn& withdrawn,
                         std::optional<TimePoint> at, TimePoint now) {
  auto& record = state.pupils[withdrawn.pupil.upn];
  TimePoint when = at.value_or(now);
  if (!at && record.status) when = std::max(when, record.status->as_of);
  // Older than the view held: that view already reflects it (the pupil shared again since).
  if (record.status && record.status->as_of > when) return Applied::unchanged;

  const bool had_plan = record.status && record.status->plan;
  bool changed = record.status && strip(*record.status, withdrawn);
  if (had_plan && !record.status->plan) record.plan_removed_at = when;
  auto it = std::ranges::find_if(
      record.withdrawals, [&](const Withdrawal& w) { return same_withdrawal(w, withdrawn); });
  if (it == record.withdrawals.end()) {
    record.withdrawals.push_back(
        Withdrawal{withdrawn.provider, withdrawn.external_id, withdrawn.interview_id, when});
    changed = true;
  } else if (at && it->at < when) {
    // Only a known time moves it on: a replay stamped "now" must not change the file again.
    it->at = when;
    changed = true;
  }
  if (record.withdrawals.size() > kMaxWithdrawals) {
    std::ranges::sort(record.withdrawals, std::ranges::greater{}, &Withdrawal::at);
    record.withdrawals.resize(kMaxWithdrawals);
  }
  return changed ? Applied::changed : Applied::unchanged;
}

std::string state_text(const SchoolState& state) {
  json pupils = json::object();
  for (const auto& [upn, record] : state.pupils) {
    json withdrawals = json::array();
    for (const auto& w : record.withdrawals)
      withdrawals.push_back(
          {{"provider", w.provider},
           {"external_id", w.external_id},
           {"interview_id", w.interview_id ? json(*w.interview_id) : json(nullptr)},
           {"at", format_timestamp(w.at)}});
    pupils[upn] = {
        {"status", record.status ? status_json(*record.status) : json(nullptr)},
        {"sent_at", record.sent_at ? json(format_timestamp(*record.sent_at)) : json(nullptr)},
        {"plan_removed_at",
         record.plan_removed_at ? json(format_timestamp(*record.plan_removed_at)) : json(nullptr)},
        {"withdrawals", std::move(withdrawals)}};
  }
  json doc{{"format", kFormat},
           {"version", kVersion},
           {"school_urn", state.school_urn},
           {"pupils", std::move(pupils)}};
  // Indented: an operator reading it to see what SIMS was last given can.
  return doc.dump(1) + "\n";
}

std::expected<SchoolState, std::string> parse_state(std::string_view text,
                                                    std::string_view school_urn) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::unexpected("it is not a JSON object");
  try {
    if (doc.value("format", std::string()) != kFormat)
      return std::unexpected("it is not a careerlink SIMS state file");
    if (doc.value("version", 0) != kVersion)
      return std::unexpected("it is version " + doc["version"].dump() + "; this careerlink reads " +
                             std::to_string(kVersion));
    if (doc.value("school_urn", std::string()) != school_urn)
      return std::unexpected("it belongs to another school");
    SchoolState state;
    state.school_urn = std::string(school_urn);
    const auto& pupils = doc.at("pupils");
    if (!pupils.is_object()) return std::unexpected("pupils is not an object");
    for (const auto& [upn, entry] : pupils.items()) {
      PupilRecord record;
      if (const auto& s = entry.at("status"); !s.is_null()) {
        auto status = parse_status(s);
        if (!status) return std::unexpected("pupil " + upn + ": " + status.error());
        if (status->pupil.upn != upn || status->pupil.school_urn != school_urn)
          return std::unexpected("pupil " + upn + ": the status is filed under the wrong key");
        record.status = std::move(*status);
      }
      for (auto [key, target] : {std::pair{"sent_at", &record.sent_at},
                                 std::pair{"plan_removed_at", &record.plan_removed_at}}) {
        auto it = entry.find(key);
        if (it == entry.end() || it->is_null()) continue;
        *target = parse_timestamp(it->get<std::string>());
        if (!*target) return std::unexpected("pupil " + upn + ": " + key + " is not a time");
      }
      for (const auto& w : entry.at("withdrawals")) {
        auto at = parse_timestamp(w.at("at").get<std::string>());
        if (!at) return std::unexpected("pupil " + upn + ": a withdrawal has no valid time");
        std::optional<std::int64_t> interview;
        if (!w.at("interview_id").is_null()) interview = w.at("interview_id").get<std::int64_t>();
        record.withdrawals.push_back(Withdrawal{w.at("provider").get<std::string>(),
                                                w.at("external_id").get<std::string>(), interview,
                                                *at});
      }
      state.pupils.emplace(upn, std::move(record));
    }
    return state;
  } catch (const json::exception& e) {
    return std::unexpected(std::string("it is damaged: ") + e.what());
  }
}

}  // namespace careerlink::sims
