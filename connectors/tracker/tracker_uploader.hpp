// The tracker uploader plugin interface (fluent-bit's output plugin shape): an uploader sends
// one school's records and answers, per record, accepted, rejected or retry. The upload job
// (tracker_upload.hpp) chooses the records and keeps the answers; an uploader never touches
// the store. Types register by name, as outbox sinks do (osquery's registry).
#pragma once

#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/tracker/tracker_record.hpp"
#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"  // TimePoint

namespace careerlink::tracker {

struct RecordOutcome {
  enum class Kind { accepted, rejected, retry };
  Kind kind = Kind::retry;
  std::string tracker_ref;  // the tracker's id for the record, when it gives one
  std::string reason;       // rejected / retry: what the tracker (or the network) said
};

struct UploadContext {
  TimePoint now{};
  std::stop_token stop;  // the service is shutting down: answer retry for what is not sent
  std::string night;     // the upload's date (YYYY-MM-DD, school time), for file names
  bool full = false;     // a full resend (every eligible record), not the night's changes
};

class Uploader {
 public:
  virtual ~Uploader() = default;
  // One outcome per record, in order. An error is for the whole upload (nothing was sent, or
  // nothing can be known to have arrived): every record is retried on the next run.
  virtual std::expected<std::vector<RecordOutcome>, std::string> upload(
      std::string_view school_urn, std::span<const TrackerRecord> records,
      const UploadContext& context) = 0;
};

// What a factory may need besides the sink's config.
struct UploaderEnvironment {
  std::filesystem::path data_dir;
};

using UploaderFactory = std::function<std::expected<std::unique_ptr<Uploader>, std::string>(
    const SinkConfig&, const UploaderEnvironment&)>;

// False when `type` is already registered (the first stays). Thread-safe.
bool register_uploader_type(std::string type, UploaderFactory factory);
// Registers the built-in types (tracker-api, tracker-csv); calling it again is harmless.
void register_builtin_uploaders();
std::expected<std::unique_ptr<Uploader>, std::string> make_uploader(
    const SinkConfig& sink, const UploaderEnvironment& environment);

}  // namespace careerlink::tracker
