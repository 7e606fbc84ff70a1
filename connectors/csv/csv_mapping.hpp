// How a school's CSV export maps onto careerlink fields: which header feeds which field, how
// dates are written, and optional value translations ("Male" -> "M"). Mappings are TOML data,
// either a built-in preset or a file the school writes; see connectors/csv/README.md.
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/csv/csv_values.hpp"
#include "daemon/domain/file_source.hpp"

namespace careerlink {

enum class CsvKind { pupils, staff_groups };

// One careerlink field a mapping fills. The names are those used as keys under [columns].
enum class CsvField {
  // pupils
  upn,
  former_upn,
  uln,
  source_id,
  surname,
  forename,
  middle_names,
  preferred_surname,
  preferred_forename,
  dob,
  sex,
  nc_year,
  enrol_status,
  on_roll_date,
  leaving_date,
  fsm,
  sen,
  ehcp,
  looked_after,
  eal,
  attendance_pct,
  exclusions,
  young_carer,
  tutor_group,
  // staff_groups (source_id, surname and forename are shared with pupils)
  email,
  title,
  group,
  group_kind,
  role,
};

struct CsvColumn {
  CsvField field{};
  std::string field_name;  // as written in the mapping, e.g. "dob"
  std::string header;      // as written in the mapping, e.g. "Date of Birth"
  bool optional = false;   // a file without this header is still read
  // Value translations, keyed by the CSV text folded to lower case and trimmed.
  std::map<std::string, std::string> values;
};

struct CsvMapping {
  CsvKind kind = CsvKind::pupils;
  CsvDateFormat date_format = CsvDateFormat::automatic;
  std::vector<CsvColumn> columns;  // in the order the mapping file lists them
  std::string description;         // for FileInfo.format: "CSV (preset pupils)"
};

// Parses mapping TOML. `source` names where the text came from, for error messages (a file
// path, or "preset pupils"); `description` becomes CsvMapping::description.
std::expected<CsvMapping, FileError> parse_mapping(std::string_view toml_text,
                                                   const std::string& source,
                                                   std::string description);

std::expected<CsvMapping, FileError> load_mapping_file(const std::filesystem::path& file);

// The built-in presets: "pupils" and "staff".
std::expected<CsvMapping, std::string> preset_mapping(std::string_view name);
std::vector<std::string> preset_names();
// The TOML text of a built-in preset (identical to connectors/csv/presets/NAME.toml).
std::optional<std::string_view> preset_text(std::string_view name);

// The field's name as used in mapping files.
std::string_view field_name(CsvField field);

}  // namespace careerlink
