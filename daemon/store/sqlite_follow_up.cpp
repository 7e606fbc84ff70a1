// What tutors record in the careers panel: ticking a plan's actions done or dropped, and
// follow-up notes. A tick changes the action in the plan's current version (so the rules and
// the MIS see it at once) and is kept as history in action_update, from which it is carried
// into any later version the adviser sends that still has the action open.
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;

namespace sqlite {

StoreResult<void> carry_forward_ticks(Connection& db, std::int64_t interview, int version) {
  // The latest tick of each action wins; only actions the adviser left open take it.
  auto st = db.prepare(
      "UPDATE plan_action SET status = u.status,"
      " done_on = CASE WHEN u.status = 'open' THEN NULL ELSE date(u.at_ms / 1000, 'unixepoch') END,"
      " done_by = u.by_email"
      " FROM (SELECT action_id, status, by_email, at_ms FROM action_update a"
      "       WHERE interview_id = ?1 AND at_ms = (SELECT MAX(at_ms) FROM action_update b"
      "             WHERE b.interview_id = a.interview_id AND b.action_id = a.action_id)) u"
      " WHERE plan_action.plan_version_id = (SELECT id FROM plan_version WHERE interview_id = ?1"
      "       AND version = ?2)"
      " AND plan_action.action_id = u.action_id AND plan_action.status = 'open'");
  CAREERLINK_TRY(st);
  return (*st)->bind(1, interview).bind(2, static_cast<std::int64_t>(version)).run();
}

namespace {

StoreResult<std::optional<CurrentPlan>> read_current_plan(Connection& db, std::int64_t pupil) {
  auto st = db.prepare(
      "SELECT id, provider, external_id, plan_version, date, adviser_name, share_with_staff"
      " FROM interview WHERE pupil_id = ?1 AND plan_version > 0"
      " ORDER BY date DESC, updated_ms DESC, id DESC LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  auto head = first_row(**st, [](const Statement& s) {
    CurrentPlan c;
    c.interview_id = s.int64(0);
    c.provider = s.text(1);
    c.external_id = s.text(2);
    c.version = static_cast<int>(s.int64(3));
    c.interview_date = s.text(4);
    c.adviser_name = s.text(5);
    c.share_with_staff = s.int64(6) != 0;
    return c;
  });
  CAREERLINK_TRY(head);
  if (!*head) return std::optional<CurrentPlan>{};
  auto plan = load_plan(db, (*head)->interview_id, (*head)->version);
  CAREERLINK_TRY(plan);
  if (!*plan) return std::optional<CurrentPlan>{};
  (*head)->plan = std::move(**plan);
  return head;
}

}  // namespace
}  // namespace sqlite

StoreResult<std::optional<CurrentPlan>> SqliteTransaction::current_plan(std::int64_t pupil) {
  return sqlite::read_current_plan(db_, pupil);
}

StoreResult<std::optional<CurrentPlan>> SqliteStore::current_plan(std::int64_t pupil) {
  return sqlite::read_current_plan(*db_, pupil);
}

StoreResult<bool> SqliteTransaction::set_action_status(std::int64_t pupil,
                                                       std::string_view action_id,
                                                       std::string_view status, std::string_view by,
                                                       std::string_view on_date, TimePoint now) {
  auto current = sqlite::read_current_plan(db_, pupil);
  CAREERLINK_TRY(current);
  if (!*current) return false;
  auto st = db_.prepare(
      "UPDATE plan_action SET status = ?3, done_on = CASE WHEN ?3 = 'open' THEN NULL ELSE ?4 END,"
      " done_by = CASE WHEN ?3 = 'open' THEN NULL ELSE ?5 END"
      " WHERE plan_version_id = (SELECT id FROM plan_version WHERE interview_id = ?1"
      " AND version = ?6) AND action_id = ?2 AND status <> ?3");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)
                     ->bind(1, (*current)->interview_id)
                     .bind(2, action_id)
                     .bind(3, status)
                     .bind(4, on_date)
                     .bind(5, by)
                     .bind(6, static_cast<std::int64_t>((*current)->version))
                     .run());
  if (db_.changes() == 0) return false;
  auto hist = db_.prepare(
      "INSERT INTO action_update (interview_id, action_id, status, by_email, at_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  CAREERLINK_TRY(hist);
  CAREERLINK_TRY((*hist)
                     ->bind(1, (*current)->interview_id)
                     .bind(2, action_id)
                     .bind(3, status)
                     .bind(4, by)
                     .bind(5, sqlite::to_ms(now))
                     .run());
  return true;
}

StoreResult<std::int64_t> SqliteTransaction::add_follow_up_note(std::int64_t pupil,
                                                                std::string_view text,
                                                                std::string_view author,
                                                                TimePoint now) {
  auto st = db_.prepare(
      "INSERT INTO follow_up_note (pupil_id, text, author, at_ms) VALUES (?1, ?2, ?3, ?4)");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY(
      (*st)->bind(1, pupil).bind(2, text).bind(3, author).bind(4, sqlite::to_ms(now)).run());
  return db_.last_insert_id();
}

StoreResult<std::optional<guidance::Destination>> SqliteTransaction::latest_intended_destination(
    std::int64_t pupil) {
  auto st = db_.prepare(
      "SELECT activity_code, provider_name, course, start_date, recorded_on FROM destination"
      " WHERE pupil_id = ?1 AND type = 'intended' ORDER BY received_ms DESC, id DESC LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::first_row(**st, [](const Statement& s) {
    guidance::Destination d;
    d.type = "intended";
    d.activity_code = s.text(0);
    d.provider_name = s.opt_text(1);
    d.course = s.opt_text(2);
    d.start_date = s.opt_text(3);
    d.recorded_on = s.opt_text(4);
    return d;
  });
}

StoreResult<std::vector<FollowUpNote>> SqliteStore::follow_up_notes(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT id, pupil_id, text, author, at_ms FROM follow_up_note WHERE pupil_id = ?1"
      " ORDER BY at_ms DESC, id DESC");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, [](const Statement& s) {
    return FollowUpNote{s.int64(0), s.int64(1), s.text(2), s.text(3), sqlite::from_ms(s.int64(4))};
  });
}

StoreResult<std::vector<ActionUpdate>> SqliteStore::action_updates(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT u.interview_id, u.action_id, u.status, u.by_email, u.at_ms FROM action_update u"
      " JOIN interview i ON i.id = u.interview_id WHERE i.pupil_id = ?1"
      " ORDER BY u.at_ms DESC, u.id DESC");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, [](const Statement& s) {
    return ActionUpdate{s.int64(0), s.text(1), s.text(2), s.text(3), sqlite::from_ms(s.int64(4))};
  });
}

}  // namespace careerlink
