// Interviews from the guidance drop folder: a CSV with one row per action (columns in README.md
// beside this file), or a JSON file of interview objects. Every record is checked by the same
// rules as the intake API (parse_interview); a file is taken whole or not at all, and a refused
// file reports every fault found, by line and column (CSV) or field path (JSON).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/guidance/guidance.hpp"

namespace careerlink::guidance {

struct GuidanceCsvLimits {
  std::uint64_t max_file_bytes = std::uint64_t{16} << 20;
  std::size_t max_field_bytes = std::size_t{64} * 1024;
  // Rows are held until the file is checked, so their number is capped; a provider's nightly
  // file holds a few thousand at most.
  std::size_t max_rows = 20000;
  std::size_t max_errors = 1000;  // more are counted, not listed
  std::size_t max_json_depth = 32;
};

// One fault in a drop-folder CSV. line 0 is the file as a whole (too big, not UTF-8, a header
// problem); `field` is the column, as the header names it.
struct CsvLineError {
  std::size_t line = 0;
  std::string field;
  std::string message;
};

struct GuidanceCsvColumn {
  std::string_view name;
  bool required;  // must be in the header (upn and mis_id: at least one of them)
};

// The columns a guidance CSV may have, in documentation order.
std::span<const GuidanceCsvColumn> guidance_csv_columns();

// Reads a guidance CSV: header row required (names case-insensitive, any order), one row per
// action; rows sharing an external_id are one interview, and must agree on its columns. Dates
// may be ISO or DD/MM/YYYY. `today` (ISO) bounds the dates that cannot lie ahead.
std::expected<std::vector<Interview>, std::vector<CsvLineError>> read_guidance_csv(
    const std::filesystem::path& file, std::string_view today,
    const GuidanceCsvLimits& limits = {});

// Reads a JSON file holding one interview object or an array of them, each carrying its
// external_id. Faults are named by field path, prefixed with the element's index in an array
// ("[2].plan.actions[0].due"); a fault in the file as a whole has an empty field.
std::expected<std::vector<Interview>, std::vector<FieldError>> read_guidance_json_file(
    const std::filesystem::path& file, std::string_view today,
    const GuidanceCsvLimits& limits = {});

}  // namespace careerlink::guidance
