// The byte stream libxml2 reads a CTF through. It refuses, before the parser sees them, the
// things a CTF never holds: a DOCTYPE (and with it every entity trick), more bytes than the
// size limit, and files that are plainly not XML (PDF, ZIP/Excel, gzip, UTF-32).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace careerlink::ctf {

class GuardedInput {
 public:
  GuardedInput(std::FILE* file, std::uint64_t max_bytes);

  // libxml2 xmlInputReadCallback: bytes read, 0 at end, -1 on error or refusal.
  static int read(void* self, char* buffer, int len);

  // Why reading was refused, with the (approximate for UTF-16) line it happened on.
  struct Refusal {
    std::size_t line = 0;
    std::string message;
  };
  const std::optional<Refusal>& refusal() const { return refusal_; }

 private:
  enum class Units { unknown, narrow, utf16le, utf16be };

  int read_some(char* buffer, int len);
  bool sniff(const char* data, std::size_t n);
  bool scan(const char* data, std::size_t n, std::uint64_t offset);
  void refuse(std::size_t line, std::string message);

  std::size_t line_at(std::uint64_t offset);

  std::FILE* file_;
  std::uint64_t max_bytes_;
  std::uint64_t total_ = 0;  // bytes handed to the parser so far
  Units units_ = Units::unknown;
  std::string carry_;  // end of the previous chunk, so a pattern split across reads is seen
  std::optional<Refusal> refusal_;
};

}  // namespace careerlink::ctf
