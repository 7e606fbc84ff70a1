#include "daemon/report/b8_json.hpp"

#include <nlohmann/json.hpp>

namespace careerlink::report {
namespace {

nlohmann::ordered_json cell_json(const B8Figures& f) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& row : figure_rows(f)) {
    if (row.count)
      out[std::string(row.key)] = *row.count;
    else
      // Exact: a reader divides, nothing is rounded here.
      out[std::string(row.key)] = {{"numerator", row.fraction->num},
                                   {"denominator", row.fraction->den}};
  }
  return out;
}

nlohmann::ordered_json group_json(const B8Group& g) {
  nlohmann::ordered_json out;
  out["year_group"] = g.year;
  for (const auto& s : kSegments)
    out[std::string(s.key)] = cell_json(g.*s.cell);
  return out;
}

}  // namespace

std::string render_b8_json(const B8Report& report) {
  nlohmann::ordered_json out;
  out["report"] = "benchmark_8";
  out["school_urn"] = report.school_urn;
  out["school_name"] = report.school_name;
  out["as_of"] = report.as_of;
  out["end_of_y11"] = report.end_of_y11;
  out["interview_length_bands"] = {"under 20", "20-29", "30-44", "45-59", "60+"};
  out["pupils_outside_y7_y13"] = report.outside_years;
  out["year_groups"] = nlohmann::ordered_json::array();
  for (const auto& g : report.years)
    out["year_groups"].push_back(group_json(g));
  out["whole_school"] = group_json(report.total);
  return out.dump(2) + "\n";
}

}  // namespace careerlink::report
