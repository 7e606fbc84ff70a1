#include "daemon/store/migrations.hpp"

#include <array>

namespace careerlink::sqlite {
namespace {

// 1: schools, pupils with identifier history, staff, groups and memberships, import history.
// CHECKs spell a list of allowed values out with OR, never IN: SQLite tests an IN list of three
// or more by building a temporary b-tree on every row written, which was most of the cost of
// an identifier insert during an import.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE school (
  id          INTEGER PRIMARY KEY,
  laestab     TEXT NOT NULL UNIQUE CHECK (length(laestab) = 7),
  urn         TEXT UNIQUE CHECK (urn IS NULL OR length(urn) = 6),
  name        TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE pupil (
  id                  INTEGER PRIMARY KEY,
  school_id           INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  upn                 TEXT NOT NULL,
  uln                 TEXT,
  surname             TEXT,
  forename            TEXT,
  middle_names        TEXT,
  preferred_surname   TEXT,
  preferred_forename  TEXT,
  dob                 TEXT,
  sex                 TEXT CHECK (sex IS NULL OR (sex = 'M' OR sex = 'F' OR sex = 'U')),
  nc_year             TEXT,
  enrol_status        TEXT,
  on_roll_date        TEXT,
  leaving_date        TEXT,
  fsm                 INTEGER CHECK (fsm IS NULL OR fsm IN (0,1)),
  sen                 TEXT CHECK (sen IS NULL OR (sen = 'N' OR sen = 'K' OR sen = 'E')),
  ehcp                INTEGER CHECK (ehcp IS NULL OR ehcp IN (0,1)),
  looked_after        INTEGER CHECK (looked_after IS NULL OR looked_after IN (0,1)),
  eal                 INTEGER CHECK (eal IS NULL OR eal IN (0,1)),
  attendance_pct      REAL CHECK (attendance_pct IS NULL OR (attendance_pct >= 0 AND attendance_pct <= 100)),
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (school_id, upn)
) STRICT;
CREATE INDEX pupil_by_year ON pupil(school_id, nc_year);

-- Every identifier a pupil has had: 'upn' (current and past), 'former_upn' (as a source stated
-- it), 'uln', and 'source' (a source system's own id, with `source` naming the system).
CREATE TABLE pupil_identifier (
  id          INTEGER PRIMARY KEY,
  pupil_id    INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind = 'upn' OR kind = 'former_upn' OR kind = 'uln' OR kind = 'source'),
  source      TEXT NOT NULL DEFAULT '',
  value       TEXT NOT NULL,
  current     INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0,1)),
  first_seen  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  last_seen   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (pupil_id, kind, source, value)
) STRICT;
CREATE INDEX pupil_identifier_by_value ON pupil_identifier(kind, value);

CREATE TABLE staff (
  id          INTEGER PRIMARY KEY,
  school_id   INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  email       TEXT NOT NULL,
  source_id   TEXT,
  title       TEXT,
  forename    TEXT,
  surname     TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (school_id, email)
) STRICT;

CREATE TABLE pupil_group (
  id          INTEGER PRIMARY KEY,
  school_id   INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind = 'tutor' OR kind = 'year' OR kind = 'class'),
  name        TEXT NOT NULL,
  UNIQUE (school_id, kind, name)
) STRICT;

CREATE TABLE group_member (
  group_id    INTEGER NOT NULL REFERENCES pupil_group(id) ON DELETE CASCADE,
  pupil_id    INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  since       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  PRIMARY KEY (group_id, pupil_id)
) STRICT;
CREATE INDEX group_member_by_pupil ON group_member(pupil_id);

CREATE TABLE group_staff (
  group_id    INTEGER NOT NULL REFERENCES pupil_group(id) ON DELETE CASCADE,
  staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  role        TEXT NOT NULL,
  PRIMARY KEY (group_id, staff_id, role)
) STRICT;

CREATE TABLE import_run (
  id          INTEGER PRIMARY KEY,
  school_id   INTEGER NOT NULL REFERENCES school(id) ON DELETE CASCADE,
  file        TEXT NOT NULL,
  format      TEXT NOT NULL,
  imported    INTEGER NOT NULL,
  updated     INTEGER NOT NULL,
  unchanged   INTEGER NOT NULL,
  rejected    INTEGER NOT NULL,
  finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
)sql";

// 11: lookups that scanned whole tables once a store held a trust's schools. A UPN on its own
// (`pupils show`, the intake API, imports matching a pupil who moved school): the UNIQUE
// (school_id, upn) index needs the school. One school's destinations (the nightly tracker
// upload, the LA return): destinations were indexed by pupil only.
constexpr std::string_view kV11 = R"sql(
CREATE INDEX pupil_by_upn ON pupil(upn);
CREATE INDEX destination_by_school ON destination(school_id, pupil_id, type);
)sql";

}  // namespace

std::span<const Migration> migrations() {
  static const std::array kMigrations{
      Migration{1, "schools, pupils, identifiers, staff, groups, import history", kV1},
      Migration{2, "outbox", outbox_schema_sql()},
      Migration{3, "scheduled job runs", job_runs_schema_sql()},
      Migration{4, "audit trail", audit_schema_sql()},
      Migration{5, "files taken in by scheduled source syncs", source_files_schema_sql()},
      Migration{6, "guidance records, versioned plans, destinations, follow-up flags, API keys",
                guidance_schema_sql()},
      Migration{7, "staff sign-in for the careers panel, tutors' ticks and notes",
                panel_schema_sql()},
      Migration{8, "what each tracker sink last sent per pupil, and the tracker's answer",
                tracker_schema_sql()},
      Migration{9, "s72 opt-outs of LA sharing, September Guarantee statuses",
                la_return_schema_sql()},
      Migration{10, "retention: when a pupil was pseudonymised", retention_schema_sql()},
      Migration{11, "pupils by UPN alone, destinations by school", kV11},
      Migration{12, "which pupils' tracker facts changed, and where each tracker sink left off",
                tracker_changes_sql()},
  };
  return kMigrations;
}

}  // namespace careerlink::sqlite
