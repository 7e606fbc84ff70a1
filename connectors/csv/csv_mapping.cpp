#include "connectors/csv/csv_mapping.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <span>
#include <sstream>

#include <toml++/toml.h>

namespace careerlink {
namespace {

struct FieldSpec {
  std::string_view name;
  CsvField field;
  bool required;
};

constexpr std::array kPupilFields{
    FieldSpec{"upn", CsvField::upn, true},
    FieldSpec{"former_upn", CsvField::former_upn, false},
    FieldSpec{"uln", CsvField::uln, false},
    FieldSpec{"source_id", CsvField::source_id, false},
    FieldSpec{"surname", CsvField::surname, false},
    FieldSpec{"forename", CsvField::forename, false},
    FieldSpec{"middle_names", CsvField::middle_names, false},
    FieldSpec{"preferred_surname", CsvField::preferred_surname, false},
    FieldSpec{"preferred_forename", CsvField::preferred_forename, false},
    FieldSpec{"dob", CsvField::dob, false},
    FieldSpec{"sex", CsvField::sex, false},
    FieldSpec{"nc_year", CsvField::nc_year, false},
    FieldSpec{"enrol_status", CsvField::enrol_status, false},
    FieldSpec{"on_roll_date", CsvField::on_roll_date, false},
    FieldSpec{"leaving_date", CsvField::leaving_date, false},
    FieldSpec{"fsm", CsvField::fsm, false},
    FieldSpec{"sen", CsvField::sen, false},
    FieldSpec{"ehcp", CsvField::ehcp, false},
    FieldSpec{"looked_after", CsvField::looked_after, false},
    FieldSpec{"eal", CsvField::eal, false},
    FieldSpec{"attendance_pct", CsvField::attendance_pct, false},
    FieldSpec{"exclusions", CsvField::exclusions, false},
    FieldSpec{"young_carer", CsvField::young_carer, false},
    FieldSpec{"tutor_group", CsvField::tutor_group, false},
};

constexpr std::array kStaffFields{
    FieldSpec{"email", CsvField::email, true},
    FieldSpec{"title", CsvField::title, false},
    FieldSpec{"forename", CsvField::forename, false},
    FieldSpec{"surname", CsvField::surname, false},
    FieldSpec{"source_id", CsvField::source_id, false},
    FieldSpec{"group", CsvField::group, true},
    FieldSpec{"group_kind", CsvField::group_kind, false},
    FieldSpec{"role", CsvField::role, false},
};

template <std::size_t N>
std::string list_names(const std::array<FieldSpec, N>& specs) {
  std::string out;
  for (const auto& spec : specs) {
    if (!out.empty()) out += ", ";
    out += spec.name;
  }
  return out;
}

std::size_t line_of(const toml::source_region& where) {
  return static_cast<std::size_t>(where.begin.line);
}

// Collects the first fault with its line; parsing stops at the first one.
struct Checker {
  const std::string& source;
  std::optional<FileError> error;

  bool fail(std::size_t line, std::string message) {
    if (!error) error = FileError{source, line, std::move(message)};
    return false;
  }
};

std::string fold_value_key(std::string_view text) {
  return csv::lower(csv::trim(text));
}

}  // namespace

std::string_view field_name(CsvField field) {
  for (const auto& spec : kPupilFields) {
    if (spec.field == field) return spec.name;
  }
  for (const auto& spec : kStaffFields) {
    if (spec.field == field) return spec.name;
  }
  return "?";
}

std::expected<CsvMapping, FileError> parse_mapping(std::string_view toml_text,
                                                   const std::string& source,
                                                   std::string description) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return std::unexpected(
        FileError{source, line_of(e.source()), "not valid TOML: " + std::string(e.description())});
  }

  Checker check{source, std::nullopt};
  CsvMapping mapping;
  mapping.description = std::move(description);

  for (auto&& [key, node] : doc) {
    const std::string_view k = key.str();
    if (k != "kind" && k != "date_format" && k != "columns" && k != "values" && k != "optional") {
      check.fail(line_of(key.source()),
                 "unknown key '" + std::string(k) +
                     "'; a mapping has kind, date_format, [columns], optional and [values.*]");
      return std::unexpected(*check.error);
    }
  }

  // kind
  const toml::node* kind_node = doc.get("kind");
  if (!kind_node) {
    return std::unexpected(
        FileError{source, 1, "no kind: add kind = \"pupils\" or kind = \"staff_groups\""});
  }
  const auto kind = kind_node->value<std::string>();
  if (kind == "pupils") {
    mapping.kind = CsvKind::pupils;
  } else if (kind == "staff_groups") {
    mapping.kind = CsvKind::staff_groups;
  } else {
    return std::unexpected(FileError{source, line_of(kind_node->source()),
                                     "kind must be \"pupils\" or \"staff_groups\""});
  }

  // date_format
  if (const toml::node* df = doc.get("date_format")) {
    const auto text = df->value<std::string>();
    if (text == "auto") {
      mapping.date_format = CsvDateFormat::automatic;
    } else if (text == "iso") {
      mapping.date_format = CsvDateFormat::iso;
    } else if (text == "uk") {
      mapping.date_format = CsvDateFormat::uk;
    } else {
      return std::unexpected(FileError{source, line_of(df->source()),
                                       "date_format must be \"auto\", \"iso\" or \"uk\""});
    }
  }

  // [columns]
  const bool pupils = mapping.kind == CsvKind::pupils;
  const auto find_spec = [&](std::string_view name) -> const FieldSpec* {
    if (pupils) {
      for (const auto& spec : kPupilFields) {
        if (spec.name == name) return &spec;
      }
    } else {
      for (const auto& spec : kStaffFields) {
        if (spec.name == name) return &spec;
      }
    }
    return nullptr;
  };
  const std::string known = pupils ? list_names(kPupilFields) : list_names(kStaffFields);
  const std::string kind_name = pupils ? "pupils" : "staff_groups";

  const toml::node* columns_node = doc.get("columns");
  const toml::table* columns = columns_node ? columns_node->as_table() : nullptr;
  if (!columns) {
    return std::unexpected(FileError{source, columns_node ? line_of(columns_node->source()) : 1,
                                     "no [columns] table: it maps careerlink fields to CSV "
                                     "headers, e.g. upn = \"UPN\""});
  }
  for (auto&& [key, node] : *columns) {
    const FieldSpec* spec = find_spec(key.str());
    if (!spec) {
      std::string message = "unknown field '";
      message.append(key.str()).append("' for kind ").append(kind_name);
      message.append("; fields are: ").append(known);
      return std::unexpected(FileError{source, line_of(key.source()), std::move(message)});
    }
    const auto header = node.value<std::string>();
    if (!header || csv::trim(*header).empty()) {
      return std::unexpected(
          FileError{source, line_of(node.source()),
                    "field '" + std::string(key.str()) + "' must name a CSV header (a string)"});
    }
    mapping.columns.push_back(CsvColumn{
        spec->field, std::string(spec->name), std::string(csv::trim(*header)), false, {}});
  }
  // toml++ keeps keys sorted; list columns in file order so messages follow the file.
  std::stable_sort(mapping.columns.begin(), mapping.columns.end(),
                   [&](const CsvColumn& a, const CsvColumn& b) {
                     return line_of(columns->get(a.field_name)->source()) <
                            line_of(columns->get(b.field_name)->source());
                   });
  const auto find_column = [&](std::string_view name) -> CsvColumn* {
    for (auto& column : mapping.columns) {
      if (column.field_name == name) return &column;
    }
    return nullptr;
  };
  for (const auto& spec : pupils ? std::span<const FieldSpec>(kPupilFields)
                                 : std::span<const FieldSpec>(kStaffFields)) {
    if (spec.required && !find_column(spec.name)) {
      return std::unexpected(
          FileError{source, line_of(columns_node->source()),
                    "[columns] must map '" + std::string(spec.name) + "' for kind " + kind_name});
    }
  }

  // optional = ["title", ...]: fields whose header may be absent from a file.
  if (const toml::node* opt_node = doc.get("optional")) {
    const toml::array* list = opt_node->as_array();
    if (!list) {
      return std::unexpected(FileError{source, line_of(opt_node->source()),
                                       "optional must be a list of field names, e.g. "
                                       "optional = [\"title\"]"});
    }
    for (const toml::node& item : *list) {
      const auto name = item.value<std::string>();
      CsvColumn* column = name ? find_column(*name) : nullptr;
      if (!column) {
        return std::unexpected(
            FileError{source, line_of(item.source()),
                      "optional lists " + (name ? "'" + *name + "'" : std::string("a non-string")) +
                          ", which is not a field under [columns]"});
      }
      if (const FieldSpec* spec = find_spec(*name); spec && spec->required) {
        return std::unexpected(FileError{source, line_of(item.source()),
                                         "'" + *name + "' is required and cannot be optional"});
      }
      column->optional = true;
    }
  }

  // [values.FIELD]: "CSV text" = "careerlink value"
  if (const toml::node* values_node = doc.get("values")) {
    const toml::table* values = values_node->as_table();
    if (!values) {
      return std::unexpected(FileError{source, line_of(values_node->source()),
                                       "values must be tables, e.g. [values.sex]"});
    }
    for (auto&& [key, node] : *values) {
      CsvColumn* column = find_column(key.str());
      if (!column) {
        return std::unexpected(
            FileError{source, line_of(key.source()),
                      "[values." + std::string(key.str()) + "] names " +
                          (find_spec(key.str()) ? "a field not mapped under [columns]"
                                                : "an unknown field; fields are: " + known)});
      }
      const toml::table* map = node.as_table();
      if (!map) {
        return std::unexpected(FileError{source, line_of(node.source()),
                                         "values." + std::string(key.str()) + " must be a table"});
      }
      for (auto&& [from, to] : *map) {
        const auto target = to.value<std::string>();
        if (!target) {
          return std::unexpected(
              FileError{source, line_of(to.source()),
                        "value for '" + std::string(from.str()) + "' must be a string"});
        }
        column->values[fold_value_key(from.str())] = std::string(csv::trim(*target));
      }
    }
  }
  return mapping;
}

std::expected<CsvMapping, FileError> load_mapping_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::unexpected(FileError{file.string(), 0, "cannot open the mapping file"});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(FileError{file.string(), 0, "cannot read the mapping file"});
  return parse_mapping(text.str(), file.string(), "CSV (mapping " + file.string() + ")");
}

std::expected<CsvMapping, std::string> preset_mapping(std::string_view name) {
  const auto text = preset_text(name);
  if (!text) {
    std::string names;
    for (const auto& n : preset_names())
      names += (names.empty() ? "" : ", ") + n;
    return std::unexpected("no CSV preset '" + std::string(name) + "'; presets are: " + names);
  }
  auto mapping =
      parse_mapping(*text, "preset " + std::string(name), "CSV (preset " + std::string(name) + ")");
  if (!mapping) return std::unexpected(mapping.error().to_string());
  return *std::move(mapping);
}

}  // namespace careerlink
