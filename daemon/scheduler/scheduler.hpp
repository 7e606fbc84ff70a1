// The scheduler: runs configured jobs on cron schedules in each school's time zone, records every
// run in the store, and catches up once on a run missed while the service was down.
//
// Rules (see cron_expression.hpp for clock changes):
// * One worker thread runs scheduled jobs one after another, in slot order. A long job therefore
//   delays jobs due while it runs; they run (once each) as soon as it finishes. Chosen for
//   simplicity and because jobs share the store; revisit if one job routinely runs for hours.
// * Never two runs of one job at once: a trigger (a slot, or run_now) arriving while the job runs
//   is skipped and logged, not queued. Across processes too when given a lock directory: the
//   service and a `careerlink jobs run` in another shell take the same JobLock.
// * Slots that pass while the worker is busy are coalesced: the job runs once, not once per slot.
// * Catch-up at start(): for each job whose latest recorded run served a slot earlier than the
//   most recent slot that should have fired by now, run once straight away for that most recent
//   slot (never once per missed slot). A job that has never run does not catch up; it waits for
//   its next slot, so adding a job to the config does not fire it on the next restart.
// * Also at start(): a run still recorded as `running` (the process died during it) is marked
//   `error` "interrupted (the service stopped during the run)". It counts as having served its
//   slot, so it is not re-run automatically (a job that crashes the service must not crash it
//   again at every start); the operator can `careerlink jobs run` it.
// * A JobOutcome of `retry` is recorded as such; the scheduler does not re-run it before the
//   job's next slot.
// * A job that throws is recorded as `error` with the exception's message.
//
// The Store is called from the worker thread and from run_now() callers, always under one mutex
// held by the scheduler; give the scheduler a Store (connection) no other thread uses.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>  // std::jthread
#include <vector>

#include "daemon/scheduler/cron_expression.hpp"
#include "daemon/store/store.hpp"

namespace careerlink {

// What a job reports. `retry`: a transient failure (network, remote 5xx); `error`: it needs a
// person. The message is shown by `careerlink jobs list`.
struct JobOutcome {
  enum class Kind { ok, retry, error };
  Kind kind = Kind::ok;
  std::string message;

  static JobOutcome success(std::string message = {}) { return {Kind::ok, std::move(message)}; }
  static JobOutcome retry_later(std::string message) { return {Kind::retry, std::move(message)}; }
  static JobOutcome failure(std::string message) { return {Kind::error, std::move(message)}; }
};

// "ok" | "retry" | "error", as recorded in JobRun::result.
std::string_view to_string(JobOutcome::Kind kind);

enum class JobTrigger { schedule, catch_up, manual };

struct JobContext {
  std::string_view job;
  TimePoint scheduled_for{};  // the slot this run serves (the trigger time for manual runs)
  JobTrigger trigger = JobTrigger::schedule;
  std::stop_token stop;  // also usable with std::condition_variable_any waits

  // Long jobs check this between units of work and return early when it is set.
  [[nodiscard]] bool stop_requested() const { return stop.stop_requested(); }
};

struct JobSpec {
  std::string name;
  CronExpression schedule;
  std::string time_zone = "Europe/London";  // an IANA name from the OS tz database
  std::function<JobOutcome(const JobContext&)> run;
};

// Time for the scheduler, injectable so tests run days of schedule without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  // Blocks until now() >= deadline (true) or stop is requested (false), whichever comes first.
  // TimePoint::max() means no deadline.
  virtual bool wait_until(TimePoint deadline, std::stop_token stop) = 0;
};

// The real clock. Waits in short steps and re-reads the wall clock, so a system clock that is
// stepped (NTP, a VM resumed after days) is noticed within a minute.
class SystemClock final : public Clock {
 public:
  TimePoint now() override;
  bool wait_until(TimePoint deadline, std::stop_token stop) override;
};

// One job as `careerlink jobs list` shows it.
struct JobStatus {
  std::string name;
  std::string schedule;   // the cron text
  std::string time_zone;  // IANA name
  std::optional<TimePoint> next_run;
  std::optional<JobRun> last_run;  // from the store, if the job ever ran
  bool running = false;            // in this process
};

class Scheduler {
 public:
  // `store` and `clock` must outlive the scheduler. With `lock_dir` (the data directory's
  // locks/), each run also holds the job's JobLock, so a run in another process on the same
  // data directory is seen too.
  Scheduler(Store& store, Clock& clock, std::optional<std::filesystem::path> lock_dir = {});
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();  // stops and joins

  // Before start() only. Errors: duplicate name, unknown time zone, no function.
  std::expected<void, std::string> add_job(JobSpec spec);

  // Marks interrupted runs, works out catch-ups, and starts the worker thread (which runs the
  // catch-ups first). Errors: already started, or the store failed.
  std::expected<void, std::string> start();
  // Asks running jobs to stop, interrupts the wait, and joins the worker. Idempotent. A stopped
  // scheduler cannot be started again.
  void stop();

  // Runs the job now on the calling thread and returns its outcome. Errors: unknown job, or the
  // job is already running (then nothing is run). Works whether or not start() was called.
  std::expected<JobOutcome, std::string> run_now(std::string_view name);

  // When the job will next run: the worker's plan once started, else the next slot from now.
  [[nodiscard]] std::optional<TimePoint> next_run(std::string_view name);
  // All jobs in the order added, with their last recorded run. Errors: the store failed.
  std::expected<std::vector<JobStatus>, std::string> jobs();

 private:
  struct Job {
    Job(JobSpec s, const date::time_zone* z) : spec(std::move(s)), zone(z) {}
    JobSpec spec;
    const date::time_zone* zone = nullptr;
    std::optional<TimePoint> next_due;  // worker's plan, guarded by mutex_
    std::optional<TimePoint> catch_up;  // slot to catch up on at start, guarded by mutex_
    bool running = false;               // guarded by mutex_
  };

  void work(const std::stop_token& stop);
  // Claims the job (false if it is already running), runs it, records the run.
  // The error says why it did not run (already running here, or in another process).
  std::expected<JobOutcome, std::string> execute(Job& job, TimePoint slot, JobTrigger trigger);
  Job* find(std::string_view name);

  Store& store_;
  Clock& clock_;
  std::optional<std::filesystem::path> lock_dir_;
  std::mutex mutex_;        // jobs_' mutable fields, started_
  std::mutex store_mutex_;  // every store call
  std::vector<std::unique_ptr<Job>> jobs_;
  bool started_ = false;
  std::stop_source stop_source_;
  std::jthread worker_;
};

}  // namespace careerlink
