// The Benchmark 8 report as one self-contained HTML page: inline CSS, inline SVG bar charts, no
// script and nothing fetched, so it can be mailed, archived and printed as it is. Every chart's
// numbers are also in the tables (the text alternative), with numerators and denominators.
#pragma once

#include <string>

#include "daemon/report/b8_report.hpp"

namespace careerlink::report {

std::string render_b8_html(const B8Report& report);

}  // namespace careerlink::report
