// Scheduled job runs in SQLite: one row per run, written when it starts and again when it ends,
// so a run the process died in is still there as 'running' for the scheduler to close at start.
// Times are unix milliseconds (UTC).
#include <chrono>
#include <string>

#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
std::string_view job_runs_schema_sql() {
  return R"sql(
CREATE TABLE job_run (
  id               INTEGER PRIMARY KEY,
  job              TEXT NOT NULL,
  scheduled_for_ms INTEGER NOT NULL,
  started_at_ms    INTEGER NOT NULL,
  finished_at_ms   INTEGER,
  result           TEXT NOT NULL DEFAULT 'running'
                   CHECK (result = 'running' OR result = 'ok' OR result = 'retry'
                          OR result = 'error'),
  message          TEXT NOT NULL DEFAULT ''
) STRICT;
-- The latest run of a job is its highest id (runs are inserted as they start).
CREATE INDEX job_run_by_job ON job_run(job, id);
)sql";
}
}  // namespace sqlite

namespace {}  // namespace

using sqlite::SqliteStore;

StoreResult<std::int64_t> SqliteStore::start_job_run(std::string_view job, TimePoint scheduled_for,
                                                     TimePoint started_at) {
  auto st = db().prepare(
      "INSERT INTO job_run (job, scheduled_for_ms, started_at_ms, result) "
      "VALUES (?1, ?2, ?3, 'running')");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY(
      (*st)->bind(1, job).bind(2, to_ms(scheduled_for)).bind(3, to_ms(started_at)).run());
  return db().last_insert_id();
}

StoreResult<void> SqliteStore::finish_job_run(std::int64_t run, TimePoint finished_at,
                                              std::string_view result, std::string_view message) {
  if (result != "ok" && result != "retry" && result != "error") {
    return std::unexpected(
        StoreError{"job run result must be ok, retry or error, not '" + std::string(result) + "'"});
  }
  auto st = db().prepare(
      "UPDATE job_run SET finished_at_ms = ?2, result = ?3, message = ?4 WHERE id = ?1");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY(
      (*st)->bind(1, run).bind(2, to_ms(finished_at)).bind(3, result).bind(4, message).run());
  if (db().changes() == 0) {
    return std::unexpected(StoreError{"there is no job run " + std::to_string(run)});
  }
  return {};
}

StoreResult<std::vector<JobRun>> SqliteStore::last_job_runs() {
  auto st = db().prepare(
      "SELECT id, job, scheduled_for_ms, started_at_ms, finished_at_ms, result, message"
      " FROM job_run WHERE id IN (SELECT max(id) FROM job_run GROUP BY job) ORDER BY job");
  CAREERLINK_TRY(st);
  return collect_rows(**st, [](const Statement& r) {
    JobRun run;
    run.id = r.int64(0);
    run.job = r.text(1);
    run.scheduled_for = from_ms(r.int64(2));
    run.started_at = from_ms(r.int64(3));
    if (!r.is_null(4)) run.finished_at = from_ms(r.int64(4));
    run.result = r.text(5);
    run.message = r.text(6);
    return run;
  });
}

}  // namespace careerlink
