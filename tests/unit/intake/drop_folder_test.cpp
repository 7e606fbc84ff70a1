// The advisers' drop folder, run as `careerlink jobs run` over a real data directory holding the
// sample school: a good file is taken in whole and archived; a bad or half-bad file is
// quarantined with a .error.txt naming each faulty line, and nothing from it is stored.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::run_careerlink;
using test::TempDir;
using test::write_file;

constexpr const char* kHeader =
    "external_id,school_urn,upn,date,minutes,kind,adviser_name,adviser_organisation,"
    "adviser_level,provider_type,share_with_staff,share_with_trackers,consent_recorded_on,"
    "plan_summary,intended_activity_code,next_review,action_id,action_text,action_owner,"
    "action_due\n";

// One row: an interview for `upn` with one action; `due` may be made bad on purpose.
std::string row(const std::string& id, const std::string& upn, const std::string& action,
                const std::string& due) {
  return id + ",137942," + upn +
         ",12/01/2026,40,one_to_one,Sam Green,Career Connect,6,external,yes,no,12/01/2026,"
         "Apprenticeship in engineering,310,20/03/2026," +
         action + ",Apply for the Acme apprenticeship,pupil," + due + "\n";
}

std::int64_t count_rows(const fs::path& db_file, const char* table) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  const std::string sql = std::string("SELECT COUNT(*) FROM ") + table;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

class DropFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    drop_ = dir_ / "drop";
    fs::create_directories(drop_);
    auto imported = run_careerlink({"--data-dir", data_.string(), "import", "ctf",
                                    test::sample_school("8204321_CTF_8204321_001.xml").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    config_ = dir_ / "careerlink.toml";
    write_file(config_, "[[source]]\nname = \"advisers\"\ntype = \"guidance\"\nfolder = \"" +
                            drop_.string() +
                            "\"\norganisation = \"Career Connect\"\nsettle_seconds = 0\n"
                            "[[job]]\nname = \"advisers-drop\"\nschedule = \"*/5 * * * *\"\n"
                            "run = \"sync:advisers\"\n");
  }

  test::CommandResult run_drop() {
    return run_careerlink({"--config", config_.string(), "--data-dir", data_.string(), "jobs",
                           "run", "advisers-drop"});
  }

  std::int64_t interviews() { return count_rows(data_ / "careerlink.db", "interview"); }

  TempDir dir_;
  fs::path data_, drop_, config_;
};

TEST_F(DropFolder, AGoodFileIsTakenInWholeAndArchived) {
  write_file(drop_ / "monday.csv", std::string(kHeader) +
                                       row("cc-1", "B820432116017", "a1", "05/02/2026") +
                                       row("cc-1", "B820432116017", "a2", "") +
                                       row("cc-2", "Q820432116018", "a1", "2026-02-10"));
  write_file(drop_ / "tuesday.json",
             R"([{"external_id":"cc-3","school_urn":"137942","pupil":{"upn":"E820432116019"},
                 "date":"2026-01-13","minutes":30,"kind":"drop_in",
                 "adviser":{"name":"Sam Green","organisation":"Career Connect",
                 "qualification_level":6},"provider_type":"in_house",
                 "consent":{"share_with_staff":true,"share_with_trackers":false,
                 "recorded_on":"2026-01-13"}}])");
  auto ran = run_drop();
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  EXPECT_EQ(interviews(), 3);
  EXPECT_EQ(count_rows(data_ / "careerlink.db", "plan_action"), 3);
  EXPECT_TRUE(fs::exists(drop_ / "archive" / "monday.csv"));
  EXPECT_TRUE(fs::exists(drop_ / "archive" / "tuesday.json"));
  EXPECT_FALSE(fs::exists(drop_ / "monday.csv"));

  // The same file dropped again: archived beside the first, nothing doubled.
  write_file(drop_ / "monday.csv", std::string(kHeader) +
                                       row("cc-1", "B820432116017", "a1", "05/02/2026") +
                                       row("cc-1", "B820432116017", "a2", "") +
                                       row("cc-2", "Q820432116018", "a1", "2026-02-10"));
  ASSERT_EQ(run_drop().exit_code, 0);
  EXPECT_EQ(interviews(), 3);
  EXPECT_TRUE(fs::exists(drop_ / "archive" / "monday.csv.1"));
}

TEST_F(DropFolder, AHalfBadFileIsQuarantinedWithEveryBadLineAndNothingStored) {
  write_file(drop_ / "batch.csv",
             std::string(kHeader) + row("cc-1", "B820432116017", "a1", "05/02/2026") +
                 row("cc-2", "Q820432116018", "a1", "31/02/2026") +  // line 3: no such day
                 row("cc-3", "E820432116019", "a1", "05/02/2026") +
                 row("cc-4", "Q820432116020", "a1", "next week"));  // line 5
  auto ran = run_drop();
  EXPECT_NE(ran.exit_code, 0) << ran.out << ran.err;
  EXPECT_NE(ran.out.find("quarantine"), std::string::npos) << ran.out << ran.err;
  EXPECT_EQ(interviews(), 0) << "one transaction per file: the good rows are not kept either";
  ASSERT_TRUE(fs::exists(drop_ / "quarantine" / "batch.csv"));
  const std::string report = read_file(drop_ / "quarantine" / "batch.csv.error.txt");
  EXPECT_NE(report.find("line 3"), std::string::npos) << report;
  EXPECT_NE(report.find("line 5"), std::string::npos) << report;
  EXPECT_EQ(report.find("line 2"), std::string::npos) << report;
  EXPECT_NE(report.find("action_due"), std::string::npos) << report;
}

TEST_F(DropFolder, AnUnknownPupilQuarantinesTheFile) {
  write_file(drop_ / "batch.csv", std::string(kHeader) +
                                      row("cc-1", "B820432116017", "a1", "05/02/2026") +
                                      row("cc-9", "J820432116099", "a1", "05/02/2026"));
  EXPECT_NE(run_drop().exit_code, 0);
  EXPECT_EQ(interviews(), 0);
  const std::string report = read_file(drop_ / "quarantine" / "batch.csv.error.txt");
  EXPECT_NE(report.find("J820432116099"), std::string::npos) << report;
  EXPECT_NE(report.find("cc-9"), std::string::npos) << report;
}

TEST_F(DropFolder, ABinaryFileIsQuarantinedNotRead) {
  std::string junk(4096, '\0');
  junk[10] = '\x7f';
  write_file(drop_ / "photo.csv", junk);
  EXPECT_NE(run_drop().exit_code, 0);
  EXPECT_TRUE(fs::exists(drop_ / "quarantine" / "photo.csv.error.txt"));
  EXPECT_EQ(interviews(), 0);
}

}  // namespace
}  // namespace careerlink
