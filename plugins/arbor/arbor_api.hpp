// The few Arbor REST calls the sink makes (REST v2, JSON, HTTP Basic), and how Arbor's answers
// map onto ok / retry / fail. Shapes follow arbor-education/sis-sdk-php (RestGateway,
// HttpClient, Query, Hydrator); plugins/arbor/README.md says which parts are verified.
//
//   find a student by UPN   GET  /rest-v2/uk-dfe_upn-assignments?filters.upn.equals=<UPN>
//   find careerlink notes   GET  /rest-v2/pastoral-notes?filters.student.equals=<student href>
//                                     &filters.summary.like=%<marker>%
//                           (and, when that finds none, without the like filter)
//   read one                GET  <href>
//   create                  POST /rest-v2/pastoral-notes  {"request":{"pastoralNote":{...}}}
//   update                  PUT  <href>                   {"request":{"pastoralNote":{...}}}
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http/client/http_client.hpp"
#include "daemon/outbox/sink.hpp"

namespace careerlink::arbor {

inline constexpr std::string_view kNotesPath = "/rest-v2/pastoral-notes";
inline constexpr std::string_view kUpnAssignmentsPath = "/rest-v2/uk-dfe_upn-assignments";

// Why a call did not succeed: retry (408, 429, 5xx, network, shutting down) or fail (other 4xx,
// a reply that makes no sense). `reason` is what the outbox keeps; it never holds pupil data.
struct ApiFailure {
  outbox::DeliveryResult::Kind kind = outbox::DeliveryResult::Kind::retry;
  int status = 0;  // HTTP status; 0 when there was no answer
  std::string reason;
  std::optional<std::chrono::seconds> retry_after;

  [[nodiscard]] bool not_found() const { return status == 404; }
  [[nodiscard]] outbox::DeliveryResult result() const;
};

template <class T>
using ApiResult = std::expected<T, ApiFailure>;

struct ArborApiOptions {
  std::string url;       // the school's Arbor address, e.g. https://example.uk.arbor.sc
  std::string username;  // the Partner App's API user
  std::string password;  // never logged
  http::ClientOptions http;
};

// A pastoral note as Arbor holds it.
struct ArborNote {
  std::string href;  // "/rest-v2/pastoral-notes/123"
  std::string student_href;
  std::string summary;
  std::string content;
};

struct NoteFields {
  std::string summary;
  std::string content;
  std::chrono::sys_days note_date;
};

class ArborApi {
 public:
  // Throws std::invalid_argument for an unusable url, std::runtime_error when the HTTP client
  // cannot be set up (CA bundle, client certificate, proxy).
  explicit ArborApi(ArborApiOptions options);
  ~ArborApi();
  ArborApi(const ArborApi&) = delete;
  ArborApi& operator=(const ArborApi&) = delete;

  // The href of the student who holds `upn` (a current UPN assignment first, else an ended one),
  // nullopt when no student does. Fails when two students hold it.
  ApiResult<std::optional<std::string>> student_for_upn(std::string_view upn, TimePoint now,
                                                        const std::stop_token& stop);
  // The student's pastoral notes whose summary contains `marker_part`: a `like` filter, checked
  // again here (Arbor's listing may hold only links, so each is read in full when it does). When
  // that finds nothing, the student's notes are listed without it and checked here, so a `like`
  // Arbor reads differently can cost a request but never a duplicate note.
  ApiResult<std::vector<ArborNote>> notes_containing(std::string_view student_href,
                                                     std::string_view marker_part,
                                                     const std::stop_token& stop);
  ApiResult<ArborNote> read_note(std::string_view href, const std::stop_token& stop);
  // The new note's href.
  ApiResult<std::string> create_note(std::string_view student_href, const NoteFields& fields,
                                     const std::stop_token& stop);
  ApiResult<void> update_note(std::string_view href, const NoteFields& fields,
                              const std::stop_token& stop);

  // https://host[:port], what relative hrefs are resolved against.
  [[nodiscard]] const std::string& origin() const { return origin_; }

  struct Call;

 private:
  // An href from Arbor as a URL to send to: relative ones on origin(); absolute ones only when
  // they are on origin() (the API password goes nowhere else).
  [[nodiscard]] ApiResult<std::string> resolve(std::string_view href) const;
  ApiResult<std::vector<ArborNote>> list_notes(std::string_view student_href,
                                               std::string_view marker_part, bool like,
                                               const std::stop_token& stop);
  // An href as a path ("/rest-v2/students/1"), whichever form Arbor gave it in.
  [[nodiscard]] std::string path_of(std::string_view href) const;

  ArborApiOptions options_;
  std::string origin_;
  std::string authorization_;
  std::unique_ptr<http::HttpClient> client_;
};

// How an answer maps to ok/retry/fail, as a failure (nullopt for 2xx). 401 and 403 name what to
// check in Arbor; other 4xx carry Arbor's own message (`response.errors[0].message`).
std::optional<ApiFailure> classify_response(const http::HttpResponse& response, TimePoint now);
// Arbor's error text from an error body, or the body's first 200 characters on one line.
std::string arbor_error_message(std::string_view body);
// "Basic " + base64(user ":" password).
std::string basic_authorization(std::string_view user, std::string_view password);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace careerlink::arbor
