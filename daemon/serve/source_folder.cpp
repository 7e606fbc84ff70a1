#include "daemon/serve/source_folder.hpp"

#include <algorithm>

namespace careerlink::serve {

namespace fs = std::filesystem;

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::expected<std::vector<fs::path>, std::string> folder_files(
    const SourceConfig& source, std::initializer_list<std::string_view> extensions) {
  std::error_code ec;
  if (!fs::is_directory(source.folder, ec)) {
    return std::unexpected("source " + source.name + ": the folder " + source.folder.string() +
                           " does not exist or cannot be read; check the path and that the "
                           "careerlink user may read it");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(source.folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string ext = lower(it->path().extension().string());
    if (std::ranges::find(extensions, std::string_view(ext)) != extensions.end())
      files.push_back(it->path());
  }
  if (ec) {
    return std::unexpected("source " + source.name + ": cannot list " + source.folder.string() +
                           ": " + ec.message());
  }
  std::ranges::sort(files);
  return files;
}

bool still_settling(const fs::path& file, const SourceConfig& source) {
  const auto settle = std::chrono::seconds(source.settle_seconds);
  if (settle.count() <= 0) return false;
  std::error_code ec;
  const auto written = fs::last_write_time(file, ec);
  return !ec && fs::file_time_type::clock::now() - written < settle;
}

}  // namespace careerlink::serve
