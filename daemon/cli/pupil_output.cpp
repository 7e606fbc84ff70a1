#include "daemon/cli/pupil_output.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <string>

namespace careerlink::cli {
namespace {

std::string text(const std::optional<std::string>& v) {
  return v.value_or("");
}

std::string yes_no(const std::optional<bool>& v) {
  if (!v) return "";
  return *v ? "yes" : "no";
}

std::string percent(const std::optional<double>& v) {
  if (!v) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

struct Column {
  const char* heading;
  std::string (*value)(const PupilView&);
};

// The columns of the table and CSV views, in order.
const Column kColumns[] = {
    {"UPN", [](const PupilView& p) { return p.upn; }},
    {"Surname", [](const PupilView& p) { return text(p.surname); }},
    {"Forename", [](const PupilView& p) { return text(p.forename); }},
    {"Preferred", [](const PupilView& p) { return text(p.preferred_forename); }},
    {"DOB", [](const PupilView& p) { return text(p.dob); }},
    {"Sex", [](const PupilView& p) { return text(p.sex); }},
    {"Year", [](const PupilView& p) { return text(p.nc_year); }},
    {"Tutor group", [](const PupilView& p) { return text(p.tutor_group); }},
    {"FSM", [](const PupilView& p) { return yes_no(p.fsm); }},
    {"SEN", [](const PupilView& p) { return text(p.sen); }},
    {"LAC", [](const PupilView& p) { return yes_no(p.looked_after); }},
    {"Attendance %", [](const PupilView& p) { return percent(p.attendance_pct); }},
    {"On roll", [](const PupilView& p) { return std::string(p.on_roll ? "yes" : "no"); }},
};

// Display width in characters, counting each UTF-8 sequence once so accented names align.
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

nlohmann::ordered_json pupil_json(const PupilView& p) {
  nlohmann::ordered_json j;
  j["upn"] = p.upn;
  j["former_upns"] = p.former_upns;
  j["uln"] = or_null(p.uln);
  j["forename"] = or_null(p.forename);
  j["surname"] = or_null(p.surname);
  j["middle_names"] = or_null(p.middle_names);
  j["preferred_forename"] = or_null(p.preferred_forename);
  j["preferred_surname"] = or_null(p.preferred_surname);
  j["dob"] = or_null(p.dob);
  j["sex"] = or_null(p.sex);
  j["nc_year"] = or_null(p.nc_year);
  j["school_laestab"] = p.school_laestab;
  j["school_urn"] = or_null(p.school_urn);
  j["fsm"] = or_null(p.fsm);
  j["sen"] = or_null(p.sen);
  j["ehcp"] = or_null(p.ehcp);
  j["looked_after"] = or_null(p.looked_after);
  j["eal"] = or_null(p.eal);
  j["attendance_pct"] = or_null(p.attendance_pct);
  j["exclusions"] = or_null(p.exclusions);
  j["young_carer"] = or_null(p.young_carer);
  j["tutor_group"] = or_null(p.tutor_group);
  j["enrol_status"] = or_null(p.enrol_status);
  j["on_roll_date"] = or_null(p.on_roll_date);
  j["leaving_date"] = or_null(p.leaving_date);
  j["on_roll"] = p.on_roll;
  return j;
}

void print_pupils_table(std::ostream& out, const std::vector<PupilView>& pupils) {
  constexpr std::size_t n = std::size(kColumns);
  std::vector<std::size_t> widths(n);
  for (std::size_t c = 0; c < n; ++c)
    widths[c] = width(kColumns[c].heading);
  for (const auto& p : pupils) {
    for (std::size_t c = 0; c < n; ++c)
      widths[c] = std::max(widths[c], width(kColumns[c].value(p)));
  }
  auto row = [&](auto cell) {
    for (std::size_t c = 0; c < n; ++c) {
      const std::string v = cell(c);
      out << v;
      if (c + 1 < n) out << std::string(widths[c] - width(v) + 2, ' ');
    }
    out << '\n';
  };
  row([&](std::size_t c) { return std::string(kColumns[c].heading); });
  for (const auto& p : pupils)
    row([&](std::size_t c) { return kColumns[c].value(p); });
  out << pupils.size() << (pupils.size() == 1 ? " pupil\n" : " pupils\n");
}

void print_pupils_csv(std::ostream& out, const std::vector<PupilView>& pupils) {
  constexpr std::size_t n = std::size(kColumns);
  for (std::size_t c = 0; c < n; ++c)
    out << (c ? "," : "") << csv_field(kColumns[c].heading);
  out << "\r\n";
  for (const auto& p : pupils) {
    for (std::size_t c = 0; c < n; ++c)
      out << (c ? "," : "") << csv_field(kColumns[c].value(p));
    out << "\r\n";
  }
}

void print_pupil_detail(std::ostream& out, const PupilView& p) {
  auto line = [&](const char* label, const std::string& value) {
    out << std::left << std::setw(20) << label << (value.empty() ? "-" : value) << '\n';
  };
  std::string former;
  for (const auto& f : p.former_upns)
    former += (former.empty() ? "" : ", ") + f;
  line("UPN", p.upn);
  line("Former UPNs", former);
  line("ULN", text(p.uln));
  line("Surname", text(p.surname));
  line("Forename", text(p.forename));
  line("Middle names", text(p.middle_names));
  line("Preferred name",
       text(p.preferred_forename) + (p.preferred_surname ? " " + *p.preferred_surname : ""));
  line("Date of birth", text(p.dob));
  line("Sex", text(p.sex));
  line("NC year", text(p.nc_year));
  line("Tutor group", text(p.tutor_group));
  line("School", p.school_laestab + (p.school_urn ? " (URN " + *p.school_urn + ")" : ""));
  line("On roll", p.on_roll ? "yes" : "no");
  line("On roll since", text(p.on_roll_date));
  line("Leaving date", text(p.leaving_date));
  line("FSM", yes_no(p.fsm));
  line("SEN provision", text(p.sen));
  line("EHCP", yes_no(p.ehcp));
  line("Looked after", yes_no(p.looked_after));
  line("EAL", yes_no(p.eal));
  line("Attendance %", percent(p.attendance_pct));
  line("Exclusions", p.exclusions ? std::to_string(*p.exclusions) : "");
  line("Young carer", yes_no(p.young_carer));
}

}  // namespace careerlink::cli
