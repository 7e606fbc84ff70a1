// The school's CSV files, rewritten whole from its state: the UDF value file it imports into
// SIMS (<folder>/<URN>/careers-udf.csv, one row per pupil), and the list of pupils whose plan
// document careerlink removed (plans-removed.csv: a copy attached in SIMS is to be deleted).
// UTF-8 with a byte order mark, CRLF line ends, a header row, and values that never need
// quoting (plugins/sims/README.md says why).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "plugins/sims/school_state.hpp"

namespace careerlink::sims {

inline constexpr std::string_view kUdfFileName = "careers-udf.csv";
inline constexpr std::string_view kRemovedPlansFileName = "plans-removed.csv";

inline constexpr std::array<std::string_view, 4> kUdfColumns{
    "UPN", "Careers RAG", "Careers last interview date", "Careers intended destination"};

// What the destination column says when there is none (or it was withdrawn): a blank cell
// would leave the old value in SIMS, since import tools skip blanks.
inline constexpr std::string_view kNoDestination = "None recorded";

// The file's bytes: header, then a row per pupil with a status, in UPN order.
std::string udf_csv(const SchoolState& state);

// Header "UPN,Plan removed on", then a row per pupil whose shared plan stopped being shared
// (and has not been shared again), in UPN order.
std::string removed_plans_csv(const SchoolState& state);

// One value made safe for the file: no commas, quotes or line breaks (so no quoting is needed,
// and readers that split lines on commas read it right), trimmed, and not starting with a
// character a spreadsheet would run as a formula.
std::string csv_value(std::string_view text);

// "210 Full-time education: school sixth form (Hillside Sixth Form)", or kNoDestination.
std::string destination_words(const PupilStatus& status);

}  // namespace careerlink::sims
