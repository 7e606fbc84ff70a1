// The outbox in SQLite (the transactional outbox, after goqite and litequeue). A message is
// enqueued in the caller's transaction; a worker leases due messages with one
// UPDATE ... RETURNING, which also counts the attempt, then acks, retries or dead-letters them.
// Delivered rows stay (state 'delivered') until purge_delivered, so a late duplicate enqueue of
// the same key is still refused.
#include <algorithm>
#include <string>

#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

using sqlite::from_ms;

namespace sqlite {
// Times are Unix milliseconds. While a message is leased, next_attempt_ms holds the end of its
// lease (as does lease_until_ms), so "due" is one test for both a pending message and an
// expired lease (the process died mid-delivery), and one partial index serves the lease query.
// Idempotency keys are unique per sink: one change announced to two sinks may share its key.
std::string_view outbox_schema_sql() {
  return R"sql(
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  sink             TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL,
  payload          TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state = 'pending' OR state = 'leased' OR state = 'delivered'
                          OR state = 'dead'),
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at_ms    INTEGER NOT NULL,
  next_attempt_ms  INTEGER NOT NULL,
  lease_until_ms   INTEGER,
  delivered_at_ms  INTEGER,
  last_error       TEXT,
  UNIQUE (sink, idempotency_key)
) STRICT;
CREATE INDEX outbox_due ON outbox(sink, next_attempt_ms, id)
  WHERE state IN ('pending','leased');
-- Dead letters, for `outbox list --state dead` and requeue. Deliberately no index over every
-- state: each lease and ack would move an entry in it (it was a third of a lease's cost);
-- counting by state for /metrics reads the table instead.
CREATE INDEX outbox_dead ON outbox(sink, id) WHERE state = 'dead';
)sql";
}
}  // namespace sqlite

namespace {

using sqlite::Connection;
using sqlite::Statement;

OutboxState state_of(std::string_view s) {
  if (s == "leased") return OutboxState::leased;
  if (s == "delivered") return OutboxState::delivered;
  if (s == "dead") return OutboxState::dead;
  return OutboxState::pending;
}

// Every query that reads messages selects these columns, in this order.
#define CAREERLINK_OUTBOX_COLUMNS                                                        \
  "id, sink, idempotency_key, payload, state, attempts, created_at_ms, next_attempt_ms," \
  " lease_until_ms, last_error"

OutboxMessage read_message(const Statement& st) {
  OutboxMessage m;
  m.id = st.int64(0);
  m.sink = st.text(1);
  m.idempotency_key = st.text(2);
  m.payload = st.text(3);
  m.state = state_of(st.text(4));
  m.attempts = static_cast<int>(st.int64(5));
  m.created_at = from_ms(st.int64(6));
  m.next_attempt_at = from_ms(st.int64(7));
  if (!st.is_null(8)) m.lease_until = from_ms(st.int64(8));
  m.last_error = st.opt_text(9);
  return m;
}

// A JSON array of ids, for `IN (SELECT value FROM json_each(?))`: one cached statement for a
// batch of any size.
std::string json_ids(std::span<const std::int64_t> ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

}  // namespace

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;

StoreResult<bool> SqliteTransaction::enqueue(const OutboxDraft& message) {
  if (message.sink.empty() || message.idempotency_key.empty())
    return std::unexpected(StoreError{"outbox message needs a sink and an idempotency key"});
  const auto now = to_ms(std::chrono::system_clock::now());
  auto st = db_.prepare(
      "INSERT INTO outbox (sink, idempotency_key, payload, created_at_ms, next_attempt_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (sink, idempotency_key) DO NOTHING");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)
                     ->bind(1, message.sink)
                     .bind(2, message.idempotency_key)
                     .bind(3, message.payload)
                     .bind(4, now)
                     .run());
  return db_.changes() > 0;
}

StoreResult<std::vector<OutboxMessage>> SqliteStore::lease_outbox(std::string_view sink,
                                                                  std::size_t max, TimePoint now,
                                                                  std::chrono::seconds lease) {
  std::vector<OutboxMessage> out;
  if (max == 0) return out;
  const auto now_ms = to_ms(now);
  const auto until_ms = to_ms(now + lease);
  auto leased = in_write_transaction(*db_, [&]() -> StoreResult<void> {
    auto st = db_->prepare(
        "UPDATE outbox SET state = 'leased', attempts = attempts + 1, lease_until_ms = ?3,"
        " next_attempt_ms = ?3"
        " WHERE id IN (SELECT id FROM outbox WHERE sink = ?1 AND state IN ('pending','leased')"
        "   AND next_attempt_ms <= ?2 ORDER BY next_attempt_ms, id LIMIT ?4)"
        " RETURNING " CAREERLINK_OUTBOX_COLUMNS);
    CAREERLINK_TRY(st);
    Statement& q = **st;
    q.bind(1, sink).bind(2, now_ms).bind(3, until_ms).bind(4, static_cast<std::int64_t>(max));
    auto rows = collect_rows(q, read_message);  // reset after: finished before COMMIT
    CAREERLINK_TRY(rows);
    out = std::move(*rows);
    return {};
  });
  CAREERLINK_TRY(leased);
  // RETURNING gives rows in no promised order; deliver in id (= enqueue) order.
  std::ranges::sort(out, {}, &OutboxMessage::id);
  return out;
}

StoreResult<void> SqliteStore::ack_outbox(std::span<const std::int64_t> ids, TimePoint now) {
  if (ids.empty()) return {};
  // Unconditional on state: the far side has it, whatever happened to the lease meanwhile.
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'delivered', delivered_at_ms = COALESCE(delivered_at_ms, ?2),"
      " lease_until_ms = NULL, last_error = NULL"
      " WHERE id IN (SELECT value FROM json_each(?1))");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, json_ids(ids)).bind(2, to_ms(now)).run();
}

StoreResult<void> SqliteStore::release_outbox(std::span<const std::int64_t> ids, TimePoint now) {
  if (ids.empty()) return {};
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'pending', attempts = MAX(attempts - 1, 0), next_attempt_ms = ?2,"
      " lease_until_ms = NULL WHERE id IN (SELECT value FROM json_each(?1)) AND state = 'leased'");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, json_ids(ids)).bind(2, to_ms(now)).run();
}

StoreResult<void> SqliteStore::retry_outbox(std::int64_t id, TimePoint next_attempt,
                                            std::string_view error) {
  // Only a leased message: a late answer must not bring back one already delivered.
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'pending', next_attempt_ms = ?2, lease_until_ms = NULL,"
      " last_error = ?3 WHERE id = ?1 AND state = 'leased'");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, id).bind(2, to_ms(next_attempt)).bind(3, error).run();
}

StoreResult<void> SqliteStore::dead_letter_outbox(std::int64_t id, std::string_view reason) {
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'dead', lease_until_ms = NULL, last_error = ?2"
      " WHERE id = ?1 AND state IN ('pending','leased')");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, id).bind(2, reason).run();
}

StoreResult<std::vector<OutboxMessage>> SqliteStore::list_outbox(const OutboxFilter& filter) {
  auto st = db_->prepare("SELECT " CAREERLINK_OUTBOX_COLUMNS
                         " FROM outbox WHERE (?1 IS NULL OR sink = ?1)"
                         " AND (?2 IS NULL OR state = ?2) ORDER BY id LIMIT ?3");
  CAREERLINK_TRY(st);
  Statement& q = **st;
  q.bind(1, filter.sink);
  if (filter.state)
    q.bind(2, to_string(*filter.state));
  else
    q.bind_null(2);
  q.bind(3, static_cast<std::int64_t>(filter.limit));
  return collect_rows(q, read_message);
}

// A requeued dead letter starts a fresh attempt budget. Its age still counts from created_at,
// so one older than the worker's max_age gets one attempt per requeue.
StoreResult<bool> SqliteStore::requeue_outbox(std::int64_t id, TimePoint now) {
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = ?2,"
      " lease_until_ms = NULL WHERE id = ?1 AND state = 'dead'");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, id).bind(2, to_ms(now)).run());
  return db_->changes() > 0;
}

StoreResult<std::int64_t> SqliteStore::requeue_all_dead(const std::optional<std::string>& sink,
                                                        TimePoint now) {
  auto st = db_->prepare(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = ?2,"
      " lease_until_ms = NULL WHERE state = 'dead' AND (?1 IS NULL OR sink = ?1)");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, sink).bind(2, to_ms(now)).run());
  return static_cast<std::int64_t>(db_->changes());
}

StoreResult<bool> SqliteStore::drop_outbox(std::int64_t id) {
  auto st = db_->prepare("DELETE FROM outbox WHERE id = ?1");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, id).run());
  return db_->changes() > 0;
}

StoreResult<std::vector<OutboxCount>> SqliteStore::count_outbox() {
  auto st = db_->prepare(
      "SELECT sink, state, COUNT(*) FROM outbox GROUP BY sink, state ORDER BY sink, state");
  CAREERLINK_TRY(st);
  return collect_rows(**st, [](const Statement& q) {
    return OutboxCount{q.text(0), state_of(q.text(1)), q.int64(2)};
  });
}

StoreResult<std::int64_t> SqliteStore::purge_delivered(TimePoint before) {
  auto st = db_->prepare("DELETE FROM outbox WHERE state = 'delivered' AND delivered_at_ms < ?1");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, to_ms(before)).run());
  return static_cast<std::int64_t>(db_->changes());
}

}  // namespace careerlink
