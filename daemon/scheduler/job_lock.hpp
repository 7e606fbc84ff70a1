// One job's lock across processes: `careerlink serve` and a `careerlink jobs run` in another
// shell take the same lock, so a job never runs twice at once on one data directory. It is an
// operating-system file lock (flock on POSIX, LockFileEx on Windows) on
// <dir>/job-<name>.lock, so it goes away with the process that held it, however that process
// ended. The file holds the holder's process id, to name it when someone else is refused.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace careerlink {

class JobLock {
 public:
  enum class Status { held, busy, error };

  // Takes the lock without waiting; status() says whether it did. `dir` is created if missing.
  static JobLock try_acquire(const std::filesystem::path& dir, std::string_view job);

  JobLock(JobLock&& other) noexcept;
  JobLock& operator=(JobLock&& other) noexcept;
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;
  ~JobLock();  // releases a held lock

  [[nodiscard]] Status status() const { return status_; }
  [[nodiscard]] bool held() const { return status_ == Status::held; }
  // busy: who holds it ("process 1234"); error: what went wrong, naming the file.
  [[nodiscard]] const std::string& detail() const { return detail_; }

 private:
  JobLock() = default;
  void release();

#ifdef _WIN32
  using Native = void*;  // HANDLE
  static constexpr Native kNone = nullptr;
#else
  using Native = int;  // file descriptor
  static constexpr Native kNone = -1;
#endif

  Status status_ = Status::error;
  std::string detail_;
  Native native_ = kNone;  // open (and locked) only while held
};

}  // namespace careerlink
