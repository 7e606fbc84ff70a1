#include "daemon/retention/subject_access.hpp"

#include <fmt/format.h>

#include "daemon/domain/dates.hpp"
#include "daemon/domain/html_text.hpp"

namespace careerlink::retention {
namespace {

using json = nlohmann::ordered_json;

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json pupil_json(const PupilView& p) {
  return {{"upn", p.upn},
          {"former_upns", p.former_upns},
          {"uln", or_null(p.uln)},
          {"school_laestab", p.school_laestab},
          {"school_urn", or_null(p.school_urn)},
          {"surname", or_null(p.surname)},
          {"forename", or_null(p.forename)},
          {"middle_names", or_null(p.middle_names)},
          {"preferred_surname", or_null(p.preferred_surname)},
          {"preferred_forename", or_null(p.preferred_forename)},
          {"dob", or_null(p.dob)},
          {"sex", or_null(p.sex)},
          {"nc_year", or_null(p.nc_year)},
          {"tutor_group", or_null(p.tutor_group)},
          {"enrol_status", or_null(p.enrol_status)},
          {"on_roll_date", or_null(p.on_roll_date)},
          {"leaving_date", or_null(p.leaving_date)},
          {"on_roll", p.on_roll},
          {"fsm", or_null(p.fsm)},
          {"sen", or_null(p.sen)},
          {"ehcp", or_null(p.ehcp)},
          {"looked_after", or_null(p.looked_after)},
          {"eal", or_null(p.eal)},
          {"attendance_pct", or_null(p.attendance_pct)},
          {"exclusions", or_null(p.exclusions)},
          {"young_carer", or_null(p.young_carer)}};
}

json plan_json(const StoredPlanVersion& v) {
  json j{{"version", v.version},
         {"recorded_at", iso_utc(v.recorded_at)},
         {"recorded_by", v.recorded_by},
         {"summary", v.plan.summary},
         {"next_review", or_null(v.plan.next_review)}};
  if (v.plan.intended_destination) {
    const auto& d = *v.plan.intended_destination;
    j["intended_destination"] = {{"activity_code", d.activity_code},
                                 {"provider", or_null(d.provider)},
                                 {"course", or_null(d.course)}};
  } else {
    j["intended_destination"] = nullptr;
  }
  auto actions = json::array();
  for (const auto& a : v.plan.actions) {
    actions.push_back({{"id", a.id},
                       {"text", a.text},
                       {"owner", a.owner},
                       {"due", or_null(a.due)},
                       {"status", a.status},
                       {"done_on", or_null(a.done_on)},
                       {"done_by", or_null(a.done_by)}});
  }
  j["actions"] = std::move(actions);
  return j;
}

json interview_json(const InterviewRecord& r) {
  const auto& i = r.interview;
  json body = json::parse(i.body, nullptr, false);
  if (body.is_discarded()) body = i.body;
  json j{{"provider", i.provider},
         {"external_id", i.external_id},
         {"school_urn", i.school_urn},
         {"date", i.date},
         {"share_with_staff", i.share_with_staff},
         {"share_with_trackers", i.share_with_trackers},
         {"received_at", iso_utc(i.created_at)},
         {"updated_at", iso_utc(i.updated_at)},
         {"record", std::move(body)}};
  auto plans = json::array();
  for (const auto& v : r.plans)
    plans.push_back(plan_json(v));
  j["plan_versions"] = std::move(plans);
  return j;
}

json destination_json(const StoredDestination& s) {
  const auto& d = s.destination;
  return {{"type", d.type},
          {"activity_code", d.activity_code},
          {"provider_name", or_null(d.provider_name)},
          {"provider_urn", or_null(d.provider_urn)},
          {"provider_ukprn", or_null(d.provider_ukprn)},
          {"course", or_null(d.course)},
          {"start_date", or_null(d.start_date)},
          {"confirmed_by", or_null(d.confirmed_by)},
          {"recorded_on", or_null(d.recorded_on)},
          {"source", s.source},
          {"received_at", iso_utc(s.received_at)}};
}

std::string rag_text(rules::Rag rag) {
  switch (rag) {
    case rules::Rag::green:
      return "green";
    case rules::Rag::amber:
      return "amber";
    case rules::Rag::red:
      return "red";
  }
  return "amber";
}

json flag_json(const FlagRow& row) {
  const auto& f = row.flag;
  return {{"kind", f.kind},
          {"rag", rag_text(f.rag)},
          {"reason", f.reason},
          {"raised_at", iso_utc(f.raised_at)},
          {"cleared_at", f.cleared_at ? json(iso_utc(*f.cleared_at)) : json(nullptr)},
          {"shared_with_staff", f.shared}};
}

// --- HTML ---

std::string esc(std::string_view s) {
  return html_escape(s);
}
std::string esc(const std::string& s) {
  return html_escape(s);
}
std::string esc(const std::optional<std::string>& s) {
  return s ? html_escape(*s) : std::string("&mdash;");
}

// One table from rows of already-escaped cells.
std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "<p class=\"none\">None held.</p>\n";
  std::string out = "<table>\n<tr>";
  for (const auto& h : head)
    out += "<th>" + esc(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row)
      out += "<td>" + cell + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string yes_no(const std::optional<bool>& b) {
  return b ? (*b ? "yes" : "no") : "&mdash;";
}

}  // namespace

StoreResult<SubjectAccess> gather_subject_access(Store& store, const PupilView& pupil,
                                                 std::string generated_by, TimePoint now) {
  SubjectAccess r;
  r.generated_at = iso_utc(now);
  r.generated_by = std::move(generated_by);
  r.pupil = pupil;
  auto ids = store.pupil_identifiers(pupil.id);
  if (!ids) return std::unexpected(ids.error());
  r.identifiers = std::move(*ids);
  auto groups = store.pupil_groups(pupil.id);
  if (!groups) return std::unexpected(groups.error());
  r.groups = std::move(*groups);
  auto interviews = store.pupil_interviews(pupil.id);
  if (!interviews) return std::unexpected(interviews.error());
  for (auto& i : *interviews) {
    auto plans = store.plan_history(i.id);
    if (!plans) return std::unexpected(plans.error());
    r.interviews.push_back(InterviewRecord{std::move(i), std::move(*plans)});
  }
  auto destinations = store.pupil_destinations(pupil.id);
  if (!destinations) return std::unexpected(destinations.error());
  r.destinations = std::move(*destinations);
  auto statuses = store.guarantee_statuses(pupil.id);
  if (!statuses) return std::unexpected(statuses.error());
  r.guarantee_statuses = std::move(*statuses);
  auto opt_out = store.la_sharing_opt_out(pupil.id);
  if (!opt_out) return std::unexpected(opt_out.error());
  r.la_sharing_opt_out = std::move(*opt_out);
  auto trackers = store.pupil_tracker_deliveries(pupil.id);
  if (!trackers) return std::unexpected(trackers.error());
  r.tracker_deliveries = std::move(*trackers);
  FlagFilter filter;
  filter.pupil_id = pupil.id;
  filter.open_only = false;
  auto flags = store.list_flags(filter);
  if (!flags) return std::unexpected(flags.error());
  r.flags = std::move(*flags);
  auto notes = store.follow_up_notes(pupil.id);
  if (!notes) return std::unexpected(notes.error());
  r.notes = std::move(*notes);
  auto ticks = store.action_updates(pupil.id);
  if (!ticks) return std::unexpected(ticks.error());
  r.ticks = std::move(*ticks);
  // Every UPN the pupil has had names them in the audit trail and the outbox.
  std::vector<std::string> upns{pupil.upn};
  for (const auto& u : pupil.former_upns)
    if (u != pupil.upn) upns.push_back(u);
  auto audit = store.audit_about(upns);
  if (!audit) return std::unexpected(audit.error());
  r.audit = std::move(*audit);
  auto outbox = store.outbox_naming(upns);
  if (!outbox) return std::unexpected(outbox.error());
  r.outbox = std::move(*outbox);
  return r;
}

nlohmann::ordered_json subject_access_json(const SubjectAccess& r) {
  json j;
  j["generated_at"] = r.generated_at;
  j["generated_by"] = r.generated_by;
  j["pupil"] = pupil_json(r.pupil);
  auto ids = json::array();
  for (const auto& i : r.identifiers) {
    ids.push_back({{"kind", i.kind},
                   {"source", i.source},
                   {"value", i.value},
                   {"current", i.current},
                   {"first_seen", i.first_seen},
                   {"last_seen", i.last_seen}});
  }
  j["identifiers"] = std::move(ids);
  auto groups = json::array();
  for (const auto& g : r.groups)
    groups.push_back({{"kind", g.kind}, {"name", g.name}, {"since", g.since}});
  j["groups"] = std::move(groups);
  auto interviews = json::array();
  for (const auto& i : r.interviews)
    interviews.push_back(interview_json(i));
  j["interviews"] = std::move(interviews);
  auto destinations = json::array();
  for (const auto& d : r.destinations)
    destinations.push_back(destination_json(d));
  j["destinations"] = std::move(destinations);
  auto statuses = json::array();
  for (const auto& g : r.guarantee_statuses) {
    statuses.push_back(
        {{"status", g.status}, {"recorded_on", or_null(g.recorded_on)}, {"source", g.source}});
  }
  j["september_guarantee_statuses"] = std::move(statuses);
  j["la_sharing_opt_out"] = r.la_sharing_opt_out
                                ? json{{"requested_by", r.la_sharing_opt_out->requested_by},
                                       {"recorded_by", r.la_sharing_opt_out->recorded_by},
                                       {"recorded_at", iso_utc(r.la_sharing_opt_out->recorded_at)}}
                                : json(nullptr);
  auto trackers = json::array();
  for (const auto& t : r.tracker_deliveries) {
    trackers.push_back({{"sink", t.sink},
                        {"status", t.status},
                        {"at", iso_utc(t.at)},
                        {"tracker_ref", t.tracker_ref},
                        {"detail", t.detail},
                        {"version", t.version}});
  }
  j["tracker_deliveries"] = std::move(trackers);
  auto flags = json::array();
  for (const auto& f : r.flags)
    flags.push_back(flag_json(f));
  j["follow_up_flags"] = std::move(flags);
  auto notes = json::array();
  for (const auto& n : r.notes)
    notes.push_back({{"at", iso_utc(n.at)}, {"author", n.author}, {"text", n.text}});
  j["follow_up_notes"] = std::move(notes);
  auto ticks = json::array();
  for (const auto& t : r.ticks) {
    ticks.push_back(
        {{"at", iso_utc(t.at)}, {"action_id", t.action_id}, {"status", t.status}, {"by", t.by}});
  }
  j["action_ticks"] = std::move(ticks);
  auto audit = json::array();
  for (const auto& e : r.audit) {
    audit.push_back({{"at", iso_utc(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"object", e.object},
                     {"origin", e.origin},
                     {"detail", e.detail}});
  }
  j["audit_events"] = std::move(audit);
  auto outbox = json::array();
  for (const auto& m : r.outbox) {
    json payload = json::parse(m.payload, nullptr, false);
    if (payload.is_discarded()) payload = m.payload;
    outbox.push_back({{"sink", m.sink},
                      {"state", std::string(to_string(m.state))},
                      {"created_at", iso_utc(m.created_at)},
                      {"payload", std::move(payload)}});
  }
  j["outbox_messages"] = std::move(outbox);
  return j;
}

std::string subject_access_html(const SubjectAccess& r) {
  const PupilView& p = r.pupil;
  const std::string name =
      p.forename.value_or("") + (p.forename && p.surname ? " " : "") + p.surname.value_or("");
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>Records held about " + esc(name.empty() ? p.upn : name) + "</title>\n";
  out +=
      "<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#1a1a1a;max-width:70em}\n"
      "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
      "h3{font-size:1em}table{border-collapse:collapse;margin:.5em 0 1em;width:100%}\n"
      "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\n"
      "th{background:#f0f0f0}.none{color:#666}pre{white-space:pre-wrap;margin:0}\n"
      "@media print{body{margin:0}}\n"
      "</style>\n</head>\n<body>\n";
  out += "<h1>Records held about " + esc(name.empty() ? p.upn : name) + "</h1>\n";
  out += "<p>Everything careerlink holds about this pupil, exported on " + esc(r.generated_at) +
         " by " + esc(r.generated_by) + " for a subject access request.</p>\n";

  out += "<h2>The pupil</h2>\n";
  out += table({"Field", "Value"},
               {{"UPN", esc(p.upn)},
                {"Surname", esc(p.surname)},
                {"Forename", esc(p.forename)},
                {"Middle names", esc(p.middle_names)},
                {"Preferred surname", esc(p.preferred_surname)},
                {"Preferred forename", esc(p.preferred_forename)},
                {"Date of birth", esc(p.dob)},
                {"Sex", esc(p.sex)},
                {"ULN", esc(p.uln)},
                {"School URN", esc(p.school_urn)},
                {"National Curriculum year", esc(p.nc_year)},
                {"Tutor group", esc(p.tutor_group)},
                {"On roll since", esc(p.on_roll_date)},
                {"Left on", esc(p.leaving_date)},
                {"Free school meals", yes_no(p.fsm)},
                {"SEN", esc(p.sen)},
                {"EHC plan", yes_no(p.ehcp)},
                {"Looked after", yes_no(p.looked_after)},
                {"English as an additional language", yes_no(p.eal)},
                {"Young carer", yes_no(p.young_carer)},
                {"Attendance %",
                 p.attendance_pct ? esc(fmt::format("{:.1f}", *p.attendance_pct)) : "&mdash;"},
                {"Exclusions", p.exclusions ? esc(std::to_string(*p.exclusions)) : "&mdash;"}});

  std::vector<std::vector<std::string>> rows;
  rows.reserve(r.identifiers.size());
  for (const auto& i : r.identifiers) {
    rows.push_back({esc(i.kind), esc(i.source), esc(i.value), i.current ? "yes" : "no",
                    esc(i.first_seen), esc(i.last_seen)});
  }
  out += "<h2>Identifiers</h2>\n" +
         table({"Kind", "Source", "Value", "Current", "First seen", "Last seen"}, rows);
  rows.clear();
  for (const auto& g : r.groups)
    rows.push_back({esc(g.kind), esc(g.name), esc(g.since)});
  out += "<h2>Groups</h2>\n" + table({"Kind", "Name", "Since"}, rows);

  out += "<h2>Guidance interviews and action plans</h2>\n";
  if (r.interviews.empty()) out += "<p class=\"none\">None held.</p>\n";
  for (const auto& rec : r.interviews) {
    const auto& i = rec.interview;
    out += "<h3>Interview on " + esc(i.date) + " (" + esc(i.provider) + ", " + esc(i.external_id) +
           ")</h3>\n";
    out += table({"Shared with staff", "Shared with trackers", "Record as received"},
                 {{i.share_with_staff ? "yes" : "no", i.share_with_trackers ? "yes" : "no",
                   "<pre>" + esc(i.body) + "</pre>"}});
    for (const auto& v : rec.plans) {
      out += "<p>Plan version " + std::to_string(v.version) + ", recorded " +
             esc(iso_utc(v.recorded_at)) + " by " + esc(v.recorded_by) + ": " +
             esc(v.plan.summary) + "</p>\n";
      rows.clear();
      for (const auto& a : v.plan.actions) {
        rows.push_back(
            {esc(a.id), esc(a.text), esc(a.owner), esc(a.due), esc(a.status), esc(a.done_on)});
      }
      out += table({"Action", "Text", "Owner", "Due", "Status", "Done on"}, rows);
    }
  }

  rows.clear();
  for (const auto& s : r.destinations) {
    const auto& d = s.destination;
    rows.push_back({esc(d.type), esc(d.activity_code), esc(d.provider_name), esc(d.course),
                    esc(d.start_date), esc(d.recorded_on), esc(s.source)});
  }
  out += "<h2>Destinations</h2>\n" +
         table({"Type", "Activity code", "Provider", "Course", "Starts", "Recorded on", "Source"},
               rows);
  rows.clear();
  for (const auto& g : r.guarantee_statuses)
    rows.push_back({esc(g.status), esc(g.recorded_on), esc(g.source)});
  out += "<h2>September Guarantee (as the local authority reported it)</h2>\n" +
         table({"Status", "Recorded on", "Source"}, rows);
  out += "<h2>Sharing with the local authority</h2>\n";
  if (const auto& o = r.la_sharing_opt_out) {
    out +=
        "<p>Opted out of passing further information to the local authority (s72 Education "
        "and Skills Act 2008), at the request of the " +
        esc(o->requested_by) + "; recorded by " + esc(o->recorded_by) + " on " +
        esc(iso_utc(o->recorded_at)) + ".</p>\n";
  } else {
    out += "<p class=\"none\">No opt-out recorded.</p>\n";
  }
  rows.clear();
  for (const auto& t : r.tracker_deliveries) {
    rows.push_back(
        {esc(t.sink), esc(t.status), esc(iso_utc(t.at)), esc(t.tracker_ref), esc(t.detail)});
  }
  out += "<h2>Destination trackers sent this record</h2>\n" +
         table({"Tracker", "Answer", "When", "Tracker's reference", "Reason"}, rows);
  rows.clear();
  for (const auto& f : r.flags) {
    rows.push_back({esc(f.flag.kind), esc(rag_text(f.flag.rag)), esc(f.flag.reason),
                    esc(iso_utc(f.flag.raised_at)),
                    f.flag.cleared_at ? esc(iso_utc(*f.flag.cleared_at)) : "&mdash;"});
  }
  out += "<h2>Follow-up flags</h2>\n" + table({"Kind", "RAG", "Reason", "Raised", "Cleared"}, rows);
  rows.clear();
  for (const auto& n : r.notes)
    rows.push_back({esc(iso_utc(n.at)), esc(n.author), esc(n.text)});
  out += "<h2>Tutors' notes</h2>\n" + table({"When", "Author", "Note"}, rows);
  rows.clear();
  for (const auto& t : r.ticks)
    rows.push_back({esc(iso_utc(t.at)), esc(t.action_id), esc(t.status), esc(t.by)});
  out += "<h2>Actions ticked off</h2>\n" + table({"When", "Action", "Status", "By"}, rows);
  rows.clear();
  for (const auto& e : r.audit) {
    rows.push_back({esc(iso_utc(e.at)), esc(e.actor), esc(e.action), esc(e.origin), esc(e.detail)});
  }
  out += "<h2>Who has seen or changed these records</h2>\n" +
         table({"When", "Who", "What", "From", "Detail"}, rows);
  rows.clear();
  for (const auto& m : r.outbox) {
    rows.push_back({esc(m.sink), esc(to_string(m.state)), esc(iso_utc(m.created_at)),
                    "<pre>" + esc(m.payload) + "</pre>"});
  }
  out += "<h2>Messages to other systems</h2>\n" + table({"To", "State", "Queued", "Content"}, rows);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace careerlink::retention
