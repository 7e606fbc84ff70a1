// The Benchmark 8 report as CSV, one figure per row (long form), so a spreadsheet can filter
// and pivot it: school_urn,as_of,year_group,segment,figure,count,numerator,denominator,
// percent (one decimal; empty when there is no one to count).
#pragma once

#include <string>

#include "daemon/report/b8_report.hpp"

namespace careerlink::report {

std::string render_b8_csv(const B8Report& report);

}  // namespace careerlink::report
