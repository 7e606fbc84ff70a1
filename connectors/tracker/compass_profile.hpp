// tracker-csv column profiles. Compass+ publishes no CSV import column list
// (reference/formats.md §3: NOT FOUND), so "compass" is careerlink's own profile, named after
// the columns issue 6 lists; connectors/tracker/README.md defines each column's value.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/tracker/tracker_record.hpp"

namespace careerlink::tracker {

struct CsvProfile {
  std::string_view name;
  std::span<const std::string_view> columns;
  // One value per column, in column order.
  std::vector<std::string> (*row)(const TrackerRecord& record);
};

// The profile called `name` ("compass"), or nullptr when there is none.
const CsvProfile* find_csv_profile(std::string_view name);

// One RFC 4180 field: quoted (inner quotes doubled) when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view value);

// The whole file: a header row and one row per record, CRLF line ends, UTF-8 without a BOM.
std::string csv_document(const CsvProfile& profile, std::span<const TrackerRecord> records);

}  // namespace careerlink::tracker
