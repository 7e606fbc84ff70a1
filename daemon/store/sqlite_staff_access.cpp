// Staff accounts, their roles and panel sessions in the SQLite back end. Passwords arrive here
// already hashed (a slow KDF, plugins/panel/auth), and a session id only as its SHA-256, so a
// copy of the database lets nobody sign in.
#include <algorithm>
#include <cctype>

#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
// 7: staff sign-in for the careers panel, and what tutors record there.
std::string_view panel_schema_sql() {
  return R"sql(
CREATE TABLE staff_account (
  id               INTEGER PRIMARY KEY,
  email            TEXT NOT NULL UNIQUE,
  display_name     TEXT,
  password_hash    TEXT,
  disabled         INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
  failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
  locked_until_ms  INTEGER,
  created_ms       INTEGER NOT NULL,
  created_by       TEXT NOT NULL
) STRICT;

CREATE TABLE staff_grant (
  account_id  INTEGER NOT NULL REFERENCES staff_account(id) ON DELETE CASCADE,
  school_urn  TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role = 'tutor' OR role = 'head_of_year' OR role = 'careers_leader' OR role = 'adviser' OR role = 'admin'),
  scope       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, school_urn, role, scope)
) STRICT;

CREATE TABLE panel_session (
  id_sha256     TEXT PRIMARY KEY,
  email         TEXT NOT NULL,
  csrf_token    TEXT NOT NULL,
  method        TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  remote        TEXT NOT NULL
) STRICT;
CREATE INDEX panel_session_by_email ON panel_session(email);

CREATE INDEX staff_by_email ON staff(email);

CREATE TABLE follow_up_note (
  id        INTEGER PRIMARY KEY,
  pupil_id  INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  text      TEXT NOT NULL,
  author    TEXT NOT NULL,
  at_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX follow_up_note_by_pupil ON follow_up_note(pupil_id, at_ms);

CREATE TABLE action_update (
  id            INTEGER PRIMARY KEY,
  interview_id  INTEGER NOT NULL REFERENCES interview(id) ON DELETE CASCADE,
  action_id     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status = 'open' OR status = 'done' OR status = 'dropped'),
  by_email      TEXT NOT NULL,
  at_ms         INTEGER NOT NULL
) STRICT;
CREATE INDEX action_update_by_interview ON action_update(interview_id, action_id, at_ms);
)sql";
}
}  // namespace sqlite

using sqlite::SqliteStore;
using sqlite::Statement;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr const char* kAccountColumns =
    "id, email, display_name, password_hash, disabled, failed_sign_ins, locked_until_ms,"
    " created_ms, created_by";

StaffAccount read_account(const Statement& s) {
  StaffAccount a;
  a.id = s.int64(0);
  a.email = s.text(1);
  a.display_name = s.opt_text(2);
  a.password_hash = s.opt_text(3);
  a.disabled = s.int64(4) != 0;
  a.failed_sign_ins = static_cast<int>(s.int64(5));
  if (auto until = s.opt_int64(6)) a.locked_until = sqlite::from_ms(*until);
  a.created_at = sqlite::from_ms(s.int64(7));
  a.created_by = s.text(8);
  return a;
}

PanelSession read_session(const Statement& s) {
  return PanelSession{s.text(0),
                      s.text(1),
                      s.text(2),
                      s.text(3),
                      sqlite::from_ms(s.int64(4)),
                      sqlite::from_ms(s.int64(5)),
                      s.text(6)};
}

}  // namespace

StoreResult<void> SqliteStore::load_grants(StaffAccount& account) {
  auto st = db_->prepare(
      "SELECT school_urn, role, scope FROM staff_grant WHERE account_id = ?1"
      " ORDER BY school_urn, role, scope");
  CAREERLINK_TRY(st);
  (*st)->bind(1, account.id);
  auto grants = sqlite::collect_rows(**st, [](const Statement& s) {
    return StaffGrant{s.text(0), s.text(1), s.text(2)};
  });
  CAREERLINK_TRY(grants);
  account.grants = std::move(*grants);
  return {};
}

StoreResult<std::int64_t> SqliteStore::put_staff_account(const StaffAccount& account,
                                                         TimePoint now) {
  const std::string email = lower(account.email);
  return sqlite::in_write_transaction(*db_, [&]() -> StoreResult<std::int64_t> {
    auto up = db_->prepare(
        "INSERT INTO staff_account (email, display_name, password_hash, disabled, created_ms,"
        " created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (email) DO UPDATE SET display_name = COALESCE(excluded.display_name,"
        " display_name), password_hash = COALESCE(excluded.password_hash, password_hash),"
        " disabled = excluded.disabled RETURNING id");
    CAREERLINK_TRY(up);
    (*up)
        ->bind(1, email)
        .bind(2, account.display_name)
        .bind(3, account.password_hash)
        .bind(4, std::int64_t{account.disabled ? 1 : 0})
        .bind(5, sqlite::to_ms(now))
        .bind(6, account.created_by);
    auto id = sqlite::first_row(**up, [](const Statement& s) { return s.int64(0); });
    CAREERLINK_TRY(id);
    if (!*id) return std::unexpected(StoreError{"staff account was not written"});
    auto clear = db_->prepare("DELETE FROM staff_grant WHERE account_id = ?1");
    CAREERLINK_TRY(clear);
    CAREERLINK_TRY((*clear)->bind(1, **id).run());
    auto grant = db_->prepare(
        "INSERT OR IGNORE INTO staff_grant (account_id, school_urn, role, scope)"
        " VALUES (?1, ?2, ?3, ?4)");
    CAREERLINK_TRY(grant);
    for (const auto& g : account.grants)
      CAREERLINK_TRY(
          (*grant)->bind(1, **id).bind(2, g.school_urn).bind(3, g.role).bind(4, g.scope).run());
    return **id;
  });
}

StoreResult<std::optional<StaffAccount>> SqliteStore::find_staff_account(std::string_view email) {
  static const std::string sql =
      std::string("SELECT ") + kAccountColumns + " FROM staff_account WHERE email = ?1";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, lower(email));
  auto found = sqlite::first_row(**st, read_account);
  CAREERLINK_TRY(found);
  if (*found) CAREERLINK_TRY(load_grants(**found));
  return found;
}

StoreResult<std::vector<StaffAccount>> SqliteStore::list_staff_accounts() {
  static const std::string sql =
      std::string("SELECT ") + kAccountColumns + " FROM staff_account ORDER BY email";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  auto rows = sqlite::collect_rows(**st, read_account);
  CAREERLINK_TRY(rows);
  for (auto& a : *rows)
    CAREERLINK_TRY(load_grants(a));
  return rows;
}

StoreResult<bool> SqliteStore::remove_staff_account(std::string_view email) {
  const std::string e = lower(email);
  return sqlite::in_write_transaction(*db_, [&]() -> StoreResult<bool> {
    auto del = db_->prepare("DELETE FROM staff_account WHERE email = ?1");
    CAREERLINK_TRY(del);
    CAREERLINK_TRY((*del)->bind(1, e).run());
    const bool removed = db_->changes() > 0;
    auto sessions = db_->prepare("DELETE FROM panel_session WHERE email = ?1");
    CAREERLINK_TRY(sessions);
    CAREERLINK_TRY((*sessions)->bind(1, e).run());
    return removed;
  });
}

StoreResult<bool> SqliteStore::set_staff_password(std::string_view email, std::string_view hash) {
  const std::string e = lower(email);
  return sqlite::in_write_transaction(*db_, [&]() -> StoreResult<bool> {
    auto up = db_->prepare(
        "UPDATE staff_account SET password_hash = ?2, failed_sign_ins = 0,"
        " locked_until_ms = NULL WHERE email = ?1");
    CAREERLINK_TRY(up);
    CAREERLINK_TRY((*up)->bind(1, e).bind(2, hash).run());
    const bool found = db_->changes() > 0;
    auto sessions = db_->prepare("DELETE FROM panel_session WHERE email = ?1");
    CAREERLINK_TRY(sessions);
    CAREERLINK_TRY((*sessions)->bind(1, e).run());
    return found;
  });
}

StoreResult<void> SqliteStore::note_sign_in(std::string_view email, bool ok, TimePoint now,
                                            int max_failures, std::chrono::minutes lock) {
  const std::string e = lower(email);
  if (ok) {
    auto st = db_->prepare(
        "UPDATE staff_account SET failed_sign_ins = 0, locked_until_ms = NULL WHERE email = ?1");
    CAREERLINK_TRY(st);
    return (*st)->bind(1, e).run();
  }
  auto st = db_->prepare(
      "UPDATE staff_account SET failed_sign_ins = failed_sign_ins + 1,"
      " locked_until_ms = CASE WHEN failed_sign_ins + 1 >= ?2 THEN ?3 ELSE locked_until_ms END"
      " WHERE email = ?1");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, e)
      .bind(2, std::int64_t{max_failures})
      .bind(3, sqlite::to_ms(now + lock))
      .run();
}

StoreResult<std::int64_t> SqliteStore::data_version() {
  auto st = db_->prepare("PRAGMA data_version");
  CAREERLINK_TRY(st);
  auto v = sqlite::first_row(**st, [](const Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(v);
  return v->value_or(0);
}

StoreResult<bool> SqliteStore::is_mis_staff(std::string_view email) {
  auto st = db_->prepare("SELECT 1 FROM staff WHERE email = ?1 LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, lower(email));
  auto found = sqlite::first_row(**st, [](const Statement&) { return true; });
  CAREERLINK_TRY(found);
  return found->has_value();
}

StoreResult<std::vector<StaffAssignment>> SqliteStore::staff_assignments(std::string_view email) {
  auto st = db_->prepare(
      "SELECT COALESCE(sc.urn, ''), g.kind, g.name, gs.role FROM staff s"
      " JOIN school sc ON sc.id = s.school_id JOIN group_staff gs ON gs.staff_id = s.id"
      " JOIN pupil_group g ON g.id = gs.group_id WHERE s.email = ?1"
      " ORDER BY sc.urn, g.kind, g.name");
  CAREERLINK_TRY(st);
  (*st)->bind(1, lower(email));
  return sqlite::collect_rows(**st, [](const Statement& s) {
    return StaffAssignment{s.text(0), s.text(1), s.text(2), s.text(3)};
  });
}

StoreResult<void> SqliteStore::save_session(const PanelSession& session) {
  auto st = db_->prepare(
      "INSERT OR REPLACE INTO panel_session (id_sha256, email, csrf_token, method, created_ms,"
      " last_seen_ms, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, session.id_sha256)
      .bind(2, lower(session.email))
      .bind(3, session.csrf_token)
      .bind(4, session.method)
      .bind(5, sqlite::to_ms(session.created_at))
      .bind(6, sqlite::to_ms(session.last_seen))
      .bind(7, session.remote)
      .run();
}

StoreResult<std::vector<PanelSession>> SqliteStore::live_sessions(TimePoint idle_since,
                                                                  TimePoint created_since) {
  auto st = db_->prepare(
      "SELECT id_sha256, email, csrf_token, method, created_ms, last_seen_ms, remote"
      " FROM panel_session WHERE last_seen_ms >= ?1 AND created_ms >= ?2");
  CAREERLINK_TRY(st);
  (*st)->bind(1, sqlite::to_ms(idle_since)).bind(2, sqlite::to_ms(created_since));
  return sqlite::collect_rows(**st, read_session);
}

StoreResult<void> SqliteStore::touch_session(std::string_view id_sha256, TimePoint at) {
  auto st = db_->prepare("UPDATE panel_session SET last_seen_ms = ?2 WHERE id_sha256 = ?1");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, id_sha256).bind(2, sqlite::to_ms(at)).run();
}

StoreResult<void> SqliteStore::delete_session(std::string_view id_sha256) {
  auto st = db_->prepare("DELETE FROM panel_session WHERE id_sha256 = ?1");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, id_sha256).run();
}

StoreResult<std::int64_t> SqliteStore::purge_sessions(TimePoint idle_before,
                                                      TimePoint created_before) {
  auto st = db_->prepare("DELETE FROM panel_session WHERE last_seen_ms < ?1 OR created_ms < ?2");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY(
      (*st)->bind(1, sqlite::to_ms(idle_before)).bind(2, sqlite::to_ms(created_before)).run());
  return std::int64_t{db_->changes()};
}

}  // namespace careerlink
