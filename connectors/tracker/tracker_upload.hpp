// One run of a tracker sink: for each school (or the one asked for), choose tonight's records
// (selection.hpp), hand them to the sink's uploader, and keep the tracker's answers, so
// `careerlink tracker status` shows what the tracker holds and tomorrow sends only changes.
// Shared by the nightly job (`upload:<sink>`) and `careerlink tracker upload|resend`.
#pragma once

#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/tracker/selection.hpp"
#include "connectors/tracker/tracker_uploader.hpp"
#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::tracker {

struct UploadOptions {
  std::optional<std::string> school;  // URN or LAESTAB; nullopt: every school in the store
  bool full = false;                  // resend every eligible record
  TimePoint now{};
  std::filesystem::path data_dir;  // the pseudonym key lives here
  std::stop_token stop;
  std::string actor = "tracker";  // who is audited as having sent (a job, or cli:<user>)
  std::string origin;
  // Called after each school: schools done, schools in all.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct SchoolUpload {
  std::string urn;
  Selection selection;  // counts; to_send emptied once sent
  int sent = 0;
  int accepted = 0;
  int rejected = 0;
  int retry = 0;
  std::string error;  // the whole school's upload failed (nothing recorded as held)
};

struct UploadSummary {
  std::vector<SchoolUpload> schools;
  [[nodiscard]] bool complete() const;     // nothing left to retry
  [[nodiscard]] std::string text() const;  // one line per school, no names
};

// Errors: the store, the pseudonym key, or an unknown school. A tracker that refuses or cannot
// be reached is not an error here: it shows in the summary, and those records go next time.
std::expected<UploadSummary, std::string> run_upload(Store& store, const Config& config,
                                                     const SinkConfig& sink, Uploader& uploader,
                                                     const UploadOptions& options);

// The school's local date ("YYYY-MM-DD") at `now` in `timezone` (the tz database).
std::string local_date(TimePoint now, const std::string& timezone);

}  // namespace careerlink::tracker
