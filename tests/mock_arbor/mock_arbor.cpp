#include "tests/mock_arbor/mock_arbor.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <variant>

#include "daemon/http/server/http_server.hpp"
#include "daemon/metrics/metrics.hpp"

namespace careerlink::test {

using http::Request;
using http::Response;
using nlohmann::json;

namespace {

constexpr std::string_view kNotes = "/rest-v2/pastoral-notes";
constexpr std::string_view kUpns = "/rest-v2/uk-dfe_upn-assignments";
constexpr std::string_view kStudents = "/rest-v2/students";

// The error body the SDK reads (sis-sdk-php HttpClient::sendRequest).
Response error(int status, std::string_view reason, std::string_view message,
               std::string_view exception = "Arbor\\Api\\Exception") {
  json body{{"response",
             {{"code", status},
              {"reason", reason},
              {"errors", json::array({{{"exception", exception},
                                       {"message", message},
                                       {"trace", json::array()}}})}}}};
  return Response::json(status, body.dump());
}

Response validation(std::string_view message) {
  return error(422, "Unprocessable Entity", message, "Arbor\\Model\\ValidationException");
}

std::optional<std::string> base64_decode(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '=') {
      if (i < in.size() - 2) return std::nullopt;
      break;
    }
    auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6U) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU);
    }
  }
  return out;
}

std::optional<std::int64_t> id_after(std::string_view path, std::string_view collection) {
  if (!path.starts_with(collection) || path.size() < collection.size() + 2 ||
      path[collection.size()] != '/')
    return std::nullopt;
  auto digits = path.substr(collection.size() + 1);
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return id;
}

// "YYYY-MM-DD" from "YYYY-MM-DD[ HH:MM:SS]" or {"entityType":"date","date":"..."}.
std::optional<std::string> note_date(const json& value) {
  std::string s;
  if (value.is_string()) s = value.get<std::string>();
  if (value.is_object() && value.value("entityType", "") == "date")
    s = value.value("date", std::string());
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  return s.substr(0, 10);
}

struct UpnAssignment {
  std::int64_t id = 0;
  std::string student_href;
  std::string upn;
  bool ended = false;
};

}  // namespace

bool sql_like(std::string_view text, std::string_view pattern) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  // Classic two-pointer wildcard match with backtracking to the last %.
  std::size_t t = 0;
  std::size_t p = 0;
  std::optional<std::size_t> star;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '_' || lower(pattern[p]) == lower(text[t]))) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      mark = t;
    } else if (star) {
      p = *star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%')
    ++p;
  return p == pattern.size();
}

struct MockArbor::Impl {
  MockArborOptions options;
  metrics::Registry registry;
  std::unique_ptr<http::HttpServer> server;

  mutable std::mutex mutex;
  std::condition_variable wake;  // ends a stall early when the mock shuts down
  bool closing = false;
  std::int64_t next_id = 1;
  std::map<std::int64_t, std::string> students;  // id -> href
  std::vector<UpnAssignment> upns;
  std::map<std::int64_t, MockNote> notes;
  std::vector<MockRequest> seen;
  int fail_count = 0;
  int fail_status = 503;
  int throttle_count = 0;
  std::string retry_after;
  std::chrono::milliseconds delay{0};
  std::optional<Lose> lose;
  std::chrono::milliseconds stall{0};
  bool full_listings = false;
  Like like_mode = Like::sql;

  json note_json(const MockNote& n, bool full) const {
    json j{{"entityType", "PastoralNote"}, {"href", n.href}, {"displayName", "Pastoral Note"}};
    if (!full) return j;
    j["student"] = {{"entityType", "Student"}, {"href", n.student_href}};
    j["summary"] = n.summary;
    j["content"] = n.content;
    j["noteDate"] = n.note_date;
    return j;
  }

  static json upn_json(const UpnAssignment& a, bool full) {
    json j{{"entityType", "UkDfe_UpnAssignment"},
           {"href", std::string(kUpns) + "/" + std::to_string(a.id)},
           {"displayName", a.upn}};
    if (!full) return j;
    j["student"] = {{"entityType", "Student"}, {"href", a.student_href}};
    j["upn"] = a.upn;
    j["startDatetime"] = "2019-09-01 00:00:00";
    j["endDatetime"] = a.ended ? json("2024-08-31 00:00:00") : json(nullptr);
    j["isTemporary"] = false;
    return j;
  }

  bool student_exists(std::string_view href) const {
    return std::ranges::any_of(students, [&](const auto& s) { return s.second == href; });
  }

  // The note fields in a create or update body, checked as Arbor's validation would.
  std::variant<json, Response> note_fields(const std::string& body) const {
    auto doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return error(400, "Bad Request", "The request body is not valid JSON");
    auto request = doc.find("request");
    if (request == doc.end() || !request->is_object() || !request->contains("pastoralNote") ||
        !(*request)["pastoralNote"].is_object())
      return error(400, "Bad Request",
                   "The request body must be {\"request\":{\"pastoralNote\":{...}}}");
    return (*request)["pastoralNote"];
  }

  std::optional<Response> check_summary(const json& fields) const {
    auto it = fields.find("summary");
    if (it == fields.end() || !it->is_string() || it->get<std::string>().empty())
      return validation("Summary: a value is required");
    if (it->get<std::string>().size() > options.summary_limit)
      return validation("Summary: must be no longer than " + std::to_string(options.summary_limit) +
                        " characters");
    return std::nullopt;
  }

  Response list_notes(const Request& req) const {
    std::optional<std::string> student;
    std::optional<std::string> like;
    std::optional<std::string> equals;
    for (const auto& [key, value] : req.query) {
      if (key == "filters.student.equals") {
        student = value;
      } else if (key == "filters.summary.like") {
        like = value;
      } else if (key == "filters.summary.equals") {
        equals = value;
      } else {
        return error(400, "Bad Request", "Unknown filter " + key);
      }
    }
    json list = json::array();
    for (const auto& [id, n] : notes) {
      if (student && n.student_href != *student) continue;
      if (like && like_mode == Like::sql && !sql_like(n.summary, *like)) continue;
      if (like && like_mode == Like::literal && n.summary.find(*like) == std::string::npos)
        continue;
      if (equals && n.summary != *equals) continue;
      list.push_back(note_json(n, full_listings));
    }
    return Response::json(200, json{{"pastoralNotes", list}}.dump());
  }

  Response list_upns(const Request& req) const {
    std::optional<std::string> upn;
    for (const auto& [key, value] : req.query) {
      if (key != "filters.upn.equals") return error(400, "Bad Request", "Unknown filter " + key);
      upn = value;
    }
    json list = json::array();
    for (const auto& a : upns)
      if (!upn || a.upn == *upn) list.push_back(upn_json(a, full_listings));
    return Response::json(200, json{{"ukDfe_UpnAssignments", list}}.dump());
  }

  Response create_note(const Request& req) {
    auto parsed = note_fields(req.body);
    if (auto* r = std::get_if<Response>(&parsed)) return *r;
    const auto& fields = std::get<json>(parsed);
    auto student = fields.find("student");
    if (student == fields.end() || !student->is_object() || !student->contains("href"))
      return validation("Student: a value is required");
    auto student_href = (*student)["href"].is_string() ? (*student)["href"].get<std::string>() : "";
    if (!student_exists(student_href)) return validation("Student: the Student does not exist");
    if (auto bad = check_summary(fields)) return *bad;
    auto content = fields.find("content");
    if (content == fields.end() || !content->is_string())
      return validation("Content: a value is required");
    auto date = fields.contains("noteDate") ? note_date(fields["noteDate"]) : std::nullopt;
    if (!date) return validation("Note Date: a valid date is required");
    MockNote n;
    n.id = next_id++;
    n.href = std::string(kNotes) + "/" + std::to_string(n.id);
    n.student_href = student_href;
    n.summary = fields["summary"].get<std::string>();
    n.content = content->get<std::string>();
    n.note_date = *date;
    n.writes = 1;
    notes[n.id] = n;
    return Response::json(200, json{{"pastoralNote", note_json(n, true)}}.dump());
  }

  Response update_note(std::int64_t id, const Request& req) {
    auto it = notes.find(id);
    if (it == notes.end()) return error(404, "Not Found", "Pastoral Note not found");
    auto parsed = note_fields(req.body);
    if (auto* r = std::get_if<Response>(&parsed)) return *r;
    const auto& fields = std::get<json>(parsed);
    if (fields.contains("summary"))
      if (auto bad = check_summary(fields)) return *bad;
    if (fields.contains("student"))
      return validation("Student: cannot be changed on an existing note");
    auto& n = it->second;
    if (auto c = fields.find("content"); c != fields.end()) {
      if (!c->is_string()) return validation("Content: must be text");
      n.content = c->get<std::string>();
    }
    if (auto d = fields.find("noteDate"); d != fields.end()) {
      auto date = note_date(*d);
      if (!date) return validation("Note Date: a valid date is required");
      n.note_date = *date;
    }
    if (fields.contains("summary")) n.summary = fields["summary"].get<std::string>();
    ++n.writes;
    return Response::json(200, json{{"pastoralNote", note_json(n, true)}}.dump());
  }

  Response route(const Request& req) {
    const auto& path = req.path;
    if (req.method == "GET") {
      if (path == kNotes) return list_notes(req);
      if (path == kUpns) return list_upns(req);
      if (auto id = id_after(path, kNotes)) {
        auto it = notes.find(*id);
        if (it == notes.end()) return error(404, "Not Found", "Pastoral Note not found");
        return Response::json(200, json{{"pastoralNote", note_json(it->second, true)}}.dump());
      }
      if (auto id = id_after(path, kUpns)) {
        auto it = std::ranges::find_if(upns, [&](const auto& a) { return a.id == *id; });
        if (it == upns.end()) return error(404, "Not Found", "UPN Assignment not found");
        return Response::json(200, json{{"ukDfe_UpnAssignment", upn_json(*it, true)}}.dump());
      }
      if (auto id = id_after(path, kStudents); id && students.contains(*id))
        return Response::json(
            200, json{{"student", {{"entityType", "Student"}, {"href", students.at(*id)}}}}.dump());
    } else if (req.method == "POST" && path == kNotes) {
      return create_note(req);
    } else if (req.method == "PUT") {
      if (auto id = id_after(path, kNotes)) return update_note(*id, req);
    } else if (req.method == "DELETE") {
      if (auto id = id_after(path, kNotes)) {
        if (notes.erase(*id) == 0) return error(404, "Not Found", "Pastoral Note not found");
        return Response::json(200, R"({"response":{"code":200,"reason":"OK"}})");
      }
    }
    return error(404, "Not Found", "No such resource: " + path);
  }

  Response handle(const Request& req) {
    std::unique_lock lock(mutex);
    seen.push_back(MockRequest{req.method, req.target, req.body, false, 0});
    const auto index = seen.size() - 1;
    auto answer = [&](Response r) {
      seen[index].status = r.status;
      return r;
    };

    // HTTP Basic, as the SDK sends it: "Basic base64(user:password)".
    auto auth = req.headers.get("Authorization");
    std::optional<std::string> pair;
    if (auth && auth->size() > 6 && http::iequals(auth->substr(0, 6), "Basic "))
      pair = base64_decode(auth->substr(6));
    if (!pair || *pair != options.username + ":" + options.password) {
      auto r = error(401, "Unauthorized", "Authentication required");
      r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Arbor\"");
      return answer(std::move(r));
    }
    seen[index].authorised = true;

    if (delay.count() > 0) {
      auto d = delay;
      wake.wait_for(lock, d, [&] { return closing; });
    }
    if (fail_count > 0) {
      --fail_count;
      return answer(error(fail_status, "Service Unavailable", "The service is unavailable"));
    }
    if (throttle_count > 0) {
      --throttle_count;
      auto r = error(429, "Too Many Requests", "Rate limit exceeded");
      r.headers.emplace_back("Retry-After", retry_after);
      return answer(std::move(r));
    }

    const bool creating = req.method == "POST" && req.path == kNotes;
    auto response = route(req);
    if (creating && lose && response.status == 200) {
      auto how = *lose;
      lose.reset();
      if (how == Lose::answer_500)
        return answer(error(500, "Internal Server Error", "Something went wrong"));
      // The note is made; its answer comes too late for the client to see.
      wake.wait_for(lock, stall, [&] { return closing; });
    }
    return answer(std::move(response));
  }
};

MockArbor::MockArbor(MockArborOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  http::Router router;
  auto handler = [impl = impl_.get()](const Request& req) { return impl->handle(req); };
  for (const char* method : {"GET", "POST", "PUT", "DELETE"})
    router.add_prefix(method, "/rest-v2/", http::Access::public_, handler);
  http::ServerOptions so;
  so.listen = "127.0.0.1:0";
  so.threads = impl_->options.threads;
  so.tls_cert_file = impl_->options.tls_cert;
  so.tls_key_file = impl_->options.tls_key;
  so.metrics = &impl_->registry;
  auto server = http::HttpServer::start(so, std::move(router));
  if (!server) throw std::runtime_error("mock Arbor: " + server.error());
  impl_->server = std::move(*server);
}

MockArbor::~MockArbor() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->closing = true;
  }
  impl_->wake.notify_all();
  impl_->server->stop(std::chrono::seconds(2));
}

std::string MockArbor::url() const {
  return std::string(impl_->server->tls() ? "https://" : "http://") +
         "127.0.0.1:" + std::to_string(impl_->server->local_endpoint().port);
}

const MockArborOptions& MockArbor::options() const {
  return impl_->options;
}

std::string MockArbor::add_student(std::string_view upn) {
  std::lock_guard lock(impl_->mutex);
  auto id = impl_->next_id++;
  auto href = std::string(kStudents) + "/" + std::to_string(id);
  impl_->students[id] = href;
  impl_->upns.push_back(UpnAssignment{impl_->next_id++, href, std::string(upn), false});
  return href;
}

void MockArbor::add_upn_assignment(std::string_view student_href, std::string_view upn,
                                   bool ended) {
  std::lock_guard lock(impl_->mutex);
  impl_->upns.push_back(
      UpnAssignment{impl_->next_id++, std::string(student_href), std::string(upn), ended});
}

std::int64_t MockArbor::add_note(std::string_view student_href, std::string_view summary,
                                 std::string_view content) {
  std::lock_guard lock(impl_->mutex);
  MockNote n;
  n.id = impl_->next_id++;
  n.href = std::string(kNotes) + "/" + std::to_string(n.id);
  n.student_href = student_href;
  n.summary = summary;
  n.content = content;
  n.note_date = "2026-01-01";
  n.writes = 1;
  impl_->notes[n.id] = n;
  return n.id;
}

bool MockArbor::delete_note(std::int64_t id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->notes.erase(id) > 0;
}

void MockArbor::remove_student(std::string_view student_href) {
  std::lock_guard lock(impl_->mutex);
  std::erase_if(impl_->students, [&](const auto& s) { return s.second == student_href; });
  std::erase_if(impl_->upns,
                [&](const UpnAssignment& a) { return a.student_href == student_href; });
  std::erase_if(impl_->notes, [&](const auto& n) { return n.second.student_href == student_href; });
}

std::vector<MockNote> MockArbor::notes() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<MockNote> out;
  for (const auto& [id, n] : impl_->notes)
    out.push_back(n);
  return out;
}

std::vector<MockNote> MockArbor::notes_of(std::string_view student_href) const {
  auto all = notes();
  std::erase_if(all, [&](const MockNote& n) { return n.student_href != student_href; });
  return all;
}

void MockArbor::fail_next(int count, int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_count = count;
  impl_->fail_status = status;
}

void MockArbor::throttle_next(int count, std::string retry_after) {
  std::lock_guard lock(impl_->mutex);
  impl_->throttle_count = count;
  impl_->retry_after = std::move(retry_after);
}

void MockArbor::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->delay = delay;
}

void MockArbor::lose_next_create(Lose how, std::chrono::milliseconds stall) {
  std::lock_guard lock(impl_->mutex);
  impl_->lose = how;
  impl_->stall = stall;
}

void MockArbor::set_full_listings(bool full) {
  std::lock_guard lock(impl_->mutex);
  impl_->full_listings = full;
}

void MockArbor::set_like(Like how) {
  std::lock_guard lock(impl_->mutex);
  impl_->like_mode = how;
}

std::vector<MockRequest> MockArbor::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen;
}

std::size_t MockArbor::count(std::string_view method, std::string_view path_prefix) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(std::ranges::count_if(impl_->seen, [&](const MockRequest& r) {
    auto path = std::string_view(r.target).substr(0, r.target.find('?'));
    return r.method == method && path.starts_with(path_prefix);
  }));
}

void MockArbor::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->seen.clear();
}

}  // namespace careerlink::test
