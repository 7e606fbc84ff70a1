// Retention and subject access over a real SQLite store holding a small hand-made school, run
// through the real `careerlink` binary: the preview lists exactly what the hand count says and
// changes nothing, a run in delete mode removes exactly that, pseudonymise mode leaves what
// Compass+ leaves, a second run does nothing, and a subject access export holds every kind of
// record of one pupil and nothing of another.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <nlohmann/json.hpp>

#include "connectors/tracker/pseudonym.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/retention/plan.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::retention {
namespace {

using std::chrono::year_month_day;
using json = nlohmann::json;

constexpr const char* kUrn = "137942";
constexpr const char* kAsOf = "2026-09-01";  // audit events before 2024-09-01 go (730 days)

std::string upn(int n) {
  std::string digits = "820432100" + std::to_string(1000 + n).substr(1);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

TimePoint at(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{
      year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}};
}

// The school on 2026-09-01:
//  P1 "Adult"   DOB 2001-03-01 (25 on 2026-03-01), left 2019-07-19 (3 years on 2022-07-19):
//               interview i1 with two plan versions, a tick, a note, a flag, an actual
//               destination, an outbox message, audit events in 2023 (old) and 2026.
//  P2 "Gone"    DOB 2005-05-05, left 2022-07-20 (3 years on 2025-07-20): interview i2, two
//               destinations, a September Guarantee status, an outbox message.
//  P3 "Recent"  DOB 2006-06-06, left 2024-07-19 (3 years on 2027-07-19): one destination, a
//               September Guarantee status.
//  P4 "Current" DOB 2010-01-01, on roll: interview i4, an intended destination, an outbox
//               message, an audit event in 2026.
// Audit events before 2024-09-01: two about outbox messages (2020, 2021) and P1's of 2023: 3.
class Retention : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() / "data";
    {
      auto opened = open_sqlite_store(data_);
      ASSERT_TRUE(opened) << opened.error().message;
      store_ = std::move(*opened);
    }
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto school = (*tx)->upsert_school(SchoolRecord{"8204321", kUrn, "Riverside Academy"});
    ASSERT_TRUE(school);
    school_ = *school;
    struct Spec {
      int n;
      std::string forename, dob;
      std::optional<std::string> leaving;
    };
    for (const Spec& s : std::vector<Spec>{{1, "Adult", "2001-03-01", "2019-07-19"},
                                           {2, "Gone", "2005-05-05", "2022-07-20"},
                                           {3, "Recent", "2006-06-06", "2024-07-19"},
                                           {4, "Current", "2010-01-01", std::nullopt}}) {
      PupilRecord r;
      r.upn = upn(s.n);
      r.surname = "Pupil";
      r.forename = s.forename;
      r.dob = s.dob;
      r.nc_year = s.leaving ? "13" : "11";
      r.leaving_date = s.leaving;
      r.uln = "100000000" + std::to_string(s.n);
      r.tutor_group = s.leaving ? "13X" : "11B";
      ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", r));
    }
    ASSERT_TRUE((*tx)->commit());

    interview(1, "i1", "2018-10-01", "First plan");
    interview(1, "i1", "2018-10-01", "Second plan");  // a changed plan: version 2
    interview(2, "i2", "2021-10-01", "Plan");
    interview(4, "i4", "2026-06-01", "Plan");
    {
      auto tx2 = store_->begin();
      ASSERT_TRUE(tx2);
      auto ticked = (*tx2)->set_action_status(id(1), "a1", "done", "tutor@school.example",
                                              "2019-01-10", at(2019, 1, 10));
      ASSERT_TRUE(ticked && *ticked);
      ASSERT_TRUE((*tx2)->add_follow_up_note(id(1), "Spoke to P1 about college",
                                             "tutor@school.example", at(2019, 1, 11)));
      ASSERT_TRUE((*tx2)->raise_flag(id(1), rules::Flag{"review_due", rules::Rag::amber, "late"},
                                     true, at(2019, 2, 1)));
      ASSERT_TRUE((*tx2)->enqueue(OutboxDraft{"mis", "k1", message(1)}));
      ASSERT_TRUE((*tx2)->enqueue(OutboxDraft{"mis", "k2", message(2)}));
      ASSERT_TRUE((*tx2)->enqueue(OutboxDraft{"mis", "k4", message(4)}));
      ASSERT_TRUE((*tx2)->commit());
    }
    destination(1, "actual");
    destination(2, "actual");
    destination(2, "actual", "2023-10-01");
    destination(3, "actual");
    destination(4, "intended");
    {  // The LA's September Guarantee statuses go with the destinations (P2), not before (P3).
      auto tx3 = store().begin();
      ASSERT_TRUE(tx3);
      for (int n : {2, 3}) {
        ASSERT_TRUE((*tx3)->add_guarantee_status(school_, id(n), "la-survey",
                                                 GuaranteeStatus{"OFF", "2022-09-30", "la-survey"},
                                                 at(2022, 10, 1)));
      }
      ASSERT_TRUE((*tx3)->commit());
    }
    audit(at(2020, 1, 1), "outbox:1");
    audit(at(2021, 6, 1), "outbox:2");
    audit(at(2023, 1, 1), "pupil:" + upn(1));
    audit(at(2026, 6, 1), "pupil:" + upn(1));
    audit(at(2026, 6, 2), "pupil:" + upn(4));
    store_.reset();  // the binary gets the database to itself
    write_config("delete");
  }

  static std::string message(int n) {
    return json{{"event", "flag.raised"}, {"upn", upn(n)}, {"school_urn", kUrn}}.dump();
  }

  Store& store() {
    if (!store_) {
      auto opened = open_sqlite_store(data_);
      EXPECT_TRUE(opened);
      store_ = std::move(*opened);
    }
    return *store_;
  }

  std::int64_t id(int n) {
    auto p = store().find_pupil(upn(n));
    EXPECT_TRUE(p && *p);
    return p && *p ? (*p)->id : 0;
  }

  void interview(int n, const std::string& external_id, const std::string& date,
                 const std::string& summary) {
    guidance::Interview iv;
    iv.external_id = external_id;
    iv.school_urn = kUrn;
    iv.pupil.upn = upn(n);
    iv.date = date;
    iv.minutes = 45;
    iv.kind = "one_to_one";
    iv.adviser = {"Jo Patel", "Career Connect", 6};
    iv.provider_type = "external";
    iv.consent = {true, true, date, {}};
    guidance::ActionPlan plan;
    plan.summary = summary;
    plan.actions.push_back(guidance::Action{"a1", "Visit the college open day", "pupil",
                                            std::nullopt, "open", std::nullopt, std::nullopt});
    iv.plan = plan;
    const auto pupil = id(n);
    auto tx = store().begin();
    ASSERT_TRUE(tx);
    auto put = (*tx)->put_interview(school_, pupil, "Career Connect", iv,
                                    guidance::interview_to_json(iv).dump(), at(2019, 1, 1));
    ASSERT_TRUE(put) << put.error().message;
    ASSERT_TRUE((*tx)->commit());
  }

  void destination(int n, const std::string& type, const std::string& recorded_on = "2022-10-01") {
    guidance::Destination d;
    d.school_urn = kUrn;
    d.pupil.upn = upn(n);
    d.type = type;
    d.activity_code = "230";
    d.recorded_on = recorded_on;
    const auto pupil = id(n);
    auto tx = store().begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->add_destination(school_, pupil, "test", d, at(2022, 10, 1)));
    ASSERT_TRUE((*tx)->commit());
  }

  void audit(TimePoint when, const std::string& object) {
    ASSERT_TRUE(store().record_audit(
        AuditEvent{0, when, "tutor@school.example", "pupil.view", object, "127.0.0.1", ""}));
  }

  void write_config(const std::string& mode) {
    test::write_file(dir_.path() / "careerlink.toml",
                     "[log]\nfile = false\n\n[retention]\nmode = \"" + mode + "\"\n");
  }

  test::CommandResult cl(std::vector<std::string> args) {
    store_.reset();
    args.insert(args.begin(), {"--config", (dir_.path() / "careerlink.toml").string(), "--data-dir",
                               data_.string()});
    return test::run_careerlink(args);
  }

  // Rows per table, read straight from the database file.
  std::map<std::string, std::int64_t> rows() {
    store_.reset();
    std::map<std::string, std::int64_t> out;
    sqlite3* db = nullptr;
    EXPECT_EQ(
        sqlite3_open_v2((data_ / "careerlink.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    for (const char* table :
         {"pupil", "pupil_identifier", "group_member", "interview", "plan_version", "plan_action",
          "action_update", "follow_up_note", "follow_up_flag", "destination", "guarantee_status",
          "outbox", "audit_event"}) {
      sqlite3_stmt* st = nullptr;
      const std::string sql = std::string("SELECT count(*) FROM ") + table;
      EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
      EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
      out[table] = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  test::TempDir dir_;
  std::filesystem::path data_;
  std::unique_ptr<Store> store_;
  SchoolId school_ = 0;
};

TEST_F(Retention, PreviewListsExactlyTheExpectedActionsAndChangesNothing) {
  auto before = rows();
  auto r = cl({"retention", "preview", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plan = json::parse(r.out);
  EXPECT_EQ(plan["as_of"], kAsOf);
  EXPECT_EQ(plan["mode"], "delete");
  ASSERT_EQ(plan["pupils"].size(), 2U) << r.out;  // P1 and P2; P3 (2 years) and P4 (on roll) not

  const json& p1 = plan["pupils"][0];
  EXPECT_EQ(p1["upn"], upn(1));
  EXPECT_EQ(p1["why"], (json{"25th birthday on 2026-03-01",
                             "left on 2019-07-19; 3 years on "
                             "2022-07-19"}));
  EXPECT_TRUE(p1["guidance"]);
  EXPECT_TRUE(p1["destinations"]);
  EXPECT_TRUE(p1["remove_pupil"]);
  EXPECT_EQ(p1["counts"], (json{{"interviews", 1},
                                {"plan_versions", 2},
                                {"action_updates", 1},
                                {"flags", 1},
                                {"notes", 1},
                                {"destinations", 1},
                                {"guarantee_statuses", 0},
                                {"outbox_messages", 1}}));

  const json& p2 = plan["pupils"][1];
  EXPECT_EQ(p2["upn"], upn(2));
  EXPECT_EQ(p2["why"], (json{"left on 2022-07-20; 3 years on 2025-07-20"}));
  EXPECT_FALSE(p2["guidance"]);  // 21 years old: the interview stays
  EXPECT_TRUE(p2["destinations"]);
  EXPECT_FALSE(p2["remove_pupil"]);
  EXPECT_EQ(p2["counts"]["destinations"], 2);
  EXPECT_EQ(p2["counts"]["guarantee_statuses"], 1);
  EXPECT_EQ(p2["counts"]["interviews"], 0);
  EXPECT_EQ(p2["counts"]["outbox_messages"], 1);

  EXPECT_EQ(plan["audit"]["events"], 3);
  EXPECT_EQ(plan["audit"]["before"], "2024-09-01T00:00:00Z");
  EXPECT_EQ(plan["totals"]["pupils"], 2);
  EXPECT_EQ(plan["totals"]["pupils_removed"], 1);
  EXPECT_EQ(plan["totals"]["destinations"], 3);
  EXPECT_EQ(plan["totals"]["guarantee_statuses"], 1);
  EXPECT_EQ(plan["totals"]["outbox_messages"], 2);

  // Nothing changed but the audit event of the preview itself.
  auto after = rows();
  EXPECT_EQ(after["audit_event"], before["audit_event"] + 1);
  after["audit_event"] = before["audit_event"];
  EXPECT_EQ(after, before);

  // The text form names each pupil with what and why, and the totals.
  auto text = cl({"retention", "preview", "--as-of", kAsOf});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(upn(1) + "  delete 1 interview (2 plan versions, 1 tick), 1 flag, 1 "
                                   "note, 1 destination, 1 outbox message; remove the pupil"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(upn(2) + "  delete 2 destinations, 1 September Guarantee status"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("25th birthday on 2026-03-01"), std::string::npos);
  EXPECT_NE(text.out.find("Total: 2 pupils (1 removed, 0 pseudonymised)"), std::string::npos);
  EXPECT_EQ(text.out.find("Adult"), std::string::npos);  // UPNs, never names
}

TEST_F(Retention, DeleteModeRemovesExactlyThoseAndASecondRunDoesNothing) {
  auto before = rows();
  auto r = cl({"retention", "run", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json done = json::parse(r.out);
  EXPECT_EQ(done["pupils"], 2);
  EXPECT_EQ(done["pupils_removed"], 1);
  EXPECT_EQ(done["interviews"], 1);
  EXPECT_EQ(done["destinations"], 3);
  EXPECT_EQ(done["guarantee_statuses"], 1);
  EXPECT_EQ(done["outbox_messages"], 2);
  EXPECT_EQ(done["audit_events"], 3);

  auto after = rows();
  EXPECT_EQ(after["pupil"], before["pupil"] - 1);
  EXPECT_EQ(after["interview"], before["interview"] - 1);
  EXPECT_EQ(after["plan_version"], before["plan_version"] - 2);
  EXPECT_EQ(after["action_update"], before["action_update"] - 1);
  EXPECT_EQ(after["follow_up_note"], before["follow_up_note"] - 1);
  EXPECT_EQ(after["follow_up_flag"], before["follow_up_flag"] - 1);
  EXPECT_EQ(after["destination"], before["destination"] - 3);
  EXPECT_EQ(after["guarantee_status"], before["guarantee_status"] - 1);
  EXPECT_TRUE(store().guarantee_statuses(id(2))->empty());
  EXPECT_EQ(store().guarantee_statuses(id(3))->size(), 1U);
  EXPECT_EQ(after["outbox"], before["outbox"] - 2);
  // 3 old events gone; the run's own: who ran it, the audit purge, one per pupil.
  EXPECT_EQ(after["audit_event"], before["audit_event"] - 3 + 1 + 1 + 2);

  EXPECT_FALSE(*store().find_pupil(upn(1)));
  ASSERT_TRUE(*store().find_pupil(upn(2)));
  EXPECT_EQ(store().pupil_interviews(id(2))->size(), 1U);
  EXPECT_TRUE(store().pupil_destinations(id(2))->empty());
  EXPECT_EQ(store().pupil_destinations(id(3))->size(), 1U);
  EXPECT_EQ(store().pupil_destinations(id(4))->size(), 1U);
  EXPECT_EQ(store().pupil_interviews(id(4))->size(), 1U);
  const std::vector<std::string> p4{upn(4)};
  EXPECT_EQ(store().outbox_naming(p4)->size(), 1U);

  // The audit trail names P1 no more, and the retention events carry counts, not names.
  const std::vector<std::string> p1{upn(1)};
  EXPECT_TRUE(store().audit_about(p1)->empty());
  AuditFilter filter;
  filter.action = "retention.delete";
  auto events = store().list_audit(filter);
  ASSERT_EQ(events->size(), 2U);
  for (const auto& e : *events) {
    EXPECT_EQ(e.actor, "retention");
    EXPECT_TRUE(e.object.starts_with("pupil:PSN")) << e.object;
    EXPECT_EQ(e.detail.find(upn(1)), std::string::npos);
    EXPECT_EQ(e.detail.find("Adult"), std::string::npos);
  }

  auto once = rows();
  auto again = cl({"retention", "preview", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(json::parse(again.out)["pupils"].empty()) << again.out;
  EXPECT_EQ(json::parse(again.out)["audit"]["events"], 0);
  auto twice = cl({"retention", "run", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(json::parse(twice.out)["pupils"], 0);
  auto after_twice = rows();
  EXPECT_EQ(after_twice["audit_event"], once["audit_event"] + 1);  // the second preview's
  after_twice["audit_event"] = once["audit_event"];
  EXPECT_EQ(after_twice, once);
}

TEST_F(Retention, PseudonymiseModeLeavesRedactedNamesAndAStableTransformedUpn) {
  write_config("pseudonymise");
  auto r = cl({"retention", "run", "--as-of", kAsOf});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 pupils (0 removed, 2 pseudonymised)"), std::string::npos) << r.out;

  auto key = tracker::load_pseudonym_key(data_);
  ASSERT_TRUE(key) << key.error();
  for (int n : {1, 2}) {
    SCOPED_TRACE(n);
    const std::string pseudonym = tracker::pseudonymous_upn(*key, upn(n));
    EXPECT_NE(pseudonym, upn(n));
    EXPECT_FALSE(*store().find_pupil(upn(n)));
    auto p = store().find_pupil(pseudonym);
    ASSERT_TRUE(p && *p);
    EXPECT_EQ((*p)->surname, "Redacted");
    EXPECT_EQ((*p)->forename, "Redacted");
    EXPECT_EQ((*p)->dob, "1901-01-01");
    EXPECT_FALSE((*p)->uln);
    EXPECT_EQ((*p)->former_upns.size(), 0U);
    // The records stay, de-identified: the interview, its plan text redacted.
    auto interviews = store().pupil_interviews((*p)->id);
    ASSERT_EQ(interviews->size(), 1U);
    EXPECT_EQ((*interviews)[0].body.find(upn(n)), std::string::npos);
    auto history = store().plan_history((*interviews)[0].id);
    for (const auto& v : *history) {
      EXPECT_EQ(v.plan.summary, "Redacted");
      EXPECT_EQ(v.plan.actions.at(0).text, "Redacted");
    }
    EXPECT_TRUE(store().follow_up_notes((*p)->id)->empty());
    const std::vector<std::string> old{upn(n)};
    EXPECT_TRUE(store().outbox_naming(old)->empty());
    EXPECT_TRUE(store().audit_about(old)->empty());
  }
  // P1's audit event of 2026 now names the pseudonym (the 2023 one aged out).
  const std::vector<std::string> p1{tracker::pseudonymous_upn(*key, upn(1))};
  EXPECT_EQ(store().audit_about(p1)->size(), 2U);  // the 2026 view and the run's own event
  // Untouched: the recent leaver and the pupil on roll.
  EXPECT_EQ((*store().find_pupil(upn(3)))->forename, "Recent");
  EXPECT_EQ((*store().find_pupil(upn(4)))->forename, "Current");

  // The same pseudonym whenever it is worked out; a second run does nothing.
  EXPECT_EQ(tracker::pseudonymous_upn(*key, upn(1)), tracker::pseudonymous_upn(*key, upn(1)));
  auto once = rows();
  auto twice = cl({"retention", "run", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(json::parse(twice.out)["pupils"], 0);
  EXPECT_EQ(rows(), once);

  // Switching to delete afterwards removes what pseudonymisation kept.
  write_config("delete");
  auto removed = cl({"retention", "run", "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(json::parse(removed.out)["pupils_removed"], 2);
  EXPECT_FALSE(*store().find_pupil(tracker::pseudonymous_upn(*key, upn(1))));
}

TEST(RetentionPlan, BirthdaysOn29FebruaryFallOn1MarchInACommonYear) {
  using std::chrono::day;
  using std::chrono::month;
  using std::chrono::year;
  const year_month_day leap{year{2004}, month{2}, day{29}};
  EXPECT_EQ(anniversary(leap, 25), (year_month_day{year{2029}, month{3}, day{1}}));
  EXPECT_EQ(anniversary(leap, 24), (year_month_day{year{2028}, month{2}, day{29}}));
}

TEST(RetentionPlan, APupilOnRollIsNeverTouchedByTheDestinationsRule) {
  RetentionPupil p;
  p.id = 1;
  p.upn = "A123";
  p.upns = {"A123"};
  p.dob = "2010-01-01";
  p.leaving_date = "2030-07-20";  // leaves in future: on roll at as_of
  p.destinations = 2;
  Snapshot s;
  s.pupils.push_back(p);
  const year_month_day as_of{std::chrono::year{2029}, std::chrono::month{1}, std::chrono::day{1}};
  EXPECT_TRUE(plan(s, Policy{}, as_of).pupils.empty());
  Policy pseudo;
  pseudo.mode = Mode::pseudonymise;
  EXPECT_TRUE(plan(s, pseudo, as_of).pupils.empty());
}

class SubjectAccess : public Retention {};

TEST_F(SubjectAccess, ExportHoldsEveryKindOfRecordOfThePupilAndNothingOfAnother) {
  {  // What the LA and a tracker were told, and the pupil's s72 opt-out.
    auto tx = store().begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->set_la_sharing_opt_out(
        id(1), LaSharingOptOut{"pupil", "cli:careers-leader", at(2026, 5, 1)}));
    ASSERT_TRUE((*tx)->add_guarantee_status(school_, id(1), "la-survey",
                                            GuaranteeStatus{"OFF", "2018-09-30", "la-survey"},
                                            at(2018, 10, 1)));
    const std::vector<TrackerDelivery> sent{
        {"compass", id(1), {}, "v1", "k1", "accepted", "T-17", {}, at(2026, 6, 1)},
        {"compass", id(4), {}, "v4", "k4", "accepted", "T-18", {}, at(2026, 6, 1)}};
    ASSERT_TRUE((*tx)->record_tracker_deliveries(sent));
    ASSERT_TRUE((*tx)->commit());
  }
  const auto out = dir_.path() / "sar";
  std::filesystem::create_directories(out);
  auto r = cl({"pupils", "export", upn(1), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = test::read_file(out / ("subject-access-" + upn(1) + ".json"));
  const json j = json::parse(text);
  EXPECT_EQ(j["pupil"]["upn"], upn(1));
  EXPECT_EQ(j["pupil"]["forename"], "Adult");
  EXPECT_EQ(j["pupil"]["dob"], "2001-03-01");
  EXPECT_FALSE(j["identifiers"].empty());
  ASSERT_EQ(j["groups"].size(), 1U);
  EXPECT_EQ(j["groups"][0]["name"], "13X");
  ASSERT_EQ(j["interviews"].size(), 1U);
  ASSERT_EQ(j["interviews"][0]["plan_versions"].size(), 2U);
  EXPECT_EQ(j["interviews"][0]["plan_versions"][0]["summary"], "First plan");
  EXPECT_EQ(j["interviews"][0]["plan_versions"][1]["summary"], "Second plan");
  EXPECT_EQ(j["destinations"].size(), 1U);
  ASSERT_EQ(j["september_guarantee_statuses"].size(), 1U);
  EXPECT_EQ(j["september_guarantee_statuses"][0]["status"], "OFF");
  EXPECT_EQ(j["la_sharing_opt_out"]["requested_by"], "pupil");
  ASSERT_EQ(j["tracker_deliveries"].size(), 1U);  // P1's, not P4's
  EXPECT_EQ(j["tracker_deliveries"][0]["sink"], "compass");
  EXPECT_EQ(j["tracker_deliveries"][0]["tracker_ref"], "T-17");
  EXPECT_EQ(j["follow_up_flags"].size(), 1U);
  ASSERT_EQ(j["follow_up_notes"].size(), 1U);
  EXPECT_EQ(j["follow_up_notes"][0]["text"], "Spoke to P1 about college");
  EXPECT_EQ(j["action_ticks"].size(), 1U);
  EXPECT_EQ(j["audit_events"].size(), 2U);  // 2023 and 2026 views
  ASSERT_EQ(j["outbox_messages"].size(), 1U);
  EXPECT_EQ(j["outbox_messages"][0]["payload"]["upn"], upn(1));
  // Nothing of another pupil.
  for (int other : {2, 3, 4}) {
    EXPECT_EQ(text.find(upn(other)), std::string::npos) << other;
  }
  for (const char* name : {"Gone", "Recent", "Current", "11B"}) {
    EXPECT_EQ(text.find(name), std::string::npos) << name;
  }
  const std::string html = test::read_file(out / ("subject-access-" + upn(1) + ".html"));
  EXPECT_NE(html.find("Spoke to P1 about college"), std::string::npos);
  EXPECT_NE(html.find("T-17"), std::string::npos);
  EXPECT_EQ(html.find("T-18"), std::string::npos);
  EXPECT_NE(html.find("s72 Education and Skills Act 2008"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find(upn(4)), std::string::npos);

  // Who exported whose record is audited.
  AuditFilter filter;
  filter.action = "pupil.export";
  auto events = store().list_audit(filter);
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ((*events)[0].object, "pupil:" + upn(1));
  EXPECT_TRUE((*events)[0].actor.starts_with("cli:"));
}

TEST_F(SubjectAccess, TheHtmlEscapesANameWithMarkupCharacters) {
  {
    auto tx = store().begin();
    ASSERT_TRUE(tx);
    PupilRecord r;
    r.upn = upn(4);
    r.forename = "<b>Zo\xC3\xAB & \"Jo\"</b>";
    r.surname = "O'Neil";
    ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", r));
    ASSERT_TRUE((*tx)->commit());
  }
  const auto out = dir_.path() / "sar";
  std::filesystem::create_directories(out);
  auto r = cl({"pupils", "export", upn(4), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(out / ("subject-access-" + upn(4) + ".html"));
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;Zo\xC3\xAB &amp; &quot;Jo&quot;&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("O&#39;Neil"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  const json j = json::parse(test::read_file(out / ("subject-access-" + upn(4) + ".json")));
  EXPECT_EQ(j["pupil"]["forename"], "<b>Zo\xC3\xAB & \"Jo\"</b>");
}

TEST_F(SubjectAccess, AnUnknownUpnIsAUsageError) {
  auto r = cl({"pupils", "export", "A999999999999"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("no pupil with UPN A999999999999"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace careerlink::retention
