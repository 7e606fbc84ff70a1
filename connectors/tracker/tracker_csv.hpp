// tracker-csv: each school's records for the night as one CSV file in a column profile
// (compass_profile.hpp), written atomically to a folder and, when the sink names an SFTP
// server, uploaded there too (sftp_upload.hpp). A file holds exactly the records of the run that
// wrote it: a normal night's file holds only the changed records, a full resend every one.
#pragma once

#include <filesystem>
#include <optional>

#include "connectors/tracker/compass_profile.hpp"
#include "connectors/tracker/sftp_upload.hpp"
#include "connectors/tracker/tracker_uploader.hpp"

namespace careerlink::tracker {

struct TrackerCsvOptions {
  std::string name;              // the sink's, for messages
  std::filesystem::path folder;  // absolute
  const CsvProfile* profile = nullptr;
  std::optional<SftpTarget> sftp;  // nullopt: the file stays in the folder only
};

class TrackerCsvUploader final : public Uploader {
 public:
  explicit TrackerCsvUploader(TrackerCsvOptions options);
  std::expected<std::vector<RecordOutcome>, std::string> upload(
      std::string_view school_urn, std::span<const TrackerRecord> records,
      const UploadContext& context) override;

 private:
  TrackerCsvOptions options_;
};

// "<profile>-<URN>-<night>.csv", "-full" before ".csv" for a full resend.
std::string tracker_csv_file_name(std::string_view profile, std::string_view school_urn,
                                  const UploadContext& context);

std::expected<std::unique_ptr<Uploader>, std::string> make_tracker_csv_uploader(
    const SinkConfig& sink, const UploaderEnvironment& environment);

}  // namespace careerlink::tracker
