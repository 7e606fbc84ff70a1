// Tracker uploads in the SQLite back end: what a tracker may be told about each pupil, and what
// each tracker sink last sent and heard back, so a normal night sends only what changed.
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
// 8: one row per (sink, pupil): the version of the pupil's record the tracker holds.
std::string_view tracker_schema_sql() {
  return R"sql(
CREATE TABLE tracker_delivery (
  sink             TEXT NOT NULL,
  pupil_id         INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  version          TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
  tracker_ref      TEXT,
  detail           TEXT,
  at_ms            INTEGER NOT NULL,
  PRIMARY KEY (sink, pupil_id)
) STRICT;
)sql";
}
}  // namespace sqlite

using sqlite::SqliteStore;
using sqlite::Statement;

namespace {

// Columns 0-10 of a destination in the query below, from `first`.
guidance::Destination read_destination(const Statement& s, int first) {
  guidance::Destination d;
  d.type = s.text(first);
  d.activity_code = s.text(first + 1);
  d.provider_name = s.opt_text(first + 2);
  d.provider_urn = s.opt_text(first + 3);
  d.provider_ukprn = s.opt_text(first + 4);
  d.course = s.opt_text(first + 5);
  d.start_date = s.opt_text(first + 6);
  d.confirmed_by = s.opt_text(first + 7);
  d.recorded_on = s.opt_text(first + 8);
  return d;
}

}  // namespace

StoreResult<std::vector<TrackerSourceRow>> SqliteStore::tracker_source_rows(SchoolId school) {
  // The latest destination of each type and the latest interview, per pupil, in one pass each
  // (window functions), so a school of 1,200 pupils is one query, not 3,600.
  auto st = db_->prepare(R"sql(
WITH ranked AS (
  SELECT d.*, ROW_NUMBER() OVER (
      PARTITION BY d.pupil_id, d.type
      ORDER BY COALESCE(d.recorded_on, '') DESC, d.received_ms DESC, d.id DESC) AS n
  FROM destination d WHERE d.school_id = ?1),
latest_interview AS (
  SELECT i.pupil_id, i.share_with_trackers, ROW_NUMBER() OVER (
      PARTITION BY i.pupil_id ORDER BY i.date DESC, i.updated_ms DESC, i.id DESC) AS n
  FROM interview i JOIN pupil p ON p.id = i.pupil_id WHERE p.school_id = ?1)
SELECT p.id, p.upn, COALESCE(p.preferred_forename, p.forename),
       COALESCE(p.preferred_surname, p.surname), p.dob, p.nc_year, p.leaving_date,
       li.share_with_trackers,
       it.type, it.activity_code, it.provider_name, it.provider_urn, it.provider_ukprn,
       it.course, it.start_date, it.confirmed_by, it.recorded_on,
       ac.type, ac.activity_code, ac.provider_name, ac.provider_urn, ac.provider_ukprn,
       ac.course, ac.start_date, ac.confirmed_by, ac.recorded_on,
       s.urn
FROM pupil p
JOIN school s ON s.id = p.school_id
LEFT JOIN ranked it ON it.pupil_id = p.id AND it.type = 'intended' AND it.n = 1
LEFT JOIN ranked ac ON ac.pupil_id = p.id AND ac.type = 'actual' AND ac.n = 1
LEFT JOIN latest_interview li ON li.pupil_id = p.id AND li.n = 1
WHERE p.school_id = ?1 AND (it.id IS NOT NULL OR ac.id IS NOT NULL)
ORDER BY p.id)sql");
  CAREERLINK_TRY(st);
  (*st)->bind(1, school);
  return sqlite::collect_rows(**st, [](Statement& s) {
    TrackerSourceRow r;
    r.pupil_id = s.int64(0);
    r.upn = s.text(1);
    r.forename = s.opt_text(2);
    r.surname = s.opt_text(3);
    r.dob = s.opt_text(4);
    r.nc_year = s.opt_text(5);
    r.leaving_date = s.opt_text(6);
    if (auto agreed = s.opt_int64(7)) r.agreed_to_trackers = *agreed != 0;
    const auto urn = s.opt_text(26).value_or("");
    for (const auto& [first, slot] : {std::pair{8, &r.intended}, std::pair{17, &r.actual}}) {
      if (s.is_null(first)) continue;
      *slot = read_destination(s, first);
      (*slot)->school_urn = urn;
      (*slot)->pupil.upn = r.upn;
    }
    return r;
  });
}

StoreResult<std::vector<TrackerDelivery>> SqliteStore::tracker_deliveries(
    std::string_view sink, std::optional<SchoolId> school) {
  auto st = db_->prepare(
      "SELECT t.sink, t.pupil_id, p.upn, t.version, t.idempotency_key, t.status, t.tracker_ref,"
      " t.detail, t.at_ms FROM tracker_delivery t JOIN pupil p ON p.id = t.pupil_id"
      " WHERE t.sink = ?1 AND (?2 IS NULL OR p.school_id = ?2) ORDER BY t.pupil_id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, sink);
  if (school) {
    (*st)->bind(2, *school);
  } else {
    (*st)->bind_null(2);
  }
  return sqlite::collect_rows(**st, [](Statement& s) {
    TrackerDelivery d;
    d.sink = s.text(0);
    d.pupil_id = s.int64(1);
    d.upn = s.text(2);
    d.version = s.text(3);
    d.idempotency_key = s.text(4);
    d.status = s.text(5);
    d.tracker_ref = s.opt_text(6).value_or("");
    d.detail = s.opt_text(7).value_or("");
    d.at = sqlite::from_ms(s.int64(8));
    return d;
  });
}

StoreResult<void> SqliteStore::record_tracker_deliveries(std::span<const TrackerDelivery> answers) {
  return sqlite::in_write_transaction(*db_, [&]() -> StoreResult<void> {
    auto st = db_->prepare(
        "INSERT INTO tracker_delivery (sink, pupil_id, version, idempotency_key, status,"
        " tracker_ref, detail, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), NULLIF(?7, ''),"
        " ?8) ON CONFLICT (sink, pupil_id) DO UPDATE SET version = excluded.version,"
        " idempotency_key = excluded.idempotency_key, status = excluded.status,"
        " tracker_ref = COALESCE(excluded.tracker_ref, tracker_delivery.tracker_ref),"
        " detail = excluded.detail, at_ms = excluded.at_ms");
    CAREERLINK_TRY(st);
    for (const auto& a : answers) {
      (*st)
          ->bind(1, a.sink)
          .bind(2, a.pupil_id)
          .bind(3, a.version)
          .bind(4, a.idempotency_key)
          .bind(5, a.status)
          .bind(6, a.tracker_ref)
          .bind(7, a.detail)
          .bind(8, sqlite::to_ms(a.at));
      CAREERLINK_TRY((*st)->run());
    }
    return {};
  });
}

}  // namespace careerlink
