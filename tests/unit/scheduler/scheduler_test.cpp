// The scheduler on a hand-moved clock with a real SQLite store: runs at each slot across both
// clock changes, no overlapping runs, catch-up once after downtime, interrupted runs, stop, and
// run_now. No test sleeps or times anything: each step waits for the scheduler to reach its
// next wait (ManualClock::next_wait) or for a job to signal.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/scheduler/scheduler.hpp"

#include <unistd.h>

#include "daemon/scheduler/job_lock.hpp"
#include "tests/unit/scheduler/scheduler_test_support.hpp"

namespace careerlink {
namespace {

using test::in_london;
using test::ManualClock;
using test::TempDir;
using test::utc;

CronExpression cron(const std::string& text) {
  return *CronExpression::parse(text);
}

// Records every run a job makes.
struct Recorder {
  std::mutex mutex;
  std::vector<TimePoint> slots;
  std::vector<JobTrigger> triggers;

  std::function<JobOutcome(const JobContext&)> job(
      const JobOutcome& outcome = JobOutcome::success()) {
    return [this, outcome](const JobContext& ctx) {
      std::lock_guard lock(mutex);
      slots.push_back(ctx.scheduled_for);
      triggers.push_back(ctx.trigger);
      return outcome;
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return slots.size();
  }
};

struct SchedulerTest : ::testing::Test {
  void SetUp() override {
    store = test::open_job_store(dir);
    ASSERT_TRUE(store);
  }

  std::unique_ptr<Scheduler> make(TimePoint now) {
    clock = std::make_unique<ManualClock>(now);
    return std::make_unique<Scheduler>(*store, *clock);
  }

  std::optional<JobRun> last_run(const std::string& job) {
    auto runs = store->last_job_runs();
    EXPECT_TRUE(runs) << (runs ? "" : runs.error().message);
    if (!runs) return std::nullopt;
    for (auto& r : *runs) {
      if (r.job == job) return r;
    }
    return std::nullopt;
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<ManualClock> clock;
};

// Steps the scheduler through its next `n` waits, moving the clock to each deadline; returns the
// deadlines in London time.
std::vector<std::string> step_through(ManualClock& clock, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto deadline = clock.next_wait();
    if (!deadline) {
      ADD_FAILURE() << "the scheduler never waited again";
      break;
    }
    out.push_back(in_london(*deadline));
    clock.set(*deadline);
  }
  return out;
}

TEST_F(SchedulerTest, RunsOnceOnEachClockChangeNight) {
  Recorder rec;
  auto s = make(utc(2026, 3, 28, 12));
  ASSERT_TRUE(s->add_job({"nightly", cron("30 1 * * *"), "Europe/London", rec.job()}));
  ASSERT_TRUE(s->start());
  EXPECT_EQ(step_through(*clock, 2),
            (std::vector<std::string>{"2026-03-29 02:00 BST", "2026-03-30 01:30 BST"}));
  auto next = clock->next_wait();  // the scheduler is idle again: both runs are recorded
  ASSERT_TRUE(next);
  EXPECT_EQ(in_london(*next), "2026-03-31 01:30 BST");
  s->stop();
  ASSERT_EQ(rec.count(), 2U);
  EXPECT_EQ(rec.slots[0], utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(rec.slots[1], utc(2026, 3, 30, 0, 30));

  Recorder autumn;
  auto s2 = make(utc(2026, 10, 24, 12));
  // Another name: "nightly" would first catch up on the slots since March.
  ASSERT_TRUE(s2->add_job({"autumn", cron("30 1 * * *"), "Europe/London", autumn.job()}));
  ASSERT_TRUE(s2->start());
  EXPECT_EQ(step_through(*clock, 2),
            (std::vector<std::string>{"2026-10-25 01:30 BST", "2026-10-26 01:30 GMT"}));
  ASSERT_TRUE(clock->next_wait());
  s2->stop();
  ASSERT_EQ(autumn.count(), 2U);
  EXPECT_EQ(autumn.slots[0], utc(2026, 10, 25, 0, 30));
  auto last = last_run("autumn");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->scheduled_for, utc(2026, 10, 26, 1, 30));
  EXPECT_EQ(last->result, "ok");
}

TEST_F(SchedulerTest, RecordsEachRunWithItsOutcome) {
  auto s = make(utc(2026, 1, 5, 9, 0));
  ASSERT_TRUE(s->add_job({"flaky", cron("*/15 * * * *"), "Europe/London", [](const JobContext&) {
                            return JobOutcome::retry_later("503 from MIS");
                          }}));
  ASSERT_TRUE(
      s->add_job({"broken", cron("*/15 * * * *"), "Europe/London",
                  [](const JobContext&) -> JobOutcome { throw std::runtime_error("disk full"); }}));
  ASSERT_TRUE(s->start());
  EXPECT_EQ(step_through(*clock, 1), (std::vector<std::string>{"2026-01-05 09:15 GMT"}));
  ASSERT_TRUE(clock->next_wait());  // both ran (one after the other) and were recorded
  s->stop();
  auto flaky = last_run("flaky");
  ASSERT_TRUE(flaky);
  EXPECT_EQ(flaky->result, "retry");
  EXPECT_EQ(flaky->message, "503 from MIS");
  EXPECT_EQ(flaky->scheduled_for, utc(2026, 1, 5, 9, 15));
  EXPECT_EQ(flaky->started_at, utc(2026, 1, 5, 9, 15));
  EXPECT_EQ(flaky->finished_at, utc(2026, 1, 5, 9, 15));
  auto broken = last_run("broken");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->result, "error");
  EXPECT_EQ(broken->message, "unexpected error: disk full");
}

// A job that blocks until released, and counts how many runs overlap.
struct SlowJob {
  std::atomic<int> calls{0};
  std::atomic<int> active{0};
  std::atomic<int> max_active{0};
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();

  std::function<JobOutcome(const JobContext&)> job() {
    return [this](const JobContext&) {
      const int now_active = ++active;
      max_active = std::max(max_active.load(), now_active);
      if (calls++ == 0) {
        entered.set_value();
        released.wait();
      }
      --active;
      return JobOutcome::success();
    };
  }
};

TEST_F(SchedulerTest, ASlotArrivingDuringAManualRunIsSkipped) {
  SlowJob slow;
  auto s = make(utc(2026, 1, 5, 9, 0));
  ASSERT_TRUE(s->add_job({"slow", cron("*/15 * * * *"), "Europe/London", slow.job()}));
  ASSERT_TRUE(s->start());
  auto first = clock->next_wait();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, utc(2026, 1, 5, 9, 15));

  std::expected<JobOutcome, std::string> manual;
  std::thread runner([&] { manual = s->run_now("slow"); });
  slow.entered.get_future().wait();

  // The slot arrives while the manual run is still going: skipped, not queued.
  clock->set(*first);
  auto second = clock->next_wait();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, utc(2026, 1, 5, 9, 30));
  EXPECT_EQ(slow.calls, 1);
  // So is a second manual trigger.
  auto again = s->run_now("slow");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), "job 'slow' was not started again: it is already running");

  slow.release.set_value();
  runner.join();
  ASSERT_TRUE(manual);
  EXPECT_EQ(manual->kind, JobOutcome::Kind::ok);

  // The next slot runs normally, and nothing ever overlapped.
  clock->set(*second);
  ASSERT_TRUE(clock->next_wait());
  s->stop();
  EXPECT_EQ(slow.calls, 2);
  EXPECT_EQ(slow.max_active, 1);
}

TEST_F(SchedulerTest, AManualTriggerDuringAScheduledRunIsRefused) {
  SlowJob slow;
  auto s = make(utc(2026, 1, 5, 9, 0));
  ASSERT_TRUE(s->add_job({"slow", cron("*/15 * * * *"), "Europe/London", slow.job()}));
  ASSERT_TRUE(s->start());
  auto first = clock->next_wait();
  ASSERT_TRUE(first);
  clock->set(*first);
  slow.entered.get_future().wait();  // the worker is inside the scheduled run

  auto jobs = s->jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1U);
  EXPECT_TRUE((*jobs)[0].running);
  ASSERT_TRUE((*jobs)[0].last_run);
  EXPECT_EQ((*jobs)[0].last_run->result, "running");

  auto manual = s->run_now("slow");
  ASSERT_FALSE(manual);
  EXPECT_EQ(slow.calls, 1);

  slow.release.set_value();
  ASSERT_TRUE(clock->next_wait());
  s->stop();
  EXPECT_EQ(slow.calls, 1);
  EXPECT_EQ(slow.max_active, 1);
}

TEST_F(SchedulerTest, SlotsThatPassDuringALongRunAreNotRunBackToBack) {
  int calls = 0;
  auto s = make(utc(2026, 1, 5, 9, 0));
  ManualClock& c = *clock;
  ASSERT_TRUE(s->add_job({"long", cron("*/15 * * * *"), "Europe/London", [&](const JobContext&) {
                            // The run takes 50 minutes: the 09:30, 09:45 and 10:00 slots pass.
                            if (++calls == 1) c.set(utc(2026, 1, 5, 10, 5));
                            return JobOutcome::success();
                          }}));
  ASSERT_TRUE(s->start());
  EXPECT_EQ(step_through(c, 2),
            (std::vector<std::string>{"2026-01-05 09:15 GMT", "2026-01-05 10:15 GMT"}));
  ASSERT_TRUE(c.next_wait());
  s->stop();
  EXPECT_EQ(calls, 2);
}

TEST_F(SchedulerTest, CatchesUpOnceAfterDowntime) {
  // Last ran for the 02:00 slot on 10 November; the service was down until 09:00 on the 14th,
  // so four slots (11th to 14th) were missed.
  auto started = store->start_job_run("nightly", utc(2026, 11, 10, 2), utc(2026, 11, 10, 2));
  ASSERT_TRUE(started);
  ASSERT_TRUE(store->finish_job_run(*started, utc(2026, 11, 10, 2, 5), "ok", ""));
  auto up_to_date = store->start_job_run("hourly", utc(2026, 11, 14, 9), utc(2026, 11, 14, 9));
  ASSERT_TRUE(up_to_date);
  ASSERT_TRUE(store->finish_job_run(*up_to_date, utc(2026, 11, 14, 9, 1), "ok", ""));

  Recorder nightly, hourly, fresh;
  auto s = make(utc(2026, 11, 14, 9, 30));
  ASSERT_TRUE(s->add_job({"nightly", cron("0 2 * * *"), "Europe/London", nightly.job()}));
  ASSERT_TRUE(s->add_job({"hourly", cron("0 * * * *"), "Europe/London", hourly.job()}));
  ASSERT_TRUE(s->add_job({"fresh", cron("0 3 * * *"), "Europe/London", fresh.job()}));
  ASSERT_TRUE(s->start());
  auto wait = clock->next_wait();  // the catch-ups are done before the first wait
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, utc(2026, 11, 14, 10));  // hourly's next slot
  s->stop();

  ASSERT_EQ(nightly.count(), 1U);  // once, not once per missed slot
  EXPECT_EQ(nightly.slots[0], utc(2026, 11, 14, 2));
  EXPECT_EQ(nightly.triggers[0], JobTrigger::catch_up);
  EXPECT_EQ(hourly.count(), 0U);  // its last run served its latest slot
  EXPECT_EQ(fresh.count(), 0U);   // never ran: waits for its first slot
  auto last = last_run("nightly");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->scheduled_for, utc(2026, 11, 14, 2));
  EXPECT_EQ(last->started_at, utc(2026, 11, 14, 9, 30));
  EXPECT_EQ(last->result, "ok");

  // Restarting again straight away does not catch up a second time: the run was recorded.
  Recorder again;
  auto s2 = make(utc(2026, 11, 14, 9, 45));
  ASSERT_TRUE(s2->add_job({"nightly", cron("0 2 * * *"), "Europe/London", again.job()}));
  ASSERT_TRUE(s2->start());
  auto wait2 = clock->next_wait();
  ASSERT_TRUE(wait2);
  EXPECT_EQ(*wait2, utc(2026, 11, 15, 2));
  s2->stop();
  EXPECT_EQ(again.count(), 0U);
}

TEST_F(SchedulerTest, MarksARunInterruptedByTheServiceStopping) {
  // The process died during the 02:00 run: the row still says 'running'.
  auto started = store->start_job_run("nightly", utc(2026, 11, 14, 2), utc(2026, 11, 14, 2));
  ASSERT_TRUE(started);

  Recorder rec;
  auto s = make(utc(2026, 11, 14, 2, 10));
  ASSERT_TRUE(s->add_job({"nightly", cron("0 2 * * *"), "Europe/London", rec.job()}));
  ASSERT_TRUE(s->start());
  ASSERT_TRUE(clock->next_wait());
  s->stop();
  auto last = last_run("nightly");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->id, *started);
  EXPECT_EQ(last->result, "error");
  EXPECT_EQ(last->message, "interrupted (the service stopped during the run)");
  EXPECT_EQ(last->finished_at, utc(2026, 11, 14, 2, 10));
  EXPECT_EQ(rec.count(), 0U);  // its slot counts as served: not re-run automatically
}

// Another process (a `careerlink jobs run`) holding the job's lock: the service's scheduler
// neither runs the job over it nor takes its recorded `running` row for a dead one.
TEST_F(SchedulerTest, ARunInAnotherProcessIsNeitherOverlappedNorMarkedInterrupted) {
  const auto locks = dir / "locks";
  auto started = store->start_job_run("nightly", utc(2026, 11, 14, 2), utc(2026, 11, 14, 2));
  ASSERT_TRUE(started);
  auto other = JobLock::try_acquire(locks, "nightly");  // held by "the other process"
  ASSERT_TRUE(other.held()) << other.detail();

  Recorder rec;
  clock = std::make_unique<ManualClock>(utc(2026, 11, 14, 2, 10));
  auto s = std::make_unique<Scheduler>(*store, *clock, locks);
  ASSERT_TRUE(s->add_job({"nightly", cron("0 2 * * *"), "Europe/London", rec.job()}));
  ASSERT_TRUE(s->start());
  ASSERT_TRUE(clock->next_wait());
  auto last = last_run("nightly");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->result, "running");  // still the other process's run

  auto manual = s->run_now("nightly");
  ASSERT_FALSE(manual);
  EXPECT_EQ(manual.error(),
            "job 'nightly' was not started again: it is already running in "
            "process " +
                std::to_string(::getpid()));
  EXPECT_EQ(rec.count(), 0U);

  other = JobLock::try_acquire(locks, "other-job");  // releases "nightly"
  auto now_free = s->run_now("nightly");
  ASSERT_TRUE(now_free) << now_free.error();
  EXPECT_EQ(rec.count(), 1U);
  s->stop();
}

TEST_F(SchedulerTest, StopInterruptsTheWait) {
  Recorder rec;
  auto s = make(utc(2026, 1, 5, 9, 0));
  ASSERT_TRUE(s->add_job({"nightly", cron("0 2 * * *"), "Europe/London", rec.job()}));
  ASSERT_TRUE(s->start());
  ASSERT_TRUE(clock->next_wait());
  EXPECT_EQ(clock->waits_ended(), 0);
  s->stop();  // the clock never moves, so only the stop can end the wait and let this return
  EXPECT_EQ(clock->waits_ended(), 1);
  EXPECT_EQ(rec.count(), 0U);
  EXPECT_FALSE(s->start());  // not restartable
}

TEST_F(SchedulerTest, StopReachesARunningJob) {
  std::promise<void> entered;
  auto s = make(utc(2026, 1, 5, 9, 0));
  ASSERT_TRUE(s->add_job(
      {"long", cron("*/15 * * * *"), "Europe/London", [&](const JobContext& ctx) {
         entered.set_value();
         std::mutex m;
         std::condition_variable_any cv;
         std::unique_lock lock(m);
         cv.wait(lock, ctx.stop, [] { return false; });
         return ctx.stop_requested() ? JobOutcome::retry_later("stopped") : JobOutcome::success();
       }}));
  ASSERT_TRUE(s->start());
  auto first = clock->next_wait();
  ASSERT_TRUE(first);
  clock->set(*first);
  entered.get_future().wait();
  s->stop();
  auto last = last_run("long");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->result, "retry");
  EXPECT_EQ(last->message, "stopped");
}

TEST(SystemClockTest, StopInterruptsAWait) {
  SystemClock clock;
  std::stop_source stop;
  std::promise<bool> result;
  std::jthread waiter([&] {
    result.set_value(clock.wait_until(clock.now() + std::chrono::hours{24}, stop.get_token()));
  });
  stop.request_stop();
  EXPECT_FALSE(result.get_future().get());
  EXPECT_TRUE(clock.wait_until(clock.now() - std::chrono::seconds{1}, {}));
}

TEST_F(SchedulerTest, RunNowWithoutStarting) {
  Recorder rec;
  auto s = make(utc(2026, 1, 5, 9, 7));
  ASSERT_TRUE(s->add_job({"sync", cron("0 2 * * *"), "Europe/London", rec.job()}));
  auto outcome = s->run_now("sync");
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->kind, JobOutcome::Kind::ok);
  ASSERT_EQ(rec.count(), 1U);
  EXPECT_EQ(rec.triggers[0], JobTrigger::manual);
  EXPECT_EQ(rec.slots[0], utc(2026, 1, 5, 9, 7));
  auto last = last_run("sync");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->scheduled_for, utc(2026, 1, 5, 9, 7));
  EXPECT_EQ(last->result, "ok");

  auto unknown = s->run_now("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), "no job named 'nope'");
}

TEST_F(SchedulerTest, ListsJobsWithNextAndLastRun) {
  Recorder rec;
  auto s = make(utc(2026, 10, 24, 12));
  ASSERT_TRUE(s->add_job({"nightly", cron("30 1 * * *"), "Europe/London", rec.job()}));
  ASSERT_TRUE(s->add_job({"ny", cron("0 9 * * *"), "America/New_York", rec.job()}));
  ASSERT_TRUE(s->run_now("nightly"));
  EXPECT_EQ(s->next_run("nightly"), utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(s->next_run("missing"), std::nullopt);

  auto jobs = s->jobs();
  ASSERT_TRUE(jobs) << jobs.error();
  ASSERT_EQ(jobs->size(), 2U);
  const auto& nightly = (*jobs)[0];
  EXPECT_EQ(nightly.name, "nightly");
  EXPECT_EQ(nightly.schedule, "30 1 * * *");
  EXPECT_EQ(nightly.time_zone, "Europe/London");
  EXPECT_EQ(nightly.next_run, utc(2026, 10, 25, 0, 30));
  ASSERT_TRUE(nightly.last_run);
  EXPECT_EQ(nightly.last_run->result, "ok");
  EXPECT_FALSE(nightly.running);
  const auto& ny = (*jobs)[1];
  EXPECT_EQ(ny.next_run, utc(2026, 10, 24, 13));  // 09:00 EDT
  EXPECT_FALSE(ny.last_run);

  ASSERT_TRUE(s->start());
  auto wait = clock->next_wait();
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, utc(2026, 10, 24, 13));
  EXPECT_EQ(s->next_run("nightly"), utc(2026, 10, 25, 0, 30));
  s->stop();
}

TEST_F(SchedulerTest, AddJobErrors) {
  Recorder rec;
  auto s = make(utc(2026, 1, 5));
  auto bad_zone = s->add_job({"a", cron("0 2 * * *"), "Europe/Londres", rec.job()});
  ASSERT_FALSE(bad_zone);
  EXPECT_EQ(bad_zone.error().rfind("job 'a': unknown time zone 'Europe/Londres'", 0), 0U)
      << bad_zone.error();
  EXPECT_EQ(s->add_job({"b", cron("0 2 * * *"), "Europe/London", {}}).error(),
            "job 'b' has nothing to run");
  EXPECT_EQ(s->add_job({"", cron("0 2 * * *"), "Europe/London", rec.job()}).error(),
            "a job needs a name");
  ASSERT_TRUE(s->add_job({"c", cron("0 2 * * *"), "Europe/London", rec.job()}));
  EXPECT_EQ(s->add_job({"c", cron("0 3 * * *"), "Europe/London", rec.job()}).error(),
            "two jobs are named 'c'");
  ASSERT_TRUE(s->start());
  EXPECT_EQ(s->add_job({"d", cron("0 2 * * *"), "Europe/London", rec.job()}).error(),
            "job 'd': jobs are added before start()");
  EXPECT_EQ(s->start().error(), "the scheduler is already running");
  s->stop();
}

}  // namespace
}  // namespace careerlink
