// The careerlink command end to end: the real binary, a real data directory, the bundled sample
// school. These are the behaviours a school's IT staff and their scripts rely on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using test::CommandResult;
using test::read_file;
using test::run_careerlink;
using test::sample_school;
using test::TempDir;
using test::write_file;

const std::string kCtf = "8204321_CTF_8204321_001.xml";

struct Cli {
  TempDir dir;
  CommandResult operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--data-dir", (dir / "data").string()});
    return run_careerlink(args);
  }
  // Imports the whole sample school: CTF, pupil list with tutor groups, staff list.
  void load_sample() const {
    ASSERT_EQ((*this)({"import", "ctf", sample_school(kCtf).string()}).exit_code, 0);
    ASSERT_EQ((*this)({"import", "csv", sample_school("pupils-with-tutor-groups.csv").string(),
                       "--preset", "pupils"})
                  .exit_code,
              0);
    ASSERT_EQ(
        (*this)({"import", "csv", sample_school("staff-groups.csv").string(), "--preset", "staff"})
            .exit_code,
        0);
  }
};

nlohmann::json json_line(const std::string& text, std::size_t index = 0) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i)
    start = text.find('\n', start) + 1;
  return nlohmann::json::parse(text.substr(start, text.find('\n', start) - start));
}

TEST(Cli, VersionPrintsTheVersion) {
  auto r = run_careerlink({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("careerlink "), std::string::npos);
}

TEST(Cli, UnknownCommandIsAUsageError) {
  auto r = run_careerlink({"frobnicate"});
  EXPECT_EQ(r.exit_code, 64);
}

TEST(Cli, ImportCtfThenAgainSaysUnchanged) {
  Cli cl;
  auto first = cl({"import", "ctf", sample_school(kCtf).string(), "--format", "json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto s1 = json_line(first.out);
  EXPECT_EQ(s1["file"], sample_school(kCtf).string());
  EXPECT_EQ(s1["imported"], 28);
  EXPECT_EQ(s1["updated"], 0);
  EXPECT_EQ(s1["unchanged"], 0);
  EXPECT_TRUE(s1["rejected"].is_array() && s1["rejected"].empty());

  auto second = cl({"import", "ctf", sample_school(kCtf).string(), "--format", "json"});
  ASSERT_EQ(second.exit_code, 0);
  auto s2 = json_line(second.out);
  EXPECT_EQ(s2["imported"], 0);
  EXPECT_EQ(s2["updated"], 0);
  EXPECT_EQ(s2["unchanged"], 28);

  auto text = cl({"import", "ctf", sample_school(kCtf).string()});
  EXPECT_NE(text.out.find("nothing changed"), std::string::npos) << text.out;
}

TEST(Cli, SomeRecordsRejectedExitsThreeAndNamesLineAndReason) {
  Cli cl;
  std::string ctf = read_file(sample_school(kCtf));
  // Break the check letter of the first pupil's UPN.
  const auto at = ctf.find("<UPN>Y820432120001</UPN>");
  ASSERT_NE(at, std::string::npos);
  ctf.replace(at, 24, "<UPN>A820432120001</UPN>");
  const auto line =
      static_cast<std::size_t>(std::count(ctf.begin(), ctf.begin() + static_cast<long>(at), '\n'));
  write_file(cl.dir / "bad-upn.xml", ctf);
  auto r = cl({"import", "ctf", (cl.dir / "bad-upn.xml").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto s = json_line(r.out);
  EXPECT_EQ(s["imported"], 27);
  ASSERT_EQ(s["rejected"].size(), 1u);
  EXPECT_EQ(s["rejected"][0]["upn"], "A820432120001");
  // The <Pupil> element starts a line before the <UPN> line.
  EXPECT_EQ(s["rejected"][0]["line"], line);
  EXPECT_NE(s["rejected"][0]["reason"].get<std::string>().find("check letter"), std::string::npos);
}

TEST(Cli, ARefusedFileExitsSixtyFiveAndWritesNothing) {
  Cli cl;
  std::string ctf = read_file(sample_school(kCtf));
  write_file(cl.dir / "truncated.xml", ctf.substr(0, ctf.size() * 2 / 3));
  auto r = cl({"import", "ctf", (cl.dir / "truncated.xml").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 65);
  auto s = json_line(r.out);
  EXPECT_EQ(s["refused"], true);
  EXPECT_GT(s["line"].get<int>(), 0);
  EXPECT_FALSE(s["error"].get<std::string>().empty());
  auto listed = cl({"pupils", "list", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 0u) << "nothing from a refused file";

  auto text = cl({"import", "ctf", (cl.dir / "truncated.xml").string()});
  EXPECT_EQ(text.exit_code, 65);
  EXPECT_NE(text.err.find("truncated.xml:"), std::string::npos) << text.err;
}

TEST(Cli, SeveralFilesGetOneSummaryEachAndTheWorstStatus) {
  Cli cl;
  write_file(cl.dir / "not-xml.xml", "UPN,Surname\nB801200005001,Smith\n");
  auto r = cl({"import", "ctf", sample_school(kCtf).string(), (cl.dir / "not-xml.xml").string(),
               "--format", "json"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(json_line(r.out, 0)["imported"], 28);
  EXPECT_EQ(json_line(r.out, 1)["refused"], true);
}

TEST(Cli, PupilsListCarriesTheDocumentedFields) {
  Cli cl;
  cl.load_sample();
  auto r = cl({"pupils", "list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pupils = nlohmann::json::parse(r.out);
  ASSERT_EQ(pupils.size(), 28u);
  for (const char* key : {"upn", "former_upns", "uln", "forename", "surname", "preferred_forename",
                          "dob", "sex", "nc_year", "school_laestab", "school_urn", "fsm", "sen",
                          "looked_after", "attendance_pct", "tutor_group", "on_roll"}) {
    EXPECT_TRUE(pupils[0].contains(key)) << key;
  }
  EXPECT_TRUE(pupils[0]["former_upns"].is_array());
  EXPECT_TRUE(pupils[0]["nc_year"].is_string());
  EXPECT_EQ(pupils[0]["school_laestab"], "8204321");
  EXPECT_EQ(pupils[0]["school_urn"], "137942");
  EXPECT_TRUE(pupils[0]["fsm"].is_boolean());
  EXPECT_TRUE(pupils[0]["on_roll"].is_boolean());
}

TEST(Cli, PupilsListFiltersByYearAndGroup) {
  Cli cl;
  cl.load_sample();
  auto year = nlohmann::json::parse(cl({"pupils", "list", "--year", "11", "--format", "json"}).out);
  EXPECT_EQ(year.size(), 4u);
  for (const auto& p : year)
    EXPECT_EQ(p["nc_year"], "11");
  auto group =
      nlohmann::json::parse(cl({"pupils", "list", "--group", "10A", "--format", "json"}).out);
  ASSERT_FALSE(group.empty());
  for (const auto& p : group)
    EXPECT_EQ(p["tutor_group"], "10A");
  auto csv = cl({"pupils", "list", "--year", "Year 11", "--format", "csv"});
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 5);  // header + 4 pupils
}

TEST(Cli, PupilsShowFindsByFormerUpnAndKeepsNamesByteExact) {
  Cli cl;
  cl.load_sample();
  auto r = cl({"pupils", "show", "T82043211499A", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = nlohmann::json::parse(r.out);
  EXPECT_EQ(p["upn"], "Z820432118010");
  EXPECT_EQ(p["former_upns"], nlohmann::json::array({"T82043211499A"}));

  auto accented =
      nlohmann::json::parse(cl({"pupils", "show", "Y820432120001", "--format", "json"}).out);
  EXPECT_EQ(accented["forename"], "Si\xC3\xA2n");  // Siân, UTF-8
  EXPECT_EQ(accented["tutor_group"], "7A");

  auto missing = cl({"pupils", "show", "B801200005001"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no pupil"), std::string::npos);
}

TEST(Cli, StaffListShowsGroupsFromTheStaffCsv) {
  Cli cl;
  cl.load_sample();
  auto staff = nlohmann::json::parse(cl({"staff", "list", "--format", "json"}).out);
  ASSERT_EQ(staff.size(), 12u);
  bool found = false;
  for (const auto& s : staff) {
    if (s["email"] == "b.osei@riverside.sch.uk") {
      found = true;
      EXPECT_EQ(s["groups"][0]["group"], "10B");
      EXPECT_EQ(s["groups"][0]["role"], "tutor");
    }
  }
  EXPECT_TRUE(found);
  // The optional Group Type column makes a head of year's group a year group.
  auto hoy = std::ranges::find(staff, nlohmann::json("m.thompson@riverside.sch.uk"),
                               [](const nlohmann::json& s) { return s["email"]; });
  ASSERT_NE(hoy, staff.end());
  EXPECT_EQ((*hoy)["groups"][0]["role"], "head_of_year");
}

TEST(Cli, ConfigCheckNamesFileAndLineAndExitsSeventyEight) {
  Cli cl;
  write_file(cl.dir / "bad.toml", "[log]\nlevel = \"info\"\nlevle = \"debug\"\n");
  auto r = cl({"config", "check", (cl.dir / "bad.toml").string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("bad.toml:3:"), std::string::npos) << r.err;
  write_file(cl.dir / "good.toml", "[log]\nlevel = \"debug\"\n");
  EXPECT_EQ(cl({"config", "check", (cl.dir / "good.toml").string()}).exit_code, 0);
  // A command run with a bad config refuses to start.
  auto import = cl(
      {"--config", (cl.dir / "bad.toml").string(), "import", "ctf", sample_school(kCtf).string()});
  EXPECT_EQ(import.exit_code, 78);
}

TEST(Cli, ConfigDescribeListsKeysWithDefaults) {
  auto r = run_careerlink({"config", "describe"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("log.level"), std::string::npos);
  EXPECT_NE(r.out.find("store.busy_timeout_ms"), std::string::npos);
}

TEST(Cli, LogsGoToTheDataDirectoryWithoutPupilNames) {
  Cli cl;
  cl.load_sample();
  const std::string log = read_file(cl.dir / "data" / "log" / "careerlink.log");
  EXPECT_NE(log.find("imported"), std::string::npos);
  for (const char* name : {"MacDonald", "Si\xC3\xA2n", "2014-11-02"}) {
    EXPECT_EQ(log.find(name), std::string::npos) << name << " must not be logged at info";
  }
}

TEST(Cli, ProgressIsNotDrawnWhenStderrIsNotATerminal) {
  Cli cl;
  auto r = cl({"import", "ctf", sample_school(kCtf).string()});
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST(Cli, ProgressIsDrawnOnATerminal) {
  // `script` (util-linux) gives the command a pseudo-terminal, as a technician's shell would.
  Cli cl;
  const auto big = cl.dir / "big.xml";
  auto gen = test::run_command(CAREERLINK_GEN_BINARY,
                               {"ctf", "--pupils", "1500", "--seed", "3", "--out", big.string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string command = std::string(CAREERLINK_BINARY) + " --data-dir " +
                              (cl.dir / "data").string() + " import ctf " + big.string();
  auto r = test::run_command("/usr/bin/script", {"-qec", command, "/dev/null"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\rimporting " + big.string()), std::string::npos);
  EXPECT_NE(r.out.find('%'), std::string::npos);
  EXPECT_NE(r.out.find("1500 imported"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace careerlink
