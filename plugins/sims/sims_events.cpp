#include "plugins/sims/sims_events.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "daemon/domain/dates.hpp"
#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::sims {

using nlohmann::json;

namespace {

// Thrown inside the parser only, caught in parse_event/parse_status: it keeps each field's
// check to one line.
struct Malformed {
  std::string why;
};

std::string field(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

// The member, or nullptr when it is missing or JSON null (the two mean the same here).
const json* member(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string text(const json& obj, std::string_view key, std::string_view path, bool required) {
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required) throw Malformed{field(path, key) + " is missing"};
    return {};
  }
  if (!v->is_string()) throw Malformed{field(path, key) + " is not text"};
  return v->get<std::string>();
}

std::optional<std::string> date(const json& obj, std::string_view key, std::string_view path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string() || !parse_iso_date(v->get_ref<const std::string&>()))
    throw Malformed{field(path, key) + " is not a date (YYYY-MM-DD)"};
  return v->get<std::string>();
}

std::optional<std::int64_t> integer(const json& obj, std::string_view key, std::string_view path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) throw Malformed{field(path, key) + " is not a whole number"};
  return v->get<std::int64_t>();
}

const json* object(const json& obj, std::string_view key, std::string_view path) {
  const json* v = member(obj, key);
  if (v != nullptr && !v->is_object()) throw Malformed{field(path, key) + " is not an object"};
  return v;
}

bool all_digits(std::string_view s) {
  return std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

PupilKey pupil_key(const json& doc) {
  const json* p = object(doc, "pupil", "");
  if (p == nullptr) throw Malformed{"pupil is missing"};
  PupilKey key;
  key.school_urn = text(*p, "school_urn", "pupil", true);
  if (key.school_urn.size() != 6 || !all_digits(key.school_urn))
    throw Malformed{"pupil.school_urn is not a URN (6 digits)"};
  key.upn = text(*p, "upn", "pupil", true);
  for (auto& c : key.upn)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const bool upn_shaped = key.upn.size() == 13 && std::ranges::all_of(key.upn, [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                          });
  if (!upn_shaped) throw Malformed{"pupil.upn is not a UPN (13 letters and digits)"};
  return key;
}

rules::Rag rag(const json& obj, std::string_view key, std::string_view path) {
  auto word = text(obj, key, path, true);
  auto parsed = rules::parse_rag(word);
  if (!parsed) throw Malformed{field(path, key) + " is not red, amber or green"};
  return *parsed;
}

std::optional<Destination> destination(const json& doc) {
  const json* d = object(doc, "intended_destination", "");
  if (d == nullptr) return std::nullopt;
  Destination out;
  out.activity_code = text(*d, "activity_code", "intended_destination", false);
  if (!out.activity_code.empty() &&
      (out.activity_code.size() != 3 || !all_digits(out.activity_code)))
    throw Malformed{"intended_destination.activity_code is not an NCCIS code (3 digits)"};
  out.description = text(*d, "description", "intended_destination", false);
  out.provider = text(*d, "provider", "intended_destination", false);
  if (out.description.empty() && !out.activity_code.empty()) {
    if (const auto* known = guidance::find_activity(out.activity_code))
      out.description = std::string(known->description);
  }
  if (out.activity_code.empty() && out.description.empty() && out.provider.empty())
    return std::nullopt;
  return out;
}

std::optional<Plan> plan(const json& doc) {
  const json* p = object(doc, "plan", "");
  if (p == nullptr) return std::nullopt;
  Plan out;
  out.interview_id = integer(*p, "interview_id", "plan");
  out.provider = text(*p, "provider", "plan", false);
  out.external_id = text(*p, "external_id", "plan", false);
  out.version = integer(*p, "version", "plan");
  out.interview_date = date(*p, "interview_date", "plan");
  out.adviser = text(*p, "adviser", "plan", false);
  out.summary = text(*p, "summary", "plan", false);
  out.next_review = date(*p, "next_review", "plan");
  if (const json* actions = member(*p, "actions")) {
    if (!actions->is_array()) throw Malformed{"plan.actions is not a list"};
    for (std::size_t i = 0; i < actions->size(); ++i) {
      const auto path = "plan.actions[" + std::to_string(i) + "]";
      const auto& a = (*actions)[i];
      if (!a.is_object()) throw Malformed{path + " is not an object"};
      Action action;
      action.id = text(a, "id", path, false);
      action.text = text(a, "text", path, true);
      action.owner = text(a, "owner", path, false);
      action.status = text(a, "status", path, false);
      action.due = date(a, "due", path);
      out.actions.push_back(std::move(action));
    }
  }
  return out;
}

std::vector<Flag> flags(const json& doc) {
  std::vector<Flag> out;
  const json* list = member(doc, "flags");
  if (list == nullptr) return out;
  if (!list->is_array()) throw Malformed{"flags is not a list"};
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = "flags[" + std::to_string(i) + "]";
    const auto& f = (*list)[i];
    if (!f.is_object()) throw Malformed{path + " is not an object"};
    out.push_back(
        Flag{text(f, "kind", path, false), rag(f, "rag", path), text(f, "reason", path, false)});
  }
  return out;
}

// A path on careerlink's own listener: it becomes href="<panel_url><path>", so it must start
// with "/" and hold nothing that could end the attribute or the URL.
std::string panel_path(const json& doc, const PupilKey& pupil) {
  auto path = text(doc, "panel_path", "", false);
  if (path.empty()) return "/panel/pupil?upn=" + pupil.upn;
  const bool clean = std::ranges::none_of(path, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\';
  });
  if (!path.starts_with('/') || !clean)
    throw Malformed{"panel_path is not a path on careerlink (\"/panel/...\")"};
  return path;
}

PupilStatus status_from(const json& doc) {
  PupilStatus s;
  s.pupil = pupil_key(doc);
  s.overall_rag = rag(doc, "overall_rag", "");
  s.flags = flags(doc);
  s.last_interview_date = date(doc, "last_interview_date", "");
  s.intended_destination = destination(doc);
  s.plan = plan(doc);
  s.panel_path = panel_path(doc, s.pupil);
  // Required: it orders the views of one pupil, so an old one replayed cannot undo a newer one.
  auto as_of = text(doc, "as_of", "", true);
  auto when = parse_timestamp(as_of);
  if (!when) throw Malformed{"as_of is not a date-time (2026-11-24T09:00:00Z)"};
  s.as_of = *when;
  return s;
}

PlanWithdrawn withdrawn_from(const json& doc) {
  PlanWithdrawn w;
  w.pupil = pupil_key(doc);
  w.provider = text(doc, "provider", "", false);
  w.external_id = text(doc, "external_id", "", false);
  w.interview_id = integer(doc, "interview_id", "");
  if (!w.interview_id && w.external_id.empty())
    throw Malformed{"names no plan: give interview_id, or provider and external_id"};
  return w;
}

std::optional<int> two_digits(std::string_view t, std::size_t at) {
  if (at + 2 > t.size() || !all_digits(t.substr(at, 2))) return std::nullopt;
  return (t[at] - '0') * 10 + (t[at + 1] - '0');
}

json optional_text(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view t) {
  using namespace std::chrono;
  if (t.size() < 20) return std::nullopt;
  auto day = parse_iso_date(t.substr(0, 10));
  if (!day || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') return std::nullopt;
  auto h = two_digits(t, 11), m = two_digits(t, 14), s = two_digits(t, 17);
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 59) return std::nullopt;
  std::size_t at = 19;
  nanoseconds fraction{0};
  if (at < t.size() && t[at] == '.') {
    ++at;
    const auto start = at;
    long long scale = 100'000'000;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9') {
      fraction += nanoseconds((t[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == start) return std::nullopt;
  }
  minutes offset{0};
  if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    auto oh = two_digits(t, at + 1), om = two_digits(t, at + 4);
    if (!oh || !om || at + 3 >= t.size() || t[at + 3] != ':' || *oh > 23 || *om > 59)
      return std::nullopt;
    offset = hours(*oh) + minutes(*om);
    if (t[at] == '-') offset = -offset;
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != t.size()) return std::nullopt;
  const auto local = sys_days(*day) + hours(*h) + minutes(*m) + seconds(*s) + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

std::string format_timestamp(TimePoint t) {
  auto text_form = iso_utc(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t - secs).count();
  if (nanos == 0) return text_form;
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
  std::string f = fraction;
  while (f.back() == '0')
    f.pop_back();
  text_form.insert(text_form.size() - 1, f);
  return text_form;
}

std::expected<PupilStatus, std::string> parse_status(const json& doc) {
  if (!doc.is_object()) return std::unexpected("pupil.status: not a JSON object");
  try {
    return status_from(doc);
  } catch (const Malformed& m) {
    return std::unexpected("pupil.status: " + m.why);
  }
}

std::expected<Event, std::string> parse_event(std::string_view payload) {
  auto doc = json::parse(payload, nullptr, false);
  if (doc.is_discarded()) return std::unexpected("payload is not valid JSON");
  if (!doc.is_object()) return std::unexpected("payload is not a JSON object");
  std::string name = "payload";
  try {
    name = text(doc, "event", "", true);
    if (name == "pupil.status") return Event{status_from(doc)};
    if (name == "plan.withdrawn") return Event{withdrawn_from(doc)};
    return Event{OtherEvent{name}};
  } catch (const Malformed& m) {
    return std::unexpected(name + ": " + m.why);
  } catch (const json::exception&) {
    return std::unexpected(name + ": a field has the wrong type");
  }
}

json status_json(const PupilStatus& s) {
  json flag_list = json::array();
  for (const auto& f : s.flags)
    flag_list.push_back({{"kind", f.kind}, {"rag", rules::to_string(f.rag)}, {"reason", f.reason}});
  json doc{{"event", "pupil.status"},
           {"pupil", {{"school_urn", s.pupil.school_urn}, {"upn", s.pupil.upn}}},
           {"overall_rag", rules::to_string(s.overall_rag)},
           {"flags", std::move(flag_list)},
           {"last_interview_date", optional_text(s.last_interview_date)},
           {"panel_path", s.panel_path},
           {"as_of", format_timestamp(s.as_of)}};
  doc["intended_destination"] = nullptr;
  if (const auto& d = s.intended_destination)
    doc["intended_destination"] = {{"activity_code", d->activity_code},
                                   {"description", d->description},
                                   {"provider", d->provider}};
  doc["plan"] = nullptr;
  if (const auto& p = s.plan) {
    json actions = json::array();
    for (const auto& a : p->actions)
      actions.push_back({{"id", a.id},
                         {"text", a.text},
                         {"owner", a.owner},
                         {"due", optional_text(a.due)},
                         {"status", a.status}});
    doc["plan"] = {{"interview_id", p->interview_id ? json(*p->interview_id) : json(nullptr)},
                   {"provider", p->provider},
                   {"external_id", p->external_id},
                   {"version", p->version ? json(*p->version) : json(nullptr)},
                   {"interview_date", optional_text(p->interview_date)},
                   {"adviser", p->adviser},
                   {"summary", p->summary},
                   {"next_review", optional_text(p->next_review)},
                   {"actions", std::move(actions)}};
  }
  return doc;
}

bool is_same_plan(const Plan& plan, const PlanWithdrawn& withdrawn) {
  if (plan.interview_id && withdrawn.interview_id)
    return *plan.interview_id == *withdrawn.interview_id;
  return !withdrawn.external_id.empty() && plan.external_id == withdrawn.external_id &&
         plan.provider == withdrawn.provider;
}

}  // namespace careerlink::sims
