// The built-in CSV mapping presets. Each text is identical to presets/NAME.toml, which schools
// copy as a starting point; csv_presets_test checks the two stay the same.
#include <array>
#include <utility>

#include "connectors/csv/csv_mapping.hpp"

namespace careerlink {
namespace {

constexpr std::string_view kPupilsPreset =
    R"toml(# careerlink CSV mapping, preset "pupils": one row per pupil.
# To adapt it, copy this file, change the header names on the right to those in your MIS
# report, and point the CSV source's mapping setting at your copy (see connectors/csv/README.md).
kind = "pupils"
date_format = "auto"  # "auto" (DD/MM/YYYY or YYYY-MM-DD), "uk" or "iso"

[columns]  # careerlink field = "header in the CSV"
upn = "UPN"
surname = "Legal Surname"
forename = "Legal Forename"
preferred_forename = "Preferred Forename"
dob = "Date of Birth"
sex = "Gender"
nc_year = "Year"  # "Year 10", "Y10", "10", "R", "Reception" are understood without a table
tutor_group = "Reg Group"

[values.sex]  # "text in the CSV" = careerlink code (M, F or U)
"Male" = "M"
"Female" = "F"
"M" = "M"
"F" = "F"
)toml";

constexpr std::string_view kStaffPreset =
    R"toml(# careerlink CSV mapping, preset "staff": one row per member of staff and group they look after.
# To adapt it, copy this file, change the header names on the right to those in your MIS
# report, and point the CSV source's mapping setting at your copy (see connectors/csv/README.md).
kind = "staff_groups"
optional = ["title", "forename", "surname", "group_kind"]  # files without these headers are still read

[columns]  # careerlink field = "header in the CSV"
email = "Staff Email"
title = "Title"
forename = "Forename"
surname = "Surname"
group = "Group"
group_kind = "Group Type"  # Tutor, Year or Class; without it every group is a tutor group
role = "Role"

[values.role]  # "text in the CSV" = careerlink role; others become lower_case_with_underscores
"Tutor" = "tutor"
"Form Tutor" = "tutor"
"Head of Year" = "head_of_year"
"Teacher" = "teacher"
"Class Teacher" = "teacher"
)toml";

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kPresets{{
    {"pupils", kPupilsPreset},
    {"staff", kStaffPreset},
}};

}  // namespace

std::optional<std::string_view> preset_text(std::string_view name) {
  for (const auto& [preset, text] : kPresets) {
    if (preset == name) return text;
  }
  return std::nullopt;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  names.reserve(std::size(kPresets));
  for (const auto& preset : kPresets)
    names.emplace_back(preset.first);
  return names;
}

}  // namespace careerlink
