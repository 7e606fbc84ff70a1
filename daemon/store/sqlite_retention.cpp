// Retention and subject access in SQLite: what the retention engine reads about each pupil, the
// one step per pupil that deletes or pseudonymises their records, and what a subject access
// export reads besides the guidance records. The policy itself is daemon/retention/.
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
// 10: the date a pupil was pseudonymised, so a pseudonymised pupil is never planned again and a
// later switch to mode = "delete" can find them (their DOB is 1901-01-01 by then).
std::string_view retention_schema_sql() {
  return R"sql(
ALTER TABLE pupil ADD COLUMN pseudonymised_on TEXT;
)sql";
}
}  // namespace sqlite

using sqlite::Connection;
using sqlite::SqliteStore;
using sqlite::SqliteTransaction;
using sqlite::Statement;

namespace {

// A JSON array of strings, for `json_each(?)`: one cached statement for a list of any length.
std::string json_strings(std::span<const std::string> values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    out += '"';
  }
  out += ']';
  return out;
}

StoreResult<std::int64_t> count(Connection& db, const char* sql, std::int64_t pupil) {
  auto st = db.prepare(sql);
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  auto n = sqlite::first_row(**st, [](const Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(n);
  return n->value_or(0);
}

StoreResult<std::int64_t> run_counted(Connection& db, const char* sql, std::int64_t pupil) {
  auto st = db.prepare(sql);
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, pupil).run());
  return static_cast<std::int64_t>(db.changes());
}

StoreResult<void> count_guidance(Connection& db, std::int64_t pupil, RetentionCounts& c) {
  auto interviews = count(db, "SELECT count(*) FROM interview WHERE pupil_id = ?1", pupil);
  CAREERLINK_TRY(interviews);
  auto versions = count(db,
                        "SELECT count(*) FROM plan_version v JOIN interview i"
                        " ON i.id = v.interview_id WHERE i.pupil_id = ?1",
                        pupil);
  CAREERLINK_TRY(versions);
  auto ticks = count(db,
                     "SELECT count(*) FROM action_update u JOIN interview i"
                     " ON i.id = u.interview_id WHERE i.pupil_id = ?1",
                     pupil);
  CAREERLINK_TRY(ticks);
  c.interviews += *interviews;
  c.plan_versions += *versions;
  c.action_updates += *ticks;
  return {};
}

// Interviews go with their plan versions, actions and ticks (ON DELETE CASCADE).
StoreResult<void> delete_guidance(Connection& db, std::int64_t pupil, RetentionCounts& c) {
  CAREERLINK_TRY(count_guidance(db, pupil, c));
  CAREERLINK_TRY(run_counted(db, "DELETE FROM interview WHERE pupil_id = ?1", pupil));
  auto flags = run_counted(db, "DELETE FROM follow_up_flag WHERE pupil_id = ?1", pupil);
  CAREERLINK_TRY(flags);
  auto notes = run_counted(db, "DELETE FROM follow_up_note WHERE pupil_id = ?1", pupil);
  CAREERLINK_TRY(notes);
  c.flags += *flags;
  c.notes += *notes;
  return {};
}

// Keeps what the statistics count (dates, minutes, adviser levels, activity codes, statuses)
// and drops what can name or describe the pupil: free text cannot be pseudonymised reliably,
// so tutors' notes and flags go and plan text becomes "Redacted".
StoreResult<void> redact_guidance(Connection& db, const RetentionStep& step, RetentionCounts& c) {
  CAREERLINK_TRY(count_guidance(db, step.pupil, c));
  auto body = db.prepare(
      "UPDATE interview SET body = json_set(json_remove(body, '$.pupil.mis_id', '$.plan'),"
      " '$.pupil.upn', ?2) WHERE pupil_id = ?1");
  CAREERLINK_TRY(body);
  CAREERLINK_TRY((*body)->bind(1, step.pupil).bind(2, step.pseudonym).run());
  CAREERLINK_TRY(
      run_counted(db,
                  "UPDATE plan_version SET summary = 'Redacted',"
                  " intended_course = CASE WHEN intended_course IS NULL THEN NULL"
                  " ELSE 'Redacted' END"
                  " WHERE interview_id IN (SELECT id FROM interview WHERE pupil_id = ?1)",
                  step.pupil));
  CAREERLINK_TRY(run_counted(db,
                             "UPDATE plan_action SET text = 'Redacted' WHERE plan_version_id IN"
                             " (SELECT v.id FROM plan_version v JOIN interview i"
                             "  ON i.id = v.interview_id WHERE i.pupil_id = ?1)",
                             step.pupil));
  auto flags = run_counted(db, "DELETE FROM follow_up_flag WHERE pupil_id = ?1", step.pupil);
  CAREERLINK_TRY(flags);
  auto notes = run_counted(db, "DELETE FROM follow_up_note WHERE pupil_id = ?1", step.pupil);
  CAREERLINK_TRY(notes);
  c.flags += *flags;
  c.notes += *notes;
  return {};
}

// Compass+'s way (reference/careers-domain.md §1): names "Redacted", DOB 1901-01-01, the UPN
// transformed; the other identifiers and group memberships go.
StoreResult<void> pseudonymise_pupil(Connection& db, const RetentionStep& step) {
  auto st = db.prepare(
      "UPDATE pupil SET surname = 'Redacted', forename = 'Redacted', middle_names = NULL,"
      " preferred_surname = CASE WHEN preferred_surname IS NULL THEN NULL ELSE 'Redacted' END,"
      " preferred_forename = CASE WHEN preferred_forename IS NULL THEN NULL ELSE 'Redacted' END,"
      " dob = '1901-01-01', upn = ?2, uln = NULL, pseudonymised_on = ?3,"
      " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, step.pupil).bind(2, step.pseudonym).bind(3, step.on_date).run());
  CAREERLINK_TRY(run_counted(db, "DELETE FROM pupil_identifier WHERE pupil_id = ?1", step.pupil));
  auto id = db.prepare(
      "INSERT INTO pupil_identifier (pupil_id, kind, source, value, current)"
      " VALUES (?1, 'upn', '', ?2, 1)");
  CAREERLINK_TRY(id);
  CAREERLINK_TRY((*id)->bind(1, step.pupil).bind(2, step.pseudonym).run());
  CAREERLINK_TRY(run_counted(db, "DELETE FROM group_member WHERE pupil_id = ?1", step.pupil));
  return {};
}

// Audit events stay (who saw a child's record is answerable until they age out), but name the
// pupil by pseudonym from now on.
StoreResult<std::int64_t> repoint_audit(Connection& db, const RetentionStep& step) {
  auto st = db.prepare(
      "UPDATE audit_event SET object = 'pupil:' || ?2"
      " WHERE object IN (SELECT 'pupil:' || value FROM json_each(?1))");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, json_strings(step.upns)).bind(2, step.pseudonym).run());
  return static_cast<std::int64_t>(db.changes());
}

}  // namespace

StoreResult<RetentionCounts> SqliteTransaction::apply_retention_step(const RetentionStep& step) {
  RetentionCounts c;
  if (step.pseudonymise) {
    // A pseudonymised pupil is pseudonymised whole: identity and free text together.
    CAREERLINK_TRY(redact_guidance(db_, step, c));
    CAREERLINK_TRY(pseudonymise_pupil(db_, step));
    c.pupils_pseudonymised = 1;
  } else {
    if (step.guidance || step.remove_pupil) CAREERLINK_TRY(delete_guidance(db_, step.pupil, c));
    if (step.destinations || step.remove_pupil) {
      auto gone = run_counted(db_, "DELETE FROM destination WHERE pupil_id = ?1", step.pupil);
      CAREERLINK_TRY(gone);
      c.destinations = *gone;
      // The LA's September Guarantee statuses are destination data too: they go with them.
      auto statuses =
          run_counted(db_, "DELETE FROM guarantee_status WHERE pupil_id = ?1", step.pupil);
      CAREERLINK_TRY(statuses);
      c.guarantee_statuses = *statuses;
    }
  }
  // A message names a pupil when its payload holds one of their UPNs as a JSON string.
  // Undelivered or not, a message carrying the pupil's data must not outlive the purge: a
  // write-back about a record that is gone would only mislead the far side.
  auto outbox = db_.prepare(
      "DELETE FROM outbox AS o WHERE EXISTS (SELECT 1 FROM json_each(?1) j"
      " WHERE instr(o.payload, '\"' || j.value || '\"') > 0)");
  CAREERLINK_TRY(outbox);
  CAREERLINK_TRY((*outbox)->bind(1, json_strings(step.upns)).run());
  c.outbox = db_.changes();
  if (step.pseudonymise || step.remove_pupil) {
    auto repointed = repoint_audit(db_, step);
    CAREERLINK_TRY(repointed);
    c.audit_repointed = *repointed;
  }
  if (step.remove_pupil && !step.pseudonymise) {
    CAREERLINK_TRY(run_counted(db_, "DELETE FROM rules_pending WHERE pupil_id = ?1", step.pupil));
    auto gone = run_counted(db_, "DELETE FROM pupil WHERE id = ?1", step.pupil);
    CAREERLINK_TRY(gone);
    c.pupils_removed = *gone;
  }
  return c;
}

StoreResult<std::int64_t> SqliteTransaction::purge_audit_before(TimePoint before) {
  auto st = db_.prepare("DELETE FROM audit_event WHERE at_ms < ?1");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, sqlite::to_ms(before)).run());
  return static_cast<std::int64_t>(db_.changes());
}

StoreResult<void> SqliteTransaction::audit_in_transaction(const AuditEvent& e) {
  auto st = db_.prepare(
      "INSERT INTO audit_event (at_ms, actor, action, object, origin, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, sqlite::to_ms(e.at))
      .bind(2, e.actor)
      .bind(3, e.action)
      .bind(4, e.object)
      .bind(5, e.origin)
      .bind(6, e.detail)
      .run();
}

StoreResult<std::vector<RetentionPupil>> SqliteStore::retention_pupils() {
  // One pass with correlated counts: each is an index lookup by pupil.
  auto st = db_->prepare(
      "SELECT p.id, COALESCE(s.urn, ''), p.upn, p.dob, p.leaving_date, p.pseudonymised_on,"
      " (SELECT count(*) FROM interview i WHERE i.pupil_id = p.id),"
      " (SELECT count(*) FROM plan_version v JOIN interview i ON i.id = v.interview_id"
      "   WHERE i.pupil_id = p.id),"
      " (SELECT count(*) FROM action_update u JOIN interview i ON i.id = u.interview_id"
      "   WHERE i.pupil_id = p.id),"
      " (SELECT count(*) FROM follow_up_flag f WHERE f.pupil_id = p.id),"
      " (SELECT count(*) FROM follow_up_note n WHERE n.pupil_id = p.id),"
      " (SELECT count(*) FROM destination d WHERE d.pupil_id = p.id),"
      " (SELECT count(*) FROM guarantee_status g WHERE g.pupil_id = p.id),"
      " (SELECT json_group_array(value) FROM (SELECT DISTINCT value FROM pupil_identifier x"
      "   WHERE x.pupil_id = p.id AND (x.kind = 'upn' OR x.kind = 'former_upn')"
      "   AND x.value <> p.upn ORDER BY value))"
      " FROM pupil p JOIN school s ON s.id = p.school_id ORDER BY p.id");
  CAREERLINK_TRY(st);
  auto rows = sqlite::collect_rows(**st, [](const Statement& s) {
    RetentionPupil p;
    p.id = s.int64(0);
    p.school_urn = s.text(1);
    p.upn = s.text(2);
    p.dob = s.opt_text(3);
    p.leaving_date = s.opt_text(4);
    p.pseudonymised_on = s.opt_text(5);
    p.interviews = s.int64(6);
    p.plan_versions = s.int64(7);
    p.action_updates = s.int64(8);
    p.flags = s.int64(9);
    p.notes = s.int64(10);
    p.destinations = s.int64(11);
    p.guarantee_statuses = s.int64(12);
    p.upns.push_back(p.upn);
    // Former UPNs come as a JSON array of plain strings (UPNs are letters and digits).
    const std::string list = s.text(13);
    std::size_t at = 0;
    while ((at = list.find('"', at)) != std::string::npos) {
      const std::size_t end = list.find('"', at + 1);
      if (end == std::string::npos) break;
      p.upns.push_back(list.substr(at + 1, end - at - 1));
      at = end + 1;
    }
    return p;
  });
  return rows;
}

StoreResult<std::int64_t> SqliteStore::count_audit_before(TimePoint before) {
  auto st = db_->prepare("SELECT count(*) FROM audit_event WHERE at_ms < ?1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, sqlite::to_ms(before));
  auto n = sqlite::first_row(**st, [](const Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(n);
  return n->value_or(0);
}

StoreResult<std::vector<PupilIdentifierRow>> SqliteStore::pupil_identifiers(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT kind, source, value, current, first_seen, last_seen FROM pupil_identifier"
      " WHERE pupil_id = ?1 ORDER BY kind, source, first_seen, value");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, [](const Statement& s) {
    return PupilIdentifierRow{s.text(0),       s.text(1), s.text(2),
                              s.int64(3) != 0, s.text(4), s.text(5)};
  });
}

StoreResult<std::vector<PupilGroupRow>> SqliteStore::pupil_groups(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT g.kind, g.name, m.since FROM group_member m JOIN pupil_group g ON g.id = m.group_id"
      " WHERE m.pupil_id = ?1 ORDER BY g.kind, g.name");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, [](const Statement& s) {
    return PupilGroupRow{s.text(0), s.text(1), s.text(2)};
  });
}

StoreResult<std::vector<AuditEvent>> SqliteStore::audit_about(std::span<const std::string> upns) {
  auto st = db_->prepare(
      "SELECT id, at_ms, actor, action, object, origin, detail FROM audit_event"
      " WHERE object IN (SELECT 'pupil:' || value FROM json_each(?1)) ORDER BY at_ms, id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, json_strings(upns));
  return sqlite::collect_rows(**st, [](const Statement& r) {
    return AuditEvent{
        r.int64(0), sqlite::from_ms(r.int64(1)), r.text(2), r.text(3), r.text(4), r.text(5),
        r.text(6)};
  });
}

StoreResult<std::vector<OutboxMessage>> SqliteStore::outbox_naming(
    std::span<const std::string> upns) {
  auto st = db_->prepare(
      "SELECT id, sink, idempotency_key, payload, state, attempts, created_at_ms,"
      " next_attempt_ms, lease_until_ms, last_error FROM outbox AS o WHERE EXISTS"
      " (SELECT 1 FROM json_each(?1) j WHERE instr(o.payload, '\"' || j.value || '\"') > 0)"
      " ORDER BY id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, json_strings(upns));
  return sqlite::collect_rows(**st, [](const Statement& s) {
    OutboxMessage m;
    m.id = s.int64(0);
    m.sink = s.text(1);
    m.idempotency_key = s.text(2);
    m.payload = s.text(3);
    const std::string state = s.text(4);
    m.state = state == "leased"      ? OutboxState::leased
              : state == "delivered" ? OutboxState::delivered
              : state == "dead"      ? OutboxState::dead
                                     : OutboxState::pending;
    m.attempts = static_cast<int>(s.int64(5));
    m.created_at = sqlite::from_ms(s.int64(6));
    m.next_attempt_at = sqlite::from_ms(s.int64(7));
    if (!s.is_null(8)) m.lease_until = sqlite::from_ms(s.int64(8));
    m.last_error = s.opt_text(9);
    return m;
  });
}

}  // namespace careerlink
