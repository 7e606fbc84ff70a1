// What a source hands to the importer: one school header, pupils, and staff-group rows.
// Every field a source does not carry is left empty (std::nullopt) so that an import from one
// source never wipes what another source supplied (a CSV without FSM keeps the CTF's FSM).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace careerlink {

// The school a file describes. CTF names it by LEA + Estab (LAESTAB) and, from CTF 18, a URN.
struct SchoolRecord {
  std::string laestab;             // 7 digits: 3-digit LA code + 4-digit establishment number
  std::optional<std::string> urn;  // 6 digits
  std::optional<std::string> name;
};

// One pupil as read from a source, already converted to careerlink's vocabulary:
// dates are ISO "YYYY-MM-DD", sex is "M" | "F" | "U", sen is "N" | "K" | "E",
// nc_year is the CTF code ("N1", "N2", "R", "1".."14", "X").
// Parsers fill `problems` with field-level faults they found (a date that is not a date);
// the importer rejects a record with any problem, with the first one as the reason.
struct PupilRecord {
  std::size_t line = 0;  // line in the source file where the record starts (1-based)

  std::string upn;  // as given; the importer validates it
  std::vector<std::string> former_upns;
  std::optional<std::string> uln;
  std::optional<std::string> source_id;  // the source system's own id for the pupil, if any

  std::optional<std::string> surname;
  std::optional<std::string> forename;
  std::optional<std::string> middle_names;
  std::optional<std::string> preferred_surname;
  std::optional<std::string> preferred_forename;
  std::optional<std::string> dob;
  std::optional<std::string> sex;
  std::optional<std::string> nc_year;
  std::optional<std::string> enrol_status;
  std::optional<std::string> on_roll_date;
  std::optional<std::string> leaving_date;

  std::optional<bool> fsm;
  std::optional<std::string> sen;
  std::optional<bool> ehcp;
  std::optional<bool> looked_after;
  std::optional<bool> eal;
  std::optional<double> attendance_pct;
  std::optional<std::int64_t> exclusions;  // exclusions this academic year (RONI indicator)
  std::optional<bool> young_carer;

  std::optional<std::string> tutor_group;  // registration group name

  std::vector<std::string> problems;
};

// One row of a staff list: a member of staff and a group they are responsible for.
struct StaffGroupRecord {
  std::size_t line = 0;
  std::string email;  // how staff are matched to sign-ins later; lower-cased by the importer
  std::optional<std::string> title;
  std::optional<std::string> forename;
  std::optional<std::string> surname;
  std::optional<std::string> source_id;
  std::string group;                 // group name, e.g. "10B"
  std::string group_kind = "tutor";  // "tutor" | "year" | "class"
  std::string role;                  // e.g. "tutor", "head_of_year", "teacher"
  std::vector<std::string> problems;
};

}  // namespace careerlink
