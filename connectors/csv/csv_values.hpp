// Converting one CSV cell to careerlink's vocabulary. Each returns the converted value, or an
// error text that completes "column 'Year': ..." (the caller adds the column).
// Cells arrive trimmed and non-empty: an empty cell means "not given" and is never converted.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace careerlink {

// How a mapping's date columns are written: "auto" takes ISO or DD/MM/YYYY.
enum class CsvDateFormat { automatic, iso, uk };

}  // namespace careerlink

namespace careerlink::csv {

// Trims spaces, tabs, CR and LF at both ends.
std::string_view trim(std::string_view text);
// ASCII lower-case; UTF-8 bytes above 0x7F are left alone.
std::string lower(std::string_view text);
std::string upper(std::string_view text);

// ISO "YYYY-MM-DD". A trailing time (" 00:00", " 00:00:00", "T04:26:45"), as Excel and some MIS
// reports append, is dropped.
std::expected<std::string, std::string> convert_date(std::string_view cell, CsvDateFormat format);
// Y/N, Yes/No, True/False, 1/0 (any case).
std::expected<bool, std::string> convert_bool(std::string_view cell);
// "M" | "F" | "U" from M/F/U, Male/Female, Boy/Girl, Unknown/Not known.
std::expected<std::string, std::string> convert_sex(std::string_view cell);
// CTF NC year code "N1", "N2", "R", "1".."14", "X" from "Year 10", "Y10", "Yr 10", "10", "R",
// "Reception", "Nursery 1", "X".
std::expected<std::string, std::string> convert_nc_year(std::string_view cell);
// "N" | "K" | "E"; also "No SEN", "SEN Support", "EHC Plan", and the pre-2014 codes
// S (statement) -> E, A/P (School Action / Action Plus) -> K.
std::expected<std::string, std::string> convert_sen(std::string_view cell);
// 0..100, with or without a "%" sign.
std::expected<double, std::string> convert_percent(std::string_view cell);
// A whole number from 0 to 100000 (a count of exclusions, ...).
std::expected<std::int64_t, std::string> convert_count(std::string_view cell);
// "tutor" | "year" | "class" from those words and "Tutor group", "Reg group", "Form",
// "Year group", "Teaching group".
std::expected<std::string, std::string> convert_group_kind(std::string_view cell);
// Lower case, runs of spaces, hyphens and underscores to one underscore: "Head of Year" ->
// "head_of_year". Never fails.
std::string normalise_role(std::string_view cell);

}  // namespace careerlink::csv
