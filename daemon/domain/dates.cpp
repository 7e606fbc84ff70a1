#include "daemon/domain/dates.hpp"

#include <cstdio>

namespace careerlink {
namespace {

// Reads exactly `n` digits at `pos`; nullopt if any is not a digit.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<std::chrono::year_month_day> make(int y, int m, int d) {
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1900 || y > 2200) return std::nullopt;
  return ymd;
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = digits(text, 0, 4);
  const auto m = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  return make(*y, *m, *d);
}

std::optional<std::chrono::year_month_day> parse_uk_date(std::string_view text) {
  const auto first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::size_t dlen = first;
  const std::size_t mlen = second - first - 1;
  const std::size_t ylen = text.size() - second - 1;
  if (dlen < 1 || dlen > 2 || mlen < 1 || mlen > 2 || ylen != 4) return std::nullopt;
  const auto d = digits(text, 0, dlen);
  const auto m = digits(text, first + 1, mlen);
  const auto y = digits(text, second + 1, 4);
  if (!y || !m || !d) return std::nullopt;
  return make(*y, *m, *d);
}

std::string to_iso(std::chrono::year_month_day ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<std::string> normalise_date(std::string_view text) {
  if (text.size() > 10 && text[10] == 'T') text = text.substr(0, 10);
  if (auto iso = parse_iso_date(text)) return to_iso(*iso);
  if (auto uk = parse_uk_date(text)) return to_iso(*uk);
  return std::nullopt;
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - days)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ",
                to_iso(std::chrono::year_month_day{days}).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string today_iso() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return to_iso(std::chrono::year_month_day{now});
}

}  // namespace careerlink
