#include "connectors/csv/csv_rows.hpp"

#include <csv.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace careerlink::csv {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;
// Real exports have at most a few hundred columns; the cap keeps a file of nothing but commas
// from growing one row without bound.
constexpr std::size_t kMaxFieldsPerRow = 10000;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string mebibytes(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

// Counts physical lines the way a text editor does: LF, CRLF and a lone CR each end a line.
struct LineCounter {
  std::size_t line = 1;
  bool after_cr = false;

  void feed(char c) {
    if (c == '\r') {
      ++line;
      after_cr = true;
    } else {
      if (c == '\n' && !after_cr) ++line;
      after_cr = false;
    }
  }
};

// Runs over every byte before libcsv sees it. libcsv does not say where a row starts, and
// refuses nothing but quoting; this scan supplies record start lines (counting newlines inside
// quoted fields too), and refuses invalid UTF-8, NUL bytes and over-long fields before libcsv
// has buffered them, so memory stays bounded whatever the file holds.
class ByteScanner {
 public:
  explicit ByteScanner(std::size_t max_field_bytes) : max_field_(max_field_bytes) {}

  // Start lines of rows seen but not yet handed over by libcsv, oldest first.
  std::deque<std::size_t> row_starts;

  std::optional<std::pair<std::size_t, std::string>> scan(std::string_view bytes) {
    for (const char ch : bytes) {
      const auto c = static_cast<unsigned char>(ch);
      if (auto fault = check_utf8(c)) return std::pair{lines_.line, std::move(*fault)};

      const bool blank = c == ' ' || c == '\t';
      const bool newline = c == '\r' || c == '\n';
      if (in_quotes_) {
        ++field_len_;
        if (c == '"') in_quotes_ = false;
      } else if (newline) {
        at_row_start_ = true;
        field_len_ = 0;
        field_started_ = false;
      } else if (!(blank && !field_started_)) {
        // libcsv skips blanks and newlines between rows; anything else, even a comma, begins one.
        if (at_row_start_) {
          row_starts.push_back(lines_.line);
          at_row_start_ = false;
        }
        if (c == ',') {
          field_len_ = 0;
          field_started_ = false;
        } else if (!field_started_) {
          field_started_ = true;
          field_line_ = lines_.line;
          // Only an opening quote at a field's start marks where a quoted field began; a quote
          // that follows a closing quote is the second half of an escaped "".
          if (c == '"') quote_line_ = lines_.line;
        }
        if (c != ',') {
          ++field_len_;
          if (c == '"') in_quotes_ = true;
        }
      }
      if (field_len_ > max_field_) {
        return std::pair{field_line_, "a field starting on this line is longer than " +
                                          std::to_string(max_field_) +
                                          " bytes (is a closing quote \" missing?)"};
      }
      lines_.feed(ch);
    }
    return std::nullopt;
  }

  // Faults only visible at the end of the file.
  std::optional<std::pair<std::size_t, std::string>> finish() const {
    if (in_quotes_) {
      return std::pair{quote_line_,
                       std::string("a quoted field starting on this line is never closed: a "
                                   "closing quote \" is missing")};
    }
    if (utf8_need_ > 0) {
      return std::pair{lines_.line, std::string("the file ends inside a UTF-8 character; " +
                                                std::string(kSaveAsUtf8))};
    }
    return std::nullopt;
  }

  [[nodiscard]] LineCounter lines() const { return lines_; }

 private:
  static constexpr std::string_view kSaveAsUtf8 =
      "save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")";

  // Well-formed UTF-8 per RFC 3629 (no overlongs, surrogates or code points past U+10FFFF).
  std::optional<std::string> check_utf8(unsigned char c) {
    if (utf8_need_ > 0) {
      if (c < utf8_lo_ || c > utf8_hi_) return bad_utf8(utf8_lead_);
      --utf8_need_;
      utf8_lo_ = 0x80;
      utf8_hi_ = 0xBF;
      return std::nullopt;
    }
    if (c == 0) {
      return std::string(
          "the file holds a NUL byte, so it is binary, not CSV text (a spreadsheet or UTF-16 "
          "file?); " +
          std::string(kSaveAsUtf8));
    }
    if (c < 0x80) return std::nullopt;
    utf8_lead_ = c;
    if (c >= 0xC2 && c <= 0xDF) {
      utf8_need_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      utf8_need_ = 2;
      if (c == 0xE0) utf8_lo_ = 0xA0;
      if (c == 0xED) utf8_hi_ = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      utf8_need_ = 3;
      if (c == 0xF0) utf8_lo_ = 0x90;
      if (c == 0xF4) utf8_hi_ = 0x8F;
    } else {
      return bad_utf8(c);
    }
    return std::nullopt;
  }

  static std::string bad_utf8(unsigned char c) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string byte = "0x";
    byte += kHex[c >> 4];
    byte += kHex[c & 0xF];
    // A lone 0x80..0xFF byte usually means Excel's "CSV (Comma delimited)", which writes
    // Windows-1252: é is 0xE9.
    return "this line is not valid UTF-8 (byte " + byte + "); " + std::string(kSaveAsUtf8);
  }

  std::size_t max_field_;
  LineCounter lines_;
  bool in_quotes_ = false;
  bool at_row_start_ = true;
  bool field_started_ = false;
  std::size_t field_len_ = 0;
  std::size_t field_line_ = 1;
  std::size_t quote_line_ = 1;
  int utf8_need_ = 0;
  unsigned char utf8_lo_ = 0x80;
  unsigned char utf8_hi_ = 0xBF;
  unsigned char utf8_lead_ = 0;  // the byte that began the current sequence, for messages
};

// Recognises files that are plainly not CSV text, to say what they are.
std::optional<std::string> sniff_binary(std::string_view head) {
  if (head.starts_with(std::string_view("PK\x03\x04", 4))) {
    return "this is an Excel workbook (.xlsx) or another zip file, not CSV; open it in Excel "
           "and Save As \"CSV UTF-8 (Comma delimited)\"";
  }
  if (head.starts_with("\xD0\xCF\x11\xE0")) {
    return "this is an old Excel workbook (.xls), not CSV; open it in Excel and Save As "
           "\"CSV UTF-8 (Comma delimited)\"";
  }
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    return "this file is UTF-16 (\"Unicode text\"), not UTF-8; save it as CSV UTF-8";
  }
  return std::nullopt;
}

class RowReader {
 public:
  RowReader(const RowLimits& limits, const RowHandler& on_row, const ProgressHandler& on_progress)
      : limits_(limits),
        on_row_(on_row),
        on_progress_(on_progress),
        scanner_(limits.max_field_bytes) {}

  std::expected<std::size_t, RowFault> run(const std::filesystem::path& path);

 private:
  static void on_field(void* data, std::size_t len, void* self) {
    static_cast<RowReader*>(self)->field(static_cast<const char*>(data), len);
  }
  static void on_row(int /*terminator*/, void* self) { static_cast<RowReader*>(self)->row(); }

  void field(const char* data, std::size_t len);
  void row();

  // The scanner has run ahead to the end of the chunk; the row libcsv is building is the
  // oldest one whose start it has queued.
  std::size_t current_row_line() const {
    return scanner_.row_starts.empty() ? scanner_.lines().line : scanner_.row_starts.front();
  }
  static std::unexpected<RowFault> error(std::size_t line, std::string message) {
    return std::unexpected(RowFault{line, std::move(message)});
  }
  void fail(std::size_t line, std::string message) {
    if (!failure_) failure_ = RowFault{line, std::move(message)};
  }

  const RowLimits& limits_;
  const RowHandler& on_row_;
  const ProgressHandler& on_progress_;
  ByteScanner scanner_;

  // The current row; strings are reused from row to row to keep allocation flat.
  std::vector<std::string> cells_;
  std::size_t cell_count_ = 0;
  std::size_t rows_ = 0;

  std::optional<RowFault> failure_;  // set from a libcsv callback; stops the read
};

std::expected<std::size_t, RowFault> RowReader::run(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return error(0, "no such file");
  if (!std::filesystem::is_regular_file(status)) return error(0, "not a regular file");
  const std::uint64_t total = std::filesystem::file_size(path, ec);
  if (ec) return error(0, "cannot read the file: " + ec.message());
  if (total > limits_.max_file_bytes) {
    return error(0, "the file is " + mebibytes(total) + "; the limit is " +
                        mebibytes(limits_.max_file_bytes));
  }
  if (total == 0) return error(0, "the file is empty; a CSV needs a header row");
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(0, "cannot open the file");

  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return error(0, "out of memory");
  }
  struct Free {
    csv_parser* p;
    ~Free() { csv_free(p); }
  } free_parser{&parser};

  std::vector<char> buffer(kChunkBytes);
  std::uint64_t done = 0;
  bool first = true;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.bad()) return error(0, "cannot read the file");
    if (got == 0) break;
    std::string_view chunk(buffer.data(), got);
    done += got;
    if (done > limits_.max_file_bytes) {  // the file grew while we read it
      return error(0, "the file is larger than the limit of " + mebibytes(limits_.max_file_bytes));
    }
    if (first) {
      first = false;
      if (auto what = sniff_binary(chunk)) return error(0, std::move(*what));
      if (chunk.starts_with(kUtf8Bom)) chunk.remove_prefix(kUtf8Bom.size());
    }

    const LineCounter chunk_start = scanner_.lines();
    if (auto fault = scanner_.scan(chunk)) return error(fault->first, std::move(fault->second));
    const std::size_t parsed =
        csv_parse(&parser, chunk.data(), chunk.size(), on_field, on_row, this);
    if (failure_) return std::unexpected(*failure_);
    if (parsed != chunk.size()) {
      LineCounter at = chunk_start;
      for (std::size_t i = 0; i < parsed; ++i)
        at.feed(chunk[i]);
      const int code = csv_error(&parser);
      return error(at.line,
                   code == CSV_EPARSE
                       ? "malformed CSV: a quote \" in the wrong place (a field with quotes "
                         "must be wholly inside them, and a quote within it doubled as \"\")"
                       : std::string("cannot parse: ") + csv_strerror(code));
    }
    if (on_progress_) on_progress_(done, total);
  }

  if (auto fault = scanner_.finish()) return error(fault->first, std::move(fault->second));
  if (csv_fini(&parser, on_field, on_row, this) != 0) {
    return error(scanner_.lines().line,
                 "malformed CSV at the end of the file: a closing quote \" is missing");
  }
  if (failure_) return std::unexpected(*failure_);
  if (rows_ == 0) return error(0, "the file has no rows; a CSV needs a header row");
  return rows_;
}

void RowReader::field(const char* data, std::size_t len) {
  if (failure_) return;
  if (len > limits_.max_field_bytes) {  // the scanner refuses these first; kept as a backstop
    fail(current_row_line(),
         "a field is longer than " + std::to_string(limits_.max_field_bytes) + " bytes");
    return;
  }
  if (cell_count_ == kMaxFieldsPerRow) {
    fail(current_row_line(),
         "a row has more than " + std::to_string(kMaxFieldsPerRow) + " fields; is this CSV?");
    return;
  }
  if (cell_count_ == cells_.size()) cells_.emplace_back();
  if (data == nullptr) {
    cells_[cell_count_].clear();
  } else {
    cells_[cell_count_].assign(data, len);
  }
  ++cell_count_;
}

void RowReader::row() {
  // The scanner saw every row start before libcsv reported the row, so the queue is never
  // empty here; the fallback only keeps a bug from crashing the read.
  std::size_t line = scanner_.lines().line;
  if (!scanner_.row_starts.empty()) {
    line = scanner_.row_starts.front();
    scanner_.row_starts.pop_front();
  }
  if (!failure_) {
    const std::span<const std::string> cells(cells_.data(), cell_count_);
    const bool empty = std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
      return std::all_of(c.begin(), c.end(), is_blank);
    });
    if (!empty) {
      ++rows_;
      if (auto fault = on_row_(line, cells)) failure_ = std::move(*fault);
    }
  }
  cell_count_ = 0;
}

}  // namespace

std::expected<std::size_t, RowFault> read_rows(const std::filesystem::path& file,
                                               const RowLimits& limits, const RowHandler& on_row,
                                               const ProgressHandler& on_progress) {
  RowReader reader(limits, on_row, on_progress);
  return reader.run(file);
}

}  // namespace careerlink::csv
