// Follow-up flags in the SQLite back end. A flag is raised once and cleared once; while open,
// its RAG and reason may be brought up to date. At most one open flag of a kind per pupil
// (a partial unique index), so two evaluations can never raise the same flag twice.
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;
using sqlite::Statement;

namespace {

StoredFlag read_flag(const Statement& s) {
  StoredFlag f;
  f.id = s.int64(0);
  f.pupil_id = s.int64(1);
  f.kind = s.text(2);
  f.rag = rules::parse_rag(s.text(3)).value_or(rules::Rag::amber);
  f.reason = s.text(4);
  f.shared = s.int64(5) != 0;
  f.raised_at = sqlite::from_ms(s.int64(6));
  if (auto cleared = s.opt_int64(7)) f.cleared_at = sqlite::from_ms(*cleared);
  return f;
}

}  // namespace

StoreResult<std::vector<StoredFlag>> SqliteTransaction::open_flags(std::int64_t pupil) {
  auto st = db_.prepare(
      "SELECT id, pupil_id, kind, rag, reason, shared, raised_ms, cleared_ms FROM follow_up_flag"
      " WHERE pupil_id = ?1 AND cleared_ms IS NULL ORDER BY kind");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, read_flag);
}

StoreResult<std::int64_t> SqliteTransaction::raise_flag(std::int64_t pupil, const rules::Flag& flag,
                                                        bool shared, TimePoint now) {
  auto st = db_.prepare(
      "INSERT INTO follow_up_flag (pupil_id, kind, rag, reason, shared, raised_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)
                     ->bind(1, pupil)
                     .bind(2, flag.kind)
                     .bind(3, rules::to_string(flag.rag))
                     .bind(4, flag.reason)
                     .bind(5, static_cast<std::int64_t>(shared ? 1 : 0))
                     .bind(6, sqlite::to_ms(now))
                     .run());
  return db_.last_insert_id();
}

StoreResult<void> SqliteTransaction::update_flag(std::int64_t flag, const rules::Flag& now_is,
                                                 bool shared) {
  auto st =
      db_.prepare("UPDATE follow_up_flag SET rag = ?2, reason = ?3, shared = ?4 WHERE id = ?1");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, flag)
      .bind(2, rules::to_string(now_is.rag))
      .bind(3, now_is.reason)
      .bind(4, static_cast<std::int64_t>(shared ? 1 : 0))
      .run();
}

StoreResult<void> SqliteTransaction::clear_flag(std::int64_t flag, TimePoint now) {
  auto st = db_.prepare("UPDATE follow_up_flag SET cleared_ms = ?2 WHERE id = ?1");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, flag).bind(2, sqlite::to_ms(now)).run();
}

StoreResult<std::vector<std::int64_t>> SqliteTransaction::take_rules_pending(std::size_t max) {
  auto st = db_.prepare("SELECT pupil_id FROM rules_pending ORDER BY pupil_id LIMIT ?1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, static_cast<std::int64_t>(max));
  auto ids = sqlite::collect_rows(**st, [](Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(ids);
  auto del = db_.prepare("DELETE FROM rules_pending WHERE pupil_id = ?1");
  CAREERLINK_TRY(del);
  for (const std::int64_t id : *ids)
    CAREERLINK_TRY((*del)->bind(1, id).run());
  return ids;
}

StoreResult<std::vector<FlagRow>> SqliteStore::list_flags(const FlagFilter& filter) {
  auto st = db_->prepare(
      "SELECT f.id, f.pupil_id, f.kind, f.rag, f.reason, f.shared, f.raised_ms, f.cleared_ms,"
      " s.urn, p.upn, p.nc_year,"
      " (SELECT g.name FROM group_member m JOIN pupil_group g ON g.id = m.group_id"
      "   WHERE m.pupil_id = p.id AND g.kind = 'tutor' ORDER BY m.since DESC LIMIT 1)"
      " FROM follow_up_flag f JOIN pupil p ON p.id = f.pupil_id JOIN school s ON s.id = p.school_id"
      " WHERE (?1 IS NULL OR p.school_id = ?1) AND (?2 IS NULL OR p.nc_year = ?2)"
      " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM group_member m JOIN pupil_group g"
      "   ON g.id = m.group_id WHERE m.pupil_id = p.id AND g.name = ?3))"
      " AND (?4 IS NULL OR f.rag = ?4) AND (?5 = 0 OR f.cleared_ms IS NULL)"
      " AND (?6 IS NULL OR f.pupil_id = ?6)"
      " ORDER BY s.urn, CAST(p.nc_year AS INTEGER), p.nc_year, p.surname, p.forename, p.upn,"
      " f.raised_ms, f.id");
  CAREERLINK_TRY(st);
  Statement& q = **st;
  if (filter.school) {
    q.bind(1, *filter.school);
  } else {
    q.bind_null(1);
  }
  q.bind(2, filter.nc_year).bind(3, filter.group);
  if (filter.rag) {
    q.bind(4, rules::to_string(*filter.rag));
  } else {
    q.bind_null(4);
  }
  q.bind(5, static_cast<std::int64_t>(filter.open_only ? 1 : 0));
  q.bind(6, filter.pupil_id);
  return sqlite::collect_rows(q, [](Statement& s) {
    FlagRow r;
    r.flag = read_flag(s);
    r.school_urn = s.opt_text(8).value_or("");
    r.upn = s.text(9);
    r.nc_year = s.opt_text(10);
    r.tutor_group = s.opt_text(11);
    return r;
  });
}

}  // namespace careerlink
