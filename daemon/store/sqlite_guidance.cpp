// Guidance records in the SQLite back end: interviews, their versioned action plans, and
// destinations; and the facts the follow-up rules read for one pupil.
#include <algorithm>

#include "daemon/domain/dates.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {
namespace sqlite {

// A plan never changes in place: a new version is added and the earlier ones stay, so what an
// adviser agreed with a pupil on any day can be shown later (Gatsby Benchmark 3: "systematic
// records of the individual advice given ... and subsequent agreed decisions").
std::string_view guidance_schema_sql() {
  return R"sql(
ALTER TABLE pupil ADD COLUMN exclusions INTEGER CHECK (exclusions IS NULL OR exclusions >= 0);
ALTER TABLE pupil ADD COLUMN young_carer INTEGER CHECK (young_carer IS NULL OR young_carer IN (0,1));

CREATE TABLE interview (
  id                    INTEGER PRIMARY KEY,
  school_id             INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  pupil_id              INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  provider              TEXT NOT NULL,
  external_id           TEXT NOT NULL,
  date                  TEXT NOT NULL,
  minutes               INTEGER NOT NULL,
  kind                  TEXT NOT NULL CHECK (kind = 'one_to_one' OR kind = 'group' OR kind = 'drop_in' OR kind = 'follow_up'),
  adviser_name          TEXT NOT NULL,
  adviser_organisation  TEXT NOT NULL,
  qualification_level   INTEGER NOT NULL,
  provider_type         TEXT NOT NULL CHECK (provider_type = 'in_house' OR provider_type = 'external'),
  share_with_staff      INTEGER NOT NULL CHECK (share_with_staff IN (0,1)),
  share_with_trackers   INTEGER NOT NULL CHECK (share_with_trackers IN (0,1)),
  consent_recorded_on   TEXT NOT NULL,
  consent_recorded_by   TEXT,
  plan_version          INTEGER NOT NULL DEFAULT 0,
  body                  TEXT NOT NULL,
  created_ms            INTEGER NOT NULL,
  updated_ms            INTEGER NOT NULL,
  UNIQUE (provider, external_id)
) STRICT;
-- Also serves "the pupil's latest interview" (ORDER BY date, updated_ms, id) without a sort.
CREATE INDEX interview_by_pupil ON interview(pupil_id, date, updated_ms);

CREATE TABLE plan_version (
  id                     INTEGER PRIMARY KEY,
  interview_id           INTEGER NOT NULL REFERENCES interview(id) ON DELETE CASCADE,
  version                INTEGER NOT NULL,
  summary                TEXT NOT NULL,
  intended_activity_code TEXT,
  intended_provider      TEXT,
  intended_course        TEXT,
  next_review            TEXT,
  recorded_ms            INTEGER NOT NULL,
  recorded_by            TEXT NOT NULL,
  UNIQUE (interview_id, version)
) STRICT;

CREATE TABLE plan_action (
  plan_version_id  INTEGER NOT NULL REFERENCES plan_version(id) ON DELETE CASCADE,
  position         INTEGER NOT NULL,
  action_id        TEXT NOT NULL,
  text             TEXT NOT NULL,
  owner            TEXT NOT NULL CHECK (owner = 'pupil' OR owner = 'tutor' OR owner = 'adviser' OR owner = 'parent' OR owner = 'other'),
  due              TEXT,
  status           TEXT NOT NULL CHECK (status = 'open' OR status = 'done' OR status = 'dropped'),
  done_on          TEXT,
  done_by          TEXT,
  PRIMARY KEY (plan_version_id, position),  -- actions are read back in order, without a sort
  UNIQUE (plan_version_id, action_id)
) STRICT;

CREATE TABLE destination (
  id              INTEGER PRIMARY KEY,
  school_id       INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  pupil_id        INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  source          TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type = 'intended' OR type = 'actual'),
  activity_code   TEXT NOT NULL,
  provider_name   TEXT,
  provider_urn    TEXT,
  provider_ukprn  TEXT,
  course          TEXT,
  start_date      TEXT,
  confirmed_by    TEXT,
  recorded_on     TEXT,
  received_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX destination_by_pupil ON destination(pupil_id, type);

CREATE TABLE follow_up_flag (
  id          INTEGER PRIMARY KEY,
  pupil_id    INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  rag         TEXT NOT NULL CHECK (rag = 'green' OR rag = 'amber' OR rag = 'red'),
  reason      TEXT NOT NULL,
  shared      INTEGER NOT NULL CHECK (shared IN (0,1)),
  raised_ms   INTEGER NOT NULL,
  cleared_ms  INTEGER
) STRICT;
CREATE UNIQUE INDEX follow_up_flag_open ON follow_up_flag(pupil_id, kind) WHERE cleared_ms IS NULL;
CREATE INDEX follow_up_flag_by_pupil ON follow_up_flag(pupil_id, raised_ms);

-- Pupils whose rule inputs changed since their flags were worked out. Imports write pupils
-- through generated SQL; these triggers note the change without the importer knowing of rules.
CREATE TABLE rules_pending (pupil_id INTEGER PRIMARY KEY) STRICT;
CREATE TRIGGER pupil_added_rules_pending AFTER INSERT ON pupil
BEGIN INSERT OR IGNORE INTO rules_pending (pupil_id) VALUES (NEW.id); END;
CREATE TRIGGER pupil_changed_rules_pending
AFTER UPDATE OF nc_year, leaving_date, attendance_pct, exclusions, sen, ehcp, looked_after, fsm, eal, young_carer ON pupil
BEGIN INSERT OR IGNORE INTO rules_pending (pupil_id) VALUES (NEW.id); END;

CREATE TABLE api_key (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,
  created_ms  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_ms  INTEGER
) STRICT;
CREATE TABLE api_key_school (
  key_id  INTEGER NOT NULL REFERENCES api_key(id) ON DELETE CASCADE,
  urn     TEXT NOT NULL,
  PRIMARY KEY (key_id, urn)
) STRICT;
)sql";
}

namespace {

int to_int(std::int64_t v) {
  return static_cast<int>(v);
}

}  // namespace

StoreResult<std::optional<guidance::ActionPlan>> load_plan(Connection& db, std::int64_t interview,
                                                           int version) {
  auto st = db.prepare(
      "SELECT id, summary, intended_activity_code, intended_provider, intended_course,"
      " next_review FROM plan_version WHERE interview_id = ?1 AND version = ?2");
  CAREERLINK_TRY(st);
  (*st)->bind(1, interview).bind(2, static_cast<std::int64_t>(version));
  struct Head {
    std::int64_t id;
    guidance::ActionPlan plan;
  };
  auto heads = collect_rows(**st, [](Statement& s) {
    Head h{s.int64(0), {}};
    h.plan.summary = s.text(1);
    if (auto code = s.opt_text(2)) {
      h.plan.intended_destination =
          guidance::IntendedDestination{*code, s.opt_text(3), s.opt_text(4)};
    }
    h.plan.next_review = s.opt_text(5);
    return h;
  });
  CAREERLINK_TRY(heads);
  if (heads->empty()) return std::optional<guidance::ActionPlan>{};
  Head head = std::move(heads->front());
  auto acts = db.prepare(
      "SELECT action_id, text, owner, due, status, done_on, done_by FROM plan_action"
      " WHERE plan_version_id = ?1 ORDER BY position");
  CAREERLINK_TRY(acts);
  (*acts)->bind(1, head.id);
  auto actions = collect_rows(**acts, [](Statement& s) {
    return guidance::Action{s.text(0), s.text(1),     s.text(2),    s.opt_text(3),
                            s.text(4), s.opt_text(5), s.opt_text(6)};
  });
  CAREERLINK_TRY(actions);
  head.plan.actions = std::move(*actions);
  return std::optional<guidance::ActionPlan>{std::move(head.plan)};
}

namespace {

StoreResult<void> insert_plan(Connection& db, std::int64_t interview, int version,
                              const guidance::ActionPlan& plan, std::string_view by,
                              TimePoint now) {
  auto st = db.prepare(
      "INSERT INTO plan_version (interview_id, version, summary, intended_activity_code,"
      " intended_provider, intended_course, next_review, recorded_ms, recorded_by)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  CAREERLINK_TRY(st);
  const auto& dest = plan.intended_destination;
  (*st)
      ->bind(1, interview)
      .bind(2, static_cast<std::int64_t>(version))
      .bind(3, plan.summary)
      .bind(4, dest ? std::optional(dest->activity_code) : std::nullopt)
      .bind(5, dest ? dest->provider : std::nullopt)
      .bind(6, dest ? dest->course : std::nullopt)
      .bind(7, plan.next_review)
      .bind(8, to_ms(now))
      .bind(9, by);
  CAREERLINK_TRY((*st)->run());
  const std::int64_t version_id = db.last_insert_id();
  auto act = db.prepare(
      "INSERT INTO plan_action (plan_version_id, position, action_id, text, owner, due, status,"
      " done_on, done_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  CAREERLINK_TRY(act);
  std::int64_t position = 0;
  for (const auto& a : plan.actions) {
    CAREERLINK_TRY((*act)
                       ->bind(1, version_id)
                       .bind(2, position++)
                       .bind(3, a.id)
                       .bind(4, a.text)
                       .bind(5, a.owner)
                       .bind(6, a.due)
                       .bind(7, a.status)
                       .bind(8, a.done_on)
                       .bind(9, a.done_by)
                       .run());
  }
  return {};
}

constexpr const char* kInterviewColumns =
    "i.id, i.pupil_id, i.provider, i.external_id, s.urn, p.upn, i.body, i.plan_version, i.date,"
    " i.share_with_staff, i.share_with_trackers, i.created_ms, i.updated_ms";

StoredInterview read_interview(const Statement& s) {
  StoredInterview i;
  i.id = s.int64(0);
  i.pupil_id = s.int64(1);
  i.provider = s.text(2);
  i.external_id = s.text(3);
  i.school_urn = s.opt_text(4).value_or("");
  i.upn = s.text(5);
  i.body = s.text(6);
  i.plan_version = to_int(s.int64(7));
  i.date = s.text(8);
  i.share_with_staff = s.int64(9) != 0;
  i.share_with_trackers = s.int64(10) != 0;
  i.created_at = from_ms(s.int64(11));
  i.updated_at = from_ms(s.int64(12));
  return i;
}

}  // namespace

// The facts the rules read, for the store and for a transaction alike (one connection).
StoreResult<std::optional<rules::PupilFacts>> read_pupil_facts(Connection& db, std::int64_t pupil) {
  auto st = db.prepare(
      "SELECT p.nc_year, p.leaving_date, p.attendance_pct, p.exclusions, p.sen, p.ehcp,"
      " p.looked_after, p.fsm, p.eal, p.young_carer, s.urn, p.upn FROM pupil p"
      " JOIN school s ON s.id = p.school_id WHERE p.id = ?1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  const std::string today = today_iso();
  auto rows = collect_rows(**st, [&](Statement& s) {
    rules::PupilFacts f;
    f.pupil_id = pupil;
    f.nc_year = s.opt_text(0);
    const auto leaving = s.opt_text(1);
    f.on_roll = !leaving || *leaving > today;
    f.attendance_pct = s.opt_double(2);
    if (auto ex = s.opt_int64(3)) f.exclusions = to_int(*ex);
    f.sen = s.opt_text(4);
    f.ehcp = s.opt_bool(5);
    f.looked_after = s.opt_bool(6);
    f.fsm = s.opt_bool(7);
    f.eal = s.opt_bool(8);
    f.young_carer = s.opt_bool(9);
    f.school_urn = s.opt_text(10).value_or("");
    f.upn = s.text(11);
    return f;
  });
  CAREERLINK_TRY(rows);
  if (rows->empty()) return std::optional<rules::PupilFacts>{};
  rules::PupilFacts facts = std::move(rows->front());

  auto iv = db.prepare(
      "SELECT id, date, qualification_level >= 6 AND kind <> 'group', plan_version FROM interview"
      " WHERE pupil_id = ?1 ORDER BY date, updated_ms, id");
  CAREERLINK_TRY(iv);
  (*iv)->bind(1, pupil);
  struct Row {
    std::int64_t id;
    rules::PupilFacts::InterviewFact fact;
    int plan_version;
  };
  auto interviews = collect_rows(**iv, [](Statement& s) {
    return Row{s.int64(0), {s.text(1), s.int64(2) != 0}, to_int(s.int64(3))};
  });
  CAREERLINK_TRY(interviews);
  for (const auto& r : *interviews)
    facts.interviews.push_back(r.fact);
  // The current plan is the latest interview's that has one.
  for (auto it = interviews->rbegin(); it != interviews->rend(); ++it) {
    if (it->plan_version == 0) continue;
    auto plan = load_plan(db, it->id, it->plan_version);
    CAREERLINK_TRY(plan);
    facts.plan = std::move(*plan);
    break;
  }
  bool intended = facts.plan && facts.plan->intended_destination.has_value();
  if (!intended) {
    auto d =
        db.prepare("SELECT 1 FROM destination WHERE pupil_id = ?1 AND type = 'intended' LIMIT 1");
    CAREERLINK_TRY(d);
    (*d)->bind(1, pupil);
    auto found = collect_rows(**d, [](Statement&) { return true; });
    CAREERLINK_TRY(found);
    intended = !found->empty();
  }
  facts.has_intended_destination = intended;
  return std::optional<rules::PupilFacts>{std::move(facts)};
}

StoreResult<std::optional<bool>> read_staff_consent(Connection& db, std::int64_t pupil) {
  auto st = db.prepare(
      "SELECT share_with_staff FROM interview WHERE pupil_id = ?1"
      " ORDER BY date DESC, updated_ms DESC, id DESC LIMIT 1");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  auto rows = collect_rows(**st, [](Statement& s) { return s.int64(0) != 0; });
  CAREERLINK_TRY(rows);
  if (rows->empty()) return std::optional<bool>{};
  return std::optional<bool>{rows->front()};
}

guidance::Destination read_destination_columns(const Statement& s, int first) {
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

StoredDestination read_stored_destination(const Statement& s) {
  StoredDestination out;
  out.id = s.int64(0);
  out.source = s.text(1);
  out.destination = read_destination_columns(s, 4);
  out.destination.school_urn = s.opt_text(2).value_or("");
  out.destination.pupil.upn = s.text(3);
  out.received_at = from_ms(s.int64(13));
  return out;
}

}  // namespace sqlite

using sqlite::SqliteStore;
using sqlite::SqliteTransaction;

StoreResult<std::optional<PupilMatch>> SqliteTransaction::match_guidance_pupil(
    SchoolId school, const guidance::PupilRef& pupil) {
  auto read = [](Statement& s) { return PupilMatch{s.int64(0), s.text(1)}; };
  if (pupil.upn) {
    // The current UPN, else one the pupil had before (a temporary UPN made permanent).
    auto st = db_.prepare(
        "SELECT p.id, p.upn FROM pupil p WHERE p.school_id = ?1 AND p.upn = ?2"
        " UNION ALL SELECT p.id, p.upn FROM pupil_identifier i JOIN pupil p ON p.id = i.pupil_id"
        " WHERE p.school_id = ?1 AND (i.kind = 'upn' OR i.kind = 'former_upn') AND i.value = ?2"
        " LIMIT 1");
    CAREERLINK_TRY(st);
    (*st)->bind(1, school).bind(2, *pupil.upn);
    auto rows = collect_rows(**st, read);
    CAREERLINK_TRY(rows);
    if (!rows->empty()) return std::optional(rows->front());
    return std::optional<PupilMatch>{};
  }
  if (pupil.mis_id) {
    auto st = db_.prepare(
        "SELECT p.id, p.upn FROM pupil_identifier i JOIN pupil p ON p.id = i.pupil_id"
        " WHERE p.school_id = ?1 AND i.kind = 'source' AND i.value = ?2 LIMIT 2");
    CAREERLINK_TRY(st);
    (*st)->bind(1, school).bind(2, *pupil.mis_id);
    auto rows = collect_rows(**st, read);
    CAREERLINK_TRY(rows);
    // Two source systems could use the same id for different pupils: then it names no one.
    if (rows->size() == 1) return std::optional(rows->front());
  }
  return std::optional<PupilMatch>{};
}

StoreResult<InterviewWrite> SqliteTransaction::put_interview(SchoolId school, std::int64_t pupil,
                                                             std::string_view provider,
                                                             const guidance::Interview& iv,
                                                             std::string_view body, TimePoint now) {
  auto find = db_.prepare(
      "SELECT id, body, plan_version, pupil_id FROM interview"
      " WHERE provider = ?1 AND external_id = ?2");
  CAREERLINK_TRY(find);
  (*find)->bind(1, provider).bind(2, iv.external_id);
  struct Existing {
    std::int64_t id;
    std::string body;
    int plan_version;
    std::int64_t pupil;
  };
  auto found = collect_rows(**find, [](Statement& s) {
    return Existing{s.int64(0), s.text(1), sqlite::to_int(s.int64(2)), s.int64(3)};
  });
  CAREERLINK_TRY(found);
  InterviewWrite w;
  std::optional<guidance::ActionPlan> current_plan;
  if (!found->empty()) {
    const Existing& e = found->front();
    w.id = e.id;
    w.plan_version = e.plan_version;
    w.previous_pupil = e.pupil;
    if (e.body == body) return w;  // the same body again: one record, unchanged
    if (e.plan_version > 0) {
      auto loaded = sqlite::load_plan(db_, e.id, e.plan_version);
      CAREERLINK_TRY(loaded);
      current_plan = std::move(*loaded);
    }
    auto upd = db_.prepare(
        "UPDATE interview SET school_id = ?2, pupil_id = ?3, date = ?4, minutes = ?5, kind = ?6,"
        " adviser_name = ?7, adviser_organisation = ?8, qualification_level = ?9,"
        " provider_type = ?10, share_with_staff = ?11, share_with_trackers = ?12,"
        " consent_recorded_on = ?13, consent_recorded_by = ?14, body = ?15, updated_ms = ?16"
        " WHERE id = ?1");
    CAREERLINK_TRY(upd);
    (*upd)->bind(1, e.id);
    (*upd)->bind(16, to_ms(now));
    bind_interview(**upd, school, pupil, iv, body);
    CAREERLINK_TRY((*upd)->run());
    w.outcome = UpsertOutcome::updated;
  } else {
    auto ins = db_.prepare(
        "INSERT INTO interview (school_id, pupil_id, date, minutes, kind, adviser_name,"
        " adviser_organisation, qualification_level, provider_type, share_with_staff,"
        " share_with_trackers, consent_recorded_on, consent_recorded_by, body, created_ms,"
        " updated_ms, provider, external_id)"
        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, "
        "?18)");
    CAREERLINK_TRY(ins);
    (*ins)->bind(16, to_ms(now)).bind(17, provider).bind(18, iv.external_id);
    bind_interview(**ins, school, pupil, iv, body);
    CAREERLINK_TRY((*ins)->run());
    w.id = db_.last_insert_id();
    w.outcome = UpsertOutcome::inserted;
  }

  if (iv.plan != current_plan) {
    if (iv.plan) {
      auto last =
          db_.prepare("SELECT COALESCE(MAX(version), 0) FROM plan_version WHERE interview_id = ?1");
      CAREERLINK_TRY(last);
      (*last)->bind(1, w.id);
      auto top = sqlite::collect_rows(**last, [](Statement& s) { return s.int64(0); });
      CAREERLINK_TRY(top);
      w.plan_version = sqlite::to_int(top->front()) + 1;
      CAREERLINK_TRY(sqlite::insert_plan(db_, w.id, w.plan_version, *iv.plan, provider, now));
      CAREERLINK_TRY(sqlite::carry_forward_ticks(db_, w.id, w.plan_version));
    } else {
      w.plan_version = 0;  // the plan was taken out; its versions stay as history
    }
    auto set = db_.prepare("UPDATE interview SET plan_version = ?2 WHERE id = ?1");
    CAREERLINK_TRY(set);
    CAREERLINK_TRY((*set)->bind(1, w.id).bind(2, static_cast<std::int64_t>(w.plan_version)).run());
    w.plan_changed = true;
  }
  return w;
}

void SqliteTransaction::bind_interview(Statement& st, SchoolId school, std::int64_t pupil,
                                       const guidance::Interview& iv, std::string_view body) {
  st.bind(2, school)
      .bind(3, pupil)
      .bind(4, iv.date)
      .bind(5, static_cast<std::int64_t>(iv.minutes))
      .bind(6, iv.kind)
      .bind(7, iv.adviser.name)
      .bind(8, iv.adviser.organisation)
      .bind(9, static_cast<std::int64_t>(iv.adviser.qualification_level))
      .bind(10, iv.provider_type)
      .bind(11, static_cast<std::int64_t>(iv.consent.share_with_staff ? 1 : 0))
      .bind(12, static_cast<std::int64_t>(iv.consent.share_with_trackers ? 1 : 0))
      .bind(13, iv.consent.recorded_on)
      .bind(14, iv.consent.recorded_by)
      .bind(15, body);
}

StoreResult<std::optional<bool>> SqliteTransaction::staff_consent(std::int64_t pupil) {
  return sqlite::read_staff_consent(db_, pupil);
}

StoreResult<std::pair<std::int64_t, bool>> SqliteTransaction::add_destination(
    SchoolId school, std::int64_t pupil, std::string_view source, const guidance::Destination& d,
    TimePoint now) {
  // The same destination from the same source is one record, however often it is sent.
  auto same = db_.prepare(
      "SELECT id FROM destination WHERE pupil_id = ?1 AND source = ?2 AND type = ?3"
      " AND activity_code = ?4 AND provider_name IS ?5 AND provider_urn IS ?6"
      " AND provider_ukprn IS ?7 AND course IS ?8 AND start_date IS ?9 AND confirmed_by IS ?10"
      " AND recorded_on IS ?11");
  CAREERLINK_TRY(same);
  auto bind_fields = [&](Statement& st) -> Statement& {
    return st.bind(1, pupil)
        .bind(2, source)
        .bind(3, d.type)
        .bind(4, d.activity_code)
        .bind(5, d.provider_name)
        .bind(6, d.provider_urn)
        .bind(7, d.provider_ukprn)
        .bind(8, d.course)
        .bind(9, d.start_date)
        .bind(10, d.confirmed_by)
        .bind(11, d.recorded_on);
  };
  bind_fields(**same);
  auto existing = sqlite::collect_rows(**same, [](Statement& s) { return s.int64(0); });
  CAREERLINK_TRY(existing);
  if (!existing->empty()) return std::pair{existing->front(), false};
  auto ins = db_.prepare(
      "INSERT INTO destination (pupil_id, source, type, activity_code, provider_name,"
      " provider_urn, provider_ukprn, course, start_date, confirmed_by, recorded_on, school_id,"
      " received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  CAREERLINK_TRY(ins);
  bind_fields(**ins).bind(12, school).bind(13, to_ms(now));
  CAREERLINK_TRY((*ins)->run());
  return std::pair{db_.last_insert_id(), true};
}

StoreResult<std::optional<rules::PupilFacts>> SqliteTransaction::pupil_facts(std::int64_t pupil) {
  return sqlite::read_pupil_facts(db_, pupil);
}

StoreResult<std::optional<rules::PupilFacts>> SqliteStore::pupil_facts(std::int64_t pupil) {
  return sqlite::read_pupil_facts(*db_, pupil);
}

StoreResult<std::optional<bool>> SqliteStore::staff_consent(std::int64_t pupil) {
  return sqlite::read_staff_consent(*db_, pupil);
}

StoreResult<std::optional<StoredInterview>> SqliteStore::find_interview(
    std::string_view provider, std::string_view external_id) {
  static const std::string sql = std::string("SELECT ") + sqlite::kInterviewColumns +
                                 " FROM interview i JOIN pupil p ON p.id = i.pupil_id"
                                 " JOIN school s ON s.id = i.school_id"
                                 " WHERE i.provider = ?1 AND i.external_id = ?2";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, provider).bind(2, external_id);
  auto rows = sqlite::collect_rows(**st, sqlite::read_interview);
  CAREERLINK_TRY(rows);
  if (rows->empty()) return std::optional<StoredInterview>{};
  return std::optional(std::move(rows->front()));
}

StoreResult<std::vector<StoredInterview>> SqliteStore::pupil_interviews(std::int64_t pupil) {
  static const std::string sql = std::string("SELECT ") + sqlite::kInterviewColumns +
                                 " FROM interview i JOIN pupil p ON p.id = i.pupil_id"
                                 " JOIN school s ON s.id = i.school_id"
                                 " WHERE i.pupil_id = ?1 ORDER BY i.date, i.updated_ms, i.id";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, sqlite::read_interview);
}

StoreResult<std::vector<StoredPlanVersion>> SqliteStore::plan_history(std::int64_t interview) {
  auto st = db_->prepare(
      "SELECT version, recorded_ms, recorded_by FROM plan_version WHERE interview_id = ?1"
      " ORDER BY version");
  CAREERLINK_TRY(st);
  (*st)->bind(1, interview);
  auto heads = sqlite::collect_rows(**st, [&](Statement& s) {
    StoredPlanVersion v;
    v.interview_id = interview;
    v.version = sqlite::to_int(s.int64(0));
    v.recorded_at = from_ms(s.int64(1));
    v.recorded_by = s.text(2);
    return v;
  });
  CAREERLINK_TRY(heads);
  for (auto& v : *heads) {
    auto plan = sqlite::load_plan(*db_, interview, v.version);
    CAREERLINK_TRY(plan);
    if (*plan) v.plan = std::move(**plan);
  }
  return heads;
}

StoreResult<std::vector<StoredDestination>> SqliteStore::pupil_destinations(std::int64_t pupil) {
  auto st = db_->prepare(
      "SELECT d.id, d.source, s.urn, p.upn, d.type, d.activity_code, d.provider_name,"
      " d.provider_urn, d.provider_ukprn, d.course, d.start_date, d.confirmed_by, d.recorded_on,"
      " d.received_ms FROM destination d JOIN pupil p ON p.id = d.pupil_id"
      " JOIN school s ON s.id = d.school_id WHERE d.pupil_id = ?1 ORDER BY d.received_ms, d.id");
  CAREERLINK_TRY(st);
  (*st)->bind(1, pupil);
  return sqlite::collect_rows(**st, read_stored_destination);
}

StoreResult<std::vector<std::int64_t>> SqliteStore::pupil_ids(std::optional<SchoolId> school) {
  auto st = db_->prepare("SELECT id FROM pupil WHERE ?1 IS NULL OR school_id = ?1 ORDER BY id");
  CAREERLINK_TRY(st);
  if (school) {
    (*st)->bind(1, *school);
  } else {
    (*st)->bind_null(1);
  }
  return sqlite::collect_rows(**st, [](Statement& s) { return s.int64(0); });
}

}  // namespace careerlink
