#include "daemon/followup/pupil_status.hpp"

#include <algorithm>

#include "daemon/domain/dates.hpp"
#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::followup {
namespace {

nlohmann::json destination_json(std::string_view code, const std::optional<std::string>& provider,
                                const std::optional<std::string>& course) {
  const auto* activity = guidance::find_activity(code);
  nlohmann::json d{{"activity_code", code},
                   {"description", activity ? std::string(activity->description) : ""}};
  d["provider"] = provider ? nlohmann::json(*provider) : nullptr;
  d["course"] = course ? nlohmann::json(*course) : nullptr;
  return d;
}

nlohmann::json plan_json(const CurrentPlan& c) {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : c.plan.actions) {
    nlohmann::json j{{"id", a.id}, {"text", a.text}, {"owner", a.owner}, {"status", a.status}};
    j["due"] = a.due ? nlohmann::json(*a.due) : nullptr;
    j["done_on"] = a.done_on ? nlohmann::json(*a.done_on) : nullptr;
    actions.push_back(std::move(j));
  }
  nlohmann::json p{{"interview_id", c.interview_id},     {"provider", c.provider},
                   {"external_id", c.external_id},       {"version", c.version},
                   {"interview_date", c.interview_date}, {"adviser", c.adviser_name},
                   {"summary", c.plan.summary},          {"actions", std::move(actions)}};
  p["next_review"] = c.plan.next_review ? nlohmann::json(*c.plan.next_review) : nullptr;
  return p;
}

}  // namespace

nlohmann::json pupil_status_json(const PupilStatusInputs& in) {
  nlohmann::json flags = nlohmann::json::array();
  rules::Rag overall = rules::Rag::green;
  for (const auto& f : in.open) {
    if (!in.plan_shared && rules::plan_derived(f.kind)) continue;
    overall = std::max(overall, f.rag);
    flags.push_back({{"kind", f.kind}, {"rag", rules::to_string(f.rag)}, {"reason", f.reason}});
  }
  const bool plan_visible = in.plan && in.plan_shared && in.plan->share_with_staff;
  nlohmann::json intended = nullptr;
  // A destination record (from the adviser or the LA) is newer news than the plan's intention.
  if (in.latest_intended) {
    intended = destination_json(in.latest_intended->activity_code,
                                in.latest_intended->provider_name, in.latest_intended->course);
  } else if (plan_visible && in.plan->plan.intended_destination) {
    const auto& d = *in.plan->plan.intended_destination;
    intended = destination_json(d.activity_code, d.provider, d.course);
  }
  nlohmann::json out{{"event", "pupil.status"},
                     {"pupil", {{"school_urn", in.pupil.school_urn}, {"upn", in.pupil.upn}}},
                     {"overall_rag", rules::to_string(overall)},
                     {"flags", std::move(flags)},
                     {"intended_destination", std::move(intended)},
                     {"panel_path", "/panel/pupil?upn=" + in.pupil.upn},
                     {"as_of", iso_utc(in.now)}};
  out["last_interview_date"] =
      in.last_interview_date ? nlohmann::json(*in.last_interview_date) : nullptr;
  out["plan"] = plan_visible ? plan_json(*in.plan) : nullptr;
  return out;
}

StoreResult<void> enqueue_pupil_status(StoreTransaction& tx, std::span<const std::string> sinks,
                                       const rules::PupilFacts& facts,
                                       std::span<const rules::Flag> open, bool plan_shared,
                                       TimePoint now) {
  if (sinks.empty()) return {};
  PupilStatusInputs in{
      .pupil = {facts.school_urn, facts.upn}, .open = open, .plan_shared = plan_shared, .now = now};
  for (const auto& iv : facts.interviews) {
    if (!in.last_interview_date || iv.date > *in.last_interview_date)
      in.last_interview_date = iv.date;
  }
  auto plan = tx.current_plan(facts.pupil_id);
  if (!plan) return std::unexpected(plan.error());
  in.plan = std::move(*plan);
  auto intended = tx.latest_intended_destination(facts.pupil_id);
  if (!intended) return std::unexpected(intended.error());
  in.latest_intended = std::move(*intended);
  const std::string text = pupil_status_json(in).dump();
  const std::string key = "status:" + facts.school_urn + ":" + facts.upn + ":" + change_key(now);
  for (const auto& sink : sinks) {
    auto queued = tx.enqueue(OutboxDraft{sink, key, text});
    if (!queued) return std::unexpected(queued.error());
  }
  return {};
}

}  // namespace careerlink::followup
