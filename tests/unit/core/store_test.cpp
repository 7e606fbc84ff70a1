// The SQLite store against a real database file in a temporary directory.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using test::TempDir;

SchoolRecord riverside() {
  return SchoolRecord{"8204321", "137942", "Riverside Academy"};
}

PupilRecord pupil(std::string upn, std::string surname = "O'Brien", std::string forename = "Zoë") {
  PupilRecord p;
  p.upn = std::move(upn);
  p.surname = std::move(surname);
  p.forename = std::move(forename);
  p.dob = "2011-03-04";
  p.sex = "F";
  p.nc_year = "10";
  p.fsm = true;
  p.sen = "K";
  p.attendance_pct = 93.5;
  return p;
}

std::unique_ptr<Store> open_store(const TempDir& dir) {
  auto store = open_sqlite_store(dir.path());
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

// Runs one raw statement against the database file, as another program (or an older or newer
// careerlink) would.
void raw_sql(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string raw_query(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

SchoolId add_school(Store& store) {
  auto tx = store.begin();
  EXPECT_TRUE(tx);
  auto id = (*tx)->upsert_school(riverside());
  EXPECT_TRUE(id);
  EXPECT_TRUE((*tx)->commit());
  return *id;
}

UpsertOutcome upsert(Store& store, SchoolId school, const PupilRecord& p,
                     std::string_view source = "ctf") {
  auto tx = store.begin();
  EXPECT_TRUE(tx);
  auto outcome = (*tx)->upsert_pupil(school, source, p);
  EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().message);
  EXPECT_TRUE((*tx)->commit());
  return outcome.value_or(UpsertOutcome::unchanged);
}

TEST(SqliteStore, CreatesOneDatabaseFileInWalModeAtTheLatestSchema) {
  TempDir dir;
  auto store = open_store(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  EXPECT_TRUE(std::filesystem::exists(dir / "careerlink.db"));
  EXPECT_EQ(raw_query(dir / "careerlink.db", "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw_query(dir / "careerlink.db", "SELECT MAX(version) FROM schema_migration"),
            std::to_string(latest_schema_version()));
}

TEST(SqliteStore, RefusesADatabaseWrittenByANewerVersion) {
  TempDir dir;
  { ASSERT_TRUE(open_store(dir)); }
  raw_sql(dir / "careerlink.db",
          "INSERT INTO schema_migration VALUES (999, 'from the future', '2030-01-01T00:00:00Z')");
  auto again = open_sqlite_store(dir.path());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("schema version 999"), std::string::npos);
  EXPECT_NE(again.error().message.find("newer careerlink"), std::string::npos);
}

TEST(SqliteStore, ReopeningKeepsDataAndDoesNotRerunMigrations) {
  TempDir dir;
  {
    auto store = open_store(dir);
    upsert(*store, add_school(*store), pupil("B801200005001"));
  }
  auto store = open_store(dir);
  auto found = store->find_pupil("B801200005001");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->surname, "O'Brien");
  EXPECT_EQ(raw_query(dir / "careerlink.db", "SELECT COUNT(*) FROM schema_migration"),
            std::to_string(latest_schema_version()));
}

TEST(SqliteStore, ForeignKeysAreEnforced) {
  TempDir dir;
  auto store = open_store(dir);
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  // School 12345 does not exist: the pupil row must be refused, not orphaned.
  auto outcome = (*tx)->upsert_pupil(12345, "ctf", pupil("B801200005001"));
  EXPECT_FALSE(outcome);
}

TEST(SqliteStore, UpsertSaysInsertedThenUnchangedThenUpdated) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto p = pupil("B801200005001");
  EXPECT_EQ(upsert(*store, school, p), UpsertOutcome::inserted);
  EXPECT_EQ(upsert(*store, school, p), UpsertOutcome::unchanged);
  p.attendance_pct = 91.0;
  EXPECT_EQ(upsert(*store, school, p), UpsertOutcome::updated);
  auto found = store->find_pupil("B801200005001");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->attendance_pct, 91.0);
}

TEST(SqliteStore, ARecordSilentOnAFieldKeepsWhatIsStored) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  upsert(*store, school, pupil("B801200005001"));
  PupilRecord partial;  // like a CSV pupil list: no FSM, SEN or attendance
  partial.upn = "B801200005001";
  partial.preferred_forename = "Zo";
  partial.tutor_group = "10B";
  EXPECT_EQ(upsert(*store, school, partial, "csv"), UpsertOutcome::updated);
  auto found = store->find_pupil("B801200005001");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->fsm, true);
  EXPECT_EQ((*found)->sen, "K");
  EXPECT_EQ((*found)->attendance_pct, 93.5);
  EXPECT_EQ((*found)->preferred_forename, "Zo");
  EXPECT_EQ((*found)->tutor_group, "10B");
  EXPECT_EQ(upsert(*store, school, partial, "csv"), UpsertOutcome::unchanged);
}

TEST(SqliteStore, MovingTutorGroupLeavesTheOldOne) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto p = pupil("B801200005001");
  p.tutor_group = "10A";
  upsert(*store, school, p);
  p.tutor_group = "10B";
  EXPECT_EQ(upsert(*store, school, p), UpsertOutcome::updated);
  PupilFilter in_old;
  in_old.group = "10A";
  EXPECT_TRUE(store->list_pupils(in_old)->empty());
  PupilFilter in_new;
  in_new.group = "10B";
  EXPECT_EQ(store->list_pupils(in_new)->size(), 1u);
}

TEST(SqliteStore, FormerUpnLinksTheSamePupilAndKeepsHistory) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  upsert(*store, school, pupil("M80120000500A"));  // a temporary UPN first
  auto permanent = pupil("B801200005001");
  permanent.former_upns = {"M80120000500A"};
  EXPECT_EQ(upsert(*store, school, permanent), UpsertOutcome::updated);
  auto all = store->list_pupils({});
  ASSERT_EQ(all->size(), 1u) << "the permanent UPN must not create a second pupil";
  EXPECT_EQ(all->front().upn, "B801200005001");
  EXPECT_EQ(all->front().former_upns, std::vector<std::string>{"M80120000500A"});
  auto by_old = store->find_pupil("M80120000500A");
  ASSERT_TRUE(by_old && *by_old);
  EXPECT_EQ((*by_old)->upn, "B801200005001");
}

TEST(SqliteStore, SourceIdMatchesEvenWhenTheUpnChanges) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto p = pupil("M80120000500A");
  p.source_id = "MIS-4411";
  upsert(*store, school, p, "arbor");
  p.upn = "B801200005001";
  EXPECT_EQ(upsert(*store, school, p, "arbor"), UpsertOutcome::updated);
  EXPECT_EQ(store->list_pupils({})->size(), 1u);
}

TEST(SqliteStore, TakingAnotherPupilsUpnIsAConflictNotAFailure) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto a = pupil("M80120000500A");
  a.source_id = "1";
  upsert(*store, school, a, "arbor");
  auto b = pupil("B801200005001");
  b.source_id = "2";
  upsert(*store, school, b, "arbor");
  a.upn = "B801200005001";  // source 1 now claims pupil 2's UPN
  auto tx = store->begin();
  auto outcome = (*tx)->upsert_pupil(school, "arbor", a);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, StoreError::Kind::conflict);
}

TEST(SqliteStore, ATransactionNotCommittedLeavesNothing) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  {
    auto tx = store->begin();
    ASSERT_TRUE((*tx)->upsert_pupil(school, "ctf", pupil("B801200005001")));
  }  // destroyed without commit
  EXPECT_TRUE(store->list_pupils({})->empty());
}

TEST(SqliteStore, StaffGroupsAreIdempotent) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  StaffGroupRecord row;
  row.email = "a.hughes@riverside.sch.uk";
  row.group = "10A";
  row.role = "tutor";
  auto write = [&] {
    auto tx = store->begin();
    auto outcome = (*tx)->upsert_staff_group(school, row);
    EXPECT_TRUE((*tx)->commit());
    return *outcome;
  };
  EXPECT_EQ(write(), UpsertOutcome::inserted);
  EXPECT_EQ(write(), UpsertOutcome::unchanged);
  row.group = "10B";
  EXPECT_EQ(write(), UpsertOutcome::updated);
  auto staff = store->list_staff(school);
  ASSERT_EQ(staff->size(), 1u);
  EXPECT_EQ(staff->front().groups.size(), 2u);
}

TEST(SqliteStore, ListFiltersByYearAndFindsSchoolsByUrnOrLaestab) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto a = pupil("B801200005001");
  auto b = pupil("P207000016049");
  b.nc_year = "11";
  upsert(*store, school, a);
  upsert(*store, school, b);
  PupilFilter year11;
  year11.nc_year = "11";
  auto listed = store->list_pupils(year11);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().upn, "P207000016049");
  EXPECT_EQ(listed->front().school_urn, "137942");
  ASSERT_TRUE(*store->find_school("137942"));
  ASSERT_TRUE(*store->find_school("8204321"));
  EXPECT_FALSE(*store->find_school("999999"));
}

TEST(SqliteStore, OnRollFollowsTheLeavingDate) {
  TempDir dir;
  auto store = open_store(dir);
  const SchoolId school = add_school(*store);
  auto left = pupil("B801200005001");
  left.leaving_date = "2020-07-20";
  auto staying = pupil("P207000016049");
  staying.leaving_date = "2999-07-20";
  upsert(*store, school, left);
  upsert(*store, school, staying);
  EXPECT_FALSE((*store->find_pupil("B801200005001"))->on_roll);
  EXPECT_TRUE((*store->find_pupil("P207000016049"))->on_roll);
}

// The panel's page cache asks SQLite whether anything changed only when this process's other
// connections have committed (or a while has passed): their commits must count, its own not.
TEST(StoreChanges, OtherConnectionsCommitsInThisProcessAreCountedAndOwnAreNot) {
  TempDir dir;
  auto panel = open_store(dir);
  auto intake = open_store(dir);
  ASSERT_TRUE(panel && intake);
  const auto panel_version = panel->data_version();
  ASSERT_TRUE(panel_version);
  const std::int64_t before = panel->other_local_commits();

  ASSERT_TRUE(panel->record_audit(AuditEvent{0, {}, "t@school", "panel.view", "pupil:X", "", ""}));
  EXPECT_EQ(panel->other_local_commits(), before);  // its own write
  EXPECT_EQ(panel->data_version().value(), *panel_version);

  add_school(*intake);
  EXPECT_GT(panel->other_local_commits(), before);           // another connection's: counted...
  EXPECT_NE(panel->data_version().value(), *panel_version);  // ...and visible once counted
}

}  // namespace
}  // namespace careerlink
