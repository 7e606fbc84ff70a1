// Shared by the scheduler tests: a clock the test moves by hand, UTC/London time helpers, and a
// real SQLite store in a temporary directory.
#pragma once

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/scheduler/scheduler.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::test {

inline TimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi};
}

inline const date::time_zone* london() {
  return date::locate_zone("Europe/London");
}

// "2026-03-29 02:00 BST": the wall clock in London, with which of the two offsets.
inline std::string in_london(TimePoint t) {
  return date::format("%F %R %Z",
                      date::make_zoned(london(), std::chrono::floor<std::chrono::minutes>(t)));
}

inline std::string in_utc(TimePoint t) {
  return date::format("%F %RZ", std::chrono::floor<std::chrono::minutes>(t));
}

// Time stands still until the test moves it. wait_until() records that the scheduler is waiting
// and for what, so a test can step the scheduler from wait to wait with no real sleeping.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}

  TimePoint now() override {
    std::lock_guard lock(mutex_);
    return now_;
  }

  bool wait_until(TimePoint deadline, std::stop_token stop) override {
    std::unique_lock lock(mutex_);
    ++waits_;
    waiting_ = true;
    deadline_ = deadline;
    waiter_cv_.notify_all();
    const bool reached = cv_.wait(lock, stop, [&] { return now_ >= deadline; });
    waiting_ = false;
    ++waits_ended_;
    waiter_cv_.notify_all();
    return reached;
  }

  void set(TimePoint t) {
    std::lock_guard lock(mutex_);
    now_ = t;
    cv_.notify_all();
  }

  // Blocks until the scheduler starts a wait it has not reported yet and returns its deadline.
  // The real-time limit only turns a broken scheduler into a failure instead of a hung test.
  std::optional<TimePoint> next_wait() {
    std::unique_lock lock(mutex_);
    if (!waiter_cv_.wait_for(lock, std::chrono::seconds{20},
                             [&] { return waiting_ && waits_ > seen_; })) {
      return std::nullopt;
    }
    seen_ = waits_;
    return deadline_;
  }

  // How many waits have ended (by deadline or stop).
  int waits_ended() {
    std::lock_guard lock(mutex_);
    return waits_ended_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::condition_variable waiter_cv_;
  TimePoint now_;
  TimePoint deadline_{};
  bool waiting_ = false;
  int waits_ = 0;
  int seen_ = 0;
  int waits_ended_ = 0;
};

// Opens a real SQLite store in `dir` (migration 3 creates job_run).
inline std::unique_ptr<Store> open_job_store(const TempDir& dir) {
  auto store = open_sqlite_store(dir.path());
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  if (!store) return nullptr;
  return std::move(*store);
}

}  // namespace careerlink::test
