// The outbox in SQLite. (Being written: see the outbox helper's work.)
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
std::string_view outbox_schema_sql() {
  return R"sql(
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  sink             TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL UNIQUE,
  payload          TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending','leased','delivered','dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at_ms    INTEGER NOT NULL,
  next_attempt_ms  INTEGER NOT NULL,
  lease_until_ms   INTEGER,
  delivered_at_ms  INTEGER,
  last_error       TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox(sink, state, next_attempt_ms);
)sql";
}
}  // namespace sqlite

namespace {
StoreError not_yet() {
  return StoreError{"outbox not implemented yet"};
}
}  // namespace

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;

StoreResult<bool> SqliteTransaction::enqueue(const OutboxDraft&) {
  return std::unexpected(not_yet());
}
StoreResult<std::vector<OutboxMessage>> SqliteStore::lease_outbox(std::string_view, std::size_t,
                                                                  TimePoint, std::chrono::seconds) {
  return std::unexpected(not_yet());
}
StoreResult<void> SqliteStore::ack_outbox(std::span<const std::int64_t>, TimePoint) {
  return std::unexpected(not_yet());
}
StoreResult<void> SqliteStore::retry_outbox(std::int64_t, TimePoint, std::string_view) {
  return std::unexpected(not_yet());
}
StoreResult<void> SqliteStore::dead_letter_outbox(std::int64_t, std::string_view) {
  return std::unexpected(not_yet());
}
StoreResult<std::vector<OutboxMessage>> SqliteStore::list_outbox(const OutboxFilter&) {
  return std::unexpected(not_yet());
}
StoreResult<bool> SqliteStore::requeue_outbox(std::int64_t, TimePoint) {
  return std::unexpected(not_yet());
}
StoreResult<std::int64_t> SqliteStore::requeue_all_dead(const std::optional<std::string>&,
                                                        TimePoint) {
  return std::unexpected(not_yet());
}
StoreResult<bool> SqliteStore::drop_outbox(std::int64_t) {
  return std::unexpected(not_yet());
}
StoreResult<std::vector<OutboxCount>> SqliteStore::count_outbox() {
  return std::unexpected(not_yet());
}
StoreResult<std::int64_t> SqliteStore::purge_delivered(TimePoint) {
  return std::unexpected(not_yet());
}

}  // namespace careerlink
