#include "daemon/guidance/guidance_json.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::guidance {
namespace {

using nlohmann::json;

std::string_view trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

// Characters as a person (and JSON Schema's maxLength) counts them: code points, not bytes.
std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// What the sender gave, for "got ...".
std::string shown(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return v.dump();
    case json::value_t::string:
      return json_quoted(v.get_ref<const std::string&>());
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    default:
      return "a value of another kind";
  }
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& words) {
  std::string out = "one of ";
  for (std::size_t i = 0; i < N; ++i) {
    out += (i ? ", " : "");
    out += words[i];
  }
  return out;
}

// Edit distance, to suggest the field a typo meant.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool all_digits(std::string_view s) {
  return std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

bool has_control_char(std::string_view s) {
  return std::ranges::any_of(s, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::string join(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

class Errors {
 public:
  void add(std::string field, std::string message) {
    list_.push_back(FieldError{std::move(field), std::move(message)});
  }
  [[nodiscard]] bool has(std::string_view field) const {
    return std::ranges::any_of(list_, [&](const FieldError& e) { return e.field == field; });
  }
  [[nodiscard]] bool empty() const { return list_.empty(); }
  std::vector<FieldError> take() { return std::move(list_); }

 private:
  std::vector<FieldError> list_;
};

// One JSON object being read: refuses keys it does not know, reports a required field that is
// missing with what to send, and a field of the wrong type with what was sent.
class Object {
 public:
  // `value` nullptr means the object was not given (its parent reported that if it mattered).
  Object(const json* value, std::string path, std::span<const JsonField> fields,
         std::string_view what, Errors& errors)
      : path_(std::move(path)), fields_(fields), errors_(errors) {
    if (value == nullptr) return;
    if (!value->is_object()) {
      errors_.add(path_, "must be " + std::string(what) + " (a JSON object), got " + shown(*value));
      return;
    }
    obj_ = value;
    for (const auto& [key, unused] : obj_->items()) {
      if (spec(key) == nullptr) unknown(key, what);
    }
  }

  [[nodiscard]] bool present() const { return obj_ != nullptr; }
  [[nodiscard]] std::string path(std::string_view key) const { return join(path_, key); }

  // The value of `key`, or nullptr when it is absent or null; a missing required field is
  // reported with `expectation` ("a date written YYYY-MM-DD").
  const json* get(std::string_view key, std::string_view expectation) {
    if (obj_ == nullptr) return nullptr;
    const auto it = obj_->find(key);
    if (it != obj_->end() && !it->is_null()) return &*it;
    const JsonField* field = spec(key);
    if (field != nullptr && field->required) {
      errors_.add(path(key), "is required; send " + std::string(expectation));
    }
    return nullptr;
  }

  void fault(std::string_view key, std::string message) {
    errors_.add(path(key), std::move(message));
  }
  void wrong(std::string_view key, std::string_view expectation, const json& got) {
    fault(key, "must be " + std::string(expectation) + ", got " + shown(got));
  }
  [[nodiscard]] bool faulted(std::string_view key) const { return errors_.has(path(key)); }
  [[nodiscard]] bool required(std::string_view key) const {
    const JsonField* field = spec(key);
    return field != nullptr && field->required;
  }

  // A trimmed string. Empty counts as not given, which is a fault for a required field.
  std::optional<std::string> text(std::string_view key, std::size_t max_chars,
                                  std::string_view expectation = "a string") {
    const json* v = get(key, expectation);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      wrong(key, expectation, *v);
      return std::nullopt;
    }
    const std::string_view s = trim(v->get_ref<const std::string&>());
    if (s.empty()) {
      if (required(key)) fault(key, "must not be empty; send " + std::string(expectation));
      return std::nullopt;
    }
    if (const std::size_t n = utf8_chars(s); n > max_chars) {
      fault(key, "is " + std::to_string(n) + " characters long; the limit is " +
                     std::to_string(max_chars));
      return std::nullopt;
    }
    return std::string(s);
  }

  template <std::size_t N>
  std::optional<std::string> word(std::string_view key,
                                  const std::array<std::string_view, N>& allowed) {
    const std::string expectation = one_of(allowed);
    const json* v = get(key, expectation);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      wrong(key, expectation, *v);
      return std::nullopt;
    }
    const std::string_view s = trim(v->get_ref<const std::string&>());
    if (s.empty() && !required(key)) return std::nullopt;
    if (std::ranges::find(allowed, s) == allowed.end()) {
      wrong(key, expectation, json(std::string(s)));
      return std::nullopt;
    }
    return std::string(s);
  }

  // An ISO date; when `not_after` is given (today), a later date is a fault.
  std::optional<std::string> date(std::string_view key, std::string_view not_after = {}) {
    constexpr std::string_view kExpect = "a date written YYYY-MM-DD";
    const json* v = get(key, kExpect);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      wrong(key, kExpect, *v);
      return std::nullopt;
    }
    const std::string_view s = trim(v->get_ref<const std::string&>());
    if (s.empty() && !required(key)) return std::nullopt;
    const bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                        all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2)) &&
                        all_digits(s.substr(8, 2));
    if (!shaped) {
      wrong(key, kExpect, json(std::string(s)));
      return std::nullopt;
    }
    if (!parse_iso_date(s)) {
      fault(key, "must be a real calendar date written YYYY-MM-DD, got " + json_quoted(s));
      return std::nullopt;
    }
    if (!not_after.empty() && s > not_after) {
      fault(key, "must not be after today (" + std::string(not_after) + "), got " + json_quoted(s));
      return std::nullopt;
    }
    return std::string(s);
  }

  // A whole number from lo to hi (45.0 counts, as JSON Schema's "integer" has it).
  std::optional<int> integer(std::string_view key, int lo, int hi, std::string_view expectation) {
    const json* v = get(key, expectation);
    if (v == nullptr) return std::nullopt;
    std::optional<std::int64_t> n;
    if (v->is_number_integer()) {
      if (v->is_number_unsigned()) {
        if (v->get<std::uint64_t>() <= 1'000'000) n = v->get<std::int64_t>();
      } else {
        n = v->get<std::int64_t>();
      }
    } else if (v->is_number_float()) {
      const double d = v->get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 1e6) {
        n = static_cast<std::int64_t>(d);
      }
    }
    if (!n || *n < lo || *n > hi) {
      wrong(key, expectation, *v);
      return std::nullopt;
    }
    return static_cast<int>(*n);
  }

  std::optional<bool> boolean(std::string_view key) {
    constexpr std::string_view kExpect = "true or false";
    const json* v = get(key, kExpect);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) {
      wrong(key, kExpect, *v);
      return std::nullopt;
    }
    return v->get<bool>();
  }

  Object object(std::string_view key, std::span<const JsonField> fields, std::string_view what,
                std::string_view expectation) {
    return Object(get(key, expectation), path(key), fields, what, errors_);
  }

  const json* array(std::string_view key, std::string_view expectation) {
    const json* v = get(key, expectation);
    if (v != nullptr && !v->is_array()) {
      wrong(key, expectation, *v);
      return nullptr;
    }
    return v;
  }

 private:
  [[nodiscard]] const JsonField* spec(std::string_view key) const {
    const auto it = std::ranges::find(fields_, key, &JsonField::name);
    return it == fields_.end() ? nullptr : &*it;
  }

  void unknown(const std::string& key, std::string_view what) {
    std::string message = "is not a field of " + std::string(what);
    const JsonField* best = nullptr;
    std::size_t best_distance = 3;  // suggest only near misses: two edits at most
    for (const JsonField& f : fields_) {
      if (const std::size_t d = distance(key, f.name); d < best_distance) {
        best = &f;
        best_distance = d;
      }
    }
    if (best != nullptr) message += " (did you mean " + json_quoted(best->name) + "?)";
    message += "; the fields are: ";
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      message += (i ? ", " : "");
      message += fields_[i].name;
    }
    errors_.add(path(key), std::move(message));
  }

  const json* obj_ = nullptr;
  std::string path_;
  std::span<const JsonField> fields_;
  Errors& errors_;
};

std::optional<std::string> urn(Object& o, std::string_view key, std::string_view expectation) {
  auto value = o.text(key, kMaxIdChars, expectation);
  if (value && !(value->size() == 6 && all_digits(*value))) {
    o.wrong(key, expectation, json(*value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> activity_code(Object& o, std::string_view key) {
  auto code = o.text(key, kMaxIdChars, "an NCCIS activity code as a string, such as \"230\"");
  if (code && find_activity(*code) == nullptr) {
    o.fault(key, json_quoted(*code) +
                     " is not an NCCIS activity code; use a code from the NCCIS list, such as "
                     "\"230\" (full-time further education) or \"310\" (apprenticeship)");
    return std::nullopt;
  }
  return code;
}

std::optional<PupilRef> pupil(Object& parent) {
  Object p = parent.object("pupil", fields::kPupil, "a pupil",
                           "{\"upn\": \"...\"} or {\"mis_id\": \"...\"} naming the pupil");
  if (!p.present()) return std::nullopt;
  PupilRef ref;
  ref.upn = p.text("upn", kMaxIdChars, "the pupil's 13-character UPN");
  if (ref.upn) {
    if (auto problem = upn_problem(*ref.upn)) {
      p.fault("upn", *std::move(problem));
      ref.upn.reset();
    }
  }
  ref.mis_id = p.text("mis_id", kMaxIdChars, "the MIS's id for the pupil");
  if (ref.upn || ref.mis_id) return ref;
  // A bad upn or mis_id has its own fault; say "give one" only when neither was sent.
  if (!p.faulted("upn") && !p.faulted("mis_id")) {
    parent.fault("pupil",
                 "needs \"upn\" (the pupil's UPN) or \"mis_id\" (the MIS's id for the "
                 "pupil), or both");
  }
  return std::nullopt;
}

void external_id(Object& root, std::string_view from_url, std::string& out) {
  const auto in_body = root.text("external_id", kMaxIdChars, "the provider's id for the interview");
  const std::string url_id(trim(from_url));
  if (url_id.empty()) {
    if (in_body && has_control_char(*in_body)) {
      root.fault("external_id", "must not hold control characters (tabs, line breaks)");
    } else if (in_body) {
      out = *in_body;
    } else if (!root.faulted("external_id")) {
      root.fault("external_id", "is required; send the provider's own id for the interview");
    }
    return;
  }
  if (utf8_chars(url_id) > kMaxIdChars || has_control_char(url_id)) {
    root.fault("external_id", "the id in the URL must be at most " + std::to_string(kMaxIdChars) +
                                  " characters, without control characters");
    return;
  }
  if (in_body && *in_body != url_id) {
    root.fault("external_id", "is " + json_quoted(*in_body) + " but the URL names " +
                                  json_quoted(url_id) +
                                  "; send the same id, or leave external_id out");
    return;
  }
  out = url_id;
}

std::optional<Action> action(const json& value, const std::string& path, std::string_view today,
                             Errors& errors) {
  if (value.is_null()) {
    errors.add(path, "must be an action (a JSON object), got null");
    return std::nullopt;
  }
  Object a(&value, path, fields::kAction, "an action", errors);
  if (!a.present()) return std::nullopt;
  Action out;
  auto id = a.text("id", kMaxIdChars, "the action's id within the plan, such as \"a1\"");
  auto text = a.text("text", kMaxTextChars, "what is to be done");
  auto owner = a.word("owner", vocab::kActionOwners);
  out.due = a.date("due");
  auto status = a.word("status", vocab::kActionStatuses);
  out.done_on = a.date("done_on", today);
  out.done_by = a.text("done_by", kMaxTextChars);
  if (out.done_on && status.value_or("open") == "open" && !a.faulted("status")) {
    a.fault("done_on",
            "is set but the action's status is \"open\"; set status to \"done\" or "
            "\"dropped\", or leave done_on out");
  }
  if (!id || !text || !owner) return std::nullopt;
  out.id = *std::move(id);
  out.text = *std::move(text);
  out.owner = *std::move(owner);
  if (status) out.status = *std::move(status);
  return out;
}

std::optional<ActionPlan> plan(Object& root, std::string_view today, Errors& errors) {
  Object p = root.object("plan", fields::kPlan, "an action plan", "an action plan object");
  if (!p.present()) return std::nullopt;
  ActionPlan out;
  out.summary = p.text("summary", kMaxSummaryChars).value_or("");

  Object d = p.object("intended_destination", fields::kIntendedDestination,
                      "an intended destination", "an object with an activity_code");
  if (d.present()) {
    IntendedDestination dest;
    auto code = activity_code(d, "activity_code");
    dest.provider = d.text("provider", kMaxTextChars);
    dest.course = d.text("course", kMaxTextChars);
    if (code) {
      dest.activity_code = *std::move(code);
      out.intended_destination = std::move(dest);
    }
  }

  if (const json* actions = p.array("actions", "an array of actions")) {
    if (actions->size() > kMaxActions) {
      p.fault("actions", "has " + std::to_string(actions->size()) + " actions; the limit is " +
                             std::to_string(kMaxActions) + " per plan");
    } else {
      std::map<std::string, std::size_t, std::less<>> seen;  // id -> first index
      for (std::size_t i = 0; i < actions->size(); ++i) {
        const std::string path = p.path("actions") + "[" + std::to_string(i) + "]";
        auto a = action((*actions)[i], path, today, errors);
        if (!a) continue;
        const auto [it, fresh] = seen.emplace(a->id, i);
        if (!fresh) {
          errors.add(path + ".id", "repeats the id " + json_quoted(a->id) + " of " +
                                       p.path("actions") + "[" + std::to_string(it->second) +
                                       "]; each action in a plan needs its own id");
          continue;
        }
        out.actions.push_back(*std::move(a));
      }
    }
  }
  out.next_review = p.date("next_review");
  return out;
}

template <typename T>
std::expected<T, std::vector<FieldError>> result(T value, Errors& errors) {
  if (!errors.empty()) return std::unexpected(errors.take());
  return value;
}

void put(json& o, const char* key, const std::optional<std::string>& value) {
  if (value) o[key] = *value;
}

json pupil_json(const PupilRef& ref) {
  json p = json::object();
  put(p, "upn", ref.upn);
  put(p, "mis_id", ref.mis_id);
  return p;
}

// Nesting depth outside strings, or the line where it passes `max_depth`.
std::optional<std::size_t> too_deep(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  std::size_t line = 1;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return line;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Follows the parser through the document to find an object that names a key twice, and where.
class DuplicateKeys {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{event == json::parse_event_t::object_start, {}, {}, 0});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        next_element();
        break;
      case json::parse_event_t::key:
        if (!frames_.empty() && parsed.is_string()) {
          Frame& top = frames_.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second && !duplicate_) duplicate_ = here();
        }
        break;
      case json::parse_event_t::value:
        next_element();
        break;
    }
    return true;
  }
  [[nodiscard]] const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;  // the key whose value is being read
    std::size_t index;
  };

  void next_element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  [[nodiscard]] std::string here() const {
    std::string path;
    for (const Frame& f : frames_) {
      if (f.object) {
        path += (path.empty() ? "" : ".") + f.key;
      } else {
        path += "[" + std::to_string(f.index) + "]";
      }
    }
    return path;
  }

  std::vector<Frame> frames_;
  std::optional<std::string> duplicate_;
};

}  // namespace

std::string json_quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string cut(s.substr(0, std::min(s.size(), kMax)));
  if (s.size() > kMax) {
    // Do not split a UTF-8 sequence: back up to a lead byte.
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
      cut.pop_back();
    if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0x80) != 0) cut.pop_back();
    cut += "...";
  }
  return json(cut).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::expected<Interview, std::vector<FieldError>> parse_interview(const json& body,
                                                                  std::string_view external_id,
                                                                  std::string_view today) {
  Errors errors;
  Object root(&body, "", fields::kInterview, "an interview", errors);
  if (!root.present()) return std::unexpected(errors.take());

  Interview out;
  guidance::external_id(root, external_id, out.external_id);
  out.school_urn =
      urn(root, "school_urn", "the school's 6-digit URN, such as \"137942\"").value_or("");
  out.pupil = pupil(root).value_or(PupilRef{});
  out.date = root.date("date", today).value_or("");
  out.minutes = root.integer("minutes", kMinMinutes, kMaxMinutes,
                             "a whole number of minutes from " + std::to_string(kMinMinutes) +
                                 " to " + std::to_string(kMaxMinutes))
                    .value_or(0);
  out.kind = root.word("kind", vocab::kInterviewKinds).value_or("");

  Object adviser = root.object("adviser", fields::kAdviser, "an adviser",
                               "an object with the adviser's name, organisation and "
                               "qualification_level");
  if (adviser.present()) {
    out.adviser.name = adviser.text("name", kMaxTextChars, "the adviser's name").value_or("");
    out.adviser.organisation =
        adviser.text("organisation", kMaxTextChars, "the adviser's organisation").value_or("");
    out.adviser.qualification_level =
        adviser
            .integer("qualification_level", kMinQualificationLevel, kMaxQualificationLevel,
                     "a whole number from " + std::to_string(kMinQualificationLevel) + " to " +
                         std::to_string(kMaxQualificationLevel) +
                         " (the adviser's qualification level; 6 or more counts as qualified)")
            .value_or(0);
  }
  out.provider_type = root.word("provider_type", vocab::kProviderTypes).value_or("");

  Object consent =
      root.object("consent", fields::kConsent, "consent",
                  "what the pupil agreed to share: {\"share_with_staff\": true|false, "
                  "\"share_with_trackers\": true|false, \"recorded_on\": \"YYYY-MM-DD\"}");
  if (consent.present()) {
    out.consent.share_with_staff = consent.boolean("share_with_staff").value_or(false);
    out.consent.share_with_trackers = consent.boolean("share_with_trackers").value_or(false);
    out.consent.recorded_on = consent.date("recorded_on", today).value_or("");
    out.consent.recorded_by = consent.text("recorded_by", kMaxTextChars);
  }
  out.plan = plan(root, today, errors);
  return result(std::move(out), errors);
}

json interview_to_json(const Interview& in) {
  json j = json::object();
  j["external_id"] = in.external_id;
  j["school_urn"] = in.school_urn;
  j["pupil"] = pupil_json(in.pupil);
  j["date"] = in.date;
  j["minutes"] = in.minutes;
  j["kind"] = in.kind;
  j["adviser"] = {{"name", in.adviser.name},
                  {"organisation", in.adviser.organisation},
                  {"qualification_level", in.adviser.qualification_level}};
  j["provider_type"] = in.provider_type;
  json consent = {{"share_with_staff", in.consent.share_with_staff},
                  {"share_with_trackers", in.consent.share_with_trackers},
                  {"recorded_on", in.consent.recorded_on}};
  put(consent, "recorded_by", in.consent.recorded_by);
  j["consent"] = std::move(consent);
  if (in.plan) {
    const ActionPlan& p = *in.plan;
    json plan = json::object();
    if (!p.summary.empty()) plan["summary"] = p.summary;
    if (p.intended_destination) {
      json d = {{"activity_code", p.intended_destination->activity_code}};
      put(d, "provider", p.intended_destination->provider);
      put(d, "course", p.intended_destination->course);
      plan["intended_destination"] = std::move(d);
    }
    json actions = json::array();
    for (const Action& a : p.actions) {
      json action = {{"id", a.id}, {"text", a.text}, {"owner", a.owner}};
      put(action, "due", a.due);
      action["status"] = a.status;
      put(action, "done_on", a.done_on);
      put(action, "done_by", a.done_by);
      actions.push_back(std::move(action));
    }
    plan["actions"] = std::move(actions);
    put(plan, "next_review", p.next_review);
    j["plan"] = std::move(plan);
  }
  return j;
}

std::expected<Destination, std::vector<FieldError>> parse_destination(const json& body,
                                                                      std::string_view today) {
  Errors errors;
  Object root(&body, "", fields::kDestination, "a destination", errors);
  if (!root.present()) return std::unexpected(errors.take());

  Destination out;
  out.school_urn =
      urn(root, "school_urn", "the school's 6-digit URN, such as \"137942\"").value_or("");
  out.pupil = pupil(root).value_or(PupilRef{});
  out.type = root.word("type", vocab::kDestinationTypes).value_or("");
  out.activity_code = activity_code(root, "activity_code").value_or("");
  Object provider = root.object("provider", fields::kProvider, "a provider",
                                "an object with the provider's name, urn or ukprn");
  if (provider.present()) {
    out.provider_name = provider.text("name", kMaxTextChars, "the provider's name");
    out.provider_urn = urn(provider, "urn", "a school's 6-digit URN, such as \"137942\"");
    out.provider_ukprn = provider.text("ukprn", kMaxIdChars, "an 8-digit UKPRN starting with 1");
    if (const auto& u = out.provider_ukprn;
        u && !(u->size() == 8 && (*u)[0] == '1' && all_digits(*u))) {
      provider.wrong("ukprn", "an 8-digit UKPRN starting with 1, such as \"10001234\"", json(*u));
    }
  }
  out.course = root.text("course", kMaxTextChars);
  out.start_date = root.date("start_date");
  out.confirmed_by = root.word("confirmed_by", vocab::kConfirmedBy);
  out.recorded_on = root.date("recorded_on", today);
  return result(std::move(out), errors);
}

json destination_to_json(const Destination& in) {
  json j = json::object();
  j["school_urn"] = in.school_urn;
  j["pupil"] = pupil_json(in.pupil);
  j["type"] = in.type;
  j["activity_code"] = in.activity_code;
  json provider = json::object();
  put(provider, "name", in.provider_name);
  put(provider, "urn", in.provider_urn);
  put(provider, "ukprn", in.provider_ukprn);
  if (!provider.empty()) j["provider"] = std::move(provider);
  put(j, "course", in.course);
  put(j, "start_date", in.start_date);
  put(j, "confirmed_by", in.confirmed_by);
  put(j, "recorded_on", in.recorded_on);
  return j;
}

std::string field_errors_json(std::span<const FieldError> errors) {
  json list = json::array();
  for (const FieldError& e : errors) {
    list.push_back({{"field", e.field}, {"message", e.message}});
  }
  return json{{"errors", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::expected<json, std::string> parse_json_text(std::string_view text, std::size_t max_depth) {
  if (const auto line = too_deep(text, max_depth)) {
    return std::unexpected("it nests more than " + std::to_string(max_depth) +
                           " levels deep (line " + std::to_string(*line) + ")");
  }
  DuplicateKeys duplicates;
  try {
    json doc = json::parse(
        text.begin(), text.end(),
        [&duplicates](int /*depth*/, json::parse_event_t event, json& parsed) {
          return duplicates.on_event(event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/false);
    if (const auto& where = duplicates.duplicate()) {
      return std::unexpected(json_quoted(*where) +
                             " is given twice in one object; send each field once");
    }
    return doc;
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without the tag.
    std::string_view what = e.what();
    if (const auto tag_end = what.find("] "); what.starts_with("[json.") && tag_end != what.npos) {
      what.remove_prefix(tag_end + 2);
    }
    // The message quotes the input it stopped at, which may be the invalid UTF-8 it refused.
    std::string message(what);
    for (char& c : message) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    return std::unexpected(std::move(message));
  }
}

}  // namespace careerlink::guidance
