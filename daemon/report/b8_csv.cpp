#include "daemon/report/b8_csv.hpp"

namespace careerlink::report {
namespace {

void add_group(std::string& out, const B8Report& report, const B8Group& g) {
  for (const auto& s : kSegments) {
    for (const auto& row : figure_rows(g.*s.cell)) {
      // Every cell is a URN, a date, a year code, a fixed key or a number: none needs quoting.
      out += report.school_urn;
      out += ',';
      out += report.as_of;
      out += ',';
      out += g.year;
      out += ',';
      out += s.key;
      out += ',';
      out += row.key;
      out += ',';
      if (row.count) {
        out += std::to_string(*row.count) + ",,,";
      } else {
        out += ',' + std::to_string(row.fraction->num) + ',' + std::to_string(row.fraction->den) +
               ',' + (row.fraction->den > 0 ? percent_text(*row.fraction) : "");
      }
      out += "\r\n";
    }
  }
}

}  // namespace

std::string render_b8_csv(const B8Report& report) {
  // RFC 4180 line ends, which Excel and LibreOffice both take.
  std::string out =
      "school_urn,as_of,year_group,segment,figure,count,numerator,denominator,percent\r\n";
  for (const auto& g : report.years)
    add_group(out, report, g);
  add_group(out, report, report.total);
  return out;
}

}  // namespace careerlink::report
