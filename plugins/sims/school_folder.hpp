// One school's folder, brought up to date with a batch's events for that school:
//   <folder>/<URN>/careers-udf.csv          the UDF value file (rewritten once per batch)
//   <folder>/<URN>/plans/<UPN>.html         a plan document per pupil whose plan is shared
//   <folder>/<URN>/plans-removed.csv        pupils whose document was removed, and when
//   <folder>/<URN>/.careerlink-state.json   what the sink remembers (see school_state.hpp)
//   <folder>/<URN>/.careerlink.lock         held while careerlink writes the folder
// All of it under the folder lock, every file written atomically and only when its bytes
// change, so a retried batch finishes what a failed one started and changes nothing else.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "plugins/sims/sims_events.hpp"

namespace careerlink::sims {

// An event bound for one school, with when it happened (the outbox message's creation time;
// nullopt when unknown).
struct SchoolEvent {
  std::variant<PupilStatus, PlanWithdrawn> event;
  std::optional<TimePoint> happened_at;
};

// What an update did, for the log line and the tests.
struct SchoolUpdate {
  std::size_t pupils = 0;                             // rows in the UDF file
  std::size_t changed = 0, unchanged = 0, stale = 0;  // events, by outcome
  std::size_t documents_written = 0, documents_removed = 0;
  bool udf_written = false;
};

// Applies `events` in order to the school's folder under `root`. The error is one sentence that
// names the file or folder ("cannot write D:/.../careers-udf.csv: No space left on device");
// every event of the batch should then be retried (nothing is half-applied: a retry redoes it).
std::expected<SchoolUpdate, std::string> update_school(const std::filesystem::path& root,
                                                       std::string_view school_urn,
                                                       std::span<const SchoolEvent> events,
                                                       std::string_view panel_url, TimePoint now);

}  // namespace careerlink::sims
