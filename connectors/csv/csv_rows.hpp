// Reads a CSV file (RFC 4180, UTF-8) row by row through libcsv, with the line each row starts
// on. Refuses what is plainly not CSV text (binary, UTF-16, Excel workbooks, invalid UTF-8,
// broken quoting, over-long fields, oversized files) before buffering it, so memory stays flat.
// Shared by the school-export reader (csv_source) and the guidance drop folder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace careerlink::csv {

struct RowLimits {
  std::uint64_t max_file_bytes = 1024ull << 20;
  std::size_t max_field_bytes = std::size_t{64} * 1024;
};

// Why a file was refused: the line it was found on (1-based), or 0 when no line applies.
struct RowFault {
  std::size_t line = 0;
  std::string message;
};

// Handed each row that has a non-blank cell: the line the row starts on and its cells as
// written (quotes removed, not trimmed). Returning a fault stops the read with that fault.
using RowHandler =
    std::function<std::optional<RowFault>(std::size_t line, std::span<const std::string> cells)>;
// Bytes consumed so far, after each chunk.
using ProgressHandler = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Returns how many rows were handed over (at least one: a file without rows is refused, since
// every CSV careerlink reads needs a header row).
std::expected<std::size_t, RowFault> read_rows(const std::filesystem::path& file,
                                               const RowLimits& limits, const RowHandler& on_row,
                                               const ProgressHandler& on_progress = {});

}  // namespace careerlink::csv
