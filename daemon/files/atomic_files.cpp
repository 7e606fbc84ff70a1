#include "daemon/files/atomic_files.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>
#include <utility>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace careerlink::files {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kLockName = ".careerlink.lock";

std::string random_suffix() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(12, '0');
  auto bits = engine();
  for (auto& c : out) {
    c = digits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

fs::path temp_name(const fs::path& target) {
  return target.parent_path() /
         (std::string(kTempPrefix) + target.filename().string() + "-" + random_suffix());
}

FileError error(std::string action, fs::path path, const std::error_code& ec) {
  return FileError{std::move(action), std::move(path), ec.message()};
}

#ifdef _WIN32

std::error_code last_error() {
  return {static_cast<int>(GetLastError()), std::system_category()};
}

FileResult<void> write_atomically_native(const fs::path& target, std::string_view content) {
  fs::path tmp;
  HANDLE h = INVALID_HANDLE_VALUE;
  for (int attempt = 0; attempt < 16 && h == INVALID_HANDLE_VALUE; ++attempt) {
    tmp = temp_name(target);
    h = CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                    nullptr);
    if (h == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS)
      return std::unexpected(error("cannot write", target, last_error()));
  }
  if (h == INVALID_HANDLE_VALUE)
    return std::unexpected(FileError{"cannot write", target, "no free temporary file name"});
  auto fail = [&](std::error_code ec) {
    CloseHandle(h);
    DeleteFileW(tmp.c_str());
    return std::unexpected(error("cannot write", target, ec));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(content.size() - done, 1u << 30));
    DWORD wrote = 0;
    if (!WriteFile(h, content.data() + done, chunk, &wrote, nullptr)) return fail(last_error());
    done += wrote;
  }
  if (!FlushFileBuffers(h)) return fail(last_error());
  if (!CloseHandle(h)) {
    const auto ec = last_error();
    DeleteFileW(tmp.c_str());
    return std::unexpected(error("cannot write", target, ec));
  }
  // WRITE_THROUGH: the call returns once the rename itself is on disk.
  if (!MoveFileExW(tmp.c_str(), target.c_str(),
                   MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    const auto ec = last_error();
    DeleteFileW(tmp.c_str());
    return std::unexpected(error("cannot replace", target, ec));
  }
  return {};
}

FileResult<bool> remove_native(const fs::path& file) {
  if (DeleteFileW(file.c_str())) return true;
  const DWORD err = GetLastError();
  if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return false;
  return std::unexpected(error("cannot remove", file, last_error()));
}

#else

std::error_code errno_code(int err) {
  return {err, std::generic_category()};
}

// A folder's entry (a new name, a removed name) is only durable once the folder is flushed.
// Some network file systems cannot flush a folder; the rename is still atomic there.
FileResult<void> sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(error("cannot open", dir, errno_code(errno)));
  int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != ENOTSUP)
    return std::unexpected(error("cannot flush", dir, errno_code(err)));
  return {};
}

FileResult<void> write_atomically_native(const fs::path& target, std::string_view content) {
  fs::path tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = temp_name(target);
    // 0640: pupil data; the owner writes, the owner's group (e.g. a Samba share's) reads.
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0 && errno != EEXIST)
      return std::unexpected(error("cannot write", target, errno_code(errno)));
  }
  if (fd < 0)
    return std::unexpected(FileError{"cannot write", target, "no free temporary file name"});
  auto fail = [&](int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return std::unexpected(error("cannot write", target, errno_code(err)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(errno);
  const int closed = ::close(fd);
  fd = -1;
  // close can be where a network file system reports a failed write.
  if (closed != 0) return fail(errno);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return std::unexpected(error("cannot replace", target, errno_code(err)));
  }
  return sync_directory(target.parent_path());
}

FileResult<bool> remove_native(const fs::path& file) {
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return std::unexpected(error("cannot remove", file, errno_code(errno)));
  }
  if (auto synced = sync_directory(file.parent_path()); !synced)
    return std::unexpected(synced.error());
  return true;
}

#endif

}  // namespace

FileResult<void> ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::unexpected(error("cannot create", dir, ec));
  if (!fs::is_directory(dir, ec))
    return std::unexpected(FileError{"cannot use", dir, "it is not a folder"});
  return {};
}

FileResult<std::optional<std::string>> read_if_exists(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found) return std::optional<std::string>{};
  if (ec) return std::unexpected(error("cannot read", file, ec));
  if (!fs::is_regular_file(status))
    return std::unexpected(FileError{"cannot read", file, "it is not a file"});
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) return std::unexpected(FileError{"cannot read", file, "the read failed"});
  return std::optional<std::string>{text.str()};
}

FileResult<void> write_atomically(const fs::path& target, std::string_view content) {
  return write_atomically_native(target, content);
}

FileResult<bool> replace_if_changed(const fs::path& target, std::string_view content) {
  auto current = read_if_exists(target);
  if (current && *current && **current == content) return false;
  // An unreadable old file is replaced all the same: the new content is what counts.
  auto written = write_atomically(target, content);
  if (!written) return std::unexpected(written.error());
  return true;
}

FileResult<bool> remove_if_exists(const fs::path& file) {
  return remove_native(file);
}

FileResult<void> probe_writable(const fs::path& dir) {
  const auto probe = dir / ".careerlink-write-test";
  if (auto written = write_atomically(probe, "careerlink checks it may write here\r\n"); !written)
    return written;
  if (auto removed = remove_if_exists(probe); !removed) return std::unexpected(removed.error());
  return {};
}

std::size_t remove_stale_temp_files(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    std::error_code type_ec;
    if (name.starts_with(kTempPrefix) && it->is_regular_file(type_ec)) {
      std::error_code remove_ec;
      if (fs::remove(it->path(), remove_ec)) ++removed;
    }
  }
  return removed;
}

#ifdef _WIN32

FileResult<FolderLock> FolderLock::acquire(const fs::path& dir) {
  const auto path = dir / kLockName;
  HANDLE h =
      CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                  nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return std::unexpected(error("cannot open", path, last_error()));
  OVERLAPPED at{};
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    const DWORD err = GetLastError();
    CloseHandle(h);
    if (err == ERROR_LOCK_VIOLATION || err == ERROR_IO_PENDING)
      return std::unexpected(
          FileError{"cannot lock", path, "another careerlink process is writing this folder"});
    return std::unexpected(
        error("cannot lock", path, {static_cast<int>(err), std::system_category()}));
  }
  FolderLock lock;
  lock.native_ = h;
  return lock;
}

void FolderLock::release() noexcept {
  if (native_ == nullptr) return;
  auto* h = static_cast<HANDLE>(native_);
  OVERLAPPED at{};
  UnlockFileEx(h, 0, 1, 0, &at);
  CloseHandle(h);
  native_ = nullptr;
}

FolderLock::FolderLock(FolderLock&& other) noexcept
    : native_(std::exchange(other.native_, nullptr)) {}

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    release();
    native_ = std::exchange(other.native_, nullptr);
  }
  return *this;
}

#else

FileResult<FolderLock> FolderLock::acquire(const fs::path& dir) {
  const auto path = dir / kLockName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return std::unexpected(error("cannot open", path, errno_code(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    // A file system without locks (some network mounts): go on, as a single writer would.
    if (err != ENOLCK && err != ENOTSUP && err != EINVAL) {
      ::close(fd);
      if (err == EWOULDBLOCK)
        return std::unexpected(
            FileError{"cannot lock", path, "another careerlink process is writing this folder"});
      return std::unexpected(error("cannot lock", path, errno_code(err)));
    }
  }
  FolderLock lock;
  lock.native_ = fd;
  return lock;
}

void FolderLock::release() noexcept {
  if (native_ < 0) return;
  ::flock(native_, LOCK_UN);
  ::close(native_);
  native_ = -1;
}

FolderLock::FolderLock(FolderLock&& other) noexcept : native_(std::exchange(other.native_, -1)) {}

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    release();
    native_ = std::exchange(other.native_, -1);
  }
  return *this;
}

#endif

FolderLock::~FolderLock() {
  release();
}

}  // namespace careerlink::files
