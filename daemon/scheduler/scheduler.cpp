#include "daemon/scheduler/scheduler.hpp"

#include "daemon/scheduler/job_lock.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <utility>

namespace careerlink {
namespace {

constexpr std::string_view kInterrupted = "interrupted (the service stopped during the run)";

std::string iso(TimePoint t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string_view trigger_name(JobTrigger trigger) {
  switch (trigger) {
    case JobTrigger::schedule:
      return "scheduled";
    case JobTrigger::catch_up:
      return "catch-up";
    case JobTrigger::manual:
      return "manual";
  }
  return "unknown";
}

}  // namespace

std::string_view to_string(JobOutcome::Kind kind) {
  switch (kind) {
    case JobOutcome::Kind::ok:
      return "ok";
    case JobOutcome::Kind::retry:
      return "retry";
    case JobOutcome::Kind::error:
      return "error";
  }
  return "error";
}

TimePoint SystemClock::now() {
  return std::chrono::system_clock::now();
}

bool SystemClock::wait_until(TimePoint deadline, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  while (!stop.stop_requested()) {
    const auto now = std::chrono::system_clock::now();
    if (now >= deadline) return true;
    // Short steps on the steady clock, re-reading the wall clock each time: a wall clock that
    // jumps (NTP step, resume from suspend) must not leave us sleeping towards a stale deadline.
    const auto step = std::min<TimePoint::duration>(deadline - now, std::chrono::seconds{30});
    cv.wait_for(lock, stop, step, [] { return false; });
  }
  return false;
}

Scheduler::Scheduler(Store& store, Clock& clock, std::optional<std::filesystem::path> lock_dir)
    : store_(store), clock_(clock), lock_dir_(std::move(lock_dir)) {}

Scheduler::~Scheduler() {
  stop();
}

std::expected<void, std::string> Scheduler::add_job(JobSpec spec) {
  std::lock_guard lock(mutex_);
  if (started_) return std::unexpected("job '" + spec.name + "': jobs are added before start()");
  if (spec.name.empty()) return std::unexpected(std::string("a job needs a name"));
  if (!spec.run) return std::unexpected("job '" + spec.name + "' has nothing to run");
  if (find(spec.name)) return std::unexpected("two jobs are named '" + spec.name + "'");
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(spec.time_zone);
  } catch (const std::exception& e) {
    return std::unexpected("job '" + spec.name + "': unknown time zone '" + spec.time_zone + "' (" +
                           e.what() + ")");
  }
  jobs_.push_back(std::make_unique<Job>(std::move(spec), zone));
  return {};
}

Scheduler::Job* Scheduler::find(std::string_view name) {
  for (auto& job : jobs_) {
    if (job->spec.name == name) return job.get();
  }
  return nullptr;
}

std::expected<void, std::string> Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (started_) return std::unexpected(std::string("the scheduler is already running"));
  if (stop_source_.stop_requested()) {
    return std::unexpected(std::string("the scheduler was stopped and cannot start again"));
  }
  const TimePoint now = clock_.now();
  std::vector<JobRun> last_runs;
  {
    std::lock_guard store_lock(store_mutex_);
    auto runs = store_.last_job_runs();
    if (!runs) return std::unexpected("cannot read the job runs: " + runs.error().message);
    last_runs = std::move(*runs);
    for (auto& run : last_runs) {
      if (run.result != "running") continue;
      // Nothing else in this process can be running yet, so the run died with its process,
      // unless another process (a `careerlink jobs run`) holds the job's lock and is running it.
      if (lock_dir_) {
        const auto job_lock = JobLock::try_acquire(*lock_dir_, run.job);
        if (job_lock.status() == JobLock::Status::busy) {
          spdlog::info("job '{}': running in {} (started {})", run.job, job_lock.detail(),
                       iso(run.started_at));
          continue;
        }
      }
      auto marked = store_.finish_job_run(run.id, now, "error", kInterrupted);
      if (!marked) {
        return std::unexpected("cannot mark run " + std::to_string(run.id) + " of job '" + run.job +
                               "' as interrupted: " + marked.error().message);
      }
      spdlog::warn("job '{}': the run for {} was interrupted by the service stopping", run.job,
                   iso(run.scheduled_for));
      run.result = "error";
      run.message = kInterrupted;
      run.finished_at = now;
    }
  }
  for (auto& job : jobs_) {
    job->next_due = job->spec.schedule.next_after(job->zone, now);
    const auto last = std::ranges::find(last_runs, job->spec.name, &JobRun::job);
    if (last == last_runs.end()) continue;  // never ran: no catch-up, only future slots
    const auto missed = job->spec.schedule.last_at_or_before(job->zone, now);
    if (missed && *missed > last->scheduled_for) {
      job->catch_up = missed;
      spdlog::info("job '{}': missed its run for {} while the service was down; running it now",
                   job->spec.name, iso(*missed));
    }
  }
  started_ = true;
  worker_ = std::jthread([this] { work(stop_source_.get_token()); });
  return {};
}

void Scheduler::stop() {
  stop_source_.request_stop();
  if (worker_.joinable()) worker_.join();
}

void Scheduler::work(const std::stop_token& stop) {
  for (auto& job : jobs_) {
    std::optional<TimePoint> slot;
    {
      std::lock_guard lock(mutex_);
      slot = std::exchange(job->catch_up, std::nullopt);
    }
    if (stop.stop_requested()) return;
    if (slot) (void)execute(*job, *slot, JobTrigger::catch_up);
  }
  while (!stop.stop_requested()) {
    Job* due = nullptr;
    TimePoint slot = TimePoint::max();
    TimePoint now;
    {
      std::lock_guard lock(mutex_);
      now = clock_.now();
      for (auto& job : jobs_) {
        if (job->next_due && *job->next_due < slot) {
          slot = *job->next_due;
          due = job.get();
        }
      }
      // Planned before the run so next_run() shows the coming slot while this one runs.
      if (due && slot <= now) due->next_due = due->spec.schedule.next_after(due->zone, now);
    }
    if (due && slot <= now) {
      (void)execute(*due, slot, JobTrigger::schedule);
      // Slots that passed during the run are skipped rather than run back to back.
      std::lock_guard lock(mutex_);
      if (due->next_due && *due->next_due <= clock_.now()) {
        due->next_due = due->spec.schedule.next_after(due->zone, clock_.now());
      }
      continue;
    }
    if (!clock_.wait_until(slot, stop)) return;
  }
}

std::expected<JobOutcome, std::string> Scheduler::execute(Job& job, TimePoint slot,
                                                          JobTrigger trigger) {
  const std::string& name = job.spec.name;
  {
    std::lock_guard lock(mutex_);
    if (job.running) {
      spdlog::warn("job '{}': still running, so the {} run for {} is skipped", name,
                   trigger_name(trigger), iso(slot));
      return std::unexpected(std::string("it is already running"));
    }
    job.running = true;
  }
  std::optional<JobLock> os_lock;
  if (lock_dir_) {
    os_lock = JobLock::try_acquire(*lock_dir_, name);
    if (os_lock->status() == JobLock::Status::busy) {
      spdlog::warn("job '{}': already running in {}, so the {} run for {} is skipped", name,
                   os_lock->detail(), trigger_name(trigger), iso(slot));
      std::lock_guard lock(mutex_);
      job.running = false;
      return std::unexpected("it is already running in " + os_lock->detail());
    }
    // The lock is a second belt (the in-process one above always holds): a lock that cannot be
    // taken at all must not stop the job's work.
    if (os_lock->status() == JobLock::Status::error) {
      spdlog::error("job '{}': running without its cross-process lock: {}", name,
                    os_lock->detail());
    }
  }
  std::optional<std::int64_t> run_id;
  {
    std::lock_guard store_lock(store_mutex_);
    auto started = store_.start_job_run(name, slot, clock_.now());
    // Run the job even when the record fails: its work matters more than its history.
    if (started) {
      run_id = *started;
    } else {
      spdlog::error("job '{}': cannot record the start of its run: {}", name,
                    started.error().message);
    }
  }
  spdlog::info("job '{}': {} run for {} started", name, trigger_name(trigger), iso(slot));
  JobOutcome outcome;
  try {
    outcome = job.spec.run(JobContext{name, slot, trigger, stop_source_.get_token()});
  } catch (const std::exception& e) {
    outcome = JobOutcome::failure(std::string("unexpected error: ") + e.what());
  } catch (...) {
    outcome = JobOutcome::failure("unexpected error (not a std::exception)");
  }
  if (run_id) {
    std::lock_guard store_lock(store_mutex_);
    auto finished =
        store_.finish_job_run(*run_id, clock_.now(), to_string(outcome.kind), outcome.message);
    if (!finished) {
      spdlog::error("job '{}': cannot record the end of its run: {}", name,
                    finished.error().message);
    }
  }
  if (outcome.kind == JobOutcome::Kind::ok) {
    spdlog::info("job '{}': finished ok{}{}", name, outcome.message.empty() ? "" : ": ",
                 outcome.message);
  } else {
    spdlog::warn("job '{}': finished with {}: {}", name, to_string(outcome.kind), outcome.message);
  }
  std::lock_guard lock(mutex_);
  job.running = false;
  return outcome;
}

std::expected<JobOutcome, std::string> Scheduler::run_now(std::string_view name) {
  Job* job = nullptr;
  {
    std::lock_guard lock(mutex_);
    job = find(name);
  }
  if (!job) return std::unexpected("no job named '" + std::string(name) + "'");
  auto outcome = execute(*job, clock_.now(), JobTrigger::manual);
  if (!outcome) {
    return std::unexpected("job '" + std::string(name) +
                           "' was not started again: " + outcome.error());
  }
  return std::move(*outcome);
}

std::optional<TimePoint> Scheduler::next_run(std::string_view name) {
  std::lock_guard lock(mutex_);
  const Job* job = find(name);
  if (!job) return std::nullopt;
  if (started_) return job->next_due;
  return job->spec.schedule.next_after(job->zone, clock_.now());
}

std::expected<std::vector<JobStatus>, std::string> Scheduler::jobs() {
  std::vector<JobStatus> out;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.now();
    for (const auto& job : jobs_) {
      out.push_back(JobStatus{
          .name = job->spec.name,
          .schedule = job->spec.schedule.text(),
          .time_zone = job->spec.time_zone,
          .next_run = started_ ? job->next_due : job->spec.schedule.next_after(job->zone, now),
          .last_run = std::nullopt,
          .running = job->running,
      });
    }
  }
  std::lock_guard store_lock(store_mutex_);
  auto runs = store_.last_job_runs();
  if (!runs) return std::unexpected("cannot read the job runs: " + runs.error().message);
  for (auto& s : out) {
    const auto last = std::ranges::find(*runs, s.name, &JobRun::job);
    if (last != runs->end()) s.last_run = *last;
  }
  return out;
}

}  // namespace careerlink
