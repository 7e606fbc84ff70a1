// The cross-process job lock: taken once, refused to a second taker with the holder named, free
// again when released or when the holding process dies (however it dies).
#include "daemon/scheduler/job_lock.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using test::TempDir;

TEST(JobLock, SecondTakerIsRefusedAndToldWhoHoldsIt) {
  TempDir dir;
  auto first = JobLock::try_acquire(dir / "locks", "nightly");
  ASSERT_TRUE(first.held()) << first.detail();
  auto second = JobLock::try_acquire(dir / "locks", "nightly");
  EXPECT_EQ(second.status(), JobLock::Status::busy);
  EXPECT_EQ(second.detail(), "process " + std::to_string(::getpid()));
  // Another job's lock is its own.
  auto other = JobLock::try_acquire(dir / "locks", "purge");
  EXPECT_TRUE(other.held()) << other.detail();
}

TEST(JobLock, ReleasedWhenDestroyedOrMovedOver) {
  TempDir dir;
  {
    auto held = JobLock::try_acquire(dir.path(), "nightly");
    ASSERT_TRUE(held.held());
    JobLock moved = std::move(held);  // the lock goes with the object
    EXPECT_TRUE(moved.held());
    // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): checking the move
    EXPECT_FALSE(held.held());
    EXPECT_EQ(JobLock::try_acquire(dir.path(), "nightly").status(), JobLock::Status::busy);
  }
  EXPECT_TRUE(JobLock::try_acquire(dir.path(), "nightly").held());
}

TEST(JobLock, ADeadHolderLeavesItFree) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = JobLock::try_acquire(dir.path(), "nightly");
    const char c = lock.held() ? 'y' : 'n';
    [[maybe_unused]] auto w = ::write(ready[1], &c, 1);
    ::pause();  // killed below, never released by hand
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto refused = JobLock::try_acquire(dir.path(), "nightly");
  EXPECT_EQ(refused.status(), JobLock::Status::busy);
  EXPECT_EQ(refused.detail(), "process " + std::to_string(child));

  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_TRUE(JobLock::try_acquire(dir.path(), "nightly").held());
}

TEST(JobLock, AnUnwritableDirectoryIsAnErrorNamingTheFile) {
  TempDir dir;
  test::write_file(dir / "not-a-dir", "x");
  auto lock = JobLock::try_acquire(dir / "not-a-dir", "nightly");
  EXPECT_EQ(lock.status(), JobLock::Status::error);
  EXPECT_NE(lock.detail().find("job-nightly.lock"), std::string::npos) << lock.detail();
}

}  // namespace
}  // namespace careerlink
