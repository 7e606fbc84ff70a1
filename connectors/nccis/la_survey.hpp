// The local authority's activity survey results as a CSV with NCCIS/CCIS column names
// (reference/formats.md section 2): one row per young person, what they are doing and how the
// LA found out. Reading checks each row on its own (UPN form, the NCCIS activity codes, dates);
// whether careerlink holds the pupil is for the import (la_survey_import.hpp) to say.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace careerlink::nccis {

struct SurveyColumn {
  std::string_view name;  // as NCCIS names it; matched case-insensitively
  bool required;
};

// The columns the survey import reads, in documentation order; any others are ignored.
std::span<const SurveyColumn> survey_columns();

// One row that passed the checks. Dates are ISO; codes are NCCIS activity codes.
struct SurveyRow {
  std::size_t line = 0;
  std::string upn;
  std::string activity_code;
  std::optional<std::string> start_date;
  std::optional<std::string> date_ascertained;
  std::optional<std::string> date_verified;
  std::optional<std::string> establishment_name;
  std::optional<std::string> ukprn;
  std::optional<std::string> guarantee_status;
  std::optional<std::string> intended_code;  // IntendedDestinationYr11
};

// A row left out, with why (every fault in the row, each naming its column).
struct SurveyRejection {
  std::size_t line = 0;
  std::string upn;  // as written, may be empty
  std::string reason;
};

struct SurveyFile {
  std::size_t data_rows = 0;  // rows after the header
  std::vector<SurveyRow> rows;
  std::vector<SurveyRejection> rejected;
};

// The file as a whole is not a survey file (not CSV text, broken quoting, a required column
// missing): nothing from it may be used. line 0: no particular line.
struct SurveyFault {
  std::string file;
  std::size_t line = 0;
  std::string message;
  [[nodiscard]] std::string to_string() const;
};

std::expected<SurveyFile, SurveyFault> read_la_survey(const std::filesystem::path& file,
                                                      std::uint64_t max_file_bytes);

}  // namespace careerlink::nccis
