#include "daemon/guidance/guidance_csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "connectors/csv/csv_rows.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/guidance/guidance_json.hpp"

namespace careerlink::guidance {
namespace {

using nlohmann::json;

// How a cell is read before it goes into the interview's JSON.
enum class Cell {
  text,     // as written (trimmed)
  upper,    // upper-cased: UPNs
  word,     // lower-cased, spaces and hyphens to "_": "One to one" -> "one_to_one"
  date,     // ISO or DD/MM/YYYY, to ISO
  integer,  // a whole number
  boolean,  // yes/no, y/n, true/false, 1/0
};

struct Column {
  GuidanceCsvColumn doc;
  std::string_view path;  // in the interview JSON; for an action column, within the action
  Cell cell;
  bool action;
};

constexpr std::array kColumns{
    Column{{"external_id", true}, "external_id", Cell::text, false},
    Column{{"school_urn", true}, "school_urn", Cell::text, false},
    Column{{"upn", false}, "pupil.upn", Cell::upper, false},
    Column{{"mis_id", false}, "pupil.mis_id", Cell::text, false},
    Column{{"date", true}, "date", Cell::date, false},
    Column{{"minutes", true}, "minutes", Cell::integer, false},
    Column{{"kind", true}, "kind", Cell::word, false},
    Column{{"adviser_name", true}, "adviser.name", Cell::text, false},
    Column{{"adviser_organisation", true}, "adviser.organisation", Cell::text, false},
    Column{{"adviser_level", true}, "adviser.qualification_level", Cell::integer, false},
    Column{{"provider_type", true}, "provider_type", Cell::word, false},
    Column{{"share_with_staff", true}, "consent.share_with_staff", Cell::boolean, false},
    Column{{"share_with_trackers", true}, "consent.share_with_trackers", Cell::boolean, false},
    Column{{"consent_recorded_on", true}, "consent.recorded_on", Cell::date, false},
    Column{{"consent_recorded_by", false}, "consent.recorded_by", Cell::text, false},
    Column{{"plan_summary", false}, "plan.summary", Cell::text, false},
    Column{{"intended_activity_code", false},
           "plan.intended_destination.activity_code",
           Cell::text,
           false},
    Column{{"intended_provider", false}, "plan.intended_destination.provider", Cell::text, false},
    Column{{"intended_course", false}, "plan.intended_destination.course", Cell::text, false},
    Column{{"next_review", false}, "plan.next_review", Cell::date, false},
    Column{{"action_id", false}, "id", Cell::text, true},
    Column{{"action_text", false}, "text", Cell::text, true},
    Column{{"action_owner", false}, "owner", Cell::word, true},
    Column{{"action_due", false}, "due", Cell::date, true},
    Column{{"action_status", false}, "status", Cell::word, true},
    Column{{"action_done_on", false}, "done_on", Cell::date, true},
    Column{{"action_done_by", false}, "done_by", Cell::text, true},
};
constexpr std::size_t kColumnCount = kColumns.size();
constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

constexpr std::array<GuidanceCsvColumn, kColumnCount> column_docs() {
  std::array<GuidanceCsvColumn, kColumnCount> docs{};
  for (std::size_t i = 0; i < kColumnCount; ++i)
    docs[i] = kColumns[i].doc;
  return docs;
}
constexpr auto kColumnDocs = column_docs();

std::size_t column_index(std::string_view name) {
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    if (kColumns[i].doc.name == name) return i;
  }
  return kNoColumn;
}

// Interview-level JSON paths, and the objects that hold them, back to the column a fault is
// reported on.
std::string_view column_for_path(std::string_view path) {
  for (const Column& c : kColumns) {
    if (!c.action && c.path == path) return c.doc.name;
  }
  if (path == "pupil") return "upn";
  if (path == "adviser") return "adviser_name";
  if (path == "consent") return "share_with_staff";
  if (path == "plan") return "plan_summary";
  if (path == "plan.intended_destination") return "intended_activity_code";
  if (path == "plan.actions") return "action_id";
  return {};
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string word(std::string_view s) {
  std::string out;
  bool gap = false;
  for (const char c : lower(s)) {
    if (c == ' ' || c == '-' || c == '_' || c == '\t') {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '_';
    gap = false;
    out += c;
  }
  return out;
}

// A cell as it goes into the interview's JSON, and as rows of one interview compare it.
struct Converted {
  json value;         // null when the cell is empty or could not be read
  std::string key;    // the normalised text rows are compared by
  std::string fault;  // why the cell could not be read, or empty
};

Converted convert(const Column& column, std::string_view cell) {
  Converted out;
  out.key = std::string(cell);
  if (cell.empty()) return out;
  switch (column.cell) {
    case Cell::text:
      out.value = out.key;
      break;
    case Cell::upper:
      out.key = upper(cell);
      out.value = out.key;
      break;
    case Cell::word:
      out.key = word(cell);
      out.value = out.key;
      break;
    case Cell::date:
      if (auto iso = normalise_date(cell)) {
        out.key = *iso;
        out.value = *iso;
      } else {
        out.fault = "must be a date written YYYY-MM-DD or DD/MM/YYYY, got " + json_quoted(cell);
      }
      break;
    case Cell::integer: {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), n);
      if (ec == std::errc{} && end == cell.data() + cell.size()) {
        out.key = std::to_string(n);
        out.value = n;
      } else {
        out.fault = "must be a whole number, got " + json_quoted(cell);
      }
      break;
    }
    case Cell::boolean: {
      const std::string v = lower(cell);
      if (v == "yes" || v == "y" || v == "true" || v == "1") {
        out.key = "true";
        out.value = true;
      } else if (v == "no" || v == "n" || v == "false" || v == "0") {
        out.key = "false";
        out.value = false;
      } else {
        out.fault = "must be yes or no (or y/n, true/false, 1/0), got " + json_quoted(cell);
      }
      break;
    }
  }
  return out;
}

// Sets "a.b.c" in `root`, making the objects on the way.
void set_path(json& root, std::string_view path, json value) {
  json* at = &root;
  while (true) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (dot == std::string_view::npos) {
      (*at)[key] = std::move(value);
      return;
    }
    at = &(*at)[key];
    path.remove_prefix(dot + 1);
  }
}

struct ActionRow {
  std::size_t line;
  json body;
};

// Rows sharing an external_id: the interview's cells from its first row, and its actions.
struct Group {
  std::string id;
  std::size_t first_line = 0;
  std::array<Converted, kColumnCount> cells;
  std::vector<ActionRow> actions;
  std::set<std::string, std::less<>> faulted;  // JSON paths already reported as bad cells
};

class Collector {
 public:
  Collector(std::string_view today, const GuidanceCsvLimits& limits)
      : today_(today), limits_(limits) {}

  std::optional<csv::RowFault> on_row(std::size_t line, std::span<const std::string> cells);
  std::expected<std::vector<Interview>, std::vector<CsvLineError>> finish();
  // The file could not be read through: its fault, after any header faults already found.
  std::vector<CsvLineError> refuse(csv::RowFault fault);

 private:
  bool header(std::span<const std::string> cells);
  void record(std::size_t line, std::span<const std::string> cells);
  void check(Group& group, std::vector<Interview>& out);

  void error(std::size_t line, std::string_view field, std::string message) {
    if (errors_.size() < limits_.max_errors) {
      errors_.push_back(CsvLineError{line, std::string(field), std::move(message)});
    } else {
      ++errors_dropped_;
    }
  }
  [[nodiscard]] bool has(std::size_t c) const { return at_[c] != kNoColumn; }

  std::string_view today_;
  const GuidanceCsvLimits& limits_;
  bool have_header_ = false;
  bool refused_ = false;  // a file-wide fault; rows are not read
  std::size_t header_width_ = 0;
  std::vector<std::size_t> unnamed_;            // cells with no header name
  std::array<std::size_t, kColumnCount> at_{};  // per column: its index in a row
  std::size_t rows_ = 0;
  std::vector<Group> groups_;  // in order of first appearance
  std::map<std::string, std::size_t, std::less<>> group_at_;
  std::vector<CsvLineError> errors_;
  std::size_t errors_dropped_ = 0;
};

std::optional<csv::RowFault> Collector::on_row(std::size_t line,
                                               std::span<const std::string> cells) {
  if (!have_header_) {
    have_header_ = true;
    if (!header(cells)) refused_ = true;
    return std::nullopt;
  }
  if (refused_) return std::nullopt;
  if (++rows_ > limits_.max_rows) {
    return csv::RowFault{0, "the file has more than " + std::to_string(limits_.max_rows) +
                                " rows; split it into smaller files"};
  }
  record(line, cells);
  return std::nullopt;
}

bool Collector::header(std::span<const std::string> cells) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  at_.fill(kNoColumn);
  header_width_ = cells.size();
  bool ok = true;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string_view name = trim(cells[i]);
    if (name.starts_with(kBom)) name = trim(name.substr(kBom.size()));
    if (name.empty()) {
      unnamed_.push_back(i);  // Excel leaves these after a formatted column; cells must be empty
      continue;
    }
    const std::string folded = lower(name);
    const std::size_t c = column_index(folded);
    if (c == kNoColumn) {
      std::string message = "is not a column of a guidance CSV; the columns are: ";
      for (std::size_t k = 0; k < kColumnCount; ++k) {
        message += (k ? ", " : "");
        message += kColumns[k].doc.name;
      }
      error(0, name, std::move(message));
      ok = false;
    } else if (at_[c] != kNoColumn) {
      error(0, name, "appears twice in the header; give each column once");
      ok = false;
    } else {
      at_[c] = i;
    }
  }
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    if (kColumns[c].doc.required && !has(c)) {
      error(0, kColumns[c].doc.name, "is missing from the header; a guidance CSV needs it");
      ok = false;
    }
  }
  if (!has(column_index("upn")) && !has(column_index("mis_id"))) {
    error(0, "upn", "the header needs a upn column, a mis_id column, or both, to name the pupil");
    ok = false;
  }
  if (!has(column_index("action_id"))) {
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (kColumns[c].action && has(c)) {
        error(0, "action_id",
              "is missing from the header, but " + std::string(kColumns[c].doc.name) +
                  " is there; a row's action is read only when it has an action_id");
        ok = false;
        break;
      }
    }
  }
  return ok;
}

void Collector::record(std::size_t line, std::span<const std::string> cells) {
  if (cells.size() != header_width_) {
    error(line, "",
          "the row has " + std::to_string(cells.size()) + " fields but the header has " +
              std::to_string(header_width_) +
              " (a missing comma, or an unquoted comma in a cell?)");
    return;
  }
  for (const std::size_t i : unnamed_) {
    if (!trim(cells[i]).empty()) {
      error(line, "",
            "field " + std::to_string(i + 1) + " holds " + json_quoted(trim(cells[i])) +
                " but its column has no name in the header; name the column or clear it");
      return;
    }
  }
  const auto cell = [&](std::size_t c) {
    return has(c) ? trim(cells[at_[c]]) : std::string_view{};
  };

  const std::string_view id = cell(column_index("external_id"));
  if (id.empty()) {
    error(line, "external_id", "is empty; every row needs the external_id of its interview");
    return;
  }

  std::array<Converted, kColumnCount> converted;
  for (std::size_t c = 0; c < kColumnCount; ++c)
    converted[c] = convert(kColumns[c], cell(c));

  auto [slot, fresh] = group_at_.try_emplace(std::string(id), groups_.size());
  if (fresh) {
    Group& g = groups_.emplace_back();
    g.id = std::string(id);
    g.first_line = line;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (kColumns[c].action) continue;
      if (!converted[c].fault.empty()) {
        error(line, kColumns[c].doc.name, converted[c].fault);
        g.faulted.insert(std::string(kColumns[c].path));
      }
      g.cells[c] = std::move(converted[c]);
    }
  } else {
    Group& g = groups_[slot->second];
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (kColumns[c].action || converted[c].key == g.cells[c].key) continue;
      error(line, kColumns[c].doc.name,
            "is " + json_quoted(converted[c].key) + " here but " + json_quoted(g.cells[c].key) +
                " on line " + std::to_string(g.first_line) + ", the first row of interview " +
                json_quoted(g.id) + "; every row of an interview must give the same " +
                std::string(kColumns[c].doc.name));
    }
  }

  Group& g = groups_[slot->second];
  const std::size_t id_column = column_index("action_id");
  if (converted[id_column].value.is_null()) {
    std::string filled;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (kColumns[c].action && !cell(c).empty()) {
        filled += (filled.empty() ? "" : ", ") + std::string(kColumns[c].doc.name);
      }
    }
    if (!filled.empty()) {
      error(line, "action_id",
            "is empty, but the row has " + filled +
                "; give the action an id (unique within the interview), or clear those cells");
    }
    return;
  }
  const std::string prefix = "plan.actions[" + std::to_string(g.actions.size()) + "].";
  ActionRow action{line, json::object()};
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    if (!kColumns[c].action) continue;
    if (!converted[c].fault.empty()) {
      error(line, kColumns[c].doc.name, converted[c].fault);
      g.faulted.insert(prefix + std::string(kColumns[c].path));
    } else if (!converted[c].value.is_null()) {
      action.body[std::string(kColumns[c].path)] = std::move(converted[c].value);
    }
  }
  g.actions.push_back(std::move(action));
}

// Builds the interview's JSON from its rows, checks it as the API would, and reports each fault
// on the row and column it came from.
void Collector::check(Group& g, std::vector<Interview>& out) {
  json body = {{"pupil", json::object()}, {"adviser", json::object()}, {"consent", json::object()}};
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    const Column& column = kColumns[c];
    if (column.action || column.path == "external_id" || g.cells[c].value.is_null()) continue;
    set_path(body, column.path, g.cells[c].value);
  }
  if (!g.actions.empty()) {
    json actions = json::array();
    for (const ActionRow& a : g.actions)
      actions.push_back(a.body);
    body["plan"]["actions"] = std::move(actions);
  }

  auto interview = parse_interview(body, g.id, today_);
  if (interview) {
    out.push_back(*std::move(interview));
    return;
  }
  for (FieldError& e : interview.error()) {
    if (g.faulted.contains(e.field)) continue;  // the bad cell is reported already
    std::size_t line = g.first_line;
    std::string column(column_for_path(e.field));
    constexpr std::string_view kActions = "plan.actions[";
    if (e.field.starts_with(kActions)) {
      const std::size_t close = e.field.find(']');
      std::size_t index = 0;
      std::from_chars(e.field.data() + kActions.size(), e.field.data() + close, index);
      if (index < g.actions.size()) line = g.actions[index].line;
      const std::string_view rest = std::string_view(e.field).substr(close + 1);
      column = rest.starts_with('.') ? "action_" + std::string(rest.substr(1)) : "action_id";
    } else if (e.field == "plan.actions" && !g.actions.empty()) {
      line = g.actions.front().line;
    }
    if (column.empty()) column = e.field;
    if (column == "upn" && !has(column_index("upn"))) column = "mis_id";
    // In a CSV a required value that is missing is an empty cell, and dates may be UK style.
    constexpr std::string_view kRequired = "is required; ";
    if (e.message.starts_with(kRequired)) e.message.replace(0, kRequired.size(), "is empty; ");
    constexpr std::string_view kIso = "written YYYY-MM-DD";
    if (const auto at = e.message.find(kIso); at != std::string::npos) {
      e.message.insert(at + kIso.size(), " or DD/MM/YYYY");
    }
    error(line, column, std::move(e.message));
  }
}

std::expected<std::vector<Interview>, std::vector<CsvLineError>> Collector::finish() {
  std::vector<Interview> out;
  if (!refused_) {
    for (Group& g : groups_)
      check(g, out);
  }
  if (errors_.empty()) return out;
  std::ranges::stable_sort(errors_, {}, &CsvLineError::line);
  if (errors_dropped_ > 0) {
    errors_.push_back(CsvLineError{0, "",
                                   "and " + std::to_string(errors_dropped_) +
                                       " more faults not listed; fix these and try again"});
  }
  return std::unexpected(std::move(errors_));
}

std::vector<CsvLineError> Collector::refuse(csv::RowFault fault) {
  std::vector<CsvLineError> out;
  if (refused_) out = std::move(errors_);
  out.push_back(CsvLineError{fault.line, "", std::move(fault.message)});
  return out;
}

std::string prefixed(std::string_view prefix, const std::string& field) {
  if (prefix.empty()) return field;
  if (field.empty()) return std::string(prefix);
  return std::string(prefix) + "." + field;
}

std::string mebibytes(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

}  // namespace

std::span<const GuidanceCsvColumn> guidance_csv_columns() {
  return kColumnDocs;
}

std::expected<std::vector<Interview>, std::vector<CsvLineError>> read_guidance_csv(
    const std::filesystem::path& file, std::string_view today, const GuidanceCsvLimits& limits) {
  Collector collector(today, limits);
  const csv::RowLimits row_limits{limits.max_file_bytes, limits.max_field_bytes};
  auto rows = csv::read_rows(file, row_limits,
                             [&collector](std::size_t line, std::span<const std::string> cells) {
                               return collector.on_row(line, cells);
                             });
  if (!rows) return std::unexpected(collector.refuse(std::move(rows.error())));
  return collector.finish();
}

std::expected<std::vector<Interview>, std::vector<FieldError>> read_guidance_json_file(
    const std::filesystem::path& file, std::string_view today, const GuidanceCsvLimits& limits) {
  const auto refuse = [](std::string message) {
    return std::unexpected(std::vector{FieldError{"", std::move(message)}});
  };
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) return refuse("no such file");
  if (!std::filesystem::is_regular_file(status)) return refuse("not a regular file");
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) return refuse("cannot read the file: " + ec.message());
  if (size > limits.max_file_bytes) {
    return refuse("the file is " + mebibytes(size) + "; the limit is " +
                  mebibytes(limits.max_file_bytes));
  }
  if (size == 0)
    return refuse("the file is empty; it should hold an interview or an array of them");

  std::ifstream in(file, std::ios::binary);
  if (!in) return refuse("cannot open the file");
  std::string text;
  std::array<char, 64 * 1024> chunk{};
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (in.bad()) return refuse("cannot read the file");
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_file_bytes) {  // the file grew since it was measured
      return refuse("the file is larger than the limit of " + mebibytes(limits.max_file_bytes));
    }
  }
  if (text.find('\0') != std::string::npos) {
    return refuse(
        "the file holds a NUL byte, so it is binary, not JSON text (UTF-16?); save it "
        "as UTF-8");
  }

  auto doc = parse_json_text(text, limits.max_json_depth);
  if (!doc) return refuse("not valid JSON: " + doc.error());
  if (!doc->is_object() && !doc->is_array()) {
    return refuse("the file must hold an interview (a JSON object) or an array of them");
  }

  std::vector<Interview> out;
  std::vector<FieldError> errors;
  std::size_t dropped = 0;
  const auto add = [&](std::string field, std::string message) {
    if (errors.size() < limits.max_errors) {
      errors.push_back(FieldError{std::move(field), std::move(message)});
    } else {
      ++dropped;
    }
  };
  std::map<std::string, std::size_t, std::less<>> first_index;  // external_id -> element
  const bool many = doc->is_array();
  const std::size_t count = many ? doc->size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const json& element = many ? (*doc)[i] : *doc;
    const std::string prefix = many ? "[" + std::to_string(i) + "]" : "";
    auto interview = parse_interview(element, "", today);
    if (!interview) {
      for (FieldError& e : interview.error())
        add(prefixed(prefix, e.field), std::move(e.message));
      continue;
    }
    const auto [it, fresh] = first_index.try_emplace(interview->external_id, i);
    if (!fresh) {
      add(prefixed(prefix, "external_id"),
          "repeats the external_id " + json_quoted(interview->external_id) + " of [" +
              std::to_string(it->second) + "]; each interview appears once in a file");
      continue;
    }
    out.push_back(*std::move(interview));
  }
  if (errors.empty()) return out;
  if (dropped > 0) {
    errors.push_back(FieldError{
        "", "and " + std::to_string(dropped) + " more faults not listed; fix these and try again"});
  }
  return std::unexpected(std::move(errors));
}

}  // namespace careerlink::guidance
