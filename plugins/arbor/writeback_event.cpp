#include "plugins/arbor/writeback_event.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace careerlink::arbor {
namespace {

using nlohmann::json;

// A field that is missing or of the wrong shape; caught once at the top and turned into text.
struct BadField {
  std::string what;
};

const json& member(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw BadField{where + key + " is missing"};
  return *it;
}

std::string text(const json& object, const char* key, const std::string& where,
                 bool allow_empty = true) {
  const auto& v = member(object, key, where);
  if (!v.is_string()) throw BadField{where + key + " must be text"};
  auto s = v.get<std::string>();
  if (!allow_empty && s.empty()) throw BadField{where + key + " must not be empty"};
  return s;
}

// Text, or null (or absent) for "none".
std::optional<std::string> optional_text(const json& object, const char* key,
                                         const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw BadField{where + key + " must be text or null"};
  return it->get<std::string>();
}

std::int64_t whole_number(const json& object, const char* key, const std::string& where) {
  const auto& v = member(object, key, where);
  if (!v.is_number_integer()) throw BadField{where + key + " must be a whole number"};
  return v.get<std::int64_t>();
}

bool is_rag(std::string_view rag) {
  return rag == "red" || rag == "amber" || rag == "green";
}

// School URNs and UPNs go into Arbor query strings and into the note's marker: letters and
// digits only, so neither can break either.
void check_identifier(const std::string& value, const std::string& name) {
  bool ok = !value.empty() && value.size() <= 32 && std::ranges::all_of(value, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
  if (!ok) throw BadField{name + " must be 1-32 letters and digits"};
}

PupilRef pupil_of(const json& doc) {
  const auto& p = member(doc, "pupil", "");
  if (!p.is_object()) throw BadField{"pupil must be an object"};
  PupilRef ref{text(p, "school_urn", "pupil."), text(p, "upn", "pupil.")};
  check_identifier(ref.school_urn, "pupil.school_urn");
  check_identifier(ref.upn, "pupil.upn");
  return ref;
}

SharedPlan plan_of(const json& p) {
  if (!p.is_object()) throw BadField{"plan must be an object or null"};
  SharedPlan plan;
  plan.interview_id = whole_number(p, "interview_id", "plan.");
  if (plan.interview_id <= 0) throw BadField{"plan.interview_id must be positive"};
  plan.provider = optional_text(p, "provider", "plan.").value_or("");
  plan.external_id = optional_text(p, "external_id", "plan.").value_or("");
  if (auto it = p.find("version"); it != p.end() && !it->is_null()) {
    if (!it->is_number_integer()) throw BadField{"plan.version must be a whole number"};
    plan.version = it->get<int>();
  }
  plan.interview_date = optional_text(p, "interview_date", "plan.").value_or("");
  plan.adviser = optional_text(p, "adviser", "plan.").value_or("");
  plan.summary = optional_text(p, "summary", "plan.").value_or("");
  plan.next_review = optional_text(p, "next_review", "plan.");
  if (auto it = p.find("actions"); it != p.end() && !it->is_null()) {
    if (!it->is_array()) throw BadField{"plan.actions must be a list"};
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& a = (*it)[i];
      auto where = "plan.actions[" + std::to_string(i) + "].";
      if (!a.is_object()) throw BadField{where.substr(0, where.size() - 1) + " must be an object"};
      PlanAction action{optional_text(a, "id", where).value_or(""), text(a, "text", where),
                        optional_text(a, "owner", where).value_or(""), text(a, "status", where),
                        optional_text(a, "due", where)};
      if (action.status != "open" && action.status != "done" && action.status != "dropped")
        throw BadField{where + "status must be open, done or dropped"};
      plan.actions.push_back(std::move(action));
    }
  }
  return plan;
}

PupilStatus status_of(const json& doc) {
  PupilStatus s;
  s.pupil = pupil_of(doc);
  s.overall_rag = text(doc, "overall_rag", "");
  if (!is_rag(s.overall_rag)) throw BadField{"overall_rag must be red, amber or green"};
  const auto& flags = member(doc, "flags", "");
  if (!flags.is_array()) throw BadField{"flags must be a list"};
  for (std::size_t i = 0; i < flags.size(); ++i) {
    auto where = "flags[" + std::to_string(i) + "].";
    if (!flags[i].is_object())
      throw BadField{where.substr(0, where.size() - 1) + " must be an object"};
    StatusFlag f{text(flags[i], "kind", where), text(flags[i], "rag", where),
                 text(flags[i], "reason", where)};
    if (!is_rag(f.rag)) throw BadField{where + "rag must be red, amber or green"};
    s.flags.push_back(std::move(f));
  }
  s.last_interview_date = optional_text(doc, "last_interview_date", "");
  if (auto it = doc.find("intended_destination"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) throw BadField{"intended_destination must be an object or null"};
    s.intended_destination =
        Destination{optional_text(*it, "activity_code", "intended_destination.").value_or(""),
                    optional_text(*it, "description", "intended_destination.").value_or(""),
                    optional_text(*it, "provider", "intended_destination."),
                    optional_text(*it, "course", "intended_destination.")};
  }
  if (auto it = doc.find("plan"); it != doc.end() && !it->is_null()) s.plan = plan_of(*it);
  s.panel_path = text(doc, "panel_path", "", false);
  if (s.panel_path.front() != '/') throw BadField{"panel_path must start with /"};
  auto as_of = parse_stamp(text(doc, "as_of", ""));
  if (!as_of) throw BadField{"as_of must be an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)"};
  s.as_of = *as_of;
  return s;
}

// "plan:<interview>:withdrawn:<ms>" (daemon/guidance/README.md, "Write-back events").
struct WithdrawnKey {
  std::optional<std::int64_t> interview_id;
  std::optional<Stamp> at;
};

std::optional<std::int64_t> whole(std::string_view s) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

WithdrawnKey parse_withdrawn_key(std::string_view key) {
  WithdrawnKey out;
  constexpr std::string_view kPrefix = "plan:";
  constexpr std::string_view kMiddle = ":withdrawn:";
  if (!key.starts_with(kPrefix)) return out;
  key.remove_prefix(kPrefix.size());
  auto middle = key.find(kMiddle);
  if (middle == std::string_view::npos) return out;
  out.interview_id = whole(key.substr(0, middle));
  if (auto ms = whole(key.substr(middle + kMiddle.size())); ms && *ms > 0)
    out.at = std::chrono::floor<std::chrono::seconds>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(*ms)));
  return out;
}

PlanWithdrawn withdrawn_of(const json& doc, std::string_view key) {
  PlanWithdrawn w;
  w.pupil = pupil_of(doc);
  auto from_key = parse_withdrawn_key(key);
  if (auto it = doc.find("interview_id"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer()) throw BadField{"interview_id must be a whole number"};
    w.interview_id = it->get<std::int64_t>();
  } else if (from_key.interview_id) {
    w.interview_id = *from_key.interview_id;
  } else {
    throw BadField{"interview_id is missing (and the idempotency key does not name it)"};
  }
  if (w.interview_id <= 0) throw BadField{"interview_id must be positive"};
  if (auto as_of = optional_text(doc, "as_of", "")) {
    w.as_of = parse_stamp(*as_of);
    if (!w.as_of) throw BadField{"as_of must be an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)"};
  } else {
    w.as_of = from_key.at;
  }
  return w;
}

}  // namespace

std::optional<Stamp> parse_stamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS, optional fraction, then Z.
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':' || (s.back() != 'Z' && s.back() != 'z'))
    return std::nullopt;
  auto field = [&](std::size_t at, std::size_t len) -> std::optional<std::int64_t> {
    auto part = s.substr(at, len);
    if (!std::ranges::all_of(part, [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return whole(part);
  };
  auto y = field(0, 4), mo = field(5, 2), d = field(8, 2);
  auto h = field(11, 2), mi = field(14, 2), sec = field(17, 2);
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  auto rest = s.substr(19, s.size() - 20);
  if (!rest.empty() &&
      (rest.front() != '.' || rest.size() < 2 ||
       !std::ranges::all_of(rest.substr(1), [](char c) { return c >= '0' && c <= '9'; })))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*y)},
                                  std::chrono::month{static_cast<unsigned>(*mo)},
                                  std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) +
         std::chrono::seconds(*sec);
}

std::string format_stamp(Stamp stamp) {
  const auto days = std::chrono::floor<std::chrono::days>(stamp);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{stamp - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::expected<WritebackEvent, std::string> parse_writeback_event(std::string_view payload,
                                                                 std::string_view idempotency_key) {
  auto doc = json::parse(payload, nullptr, false);
  if (doc.is_discarded()) return std::unexpected("payload is not valid JSON");
  if (!doc.is_object()) return std::unexpected("payload is not a JSON object");
  auto event = doc.find("event");
  if (event == doc.end() || !event->is_string())
    return std::unexpected("payload has no \"event\" name");
  const auto name = event->get<std::string>();
  try {
    if (name == "pupil.status") return status_of(doc);
    if (name == "plan.withdrawn") return withdrawn_of(doc, idempotency_key);
  } catch (const BadField& bad) {
    return std::unexpected(name + ": " + bad.what);
  } catch (const json::exception& e) {
    return std::unexpected(name + ": malformed payload (" + std::string(e.what()) + ")");
  }
  return IgnoredEvent{name};
}

}  // namespace careerlink::arbor
