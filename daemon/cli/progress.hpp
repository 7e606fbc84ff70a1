// A one-line progress display for long work on a terminal ("importing big.xml  42%"), silent
// when stderr is not a terminal (piped, a service, CI) so logs and scripts stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace careerlink::cli {

class Progress {
 public:
  // What `done` and `total` count: bytes (shown as MB) or items (shown as they are).
  enum class Unit { bytes, items };
  Progress(std::string label, bool enabled, Unit unit = Unit::bytes);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  void update(std::uint64_t done, std::uint64_t total);
  void finish();

  // True when stderr is a terminal.
  static bool terminal();

 private:
  std::string label_;
  bool enabled_;
  Unit unit_ = Unit::bytes;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace careerlink::cli
