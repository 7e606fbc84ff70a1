#include "daemon/scheduler/job_lock.hpp"

#include <system_error>
#include <utility>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

namespace careerlink {
namespace {

std::filesystem::path lock_file(const std::filesystem::path& dir, std::string_view job) {
  return dir / ("job-" + std::string(job) + ".lock");
}

// The holder's note, as read back by a refused contender: "process 1234", or "" when unknown.
std::string holder_text(std::string pid) {
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == '\r' || pid.back() == ' '))
    pid.pop_back();
  return pid.empty() ? std::string("another careerlink process") : "process " + pid;
}

}  // namespace

#ifdef _WIN32

// Windows: the lock is on one byte far past the end of the file, so the process id written at
// the start stays readable by the contenders that are refused.
constexpr DWORD kLockOffsetHigh = 0x7fffffff;

JobLock JobLock::try_acquire(const std::filesystem::path& dir, std::string_view job) {
  JobLock lock;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto path = lock_file(dir, job);
  HANDLE h =
      CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                  nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    lock.detail_ =
        "cannot open " + path.string() + " (Windows error " + std::to_string(GetLastError()) + ")";
    return lock;
  }
  OVERLAPPED at{};
  at.OffsetHigh = kLockOffsetHigh;
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    const DWORD err = GetLastError();
    if (err == ERROR_LOCK_VIOLATION || err == ERROR_IO_PENDING) {
      char buffer[32] = {};
      DWORD got = 0;
      ReadFile(h, buffer, sizeof buffer - 1, &got, nullptr);
      lock.status_ = Status::busy;
      lock.detail_ = holder_text(std::string(buffer, got));
    } else {
      lock.detail_ =
          "cannot lock " + path.string() + " (Windows error " + std::to_string(err) + ")";
    }
    CloseHandle(h);
    return lock;
  }
  const std::string pid = std::to_string(GetCurrentProcessId()) + "\n";
  SetFilePointer(h, 0, nullptr, FILE_BEGIN);
  SetEndOfFile(h);
  DWORD wrote = 0;
  WriteFile(h, pid.data(), static_cast<DWORD>(pid.size()), &wrote, nullptr);
  lock.native_ = h;
  lock.status_ = Status::held;
  return lock;
}

void JobLock::release() {
  if (native_ == kNone) return;
  auto* h = static_cast<HANDLE>(native_);
  OVERLAPPED at{};
  at.OffsetHigh = kLockOffsetHigh;
  UnlockFileEx(h, 0, 1, 0, &at);
  CloseHandle(h);
  native_ = kNone;
}

#else

JobLock JobLock::try_acquire(const std::filesystem::path& dir, std::string_view job) {
  JobLock lock;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto path = lock_file(dir, job);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    lock.detail_ = "cannot open " + path.string() + ": " + std::strerror(errno);
    return lock;
  }
  // flock: held by the open file, released when the process ends in any way.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      char buffer[32] = {};
      const ssize_t got = ::pread(fd, buffer, sizeof buffer - 1, 0);
      lock.status_ = Status::busy;
      lock.detail_ = holder_text(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0));
    } else {
      lock.detail_ = "cannot lock " + path.string() + ": " + std::strerror(err);
    }
    ::close(fd);
    return lock;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t wrote = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  lock.native_ = fd;
  lock.status_ = Status::held;
  return lock;
}

void JobLock::release() {
  if (native_ == kNone) return;
  // Clear the note first: a contender reading it after the unlock must not name this process.
  [[maybe_unused]] const int truncated = ::ftruncate(native_, 0);
  ::flock(native_, LOCK_UN);
  ::close(native_);
  native_ = kNone;
}

#endif

JobLock::JobLock(JobLock&& other) noexcept
    : status_(std::exchange(other.status_, Status::error)),
      detail_(std::move(other.detail_)),
      native_(std::exchange(other.native_, kNone)) {}

JobLock& JobLock::operator=(JobLock&& other) noexcept {
  if (this != &other) {
    release();
    status_ = std::exchange(other.status_, Status::error);
    detail_ = std::move(other.detail_);
    native_ = std::exchange(other.native_, kNone);
  }
  return *this;
}

JobLock::~JobLock() {
  release();
}

}  // namespace careerlink
