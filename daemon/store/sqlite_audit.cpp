// The audit trail in SQLite: append-only; nothing in careerlink updates or deletes an event
// (retention purges, when they come, are themselves audited).
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
std::string_view audit_schema_sql() {
  return R"sql(
CREATE TABLE audit_event (
  id      INTEGER PRIMARY KEY,
  at_ms   INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  object  TEXT NOT NULL,
  origin  TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_by_object ON audit_event(object, at_ms);
CREATE INDEX audit_by_time ON audit_event(at_ms);
)sql";
}
}  // namespace sqlite

namespace {}  // namespace

using sqlite::SqliteStore;

StoreResult<void> SqliteStore::record_audit(const AuditEvent& e) {
  auto st = db().prepare(
      "INSERT INTO audit_event (at_ms, actor, action, object, origin, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, to_ms(e.at))
      .bind(2, e.actor)
      .bind(3, e.action)
      .bind(4, e.object)
      .bind(5, e.origin)
      .bind(6, e.detail)
      .run();
}

StoreResult<std::vector<AuditEvent>> SqliteStore::list_audit(const AuditFilter& filter) {
  auto st = db().prepare(
      "SELECT id, at_ms, actor, action, object, origin, detail FROM audit_event"
      " WHERE (?1 IS NULL OR object = ?1) AND (?2 IS NULL OR action = ?2)"
      " ORDER BY at_ms DESC, id DESC LIMIT ?3");
  CAREERLINK_TRY(st);
  (*st)
      ->bind(1, filter.object)
      .bind(2, filter.action)
      .bind(3, static_cast<std::int64_t>(filter.limit));
  return collect_rows(**st, [](const Statement& r) {
    return AuditEvent{r.int64(0), from_ms(r.int64(1)), r.text(2), r.text(3),
                      r.text(4),  r.text(5),           r.text(6)};
  });
}

}  // namespace careerlink
