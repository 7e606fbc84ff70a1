// What the SIMS sink remembers of one school between batches and restarts: each pupil's latest
// write-back view, and the plan withdrawals that a replayed older view must not undo. The UDF
// file is rewritten whole from it (one row per pupil), so it lives beside that file, in
// <folder>/<URN>/.careerlink-state.json. Applying an event is pure: no clock, no disk.
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/sims/sims_events.hpp"

namespace careerlink::sims {

inline constexpr std::string_view kStateFileName = ".careerlink-state.json";

// A plan the pupil stopped sharing, and when (the outbox message's time).
struct Withdrawal {
  std::string provider;
  std::string external_id;
  std::optional<std::int64_t> interview_id;
  TimePoint at{};
};

struct PupilRecord {
  // The latest view applied, with anything withdrawn after it taken out. Absent until the first
  // status arrives (a withdrawal can come first); such a pupil has no row and no document.
  std::optional<PupilStatus> status;
  // When the message that brought `status` was sent: orders two views with the same as_of.
  std::optional<TimePoint> sent_at;
  // When a plan this pupil had shared stopped being shared (withdrawn, or a later view without
  // one): a copy attached in SIMS must then be deleted by hand, so the school is told.
  std::optional<TimePoint> plan_removed_at;
  // Only those at or after status->as_of: older ones can no longer matter (see apply_status).
  std::vector<Withdrawal> withdrawals;
};

struct SchoolState {
  std::string school_urn;
  std::map<std::string, PupilRecord, std::less<>> pupils;  // by UPN, so files come out sorted
};

enum class Applied {
  changed,
  unchanged,  // the same view or withdrawal again (a retry, a replay)
  stale,      // a view older than the one held: ignored
};

// A view older than the one held is ignored, so a replayed message never undoes a newer one
// (views with the same as_of are ordered by `sent_at`, the message's time, when both are known).
// A view from at or before a recorded withdrawal loses that plan and the intended destination
// (which advisers write into the plan).
Applied apply_status(SchoolState& state, PupilStatus status,
                     std::optional<TimePoint> sent_at = std::nullopt);

// Takes the withdrawn plan and the intended destination out of the pupil's view, unless the view
// is newer than the withdrawal (the pupil agreed to share again since). `at` is when the
// withdrawal happened; when unknown, pass nullopt and `now`: it then counts as at least as new
// as the view held.
Applied apply_withdrawal(SchoolState& state, const PlanWithdrawn& withdrawn,
                         std::optional<TimePoint> at, TimePoint now);

// The state file's text, and back. The reader checks everything as strictly as a payload.
std::string state_text(const SchoolState& state);
std::expected<SchoolState, std::string> parse_state(std::string_view text,
                                                    std::string_view school_urn);

}  // namespace careerlink::sims
