// Seeded generator of realistic school CSV exports for tests and benchmarks: pupil lists in the
// shape of the "pupils" preset and staff/group lists in the shape of the "staff" preset.
// The same options always give the same bytes; row i depends only on (seed, i).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace careerlink::testgen {

struct CsvGenOptions {
  std::uint64_t seed = 1;
  std::size_t rows = 100;
  int academic_year = 2025;  // the year the school year starts in September; sets DOBs
  bool bom = true;           // Excel's "CSV UTF-8" starts with a byte-order mark
  bool crlf = true;          // Excel ends lines with CRLF
  bool staff_names = true;   // staff CSV: include the optional Title, Forename, Surname columns
};

// One generated pupil: the cells as written, and what careerlink should read from them.
struct GenPupilRow {
  std::string upn;
  std::string surname;
  std::string forename;
  std::string preferred_forename;  // often empty: not given
  std::string dob_uk;              // DD/MM/YYYY as written
  std::string dob_iso;             // the same date, YYYY-MM-DD
  std::string gender;              // "Male" | "Female" as written
  std::string sex;                 // "M" | "F"
  std::string year;                // "Year 10" as written
  std::string nc_year;             // "10"
  std::string reg_group;           // "10B"
};

// One generated staff row: the cells as written, and the role careerlink should read.
struct GenStaffRow {
  std::string email;
  std::string title;
  std::string forename;
  std::string surname;
  std::string group;
  std::string role;           // as written: "Form Tutor", "Head of Year", ...
  std::string role_expected;  // careerlink's: "tutor", "head_of_year", ...
};

inline constexpr const char* kPupilsCsvHeader =
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Date of Birth,Gender,Year,Reg Group";

GenPupilRow make_pupil_row(const CsvGenOptions& options, std::size_t index);
GenStaffRow make_staff_row(const CsvGenOptions& options, std::size_t index);

void write_pupils_csv(std::ostream& out, const CsvGenOptions& options);
void write_staff_csv(std::ostream& out, const CsvGenOptions& options);

// Writes one CSV field, quoted when RFC 4180 needs it (comma, quote, CR, LF, edge spaces).
void write_csv_field(std::ostream& out, const std::string& field);

// `careerlink_gen csv pupils|staff --rows N --seed S [--out FILE]`. Accepts argv with or
// without the leading "csv" word. Returns a process exit code.
int csv_main(int argc, char** argv);

}  // namespace careerlink::testgen
