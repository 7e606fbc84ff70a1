// Tracker uploads in the SQLite back end: what a tracker may be told about each pupil, and what
// each tracker sink last sent and heard back, so a normal night sends only what changed.
#include <unordered_map>

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
using sqlite::SqliteTransaction;
using sqlite::Statement;

namespace {

// The columns of a destination in the query below, from `first`.
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
  // Two ordered reads merged here, not one query joining "the latest of each" per pupil: the
  // planner scanned the whole school's destinations once per pupil that way (quadratic in the
  // school's size). Pupils come by id with their latest interview's consent (an index seek
  // each); destinations by pupil, type and newest first, so the first of each pair is the latest.
  auto pupils = db_->prepare(
      "SELECT p.id, p.upn, COALESCE(p.preferred_forename, p.forename),"
      " COALESCE(p.preferred_surname, p.surname), p.dob, p.nc_year, p.leaving_date,"
      " (SELECT i.share_with_trackers FROM interview i WHERE i.pupil_id = p.id"
      "  ORDER BY i.date DESC, i.updated_ms DESC, i.id DESC LIMIT 1), s.urn"
      " FROM pupil p JOIN school s ON s.id = p.school_id WHERE p.school_id = ?1 ORDER BY p.id");
  CAREERLINK_TRY(pupils);
  (*pupils)->bind(1, school);
  std::string urn;
  auto rows = sqlite::collect_rows(**pupils, [&](Statement& s) {
    TrackerSourceRow r;
    r.pupil_id = s.int64(0);
    r.upn = s.text(1);
    r.forename = s.opt_text(2);
    r.surname = s.opt_text(3);
    r.dob = s.opt_text(4);
    r.nc_year = s.opt_text(5);
    r.leaving_date = s.opt_text(6);
    if (auto agreed = s.opt_int64(7)) r.agreed_to_trackers = *agreed != 0;
    urn = s.opt_text(8).value_or("");
    return r;
  });
  CAREERLINK_TRY(rows);
  std::unordered_map<std::int64_t, TrackerSourceRow*> by_id;
  by_id.reserve(rows->size());
  for (auto& r : *rows)
    by_id[r.pupil_id] = &r;

  auto destinations = db_->prepare(
      "SELECT pupil_id, type, activity_code, provider_name, provider_urn, provider_ukprn, course,"
      " start_date, confirmed_by, recorded_on FROM destination WHERE school_id = ?1"
      " ORDER BY pupil_id, type, COALESCE(recorded_on, '') DESC, received_ms DESC, id DESC");
  CAREERLINK_TRY(destinations);
  (*destinations)->bind(1, school);
  auto latest = sqlite::collect_rows(**destinations, [&](Statement& s) {
    return std::pair{s.int64(0), read_destination(s, 1)};
  });
  CAREERLINK_TRY(latest);
  for (auto& [pupil, d] : *latest) {
    auto it = by_id.find(pupil);
    if (it == by_id.end()) continue;
    auto& slot = d.type == "intended" ? it->second->intended : it->second->actual;
    if (slot) continue;  // an older one
    d.school_urn = urn;
    d.pupil.upn = it->second->upn;
    slot = std::move(d);
  }
  std::vector<TrackerSourceRow> out;
  for (auto& r : *rows) {
    if (r.intended || r.actual) out.push_back(std::move(r));
  }
  return out;
}

StoreResult<std::vector<TrackerDelivery>> SqliteStore::tracker_deliveries(
    std::string_view sink, std::optional<SchoolId> school) {
  // One school: its pupils by index, then each one's row by the primary key (sink, pupil), not
  // every delivery of the sink filtered afterwards (CROSS JOIN fixes SQLite's join order).
  auto st = school
                ? db_->prepare(
                      "SELECT t.sink, t.pupil_id, p.upn, t.version, t.idempotency_key, t.status,"
                      " t.tracker_ref, t.detail, t.at_ms FROM pupil p CROSS JOIN tracker_delivery t"
                      " ON t.sink = ?1 AND t.pupil_id = p.id WHERE p.school_id = ?2"
                      " ORDER BY t.pupil_id")
                : db_->prepare(
                      "SELECT t.sink, t.pupil_id, p.upn, t.version, t.idempotency_key, t.status,"
                      " t.tracker_ref, t.detail, t.at_ms FROM tracker_delivery t JOIN pupil p"
                      " ON p.id = t.pupil_id WHERE t.sink = ?1 ORDER BY t.pupil_id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, sink);
  if (school) (*st)->bind(2, *school);
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

StoreResult<void> SqliteTransaction::record_tracker_deliveries(
    std::span<const TrackerDelivery> answers) {
  {
    auto st = db_.prepare(
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
  }
}

}  // namespace careerlink
