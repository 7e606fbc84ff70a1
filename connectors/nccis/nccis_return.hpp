// The school's return to its local authority for NCCIS (reference/formats.md section 2): one row
// per young person with NCCIS column names, the Year 11 cohort on roll with their intended
// destination and the school's leavers with their latest actual activity. A pupil with an s72
// opt-out gets only the "relevant information" columns; the "further information" ones are left
// blank (README.md beside this file lists which and why).
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/store.hpp"

namespace careerlink::nccis {

// The return's columns, in the order written.
std::span<const std::string_view> return_columns();

// The columns s72 lets a pupil or parent withhold: blank for a pupil who opted out.
bool is_further_information(std::string_view column);

struct NccisReturn {
  std::string school_urn;
  std::string as_of;                           // ISO date the return describes
  std::vector<std::vector<std::string>> rows;  // one cell per return_columns() entry
  std::size_t year11 = 0;
  std::size_t leavers = 0;
  std::size_t opted_out = 0;  // rows with the further information withheld
};

// Builds the return from the store as of `as_of` (ISO date): who is on roll, and which
// destinations and statuses count, are judged on that date.
StoreResult<NccisReturn> build_return(Store& store, const SchoolInfo& school,
                                      std::string_view as_of);

// UTF-8, RFC 4180 quoting (a cell with a comma, quote, CR or LF is quoted, quotes doubled),
// CRLF line ends, header row first.
std::string render_return_csv(const NccisReturn& data);

// The monthly job's file name: nccis-<URN>-<YYYY-MM>.csv.
std::string monthly_file_name(std::string_view school_urn, std::string_view as_of);

}  // namespace careerlink::nccis
