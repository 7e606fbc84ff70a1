// The `arbor` sink: keeps one careers note per pupil plan (and one follow-up note per pupil with
// no shared plan) in the school's Arbor MIS, as Arbor pastoral notes written through its REST
// API. What it writes and why, the config and the Arbor setup: plugins/arbor/README.md.
//
// Idempotent by search, not by memory: before creating a note the sink always searches Arbor for
// the note's marker (careers_note.hpp), so a retried create whose first response was lost finds
// the note it made instead of making a second. What the sink remembers (each pupil's Arbor
// student, the notes it last left) only saves requests; forgetting it changes no outcome.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/outbox/sink.hpp"
#include "plugins/arbor/arbor_api.hpp"
#include "plugins/arbor/careers_note.hpp"

namespace careerlink::arbor {

struct ArborSinkOptions {
  std::string name;  // the configured sink's name
  ArborApiOptions api;
  std::string panel_url;  // base of the deep links, e.g. http://127.0.0.1:8470; empty: none
  std::size_t cache_limit = 20'000;  // pupils remembered; past it the memory starts again
};

class ArborSink final : public outbox::Sink {
 public:
  // Throws std::invalid_argument for an unusable url or credentials, std::runtime_error when the
  // HTTP client cannot be set up.
  explicit ArborSink(ArborSinkOptions options);
  ~ArborSink() override;

  [[nodiscard]] std::string_view name() const override { return options_.name; }
  // One message at a time, in order. After an answer worth retrying (429, 5xx, no answer) the
  // rest of the batch is not sent and answers retry too; on shutdown likewise.
  std::vector<outbox::DeliveryResult> deliver(std::span<const OutboxMessage> batch,
                                              const outbox::DeliveryContext& context) override;

  // Drops everything remembered (for tests: the outcome must not depend on it).
  void forget();

 private:
  struct KnownNote {
    std::string href;
    NoteReading reading;
  };
  // What careerlink last saw of one Arbor student's careerlink notes, and which it left current.
  struct PupilNotes {
    std::vector<KnownNote> notes;
    std::optional<NoteMarker> current;
  };

  // Drops what is remembered of one pupil; false when nothing was.
  bool forget(const PupilRef& pupil);
  outbox::DeliveryResult deliver_one(const OutboxMessage& message, TimePoint now,
                                     const std::stop_token& stop);
  ApiResult<void> write_status(const PupilStatus& status, TimePoint now,
                               const std::stop_token& stop);
  ApiResult<void> withdraw(const PlanWithdrawn& withdrawn, TimePoint now,
                           const std::stop_token& stop);
  // The student's href; nullopt when no Arbor student holds the UPN.
  ApiResult<std::optional<std::string>> student_of(const PupilRef& pupil, TimePoint now,
                                                   const std::stop_token& stop);
  void remember(const std::string& student, PupilNotes notes);
  // The careerlink notes of `school_urn` on the student, as Arbor holds them now.
  ApiResult<PupilNotes> look_up_notes(const std::string& student, const std::string& school_urn,
                                      const std::stop_token& stop);

  ArborSinkOptions options_;
  NoteStyle style_;
  std::unique_ptr<ArborApi> api_;
  std::unordered_map<std::string, std::string> students_;  // "<urn>/<upn>" -> student href
  std::unordered_map<std::string, PupilNotes> pupils_;     // student href -> its notes
};

// Builds a sink from config (`type = "arbor"`): url (required), username (required),
// password_file | password_env (exactly one; read here, and a missing or empty password refuses
// to start), ca_file, client_cert, client_key, verify_tls ("true"/"false"), proxy,
// timeout_seconds (each phase, 1..600), panel_url (base of the deep links).
std::expected<std::unique_ptr<outbox::Sink>, std::string> make_arbor_sink(
    const outbox::SinkSettings& settings);

// Adds "arbor" to the sink registry. Called explicitly at start-up (a static initialiser in a
// static library can be dropped by the linker). Safe to call more than once.
void register_arbor_sink();

}  // namespace careerlink::arbor
