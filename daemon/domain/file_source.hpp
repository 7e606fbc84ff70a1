// The contract between a file-reading connector (CTF, CSV, ...) and the importer.
// A FileSource streams records into a RecordSink as it reads, so memory stays flat
// however large the file; it never writes to the store itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

#include "daemon/domain/records.hpp"

namespace careerlink {

// Why a whole file was refused. Nothing from it is written.
struct FileError {
  std::string file;
  std::size_t line = 0;  // 0 when no line applies (file missing, too large)
  std::string message;   // what is wrong and, where we can tell, what to do

  [[nodiscard]] std::string to_string() const {
    return line ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
  }
};

// What a source learned about the file as a whole, for the summary ("CTF 25.0", "CSV preset
// pupils").
struct FileInfo {
  std::string format;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Each returns false when the importer cannot go on (the store failed); the source then stops
  // reading and returns a FileError of its own choosing; the importer reports its own error.
  virtual bool on_school(const SchoolRecord& school) = 0;
  virtual bool on_pupil(PupilRecord&& pupil) = 0;
  virtual bool on_staff_group(StaffGroupRecord&& row) = 0;
  // Bytes of the file consumed so far, for a progress display. Called often; must be cheap.
  virtual void on_progress(std::uint64_t bytes_done, std::uint64_t bytes_total) = 0;
};

class FileSource {
 public:
  virtual ~FileSource() = default;
  virtual std::expected<FileInfo, FileError> read(const std::filesystem::path& file,
                                                  RecordSink& sink) = 0;
};

}  // namespace careerlink
