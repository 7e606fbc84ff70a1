#include "daemon/cli/output_file.hpp"

#include <iostream>

#include "daemon/files/atomic_files.hpp"

namespace careerlink::cli {

bool write_output_file(const std::filesystem::path& file, std::string_view text) {
  auto written = files::write_atomically(file, text);
  if (!written) std::cerr << "careerlink: " << written.error().to_string() << '\n';
  return written.has_value();
}

}  // namespace careerlink::cli
