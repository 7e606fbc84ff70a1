#include "plugins/panel/page_data.hpp"

#include <algorithm>

#include "daemon/domain/dates.hpp"

namespace careerlink::panel {
namespace {

// The next thing to do: the open action due soonest (undated ones last), in plan order on ties.
std::optional<guidance::Action> next_open_action(const guidance::ActionPlan& plan) {
  const guidance::Action* best = nullptr;
  for (const auto& a : plan.actions) {
    if (a.status != "open") continue;
    if (best == nullptr || (a.due && (!best->due || *a.due < *best->due))) best = &a;
  }
  return best ? std::optional(*best) : std::nullopt;
}

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

StoreResult<PupilRow> pupil_row(Store& store, const PupilView& pupil) {
  PupilRow row;
  row.pupil = pupil;
  auto consent = store.staff_consent(pupil.id);
  if (!consent) return std::unexpected(consent.error());
  auto plan = store.current_plan(pupil.id);
  if (!plan) return std::unexpected(plan.error());
  row.has_plan = plan->has_value();
  row.plan_shared = consent->value_or(false) && *plan && (*plan)->share_with_staff;
  FlagFilter filter;
  filter.pupil_id = pupil.id;
  auto flags = store.list_flags(filter);
  if (!flags) return std::unexpected(flags.error());
  for (auto& f : *flags) {
    if (!f.flag.shared) continue;
    row.rag = std::max(row.rag, f.flag.rag);
    row.flags.push_back(std::move(f.flag));
  }
  if (row.plan_shared) row.next_action = next_open_action((*plan)->plan);
  auto interviews = store.pupil_interviews(pupil.id);
  if (!interviews) return std::unexpected(interviews.error());
  for (const auto& i : *interviews) {
    if (!row.last_interview || i.date > *row.last_interview) row.last_interview = i.date;
  }
  return row;
}

StoreResult<std::vector<PupilRow>> pupil_rows(Store& store, const std::vector<PupilView>& pupils) {
  std::vector<PupilRow> out;
  out.reserve(pupils.size());
  for (const auto& p : pupils) {
    auto row = pupil_row(store, p);
    if (!row) return std::unexpected(row.error());
    out.push_back(std::move(*row));
  }
  return out;
}

StoreResult<PupilRecord> pupil_record(Store& store, const PupilView& pupil) {
  PupilRecord r;
  auto row = pupil_row(store, pupil);
  if (!row) return std::unexpected(row.error());
  r.row = std::move(*row);
  auto plan = store.current_plan(pupil.id);
  if (!plan) return std::unexpected(plan.error());
  if (r.row.plan_shared) {
    r.plan = std::move(*plan);
  } else {
    r.has_unshared_plan = plan->has_value();
  }
  auto interviews = store.pupil_interviews(pupil.id);
  if (!interviews) return std::unexpected(interviews.error());
  r.interviews = std::move(*interviews);
  std::ranges::sort(r.interviews, [](const auto& a, const auto& b) { return a.date > b.date; });
  auto destinations = store.pupil_destinations(pupil.id);
  if (!destinations) return std::unexpected(destinations.error());
  r.destinations = std::move(*destinations);
  std::ranges::reverse(r.destinations);
  FlagFilter all;
  all.pupil_id = pupil.id;
  all.open_only = false;
  auto history = store.list_flags(all);
  if (!history) return std::unexpected(history.error());
  for (auto& f : *history) {
    if (f.flag.shared) r.flag_history.push_back(std::move(f));
  }
  std::ranges::sort(r.flag_history, [](const FlagRow& a, const FlagRow& b) {
    return a.flag.raised_at > b.flag.raised_at;
  });
  auto notes = store.follow_up_notes(pupil.id);
  if (!notes) return std::unexpected(notes.error());
  r.notes = std::move(*notes);
  if (r.row.plan_shared) {
    auto ticks = store.action_updates(pupil.id);
    if (!ticks) return std::unexpected(ticks.error());
    r.ticks = std::move(*ticks);
  }
  return r;
}

nlohmann::json pupil_record_json(const PupilRecord& r) {
  const auto& p = r.row.pupil;
  nlohmann::json flags = nlohmann::json::array();
  for (const auto& f : r.row.flags) {
    flags.push_back({{"kind", f.kind},
                     {"rag", rules::to_string(f.rag)},
                     {"reason", f.reason},
                     {"raised_at", iso_utc(f.raised_at)}});
  }
  nlohmann::json out{{"upn", p.upn},
                     {"school_urn", opt(p.school_urn)},
                     {"forename", opt(p.preferred_forename ? p.preferred_forename : p.forename)},
                     {"surname", opt(p.preferred_surname ? p.preferred_surname : p.surname)},
                     {"nc_year", opt(p.nc_year)},
                     {"tutor_group", opt(p.tutor_group)},
                     {"rag", rules::to_string(r.row.rag)},
                     {"flags", std::move(flags)},
                     {"last_interview", opt(r.row.last_interview)},
                     {"plan_shared", r.row.plan_shared}};
  if (r.plan) {
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : r.plan->plan.actions) {
      actions.push_back({{"id", a.id},
                         {"text", a.text},
                         {"owner", a.owner},
                         {"due", opt(a.due)},
                         {"status", a.status},
                         {"done_on", opt(a.done_on)},
                         {"done_by", opt(a.done_by)}});
    }
    out["plan"] = {{"summary", r.plan->plan.summary},
                   {"interview_date", r.plan->interview_date},
                   {"adviser", r.plan->adviser_name},
                   {"version", r.plan->version},
                   {"next_review", opt(r.plan->plan.next_review)},
                   {"actions", std::move(actions)}};
  } else {
    out["plan"] = nullptr;
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : r.notes) {
    notes.push_back({{"text", n.text}, {"author", n.author}, {"at", iso_utc(n.at)}});
  }
  out["notes"] = std::move(notes);
  return out;
}

}  // namespace careerlink::panel
