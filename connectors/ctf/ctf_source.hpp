// Reads a DfE Common Transfer File (CTF XML, versions 11 to 25) as a stream: one school header,
// then one PupilRecord per <Pupil>, with memory that stays flat however large the file.
// Hostile input (DTDs, entities, deep nesting, huge text, oversized files) is refused early.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/domain/file_source.hpp"

namespace careerlink {

struct CtfOptions {
  std::uint64_t max_file_bytes = 1024ull << 20;
  int max_depth = 64;                    // element nesting; a real CTF is under 10 deep
  std::size_t max_text_bytes = 1 << 20;  // longest text content of one element
  // ISO date at which FSM eligibility is judged current; default: the header DateTime's date,
  // else today.
  std::optional<std::string> as_of_date;
};

class CtfSource final : public FileSource {
 public:
  explicit CtfSource(CtfOptions options = {});

  std::expected<FileInfo, FileError> read(const std::filesystem::path& file,
                                          RecordSink& sink) override;

 private:
  CtfOptions options_;
};

}  // namespace careerlink
