// Imports one file through a FileSource into the Store as ONE transaction: every valid record is
// upserted, every invalid one is reported with its line and reason, and a file the source refuses
// (malformed, hostile, truncated) leaves nothing behind.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/domain/file_source.hpp"
#include "daemon/store/store.hpp"

namespace careerlink {

struct RejectedRecord {
  std::size_t line = 0;
  std::string upn;    // pupil rows
  std::string email;  // staff rows
  std::string reason;
};

struct ImportSummary {
  std::string file;
  std::string format;
  std::optional<std::string> school_urn;
  std::string school_laestab;
  std::int64_t imported = 0;  // new records
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::vector<RejectedRecord> rejected;
};

// Why nothing from a file was written. `store_failure` says the fault was ours (the database),
// not the file's.
struct ImportFailure {
  FileError error;
  bool store_failure = false;
};

struct ImportOptions {
  std::string source_system;          // "ctf", "csv", ...: keys the pupils' source ids
  std::optional<std::string> school;  // URN or LAESTAB, for files that do not name their school
  // A pupil without a date of birth is rejected. Off for a CSV mapping without a DOB column; such
  // a file may then only update pupils already known, never create half a pupil.
  bool require_dob = true;
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

std::expected<ImportSummary, ImportFailure> import_file(Store& store, FileSource& source,
                                                        const std::filesystem::path& file,
                                                        const ImportOptions& options);

}  // namespace careerlink
