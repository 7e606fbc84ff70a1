// A mock of the parts of Arbor's REST API (v2, JSON) the `arbor` sink uses, on careerlink's own
// HTTP server over real TLS. Shapes follow arbor-education/sis-sdk-php, as in
// plugins/arbor/README.md:
//
//   GET  /rest-v2/uk-dfe_upn-assignments?filters.upn.equals=U   {"ukDfe_UpnAssignments":[links]}
//   GET  /rest-v2/uk-dfe_upn-assignments/{id}                   {"ukDfe_UpnAssignment":{...}}
//   GET  /rest-v2/students/{id}                                 {"student":{...}}
//   GET  /rest-v2/pastoral-notes?filters.student.equals=H&filters.summary.like=P
//                                                               {"pastoralNotes":[links]}
//   GET  /rest-v2/pastoral-notes/{id}                           {"pastoralNote":{...}}
//   POST /rest-v2/pastoral-notes      {"request":{"pastoralNote":{...}}} -> {"pastoralNote":{...}}
//   PUT  /rest-v2/pastoral-notes/{id} {"request":{"pastoralNote":{...}}} -> {"pastoralNote":{...}}
//   DELETE /rest-v2/pastoral-notes/{id}
//
// Every request needs HTTP Basic credentials (401 otherwise). Listings hold links only
// (entityType, href, displayName), as Arbor's docs describe listings, unless full listings are
// asked for. Errors carry the body the SDK reads:
// {"response":{"code":422,"reason":"...","errors":[{"exception":"...","message":"...","trace":[]}]}}.
// Validation (422): a note needs an existing student, a summary of 1..summary_limit characters,
// text content and a date. Unknown filters and malformed bodies are 400.
//
// It can be told to misbehave (each applies to the next requests, after the credentials check):
// answer 5xx, answer 429 with Retry-After, answer slowly, or "lose" a create's answer (make the
// note, then answer 500, or stall past the client's timeout).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careerlink::test {

struct MockArborOptions {
  // PEM certificate and key; both set: HTTPS (the tests always set them).
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  std::string username = "careerlink-partner-app";
  std::string password = "arbor-test-password";
  std::size_t summary_limit = 255;  // Arbor's real limit is not documented; a choice
  std::size_t threads = 4;          // a stalled answer holds one
};

struct MockNote {
  std::int64_t id = 0;
  std::string href;  // "/rest-v2/pastoral-notes/<id>"
  std::string student_href;
  std::string summary;
  std::string content;
  std::string note_date;  // "YYYY-MM-DD"
  int writes = 0;         // 1 after the create, +1 per update
};

struct MockRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string body;
  bool authorised = false;
  int status = 0;
};

class MockArbor {
 public:
  // Starts listening on 127.0.0.1 (a free port). Throws std::runtime_error when it cannot.
  explicit MockArbor(MockArborOptions options = {});
  ~MockArbor();
  MockArbor(const MockArbor&) = delete;
  MockArbor& operator=(const MockArbor&) = delete;

  [[nodiscard]] std::string url() const;  // "https://127.0.0.1:<port>"
  [[nodiscard]] const MockArborOptions& options() const;

  // A student holding `upn` (a current assignment). Returns "/rest-v2/students/<id>".
  std::string add_student(std::string_view upn);
  // Another UPN assignment for a student; `ended` puts its endDatetime in the past.
  void add_upn_assignment(std::string_view student_href, std::string_view upn, bool ended);
  // A note put straight in (someone else's, or one careerlink is to find). Returns its id.
  std::int64_t add_note(std::string_view student_href, std::string_view summary,
                        std::string_view content);
  bool delete_note(std::int64_t id);
  // The student goes, with their UPN assignments and notes (as when Arbor merges a duplicate).
  void remove_student(std::string_view student_href);

  [[nodiscard]] std::vector<MockNote> notes() const;
  [[nodiscard]] std::vector<MockNote> notes_of(std::string_view student_href) const;

  // Misbehaviour.
  void fail_next(int count, int status = 503);
  void throttle_next(int count, std::string retry_after);
  void set_delay(std::chrono::milliseconds delay);
  enum class Lose {
    answer_500,  // make the note, then answer 500
    stall,       // make the note, then answer only after `stall` (past the client's timeout)
  };
  void lose_next_create(Lose how, std::chrono::milliseconds stall = std::chrono::seconds(5));
  // Listings hold every field, not just links (the sink must cope with both).
  void set_full_listings(bool full);
  // How `filters.summary.like` is read: as SQL LIKE (the default, [I] in the README), as plain
  // text the summary must contain (the % taken literally), or not at all.
  enum class Like { sql, literal, ignored };
  void set_like(Like how);

  [[nodiscard]] std::vector<MockRequest> requests() const;
  // Requests with this method whose path starts with `path_prefix` (query ignored).
  [[nodiscard]] std::size_t count(std::string_view method, std::string_view path_prefix) const;
  void clear_requests();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// SQL LIKE as MySQL does it by default: % any run, _ any one character, case-insensitive.
bool sql_like(std::string_view text, std::string_view pattern);

}  // namespace careerlink::test
