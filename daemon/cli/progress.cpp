#include "daemon/cli/progress.hpp"

#include <cstdio>

#ifdef _WIN32
#include <io.h>
#define careerlink_isatty _isatty
#define careerlink_fileno _fileno
#else
#include <unistd.h>
#define careerlink_isatty isatty
#define careerlink_fileno fileno
#endif

namespace careerlink::cli {

bool Progress::terminal() {
  return careerlink_isatty(careerlink_fileno(stderr)) != 0;
}

Progress::Progress(std::string label, bool enabled, Unit unit)
    : label_(std::move(label)), enabled_(enabled), unit_(unit) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second: a terminal is slow next to the parser.
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  const double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total);
  if (unit_ == Unit::items) {
    std::fprintf(stderr, "\r%s  %5.1f%%  (%llu of %llu)", label_.c_str(), pct,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  } else {
    std::fprintf(stderr, "\r%s  %5.1f%%  (%.1f of %.1f MB)", label_.c_str(), pct,
                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);  // clear the line so the summary starts clean
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace careerlink::cli
