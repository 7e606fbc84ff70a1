#include "daemon/cli/guidance_output.hpp"

#include <iomanip>
#include <ostream>

#include "daemon/cli/pupil_output.hpp"
#include "daemon/domain/dates.hpp"

namespace careerlink::cli {
namespace {

std::string sharing(const std::optional<bool>& shared) {
  if (!shared) return "no interview yet";
  return *shared ? "shared with staff"
                 : "not shared (the pupil did not agree to share their plan with staff)";
}

// The stored canonical body, for the details of an interview the list does not keep apart.
nlohmann::json body_of(const StoredInterview& i) {
  auto j = nlohmann::json::parse(i.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

}  // namespace

StoreResult<PupilGuidance> load_guidance(Store& store, std::int64_t pupil) {
  PupilGuidance g;
  auto consent = store.staff_consent(pupil);
  if (!consent) return std::unexpected(consent.error());
  g.plan_shared = *consent;
  auto interviews = store.pupil_interviews(pupil);
  if (!interviews) return std::unexpected(interviews.error());
  g.interviews = std::move(*interviews);
  for (auto it = g.interviews.rbegin(); it != g.interviews.rend(); ++it) {
    if (it->plan_version == 0) continue;
    auto history = store.plan_history(it->id);
    if (!history) return std::unexpected(history.error());
    for (auto& v : *history) {
      if (v.version == it->plan_version) g.current_plan = std::move(v);
    }
    break;
  }
  auto destinations = store.pupil_destinations(pupil);
  if (!destinations) return std::unexpected(destinations.error());
  g.destinations = std::move(*destinations);
  FlagFilter filter;
  filter.pupil_id = pupil;
  auto flags = store.list_flags(filter);
  if (!flags) return std::unexpected(flags.error());
  for (auto& f : *flags)
    g.flags.push_back(std::move(f.flag));
  return g;
}

nlohmann::ordered_json guidance_json(const PupilGuidance& g) {
  nlohmann::ordered_json j;
  j["plan_sharing"] = g.plan_shared
                          ? nlohmann::ordered_json(*g.plan_shared ? "shared" : "not shared")
                          : nlohmann::ordered_json(nullptr);
  j["interviews"] = nlohmann::ordered_json::array();
  for (const auto& i : g.interviews) {
    const auto body = body_of(i);
    nlohmann::ordered_json row;
    row["provider"] = i.provider;
    row["external_id"] = i.external_id;
    row["date"] = i.date;
    row["kind"] = body.value("kind", "");
    row["minutes"] = body.value("minutes", 0);
    row["adviser"] = body.value("adviser", nlohmann::json::object());
    row["share_with_staff"] = i.share_with_staff;
    row["share_with_trackers"] = i.share_with_trackers;
    row["plan_version"] = i.plan_version;
    j["interviews"].push_back(std::move(row));
  }
  if (g.current_plan) {
    const auto& p = g.current_plan->plan;
    nlohmann::ordered_json plan;
    plan["version"] = g.current_plan->version;
    plan["recorded_at"] = iso_utc(g.current_plan->recorded_at);
    plan["summary"] = p.summary;
    if (p.intended_destination) {
      plan["intended_destination"] = {{"activity_code", p.intended_destination->activity_code},
                                      {"provider", or_null(p.intended_destination->provider)},
                                      {"course", or_null(p.intended_destination->course)}};
    } else {
      plan["intended_destination"] = nullptr;
    }
    plan["actions"] = nlohmann::ordered_json::array();
    for (const auto& a : p.actions) {
      plan["actions"].push_back({{"id", a.id},
                                 {"text", a.text},
                                 {"owner", a.owner},
                                 {"due", or_null(a.due)},
                                 {"status", a.status},
                                 {"done_on", or_null(a.done_on)}});
    }
    plan["next_review"] = or_null(p.next_review);
    j["current_plan"] = std::move(plan);
  } else {
    j["current_plan"] = nullptr;
  }
  j["destinations"] = nlohmann::ordered_json::array();
  for (const auto& d : g.destinations) {
    j["destinations"].push_back({{"type", d.destination.type},
                                 {"activity_code", d.destination.activity_code},
                                 {"provider_name", or_null(d.destination.provider_name)},
                                 {"course", or_null(d.destination.course)},
                                 {"start_date", or_null(d.destination.start_date)},
                                 {"source", d.source},
                                 {"received_at", iso_utc(d.received_at)}});
  }
  j["flags"] = nlohmann::ordered_json::array();
  for (const auto& f : g.flags) {
    j["flags"].push_back({{"kind", f.kind},
                          {"rag", rules::to_string(f.rag)},
                          {"reason", f.reason},
                          {"sharing", f.shared ? "shared" : "not shared"},
                          {"raised_at", iso_utc(f.raised_at)}});
  }
  return j;
}

void print_guidance(std::ostream& out, const PupilGuidance& g) {
  auto line = [&](const char* label, const std::string& value) {
    out << std::left << std::setw(20) << label << (value.empty() ? "-" : value) << '\n';
  };
  out << "\nCareers guidance\n";
  line("Plan sharing", sharing(g.plan_shared));
  for (const auto& i : g.interviews) {
    const auto body = body_of(i);
    const auto adviser = body.value("adviser", nlohmann::json::object());
    line("Interview", i.date + ", " + body.value("kind", std::string()) + ", " +
                          std::to_string(body.value("minutes", 0)) + " min, " +
                          adviser.value("name", std::string()) + " (" +
                          adviser.value("organisation", std::string()) + ", level " +
                          std::to_string(adviser.value("qualification_level", 0)) + ")");
  }
  if (g.current_plan) {
    const auto& p = g.current_plan->plan;
    line("Plan", "version " + std::to_string(g.current_plan->version) + ": " + p.summary);
    if (p.intended_destination) {
      line("Intended destination",
           p.intended_destination->activity_code + (p.intended_destination->provider
                                                        ? " at " + *p.intended_destination->provider
                                                        : std::string()));
    }
    for (const auto& a : p.actions) {
      line("Action", "[" + a.status + "] " + a.text + " (" + a.owner +
                         (a.due ? ", due " + *a.due : std::string()) + ")");
    }
    line("Next review", p.next_review.value_or(""));
  }
  for (const auto& d : g.destinations) {
    line(d.destination.type == "actual" ? "Destination" : "Intended (record)",
         d.destination.activity_code +
             (d.destination.provider_name ? " at " + *d.destination.provider_name : std::string()));
  }
  if (g.flags.empty()) line("Follow-up", "none (green)");
  for (const auto& f : g.flags) {
    line("Follow-up", std::string(rules::to_string(f.rag)) + ": " + f.reason +
                          (f.shared ? "" : " [not shared]"));
  }
}

}  // namespace careerlink::cli
