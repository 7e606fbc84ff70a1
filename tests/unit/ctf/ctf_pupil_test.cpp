// Per-pupil field rules: identity, names, dates, sex, NC year, FSM, SEN, attendance, EAL,
// school history, and the problems recorded for bad values.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/ctf/ctf_test_support.hpp"

namespace careerlink::ctf_test {
namespace {

bool has_problem(const PupilRecord& p, const std::string& part) {
  return std::any_of(p.problems.begin(), p.problems.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

class SmallSchool : public ::testing::Test {
 protected:
  void SetUp() override {
    parsed_ = parse_file(data_file("school_small.xml"));
    ASSERT_TRUE(parsed_.result) << parsed_.result.error().to_string();
    ASSERT_EQ(parsed_.sink.pupils.size(), 3u);
  }
  const PupilRecord& zoe() const { return parsed_.sink.pupils[0]; }
  const PupilRecord& sian() const { return parsed_.sink.pupils[1]; }
  const PupilRecord& idris() const { return parsed_.sink.pupils[2]; }
  Parsed parsed_{std::unexpected(FileError{}), {}};
};

TEST_F(SmallSchool, IdentityAndNamesSurviveByteExact) {
  EXPECT_EQ(zoe().upn, "B801200005001");
  EXPECT_EQ(zoe().uln, "4567891234");
  EXPECT_EQ(zoe().surname, "O'Brien-\xC5\x81ukasik");  // Ł is C5 81 in UTF-8
  EXPECT_EQ(zoe().forename, "Zo\xC3\xAB");
  EXPECT_EQ(zoe().preferred_surname, "\xC5\x81ukasik");
  EXPECT_EQ(zoe().preferred_forename, "Zo");
  EXPECT_EQ(zoe().middle_names, "Anna Maria");
  EXPECT_EQ(zoe().dob, "2010-03-14");
  EXPECT_EQ(zoe().sex, "F");
  EXPECT_EQ(zoe().nc_year, "10");
  EXPECT_EQ(zoe().enrol_status, "C");
  EXPECT_EQ(sian().forename, "Si\xC3\xA2n");
  EXPECT_TRUE(zoe().problems.empty());
  EXPECT_TRUE(sian().problems.empty());
}

TEST_F(SmallSchool, ContactNamesDoNotLeakIntoThePupil) {
  // The contact is Agnieszka Łukasik; the pupil's own Forename must stay Zoë.
  EXPECT_EQ(zoe().forename, "Zo\xC3\xAB");
  EXPECT_EQ(zoe().surname, "O'Brien-\xC5\x81ukasik");
}

TEST_F(SmallSchool, FormerUpnsRepeat) {
  EXPECT_EQ(zoe().former_upns, (std::vector<std::string>{"M80120000500A", "P207000016049"}));
  EXPECT_TRUE(sian().former_upns.empty());
}

TEST_F(SmallSchool, LineIsThatOfThePupilStartTag) {
  const std::string text = read_bytes(data_file("school_small.xml"));
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 7, "<Pupil>") == 0) lines.push_back(line);
    if (text[i] == '\n') ++line;
  }
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(zoe().line, lines[0]);
  EXPECT_EQ(sian().line, lines[1]);
  EXPECT_EQ(idris().line, lines[2]);
}

TEST_F(SmallSchool, FsmCurrentEndedAndAbsent) {
  // Header date 2025-08-12: Zoë's second instance runs on; Siân's ended in 2024.
  EXPECT_EQ(zoe().fsm, true);
  EXPECT_EQ(sian().fsm, false);
  EXPECT_FALSE(idris().fsm.has_value());
}

TEST_F(SmallSchool, SenFromLatestStartDateEvenWhenListedFirst) {
  EXPECT_EQ(zoe().sen, "E");
  EXPECT_EQ(zoe().ehcp, true);
  EXPECT_EQ(sian().sen, "K");
  EXPECT_EQ(sian().ehcp, false);
  EXPECT_FALSE(idris().sen.has_value());
  EXPECT_FALSE(idris().ehcp.has_value());
}

TEST_F(SmallSchool, LookedAfter) {
  EXPECT_EQ(zoe().looked_after, true);
  EXPECT_EQ(sian().looked_after, false);
  EXPECT_FALSE(idris().looked_after.has_value());
}

TEST_F(SmallSchool, AttendanceFromLatestYear) {
  // 2024: 361 of 380 = 95.0 (2023 would give 79.8).
  ASSERT_TRUE(zoe().attendance_pct.has_value());
  EXPECT_DOUBLE_EQ(*zoe().attendance_pct, 95.0);
  // No SessionsAttended: 300 - 20 - 9 = 271 of 300 = 90.33 -> 90.3.
  ASSERT_TRUE(sian().attendance_pct.has_value());
  EXPECT_DOUBLE_EQ(*sian().attendance_pct, 90.3);
  EXPECT_FALSE(idris().attendance_pct.has_value());
}

TEST_F(SmallSchool, EalFromFirstLanguage) {
  EXPECT_EQ(zoe().eal, true);    // first language POL (home language ENG is not first)
  EXPECT_EQ(sian().eal, false);  // ENG
  EXPECT_FALSE(idris().eal.has_value());
}

TEST_F(SmallSchool, OnRollAndLeavingDatesFromOwnSchoolHistoryOnly) {
  EXPECT_EQ(zoe().on_roll_date, "2021-09-06");   // not the primary's 2014 entry
  EXPECT_FALSE(zoe().leaving_date.has_value());  // not the primary's 2021 leaving date
  EXPECT_EQ(sian().on_roll_date, "2020-09-03");
  EXPECT_EQ(sian().leaving_date, "2025-07-18");
}

TEST_F(SmallSchool, MissingDobIsLeftEmptyForTheImporter) {
  EXPECT_FALSE(idris().dob.has_value());
  EXPECT_TRUE(idris().problems.empty());
}

TEST(CtfPupil, GenderAndOldSenCodes) {
  auto p = parse_file(data_file("ctf12_gender.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 3u);
  EXPECT_EQ(p.sink.pupils[0].sex, "F");
  EXPECT_EQ(p.sink.pupils[1].sex, "M");  // written "m"
  EXPECT_EQ(p.sink.pupils[2].sex, "M");
  EXPECT_EQ(p.sink.pupils[0].sen, "E");  // S, statement
  EXPECT_EQ(p.sink.pupils[0].ehcp, true);
  EXPECT_EQ(p.sink.pupils[1].sen, "K");  // A, School Action
  EXPECT_EQ(p.sink.pupils[1].ehcp, false);
  EXPECT_EQ(p.sink.pupils[2].sen, "K");  // P, School Action Plus
}

TEST(CtfPupil, SexAndGenderTags) {
  EXPECT_EQ(one_pupil("<Sex>F</Sex>").sex, "F");
  EXPECT_EQ(one_pupil("<Gender>M</Gender>").sex, "M");
  EXPECT_EQ(one_pupil("<Sex> f </Sex>").sex, "F");
  EXPECT_FALSE(one_pupil("").sex.has_value());
  const auto bad = one_pupil("<Sex>X</Sex>");
  EXPECT_FALSE(bad.sex.has_value());
  EXPECT_TRUE(has_problem(bad, "Sex 'X' is not M or F"));
  EXPECT_TRUE(has_problem(one_pupil("<Gender>Q</Gender>"), "Gender 'Q'"));
}

TEST(CtfPupil, NcYearCodes) {
  const auto year = [](const std::string& v) {
    return one_pupil("<BasicDetails><NCyearActual>" + v + "</NCyearActual></BasicDetails>");
  };
  EXPECT_EQ(year("N1").nc_year, "N1");
  EXPECT_EQ(year("N2").nc_year, "N2");
  EXPECT_EQ(year("R").nc_year, "R");
  EXPECT_EQ(year("1").nc_year, "1");
  EXPECT_EQ(year("14").nc_year, "14");
  EXPECT_EQ(year("07").nc_year, "7");
  EXPECT_EQ(year("X").nc_year, "X");
  for (const char* bad : {"0", "15", "Y7", "N3", "-1"}) {
    const auto p = year(bad);
    EXPECT_FALSE(p.nc_year.has_value()) << bad;
    EXPECT_TRUE(has_problem(p, std::string("NCyearActual '") + bad + "'")) << bad;
  }
}

TEST(CtfPupil, InCareValues) {
  const auto care = [](const std::string& v) {
    return one_pupil("<LookedAfter><InCare>" + v + "</InCare></LookedAfter>").looked_after;
  };
  for (const char* t : {"true", "1", "Y", "yes", "TRUE"})
    EXPECT_EQ(care(t), true) << t;
  for (const char* f : {"false", "0", "N", "no"})
    EXPECT_EQ(care(f), false) << f;
  const auto bad = one_pupil("<LookedAfter><InCare>maybe</InCare></LookedAfter>");
  EXPECT_FALSE(bad.looked_after.has_value());
  EXPECT_TRUE(has_problem(bad, "InCare 'maybe'"));
}

std::string fsm(const std::string& instances) {
  return "<FSMhistory><FSMreviewDate>2025-04-01</FSMreviewDate>" + instances + "</FSMhistory>";
}
std::string instance(const std::string& start, const std::string& end = "") {
  std::string s = "<FSMinstance><FSMstartDate>" + start + "</FSMstartDate>";
  if (!end.empty()) s += "<FSMendDate>" + end + "</FSMendDate>";
  return s + "<UKcountry>ENG</UKcountry></FSMinstance>";
}

TEST(CtfPupil, FsmCurrencyAgainstHeaderDate) {
  // ctf_with's header DateTime is 2025-08-12.
  EXPECT_EQ(one_pupil(fsm(instance("2024-01-01"))).fsm, true);
  EXPECT_EQ(one_pupil(fsm(instance("2024-01-01", "2025-08-12"))).fsm, true);  // ends today
  EXPECT_EQ(one_pupil(fsm(instance("2025-08-12"))).fsm, true);                // starts today
  EXPECT_EQ(one_pupil(fsm(instance("2024-01-01", "2025-08-11"))).fsm, false);
  EXPECT_EQ(one_pupil(fsm(instance("2025-09-01"))).fsm, false);  // not started yet
  EXPECT_EQ(one_pupil(fsm(instance("2020-01-01", "2021-01-01") + instance("2023-05-01"))).fsm,
            true);
  EXPECT_EQ(one_pupil(fsm("")).fsm, false);  // history present, nothing current
  EXPECT_FALSE(one_pupil("").fsm.has_value());
}

TEST(CtfPupil, FsmAsOfOptionOverridesHeaderDate) {
  CtfOptions options;
  options.as_of_date = "2021-06-01";
  EXPECT_EQ(one_pupil(fsm(instance("2020-01-01", "2021-12-31")), options).fsm, true);
  options.as_of_date = "2022-06-01";
  EXPECT_EQ(one_pupil(fsm(instance("2020-01-01", "2021-12-31")), options).fsm, false);
}

TEST(CtfPupil, FsmAsOfOptionMustBeADate) {
  CtfOptions options;
  options.as_of_date = "01/06/2021x";
  auto p = parse_text(ctf_with(""), options);
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("FSM reference date"), std::string::npos);
}

TEST(CtfPupil, FsmWithoutHeaderDateUsesToday) {
  const std::string xml =
      "<CTfile><Header><CTFversion>25.0</CTFversion><SourceSchool><LEA>820</LEA>"
      "<Estab>1234</Estab></SourceSchool></Header><CTFpupilData>" +
      pupil_with(fsm(instance("2000-01-01", "2001-01-01") + instance("2001-02-01"))) +
      pupil_with(fsm(instance("2000-01-01", "2001-01-01"))) + "</CTFpupilData></CTfile>";
  auto p = parse_text(xml);
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 2u);
  EXPECT_EQ(p.sink.pupils[0].fsm, true);
  EXPECT_EQ(p.sink.pupils[1].fsm, false);
}

TEST(CtfPupil, SenCodesMap) {
  const auto sen = [](const std::string& code) {
    return one_pupil("<SENhistory><SEN><StartDate>2024-09-01</StartDate><SENprovision>" + code +
                     "</SENprovision></SEN></SENhistory>");
  };
  const std::pair<const char*, const char*> table[] = {
      {"N", "N"}, {"K", "K"}, {"E", "E"}, {"S", "E"}, {"A", "K"}, {"P", "K"}, {"e", "E"}};
  for (const auto& [in, out] : table) {
    const auto p = sen(in);
    EXPECT_EQ(p.sen, out) << in;
    EXPECT_EQ(p.ehcp, std::string(out) == "E") << in;
    EXPECT_TRUE(p.problems.empty()) << in;
  }
  const auto bad = sen("Z");
  EXPECT_FALSE(bad.sen.has_value());
  EXPECT_TRUE(has_problem(bad, "SENprovision 'Z'"));
}

TEST(CtfPupil, SenWithoutDatesTakesTheLastListed) {
  const auto p = one_pupil(
      "<SENhistory><SEN><SENprovision>E</SENprovision></SEN>"
      "<SEN><SENprovision>N</SENprovision></SEN></SENhistory>");
  EXPECT_EQ(p.sen, "N");
  EXPECT_EQ(p.ehcp, false);
}

std::string year_data(int year, const std::string& body) {
  return "<YearData><Year>" + std::to_string(year) + "</Year>" + body + "</YearData>";
}

TEST(CtfPupil, AttendanceRules) {
  const auto att = [](const std::string& years) {
    return one_pupil("<Attendance>" + years + "</Attendance>").attendance_pct;
  };
  // Latest year wins wherever it is listed.
  EXPECT_EQ(att(year_data(2023,
                          "<SessionsPossible>100</SessionsPossible>"
                          "<SessionsAttended>50</SessionsAttended>") +
                year_data(2024,
                          "<SessionsPossible>200</SessionsPossible>"
                          "<SessionsAttended>190</SessionsAttended>") +
                year_data(2022,
                          "<SessionsPossible>100</SessionsPossible>"
                          "<SessionsAttended>10</SessionsAttended>")),
            95.0);
  // 2 of 3 = 66.666... -> 66.7.
  EXPECT_EQ(att(year_data(2024,
                          "<SessionsPossible>3</SessionsPossible>"
                          "<SessionsAttended>2</SessionsAttended>")),
            66.7);
  // Derived: 380 - 10 - 9 = 361 of 380 = 95.0.
  EXPECT_EQ(att(year_data(2024,
                          "<SessionsPossible>380</SessionsPossible>"
                          "<SessionsAuthorised>10</SessionsAuthorised>"
                          "<SessionsUnauthorised>9</SessionsUnauthorised>")),
            95.0);
  EXPECT_FALSE(att(year_data(2024, "<SessionsPossible>0</SessionsPossible>")).has_value());
  EXPECT_FALSE(att(year_data(2024, "<SessionsAttended>10</SessionsAttended>")).has_value());
  EXPECT_FALSE(att("").has_value());
}

TEST(CtfPupil, ImpossibleAttendanceIsAProblem) {
  const auto p = one_pupil("<Attendance>" +
                           year_data(2024,
                                     "<SessionsPossible>100</SessionsPossible>"
                                     "<SessionsAttended>120</SessionsAttended>") +
                           "</Attendance>");
  EXPECT_FALSE(p.attendance_pct.has_value());
  EXPECT_TRUE(has_problem(p, "120 sessions attended out of 100"));
  const auto q =
      one_pupil("<Attendance>" + year_data(2024, "<SessionsPossible>many</SessionsPossible>") +
                "</Attendance>");
  EXPECT_TRUE(has_problem(q, "SessionsPossible 'many' is not a whole number"));
}

TEST(CtfPupil, EalCodes) {
  const auto eal = [](const std::string& types) {
    return one_pupil("<BasicDetails><Languages>" + types + "</Languages></BasicDetails>").eal;
  };
  const auto type = [](const std::string& kind, const std::string& code) {
    return "<Type><LanguageType>" + kind + "</LanguageType><Language>" + code +
           "</Language></Type>";
  };
  EXPECT_EQ(eal(type("F", "ENG")), false);
  EXPECT_EQ(eal(type("F", "ENB")), false);
  EXPECT_EQ(eal(type("F", "URD")), true);
  EXPECT_EQ(eal(type("F", "OTB")), true);
  EXPECT_FALSE(eal(type("F", "NOT")).has_value());
  EXPECT_FALSE(eal(type("F", "REF")).has_value());
  EXPECT_FALSE(eal(type("H", "POL")).has_value());  // home language only: not the first
  EXPECT_EQ(eal(type("H", "POL") + type("F", "ENG")), false);
}

TEST(CtfPupil, LatestAdmissionToThisSchoolWins) {
  const auto p = one_pupil(
      "<SchoolHistory>"
      "<School><LEA>820</LEA><Estab>1234</Estab><EntryDate>2019-09-04</EntryDate>"
      "<LeavingDate>2020-03-01</LeavingDate></School>"
      "<School><LEA>820</LEA><Estab>1234</Estab><EntryDate>2021-01-05</EntryDate></School>"
      "<School><LEA>821</LEA><Estab>1234</Estab><EntryDate>2022-01-05</EntryDate></School>"
      "</SchoolHistory>");
  EXPECT_EQ(p.on_roll_date, "2021-01-05");
  EXPECT_FALSE(p.leaving_date.has_value());
}

TEST(CtfPupil, ProblemsFileRecordsEachFault) {
  auto p = parse_file(data_file("problems.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 24.0");
  ASSERT_EQ(p.sink.pupils.size(), 2u);
  const auto& ellie = p.sink.pupils[0];
  EXPECT_FALSE(ellie.dob.has_value());
  ASSERT_FALSE(ellie.problems.empty());
  EXPECT_EQ(ellie.problems[0], "DOB '2010-02-30' is not a valid date (YYYY-MM-DD)");
  const auto& kacper = p.sink.pupils[1];
  EXPECT_TRUE(has_problem(kacper, "Sex 'X' is not M or F"));
  EXPECT_TRUE(has_problem(kacper, "NCyearActual '15'"));
  EXPECT_TRUE(has_problem(kacper, "FSMstartDate '31/02/2020' is not a valid date"));
  EXPECT_EQ(kacper.fsm, false);  // the only instance has no usable start date
}

TEST(CtfPupil, BadDatesAnywhereAreNamed) {
  const auto p = one_pupil(
      "<SENhistory><SEN><StartDate>2024-13-01</StartDate><SENprovision>K</SENprovision></SEN>"
      "</SENhistory><SchoolHistory><School><LEA>820</LEA><Estab>1234</Estab>"
      "<EntryDate>yesterday</EntryDate><LeavingDate>2023-02-29</LeavingDate></School>"
      "</SchoolHistory><FSMhistory><FSMinstance><FSMstartDate>2020-01-01</FSMstartDate>"
      "<FSMendDate>2020-00-10</FSMendDate></FSMinstance></FSMhistory>");
  EXPECT_TRUE(has_problem(p, "StartDate '2024-13-01'"));
  EXPECT_TRUE(has_problem(p, "EntryDate 'yesterday'"));
  EXPECT_TRUE(has_problem(p, "LeavingDate '2023-02-29'"));
  EXPECT_TRUE(has_problem(p, "FSMendDate '2020-00-10'"));
}

TEST(CtfPupil, UnknownElementsAreIgnored) {
  const auto p = one_pupil(
      "<Sex>M</Sex><SomethingNew><Deep><Deeper>x</Deeper></Deep></SomethingNew>"
      "<NAWdetails><SpeakWelsh>N</SpeakWelsh></NAWdetails>"
      "<StageAssessments><KeyStage><Stage>KS2</Stage><StageAssessment><Year>2021</Year>"
      "<Result>EXS</Result></StageAssessment></KeyStage></StageAssessments>");
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.sex, "M");
}

TEST(CtfPupil, WhitespaceAroundValuesIsTrimmed) {
  const auto p = one_pupil("<UniqueLearnerNumber>\n  1234567890\n</UniqueLearnerNumber>");
  EXPECT_EQ(p.uln, "1234567890");
  EXPECT_EQ(one_pupil("<Sex/>").sex, std::nullopt);
}

}  // namespace
}  // namespace careerlink::ctf_test
