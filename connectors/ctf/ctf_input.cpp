#include "connectors/ctf/ctf_input.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace careerlink::ctf {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kDoctype = "<!DOCTYPE"sv;
constexpr std::string_view kDoctypeLe = "<\0!\0D\0O\0C\0T\0Y\0P\0E\0"sv;
constexpr std::string_view kDoctypeBe = "\0<\0!\0D\0O\0C\0T\0Y\0P\0E"sv;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.starts_with(prefix);
}

// Where `pattern` (a DOCTYPE in one of the encodings) starts in `chunk`. XML is full of '<' but
// '!' is rare, so memchr for the '!' and compare around it: this runs over every byte read.
std::size_t find_doctype(std::string_view chunk, std::string_view pattern) {
  const std::size_t bang = pattern.find('!');
  const char* data = chunk.data();
  const char* end = data + chunk.size();
  for (const char* p = data + bang; p < end;) {
    p = static_cast<const char*>(std::memchr(p, '!', static_cast<std::size_t>(end - p)));
    if (!p) break;
    const auto at = static_cast<std::size_t>(p - data) - bang;
    if (chunk.substr(at, pattern.size()) == pattern) return at;
    ++p;
  }
  return std::string_view::npos;
}

}  // namespace

GuardedInput::GuardedInput(std::FILE* file, std::uint64_t max_bytes)
    : file_(file), max_bytes_(max_bytes) {}

int GuardedInput::read(void* self, char* buffer, int len) {
  return static_cast<GuardedInput*>(self)->read_some(buffer, len);
}

void GuardedInput::refuse(std::size_t line, std::string message) {
  if (!refusal_) refusal_ = Refusal{line, std::move(message)};
}

int GuardedInput::read_some(char* buffer, int len) {
  if (refusal_) return -1;
  if (len <= 0) return 0;
  const std::size_t n = std::fread(buffer, 1, static_cast<std::size_t>(len), file_);
  if (n == 0) {
    if (std::ferror(file_)) {
      refuse(0, "the file could not be read (I/O error); copy it again and retry");
      return -1;
    }
    return 0;
  }
  const std::uint64_t before = total_;
  total_ += n;
  if (total_ > max_bytes_) {
    // The size was checked before reading; a file still growing is refused here.
    refuse(0, "the file grew past the size limit of " + std::to_string(max_bytes_) +
                  " bytes while being read; wait for the copy to finish and retry");
    return -1;
  }
  if (units_ == Units::unknown && !sniff(buffer, n)) return -1;
  if (!scan(buffer, n, before)) return -1;
  return static_cast<int>(n);
}

// Lines are only needed when a DOCTYPE is refused, so they are counted then, by reading the
// file again up to the hit, instead of counting newlines in every chunk on the way.
std::size_t GuardedInput::line_at(std::uint64_t offset) {
  if (std::fseek(file_, 0, SEEK_SET) != 0) return 0;
  const std::size_t stride = units_ == Units::narrow ? 1 : 2;
  const std::size_t low = units_ == Units::utf16be ? 1 : 0;  // where a UTF-16 unit's low byte is
  std::size_t line = 1;
  std::uint64_t at = 0;
  std::vector<char> chunk(std::size_t{64} * 1024);
  while (at < offset) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), offset - at));
    const std::size_t got = std::fread(chunk.data(), 1, want, file_);
    if (got == 0) break;
    if (stride == 1) {
      line += static_cast<std::size_t>(std::count(chunk.data(), chunk.data() + got, '\n'));
    } else {
      // Chunks are even-sized, so a code unit never straddles two of them.
      for (std::size_t i = 0; i + 1 < got; i += 2) {
        if (chunk[i + low] == '\n' && chunk[i + 1 - low] == '\0') ++line;
      }
    }
    at += got;
  }
  return line;
}

bool GuardedInput::sniff(const char* data, std::size_t n) {
  const std::string_view head(data, std::min<std::size_t>(n, 4));
  if (starts_with(head, "%PDF")) {
    refuse(1, "this is a PDF document, not a CTF XML file; export the CTF itself from the MIS");
    return false;
  }
  if (starts_with(head, "PK\x03\x04"sv)) {
    refuse(1,
           "this is a ZIP archive (an Excel workbook?), not a CTF XML file; if it holds a CTF, "
           "unzip it first");
    return false;
  }
  if (starts_with(head, "\x1f\x8b"sv)) {
    refuse(1, "this file is gzip-compressed; decompress it and import the .xml inside");
    return false;
  }
  if (starts_with(head, "\0\0\xfe\xff"sv) || starts_with(head, "\xff\xfe\0\0"sv) ||
      starts_with(head, "\0\0\0<"sv) || starts_with(head, "<\0\0\0"sv)) {
    refuse(1, "the file is UTF-32, which a CTF never uses; re-export the CTF from the MIS");
    return false;
  }
  if (starts_with(head, "\xff\xfe"sv) || starts_with(head, "<\0"sv)) {
    units_ = Units::utf16le;
  } else if (starts_with(head, "\xfe\xff"sv) || starts_with(head, "\0<"sv)) {
    units_ = Units::utf16be;
  } else {
    units_ = Units::narrow;
  }
  return true;
}

bool GuardedInput::scan(const char* data, std::size_t n, std::uint64_t offset) {
  const std::string_view pattern = units_ == Units::utf16le   ? kDoctypeLe
                                   : units_ == Units::utf16be ? kDoctypeBe
                                                              : kDoctype;
  const std::string_view chunk(data, n);
  // Search the joint of the previous chunk and this one, then this chunk alone: no copy of the
  // whole chunk is made.
  std::optional<std::uint64_t> hit;
  if (!carry_.empty()) {
    std::string joint = carry_;
    joint.append(chunk.substr(0, std::min(n, pattern.size() - 1)));
    const auto at = joint.find(pattern);
    if (at != std::string_view::npos) hit = offset - carry_.size() + at;
  }
  if (!hit) {
    const auto at = find_doctype(chunk, pattern);
    if (at != std::string_view::npos) hit = offset + at;
  }
  if (hit) {
    refuse(line_at(*hit),
           "DOCTYPE not allowed in a CTF: a Common Transfer File never carries a DTD, and one "
           "could make the reader fetch files or expand entities; re-export the CTF from the MIS");
    return false;
  }
  const std::size_t keep = std::min(n, pattern.size() - 1);
  carry_.assign(chunk.substr(n - keep));
  return true;
}

}  // namespace careerlink::ctf
