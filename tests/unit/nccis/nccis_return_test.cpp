// The NCCIS return over a small hand-made school (URN 137942, LAESTAB 8204321) in a real SQLite
// store, as of 2026-11-20. Every cell of the file is checked against what is worked out by hand
// below; then the commands (`pupils la-sharing`, `export nccis`) and the monthly job run for real.
//
//  n  name                   year  roll                  records                     row?
//  1  Anna "Annie" Smith, Jr  11   on roll               intended 210 (Mar), 230     yes: intended
//  230
//                                                        (May); SEN K -> SENDFlag Y
//  2  Ben Brown               11   on roll               intended 310; s72 opt-out   yes: name, DOB
//  only
//                                                        (parent); SEN N
//  3  Cara Clarke             11   left 2026-07-20       actual 230 (LA survey),     yes: activity,
//                                                        guarantee Y, intended 230   guarantee,
//                                                        provider
//  4  Dev Dhillon             10   on roll               -                           no: not Year
//  11 5  Eve Evans                8   left 2025-07-20       -                           no: left
//  before Y11 6  Finn Foster             13   left 2026-07-20       actual 310 recorded yes:
//  activity blank
//                                                        2026-12-01 (after as-of)
#include <gtest/gtest.h>

#include <map>

#include "connectors/nccis/nccis_export.hpp"
#include "connectors/nccis/nccis_return.hpp"
#include "connectors/nccis/s72_requester.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::nccis {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAsOf = "2026-11-20";
const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + 9h;

std::string upn(int n) {
  std::string digits = "820432100" + std::to_string(1000 + n).substr(1);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

struct Pupil {
  int n;
  std::string forename, surname, dob, sex, year;
  std::optional<std::string> sen, leaving_date, uln;
};

// Fills `data_dir` with the school above.
void make_school(const std::filesystem::path& data_dir) {
  auto opened = open_sqlite_store(data_dir);
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;
  auto tx = store.begin();
  ASSERT_TRUE(tx);
  auto school = (*tx)->upsert_school(SchoolRecord{"8204321", "137942", "Riverside Academy"});
  ASSERT_TRUE(school);
  const std::vector<Pupil> pupils{
      {1, "Anna \"Annie\"", "Smith, Jr", "2011-03-14", "F", "11", "K", {}, {}},
      {2, "Ben", "Brown", "2011-05-02", "M", "11", "N", {}, {}},
      {3, "Cara", "Clarke", "2010-01-09", "F", "11", "N", "2026-07-20", "9876543210"},
      {4, "Dev", "Dhillon", "2012-02-02", "M", "10", "N", {}, {}},
      {5, "Eve", "Evans", "2013-06-06", "F", "8", "N", "2025-07-20", {}},
      {6, "Finn", "Foster", "2008-02-02", "M", "13", {}, "2026-07-20", {}},
  };
  std::map<int, std::int64_t> ids;
  for (const auto& p : pupils) {
    PupilRecord r;
    r.upn = upn(p.n);
    r.forename = p.forename;
    r.surname = p.surname;
    r.dob = p.dob;
    r.sex = p.sex;
    r.nc_year = p.year;
    r.sen = p.sen;
    r.leaving_date = p.leaving_date;
    r.uln = p.uln;
    ASSERT_TRUE((*tx)->upsert_pupil(*school, "test", r));
    auto match = (*tx)->match_guidance_pupil(*school, guidance::PupilRef{r.upn, std::nullopt});
    ASSERT_TRUE(match && *match);
    ids[p.n] = (*match)->id;
  }
  auto destination = [&](int n, const std::string& source, std::string type, std::string code,
                         std::string recorded_on) {
    guidance::Destination d;
    d.school_urn = "137942";
    d.pupil.upn = upn(n);
    d.type = std::move(type);
    d.activity_code = std::move(code);
    d.recorded_on = std::move(recorded_on);
    if (source == "la-survey") {
      d.provider_name = "Riverside College";
      d.provider_ukprn = "10005534";
      d.start_date = "2026-09-04";
      d.confirmed_by = "la";
    }
    ASSERT_TRUE((*tx)->add_destination(*school, ids[n], source, d, kNow - 24h));
  };
  destination(1, "adviser", "intended", "210", "2026-03-01");
  destination(1, "adviser", "intended", "230", "2026-05-01");
  destination(2, "adviser", "intended", "310", "2026-03-01");
  destination(3, "adviser", "intended", "230", "2026-03-01");
  destination(3, "la-survey", "actual", "230", "2026-10-15");
  destination(6, "la-survey", "actual", "310", "2026-12-01");
  ASSERT_TRUE((*tx)->add_guarantee_status(*school, ids[3], "la-survey",
                                          GuaranteeStatus{"Y", "2026-10-15", "la-survey"}, kNow));
  ASSERT_TRUE((*tx)->set_la_sharing_opt_out(ids[2], LaSharingOptOut{"parent", "test", kNow}));
  ASSERT_TRUE((*tx)->commit());
}

const std::string kHeader =
    "LEACode,PeriodEnd,CohortStatus,GivenName,MiddleName,FamilyName,Gender,month/year of birth,"
    "UniqueLearnerNo,UniquePupilNumber,GuaranteeStatusIndicator,SENDFlag,ActivityCode,StartDate,"
    "DateAscertained,EstablishmentName,UKProviderReferenceNumber,IntendedDestinationYr11\r\n";

// Year 11 on roll first, then leavers; within each, as `pupils list` orders them (surname).
std::string expected_file() {
  return kHeader +
         // 2: s72 opt-out: Gender, SENDFlag and IntendedDestinationYr11 (310) withheld
         "820,2026-11-20,,Ben,,Brown,,05/2011,," + upn(2) + ",,,,,,,,\r\n" +
         // 1: quotes doubled, the comma quoted; SEN K -> Y; the later intended (230)
         "820,2026-11-20,,\"Anna \"\"Annie\"\"\",,\"Smith, Jr\",F,03/2011,," + upn(1) +
         ",,Y,,,,,,230\r\n" +
         // 3: leaver with the LA's activity and guarantee status
         "820,2026-11-20,,Cara,,Clarke,F,01/2010,9876543210," + upn(3) +
         ",Y,N,230,2026-09-04,2026-10-15,Riverside College,10005534,230\r\n" +
         // 6: leaver whose only activity was recorded after the as-of date; SEN unknown
         "820,2026-11-20,,Finn,,Foster,M,02/2008,," + upn(6) + ",,,,,,,,\r\n";
}

TEST(NccisReturn, ColumnsAndRowsMatchTheHandWorkedFile) {
  test::TempDir dir;
  make_school(dir.path());
  auto store = open_sqlite_store(dir.path());
  ASSERT_TRUE(store);
  auto school = (*store)->find_school("137942");
  ASSERT_TRUE(school && *school);
  auto data = build_return(**store, **school, kAsOf);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data->year11, 2U);
  EXPECT_EQ(data->leavers, 2U);
  EXPECT_EQ(data->opted_out, 1U);
  EXPECT_EQ(render_return_csv(*data), expected_file());
}

TEST(NccisReturn, FurtherInformationIsExactlyTheActivityAndCharacteristicColumns) {
  std::vector<std::string> withheld;
  for (auto c : return_columns())
    if (is_further_information(c)) withheld.emplace_back(c);
  EXPECT_EQ(withheld, (std::vector<std::string>{"Gender", "GuaranteeStatusIndicator", "SENDFlag",
                                                "ActivityCode", "StartDate", "DateAscertained",
                                                "EstablishmentName", "UKProviderReferenceNumber",
                                                "IntendedDestinationYr11"}));
}

TEST(NccisReturn, MonthlyJobWritesTheMonthsFileAtomicallyAndAudits) {
  test::TempDir dir;
  make_school(dir.path());
  auto store = open_sqlite_store(dir.path());
  ASSERT_TRUE(store);
  auto written =
      write_monthly_return(**store, "137942", dir / "la" / "returns", kAsOf, "la-return", kNow);
  ASSERT_TRUE(written) << written.error().message;
  const auto file = dir / "la" / "returns" / "nccis-137942-2026-11.csv";
  EXPECT_EQ(written->file, file);
  EXPECT_EQ(test::read_file(file), expected_file());
  // Only the file itself is left in the folder: no temporary file beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "la" / "returns"),
                          std::filesystem::directory_iterator()),
            1);
  AuditFilter filter;
  filter.action = "nccis.export";
  auto events = (*store)->list_audit(filter);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ((*events)[0].actor, "job:la-return");
  EXPECT_EQ((*events)[0].object, "school:137942");

  auto unknown = write_monthly_return(**store, "999999", dir / "la", kAsOf, "x", kNow);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("999999"), std::string::npos);
}

// The commands, run for real: s72 opt-out and back in, the export, an unknown URN, and the
// [[job]] with run = "nccis:<URN>" through `careerlink jobs run`.
TEST(NccisCommands, LaSharingExportAndMonthlyJob) {
  test::TempDir dir;
  const auto data = dir / "data";
  make_school(data);
  const std::string d = data.string();

  // Ben opts back in: his row carries the further information again.
  auto in = test::run_careerlink({"--data-dir", d, "pupils", "la-sharing", upn(2), "--opt-in"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  const auto out = dir / "return.csv";
  auto exported = test::run_careerlink({"--data-dir", d, "export", "nccis", "--school", "137942",
                                        "--out", out.string(), "--as-of", kAsOf});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(test::read_file(out).find("820,2026-11-20,,Ben,,Brown,M,05/2011,," + upn(2) +
                                      ",,N,,,,,,310\r\n"),
            std::string::npos)
      << test::read_file(out);

  // Cara (16+) opts out herself: her activity, guarantee status and provider go.
  auto opt_out =
      test::run_careerlink({"--data-dir", d, "pupils", "la-sharing", upn(3), "--opt-out", "pupil"});
  ASSERT_EQ(opt_out.exit_code, 0) << opt_out.err;
  exported = test::run_careerlink({"--data-dir", d, "export", "nccis", "--school", "137942",
                                   "--out", out.string(), "--as-of", kAsOf});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const auto text = test::read_file(out);
  EXPECT_NE(
      text.find("820,2026-11-20,,Cara,,Clarke,,01/2010,9876543210," + upn(3) + ",,,,,,,,\r\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("Riverside College"), std::string::npos);

  auto audit = test::run_careerlink(
      {"--data-dir", d, "audit", "list", "--pupil", upn(3), "--format", "json"});
  EXPECT_NE(audit.out.find("pupil.la_sharing"), std::string::npos) << audit.out;
  audit = test::run_careerlink(
      {"--data-dir", d, "audit", "list", "--action", "nccis.export", "--format", "json"});
  EXPECT_NE(audit.out.find("school:137942"), std::string::npos) << audit.out;

  // Cara is 16 or over: a parent cannot give the instruction for her; nothing is recorded.
  auto parent = test::run_careerlink(
      {"--data-dir", d, "pupils", "la-sharing", upn(3), "--opt-out", "parent"});
  EXPECT_EQ(parent.exit_code, 64);
  EXPECT_NE(parent.err.find("16 or over"), std::string::npos) << parent.err;

  auto neither = test::run_careerlink({"--data-dir", d, "pupils", "la-sharing", upn(3)});
  EXPECT_EQ(neither.exit_code, 64);
  auto unknown = test::run_careerlink(
      {"--data-dir", d, "export", "nccis", "--school", "999999", "--out", out.string()});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("999999"), std::string::npos) << unknown.err;

  const auto folder = dir / "nccis";
  const auto config = dir / "careerlink.toml";
  test::write_file(config, "[nccis]\nfolder = \"" + folder.string() +
                               "\"\n\n[[job]]\nname = \"la-return\"\nschedule = \"0 6 1 * *\"\n"
                               "run = \"nccis:137942\"\n");
  auto job = test::run_careerlink(
      {"--config", config.string(), "--data-dir", d, "jobs", "run", "la-return"});
  ASSERT_EQ(job.exit_code, 0) << job.out << job.err;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    files.push_back(entry.path().filename().string());
  ASSERT_EQ(files.size(), 1U);
  EXPECT_TRUE(files[0].starts_with("nccis-137942-")) << files[0];
  EXPECT_TRUE(files[0].ends_with(".csv")) << files[0];
  EXPECT_TRUE(test::read_file(folder / files[0]).starts_with(kHeader));

  // A job without [nccis] folder is refused when the config is read.
  test::write_file(config,
                   "[[job]]\nname = \"la-return\"\nschedule = \"0 6 1 * *\"\n"
                   "run = \"nccis:137942\"\n");
  job = test::run_careerlink(
      {"--config", config.string(), "--data-dir", d, "jobs", "run", "la-return"});
  EXPECT_NE(job.exit_code, 0);
  EXPECT_NE((job.out + job.err).find("[nccis] folder"), std::string::npos) << job.out << job.err;
}

// "A parent (<16) or the student (16+)" (reference/careers-domain.md), on fixed dates.
TEST(S72Requester, AParentUntilSixteenThenThePupil) {
  EXPECT_EQ(s72_requester_problem("2011-05-10", "parent", "2027-05-09"), std::nullopt);
  EXPECT_NE(s72_requester_problem("2011-05-10", "pupil", "2027-05-09"), std::nullopt);
  EXPECT_EQ(s72_requester_problem("2011-05-10", "pupil", "2027-05-10"), std::nullopt);  // 16 today
  const auto parent = s72_requester_problem("2011-05-10", "parent", "2027-05-10");
  ASSERT_TRUE(parent);
  EXPECT_NE(parent->find("16 or over"), std::string::npos);
  const auto young = s72_requester_problem("2011-05-10", "pupil", "2026-11-24");
  ASSERT_TRUE(young);
  EXPECT_NE(young->find("16 on 2027-05-10"), std::string::npos) << *young;
  // Born on 29 February: 16 years on is a leap year too, save across a century (2100 is not).
  EXPECT_EQ(sixteenth_birthday("2012-02-29"), "2028-02-29");
  EXPECT_EQ(sixteenth_birthday("2084-02-29"), "2100-03-01");
  EXPECT_EQ(sixteenth_birthday("2011-02-29"), std::nullopt);  // not a date
  // No date of birth to check against: not refused (the command says it was not checked).
  EXPECT_EQ(s72_requester_problem(std::nullopt, "pupil", "2026-11-24"), std::nullopt);
  EXPECT_EQ(s72_requester_problem("unknown", "parent", "2026-11-24"), std::nullopt);
}

}  // namespace
}  // namespace careerlink::nccis
