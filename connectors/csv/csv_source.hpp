// Reads a school's CSV export (RFC 4180, UTF-8) into PupilRecords or StaffGroupRecords, as a
// CsvMapping says. Streams the file in chunks through libcsv, so memory stays flat; keeps only
// the current row. A CSV names no school: the importer supplies it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "connectors/csv/csv_mapping.hpp"
#include "daemon/domain/file_source.hpp"

namespace careerlink {

struct CsvOptions {
  std::uint64_t max_file_bytes = 1024ull << 20;
  std::size_t max_field_bytes = std::size_t{64} * 1024;
};

class CsvSource final : public FileSource {
 public:
  explicit CsvSource(CsvMapping mapping, CsvOptions options = {});

  // Refuses the whole file (FileError) when it cannot be read as CSV at all: missing, too big,
  // empty, not UTF-8, binary, malformed quoting, a field too long, or a mapped header missing.
  // Faults in single cells or rows become `problems` on that record instead.
  std::expected<FileInfo, FileError> read(const std::filesystem::path& file,
                                          RecordSink& sink) override;

 private:
  CsvMapping mapping_;
  CsvOptions options_;
};

}  // namespace careerlink
