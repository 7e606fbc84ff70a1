#include "daemon/report/b8_load.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "daemon/domain/dates.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::report {
namespace {

LoadError store_error(const StoreError& e) {
  return LoadError{LoadError::Kind::store, e.message};
}

std::string day_of(TimePoint t) {
  return iso_utc(t).substr(0, 10);
}

// One pupil's records as plain inputs. The qualified test is the follow-up rules' own
// (PupilFacts::InterviewFact::qualified), read beside the interviews in the same order.
std::expected<B8Pupil, LoadError> load_pupil(Store& store, const PupilView& v) {
  B8Pupil p;
  p.nc_year = v.nc_year.value_or("");
  p.send = v.sen == "K" || v.sen == "E" || v.ehcp.value_or(false);
  p.fsm = v.fsm.value_or(false);
  p.on_roll_date = v.on_roll_date;
  p.leaving_date = v.leaving_date;

  auto facts = store.pupil_facts(v.id);
  if (!facts) return std::unexpected(store_error(facts.error()));
  auto interviews = store.pupil_interviews(v.id);
  if (!interviews) return std::unexpected(store_error(interviews.error()));
  const auto& fact_list =
      *facts ? (*facts)->interviews : std::vector<rules::PupilFacts::InterviewFact>{};
  // Both reads order by date, then as received; a mismatch means a write landed between them.
  if (fact_list.size() != interviews->size())
    return std::unexpected(LoadError{LoadError::Kind::store,
                                     "interviews changed while the report was read; run it again"});
  for (std::size_t i = 0; i < interviews->size(); ++i) {
    const auto& iv = (*interviews)[i];
    if (fact_list[i].date != iv.date)
      return std::unexpected(LoadError{
          LoadError::Kind::store, "interviews changed while the report was read; run it again"});
    const auto body = nlohmann::json::parse(iv.body, nullptr, false);
    if (body.is_discarded() || !body.contains("minutes") || !body["minutes"].is_number_integer())
      return std::unexpected(LoadError{
          LoadError::Kind::store,
          "interview " + std::to_string(iv.id) + " is stored without its length in minutes"});
    p.interviews.push_back(B8Interview{iv.date, body["minutes"].get<int>(), fact_list[i].qualified,
                                       iv.share_with_staff, iv.plan_version > 0});
  }

  auto plan = store.current_plan(v.id);
  if (!plan) return std::unexpected(store_error(plan.error()));
  if (*plan) {
    const CurrentPlan& cp = **plan;
    p.plan_interview_date = cp.interview_date;
    p.plan_has_intended_destination = cp.plan.intended_destination.has_value();
    auto updates = store.action_updates(v.id);
    if (!updates) return std::unexpected(store_error(updates.error()));
    // Newest first: the first update seen per action of this plan's interview is its latest.
    std::map<std::string, std::string> latest;
    for (const auto& u : *updates) {
      if (u.interview_id == cp.interview_id) latest.try_emplace(u.action_id, u.status);
    }
    for (const auto& a : cp.plan.actions) {
      const auto it = latest.find(a.id);
      const bool ticked = a.status != "open" && it != latest.end() && it->second == a.status;
      p.actions.push_back(B8Action{a.due, a.status, ticked});
    }
  }

  auto destinations = store.pupil_destinations(v.id);
  if (!destinations) return std::unexpected(store_error(destinations.error()));
  for (const auto& d : *destinations) {
    std::string day = d.destination.recorded_on.value_or(day_of(d.received_at));
    if (d.destination.type == "intended")
      p.intended_destination_dates.push_back(std::move(day));
    else if (d.destination.type == "actual")
      p.actual_destination_dates.push_back(std::move(day));
  }
  return p;
}

}  // namespace

std::expected<B8Report, LoadError> load_b8(Store& store, std::string_view school,
                                           std::chrono::year_month_day as_of) {
  auto found = store.find_school(school);
  if (!found) return std::unexpected(store_error(found.error()));
  if (!*found)
    return std::unexpected(LoadError{LoadError::Kind::unknown_school,
                                     "no school with URN or LAESTAB " + std::string(school)});
  const SchoolInfo& info = **found;
  PupilFilter filter;
  filter.school = info.id;
  auto pupils = store.list_pupils(filter);
  if (!pupils) return std::unexpected(store_error(pupils.error()));
  std::vector<B8Pupil> inputs;
  inputs.reserve(pupils->size());
  for (const auto& v : *pupils) {
    auto p = load_pupil(store, v);
    if (!p) return std::unexpected(std::move(p.error()));
    inputs.push_back(std::move(*p));
  }
  return compute_b8(info.urn.value_or(info.laestab), info.name.value_or(""), as_of, inputs);
}

}  // namespace careerlink::report
