// Calendar dates as careerlink stores them: ISO 8601 "YYYY-MM-DD", checked for real days.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace careerlink {

// Parses "YYYY-MM-DD" (exactly), rejecting impossible days such as 2023-02-29.
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);

// Parses the UK form "DD/MM/YYYY" (also D/M/YYYY), as SIMS and Arbor CSV reports write dates.
std::optional<std::chrono::year_month_day> parse_uk_date(std::string_view text);

// Accepts an ISO date, a UK date, or an ISO date-time ("2025-08-12T04:26:45") of which the
// date part is kept. Returns the ISO form.
std::optional<std::string> normalise_date(std::string_view text);

std::string to_iso(std::chrono::year_month_day ymd);

// Today's date in UTC, as ISO.
std::string today_iso();

// A moment as ISO 8601 UTC to the second: "2026-11-23T23:34:49Z".
std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace careerlink
