#include "plugins/arbor/arbor_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "connectors/webhook/webhook_sink.hpp"

namespace careerlink::arbor {

using nlohmann::json;
using Kind = outbox::DeliveryResult::Kind;

namespace {

constexpr std::size_t kSnippet = 200;  // enough to say why; short enough for a log line
constexpr std::string_view kNoteRoot = "pastoralNote";
constexpr std::string_view kNotesRoot = "pastoralNotes";
constexpr std::string_view kUpnRoot = "ukDfe_UpnAssignment";
constexpr std::string_view kUpnsRoot = "ukDfe_UpnAssignments";

ApiFailure failure(Kind kind, std::string reason, int status = 0) {
  return ApiFailure{kind, status, std::move(reason), std::nullopt};
}

std::string one_line(std::string_view text) {
  std::string out(text.substr(0, kSnippet));
  for (auto& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > kSnippet) out += "...";
  return out;
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// The `response.code` Arbor may put in a body (the PHP SDK prefers it to the HTTP status).
std::optional<int> body_code(const json& doc) {
  if (!doc.is_object()) return std::nullopt;
  auto r = doc.find("response");
  if (r == doc.end() || !r->is_object()) return std::nullopt;
  auto c = r->find("code");
  if (c == r->end() || !c->is_number_integer()) return std::nullopt;
  return c->get<int>();
}

std::string text_of(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A reference is {"entityType": "...", "href": "..."} (the SDK's Hydrator), or just the href.
std::string href_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) return text_of(value, "href");
  return {};
}

// A date is "YYYY-MM-DD[ HH:MM:SS]" or {"entityType": "date", "date": "..."}; as 19 characters
// "YYYY-MM-DD HH:MM:SS" so two compare as text.
std::optional<std::string> date_text(const json& value) {
  std::string s;
  if (value.is_string()) s = value.get<std::string>();
  if (value.is_object()) s = text_of(value, "date");
  if (s.size() < 10) return std::nullopt;
  if (s.size() >= 11 && s[10] == 'T') s[10] = ' ';
  if (s.size() == 10) s += " 00:00:00";
  return s.substr(0, 19);
}

std::string now_text(TimePoint now) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(now);
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{secs - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string date_value(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u 00:00:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The list in a listing: under its root key ("pastoralNotes"), or the one list the answer holds.
// No list at all is an empty listing (as the SDK reads it).
ApiResult<std::vector<json>> listing(const json& doc, std::string_view root,
                                     std::string_view what) {
  if (!doc.is_object())
    return std::unexpected(
        failure(Kind::fail, "Arbor's listing of " + std::string(what) + " is not a JSON object"));
  if (auto it = doc.find(root); it != doc.end() && it->is_array())
    return it->get<std::vector<json>>();
  const json* only = nullptr;
  int lists = 0;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_array()) {
      only = &value;
      ++lists;
    }
  }
  if (lists == 0) return std::vector<json>{};
  if (lists > 1)
    return std::unexpected(failure(Kind::fail, "Arbor's listing of " + std::string(what) +
                                                   " has no \"" + std::string(root) + "\" list"));
  return only->get<std::vector<json>>();
}

// The resource in a single-resource answer: under its root key ("pastoralNote"), else the one
// member that is a resource (has an entityType).
const json* resource(const json& doc, std::string_view root) {
  if (!doc.is_object()) return nullptr;
  if (auto it = doc.find(root); it != doc.end() && it->is_object()) return &*it;
  const json* only = nullptr;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_object() && value.contains("entityType")) {
      if (only != nullptr) return nullptr;
      only = &value;
    }
  }
  return only;
}

ArborNote note_from(const json& object, std::string_view fallback_href) {
  ArborNote n;
  n.href = text_of(object, "href");
  if (n.href.empty()) n.href = std::string(fallback_href);
  if (auto s = object.find("student"); s != object.end()) n.student_href = href_of(*s);
  n.summary = text_of(object, "summary");
  n.content = text_of(object, "content");
  return n;
}

json note_body(const NoteFields& fields) {
  return json{{"summary", fields.summary},
              {"content", fields.content},
              {"noteDate", {{"entityType", "date"}, {"date", date_value(fields.note_date)}}}};
}

}  // namespace

outbox::DeliveryResult ApiFailure::result() const {
  if (kind == Kind::retry) return outbox::DeliveryResult::retry(reason, retry_after);
  return outbox::DeliveryResult::fail(reason);
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = std::string(user) + ":" + std::string(password);
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    const auto b1 = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0U;
    const auto b2 = i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0U;
    const unsigned triple = (b0 << 16U) | (b1 << 8U) | b2;
    out += kAlphabet[(triple >> 18U) & 63U];
    out += kAlphabet[(triple >> 12U) & 63U];
    out += i + 1 < in.size() ? kAlphabet[(triple >> 6U) & 63U] : '=';
    out += i + 2 < in.size() ? kAlphabet[triple & 63U] : '=';
  }
  return "Basic " + out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4U];
      out += kHex[u & 15U];
    }
  }
  return out;
}

std::string arbor_error_message(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object()) {
    if (auto r = doc.find("response"); r != doc.end() && r->is_object()) {
      if (auto errors = r->find("errors"); errors != r->end() && errors->is_array()) {
        std::string all;
        for (const auto& e : *errors) {
          auto m = e.is_object() ? text_of(e, "message") : std::string();
          if (!m.empty()) all += (all.empty() ? "" : "; ") + m;
        }
        if (!all.empty()) return one_line(all);
      }
      if (auto reason = text_of(*r, "reason"); !reason.empty()) return one_line(reason);
    }
  }
  return one_line(body);
}

std::optional<ApiFailure> classify_response(const http::HttpResponse& res, TimePoint now) {
  int status = res.status;
  if (status >= 200 && status <= 299) {
    // A 2xx whose body says otherwise (`response.code`) is taken at the body's word.
    auto doc = json::parse(res.body, nullptr, false);
    auto code = doc.is_discarded() ? std::nullopt : body_code(doc);
    if (!code || *code < 400) return std::nullopt;
    status = *code;
  }
  auto message = arbor_error_message(res.body);
  auto head = "HTTP " + std::to_string(status) + " from Arbor";
  if (status == 401)
    return failure(Kind::fail,
                   head +
                       ": the API user name or password was refused. Check the sink's username "
                       "and password_file/password_env, and that the Partner App is still "
                       "approved in Arbor (System > Partner Apps (API Users))",
                   status);
  if (status == 403)
    return failure(Kind::fail,
                   head +
                       ": the Partner App's API user may not do this. In Arbor (System > Partner "
                       "Apps (API Users)) check the app is approved with access to students' "
                       "UPNs and to view, add and edit pastoral notes" +
                       (message.empty() ? "" : " (Arbor said: " + message + ")"),
                   status);
  auto reason = head + (message.empty() ? "" : ": " + message);
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
    ApiFailure f = failure(Kind::retry, std::move(reason), status);
    if (auto h = res.header("Retry-After")) f.retry_after = webhook::parse_retry_after(*h, now);
    return f;
  }
  return failure(Kind::fail, std::move(reason), status);
}

// One request: the stop check, credentials, the send, and the mapping of the answer.
struct ArborApi::Call {
  ArborApi& api;
  const std::stop_token& stop;

  ApiResult<json> operator()(std::string method, std::string url, const json* body) const {
    if (stop.stop_requested())
      return std::unexpected(failure(Kind::retry, "not sent: shutting down"));
    http::HttpRequest req;
    req.method = std::move(method);
    req.url = std::move(url);
    req.headers = {{"Authorization", api.authorization_}, {"Accept", "application/json"}};
    if (body != nullptr) {
      req.headers.push_back({"Content-Type", "application/json"});
      req.body = body->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    auto now = std::chrono::system_clock::now();
    auto res = api.client_->send(req);
    if (!res)
      return std::unexpected(
          failure(Kind::retry, "Arbor did not answer: " + res.error().to_string()));
    spdlog::debug("arbor: {} {} -> {}", req.method, req.url, res->status);
    if (auto bad = classify_response(*res, now)) return std::unexpected(std::move(*bad));
    if (res->body.empty()) return json::object();
    auto doc = json::parse(res->body, nullptr, false);
    // Most likely a proxy's or gateway's page in front of Arbor: worth another try later.
    if (doc.is_discarded())
      return std::unexpected(
          failure(Kind::retry, "HTTP " + std::to_string(res->status) +
                                   " from Arbor, but not JSON: " + one_line(res->body)));
    return doc;
  }
};

ArborApi::ArborApi(ArborApiOptions options) : options_(std::move(options)) {
  std::string url = options_.url;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  if (url.ends_with("/rest-v2")) url.resize(url.size() - std::string_view("/rest-v2").size());
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://"))
    throw std::invalid_argument("url must start with https://");
  auto authority_at = url.find("://") + 3;
  auto path_at = url.find('/', authority_at);
  if (path_at != std::string::npos)
    throw std::invalid_argument(
        "url must be the school's Arbor address with no path, e.g. "
        "https://example.uk.arbor.sc");
  auto authority = std::string_view(url).substr(authority_at);
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    throw std::invalid_argument("url has no host (or holds credentials: use username/password)");
  auto host = authority.starts_with('[') ? authority.substr(0, authority.find(']') + 1)
                                         : authority.substr(0, authority.find(':'));
  if (!https && !is_loopback_host(host))
    throw std::invalid_argument(
        "url must start with https:// (http:// only for a test server on loopback): the API "
        "password is sent with every request");
  if (options_.username.empty()) throw std::invalid_argument("username is required");
  if (options_.password.empty()) throw std::invalid_argument("the API password is empty");
  origin_ = url;
  authorization_ = basic_authorization(options_.username, options_.password);
  client_ = std::make_unique<http::HttpClient>(options_.http);
}

ArborApi::~ArborApi() = default;

ApiResult<std::optional<std::string>> ArborApi::student_for_upn(std::string_view upn, TimePoint now,
                                                                const std::stop_token& stop) {
  Call call{*this, stop};
  auto doc = call(
      "GET", origin_ + std::string(kUpnAssignmentsPath) + "?filters.upn.equals=" + url_encode(upn),
      nullptr);
  if (!doc) return std::unexpected(std::move(doc.error()));
  auto items = listing(*doc, kUpnsRoot, "UPN assignments");
  if (!items) return std::unexpected(std::move(items.error()));

  std::set<std::string> current;
  std::set<std::string> ended;
  const auto now_s = now_text(now);
  for (auto item : *items) {
    if (!item.is_object()) continue;
    // A listing may hold only links: read the assignment itself for its student and dates.
    if (!item.contains("student")) {
      auto href = text_of(item, "href");
      if (href.empty()) continue;
      auto url = resolve(href);
      if (!url) return std::unexpected(std::move(url.error()));
      auto full = call("GET", *url, nullptr);
      if (!full && full.error().not_found()) continue;
      if (!full) return std::unexpected(std::move(full.error()));
      const json* object = resource(*full, kUpnRoot);
      if (object == nullptr)
        return std::unexpected(
            failure(Kind::fail, "Arbor's UPN assignment has no \"" + std::string(kUpnRoot) + "\""));
      item = *object;
    }
    // The filter is checked again, in case Arbor did not apply it.
    if (auto u = text_of(item, "upn"); !u.empty()) {
      if (!std::ranges::equal(u, upn, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          }))
        continue;
    }
    auto student = item.find("student") != item.end() ? href_of(item["student"]) : std::string();
    if (student.empty()) continue;
    std::optional<std::string> end;
    if (auto e = item.find("endDatetime"); e != item.end() && !e->is_null()) end = date_text(*e);
    (end && *end <= now_s ? ended : current).insert(student);
  }
  const auto& pick = current.empty() ? ended : current;
  if (pick.empty()) return std::optional<std::string>{};
  if (pick.size() > 1)
    return std::unexpected(failure(
        Kind::fail, "more than one Arbor student holds this pupil's UPN; correct it in Arbor"));
  return std::optional<std::string>{*pick.begin()};
}

ApiResult<std::string> ArborApi::resolve(std::string_view href) const {
  if (href.starts_with('/')) return origin_ + std::string(href);
  if (href.starts_with(origin_ + "/")) return std::string(href);
  return std::unexpected(failure(
      Kind::fail, "Arbor gave a link to another address; careerlink sends the API password to " +
                      origin_ + " only"));
}

ApiResult<std::vector<ArborNote>> ArborApi::notes_containing(std::string_view student_href,
                                                             std::string_view marker_part,
                                                             const std::stop_token& stop) {
  auto found = list_notes(student_href, marker_part, true, stop);
  if (!found || !found->empty()) return found;
  // Nothing matched. Before anyone creates a note on that word, list the student's notes without
  // the `like` filter: if Arbor read the pattern otherwise than careerlink does (took the % as
  // text, say), this still finds the note, where trusting the filter would make a duplicate.
  return list_notes(student_href, marker_part, false, stop);
}

ApiResult<std::vector<ArborNote>> ArborApi::list_notes(std::string_view student_href,
                                                       std::string_view marker_part, bool like,
                                                       const std::stop_token& stop) {
  auto url =
      origin_ + std::string(kNotesPath) + "?filters.student.equals=" + url_encode(student_href);
  if (like) url += "&filters.summary.like=" + url_encode("%" + std::string(marker_part) + "%");
  auto doc = Call{*this, stop}("GET", std::move(url), nullptr);
  if (!doc) return std::unexpected(std::move(doc.error()));
  auto items = listing(*doc, kNotesRoot, "pastoral notes");
  if (!items) return std::unexpected(std::move(items.error()));

  const auto wanted = path_of(student_href);
  std::vector<ArborNote> out;
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    auto href = text_of(item, "href");
    if (href.empty()) continue;
    // A summary in the listing that lacks the marker needs no closer look.
    if (item.contains("summary") && text_of(item, "summary").find(marker_part) == std::string::npos)
      continue;
    ArborNote note;
    if (item.contains("summary") && item.contains("content") && item.contains("student")) {
      note = note_from(item, href);
    } else {
      auto full = read_note(href, stop);
      if (!full && full.error().not_found()) continue;  // deleted since it was listed
      if (!full) return std::unexpected(std::move(full.error()));
      note = std::move(*full);
    }
    // The filters are checked again: Arbor may not have applied them as careerlink reads them.
    if (note.summary.find(marker_part) == std::string::npos) continue;
    if (!note.student_href.empty() && path_of(note.student_href) != wanted) continue;
    out.push_back(std::move(note));
  }
  return out;
}

ApiResult<ArborNote> ArborApi::read_note(std::string_view href, const std::stop_token& stop) {
  auto url = resolve(href);
  if (!url) return std::unexpected(std::move(url.error()));
  auto doc = Call{*this, stop}("GET", *url, nullptr);
  if (!doc) return std::unexpected(std::move(doc.error()));
  const json* object = resource(*doc, kNoteRoot);
  if (object == nullptr)
    return std::unexpected(
        failure(Kind::fail, "Arbor's answer holds no \"" + std::string(kNoteRoot) + "\""));
  return note_from(*object, href);
}

ApiResult<std::string> ArborApi::create_note(std::string_view student_href,
                                             const NoteFields& fields,
                                             const std::stop_token& stop) {
  json note = note_body(fields);
  note["entityType"] = "PastoralNote";
  note["student"] = {{"entityType", "Student"}, {"href", student_href}};
  const json body{{"request", {{kNoteRoot, std::move(note)}}}};
  auto doc = Call{*this, stop}("POST", origin_ + std::string(kNotesPath), &body);
  if (!doc) return std::unexpected(std::move(doc.error()));
  const json* object = resource(*doc, kNoteRoot);
  auto href = object != nullptr ? text_of(*object, "href") : std::string();
  // The note may well exist: the next attempt finds it by its marker rather than making another.
  if (href.empty())
    return std::unexpected(
        failure(Kind::retry, "Arbor's answer to creating the note gave no href for it"));
  return href;
}

ApiResult<void> ArborApi::update_note(std::string_view href, const NoteFields& fields,
                                      const std::stop_token& stop) {
  auto url = resolve(href);
  if (!url) return std::unexpected(std::move(url.error()));
  // Only the fields that change, as the SDK's update() sends its diff.
  const json body{{"request", {{kNoteRoot, note_body(fields)}}}};
  auto doc = Call{*this, stop}("PUT", *url, &body);
  if (!doc) return std::unexpected(std::move(doc.error()));
  return {};
}

std::string ArborApi::path_of(std::string_view href) const {
  if (href.starts_with(origin_ + "/")) href.remove_prefix(origin_.size());
  return std::string(href);
}

}  // namespace careerlink::arbor
