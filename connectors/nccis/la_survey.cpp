#include "connectors/nccis/la_survey.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <limits>

#include "connectors/csv/csv_rows.hpp"
#include "connectors/csv/csv_values.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::nccis {
namespace {

enum Col : std::size_t {
  kUpn,
  kActivity,
  kStart,
  kAscertained,
  kVerified,
  kEstablishment,
  kUkprn,
  kGuarantee,
  kIntended,
  kLeaCode,
  kPeriodEnd,
  kCount,
};

// LEACode and PeriodEnd are read only so that a header naming them is recognised; the school
// comes from --school and the period from the dates of each row.
constexpr std::array<SurveyColumn, kCount> kColumns{{
    {"UniquePupilNumber", true},
    {"ActivityCode", true},
    {"StartDate", false},
    {"DateAscertained", true},
    {"DateVerified", false},
    {"EstablishmentName", false},
    {"UKProviderReferenceNumber", false},
    {"GuaranteeStatusIndicator", false},
    {"IntendedDestinationYr11", false},
    {"LEACode", false},
    {"PeriodEnd", false},
}};

constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();
// A guarantee status is kept verbatim; anything longer than this is not a status.
constexpr std::size_t kMaxStatusLength = 40;

// Which cell holds each column, from the header row.
using ColumnIndex = std::array<std::size_t, kCount>;

std::optional<std::string> index_header(std::span<const std::string> cells, ColumnIndex& index) {
  index.fill(kAbsent);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string name = csv::lower(csv::trim(cells[i]));
    // A UTF-8 byte order mark (Excel writes one) is not part of the first name.
    if (i == 0 && name.starts_with("\xEF\xBB\xBF")) name.erase(0, 3);
    for (std::size_t c = 0; c < kCount; ++c) {
      if (name != csv::lower(kColumns[c].name)) continue;
      if (index[c] != kAbsent) {
        return fmt::format("column '{}' appears twice in the header (columns {} and {})",
                           kColumns[c].name, index[c] + 1, i + 1);
      }
      index[c] = i;
    }
  }
  std::vector<std::string> missing;
  for (std::size_t c = 0; c < kCount; ++c) {
    if (kColumns[c].required && index[c] == kAbsent) missing.emplace_back(kColumns[c].name);
  }
  if (missing.empty()) return std::nullopt;
  return fmt::format(
      "missing column{} '{}': the LA's activity survey export needs UniquePupilNumber, "
      "ActivityCode and DateAscertained (NCCIS names, any order, any case)",
      missing.size() > 1 ? "s" : "", fmt::join(missing, "', '"));
}

// The trimmed cell of column `c`, or nullopt when the column is absent or the cell empty.
std::optional<std::string> cell(std::span<const std::string> cells, const ColumnIndex& index,
                                Col c) {
  if (index[c] == kAbsent || index[c] >= cells.size()) return std::nullopt;
  const auto text = csv::trim(cells[index[c]]);
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

// Checks one data row; faults name their column.
std::expected<SurveyRow, std::vector<std::string>> check_row(std::size_t line,
                                                             std::span<const std::string> cells,
                                                             const ColumnIndex& index) {
  std::vector<std::string> faults;
  SurveyRow row;
  row.line = line;

  if (auto upn = cell(cells, index, kUpn)) {
    row.upn = csv::upper(*upn);
    if (auto problem = upn_problem(row.upn)) {
      faults.push_back(fmt::format("column 'UniquePupilNumber': {}", *problem));
    }
  } else {
    faults.emplace_back("column 'UniquePupilNumber' is empty: every row must name the pupil");
  }

  auto code = [&](Col c, std::string& out) {
    const auto text = cell(cells, index, c);
    if (!text) return false;
    out = *text;
    if (!guidance::find_activity(out)) {
      faults.push_back(
          fmt::format("column '{}': '{}' is not an NCCIS activity code (see the list in "
                      "connectors/nccis/README.md)",
                      kColumns[c].name, out));
    }
    return true;
  };
  if (!code(kActivity, row.activity_code)) {
    faults.emplace_back("column 'ActivityCode' is empty: give the NCCIS activity code");
  }
  std::string intended;
  if (code(kIntended, intended)) row.intended_code = intended;

  auto date = [&](Col c, std::optional<std::string>& out) {
    const auto text = cell(cells, index, c);
    if (!text) return;
    auto iso = csv::convert_date(*text, CsvDateFormat::automatic);
    if (!iso) {
      faults.push_back(fmt::format("column '{}': {}", kColumns[c].name, iso.error()));
    } else {
      out = std::move(*iso);
    }
  };
  date(kStart, row.start_date);
  date(kAscertained, row.date_ascertained);
  date(kVerified, row.date_verified);

  row.establishment_name = cell(cells, index, kEstablishment);
  row.ukprn = cell(cells, index, kUkprn);
  if (row.ukprn) {
    const auto& u = *row.ukprn;
    const bool ok = u.size() == 8 && u.front() == '1' &&
                    std::ranges::all_of(u, [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!ok) {
      faults.push_back(fmt::format(
          "column 'UKProviderReferenceNumber': '{}' is not a UKPRN (8 digits starting 1)", u));
    }
  }
  row.guarantee_status = cell(cells, index, kGuarantee);
  if (row.guarantee_status && row.guarantee_status->size() > kMaxStatusLength) {
    faults.push_back(fmt::format("column 'GuaranteeStatusIndicator': longer than {} characters",
                                 kMaxStatusLength));
  }
  if (!faults.empty()) return std::unexpected(std::move(faults));
  return row;
}

}  // namespace

std::span<const SurveyColumn> survey_columns() {
  return kColumns;
}

std::string SurveyFault::to_string() const {
  return line > 0 ? fmt::format("{}:{}: {}", file, line, message)
                  : fmt::format("{}: {}", file, message);
}

std::expected<SurveyFile, SurveyFault> read_la_survey(const std::filesystem::path& file,
                                                      std::uint64_t max_file_bytes) {
  SurveyFile out;
  ColumnIndex index{};
  bool header_seen = false;
  csv::RowLimits limits;
  limits.max_file_bytes = max_file_bytes;
  auto read = csv::read_rows(
      file, limits,
      [&](std::size_t line, std::span<const std::string> cells) -> std::optional<csv::RowFault> {
        if (!header_seen) {
          header_seen = true;
          if (auto problem = index_header(cells, index)) return csv::RowFault{line, *problem};
          return std::nullopt;
        }
        ++out.data_rows;
        auto row = check_row(line, cells, index);
        if (row) {
          out.rows.push_back(std::move(*row));
        } else {
          SurveyRejection r{line, csv::upper(cell(cells, index, kUpn).value_or("")),
                            fmt::format("{}", fmt::join(row.error(), "; "))};
          out.rejected.push_back(std::move(r));
        }
        return std::nullopt;
      });
  if (!read)
    return std::unexpected(SurveyFault{file.string(), read.error().line, read.error().message});
  return out;
}

}  // namespace careerlink::nccis
