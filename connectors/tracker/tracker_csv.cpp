#include "connectors/tracker/tracker_csv.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "daemon/files/atomic_files.hpp"

namespace careerlink::tracker {

std::string tracker_csv_file_name(std::string_view profile, std::string_view school_urn,
                                  const UploadContext& context) {
  return fmt::format("{}-{}-{}{}.csv", profile, school_urn, context.night,
                     context.full ? "-full" : "");
}

TrackerCsvUploader::TrackerCsvUploader(TrackerCsvOptions options) : options_(std::move(options)) {}

std::expected<std::vector<RecordOutcome>, std::string> TrackerCsvUploader::upload(
    std::string_view school_urn, std::span<const TrackerRecord> records,
    const UploadContext& context) {
  if (records.empty()) return std::vector<RecordOutcome>{};
  if (context.stop.stop_requested()) return std::unexpected("stopping");
  // A file already there holds records the tracker counts as received (or that a failed upload
  // left, and which go again in this one): never write over it; a second run the same night
  // writes "-2", then "-3".
  std::string name = tracker_csv_file_name(options_.profile->name, school_urn, context);
  const std::string stem = name.substr(0, name.size() - 4);
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(options_.folder / name, ec); ++n) {
    name = fmt::format("{}-{}.csv", stem, n);
  }
  const auto file = options_.folder / name;
  if (auto written = files::write_atomically(file, csv_document(*options_.profile, records));
      !written) {
    return std::unexpected(written.error().to_string());
  }
  spdlog::info("tracker sink \"{}\": school {}: {} records written to {}", options_.name,
               school_urn, records.size(), file.string());
  if (options_.sftp) {
    // Failing here leaves the local file in place; every record is retried next run.
    if (auto sent = sftp_upload(*options_.sftp, file, name); !sent) {
      return std::unexpected(sent.error());
    }
    spdlog::info("tracker sink \"{}\": school {}: {} uploaded to {}:{}", options_.name, school_urn,
                 name, options_.sftp->host, options_.sftp->dir.empty() ? "~" : options_.sftp->dir);
  }
  return std::vector<RecordOutcome>(records.size(),
                                    RecordOutcome{RecordOutcome::Kind::accepted, name, {}});
}

std::expected<std::unique_ptr<Uploader>, std::string> make_tracker_csv_uploader(
    const SinkConfig& sink, const UploaderEnvironment& /*environment*/) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("tracker sink \"" + sink.name + "\": " + why);
  };
  TrackerCsvOptions o;
  o.name = sink.name;
  if (!sink.folder || sink.folder->empty()) {
    return fail("folder is required (where each night's CSV is written)");
  }
  if (!sink.folder->is_absolute()) {
    return fail("folder must be an absolute path (got \"" + sink.folder->string() + "\")");
  }
  o.folder = *sink.folder;
  o.profile = find_csv_profile(sink.profile);
  if (o.profile == nullptr) {
    return fail("profile \"" + sink.profile +
                "\" is not a CSV profile this build knows "
                "(known: \"compass\")");
  }
  const bool any_sftp = !sink.sftp_host.empty() || !sink.sftp_user.empty() ||
                        sink.sftp_key_file.has_value() || !sink.sftp_host_key.empty();
  if (any_sftp) {
    std::vector<std::string> missing;
    if (sink.sftp_host.empty()) missing.emplace_back("sftp_host");
    if (sink.sftp_user.empty()) missing.emplace_back("sftp_user");
    if (!sink.sftp_key_file || sink.sftp_key_file->empty()) missing.emplace_back("sftp_key_file");
    if (sink.sftp_host_key.empty()) missing.emplace_back("sftp_host_key");
    if (!missing.empty()) {
      return fail(
          fmt::format("SFTP upload needs sftp_host, sftp_user, sftp_key_file and "
                      "sftp_host_key together; missing: {}",
                      fmt::join(missing, ", ")));
    }
    if (sink.sftp_port < 1 || sink.sftp_port > 65535) {
      return fail(fmt::format("sftp_port {} is not a TCP port", sink.sftp_port));
    }
    if (auto key = check_host_key(sink.sftp_host_key); !key) return fail(key.error());
    o.sftp = SftpTarget{sink.sftp_host,
                        sink.sftp_port,
                        sink.sftp_user,
                        *sink.sftp_key_file,
                        sink.sftp_host_key,
                        sink.sftp_dir,
                        std::chrono::seconds(sink.timeout_seconds)};
  }
  return std::make_unique<TrackerCsvUploader>(std::move(o));
}

}  // namespace careerlink::tracker
