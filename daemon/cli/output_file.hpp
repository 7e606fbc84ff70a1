// Files the commands write for people (reports, subject access exports): whole or not at all
// (daemon/files/atomic_files.hpp), so nobody opens half a file; a failure is said on stderr.
#pragma once

#include <filesystem>
#include <string_view>

namespace careerlink::cli {

// False (and the file and the reason on stderr) when it could not be written.
bool write_output_file(const std::filesystem::path& file, std::string_view text);

}  // namespace careerlink::cli
