#include "connectors/csv/csv_source.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/csv/csv_rows.hpp"

namespace careerlink {
namespace {

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string single_quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

class Reader {
 public:
  Reader(const CsvMapping& mapping, const CsvOptions& options, std::string file, RecordSink& sink)
      : mapping_(mapping), options_(options), file_(std::move(file)), sink_(sink) {}

  std::expected<FileInfo, FileError> run(const std::filesystem::path& path);

 private:
  std::optional<csv::RowFault> row(std::size_t line, std::span<const std::string> cells);
  void header_row(std::size_t line, std::span<const std::string> cells);
  void record_row(std::size_t line, std::span<const std::string> cells);
  void fill(PupilRecord& pupil, const CsvColumn& column, std::string_view cell,
            std::string_view header);
  void fill(StaffGroupRecord& staff, const CsvColumn& column, std::string_view cell,
            std::string_view header);

  void fail(std::size_t line, std::string message) {
    if (!failure_) failure_ = csv::RowFault{line, std::move(message)};
  }

  const CsvMapping& mapping_;
  const CsvOptions& options_;
  std::string file_;
  RecordSink& sink_;

  bool have_header_ = false;
  std::vector<std::string> header_;     // trimmed header cells, as the file spells them
  std::vector<std::size_t> column_at_;  // per mapping column: index in the row, or kNoColumn

  std::optional<csv::RowFault> failure_;  // set by a row; stops the read
};

std::expected<FileInfo, FileError> Reader::run(const std::filesystem::path& path) {
  const csv::RowLimits limits{options_.max_file_bytes, options_.max_field_bytes};
  auto rows = csv::read_rows(
      path, limits,
      [this](std::size_t line, std::span<const std::string> cells) { return row(line, cells); },
      [this](std::uint64_t done, std::uint64_t total) { sink_.on_progress(done, total); });
  if (!rows) return std::unexpected(FileError{file_, rows.error().line, rows.error().message});
  return FileInfo{mapping_.description};
}

std::optional<csv::RowFault> Reader::row(std::size_t line, std::span<const std::string> cells) {
  if (have_header_) {
    record_row(line, cells);
  } else {
    header_row(line, cells);
  }
  return std::exchange(failure_, std::nullopt);
}

void Reader::header_row(std::size_t line, std::span<const std::string> cells) {
  have_header_ = true;
  header_.clear();
  for (const std::string& raw : cells) {
    std::string_view cell = csv::trim(raw);
    if (cell.starts_with(kUtf8Bom)) cell = csv::trim(cell.substr(kUtf8Bom.size()));
    header_.emplace_back(cell);
  }
  std::vector<std::string> folded;
  folded.reserve(header_.size());
  for (const auto& h : header_)
    folded.push_back(csv::lower(h));

  std::string missing;
  std::size_t missing_count = 0;
  column_at_.assign(mapping_.columns.size(), kNoColumn);
  for (std::size_t c = 0; c < mapping_.columns.size(); ++c) {
    const auto& column = mapping_.columns[c];
    // The first matching header wins if a file repeats one.
    const auto it = std::find(folded.begin(), folded.end(), csv::lower(column.header));
    if (it != folded.end()) {
      column_at_[c] = static_cast<std::size_t>(it - folded.begin());
    } else if (!column.optional) {
      missing += (missing.empty() ? "" : ", ") + single_quoted(column.header);
      ++missing_count;
    }
  }
  if (missing_count == 0) return;

  constexpr std::size_t kShowHeaders = 40;
  std::string found;
  for (std::size_t i = 0; i < header_.size() && i < kShowHeaders; ++i) {
    found += (i ? ", " : "") + single_quoted(header_[i]);
  }
  if (header_.size() > kShowHeaders) {
    found += " and " + std::to_string(header_.size() - kShowHeaders) + " more";
  }
  fail(line, std::string(missing_count == 1 ? "the header has no column " : "the header lacks ") +
                 missing + ", which the mapping (" + mapping_.description +
                 ") needs; the header has " + found);
}

void Reader::record_row(std::size_t line, std::span<const std::string> cells) {
  const auto for_each_cell = [&](auto& record) {
    if (cells.size() != header_.size()) {
      record.problems.push_back("row has " + std::to_string(cells.size()) +
                                " fields; the header has " + std::to_string(header_.size()));
    }
    for (std::size_t c = 0; c < mapping_.columns.size(); ++c) {
      const std::size_t at = column_at_[c];
      if (at == kNoColumn || at >= cells.size()) continue;
      const CsvColumn& column = mapping_.columns[c];
      std::string_view cell = csv::trim(cells[at]);
      if (cell.empty()) continue;  // not given: never wipes what another source supplied
      if (!column.values.empty()) {
        if (const auto hit = column.values.find(csv::lower(cell)); hit != column.values.end()) {
          cell = hit->second;
          if (cell.empty()) continue;  // a mapping may translate a word to "not given"
        }
      }
      fill(record, column, cell, header_[at]);
    }
  };
  const auto required_empty = [&](CsvField field, std::string_view what) -> std::string {
    for (std::size_t c = 0; c < mapping_.columns.size(); ++c) {
      if (mapping_.columns[c].field == field) {
        const std::size_t at = column_at_[c];
        const std::string header = at == kNoColumn ? mapping_.columns[c].header : header_[at];
        return "column " + single_quoted(header) + " is empty; " + std::string(what);
      }
    }
    return std::string(what);
  };

  bool go_on = true;
  if (mapping_.kind == CsvKind::pupils) {
    PupilRecord pupil;
    pupil.line = line;
    for_each_cell(pupil);
    if (pupil.upn.empty()) {
      pupil.problems.push_back(required_empty(CsvField::upn, "every pupil needs a UPN"));
    }
    go_on = sink_.on_pupil(std::move(pupil));
  } else {
    StaffGroupRecord staff;
    staff.line = line;
    for_each_cell(staff);
    if (staff.email.empty()) {
      staff.problems.push_back(required_empty(CsvField::email, "every row needs an email"));
    }
    if (staff.group.empty()) {
      staff.problems.push_back(required_empty(CsvField::group, "every row needs a group"));
    }
    go_on = sink_.on_staff_group(std::move(staff));
  }
  if (!go_on) fail(line, "stopped reading: the importer could not take this record");
}

// Sets `target` from a conversion result, or records why the cell could not be used.
template <typename T, typename Target>
void set(Target& target, std::expected<T, std::string> value, std::string_view header,
         std::vector<std::string>& problems) {
  if (value) {
    target = *std::move(value);
  } else {
    problems.push_back("column " + single_quoted(header) + ": " + value.error());
  }
}

void Reader::fill(PupilRecord& p, const CsvColumn& column, std::string_view cell,
                  std::string_view header) {
  auto& problems = p.problems;
  switch (column.field) {
    case CsvField::upn:
      p.upn = csv::upper(cell);
      break;
    case CsvField::former_upn: {
      // A cell may list several, separated by commas, semicolons or spaces.
      std::size_t pos = 0;
      while (pos < cell.size()) {
        const std::size_t end = std::min(cell.find_first_of(",; \t", pos), cell.size());
        if (end > pos) p.former_upns.push_back(csv::upper(cell.substr(pos, end - pos)));
        pos = end + 1;
      }
      break;
    }
    case CsvField::uln:
      p.uln = std::string(cell);
      break;
    case CsvField::source_id:
      p.source_id = std::string(cell);
      break;
    case CsvField::surname:
      p.surname = std::string(cell);
      break;
    case CsvField::forename:
      p.forename = std::string(cell);
      break;
    case CsvField::middle_names:
      p.middle_names = std::string(cell);
      break;
    case CsvField::preferred_surname:
      p.preferred_surname = std::string(cell);
      break;
    case CsvField::preferred_forename:
      p.preferred_forename = std::string(cell);
      break;
    case CsvField::dob:
      set(p.dob, csv::convert_date(cell, mapping_.date_format), header, problems);
      break;
    case CsvField::on_roll_date:
      set(p.on_roll_date, csv::convert_date(cell, mapping_.date_format), header, problems);
      break;
    case CsvField::leaving_date:
      set(p.leaving_date, csv::convert_date(cell, mapping_.date_format), header, problems);
      break;
    case CsvField::sex:
      set(p.sex, csv::convert_sex(cell), header, problems);
      break;
    case CsvField::nc_year:
      set(p.nc_year, csv::convert_nc_year(cell), header, problems);
      break;
    case CsvField::enrol_status:
      p.enrol_status = std::string(cell);
      break;
    case CsvField::fsm:
      set(p.fsm, csv::convert_bool(cell), header, problems);
      break;
    case CsvField::sen:
      set(p.sen, csv::convert_sen(cell), header, problems);
      break;
    case CsvField::ehcp:
      set(p.ehcp, csv::convert_bool(cell), header, problems);
      break;
    case CsvField::looked_after:
      set(p.looked_after, csv::convert_bool(cell), header, problems);
      break;
    case CsvField::eal:
      set(p.eal, csv::convert_bool(cell), header, problems);
      break;
    case CsvField::attendance_pct:
      set(p.attendance_pct, csv::convert_percent(cell), header, problems);
      break;
    case CsvField::exclusions:
      set(p.exclusions, csv::convert_count(cell), header, problems);
      break;
    case CsvField::young_carer:
      set(p.young_carer, csv::convert_bool(cell), header, problems);
      break;
    case CsvField::tutor_group:
      p.tutor_group = std::string(cell);
      break;
    default:  // staff-only fields cannot be in a pupils mapping (parse_mapping checks)
      break;
  }
}

void Reader::fill(StaffGroupRecord& s, const CsvColumn& column, std::string_view cell,
                  std::string_view header) {
  switch (column.field) {
    case CsvField::email:
      s.email = std::string(cell);
      break;
    case CsvField::title:
      s.title = std::string(cell);
      break;
    case CsvField::forename:
      s.forename = std::string(cell);
      break;
    case CsvField::surname:
      s.surname = std::string(cell);
      break;
    case CsvField::source_id:
      s.source_id = std::string(cell);
      break;
    case CsvField::group:
      s.group = std::string(cell);
      break;
    case CsvField::group_kind:
      set(s.group_kind, csv::convert_group_kind(cell), header, s.problems);
      break;
    case CsvField::role:
      s.role = csv::normalise_role(cell);
      break;
    default:  // pupil-only fields cannot be in a staff mapping (parse_mapping checks)
      break;
  }
}

}  // namespace

CsvSource::CsvSource(CsvMapping mapping, CsvOptions options)
    : mapping_(std::move(mapping)), options_(options) {}

std::expected<FileInfo, FileError> CsvSource::read(const std::filesystem::path& file,
                                                   RecordSink& sink) {
  Reader reader(mapping_, options_, file.string(), sink);
  return reader.run(file);
}

}  // namespace careerlink
