#include "daemon/serve/guidance_drop.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "daemon/domain/dates.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/followup/intake.hpp"
#include "daemon/guidance/guidance_csv.hpp"
#include "daemon/serve/source_folder.hpp"

namespace careerlink::serve {
namespace {

namespace fs = std::filesystem;

// `dir/name`, or `dir/name.<n>` when a file of that name is already there (a resent file must
// not overwrite the earlier one).
fs::path free_name(const fs::path& dir, const fs::path& name) {
  fs::path target = dir / name;
  std::error_code ec;
  for (int n = 1; fs::exists(target, ec); ++n)
    target = dir / (name.string() + "." + std::to_string(n));
  return target;
}

std::expected<fs::path, std::string> move_into(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::unexpected("cannot create " + dir.string() + ": " + ec.message());
  const fs::path target = free_name(dir, file.filename());
  fs::rename(file, target, ec);
  if (ec) return std::unexpected("cannot move it to " + dir.string() + ": " + ec.message());
  return target;
}

// Moves a bad file aside with the reasons beside it. The .error.txt is written first, then
// renamed into place, so a reader never sees half of it.
std::expected<void, std::string> quarantine(const fs::path& file,
                                            const std::vector<std::string>& faults) {
  auto moved = move_into(file, file.parent_path() / "quarantine");
  if (!moved) return std::unexpected(moved.error());
  const fs::path report = moved->string() + ".error.txt";
  const fs::path partial = report.string() + ".part";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << "careerlink did not take in " << file.filename().string()
        << ": nothing from it was stored.\n"
        << "Fix what is listed below, then put the corrected file back in "
        << file.parent_path().string() << ".\n\n";
    for (const auto& f : faults)
      out << f << '\n';
    if (!out) return std::unexpected("cannot write " + partial.string());
  }
  std::error_code ec;
  fs::rename(partial, report, ec);
  if (ec) return std::unexpected("cannot write " + report.string() + ": " + ec.message());
  return {};
}

std::vector<std::string> describe(const std::vector<guidance::CsvLineError>& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const auto& e : errors) {
    std::string line = e.line == 0 ? std::string("file") : "line " + std::to_string(e.line);
    if (!e.field.empty()) line += ", column " + e.field;
    out.push_back(line + ": " + e.message);
  }
  return out;
}

std::vector<std::string> describe(const std::vector<guidance::FieldError>& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const auto& e : errors)
    out.push_back((e.field.empty() ? std::string("file") : e.field) + ": " + e.message);
  return out;
}

// The interviews in a CSV or JSON file, or every fault found in it, one line each.
std::expected<std::vector<guidance::Interview>, std::vector<std::string>> read_file(
    const fs::path& file, const Config& config) {
  const std::string today = to_iso(followup::local_date(config, std::chrono::system_clock::now()));
  guidance::GuidanceCsvLimits limits;
  limits.max_file_bytes = config.import.max_file_size_mb << 20;
  if (lower(file.extension().string()) == ".json") {
    auto read = guidance::read_guidance_json_file(file, today, limits);
    if (!read) return std::unexpected(describe(read.error()));
    return std::move(*read);
  }
  auto read = guidance::read_guidance_csv(file, today, limits);
  if (!read) return std::unexpected(describe(read.error()));
  return std::move(*read);
}

enum class FileResult { taken, quarantined, retry };

struct FileReport {
  FileResult result = FileResult::taken;
  std::size_t interviews = 0;
  std::string message;
};

FileReport take_file(const fs::path& file, const SourceConfig& source, const Config& config,
                     Store& store) {
  auto read = read_file(file, config);
  std::vector<std::string> faults;
  if (!read) faults = read.error();

  if (faults.empty()) {
    const auto sinks = followup::writeback_sinks(config);
    const auto sync = followup::sync_context(config, sinks, std::chrono::system_clock::now());
    const std::string provider = source.organisation.empty() ? source.name : source.organisation;
    const followup::Sender sender{provider, {}, "drop:" + source.name, source.folder.string()};
    auto tx = store.begin();
    if (!tx) return {FileResult::retry, 0, "store: " + tx.error().message};
    for (const auto& interview : *read) {
      auto taken = followup::take_interview(store, **tx, interview, sender, sync);
      if (taken) continue;
      if (taken.error().status == 500) {
        return {FileResult::retry, 0, "store: " + taken.error().message};
      }
      for (const auto& e : taken.error().errors)
        faults.push_back("interview " + interview.external_id + ": " + e.field + ": " + e.message);
    }
    if (faults.empty()) {
      if (auto committed = (*tx)->commit(); !committed) {
        return {FileResult::retry, 0, "store: " + committed.error().message};
      }
      auto archived = move_into(file, file.parent_path() / "archive");
      if (!archived) {
        // Stored, but it stays in the folder: the next run finds every interview unchanged.
        return {FileResult::taken, read->size(),
                file.filename().string() + " was taken in but " + archived.error()};
      }
      return {FileResult::taken, read->size(), {}};
    }
    // The transaction rolls back when `tx` goes: nothing from the file is kept.
  }
  if (auto moved = quarantine(file, faults); !moved) {
    return {FileResult::retry, 0, file.filename().string() + ": " + moved.error()};
  }
  return {FileResult::quarantined, 0,
          file.filename().string() + " (" + std::to_string(faults.size()) +
              (faults.size() == 1 ? " fault" : " faults") + ")"};
}

}  // namespace

JobOutcome take_guidance_drop(const SourceConfig& source, const Config& config, Store& store,
                              const JobContext& context) {
  auto listed = source.extension.empty() ? folder_files(source, {".csv", ".json"})
                                         : folder_files(source, {lower(source.extension)});
  if (!listed) return JobOutcome::retry_later(listed.error());
  const std::vector<fs::path>& files = *listed;

  std::size_t taken = 0, interviews = 0, settling = 0;
  std::vector<std::string> quarantined, notes;
  for (const auto& file : files) {
    if (context.stop_requested()) break;
    if (still_settling(file, source)) {
      ++settling;
      continue;
    }
    FileReport report = take_file(file, source, config, store);
    switch (report.result) {
      case FileResult::taken:
        ++taken;
        interviews += report.interviews;
        spdlog::info("source {}: took in {} ({} interviews)", source.name, file.filename().string(),
                     report.interviews);
        if (!report.message.empty()) notes.push_back(report.message);
        break;
      case FileResult::quarantined:
        spdlog::warn("source {}: quarantined {}", source.name, report.message);
        quarantined.push_back(report.message);
        break;
      case FileResult::retry:
        return JobOutcome::retry_later("source " + source.name + ": " + report.message);
    }
  }
  std::string message = std::to_string(taken) + (taken == 1 ? " file" : " files") + " taken in (" +
                        std::to_string(interviews) + " interviews)";
  if (settling > 0) message += ", " + std::to_string(settling) + " still being written";
  for (const auto& n : notes)
    message += "; " + n;
  if (!quarantined.empty()) {
    message += "; moved to quarantine/ (see the .error.txt beside each):";
    for (const auto& q : quarantined)
      message += " " + q;
    return JobOutcome::failure(message);
  }
  return JobOutcome::success(message);
}

}  // namespace careerlink::serve
