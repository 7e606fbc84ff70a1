// Scheduled job runs in SQLite. (Being written: see the scheduler helper's work.)
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
                   CHECK (result IN ('running','ok','retry','error')),
  message          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX job_run_latest ON job_run(job, started_at_ms);
)sql";
}
}  // namespace sqlite

namespace {
StoreError not_yet() {
  return StoreError{"job runs not implemented yet"};
}
}  // namespace

using sqlite::SqliteStore;

StoreResult<std::int64_t> SqliteStore::start_job_run(std::string_view, TimePoint, TimePoint) {
  return std::unexpected(not_yet());
}
StoreResult<void> SqliteStore::finish_job_run(std::int64_t, TimePoint, std::string_view,
                                              std::string_view) {
  return std::unexpected(not_yet());
}
StoreResult<std::vector<JobRun>> SqliteStore::last_job_runs() {
  return std::unexpected(not_yet());
}

}  // namespace careerlink
