#include "connectors/csv/csv_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>

#include "daemon/domain/dates.hpp"

namespace careerlink::csv {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The cell as shown back in a problem: quoted, and cut short so a stray 64 KiB cell does not
// flood the import report.
std::string shown(std::string_view cell) {
  constexpr std::size_t kMax = 40;
  if (cell.size() <= kMax) return "'" + std::string(cell) + "'";
  std::size_t cut = kMax;
  // Do not split a UTF-8 sequence: back up to a lead byte.
  while (cut > 0 && (static_cast<unsigned char>(cell[cut]) & 0xC0) == 0x80)
    --cut;
  return "'" + std::string(cell.substr(0, cut)) + "...'";
}

// Lower case with runs of spaces, hyphens and underscores folded to one space, so "Tutor-Group",
// "tutor_group" and "Tutor  Group" compare equal.
std::string folded(std::string_view cell) {
  std::string out;
  bool gap = false;
  for (char c : lower(trim(cell))) {
    if (c == ' ' || c == '\t' || c == '-' || c == '_') {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), value) != words.end();
}

// " 00:00", "T04:26:45", " 13:05:00.000": a clock time after the date.
bool looks_like_time(std::string_view rest) {
  rest = trim(rest);
  if (rest.empty() || rest.find(':') == std::string_view::npos) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-';
  });
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::expected<std::string, std::string> convert_date(std::string_view cell, CsvDateFormat format) {
  std::string_view date = trim(cell);
  if (const auto cut = date.find_first_of(" T");
      cut != std::string_view::npos && looks_like_time(date.substr(cut + 1))) {
    date = date.substr(0, cut);
  }
  std::optional<std::chrono::year_month_day> ymd;
  switch (format) {
    case CsvDateFormat::iso:
      ymd = parse_iso_date(date);
      break;
    case CsvDateFormat::uk:
      ymd = parse_uk_date(date);
      break;
    case CsvDateFormat::automatic:
      ymd = parse_iso_date(date);
      if (!ymd) ymd = parse_uk_date(date);
      break;
  }
  if (ymd) return to_iso(*ymd);
  // Name the form the person evidently meant, so "31/02/2010" is told "DD/MM/YYYY".
  std::string_view expected = "DD/MM/YYYY or YYYY-MM-DD";
  if (format == CsvDateFormat::uk ||
      (format == CsvDateFormat::automatic && date.find('/') != std::string_view::npos)) {
    expected = "DD/MM/YYYY";
  } else if (format == CsvDateFormat::iso ||
             (format == CsvDateFormat::automatic && date.find('-') != std::string_view::npos)) {
    expected = "YYYY-MM-DD";
  }
  return std::unexpected(shown(cell) + " is not a date (" + std::string(expected) + ")");
}

std::expected<bool, std::string> convert_bool(std::string_view cell) {
  const std::string v = lower(trim(cell));
  if (one_of(v, {"y", "yes", "true", "1"})) return true;
  if (one_of(v, {"n", "no", "false", "0"})) return false;
  return std::unexpected(shown(cell) + " is not yes or no (Y/N, Yes/No, True/False, 1/0)");
}

std::expected<std::string, std::string> convert_sex(std::string_view cell) {
  const std::string v = folded(cell);
  if (one_of(v, {"m", "male", "boy"})) return "M";
  if (one_of(v, {"f", "female", "girl"})) return "F";
  if (one_of(v, {"u", "unknown", "not known", "not stated"})) return "U";
  return std::unexpected(shown(cell) +
                         " is not a sex (M, F or U); a [values.sex] table in the mapping can "
                         "translate other words");
}

std::expected<std::string, std::string> convert_nc_year(std::string_view cell) {
  std::string v;
  for (char c : upper(trim(cell))) {
    if (c != ' ' && c != '\t') v += c;
  }
  // "YEAR10", "YR10", "Y10" -> "10"; "YEARR" -> "R". A bare "Y" is not a year.
  for (std::string_view prefix : {"YEAR", "YR", "Y"}) {
    if (v.size() > prefix.size() && v.starts_with(prefix)) {
      v.erase(0, prefix.size());
      break;
    }
  }
  if (one_of(v, {"R", "REC", "RECEPTION"})) return "R";
  if (one_of(v, {"N1", "NURSERY1"})) return "N1";
  if (one_of(v, {"N2", "NURSERY2"})) return "N2";
  if (v == "X") return "X";
  int year = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), year);
  if (!v.empty() && v.size() <= 2 && ec == std::errc{} && end == v.data() + v.size() && year >= 1 &&
      year <= 14) {
    return std::to_string(year);
  }
  return std::unexpected(shown(cell) + " is not an NC year (N1, N2, R, 1 to 14 or X)");
}

std::expected<std::string, std::string> convert_sen(std::string_view cell) {
  const std::string v = folded(cell);
  if (one_of(v, {"n", "no sen", "none", "no"})) return "N";
  if (one_of(v, {"k", "sen support", "a", "p", "school action", "school action plus"})) return "K";
  if (one_of(v, {"e", "ehc plan", "ehcp", "ehc", "s", "statement"})) return "E";
  return std::unexpected(shown(cell) + " is not a SEN provision (N, K or E)");
}

std::expected<double, std::string> convert_percent(std::string_view cell) {
  std::string_view v = trim(cell);
  if (v.ends_with('%')) v = trim(v.substr(0, v.size() - 1));
  double value = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(value)) {
    return std::unexpected(shown(cell) + " is not a number");
  }
  if (value < 0 || value > 100) {
    return std::unexpected(shown(cell) + " is not a percentage from 0 to 100");
  }
  return value;
}

std::expected<std::int64_t, std::string> convert_count(std::string_view cell) {
  const std::string_view v = trim(cell);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || value < 0 || value > 100000) {
    return std::unexpected(shown(cell) + " is not a whole number from 0 up");
  }
  return value;
}

std::expected<std::string, std::string> convert_group_kind(std::string_view cell) {
  const std::string v = folded(cell);
  if (one_of(v,
             {"tutor", "tutor group", "reg group", "registration group", "form", "form group"})) {
    return "tutor";
  }
  if (one_of(v, {"year", "year group"})) return "year";
  if (one_of(v, {"class", "teaching group", "teaching class"})) return "class";
  return std::unexpected(shown(cell) + " is not a group kind (tutor, year or class)");
}

std::string normalise_role(std::string_view cell) {
  std::string out = folded(cell);
  std::replace(out.begin(), out.end(), ' ', '_');
  return out;
}

}  // namespace careerlink::csv
