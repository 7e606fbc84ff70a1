// What the folder-watching jobs share (sync:<source> for MIS exports and the advisers' drop
// folder): the files in a [[source]] folder with one of the wanted extensions, in name order, and
// whether a file may still be being written.
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.hpp"

namespace careerlink::serve {

std::string lower(std::string text);

// Regular files directly in source.folder whose extension is one of `extensions` (lower case,
// with the dot), compared case-insensitively. The error names the source and says what to check.
std::expected<std::vector<std::filesystem::path>, std::string> folder_files(
    const SourceConfig& source, std::initializer_list<std::string_view> extensions);

// Written within the last settle_seconds, so perhaps still being copied in: leave it for the
// next run.
bool still_settling(const std::filesystem::path& file, const SourceConfig& source);

}  // namespace careerlink::serve
