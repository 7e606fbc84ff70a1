// The LA's activity survey import over the sample school (URN 137942) in a real SQLite store:
// good rows become destinations and a guarantee status, each faulty row is reported with its
// line and column and skipped, a broken file writes nothing, and the same file again adds
// nothing. Also the latest-destination choice over a pupil's history, and the command itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "connectors/ctf/ctf_source.hpp"
#include "connectors/nccis/la_survey_import.hpp"
#include "daemon/importer/file_import.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::nccis {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCtf = "8204321_CTF_8204321_001.xml";
constexpr const char* kY11 = "B820432116017";
constexpr const char* kY11b = "Q820432116018";
constexpr const char* kY12 = "U820432115021";

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + 9h;

class LaSurveyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    CtfSource ctf;
    ImportOptions options;
    options.source_system = "ctf";
    auto imported = import_file(*store, ctf, test::sample_school(kCtf), options);
    ASSERT_TRUE(imported);
    auto found = store->find_school("137942");
    ASSERT_TRUE(found && *found);
    school = **found;
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto file = dir / name;
    test::write_file(file, text);
    return file;
  }

  std::expected<SurveyImportSummary, SurveyImportFailure> run(const std::filesystem::path& file,
                                                              TimePoint now = kNow) {
    SurveyImportOptions options;
    options.actor = "test";
    options.now = now;
    return import_la_survey(*store, school, file, options);
  }

  std::vector<StoredDestination> destinations(const std::string& upn) {
    auto pupil = store->find_pupil(upn);
    EXPECT_TRUE(pupil && *pupil);
    auto all = store->pupil_destinations((*pupil)->id);
    EXPECT_TRUE(all);
    return *all;
  }

  std::int64_t pupil_id(const std::string& upn) {
    auto pupil = store->find_pupil(upn);
    EXPECT_TRUE(pupil && *pupil);
    return (*pupil)->id;
  }

  test::TempDir dir;
  std::unique_ptr<Store> store;
  SchoolInfo school;
};

// Columns in another order and case than the reference, with columns careerlink ignores.
const std::string kHeader =
    "LEACode,uniquepupilnumber,PeriodEnd,ActivityCode,StartDate,DateAscertained,DateVerified,"
    "EstablishmentName,UKProviderReferenceNumber,GuaranteeStatusIndicator,"
    "IntendedDestinationYr11,Ethnicity\r\n";

TEST_F(LaSurveyTest, GoodRowsBecomeDestinationsAndBadRowsAreReportedByLineAndColumn) {
  const auto file =
      write("survey.csv",
            kHeader +
                // line 2: good, verified date wins, intended destination and a guarantee status
                "820," + kY11 +
                ",2026-11-01,230,2026-09-04,2026-10-31,2026-11-02,"
                "\"Riverside College, Main Site\",10005534,Y,210,WBRI\r\n"
                // line 3: an unknown activity code
                "820," +
                kY11b +
                ",2026-11-01,999,,2026-10-31,,,,,,\r\n"
                // line 4: a UPN with a good check letter that careerlink does not hold
                "820,C820432199999,2026-11-01,230,,2026-10-31,,,,,,\r\n"
                // line 5: a date that is no date
                "820," +
                kY12 +
                ",2026-11-01,310,31/13/2026,2026-10-31,,,,,,\r\n"
                // line 6: UK dates with the time Excel adds, no verified date
                "820," +
                std::string(kY12) + ",01/11/2026,619,,31/10/2026 00:00:00,,,,,,\r\n");
  auto result = run(file);
  ASSERT_TRUE(result) << result.error().fault.to_string();
  const auto& s = *result;
  EXPECT_EQ(s.rows, 5U);
  EXPECT_EQ(s.destinations_added, 3U);  // line 2: actual + intended; line 6: actual
  EXPECT_EQ(s.destinations_unchanged, 0U);
  EXPECT_EQ(s.guarantee_added, 1U);
  ASSERT_EQ(s.rejected.size(), 3U);
  EXPECT_EQ(s.rejected[0].line, 3U);
  EXPECT_NE(s.rejected[0].reason.find("column 'ActivityCode': '999' is not an NCCIS activity code"),
            std::string::npos)
      << s.rejected[0].reason;
  EXPECT_EQ(s.rejected[1].line, 4U);
  EXPECT_EQ(s.rejected[1].upn, "C820432199999");
  EXPECT_NE(s.rejected[1].reason.find("holds no pupil C820432199999"), std::string::npos)
      << s.rejected[1].reason;
  EXPECT_EQ(s.rejected[2].line, 5U);
  EXPECT_NE(s.rejected[2].reason.find("column 'StartDate'"), std::string::npos)
      << s.rejected[2].reason;

  auto y11 = destinations(kY11);
  ASSERT_EQ(y11.size(), 2U);
  const auto& actual = y11[0].destination.type == "actual" ? y11[0] : y11[1];
  const auto& intended = y11[0].destination.type == "actual" ? y11[1] : y11[0];
  EXPECT_EQ(actual.source, "la-survey");
  EXPECT_EQ(actual.destination.activity_code, "230");
  EXPECT_EQ(actual.destination.confirmed_by, "la");
  EXPECT_EQ(actual.destination.recorded_on, "2026-11-02");  // DateVerified over DateAscertained
  EXPECT_EQ(actual.destination.start_date, "2026-09-04");
  EXPECT_EQ(actual.destination.provider_name, "Riverside College, Main Site");
  EXPECT_EQ(actual.destination.provider_ukprn, "10005534");
  EXPECT_EQ(intended.destination.activity_code, "210");
  EXPECT_EQ(intended.source, "la-survey");

  auto y12 = destinations(kY12);
  ASSERT_EQ(y12.size(), 1U);
  EXPECT_EQ(y12[0].destination.activity_code, "619");
  EXPECT_EQ(y12[0].destination.recorded_on, "2026-10-31");  // the time Excel added is dropped

  EXPECT_TRUE(destinations(kY11b).empty());
  auto guarantee = store->guarantee_status(pupil_id(kY11), std::nullopt);
  ASSERT_TRUE(guarantee && *guarantee);
  EXPECT_EQ((*guarantee)->status, "Y");
  EXPECT_EQ((*guarantee)->recorded_on, "2026-11-02");

  // Audited: one event for the file, one per pupil whose record changed.
  AuditFilter filter;
  filter.action = "la_survey.import";
  auto events = store->list_audit(filter);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ((*events)[0].object, "school:137942");
  filter.action = "destination.create";
  filter.object = std::string("pupil:") + kY11;
  events = store->list_audit(filter);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 1U);
}

TEST_F(LaSurveyTest, TheSameFileAgainAddsNothing) {
  const auto file =
      write("survey.csv", kHeader + "820," + kY11 + ",2026-11-01,230,,2026-10-31,,,,N,210,\r\n");
  auto first = run(file);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->destinations_added, 2U);
  EXPECT_EQ(first->guarantee_added, 1U);
  auto second = run(file, kNow + 24h);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->destinations_added, 0U);
  EXPECT_EQ(second->destinations_unchanged, 2U);
  EXPECT_EQ(second->guarantee_added, 0U);
  EXPECT_EQ(destinations(kY11).size(), 2U);
}

TEST_F(LaSurveyTest, AMissingColumnRefusesTheWholeFileNamingIt) {
  const auto file = write("no-code.csv", "UniquePupilNumber,DateAscertained,StartDate\r\n" +
                                             std::string(kY11) + ",2026-10-31,2026-09-04\r\n");
  auto result = run(file);
  ASSERT_FALSE(result);
  EXPECT_FALSE(result.error().store_failure);
  EXPECT_EQ(result.error().fault.line, 1U);
  EXPECT_NE(result.error().fault.message.find("missing column 'ActivityCode'"), std::string::npos)
      << result.error().fault.message;
  EXPECT_TRUE(destinations(kY11).empty());
}

TEST_F(LaSurveyTest, BrokenQuotingHalfWayWritesNothing) {
  // The good row before the broken one must not be written either.
  const auto file = write("broken.csv", kHeader + "820," + kY11 +
                                            ",2026-11-01,230,,2026-10-31,,,,,,\r\n"
                                            "820," +
                                            kY12 + ",2026-11-01,\"230,,2026-10-31,,,,,,\r\n");
  auto result = run(file);
  ASSERT_FALSE(result);
  EXPECT_GT(result.error().fault.line, 0U);
  EXPECT_TRUE(destinations(kY11).empty());
  AuditFilter filter;
  filter.action = "la_survey.import";
  auto events = store->list_audit(filter);
  ASSERT_TRUE(events);
  EXPECT_TRUE(events->empty());
}

// History is kept; the latest is by recorded_on, then by when careerlink received it, and an
// --as-of date hides what was recorded after it.
TEST_F(LaSurveyTest, LatestDestinationIsByRecordedOnThenReceived) {
  const auto id = pupil_id(kY11);
  auto add = [&](std::string type, std::string code, std::optional<std::string> on,
                 TimePoint received) {
    auto tx = store->begin();
    ASSERT_TRUE(tx);
    guidance::Destination d;
    d.school_urn = "137942";
    d.pupil.upn = kY11;
    d.type = std::move(type);
    d.activity_code = std::move(code);
    d.recorded_on = std::move(on);
    ASSERT_TRUE((*tx)->add_destination(school.id, id, "test", d, received));
    ASSERT_TRUE((*tx)->commit());
  };
  // Received in this order; recorded_on decides, not arrival.
  add("actual", "310", "2026-10-01", kNow);
  add("actual", "230", "2026-09-15", kNow + 1h);  // older news arriving later
  add("actual", "619", "2026-10-01", kNow + 2h);  // same date as 310, received later: wins
  add("intended", "210", "2026-03-01", kNow);
  add("intended", "310", "2026-05-01", kNow);

  auto latest = store->latest_destinations(id, std::nullopt);
  ASSERT_TRUE(latest);
  ASSERT_TRUE(latest->actual);
  EXPECT_EQ(latest->actual->destination.activity_code, "619");
  ASSERT_TRUE(latest->intended);
  EXPECT_EQ(latest->intended->destination.activity_code, "310");

  auto earlier = store->latest_destinations(id, std::string("2026-09-30"));
  ASSERT_TRUE(earlier);
  ASSERT_TRUE(earlier->actual);
  EXPECT_EQ(earlier->actual->destination.activity_code, "230");
  auto before_all = store->latest_destinations(id, std::string("2026-01-01"));
  ASSERT_TRUE(before_all);
  EXPECT_FALSE(before_all->actual);
  EXPECT_FALSE(before_all->intended);

  EXPECT_EQ(destinations(kY11).size(), 5U);  // nothing replaced
}

// The command: summary, rejected rows as FILE:LINE, exit 3; a refused file exits 65.
TEST(LaSurveyCommand, PrintsSummaryAndRejectionsWithFileAndLine) {
  test::TempDir dir;
  const std::string data = (dir / "data").string();
  auto imported = test::run_careerlink(
      {"--data-dir", data, "import", "ctf", test::sample_school(kCtf).string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto file = dir / "survey.csv";
  test::write_file(file, kHeader + "820," + kY11 + ",2026-11-01,230,,2026-10-31,,,,,,\r\n" +
                             "820," + kY11b + ",2026-11-01,231,,2026-10-31,,,,,,\r\n");
  auto run = test::run_careerlink(
      {"--data-dir", data, "import", "la-survey", file.string(), "--school", "137942"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.out.find("2 rows, 1 destinations added, 0 unchanged, 1 rejected"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(file.string() + ":3: rejected " + kY11b), std::string::npos) << run.out;

  auto again = test::run_careerlink(
      {"--data-dir", data, "import", "la-survey", file.string(), "--format", "json"});
  EXPECT_EQ(again.exit_code, 3);
  auto j = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["destinations_added"], 0);
  EXPECT_EQ(j["unchanged"], 1);

  const auto broken = dir / "broken.csv";
  test::write_file(broken, "UniquePupilNumber,ActivityCode\r\n" + std::string(kY11) + ",230\r\n");
  auto refused = test::run_careerlink({"--data-dir", data, "import", "la-survey", broken.string()});
  EXPECT_EQ(refused.exit_code, 65);
  EXPECT_NE(refused.err.find("missing column 'DateAscertained'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing from this file was written"), std::string::npos);

  auto unknown = test::run_careerlink(
      {"--data-dir", data, "import", "la-survey", file.string(), "--school", "999999"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("999999"), std::string::npos);
}

}  // namespace
}  // namespace careerlink::nccis
