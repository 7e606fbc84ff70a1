// Files someone else may open at any moment (SIMS reading its import folder, an LA officer
// opening the NCCIS return, a tracker's pickup agent, a careers leader opening a report), so
// each appears whole or not at all: the content goes to a temporary file in the same folder
// (mode 0640 on POSIX: pupil data), is flushed to disk, then renamed over the old file (a rename
// within one folder replaces atomically on POSIX and NTFS), and the folder is flushed. A lock
// file keeps two careerlink processes from writing one school's folder at once.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace careerlink::files {

// What went wrong with which file or folder, in words an operator can act on:
// "cannot write D:/careerlink/sims/137942/careers-udf.csv: No space left on device".
struct FileError {
  std::string action;  // "cannot write", "cannot create", ...
  std::filesystem::path path;
  std::string detail;  // the operating system's words: "Permission denied", ...

  [[nodiscard]] std::string to_string() const {
    return action + " " + path.string() + ": " + detail;
  }
};

template <typename T>
using FileResult = std::expected<T, FileError>;

// Temporary files start with this, so a crash's leftovers can be told from real files.
inline constexpr std::string_view kTempPrefix = ".cl-tmp-";

// Creates `dir` (and its parents) when missing; an error when it cannot, or it is not a folder.
FileResult<void> ensure_directory(const std::filesystem::path& dir);

// The whole file, or nullopt when there is no such file.
FileResult<std::optional<std::string>> read_if_exists(const std::filesystem::path& file);

// Temporary file, flush, rename over `target`, flush the folder. On failure the temporary file
// is removed and `target` is as it was.
FileResult<void> write_atomically(const std::filesystem::path& target, std::string_view content);

// write_atomically, but only when `target` does not already hold exactly `content` (so applying
// the same change twice leaves the file, and its modification time, alone). True when written.
FileResult<bool> replace_if_changed(const std::filesystem::path& target, std::string_view content);

// Removes `file` and flushes its folder. False when there was nothing to remove.
FileResult<bool> remove_if_exists(const std::filesystem::path& file);

// Writes and removes a small file in `dir`: the only sure test that careerlink may write there
// (permission bits say nothing to root, to ACLs, or to a read-only network share).
FileResult<void> probe_writable(const std::filesystem::path& dir);

// Removes temporary files a crash left in `dir` (call only while holding its FolderLock).
// Returns how many were removed.
std::size_t remove_stale_temp_files(const std::filesystem::path& dir);

// An exclusive operating-system lock on <dir>/.careerlink.lock (flock / LockFileEx), released
// by the destructor or when the process ends, however it ends.
class FolderLock {
 public:
  // Takes the lock without waiting: another careerlink process writing the folder is an error
  // (the caller retries later) rather than a wait inside the outbox worker.
  static FileResult<FolderLock> acquire(const std::filesystem::path& dir);

  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  FolderLock() = default;
  void release() noexcept;

#ifdef _WIN32
  void* native_ = nullptr;  // HANDLE
#else
  int native_ = -1;  // file descriptor
#endif
};

}  // namespace careerlink::files
