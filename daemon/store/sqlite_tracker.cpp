// Tracker uploads in the SQLite back end: what a tracker may be told about each pupil, and what
// each tracker sink last sent and heard back, so a normal night sends only what changed.
#include <set>
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

// 12: a normal night reads only the pupils whose tracker facts changed. Triggers give each
// change the next number (one row per pupil, renumbered on each change), so "changed since the
// last run" is an index range, whoever wrote the change: an import, the intake API, retention.
// Facts: the pupil's own columns a record carries, their destinations, and their interviews
// (the latest says what they agreed). Only pupils with a destination are marked (a tracker is
// told of no one else; a pupil's first destination marks them), so an MIS import of pupils costs
// an index probe each, and a pupil row written again with the same values (a nightly MIS sync)
// is not a change at all. The marks go through `pupil`, so a mark for a pupil being deleted is
// not made, and a deleted pupil's mark goes with them.
std::string_view tracker_changes_sql() {
  // Each trigger marks the pupils `which` selects from `pupil`: numbered after every mark so far.
  auto mark = [](std::string_view which) {
    return std::string(
               "  INSERT INTO tracker_fact_change (pupil_id, school_id, seq)\n"
               "    SELECT p.id, p.school_id, (SELECT COALESCE(MAX(seq), 0) + 1"
               " FROM tracker_fact_change)\n    FROM pupil p WHERE ") +
           std::string(which) +
           "\n    ON CONFLICT (pupil_id) DO UPDATE SET school_id = excluded.school_id,"
           " seq = excluded.seq;\n";
  };
  static const std::string sql = std::string(R"sql(
CREATE TABLE tracker_fact_change (
  pupil_id   INTEGER PRIMARY KEY,
  school_id  INTEGER NOT NULL,
  seq        INTEGER NOT NULL
) STRICT;
CREATE INDEX tracker_fact_change_by_seq ON tracker_fact_change(seq);
CREATE INDEX tracker_fact_change_by_school ON tracker_fact_change(school_id, seq);

CREATE TABLE tracker_cursor (
  sink        TEXT NOT NULL,
  school_id   INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  change_seq  INTEGER NOT NULL,
  as_of       TEXT NOT NULL,
  basis       TEXT NOT NULL,
  PRIMARY KEY (sink, school_id)
) STRICT;

-- Leavers crossing the pseudonymisation date, by school.
CREATE INDEX pupil_by_leaving_date ON pupil(school_id, leaving_date);

CREATE TRIGGER tracker_facts_pupil_changed AFTER UPDATE OF school_id, upn, forename, surname,
    preferred_forename, preferred_surname, dob, nc_year, leaving_date ON pupil
  WHEN (OLD.school_id IS NOT NEW.school_id OR OLD.upn IS NOT NEW.upn
    OR OLD.forename IS NOT NEW.forename OR OLD.surname IS NOT NEW.surname
    OR OLD.preferred_forename IS NOT NEW.preferred_forename
    OR OLD.preferred_surname IS NOT NEW.preferred_surname OR OLD.dob IS NOT NEW.dob
    OR OLD.nc_year IS NOT NEW.nc_year OR OLD.leaving_date IS NOT NEW.leaving_date)
  AND EXISTS (SELECT 1 FROM destination d WHERE d.pupil_id = NEW.id)
BEGIN
)sql") + mark("p.id = NEW.id") + R"sql(END;
CREATE TRIGGER tracker_facts_pupil_deleted AFTER DELETE ON pupil BEGIN
  DELETE FROM tracker_fact_change WHERE pupil_id = OLD.id;
END;

CREATE TRIGGER tracker_facts_destination_added AFTER INSERT ON destination BEGIN
)sql" + mark("p.id = NEW.pupil_id") +
                                 R"sql(END;
CREATE TRIGGER tracker_facts_destination_changed AFTER UPDATE ON destination BEGIN
)sql" + mark("p.id IN (OLD.pupil_id, NEW.pupil_id)") +
                                 R"sql(END;
CREATE TRIGGER tracker_facts_destination_deleted AFTER DELETE ON destination BEGIN
)sql" + mark("p.id = OLD.pupil_id") +
                                 R"sql(END;

CREATE TRIGGER tracker_facts_interview_added AFTER INSERT ON interview
  WHEN EXISTS (SELECT 1 FROM destination d WHERE d.pupil_id = NEW.pupil_id)
BEGIN
)sql" + mark("p.id = NEW.pupil_id") +
                                 R"sql(END;
CREATE TRIGGER tracker_facts_interview_changed AFTER UPDATE OF pupil_id, date, updated_ms,
    share_with_trackers ON interview
  WHEN EXISTS (SELECT 1 FROM destination d WHERE d.pupil_id IN (OLD.pupil_id, NEW.pupil_id))
BEGIN
)sql" + mark("p.id IN (OLD.pupil_id, NEW.pupil_id)") +
                                 R"sql(END;
CREATE TRIGGER tracker_facts_interview_deleted AFTER DELETE ON interview
  WHEN EXISTS (SELECT 1 FROM destination d WHERE d.pupil_id = OLD.pupil_id)
BEGIN
)sql" + mark("p.id = OLD.pupil_id") +
                                 "END;\n";
  return sql;
}
}  // namespace sqlite

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;
using sqlite::Statement;

namespace {

// A pupil as a tracker may be told about them, with their latest interview's consent (an index
// seek each); the WHERE clause is the caller's.
constexpr std::string_view kSourcePupils =
    "SELECT p.id, p.upn, COALESCE(p.preferred_forename, p.forename),"
    " COALESCE(p.preferred_surname, p.surname), p.dob, p.nc_year, p.leaving_date,"
    " (SELECT i.share_with_trackers FROM interview i WHERE i.pupil_id = p.id"
    "  ORDER BY i.date DESC, i.updated_ms DESC, i.id DESC LIMIT 1), s.urn"
    " FROM pupil p JOIN school s ON s.id = p.school_id";

TrackerSourceRow read_source_row(const Statement& s, std::string& urn) {
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
}

// Destinations with the pupil first; ordered by kLatestFirst, the first of each type is the one
// a tracker is told about.
constexpr std::string_view kSourceDestinations =
    "SELECT pupil_id, type, activity_code, provider_name, provider_urn, provider_ukprn, course,"
    " start_date, confirmed_by, recorded_on FROM destination";
constexpr std::string_view kLatestFirst =
    "type, COALESCE(recorded_on, '') DESC, received_ms DESC, id DESC";

// The columns read_delivery reads, the UPN from the pupil `p`; the FROM clause is the caller's.
constexpr std::string_view kDeliveryColumns =
    "SELECT t.sink, t.pupil_id, p.upn, t.version, t.idempotency_key, t.status, t.tracker_ref,"
    " t.detail, t.at_ms FROM ";

TrackerDelivery read_delivery(const Statement& s) {
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
}

void keep_if_latest(TrackerSourceRow& row, guidance::Destination d, const std::string& urn) {
  auto& slot = d.type == "intended" ? row.intended : row.actual;
  if (slot) return;  // an older one
  d.school_urn = urn;
  d.pupil.upn = row.upn;
  slot = std::move(d);
}

}  // namespace

StoreResult<std::vector<TrackerSourceRow>> SqliteStore::tracker_source_rows(
    SchoolId school, const std::optional<TrackerChangesSince>& since) {
  if (since) return changed_source_rows(school, *since);
  // Two ordered reads merged here, not one query joining "the latest of each" per pupil: the
  // planner scanned the whole school's destinations once per pupil that way (quadratic in the
  // school's size). Pupils come by id with their latest interview's consent (an index seek
  // each); destinations by pupil, type and newest first, so the first of each pair is the latest.
  // Built once: the connection caches statements by the text's address.
  static const std::string pupils_sql =
      std::string(kSourcePupils) + " WHERE p.school_id = ?1 ORDER BY p.id";
  static const std::string destinations_sql = std::string(kSourceDestinations) +
                                              " WHERE school_id = ?1 ORDER BY pupil_id, " +
                                              std::string(kLatestFirst);
  auto pupils = db_->prepare(pupils_sql.c_str());
  CAREERLINK_TRY(pupils);
  (*pupils)->bind(1, school);
  std::string urn;
  auto rows = sqlite::collect_rows(**pupils, [&](Statement& s) { return read_source_row(s, urn); });
  CAREERLINK_TRY(rows);
  std::unordered_map<std::int64_t, TrackerSourceRow*> by_id;
  by_id.reserve(rows->size());
  for (auto& r : *rows)
    by_id[r.pupil_id] = &r;

  auto destinations = db_->prepare(destinations_sql.c_str());
  CAREERLINK_TRY(destinations);
  (*destinations)->bind(1, school);
  auto latest = sqlite::collect_rows(**destinations, [&](Statement& s) {
    return std::pair{s.int64(0), sqlite::read_destination_columns(s, 1)};
  });
  CAREERLINK_TRY(latest);
  for (auto& [pupil, d] : *latest) {
    auto it = by_id.find(pupil);
    if (it != by_id.end()) keep_if_latest(*it->second, std::move(d), urn);
  }
  std::vector<TrackerSourceRow> out;
  for (auto& r : *rows) {
    if (r.intended || r.actual) out.push_back(std::move(r));
  }
  return out;
}

StoreResult<std::vector<TrackerSourceRow>> SqliteStore::changed_source_rows(
    SchoolId school, const TrackerChangesSince& since) {
  // Which pupils: an index range of change numbers, and of leaving dates; then each one by key.
  std::set<std::int64_t> ids;
  auto changed =
      db_->prepare("SELECT pupil_id FROM tracker_fact_change WHERE school_id = ?1 AND seq > ?2");
  CAREERLINK_TRY(changed);
  (*changed)->bind(1, school).bind(2, since.change_seq);
  auto marked = sqlite::collect_rows(**changed, [](Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(marked);
  ids.insert(marked->begin(), marked->end());
  for (const auto& [after, up_to] : since.leaving_between) {
    auto crossing = db_->prepare(
        "SELECT id FROM pupil WHERE school_id = ?1 AND leaving_date > ?2 AND leaving_date <= ?3");
    CAREERLINK_TRY(crossing);
    (*crossing)->bind(1, school).bind(2, after).bind(3, up_to);
    auto leavers = sqlite::collect_rows(**crossing, [](Statement& s) { return s.int64(0); });
    CAREERLINK_TRY(leavers);
    ids.insert(leavers->begin(), leavers->end());
  }

  static const std::string pupil_sql =
      std::string(kSourcePupils) + " WHERE p.id = ?1 AND p.school_id = ?2";
  static const std::string destinations_sql = std::string(kSourceDestinations) +
                                              " WHERE school_id = ?2 AND pupil_id = ?1 ORDER BY " +
                                              std::string(kLatestFirst);
  auto pupil = db_->prepare(pupil_sql.c_str());
  CAREERLINK_TRY(pupil);
  auto destinations = db_->prepare(destinations_sql.c_str());
  CAREERLINK_TRY(destinations);
  std::vector<TrackerSourceRow> out;
  std::string urn;
  for (const auto id : ids) {
    (*pupil)->bind(1, id).bind(2, school);
    auto row = sqlite::first_row(**pupil, [&](Statement& s) { return read_source_row(s, urn); });
    CAREERLINK_TRY(row);
    if (!*row) continue;  // gone since it changed
    (*destinations)->bind(1, id).bind(2, school);
    auto latest = sqlite::collect_rows(
        **destinations, [](Statement& s) { return sqlite::read_destination_columns(s, 1); });
    CAREERLINK_TRY(latest);
    for (auto& d : *latest)
      keep_if_latest(**row, std::move(d), urn);
    if ((*row)->intended || (*row)->actual) out.push_back(std::move(**row));
  }
  return out;
}

StoreResult<std::vector<TrackerDelivery>> SqliteStore::tracker_deliveries(
    std::string_view sink, std::optional<SchoolId> school) {
  // One school: its pupils by index, then each one's row by the primary key (sink, pupil), not
  // every delivery of the sink filtered afterwards (CROSS JOIN fixes SQLite's join order).
  static const std::string of_school =
      std::string(kDeliveryColumns) +
      "pupil p CROSS JOIN tracker_delivery t ON t.sink = ?1 AND t.pupil_id = p.id"
      " WHERE p.school_id = ?2 ORDER BY t.pupil_id";
  static const std::string of_sink =
      std::string(kDeliveryColumns) +
      "tracker_delivery t JOIN pupil p ON p.id = t.pupil_id WHERE t.sink = ?1 ORDER BY t.pupil_id";
  auto st = db_->prepare(school ? of_school.c_str() : of_sink.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, sink);
  if (school) (*st)->bind(2, *school);
  return sqlite::collect_rows(**st, read_delivery);
}

StoreResult<std::vector<TrackerDelivery>> SqliteStore::tracker_deliveries_of(
    std::string_view sink, std::span<const std::int64_t> pupils) {
  static const std::string sql =
      std::string(kDeliveryColumns) +
      "tracker_delivery t JOIN pupil p ON p.id = t.pupil_id WHERE t.sink = ?1 AND t.pupil_id = ?2";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  std::vector<TrackerDelivery> out;
  for (const auto pupil : pupils) {
    (*st)->bind(1, sink).bind(2, pupil);
    auto d = sqlite::first_row(**st, read_delivery);
    CAREERLINK_TRY(d);
    if (*d) out.push_back(std::move(**d));
  }
  return out;
}

StoreResult<std::vector<TrackerDelivery>> SqliteStore::pupil_tracker_deliveries(
    std::int64_t pupil) {
  static const std::string sql =
      std::string(kDeliveryColumns) +
      "tracker_delivery t JOIN pupil p ON p.id = t.pupil_id WHERE t.pupil_id = ?1 ORDER BY t.sink";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, read_delivery);
}

StoreResult<std::int64_t> SqliteStore::tracker_change_seq() {
  auto st = db_->prepare("SELECT COALESCE(MAX(seq), 0) FROM tracker_fact_change");
  CAREERLINK_TRY(st);
  auto seq = sqlite::first_row(**st, [](Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(seq);
  return seq->value_or(0);
}

StoreResult<std::optional<TrackerCursor>> SqliteStore::tracker_cursor(std::string_view sink,
                                                                      SchoolId school) {
  auto st = db_->prepare(
      "SELECT change_seq, as_of, basis FROM tracker_cursor WHERE sink = ?1 AND school_id = ?2");
  CAREERLINK_TRY(st);
  (*st)->bind(1, sink).bind(2, school);
  return sqlite::first_row(**st, [](Statement& s) {
    return TrackerCursor{s.int64(0), s.text(1), s.text(2)};
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

StoreResult<void> SqliteTransaction::set_tracker_cursor(std::string_view sink, SchoolId school,
                                                        const TrackerCursor& cursor) {
  auto st = db_.prepare(
      "INSERT INTO tracker_cursor (sink, school_id, change_seq, as_of, basis)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sink, school_id) DO UPDATE SET"
      " change_seq = excluded.change_seq, as_of = excluded.as_of, basis = excluded.basis");
  CAREERLINK_TRY(st);
  (*st)
      ->bind(1, sink)
      .bind(2, school)
      .bind(3, cursor.change_seq)
      .bind(4, cursor.as_of)
      .bind(5, cursor.basis);
  return (*st)->run();
}

}  // namespace careerlink
