// The Benchmark 8 report as JSON: every percentage as its exact numerator and denominator.
#pragma once

#include <string>

#include "daemon/report/b8_report.hpp"

namespace careerlink::report {

std::string render_b8_json(const B8Report& report);

}  // namespace careerlink::report
