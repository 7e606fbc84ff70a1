#include "daemon/report/b8_html.hpp"

#include "daemon/domain/html_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace careerlink::report {
namespace {

std::string escape(std::string_view text) {
  return html_escape(text);
}

std::string year_label(std::string_view year) {
  return year == "all" ? "Whole school (Y7-Y13)" : fmt::format("Year {}", year);
}

std::string fraction_text(Fraction f) {
  if (f.den == 0) return "none to count";
  return fmt::format("{}% ({} of {})", percent_text(f), f.num, f.den);
}

constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
  margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
  border-bottom:2px solid #1d4f91;padding-bottom:.2rem}
p.meta{color:#444;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #b5b5b5;padding:.3rem .5rem;vertical-align:top}
thead th{background:#e8eef7}tbody th{text-align:left;font-weight:normal}
td{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
svg text{font-family:inherit;font-size:13px;fill:#1b1b1b}
.bar{fill:#1d4f91}.track{fill:#e8eef7}
dl{font-size:.92rem}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}
  table,figure{break-inside:avoid}thead{display:table-header-group}}
)css";

// Horizontal bars; `value` in [0, 1] sets the length, `text` is printed after the bar.
struct Bar {
  std::string label;
  double value = 0;
  std::string text;
};

std::string bar_chart(std::string_view id, std::string_view title, const std::vector<Bar>& bars) {
  constexpr int kLabel = 190, kWidth = 330, kRow = 30, kText = 200;
  const int height = static_cast<int>(bars.size()) * kRow + 10;
  std::string out = fmt::format(
      "<svg role=\"img\" aria-label=\"{0}\" width=\"100%\" "
      "viewBox=\"0 0 {2} {3}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{1}-t\">{0}"
      "</title>\n",
      escape(title), id, kLabel + kWidth + kText, height);
  int y = 5;
  for (const auto& b : bars) {
    const int w = static_cast<int>(std::lround(std::clamp(b.value, 0.0, 1.0) * kWidth));
    out += fmt::format(
        "<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">{2}</text>"
        "<rect class=\"track\" x=\"{3}\" y=\"{4}\" width=\"{5}\" height=\"20\"/>"
        "<rect class=\"bar\" x=\"{3}\" y=\"{4}\" width=\"{6}\" height=\"20\"/>"
        "<text x=\"{7}\" y=\"{1}\">{8}</text>\n",
        kLabel - 8, y + 15, escape(b.label), kLabel, y, kWidth, w, kLabel + kWidth + 8,
        escape(b.text));
    y += kRow;
  }
  out += "</svg>";
  return out;
}

std::string interview_chart(const B8Report& report) {
  std::vector<Bar> bars;
  auto add = [&](const B8Group& g) {
    const auto& f = g.all.qualified_interview;
    bars.push_back(Bar{year_label(g.year),
                       f.den > 0 ? static_cast<double>(f.num) / static_cast<double>(f.den) : 0.0,
                       fraction_text(f)});
  };
  for (const auto& g : report.years)
    add(g);
  add(report.total);
  return bar_chart("chart-qualified",
                   "Pupils on roll with at least one interview with a qualified adviser, by year "
                   "group",
                   bars);
}

std::string length_chart(const B8Report& report) {
  const auto& lengths = report.total.all.lengths;
  std::int64_t all = 0;
  for (const auto n : lengths)
    all += n;
  // Each bar is its band's share of all the interviews, so the bars together make the whole.
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const Fraction share{lengths[i], all};
    bars.push_back(
        Bar{fmt::format("{} minutes", kLengthBands[i]),
            all > 0 ? static_cast<double>(lengths[i]) / static_cast<double>(all) : 0.0,
            all > 0 ? fmt::format("{} of {} interviews ({}%)", lengths[i], all, percent_text(share))
                    : "no interviews"});
  }
  return bar_chart("chart-lengths", "Qualified interviews by length, whole school", bars);
}

std::string group_table(const B8Report& report, const B8Group& g) {
  std::string out = fmt::format(
      "<table>\n<caption>{}: Benchmark 8 figures as of {}</caption>\n<thead><tr>"
      "<th scope=\"col\">Figure</th>",
      escape(year_label(g.year)), report.as_of);
  for (const auto& s : kSegments)
    out += fmt::format("<th scope=\"col\">{}</th>", escape(s.label));
  out += "</tr></thead>\n<tbody>\n";
  // The segments list the same figures in the same order (figure_rows of each cell).
  std::array<std::vector<FigureRow>, kSegments.size()> cells;
  for (std::size_t i = 0; i < kSegments.size(); ++i)
    cells[i] = figure_rows(g.*kSegments[i].cell);
  for (std::size_t r = 0; r < cells[0].size(); ++r) {
    out += fmt::format("<tr><th scope=\"row\">{}</th>", escape(cells[0][r].label));
    for (const auto& cell : cells) {
      const auto& row = cell[r];
      out += "<td>" +
             (row.count ? std::to_string(*row.count) : escape(fraction_text(*row.fraction))) +
             "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

constexpr std::string_view kDefinitions =
    R"html(<h2 id="definitions">How the figures are counted</h2>
<dl>
<dt>On roll</dt><dd>Held in the year group, joined on or before the report date and not left by it.
Year groups are as held now.</dd>
<dt>SEND</dt><dd>SEN support (K) or an education, health and care plan (E).</dd>
<dt>Disadvantaged</dt><dd>Eligible for free school meals (FSM).</dd>
<dt>Qualified interview</dt><dd>A personal guidance interview (not a group session) with an
adviser qualified to Level 6 or above, dated on or before the report date.</dd>
<dt>By the end of Y11</dt><dd>Year 11 pupils on roll with a qualified interview dated on or before
31 August ending this academic year.</dd>
<dt>Interview lengths</dt><dd>Qualified interviews of the pupils on roll, counted by length.</dd>
<dt>Action plan</dt><dd>Any interview up to the report date carried a plan. Shared: the pupil's
latest interview up to the report date agreed to share with staff.</dd>
<dt>Actions</dt><dd>Of the current plan, as they stand now. Overdue: open and due before the
report date. Follow-ups done: done or dropped; ticked by a tutor: last set in the careers
panel.</dd>
<dt>Intended destination</dt><dd>In the current plan, or an intended destination record dated
on or before the report date.</dd>
<dt>Leavers</dt><dd>A leaver in their first, second or third year since their leaving date, with
an actual destination dated within that year and on or before the report date.</dd>
</dl>
)html";

}  // namespace

std::string render_b8_html(const B8Report& report) {
  const std::string school =
      report.school_name.empty()
          ? fmt::format("School {}", report.school_urn)
          : fmt::format("{} ({})", escape(report.school_name), escape(report.school_urn));
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Benchmark 8 report: {0}, as of {1}</title>\n<style>{2}</style>\n</head>\n<body>\n"
      "<main>\n<h1>Benchmark 8: personal guidance</h1>\n"
      "<p class=\"meta\">{0}. Figures as of {1}; Year 11 ends {3}. Percentages are rounded to one "
      "decimal place and shown with their numerators and denominators.</p>\n",
      school, report.as_of, kStyle, report.end_of_y11);
  if (report.outside_years > 0) {
    out += fmt::format("<p>{} pupil(s) held outside Years 7 to 13 are not counted.</p>\n",
                       report.outside_years);
  }
  // Captions first, so a reader (and a screen reader) meets what a chart shows before it.
  out +=
      "<h2 id=\"charts\">At a glance</h2>\n<figure>\n<figcaption><strong>Pupils on roll with at "
      "least one qualified interview, by year group.</strong> The same numbers are in the tables "
      "below.</figcaption>\n" +
      interview_chart(report) +
      "\n</figure>\n<figure>\n<figcaption><strong>Qualified interviews of pupils on roll, by "
      "length (whole school).</strong> The same numbers are in the whole-school table."
      "</figcaption>\n" +
      length_chart(report) + "\n</figure>\n";
  for (const auto& g : report.years) {
    out += fmt::format("<h2 id=\"year-{}\">{}</h2>\n", escape(g.year), escape(year_label(g.year)));
    out += group_table(report, g);
  }
  out += "<h2 id=\"whole-school\">Whole school</h2>\n" + group_table(report, report.total);
  out += kDefinitions;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace careerlink::report
