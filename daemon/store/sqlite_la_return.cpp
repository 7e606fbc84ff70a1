// The local authority side of destinations in the SQLite back end: s72 opt-outs of sharing
// "further information" with the LA, September Guarantee statuses from the LA's activity
// survey, and the latest destination of each type per pupil (connectors/nccis reads them).
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
// 9: s72 opt-outs (one row per pupil while it stands; opting back in deletes it, the audit
// trail keeps the history) and September Guarantee statuses as the LA reported them (history
// kept; the latest by recorded_on, then received, is the pupil's status).
std::string_view la_return_schema_sql() {
  return R"sql(
CREATE TABLE la_sharing_opt_out (
  pupil_id      INTEGER PRIMARY KEY REFERENCES pupil(id) ON DELETE CASCADE,
  requested_by  TEXT NOT NULL CHECK (requested_by = 'pupil' OR requested_by = 'parent'),
  recorded_by   TEXT NOT NULL,
  recorded_ms   INTEGER NOT NULL
) STRICT;

CREATE TABLE guarantee_status (
  id           INTEGER PRIMARY KEY,
  school_id    INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  pupil_id     INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  source       TEXT NOT NULL,
  status       TEXT NOT NULL,
  recorded_on  TEXT,
  received_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX guarantee_status_by_pupil ON guarantee_status(pupil_id);
)sql";
}

namespace {

// A record without recorded_on is dated by the day careerlink received it, so an undated
// record neither always wins nor always loses against dated ones.
constexpr const char* kLatestDestinationSql =
    "SELECT d.id, d.source, s.urn, p.upn, d.type, d.activity_code, d.provider_name,"
    " d.provider_urn, d.provider_ukprn, d.course, d.start_date, d.confirmed_by, d.recorded_on,"
    " d.received_ms FROM destination d JOIN pupil p ON p.id = d.pupil_id"
    " JOIN school s ON s.id = d.school_id WHERE d.pupil_id = ?1 AND d.type = ?2"
    " AND (?3 IS NULL OR COALESCE(d.recorded_on,"
    "   strftime('%Y-%m-%d', d.received_ms / 1000, 'unixepoch')) <= ?3)"
    " ORDER BY COALESCE(d.recorded_on, strftime('%Y-%m-%d', d.received_ms / 1000, 'unixepoch'))"
    " DESC, d.received_ms DESC, d.id DESC LIMIT 1";

}  // namespace

StoreResult<bool> SqliteTransaction::set_la_sharing_opt_out(
    std::int64_t pupil, const std::optional<LaSharingOptOut>& opt_out) {
  if (!opt_out) {
    auto del = db_.prepare("DELETE FROM la_sharing_opt_out WHERE pupil_id = ?1");
    CAREERLINK_TRY(del);
    (*del)->bind(1, pupil);
    CAREERLINK_TRY((*del)->run());
    return db_.changes() > 0;
  }
  // The same person asking again changes nothing; the other person asking replaces it.
  auto same =
      db_.prepare("SELECT 1 FROM la_sharing_opt_out WHERE pupil_id = ?1 AND requested_by = ?2");
  CAREERLINK_TRY(same);
  (*same)->bind(1, pupil).bind(2, opt_out->requested_by);
  auto found = first_row(**same, [](const Statement&) { return true; });
  CAREERLINK_TRY(found);
  if (*found) return false;
  auto put = db_.prepare(
      "INSERT INTO la_sharing_opt_out (pupil_id, requested_by, recorded_by, recorded_ms)"
      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (pupil_id) DO UPDATE SET"
      " requested_by = excluded.requested_by, recorded_by = excluded.recorded_by,"
      " recorded_ms = excluded.recorded_ms");
  CAREERLINK_TRY(put);
  (*put)
      ->bind(1, pupil)
      .bind(2, opt_out->requested_by)
      .bind(3, opt_out->recorded_by)
      .bind(4, to_ms(opt_out->recorded_at));
  CAREERLINK_TRY((*put)->run());
  return true;
}

StoreResult<bool> SqliteTransaction::add_guarantee_status(SchoolId school, std::int64_t pupil,
                                                          std::string_view source,
                                                          const GuaranteeStatus& status,
                                                          TimePoint now) {
  // The same status from the same source for the same date is one record (re-imports).
  auto same = db_.prepare(
      "SELECT 1 FROM guarantee_status WHERE pupil_id = ?1 AND source = ?2 AND status = ?3"
      " AND recorded_on IS ?4");
  CAREERLINK_TRY(same);
  (*same)->bind(1, pupil).bind(2, source).bind(3, status.status).bind(4, status.recorded_on);
  auto found = first_row(**same, [](const Statement&) { return true; });
  CAREERLINK_TRY(found);
  if (*found) return false;
  auto ins = db_.prepare(
      "INSERT INTO guarantee_status (school_id, pupil_id, source, status, recorded_on,"
      " received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  CAREERLINK_TRY(ins);
  (*ins)
      ->bind(1, school)
      .bind(2, pupil)
      .bind(3, source)
      .bind(4, status.status)
      .bind(5, status.recorded_on)
      .bind(6, to_ms(now));
  CAREERLINK_TRY((*ins)->run());
  return true;
}

StoreResult<std::optional<LaSharingOptOut>> SqliteStore::la_sharing_opt_out(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT requested_by, recorded_by, recorded_ms FROM la_sharing_opt_out WHERE pupil_id = ?1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return first_row(**st, [](const Statement& s) {
    return LaSharingOptOut{s.text(0), s.text(1), from_ms(s.int64(2))};
  });
}

StoreResult<std::optional<GuaranteeStatus>> SqliteStore::guarantee_status(
    std::int64_t pupil, const std::optional<std::string>& as_of) {
  auto st = db_->prepare(
      "SELECT status, recorded_on, source FROM guarantee_status WHERE pupil_id = ?1"
      " AND (?2 IS NULL OR COALESCE(recorded_on,"
      "   strftime('%Y-%m-%d', received_ms / 1000, 'unixepoch')) <= ?2)"
      " ORDER BY COALESCE(recorded_on, strftime('%Y-%m-%d', received_ms / 1000, 'unixepoch'))"
      " DESC, received_ms DESC, id DESC LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil).bind(2, as_of);
  return first_row(**st, [](const Statement& s) {
    return GuaranteeStatus{s.text(0), s.opt_text(1), s.text(2)};
  });
}

StoreResult<std::vector<GuaranteeStatus>> SqliteStore::guarantee_statuses(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT status, recorded_on, source FROM guarantee_status WHERE pupil_id = ?1"
      " ORDER BY received_ms, id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return collect_rows(**st, [](const Statement& s) {
    return GuaranteeStatus{s.text(0), s.opt_text(1), s.text(2)};
  });
}

StoreResult<LatestDestinations> SqliteStore::latest_destinations(
    std::int64_t pupil, const std::optional<std::string>& as_of) {
  LatestDestinations out;
  for (const char* type : {"actual", "intended"}) {
    auto st = db_->prepare(kLatestDestinationSql);
    CAREERLINK_TRY(st);
    (*st)->bind(1, pupil).bind(2, type).bind(3, as_of);
    auto row = first_row(**st, read_stored_destination);
    CAREERLINK_TRY(row);
    (std::string_view(type) == "actual" ? out.actual : out.intended) = std::move(*row);
  }
  return out;
}

}  // namespace sqlite
}  // namespace careerlink
