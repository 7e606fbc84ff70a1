// The SQLite back end of the Store: one database file in the data directory, WAL, foreign keys
// on, numbered migrations at open. All of careerlink's SQL for SQLite lives in this folder.
#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <system_error>

#include "daemon/domain/dates.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"
#include "daemon/store/store.hpp"

namespace careerlink {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// The pupil columns a source may supply, each with where it lives in a record and a view.
// One table drives insert, update, change detection and reading, so they cannot drift apart.
struct TextColumn {
  const char* name;
  std::optional<std::string> PupilRecord::*record;
  std::optional<std::string> PupilView::*view;
};
struct BoolColumn {
  const char* name;
  std::optional<bool> PupilRecord::*record;
  std::optional<bool> PupilView::*view;
};

constexpr std::array kTextColumns{
    TextColumn{"uln", &PupilRecord::uln, &PupilView::uln},
    TextColumn{"surname", &PupilRecord::surname, &PupilView::surname},
    TextColumn{"forename", &PupilRecord::forename, &PupilView::forename},
    TextColumn{"middle_names", &PupilRecord::middle_names, &PupilView::middle_names},
    TextColumn{"preferred_surname", &PupilRecord::preferred_surname, &PupilView::preferred_surname},
    TextColumn{"preferred_forename", &PupilRecord::preferred_forename,
               &PupilView::preferred_forename},
    TextColumn{"dob", &PupilRecord::dob, &PupilView::dob},
    TextColumn{"sex", &PupilRecord::sex, &PupilView::sex},
    TextColumn{"nc_year", &PupilRecord::nc_year, &PupilView::nc_year},
    TextColumn{"enrol_status", &PupilRecord::enrol_status, &PupilView::enrol_status},
    TextColumn{"on_roll_date", &PupilRecord::on_roll_date, &PupilView::on_roll_date},
    TextColumn{"leaving_date", &PupilRecord::leaving_date, &PupilView::leaving_date},
    TextColumn{"sen", &PupilRecord::sen, &PupilView::sen},
};
constexpr std::array kBoolColumns{
    BoolColumn{"fsm", &PupilRecord::fsm, &PupilView::fsm},
    BoolColumn{"ehcp", &PupilRecord::ehcp, &PupilView::ehcp},
    BoolColumn{"looked_after", &PupilRecord::looked_after, &PupilView::looked_after},
    BoolColumn{"eal", &PupilRecord::eal, &PupilView::eal},
    BoolColumn{"young_carer", &PupilRecord::young_carer, &PupilView::young_carer},
};
constexpr const char* kExclusionsColumn = "exclusions";
constexpr const char* kAttendanceColumn = "attendance_pct";

// Column list in select order: text columns, bool columns, exclusions, attendance.
std::string column_list(std::string_view prefix) {
  std::string out;
  auto add = [&](const char* name) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += name;
  };
  for (const auto& c : kTextColumns)
    add(c.name);
  for (const auto& c : kBoolColumns)
    add(c.name);
  add(kExclusionsColumn);
  add(kAttendanceColumn);
  return out;
}

// Binds a record's fields in column_list order starting at `index`; returns the next index.
int bind_fields(Statement& st, int index, const PupilRecord& r) {
  for (const auto& c : kTextColumns)
    st.bind(index++, r.*(c.record));
  for (const auto& c : kBoolColumns)
    st.bind(index++, r.*(c.record));
  st.bind(index++, r.exclusions);
  st.bind(index++, r.attendance_pct);
  return index;
}

// Reads fields in column_list order starting at column `col`.
void read_fields(const Statement& st, int col, PupilView& v) {
  for (const auto& c : kTextColumns)
    v.*(c.view) = st.opt_text(col++);
  for (const auto& c : kBoolColumns)
    v.*(c.view) = st.opt_bool(col++);
  v.exclusions = st.opt_int64(col++);
  v.attendance_pct = st.opt_double(col);
}

// True when the record carries a value that differs from what is stored.
bool differs(const PupilRecord& r, const PupilView& v) {
  for (const auto& c : kTextColumns) {
    if ((r.*(c.record)).has_value() && r.*(c.record) != v.*(c.view)) return true;
  }
  for (const auto& c : kBoolColumns) {
    if ((r.*(c.record)).has_value() && r.*(c.record) != v.*(c.view)) return true;
  }
  if (r.exclusions.has_value() && r.exclusions != v.exclusions) return true;
  return r.attendance_pct.has_value() && r.attendance_pct != v.attendance_pct;
}

const std::string& insert_pupil_sql() {
  static const std::string sql = [] {
    std::string cols = column_list("");
    std::string marks = "?, ?";
    for (std::size_t i = 0; i < kTextColumns.size() + kBoolColumns.size() + 2; ++i)
      marks += ", ?";
    return "INSERT INTO pupil (school_id, upn, " + cols + ") VALUES (" + marks + ")";
  }();
  return sql;
}

// COALESCE keeps what is stored wherever the record is silent.
const std::string& update_pupil_sql() {
  static const std::string sql = [] {
    std::string sets = "upn = ?2";
    auto add = [&](const char* name) {
      sets += ", ";
      sets += name;
      sets += " = COALESCE(?, ";
      sets += name;
      sets += ")";
    };
    for (const auto& c : kTextColumns)
      add(c.name);
    for (const auto& c : kBoolColumns)
      add(c.name);
    add(kExclusionsColumn);
    add(kAttendanceColumn);
    // Parameters: ?1 pupil id, ?2 upn, then the fields in order from ?3.
    std::string out = "UPDATE pupil SET " + sets +
                      ", updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1";
    // Number the anonymous parameters explicitly so ?1/?2 can be reused.
    std::string numbered;
    int next = 3;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == '?' && (i + 1 >= out.size() || out[i + 1] < '0' || out[i + 1] > '9')) {
        numbered += "?" + std::to_string(next++);
      } else {
        numbered += out[i];
      }
    }
    return numbered;
  }();
  return sql;
}

const std::string& select_pupil_sql() {
  static const std::string sql =
      "SELECT p.id, s.laestab, s.urn, p.upn, " + column_list("p.") +
      ", (SELECT g.name FROM group_member m JOIN pupil_group g ON g.id = m.group_id"
      "   WHERE m.pupil_id = p.id AND g.kind = 'tutor' ORDER BY m.since DESC LIMIT 1)"
      " FROM pupil p JOIN school s ON s.id = p.school_id";
  return sql;
}
constexpr int kFirstFieldColumn = 4;
constexpr int kTutorGroupColumn =
    kFirstFieldColumn + static_cast<int>(kTextColumns.size() + kBoolColumns.size()) + 2;

PupilView read_pupil(const Statement& st) {
  PupilView v;
  v.id = st.int64(0);
  v.school_laestab = st.text(1);
  v.school_urn = st.opt_text(2);
  v.upn = st.text(3);
  read_fields(st, kFirstFieldColumn, v);
  v.tutor_group = st.opt_text(kTutorGroupColumn);
  v.on_roll = !v.leaving_date || *v.leaving_date > today_iso();
  return v;
}

}  // namespace

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;

StoreResult<std::unique_ptr<StoreTransaction>> SqliteStore::begin() {
  // IMMEDIATE takes the write lock now, so a long import cannot fail half-way on a busy lock.
  CAREERLINK_TRY(db_->exec("BEGIN IMMEDIATE"));
  return std::make_unique<SqliteTransaction>(*this);
}

StoreResult<SchoolId> SqliteTransaction::upsert_school(const SchoolRecord& school,
                                                       UpsertOutcome* outcome) {
  auto find = db_.prepare(
      "SELECT id, urn, name FROM school WHERE laestab = ?1 OR (?2 IS NOT NULL AND urn = ?2)"
      " ORDER BY laestab = ?1 DESC LIMIT 1");
  CAREERLINK_TRY(find);
  Statement& st = **find;
  st.bind(1, school.laestab).bind(2, school.urn);
  struct Found {
    SchoolId id;
    std::optional<std::string> urn, name;
  };
  auto row = sqlite::first_row(st, [](Statement& s) {
    return Found{s.int64(0), s.opt_text(1), s.opt_text(2)};
  });
  CAREERLINK_TRY(row);
  if (!*row) {
    auto ins = db_.prepare("INSERT INTO school (laestab, urn, name) VALUES (?1, ?2, ?3)");
    CAREERLINK_TRY(ins);
    CAREERLINK_TRY((*ins)->bind(1, school.laestab).bind(2, school.urn).bind(3, school.name).run());
    if (outcome) *outcome = UpsertOutcome::inserted;
    return db_.last_insert_id();
  }
  const SchoolId id = (*row)->id;
  const bool changed =
      (school.urn && school.urn != (*row)->urn) || (school.name && school.name != (*row)->name);
  if (changed) {
    auto upd = db_.prepare(
        "UPDATE school SET laestab = ?2, urn = COALESCE(?3, urn), name = COALESCE(?4, name),"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    CAREERLINK_TRY(upd);
    CAREERLINK_TRY(
        (*upd)->bind(1, id).bind(2, school.laestab).bind(3, school.urn).bind(4, school.name).run());
  }
  if (outcome) *outcome = changed ? UpsertOutcome::updated : UpsertOutcome::unchanged;
  return id;
}

StoreResult<std::optional<std::int64_t>> SqliteTransaction::pupil_by_upn(SchoolId school,
                                                                         std::string_view upn) {
  auto st = db_.prepare("SELECT id FROM pupil WHERE school_id = ?1 AND upn = ?2");
  CAREERLINK_TRY(st);
  (*st)->bind(1, school).bind(2, upn);
  return sqlite::first_row(**st, [](Statement& s) { return s.int64(0); });
}

StoreResult<std::optional<std::int64_t>> SqliteTransaction::match_pupil(
    SchoolId school, std::string_view source_system, const PupilRecord& r) {
  if (r.source_id) {
    auto st = db_.prepare(
        "SELECT i.pupil_id FROM pupil_identifier i JOIN pupil p ON p.id = i.pupil_id"
        " WHERE p.school_id = ?1 AND i.kind = 'source' AND i.source = ?2 AND i.value = ?3");
    CAREERLINK_TRY(st);
    (*st)->bind(1, school).bind(2, source_system).bind(3, *r.source_id);
    auto row = sqlite::first_row(**st, [](Statement& s) { return s.int64(0); });
    CAREERLINK_TRY(row);
    if (*row) return row;
  }
  auto by_upn = pupil_by_upn(school, r.upn);
  CAREERLINK_TRY(by_upn);
  if (*by_upn) return by_upn;
  // A pupil whose UPN changed (a temporary UPN made permanent) arrives with the old one as a
  // FormerUPN: it is the same child, not a new one.
  for (const auto& former : r.former_upns) {
    auto by_former = pupil_by_upn(school, former);
    CAREERLINK_TRY(by_former);
    if (*by_former) return by_former;
  }
  return std::optional<std::int64_t>{};
}

StoreResult<bool> SqliteTransaction::ensure_identifier(std::int64_t pupil, std::string_view kind,
                                                       std::string_view source,
                                                       std::string_view value, bool current) {
  auto st = db_.prepare(
      "INSERT INTO pupil_identifier (pupil_id, kind, source, value, current)"
      " VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT (pupil_id, kind, source, value) DO UPDATE SET current = excluded.current,"
      "   last_seen = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
      " WHERE current <> excluded.current");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)
                     ->bind(1, pupil)
                     .bind(2, kind)
                     .bind(3, source)
                     .bind(4, value)
                     .bind(5, static_cast<std::int64_t>(current ? 1 : 0))
                     .run());
  return db_.changes() > 0;
}

StoreResult<bool> SqliteTransaction::record_identifiers(std::int64_t pupil,
                                                        std::string_view source_system,
                                                        const PupilRecord& r, bool fresh) {
  bool changed = false;
  auto note = [&](StoreResult<bool> result) -> StoreResult<void> {
    CAREERLINK_TRY(result);
    changed = changed || *result;
    return {};
  };
  if (!fresh) {
    // Earlier UPNs stay in the history, marked not current.
    auto retire = db_.prepare(
        "UPDATE pupil_identifier SET current = 0 WHERE pupil_id = ?1 AND kind = 'upn'"
        " AND value <> ?2 AND current = 1");
    CAREERLINK_TRY(retire);
    CAREERLINK_TRY((*retire)->bind(1, pupil).bind(2, r.upn).run());
    changed = db_.changes() > 0;
  }
  CAREERLINK_TRY(note(ensure_identifier(pupil, "upn", "", r.upn, true)));
  for (const auto& former : r.former_upns) {
    if (former == r.upn) continue;
    CAREERLINK_TRY(note(ensure_identifier(pupil, "former_upn", "", former, false)));
  }
  if (r.uln) CAREERLINK_TRY(note(ensure_identifier(pupil, "uln", "", *r.uln, true)));
  if (r.source_id) {
    CAREERLINK_TRY(note(ensure_identifier(pupil, "source", source_system, *r.source_id, true)));
  }
  return changed;
}

StoreResult<std::int64_t> SqliteTransaction::ensure_group(SchoolId school, std::string_view kind,
                                                          std::string_view name) {
  auto ins = db_.prepare(
      "INSERT INTO pupil_group (school_id, kind, name) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (school_id, kind, name) DO NOTHING");
  CAREERLINK_TRY(ins);
  CAREERLINK_TRY((*ins)->bind(1, school).bind(2, kind).bind(3, name).run());
  auto sel =
      db_.prepare("SELECT id FROM pupil_group WHERE school_id = ?1 AND kind = ?2 AND name = ?3");
  CAREERLINK_TRY(sel);
  (*sel)->bind(1, school).bind(2, kind).bind(3, name);
  auto row = sqlite::first_row(**sel, [](Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(row);
  if (!*row) return std::unexpected(StoreError{"group vanished while being created"});
  return **row;
}

StoreResult<bool> SqliteTransaction::set_tutor_group(SchoolId school, std::int64_t pupil,
                                                     std::string_view name) {
  auto group = ensure_group(school, "tutor", name);
  CAREERLINK_TRY(group);
  // A pupil has one registration group: joining a new one leaves the old. EXISTS, not
  // "group_id IN (SELECT ... WHERE kind = 'tutor')": SQLite ran the IN as one probe per tutor
  // group of every school, milliseconds a pupil in a store holding a whole trust.
  auto leave = db_.prepare(
      "DELETE FROM group_member WHERE pupil_id = ?1 AND group_id <> ?2 AND EXISTS"
      " (SELECT 1 FROM pupil_group g WHERE g.id = group_member.group_id AND g.kind = 'tutor')");
  CAREERLINK_TRY(leave);
  CAREERLINK_TRY((*leave)->bind(1, pupil).bind(2, *group).run());
  bool changed = db_.changes() > 0;
  auto join = db_.prepare(
      "INSERT INTO group_member (group_id, pupil_id) VALUES (?1, ?2)"
      " ON CONFLICT (group_id, pupil_id) DO NOTHING");
  CAREERLINK_TRY(join);
  CAREERLINK_TRY((*join)->bind(1, *group).bind(2, pupil).run());
  return changed || db_.changes() > 0;
}

StoreResult<UpsertOutcome> SqliteTransaction::upsert_pupil(SchoolId school,
                                                           std::string_view source_system,
                                                           const PupilRecord& r) {
  auto match = match_pupil(school, source_system, r);
  CAREERLINK_TRY(match);
  std::int64_t id = 0;
  UpsertOutcome outcome = UpsertOutcome::unchanged;

  if (*match) {
    id = **match;
  } else {
    auto ins = db_.prepare(insert_pupil_sql().c_str());
    CAREERLINK_TRY(ins);
    (*ins)->bind(1, school).bind(2, r.upn);
    bind_fields(**ins, 3, r);
    CAREERLINK_TRY((*ins)->run());
    id = db_.last_insert_id();
    outcome = UpsertOutcome::inserted;
  }

  if (outcome != UpsertOutcome::inserted) {
    // Static: the statement cache is keyed by the SQL text's address.
    static const std::string by_id = select_pupil_sql() + " WHERE p.id = ?1";
    auto st = db_.prepare(by_id.c_str());
    CAREERLINK_TRY(st);
    (*st)->bind(1, id);
    auto row = sqlite::first_row(**st, read_pupil);
    CAREERLINK_TRY(row);
    if (!*row) return std::unexpected(StoreError{"pupil row vanished during upsert"});
    const PupilView current = std::move(**row);
    if (current.upn != r.upn) {
      auto other = pupil_by_upn(school, r.upn);
      CAREERLINK_TRY(other);
      if (*other && **other != id) {
        return std::unexpected(
            StoreError{"UPN " + r.upn + " already belongs to another pupil at this school",
                       StoreError::Kind::conflict});
      }
    }
    if (current.upn != r.upn || differs(r, current)) {
      auto upd = db_.prepare(update_pupil_sql().c_str());
      CAREERLINK_TRY(upd);
      (*upd)->bind(1, id).bind(2, r.upn);
      bind_fields(**upd, 3, r);
      CAREERLINK_TRY((*upd)->run());
      outcome = UpsertOutcome::updated;
    }
  }

  auto ids = record_identifiers(id, source_system, r, outcome == UpsertOutcome::inserted);
  CAREERLINK_TRY(ids);
  bool changed = *ids;
  if (r.tutor_group) {
    auto moved = set_tutor_group(school, id, *r.tutor_group);
    CAREERLINK_TRY(moved);
    changed = changed || *moved;
  }
  if (changed && outcome == UpsertOutcome::unchanged) outcome = UpsertOutcome::updated;
  return outcome;
}

StoreResult<UpsertOutcome> SqliteTransaction::upsert_staff_group(SchoolId school,
                                                                 const StaffGroupRecord& row) {
  UpsertOutcome outcome = UpsertOutcome::unchanged;
  auto find = db_.prepare(
      "SELECT id, title, forename, surname, source_id FROM staff WHERE school_id = ?1 AND email = "
      "?2");
  CAREERLINK_TRY(find);
  (*find)->bind(1, school).bind(2, row.email);
  struct Stored {
    std::int64_t id;
    std::optional<std::string> title, forename, surname, source_id;
  };
  auto found = sqlite::first_row(**find, [](Statement& s) {
    return Stored{s.int64(0), s.opt_text(1), s.opt_text(2), s.opt_text(3), s.opt_text(4)};
  });
  CAREERLINK_TRY(found);
  std::int64_t staff_id = 0;
  if (!*found) {
    auto ins = db_.prepare(
        "INSERT INTO staff (school_id, email, title, forename, surname, source_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    CAREERLINK_TRY(ins);
    CAREERLINK_TRY((*ins)
                       ->bind(1, school)
                       .bind(2, row.email)
                       .bind(3, row.title)
                       .bind(4, row.forename)
                       .bind(5, row.surname)
                       .bind(6, row.source_id)
                       .run());
    staff_id = db_.last_insert_id();
    outcome = UpsertOutcome::inserted;
  } else {
    const Stored& st = **found;
    staff_id = st.id;
    auto differs_from = [](const std::optional<std::string>& given,
                           const std::optional<std::string>& stored) {
      return given && given != stored;
    };
    if (differs_from(row.title, st.title) || differs_from(row.forename, st.forename) ||
        differs_from(row.surname, st.surname) || differs_from(row.source_id, st.source_id)) {
      auto upd = db_.prepare(
          "UPDATE staff SET title = COALESCE(?2, title), forename = COALESCE(?3, forename),"
          " surname = COALESCE(?4, surname), source_id = COALESCE(?5, source_id),"
          " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
      CAREERLINK_TRY(upd);
      CAREERLINK_TRY((*upd)
                         ->bind(1, staff_id)
                         .bind(2, row.title)
                         .bind(3, row.forename)
                         .bind(4, row.surname)
                         .bind(5, row.source_id)
                         .run());
      outcome = UpsertOutcome::updated;
    }
  }
  auto group = ensure_group(school, row.group_kind, row.group);
  CAREERLINK_TRY(group);
  auto link = db_.prepare(
      "INSERT INTO group_staff (group_id, staff_id, role) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (group_id, staff_id, role) DO NOTHING");
  CAREERLINK_TRY(link);
  CAREERLINK_TRY((*link)->bind(1, *group).bind(2, staff_id).bind(3, row.role).run());
  if (db_.changes() > 0 && outcome == UpsertOutcome::unchanged) outcome = UpsertOutcome::updated;
  return outcome;
}

StoreResult<void> SqliteTransaction::record_import(SchoolId school, std::string_view file,
                                                   std::string_view format, std::int64_t imported,
                                                   std::int64_t updated, std::int64_t unchanged,
                                                   std::int64_t rejected) {
  auto st = db_.prepare(
      "INSERT INTO import_run (school_id, file, format, imported, updated, unchanged, rejected)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, school)
      .bind(2, file)
      .bind(3, format)
      .bind(4, imported)
      .bind(5, updated)
      .bind(6, unchanged)
      .bind(7, rejected)
      .run();
}

StoreResult<std::vector<SchoolInfo>> SqliteStore::schools() {
  auto st = db_->prepare("SELECT id, laestab, urn, name FROM school ORDER BY laestab");
  CAREERLINK_TRY(st);
  return collect_rows(**st, [](const Statement& r) {
    return SchoolInfo{r.int64(0), r.text(1), r.opt_text(2), r.opt_text(3)};
  });
}

StoreResult<std::optional<SchoolInfo>> SqliteStore::find_school(std::string_view urn_or_laestab) {
  auto st = db_->prepare(
      "SELECT id, laestab, urn, name FROM school WHERE laestab = ?1 OR urn = ?1 LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, urn_or_laestab);
  return sqlite::first_row(**st, [](Statement& s) {
    return SchoolInfo{s.int64(0), s.text(1), s.opt_text(2), s.opt_text(3)};
  });
}

StoreResult<void> SqliteStore::load_former_upns(PupilView& view) {
  auto st = db_->prepare(
      "SELECT DISTINCT value FROM pupil_identifier WHERE pupil_id = ?1"
      " AND kind IN ('upn', 'former_upn') AND value <> ?2 ORDER BY first_seen, value");
  CAREERLINK_TRY(st);
  (*st)->bind(1, view.id).bind(2, view.upn);
  view.former_upns.clear();
  for (;;) {
    auto row = (*st)->step();
    CAREERLINK_TRY(row);
    if (!*row) return {};
    view.former_upns.push_back((*st)->text(0));
  }
}

StoreResult<std::vector<PupilView>> SqliteStore::list_pupils(const PupilFilter& filter) {
  // Optional filters as "?N IS NULL OR ..." keep one prepared statement for every combination.
  static const std::string sql =
      select_pupil_sql() +
      " WHERE (?1 IS NULL OR p.school_id = ?1) AND (?2 IS NULL OR p.nc_year = ?2)"
      " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM group_member m JOIN pupil_group g"
      "   ON g.id = m.group_id WHERE m.pupil_id = p.id AND g.name = ?3))"
      " ORDER BY s.laestab, CAST(p.nc_year AS INTEGER), p.nc_year, p.surname, p.forename, p.upn";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  if (filter.school) (*st)->bind(1, *filter.school);
  (*st)->bind(2, filter.nc_year).bind(3, filter.group);
  auto out = collect_rows(**st, read_pupil);
  CAREERLINK_TRY(out);
  for (auto& v : *out)
    CAREERLINK_TRY(load_former_upns(v));
  return out;
}

StoreResult<std::optional<PupilView>> SqliteStore::find_pupil(std::string_view upn) {
  // The current UPN first; failing that, the pupil who once had it.
  static const std::string sql =
      select_pupil_sql() +
      " WHERE p.upn = ?1 OR p.id IN (SELECT pupil_id FROM pupil_identifier"
      "   WHERE kind IN ('upn', 'former_upn') AND value = ?1)"
      " ORDER BY p.upn = ?1 DESC LIMIT 1";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, upn);
  auto rows = collect_rows(**st, read_pupil);
  CAREERLINK_TRY(rows);
  if (rows->empty()) return std::optional<PupilView>{};
  PupilView v = std::move(rows->front());
  CAREERLINK_TRY(load_former_upns(v));
  return std::optional<PupilView>{std::move(v)};
}

StoreResult<std::optional<PupilView>> SqliteStore::pupil_by_id(std::int64_t pupil) {
  static const std::string sql = select_pupil_sql() + " WHERE p.id = ?1";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  auto rows = collect_rows(**st, read_pupil);
  CAREERLINK_TRY(rows);
  if (rows->empty()) return std::optional<PupilView>{};
  PupilView v = std::move(rows->front());
  CAREERLINK_TRY(load_former_upns(v));
  return std::optional<PupilView>{std::move(v)};
}

StoreResult<std::vector<StaffView>> SqliteStore::list_staff(SchoolId school) {
  auto st = db_->prepare(
      "SELECT s.id, s.email, s.title, s.forename, s.surname, g.name, gs.role FROM staff s"
      " LEFT JOIN group_staff gs ON gs.staff_id = s.id LEFT JOIN pupil_group g ON g.id = "
      "gs.group_id"
      " WHERE s.school_id = ?1 ORDER BY s.email, g.name, gs.role");
  CAREERLINK_TRY(st);
  (*st)->bind(1, school);
  std::vector<StaffView> out;
  for (;;) {
    auto row = (*st)->step();
    CAREERLINK_TRY(row);
    if (!*row) break;
    const std::int64_t id = (*st)->int64(0);
    if (out.empty() || out.back().id != id) {
      out.push_back(StaffView{
          id, (*st)->text(1), (*st)->opt_text(2), (*st)->opt_text(3), (*st)->opt_text(4), {}});
    }
    if (!(*st)->is_null(5)) out.back().groups.emplace_back((*st)->text(5), (*st)->text(6));
  }
  return out;
}

StoreResult<std::vector<std::pair<std::string, std::int64_t>>> SqliteStore::source_record_totals() {
  // The source kind is the first word of the recorded format: "CTF 25.0" -> "ctf".
  auto st = db_->prepare(
      "SELECT lower(substr(format, 1, instr(format || ' ', ' ') - 1)) AS source,"
      " SUM(imported + updated + unchanged) FROM import_run GROUP BY source ORDER BY source");
  CAREERLINK_TRY(st);
  return collect_rows(**st, [](const Statement& r) {
    return std::pair<std::string, std::int64_t>{r.text(0), r.int64(1)};
  });
}

namespace {

// Applies every migration newer than the database, each in its own transaction.
StoreResult<int> migrate(Connection& db) {
  CAREERLINK_TRY(
      db.exec("CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY,"
              " description TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migration");
  CAREERLINK_TRY(st);
  auto row = (*st)->step();
  CAREERLINK_TRY(row);
  int version = static_cast<int>((*st)->int64(0));
  (*st)->reset();
  const int latest = latest_schema_version();
  if (version > latest) {
    return std::unexpected(StoreError{
        db.path() + " is at schema version " + std::to_string(version) +
        ", written by a newer careerlink (this one knows up to version " + std::to_string(latest) +
        "). Upgrade careerlink, or restore a backup taken before the upgrade."});
  }
  for (const auto& m : sqlite::migrations()) {
    if (m.version <= version) continue;
    CAREERLINK_TRY(db.exec("BEGIN IMMEDIATE"));
    auto applied = db.exec(m.sql);
    if (applied) {
      auto rec = db.prepare(
          "INSERT INTO schema_migration (version, description, applied_at)"
          " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
      if (!rec) {
        applied = std::unexpected(rec.error());
      } else {
        applied =
            (*rec)->bind(1, static_cast<std::int64_t>(m.version)).bind(2, m.description).run();
      }
    }
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return std::unexpected(StoreError{"migration " + std::to_string(m.version) + " (" +
                                        std::string(m.description) +
                                        ") failed: " + applied.error().message});
    }
    CAREERLINK_TRY(db.exec("COMMIT"));
    version = m.version;
  }
  return version;
}

}  // namespace

int latest_schema_version() {
  int latest = 0;
  for (const auto& m : sqlite::migrations())
    latest = std::max(latest, m.version);
  return latest;
}

StoreResult<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& data_dir,
                                                      const SqliteOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return std::unexpected(StoreError{"cannot create data directory " + data_dir.string() + ": " +
                                      ec.message() + " (check it exists and is writable)"});
  }
  auto db = Connection::open((data_dir / "careerlink.db").string());
  CAREERLINK_TRY(db);
  Connection& conn = **db;
  if (options.synchronous != "normal" && options.synchronous != "full") {
    return std::unexpected(StoreError{"store.synchronous must be normal or full"});
  }
  CAREERLINK_TRY(conn.exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms)));
  CAREERLINK_TRY(conn.exec("PRAGMA journal_mode = WAL"));
  CAREERLINK_TRY(conn.exec("PRAGMA foreign_keys = ON"));
  CAREERLINK_TRY(conn.exec("PRAGMA synchronous = " + options.synchronous));
  auto version = migrate(conn);
  CAREERLINK_TRY(version);
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db), *version));
}

}  // namespace careerlink
