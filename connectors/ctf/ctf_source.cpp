#include "connectors/ctf/ctf_source.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "connectors/ctf/ctf_input.hpp"
#include "connectors/ctf/ctf_pupil_reader.hpp"
#include "daemon/domain/dates.hpp"

namespace careerlink {
namespace {

constexpr int kMinVersion = 11;
constexpr int kMaxVersion = 25;
constexpr std::uint64_t kProgressStep = std::uint64_t{64} * 1024;
constexpr std::size_t kReadBlock = std::size_t{64} * 1024;
constexpr std::string_view kReexport = "re-export the CTF from the MIS and import it again";

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool all_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view sv(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view{};
}

// The first error libxml2 reports, kept instead of printed. Warnings are ignored.
struct ErrorCapture {
  std::optional<std::string> message;
  std::size_t line = 0;

  static void on_error(void* self, xmlErrorPtr error) {
    auto* capture = static_cast<ErrorCapture*>(self);
    if (!error || error->level < XML_ERR_ERROR || capture->message) return;
    std::string msg = error->message ? error->message : "unknown XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    capture->message = std::move(msg);
    capture->line = error->line > 0 ? static_cast<std::size_t>(error->line) : 0;
  }
  // libxml2's generic (unstructured) channel: silenced; the structured one carries the detail.
  static void on_generic(void*, const char*, ...) {}
};

// libxml2 keeps its fallback error handlers per thread. Route them to the capture while a file
// is read so nothing reaches stderr, and put back whatever was there before.
class ScopedErrorHandlers {
 public:
  explicit ScopedErrorHandlers(ErrorCapture* capture)
      : generic_(xmlGenericError),
        generic_ctx_(xmlGenericErrorContext),
        structured_(xmlStructuredError),
        structured_ctx_(xmlStructuredErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &ErrorCapture::on_generic);
    xmlSetStructuredErrorFunc(capture, &ErrorCapture::on_error);
  }
  ~ScopedErrorHandlers() {
    xmlSetGenericErrorFunc(generic_ctx_, generic_);
    xmlSetStructuredErrorFunc(structured_ctx_, structured_);
  }
  ScopedErrorHandlers(const ScopedErrorHandlers&) = delete;
  ScopedErrorHandlers& operator=(const ScopedErrorHandlers&) = delete;

 private:
  xmlGenericErrorFunc generic_;
  void* generic_ctx_;
  xmlStructuredErrorFunc structured_;
  void* structured_ctx_;
};

struct ReaderDeleter {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct Header {
  std::optional<std::string> version, date_time, lea, estab, urn, school_name;
};

// One read of one file: the reader loop and the header and pupil state it drives.
class Run {
 public:
  Run(const CtfOptions& options, const std::filesystem::path& file, RecordSink& sink,
      std::uint64_t total)
      : options_(options), file_(file.string()), sink_(sink), total_(total) {}

  std::expected<FileInfo, FileError> go(xmlTextReader* reader, ctf::GuardedInput& input,
                                        ErrorCapture& capture);

 private:
  FileError error(std::size_t line, std::string message) const {
    return FileError{file_, line, std::move(message)};
  }
  std::size_t line() const;
  std::optional<FileError> on_start(std::string_view name);
  std::optional<FileError> on_end(std::string_view text);
  std::optional<FileError> on_text(std::string_view value);
  std::optional<FileError> on_skipped(int type, bool empty);
  std::optional<FileError> on_header_leaf(std::string_view text);
  std::optional<FileError> finish_header();
  std::expected<FileInfo, FileError> parse_failure(const ctf::GuardedInput& input,
                                                   const ErrorCapture& capture) const;

  const CtfOptions& options_;
  std::string file_;
  RecordSink& sink_;
  std::uint64_t total_;
  xmlTextReader* reader_ = nullptr;

  std::vector<std::string_view> path_;  // names are libxml2 dictionary strings: stable
  std::string text_;
  Header header_;
  bool root_seen_ = false;
  bool header_done_ = false;
  std::string format_;
  std::string laestab_;
  std::string as_of_;
  std::optional<ctf::PupilReader> pupil_;
  bool in_pupil_ = false;
  xmlNodePtr pupil_node_ = nullptr;  // alive while inside the pupil: it is an open ancestor
  std::size_t pupil_line_ = 0;       // 0 until known (see element_line)
  // Inside a subtree of the pupil the reader has no use for (assessments, contacts, ...), only
  // the bounds are kept: elements open below the skipped one, and text in the current one.
  bool skipping_ = false;
  std::size_t skip_depth_ = 0;
  std::size_t skip_text_ = 0;
  std::uint64_t last_progress_ = 0;
};

constexpr std::size_t kPupilDepth = 3;  // CTfile / CTFpupilData / Pupil

constexpr unsigned short kSaturatedLine = 65535;

// libxml2 stores an element's line in 16 bits; past line 65535 it saturates and, with
// XML_PARSE_BIG_LINES, keeps the full line only on text nodes, as the line where the text
// node was made (its end, for indentation). So take the first text inside the element and step
// back over its newlines; xmlGetLineNo's own fallback is one line late after a line break.
// Returns 0 while the element's first child has not been parsed yet.
long element_line(xmlNodePtr node, int hops = 0) {
  if (node->line != kSaturatedLine) return node->line;
  if (hops > 8) return 0;
  xmlNodePtr child = node->children;
  if (child && child->type == XML_TEXT_NODE && child->psvi && child->content) {
    long line = static_cast<long>(reinterpret_cast<std::ptrdiff_t>(child->psvi));
    for (const xmlChar* c = child->content; *c; ++c)
      line -= *c == '\n' ? 1 : 0;
    return line;
  }
  if (child && child->type == XML_ELEMENT_NODE) return element_line(child, hops + 1);
  return 0;
}

std::size_t Run::line() const {
  if (xmlNodePtr node = xmlTextReaderCurrentNode(reader_)) {
    long l = node->type == XML_ELEMENT_NODE ? element_line(node) : 0;
    if (l <= 0) l = xmlGetLineNo(node);
    if (l > 0) return static_cast<std::size_t>(l);
  }
  const int p = xmlTextReaderGetParserLineNumber(reader_);
  return p > 0 ? static_cast<std::size_t>(p) : 0;
}

std::optional<FileError> Run::on_start(std::string_view name) {
  if (path_.size() >= static_cast<std::size_t>(options_.max_depth)) {
    return error(line(), "elements are nested more than " + std::to_string(options_.max_depth) +
                             " deep; a CTF is never that deep, so this is not one (" +
                             std::string(kReexport) + ")");
  }
  if (path_.empty() && name != "CTfile") {
    std::string msg = "the root element is <" + std::string(name) + ">, not <CTfile>: ";
    msg += name == "ATfile" ? "this is an admissions transfer file (ATF), not a CTF"
                            : "this is not a DfE Common Transfer File";
    return error(line(), msg + "; " + std::string(kReexport));
  }
  path_.push_back(name);
  root_seen_ = true;
  text_.clear();
  if (path_.size() == kPupilDepth && path_[1] == "CTFpupilData" && name == "Pupil") {
    if (!header_done_) {
      return error(line(),
                   "pupil data comes before a complete <Header>; " + std::string(kReexport));
    }
    pupil_node_ = xmlTextReaderCurrentNode(reader_);
    pupil_line_ = pupil_node_->line != kSaturatedLine ? pupil_node_->line : 0;
    pupil_->begin(pupil_line_);
    in_pupil_ = true;
  } else if (in_pupil_) {
    const auto rel = std::span(path_).subspan(kPupilDepth);
    if (ctf::PupilReader::reads(rel)) {
      pupil_->start_element(rel);
    } else {
      skipping_ = true;
      skip_depth_ = skip_text_ = 0;
    }
  }
  return std::nullopt;
}

std::optional<FileError> Run::on_text(std::string_view value) {
  const std::size_t held = skipping_ ? skip_text_ : text_.size();
  if (held + value.size() > options_.max_text_bytes) {
    return error(line(), "an element holds more than " + std::to_string(options_.max_text_bytes) +
                             " bytes of text; a CTF never does, so this is not one (" +
                             std::string(kReexport) + ")");
  }
  if (skipping_) {
    skip_text_ += value.size();
  } else {
    text_.append(value);
  }
  return std::nullopt;
}

// An element event inside a skipped subtree: the same depth bound as everywhere else.
std::optional<FileError> Run::on_skipped(int type, bool empty) {
  if (type == XML_READER_TYPE_ELEMENT) {
    if (path_.size() + skip_depth_ >= static_cast<std::size_t>(options_.max_depth)) {
      return error(line(), "elements are nested more than " + std::to_string(options_.max_depth) +
                               " deep; a CTF is never that deep, so this is not one (" +
                               std::string(kReexport) + ")");
    }
    skip_text_ = 0;
    if (!empty) ++skip_depth_;
  } else if (type == XML_READER_TYPE_END_ELEMENT) {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {  // the end of the skipped element itself
      skipping_ = false;
      path_.pop_back();
    }
    skip_text_ = 0;
  }
  return std::nullopt;
}

std::optional<FileError> Run::on_end(std::string_view text) {
  std::optional<FileError> err;
  if (in_pupil_) {
    if (path_.size() == kPupilDepth) {
      in_pupil_ = false;
      PupilRecord record = pupil_->finish();
      if (pupil_line_ == 0) pupil_line_ = line();
      record.line = pupil_line_;
      if (!sink_.on_pupil(std::move(record))) {
        err = error(line(), "import stopped: the record store refused a pupil");
      }
      const auto done = xmlTextReaderByteConsumed(reader_);
      if (done > 0 && static_cast<std::uint64_t>(done) >= last_progress_ + kProgressStep) {
        last_progress_ = static_cast<std::uint64_t>(done);
        sink_.on_progress(last_progress_, total_);
      }
    } else {
      pupil_->end_element(std::span(path_).subspan(kPupilDepth), text);
    }
  } else if (header_done_ || path_.size() < 2 || path_[1] != "Header") {
    // Outside the header, or a second header (ignored: the school is sent once).
  } else if (path_.size() >= 3) {
    err = on_header_leaf(text);
  } else {
    err = finish_header();
  }
  path_.pop_back();
  return err;
}

std::optional<FileError> Run::on_header_leaf(std::string_view text) {
  const auto value = [&] { return std::optional<std::string>(std::string(trim(text))); };
  if (path_.size() == 3) {
    const auto name = path_[2];
    if (name == "CTFversion" || name == "CTFVersion") {
      header_.version = value();
      // "NN.0": refuse an unknown version before reading any pupil.
      const auto v = *header_.version;
      int major = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), major);
      const std::string_view rest(end, static_cast<std::size_t>(v.data() + v.size() - end));
      const bool shape = ec == std::errc{} && end != v.data() &&
                         (rest.empty() || (rest.size() >= 2 && rest[0] == '.' &&
                                           all_digits(rest.substr(1), rest.size() - 1)));
      if (!shape || major < kMinVersion || major > kMaxVersion) {
        return error(line(), "CTF version '" + v + "' is not supported; careerlink reads CTF " +
                                 std::to_string(kMinVersion) + ".0 to " +
                                 std::to_string(kMaxVersion) +
                                 ".0: export the CTF again in a supported version");
      }
      format_ = "CTF " + v;
    } else if (name == "DateTime") {
      header_.date_time = value();
    }
  } else if (path_.size() == 4 && path_[2] == "SourceSchool") {
    const auto name = path_[3];
    if (name == "LEA") header_.lea = value();
    if (name == "Estab") header_.estab = value();
    if (name == "URN") header_.urn = value();
    if (name == "SchoolName") header_.school_name = value();
  }
  return std::nullopt;
}

std::optional<FileError> Run::finish_header() {
  if (!header_.version) {
    return error(line(), "the <Header> has no <CTFversion>; " + std::string(kReexport));
  }
  if (!header_.lea || !all_digits(*header_.lea, 3)) {
    return error(line(), "the <SourceSchool> LEA '" + header_.lea.value_or("") +
                             "' is not a 3-digit LA code; " + std::string(kReexport));
  }
  if (!header_.estab || !all_digits(*header_.estab, 4)) {
    return error(line(), "the <SourceSchool> Estab '" + header_.estab.value_or("") +
                             "' is not a 4-digit establishment number; " + std::string(kReexport));
  }
  SchoolRecord school;
  school.laestab = *header_.lea + *header_.estab;
  if (header_.urn && !header_.urn->empty()) {
    if (!all_digits(*header_.urn, 6)) {
      return error(line(), "the <SourceSchool> URN '" + *header_.urn + "' is not a 6-digit URN; " +
                               std::string(kReexport));
    }
    school.urn = header_.urn;
  }
  if (header_.school_name && !header_.school_name->empty()) school.name = header_.school_name;

  if (options_.as_of_date) {
    as_of_ = *options_.as_of_date;
  } else if (auto d = header_.date_time ? normalise_date(*header_.date_time) : std::nullopt) {
    as_of_ = *d;
  } else {
    as_of_ = today_iso();
  }
  laestab_ = school.laestab;
  pupil_.emplace(laestab_, as_of_);
  header_done_ = true;
  if (!sink_.on_school(school)) {
    return error(line(), "import stopped: the record store refused the school");
  }
  return std::nullopt;
}

std::expected<FileInfo, FileError> Run::parse_failure(const ctf::GuardedInput& input,
                                                      const ErrorCapture& capture) const {
  if (const auto& r = input.refusal()) return std::unexpected(error(r->line, r->message));
  if (capture.message) {
    return std::unexpected(error(
        capture.line,
        "not well-formed XML (" + *capture.message +
            "); the file is damaged, cut short or not a CTF at all: " + std::string(kReexport)));
  }
  return std::unexpected(
      error(line(), "the XML reader stopped without saying why; " + std::string(kReexport)));
}

std::expected<FileInfo, FileError> Run::go(xmlTextReader* reader, ctf::GuardedInput& input,
                                           ErrorCapture& capture) {
  reader_ = reader;
  int ret = 0;
  while ((ret = xmlTextReaderRead(reader)) == 1) {
    // A pupil past line 65535 gets its line at the next event, when its first child is parsed
    // and not yet freed (see element_line).
    if (in_pupil_ && pupil_line_ == 0) {
      const long l = element_line(pupil_node_);
      if (l > 0) pupil_line_ = static_cast<std::size_t>(l);
    }
    // Text by the node's own type: xmlTextReaderNodeType would first sort whitespace from text,
    // walking every ancestor for xml:space, and whoever reads the text trims it anyway.
    const xmlNodePtr node = xmlTextReaderCurrentNode(reader);
    if (node && (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)) {
      if (auto err = on_text(sv(node->content))) return std::unexpected(std::move(*err));
      continue;
    }
    const int type = xmlTextReaderNodeType(reader);
    if (skipping_ && (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT)) {
      if (auto err = on_skipped(type, xmlTextReaderIsEmptyElement(reader) == 1)) {
        return std::unexpected(std::move(*err));
      }
      continue;
    }
    switch (type) {
      case XML_READER_TYPE_ELEMENT: {
        if (auto err = on_start(sv(xmlTextReaderConstLocalName(reader)))) {
          return std::unexpected(std::move(*err));
        }
        if (xmlTextReaderIsEmptyElement(reader) == 1) {
          if (skipping_) {  // an empty element skipped: nothing below it to wait for
            skipping_ = false;
            path_.pop_back();
          } else if (auto err = on_end({})) {
            return std::unexpected(std::move(*err));
          }
        }
        break;
      }
      case XML_READER_TYPE_END_ELEMENT:
        if (auto err = on_end(text_)) return std::unexpected(std::move(*err));
        text_.clear();
        break;
      case XML_READER_TYPE_DOCUMENT_TYPE:
        // The input guard refuses a DOCTYPE first; this is the belt to its braces.
        return std::unexpected(
            error(line(), "DOCTYPE not allowed in a CTF; " + std::string(kReexport)));
      case XML_READER_TYPE_ENTITY_REFERENCE:
        return std::unexpected(
            error(line(), "entity references are not allowed in a CTF; " + std::string(kReexport)));
      default:
        break;  // whitespace, comments, processing instructions
    }
  }
  if (ret != 0) return parse_failure(input, capture);
  if (!root_seen_) {
    return std::unexpected(error(0, "the file holds no XML elements; " + std::string(kReexport)));
  }
  if (!header_done_) {
    return std::unexpected(error(
        line(), "the file has no <Header> with the source school; " + std::string(kReexport)));
  }
  sink_.on_progress(total_, total_);
  return FileInfo{format_};
}

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

CtfSource::CtfSource(CtfOptions options) : options_(std::move(options)) {}

std::expected<FileInfo, FileError> CtfSource::read(const std::filesystem::path& file,
                                                   RecordSink& sink) {
  const std::string name = file.string();
  const auto fail = [&](std::size_t line, std::string message) {
    return std::unexpected(FileError{name, line, std::move(message)});
  };
  if (options_.as_of_date && !parse_iso_date(*options_.as_of_date)) {
    return fail(0,
                "the FSM reference date '" + *options_.as_of_date + "' is not a date (YYYY-MM-DD)");
  }

  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) {
    return fail(0, "the file does not exist or cannot be seen; check the path");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return fail(0, "this is not a regular file; give the path of the CTF .xml file");
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(0, "the file size cannot be read: " + ec.message());
  if (size == 0) return fail(0, "the file is empty (0 bytes); " + std::string(kReexport));
  if (size > options_.max_file_bytes) {
    return fail(0, "the file is " + std::to_string(size) + " bytes, over the limit of " +
                       std::to_string(options_.max_file_bytes) +
                       " bytes; a CTF for a whole school is far smaller, so check it is the "
                       "right file, or raise the limit");
  }

  std::unique_ptr<std::FILE, FileCloser> handle(std::fopen(name.c_str(), "rb"));
  if (!handle) {
    return fail(0, std::string("the file cannot be opened: ") + std::strerror(errno) +
                       "; check its permissions");
  }
  // libxml2 asks for 4,000 bytes at a time; read the file in larger blocks under that.
  std::setvbuf(handle.get(), nullptr, _IOFBF, kReadBlock);

  init_libxml();
  ErrorCapture capture;
  const ScopedErrorHandlers handlers(&capture);
  ctf::GuardedInput input(handle.get(), options_.max_file_bytes);
  // No NOENT (entities are never substituted), no DTDLOAD/DTDATTR/DTDVALID, no HUGE (libxml2's
  // own depth and text limits stay on); NONET so nothing is ever fetched.
  const int parse_options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
  std::unique_ptr<xmlTextReader, ReaderDeleter> reader(xmlReaderForIO(
      &ctf::GuardedInput::read, nullptr, &input, name.c_str(), nullptr, parse_options));
  if (!reader) {
    if (const auto& r = input.refusal()) return fail(r->line, r->message);
    return fail(0, "the XML reader could not start on this file; " + std::string(kReexport));
  }
  xmlTextReaderSetStructuredErrorHandler(reader.get(), &ErrorCapture::on_error, &capture);

  Run run(options_, file, sink, size);
  return run.go(reader.get(), input, capture);
}

}  // namespace careerlink
