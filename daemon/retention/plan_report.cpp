#include "daemon/retention/plan_report.hpp"

#include <fmt/format.h>

#include <ostream>

namespace careerlink::retention {
namespace {

std::string count_of(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

void append(std::string& to, const std::string& part, std::string_view sep = ", ") {
  if (!to.empty()) to += sep;
  to += part;
}

nlohmann::ordered_json totals_json(const Totals& t) {
  return {{"pupils", t.pupils},
          {"pupils_removed", t.pupils_removed},
          {"pupils_pseudonymised", t.pupils_pseudonymised},
          {"interviews", t.interviews},
          {"plan_versions", t.plan_versions},
          {"action_updates", t.action_updates},
          {"flags", t.flags},
          {"notes", t.notes},
          {"destinations", t.destinations},
          {"guarantee_statuses", t.guarantee_statuses},
          {"outbox_messages", t.outbox},
          {"audit_events", t.audit_events}};
}

}  // namespace

std::string describe(const PupilAction& a) {
  std::string interviews;
  if (a.interviews > 0) {
    interviews = count_of(a.interviews, "interview", "interviews");
    std::string inner;
    if (a.plan_versions > 0)
      append(inner, count_of(a.plan_versions, "plan version", "plan versions"));
    if (a.action_updates > 0) append(inner, count_of(a.action_updates, "tick", "ticks"));
    if (!inner.empty()) interviews += " (" + inner + ")";
  }
  std::string deleted;
  if (!a.pseudonymise && !interviews.empty()) append(deleted, interviews);
  if (a.flags > 0) append(deleted, count_of(a.flags, "flag", "flags"));
  if (a.notes > 0) append(deleted, count_of(a.notes, "note", "notes"));
  if (a.destination_count > 0)
    append(deleted, count_of(a.destination_count, "destination", "destinations"));
  if (a.guarantee_status_count > 0) {
    append(deleted, count_of(a.guarantee_status_count, "September Guarantee status",
                             "September Guarantee statuses"));
  }
  if (a.outbox > 0) append(deleted, count_of(a.outbox, "outbox message", "outbox messages"));
  std::string out;
  if (a.pseudonymise) {
    out = "pseudonymise the pupil";
    if (!interviews.empty()) append(out, "redact " + interviews, "; ");
  }
  if (!deleted.empty()) append(out, "delete " + deleted, "; ");
  if (a.remove_pupil) append(out, "remove the pupil", "; ");
  return out;
}

nlohmann::ordered_json plan_json(const Plan& plan) {
  nlohmann::ordered_json j;
  j["as_of"] = plan.as_of;
  j["mode"] = std::string(to_string(plan.mode));
  auto pupils = nlohmann::ordered_json::array();
  for (const PupilAction& a : plan.pupils) {
    nlohmann::ordered_json p;
    p["upn"] = a.upn;
    p["school_urn"] = a.school_urn;
    p["what"] = describe(a);
    p["why"] = a.reasons;
    p["guidance"] = a.guidance;
    p["destinations"] = a.destinations;
    p["pseudonymise"] = a.pseudonymise;
    p["remove_pupil"] = a.remove_pupil;
    p["counts"] = {{"interviews", a.interviews},
                   {"plan_versions", a.plan_versions},
                   {"action_updates", a.action_updates},
                   {"flags", a.flags},
                   {"notes", a.notes},
                   {"destinations", a.destination_count},
                   {"guarantee_statuses", a.guarantee_status_count},
                   {"outbox_messages", a.outbox}};
    pupils.push_back(std::move(p));
  }
  j["pupils"] = std::move(pupils);
  j["audit"] = {{"before", plan.audit_before}, {"events", plan.audit_events}};
  j["totals"] = totals_json(plan.totals());
  return j;
}

void print_plan(std::ostream& out, const Plan& plan) {
  out << "Retention as of " << plan.as_of << " (mode " << to_string(plan.mode) << ")\n";
  if (plan.empty()) {
    out << "Nothing to do.\n";
    return;
  }
  for (const PupilAction& a : plan.pupils) {
    std::string why;
    for (const auto& r : a.reasons)
      append(why, r, "; ");
    out << a.upn << "  " << describe(a) << "  (" << why << ")\n";
  }
  if (plan.audit_events > 0) {
    out << "audit trail  delete " << count_of(plan.audit_events, "event", "events") << " before "
        << plan.audit_before << '\n';
  }
  const Totals t = plan.totals();
  out << "Total: " << count_of(t.pupils, "pupil", "pupils") << " (" << t.pupils_removed
      << " removed, " << t.pupils_pseudonymised << " pseudonymised), "
      << count_of(t.interviews, "interview", "interviews") << ", "
      << count_of(t.destinations, "destination", "destinations") << ", "
      << count_of(t.guarantee_statuses, "September Guarantee status",
                  "September Guarantee statuses")
      << ", " << count_of(t.flags, "flag", "flags") << ", " << count_of(t.notes, "note", "notes")
      << ", " << count_of(t.outbox, "outbox message", "outbox messages") << ", "
      << count_of(t.audit_events, "audit event", "audit events") << '\n';
}

nlohmann::ordered_json run_json(const Plan& plan, const RunResult& r) {
  const RetentionCounts& c = r.counts;
  return {{"as_of", plan.as_of},
          {"mode", std::string(to_string(plan.mode))},
          {"pupils", r.pupils},
          {"pupils_removed", c.pupils_removed},
          {"pupils_pseudonymised", c.pupils_pseudonymised},
          {"interviews", c.interviews},
          {"plan_versions", c.plan_versions},
          {"action_updates", c.action_updates},
          {"flags", c.flags},
          {"notes", c.notes},
          {"destinations", c.destinations},
          {"guarantee_statuses", c.guarantee_statuses},
          {"outbox_messages", c.outbox},
          {"audit_events", r.audit_events},
          {"transactions", r.transactions}};
}

void print_run(std::ostream& out, const Plan& plan, const RunResult& r) {
  const RetentionCounts& c = r.counts;
  const bool pseudo = plan.mode == Mode::pseudonymise;
  out << "Retention as of " << plan.as_of << " (mode " << to_string(plan.mode)
      << "): " << count_of(static_cast<std::int64_t>(r.pupils), "pupil", "pupils") << " ("
      << c.pupils_removed << " removed, " << c.pupils_pseudonymised << " pseudonymised); "
      << count_of(c.interviews, "interview", "interviews") << (pseudo ? " redacted" : " deleted")
      << "; deleted " << count_of(c.destinations, "destination", "destinations") << ", "
      << count_of(c.guarantee_statuses, "September Guarantee status",
                  "September Guarantee statuses")
      << ", " << count_of(c.flags, "flag", "flags") << ", " << count_of(c.notes, "note", "notes")
      << ", " << count_of(c.outbox, "outbox message", "outbox messages") << ", "
      << count_of(r.audit_events, "audit event", "audit events") << '\n';
}

}  // namespace careerlink::retention
