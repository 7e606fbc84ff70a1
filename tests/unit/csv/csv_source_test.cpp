#include <gtest/gtest.h>

#include <string>

#include "tests/unit/csv/csv_test_support.hpp"

namespace careerlink::csvtest {
namespace {

constexpr std::string_view kHeader =
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Date of Birth,Gender,Year,Reg Group\n";

std::string pupils_csv(std::string_view rows) {
  return std::string(kHeader) + std::string(rows);
}

TEST(CsvSource, ReadsAPupilRowThroughThePreset) {
  ScratchDir dir;
  const auto r =
      read_bytes(dir, pupils_csv(" b801200005001 , Smith ,  Ava ,,14/09/2010,Female,Year 10,10B\n"),
                 preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  EXPECT_EQ(r.info->format, "CSV (preset pupils)");
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  const PupilRecord& p = r.sink.pupils[0];
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.upn, "B801200005001");  // trimmed and upper-cased
  EXPECT_EQ(p.surname, "Smith");
  EXPECT_EQ(p.forename, "Ava");
  EXPECT_EQ(p.preferred_forename, std::nullopt);  // empty cell: not given
  EXPECT_EQ(p.dob, "2010-09-14");
  EXPECT_EQ(p.sex, "F");
  EXPECT_EQ(p.nc_year, "10");
  EXPECT_EQ(p.tutor_group, "10B");
  EXPECT_EQ(p.fsm, std::nullopt);  // not mapped: never invented
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(r.sink.schools, 0);  // a CSV names no school
}

TEST(CsvSource, QuotedFieldsKeepCommasNewlinesAndDoubledQuotes) {
  ScratchDir dir;
  const auto r =
      read_bytes(dir,
                 pupils_csv("B801200005001,\"Smith, Jr\",\"Anne\nMarie\",\"Jo \"\"JJ\"\"\","
                            "01/01/2011,M,9,9A\n"),
                 preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].surname, "Smith, Jr");
  EXPECT_EQ(r.sink.pupils[0].forename, "Anne\nMarie");
  EXPECT_EQ(r.sink.pupils[0].preferred_forename, "Jo \"JJ\"");
  EXPECT_TRUE(r.sink.pupils[0].problems.empty());
}

TEST(CsvSource, ReadsCrlfLineEndings) {
  ScratchDir dir;
  const std::string text =
      "UPN,Legal Surname,Legal Forename,Preferred Forename,Date of Birth,Gender,Year,Reg Group\r\n"
      "B801200005001,Smith,Ava,,14/09/2010,F,10,10B\r\n"
      "P207000016049,Jones,Noah,,02/03/2011,M,9,9C\r\n";
  const auto r = read_bytes(dir, text, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 2u);
  EXPECT_EQ(r.sink.pupils[0].tutor_group, "10B");  // no stray \r on the last cell
  EXPECT_EQ(r.sink.pupils[1].tutor_group, "9C");
  EXPECT_EQ(r.sink.pupils[1].line, 3u);
}

TEST(CsvSource, StripsAUtf8ByteOrderMark) {
  ScratchDir dir;
  const auto r = read_bytes(dir, "\xEF\xBB\xBF" + pupils_csv("B801200005001,Smith,Zoë,,,,,\n"),
                            preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();  // "UPN" matched despite the BOM
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].upn, "B801200005001");
  EXPECT_EQ(r.sink.pupils[0].forename, "Zoë");
}

TEST(CsvSource, LineNumbersCountNewlinesInsideQuotedFields) {
  ScratchDir dir;
  const std::string text = std::string(kHeader) +                                // line 1
                           "B801200005001,\"Smith\r\nJones\nBrown\",Ava,,,,,\n"  // lines 2-4
                           "P207000016049,Khan,Ali,,,,,\n"                       // line 5
                           "\n"                                                  // line 6: blank
                           "M80120000500A,\"O'Brien\",\"Sean\n\",,,,,\n"         // lines 7-8
                           "B801200005001,Last,Row,,,,,";  // line 9, no final newline
  const auto r = read_bytes(dir, text, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 4u);
  EXPECT_EQ(r.sink.pupils[0].line, 2u);
  EXPECT_EQ(r.sink.pupils[1].line, 5u);
  EXPECT_EQ(r.sink.pupils[2].line, 7u);
  EXPECT_EQ(r.sink.pupils[3].line, 9u);
  EXPECT_EQ(r.sink.pupils[3].forename, "Row");
}

TEST(CsvSource, LineNumbersStayRightAcrossChunkBoundaries) {
  ScratchDir dir;
  // A 1,000-line quoted field (about 100 KiB) spans the reader's 64 KiB chunks.
  std::string big;
  for (int i = 0; i < 1000; ++i)
    big += std::string(99, 'x') + "\n";
  const std::string text =
      pupils_csv("B801200005001,\"" + big + "\",A,,,,,\nP207000016049,B,C,,,,,\n");
  CsvOptions options;
  options.max_field_bytes = std::size_t{200} * 1024;
  const auto r = read_bytes(dir, text, preset("pupils"), options);
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 2u);
  EXPECT_EQ(r.sink.pupils[0].surname->size(), big.size() - 1);  // last \n trimmed
  EXPECT_EQ(r.sink.pupils[1].line, 1003u);  // header, 1001 lines of record 1, then this
  ASSERT_FALSE(r.sink.progress.empty());
  EXPECT_GT(r.sink.progress.size(), 1u);  // more than one chunk
  EXPECT_EQ(r.sink.progress.back().first, text.size());
  EXPECT_EQ(r.sink.progress.back().second, text.size());
}

TEST(CsvSource, ReadsOldMacCarriageReturnLineEnds) {
  ScratchDir dir;
  const std::string text =
      "UPN,Legal Surname,Legal Forename,Preferred Forename,Date of Birth,Gender,Year,Reg Group\r"
      "B801200005001,\"Smith\rJones\",Ava,,,,,\r"
      "P207000016049,Jones,Noah,,,,,\r";
  const auto r = read_bytes(dir, text, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 2u);
  EXPECT_EQ(r.sink.pupils[0].line, 2u);
  EXPECT_EQ(r.sink.pupils[1].line, 4u);
}

TEST(CsvSource, RowWithAbsurdlyManyFieldsIsRefused) {
  ScratchDir dir;
  const auto r = read_bytes(dir, pupils_csv(std::string(20000, ',') + "\n"), preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 2u);
  EXPECT_TRUE(contains(r.info.error().message, "more than 10000 fields")) << r.info.error().message;
}

TEST(CsvSource, WrongFieldCountIsAProblemOnThatRecordOnly) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,Smith,Ava,,14/09/2010,F,10\n"
                                       "P207000016049,Jones,Noah,,02/03/2011,M,9,9C\n"
                                       "M80120000500A,Khan,Ali,,02/03/2011,M,9,9C,extra\n"),
                            preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 3u);
  ASSERT_EQ(r.sink.pupils[0].problems.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].problems[0], "row has 7 fields; the header has 8");
  EXPECT_EQ(r.sink.pupils[0].upn, "B801200005001");  // still read, for the import report
  EXPECT_TRUE(r.sink.pupils[1].problems.empty());
  ASSERT_EQ(r.sink.pupils[2].problems.size(), 1u);
  EXPECT_EQ(r.sink.pupils[2].problems[0], "row has 9 fields; the header has 8");
}

TEST(CsvSource, SkipsCompletelyEmptyRows) {
  ScratchDir dir;
  const auto r = read_bytes(
      dir, pupils_csv("\n,,,,,,,\n  ,  , ,,,,,\r\n\nB801200005001,S,A,,,,,\n"), preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].line, 6u);
}

TEST(CsvSource, BadDateIsAProblemNamingColumnAndForm) {
  ScratchDir dir;
  const auto r = read_bytes(dir, pupils_csv("B801200005001,Smith,Ava,,31/02/2010,F,10,10B\n"),
                            preset("pupils"));
  ASSERT_TRUE(r.info);
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  ASSERT_EQ(r.sink.pupils[0].problems.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].problems[0],
            "column 'Date of Birth': '31/02/2010' is not a date (DD/MM/YYYY)");
  EXPECT_EQ(r.sink.pupils[0].dob, std::nullopt);
}

TEST(CsvSource, ProblemsNameTheHeaderAsTheFileSpellsIt) {
  ScratchDir dir;
  const std::string text =
      "upn,LEGAL SURNAME,legal forename,preferred forename,date of birth,gender,year,reg group\n"
      "B801200005001,Smith,Ava,,14/09/2010,F,Year 20,10B\n";
  const auto r = read_bytes(dir, text, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  ASSERT_EQ(r.sink.pupils[0].problems.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].problems[0],
            "column 'year': 'Year 20' is not an NC year (N1, N2, R, 1 to 14 or X)");
}

constexpr std::string_view kAllFieldsMapping = R"(kind = "pupils"
date_format = "uk"
[columns]
upn = "UPN"
former_upn = "Former UPN"
fsm = "FSM"
ehcp = "EHCP"
looked_after = "CLA"
eal = "EAL"
sen = "SEN"
attendance_pct = "Attendance"
sex = "Sex"
nc_year = "NC Year"
leaving_date = "Leaving Date"
[values.sex]
"1" = "M"
"2" = "F"
[values.sen]
"Not recorded" = ""
)";

constexpr std::string_view kAllFieldsHeader =
    "UPN,Former UPN,FSM,EHCP,CLA,EAL,SEN,Attendance,Sex,NC Year,Leaving Date\n";

TEST(CsvSource, BooleansAcceptYesNoWordsAndRejectOthers) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            std::string(kAllFieldsHeader) +
                                "B801200005001,,Y,no,TRUE,0,,,,,\n"
                                "P207000016049,,yes,N,false,1,,,,,\n"
                                "M80120000500A,,maybe,,,,,,,,\n",
                            mapping_from(kAllFieldsMapping));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 3u);
  const auto& a = r.sink.pupils[0];
  EXPECT_EQ(a.fsm, true);
  EXPECT_EQ(a.ehcp, false);
  EXPECT_EQ(a.looked_after, true);
  EXPECT_EQ(a.eal, false);
  const auto& b = r.sink.pupils[1];
  EXPECT_EQ(b.fsm, true);
  EXPECT_EQ(b.ehcp, false);
  EXPECT_EQ(b.looked_after, false);
  EXPECT_EQ(b.eal, true);
  const auto& c = r.sink.pupils[2];
  EXPECT_EQ(c.fsm, std::nullopt);
  EXPECT_EQ(c.ehcp, std::nullopt);  // empty: not given
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0], "column 'FSM': 'maybe' is not yes or no (Y/N, Yes/No, True/False, 1/0)");
}

TEST(CsvSource, SenAttendanceFormerUpnsAndValueMaps) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            std::string(kAllFieldsHeader) +
                                "B801200005001,\"a801200005001; C801200005002\",,,,,SEN Support,"
                                "93.5%,1,Reception,31/08/2025\n"
                                "P207000016049,,,,,,Not recorded,101,2,Y11,2025-08-31\n"
                                "M80120000500A,,,,,,S,0,9,X,\n",
                            mapping_from(kAllFieldsMapping));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 3u);
  const auto& a = r.sink.pupils[0];
  EXPECT_EQ(a.former_upns, (std::vector<std::string>{"A801200005001", "C801200005002"}));
  EXPECT_EQ(a.sen, "K");
  EXPECT_EQ(a.attendance_pct, 93.5);
  EXPECT_EQ(a.sex, "M");  // "1" through [values.sex]
  EXPECT_EQ(a.nc_year, "R");
  EXPECT_EQ(a.leaving_date, "2025-08-31");
  EXPECT_TRUE(a.problems.empty());

  const auto& b = r.sink.pupils[1];
  EXPECT_EQ(b.sen, std::nullopt);  // mapped to "" = not given
  EXPECT_EQ(b.sex, "F");
  EXPECT_EQ(b.nc_year, "11");
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0], "column 'Attendance': '101' is not a percentage from 0 to 100");
  // date_format = "uk" refuses an ISO date, naming the form it wants.
  EXPECT_EQ(b.problems[1], "column 'Leaving Date': '2025-08-31' is not a date (DD/MM/YYYY)");

  const auto& c = r.sink.pupils[2];
  EXPECT_EQ(c.sen, "E");  // pre-2014 statement
  EXPECT_EQ(c.attendance_pct, 0.0);
  EXPECT_EQ(c.nc_year, "X");
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_TRUE(contains(c.problems[0], "column 'Sex': '9' is not a sex")) << c.problems[0];
}

TEST(CsvSource, RoniIndicatorsExclusionsAndYoungCarer) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            "UPN,Exclusions,Young Carer\n"
                            "B801200005001,2,Yes\n"
                            "P207000016049,,N\n"
                            "M80120000500A,one,\n",
                            mapping_from(R"(kind = "pupils"
[columns]
upn = "UPN"
exclusions = "Exclusions"
young_carer = "Young Carer"
)"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 3u);
  EXPECT_EQ(r.sink.pupils[0].exclusions, 2);
  EXPECT_EQ(r.sink.pupils[0].young_carer, true);
  EXPECT_EQ(r.sink.pupils[1].exclusions, std::nullopt);  // empty: not given
  EXPECT_EQ(r.sink.pupils[1].young_carer, false);
  ASSERT_EQ(r.sink.pupils[2].problems.size(), 1u);
  EXPECT_TRUE(contains(r.sink.pupils[2].problems[0], "column 'Exclusions'"))
      << r.sink.pupils[2].problems[0];
}

TEST(CsvSource, YearAndSexWordsThroughThePreset) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,A,A,,,Male,Year 10,\n"
                                       "B801200005001,A,A,,,female,10,\n"
                                       "B801200005001,A,A,,,M,Y10,\n"
                                       "B801200005001,A,A,,,f,R,\n"
                                       "B801200005001,A,A,,,Unknown,Reception,\n"
                                       "B801200005001,A,A,,,Other,Year 15,\n"),
                            preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 6u);
  const std::vector<std::optional<std::string>> sexes{"M", "F", "M", "F", "U", std::nullopt};
  const std::vector<std::optional<std::string>> years{"10", "10", "10", "R", "R", std::nullopt};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(r.sink.pupils[i].sex, sexes[i]) << i;
    EXPECT_EQ(r.sink.pupils[i].nc_year, years[i]) << i;
  }
  EXPECT_EQ(r.sink.pupils[5].problems.size(), 2u);
}

TEST(CsvSource, EmptyUpnIsAProblem) {
  ScratchDir dir;
  const auto r = read_bytes(dir, pupils_csv(" ,Smith,Ava,,,,,\n"), preset("pupils"));
  ASSERT_TRUE(r.info);
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  ASSERT_EQ(r.sink.pupils[0].problems.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].problems[0], "column 'UPN' is empty; every pupil needs a UPN");
}

TEST(CsvSource, HeadersMatchTrimmedCaseInsensitiveInAnyOrderIgnoringExtras) {
  ScratchDir dir;
  const std::string text =
      " Reg Group ,Extra,year,GENDER,  date of birth,Preferred Forename,legal forename,"
      "Legal Surname,upn\n"
      "10B,ignored,10,F,14/09/2010,,Ava,Smith,B801200005001\n";
  const auto r = read_bytes(dir, text, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.pupils.size(), 1u);
  EXPECT_EQ(r.sink.pupils[0].upn, "B801200005001");
  EXPECT_EQ(r.sink.pupils[0].tutor_group, "10B");
  EXPECT_EQ(r.sink.pupils[0].surname, "Smith");
}

TEST(CsvSource, MissingMappedHeaderRefusesTheFile) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            "UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,"
                            "Reg Group\nB801200005001,Smith,Ava,,14/09/2010,F,10,10B\n",
                            preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 1u);
  EXPECT_TRUE(contains(r.info.error().file, "input.csv"));
  const std::string& m = r.info.error().message;
  EXPECT_TRUE(contains(m, "'Date of Birth'")) << m;
  EXPECT_TRUE(contains(m, "'DOB'")) << m;  // lists what it found
  EXPECT_TRUE(m.starts_with("the header has no column 'Date of Birth', which")) << m;
  EXPECT_TRUE(r.sink.pupils.empty());
}

TEST(CsvSource, UnterminatedQuoteRefusesNamingWhereItStarted) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,Smith,Ava,,,,,\n"     // line 2
                                       "P207000016049,\"Jones,Noah,,,,,\n"  // line 3: opens
                                       "M80120000500A,Khan,Ali,,,,,\n"),    // line 4
                            preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 3u);
  EXPECT_TRUE(contains(r.info.error().message, "never closed")) << r.info.error().message;
}

TEST(CsvSource, StrayQuoteInsideAFieldRefusesWithItsLine) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,Smith,Ava,,,,,\n"
                                       "P207000016049,Jo\"nes,Noah,,,,,\n"),
                            preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 3u);
  EXPECT_TRUE(contains(r.info.error().message, "malformed CSV")) << r.info.error().message;
}

TEST(CsvSource, InvalidUtf8RefusesAndSaysSaveAsCsvUtf8) {
  ScratchDir dir;
  // Excel's "CSV (Comma delimited)" writes Windows-1252: é is the single byte 0xE9.
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,Smith,Ava,,,,,\nP207000016049,Ren\xE9"
                                       "e,Noah,,,,,\n"),
                            preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 3u);
  EXPECT_TRUE(contains(r.info.error().message, "CSV UTF-8")) << r.info.error().message;
  EXPECT_TRUE(contains(r.info.error().message, "0xE9")) << r.info.error().message;
}

TEST(CsvSource, OverlongAndSurrogateUtf8AreRefused) {
  ScratchDir dir;
  EXPECT_FALSE(
      read_bytes(dir, pupils_csv("B801200005001,\xC0\xAF,A,,,,,\n"), preset("pupils")).info);
  EXPECT_FALSE(
      read_bytes(dir, pupils_csv("B801200005001,\xED\xA0\x80,A,,,,,\n"), preset("pupils")).info);
  // Cut off in the middle of a character at the end of the file.
  EXPECT_FALSE(read_bytes(dir, pupils_csv("B801200005001,A,\xE2\x82"), preset("pupils")).info);
}

TEST(CsvSource, NulBytesRefuseTheFileAsBinary) {
  ScratchDir dir;
  const auto r = read_bytes(dir, pupils_csv(std::string("B801200005001,Sm\0ith,A,,,,,\n", 28)),
                            preset("pupils"));
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 2u);
  EXPECT_TRUE(contains(r.info.error().message, "binary")) << r.info.error().message;
}

TEST(CsvSource, SpreadsheetAndUtf16FilesAreRefusedByName) {
  ScratchDir dir;
  const auto xlsx = read_bytes(dir, std::string("PK\x03\x04\x14\x00\x06\x00", 8), preset("pupils"));
  ASSERT_FALSE(xlsx.info);
  EXPECT_TRUE(contains(xlsx.info.error().message, "Excel")) << xlsx.info.error().message;
  const auto utf16 = read_bytes(dir, std::string("\xFF\xFEU\0P\0N\0", 8), preset("pupils"));
  ASSERT_FALSE(utf16.info);
  EXPECT_TRUE(contains(utf16.info.error().message, "UTF-16")) << utf16.info.error().message;
}

TEST(CsvSource, FileOverTheSizeLimitIsRefusedUnread) {
  ScratchDir dir;
  CsvOptions options;
  options.max_file_bytes = 100;
  const auto r =
      read_bytes(dir, pupils_csv("B801200005001,Smith,Ava,,,,,\n"), preset("pupils"), options);
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 0u);
  EXPECT_TRUE(contains(r.info.error().message, "limit")) << r.info.error().message;
  EXPECT_TRUE(r.sink.progress.empty());  // refused before reading
}

TEST(CsvSource, FieldOverTheLimitIsRefusedWithItsLine) {
  ScratchDir dir;
  CsvOptions options;
  options.max_field_bytes = 20;  // the longest header is 18
  const auto r = read_bytes(dir,
                            pupils_csv("B801200005001,Smith,Ava,,,,,\n"
                                       "P207000016049,Abcdefghijklmnopqrstuvwxyz,A,,,,,\n"),
                            preset("pupils"), options);
  ASSERT_FALSE(r.info);
  EXPECT_EQ(r.info.error().line, 3u);
  EXPECT_TRUE(contains(r.info.error().message, "longer than 20 bytes")) << r.info.error().message;
}

TEST(CsvSource, EmptyOrBlankFilesAreRefused) {
  ScratchDir dir;
  for (const std::string_view text : {"", "\xEF\xBB\xBF", "\r\n\n  \n"}) {
    const auto r = read_bytes(dir, text, preset("pupils"));
    ASSERT_FALSE(r.info) << "input size " << text.size();
    EXPECT_TRUE(contains(r.info.error().message, "header row")) << r.info.error().message;
  }
}

TEST(CsvSource, HeaderOnlyFileHasNoRecords) {
  ScratchDir dir;
  const auto r = read_bytes(dir, kHeader, preset("pupils"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  EXPECT_TRUE(r.sink.pupils.empty());
}

TEST(CsvSource, MissingFileIsRefused) {
  CollectingSink sink;
  CsvSource source(preset("pupils"));
  const auto info = source.read("/nonexistent/careerlink/pupils.csv", sink);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().file, "/nonexistent/careerlink/pupils.csv");
  EXPECT_TRUE(contains(info.error().message, "no such file"));
}

TEST(CsvSource, StopsWhenTheSinkCannotGoOn) {
  ScratchDir dir;
  CollectingSink sink;
  sink.refuse_after = 1;
  const auto file = dir.write("input.csv", pupils_csv("B801200005001,A,A,,,,,\n"
                                                      "P207000016049,B,B,,,,,\n"
                                                      "M80120000500A,C,C,,,,,\n"));
  CsvSource source(preset("pupils"));
  const auto info = source.read(file, sink);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().line, 2u);
  EXPECT_EQ(sink.pupils.size(), 1u);
}

TEST(CsvSource, StaffPresetWithOptionalNameColumns) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            "Staff Email,Title,Forename,Surname,Group,Role\r\n"
                            "s.parker@school.example.org,Ms,Sarah,Parker,10B,Form Tutor\r\n"
                            "d.shah@school.example.org,Mr,David,Shah,Year 10,Head of Year\r\n"
                            "e.ali@school.example.org,,,,10x/Sc1,Learning  Mentor\r\n",
                            preset("staff"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  EXPECT_EQ(r.info->format, "CSV (preset staff)");
  ASSERT_EQ(r.sink.staff.size(), 3u);
  const auto& a = r.sink.staff[0];
  EXPECT_EQ(a.line, 2u);
  EXPECT_EQ(a.email, "s.parker@school.example.org");
  EXPECT_EQ(a.title, "Ms");
  EXPECT_EQ(a.forename, "Sarah");
  EXPECT_EQ(a.surname, "Parker");
  EXPECT_EQ(a.group, "10B");
  EXPECT_EQ(a.group_kind, "tutor");
  EXPECT_EQ(a.role, "tutor");
  EXPECT_EQ(r.sink.staff[1].role, "head_of_year");
  EXPECT_EQ(r.sink.staff[2].role, "learning_mentor");  // no table entry: normalised
  EXPECT_EQ(r.sink.staff[2].title, std::nullopt);
  for (const auto& s : r.sink.staff)
    EXPECT_TRUE(s.problems.empty());
}

TEST(CsvSource, StaffPresetWithoutOptionalColumns) {
  ScratchDir dir;
  const auto r = read_bytes(dir,
                            "Staff Email,Group,Role\n"
                            "s.parker@school.example.org,10B,Tutor\n"
                            ",,Tutor\n",
                            preset("staff"));
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.staff.size(), 2u);
  EXPECT_EQ(r.sink.staff[0].forename, std::nullopt);
  EXPECT_EQ(r.sink.staff[0].role, "tutor");
  EXPECT_TRUE(r.sink.staff[0].problems.empty());
  ASSERT_EQ(r.sink.staff[1].problems.size(), 2u);
  EXPECT_EQ(r.sink.staff[1].problems[0], "column 'Staff Email' is empty; every row needs an email");
  EXPECT_EQ(r.sink.staff[1].problems[1], "column 'Group' is empty; every row needs a group");
}

TEST(CsvSource, StaffPresetStillNeedsItsRequiredColumns) {
  ScratchDir dir;
  const auto r = read_bytes(dir, "Staff Email,Title,Role\na@b.org,Mr,Tutor\n", preset("staff"));
  ASSERT_FALSE(r.info);
  EXPECT_TRUE(contains(r.info.error().message, "'Group'")) << r.info.error().message;
  EXPECT_FALSE(contains(r.info.error().message, "'Forename',")) << r.info.error().message;
}

TEST(CsvSource, StaffGroupKindIsConverted) {
  ScratchDir dir;
  const auto mapping = mapping_from(R"(kind = "staff_groups"
[columns]
email = "Email"
group = "Group"
group_kind = "Type"
)");
  const auto r =
      read_bytes(dir, "Email,Group,Type\na@b.org,Year 10,Year group\na@b.org,10B,pet\n", mapping);
  ASSERT_TRUE(r.info) << r.info.error().to_string();
  ASSERT_EQ(r.sink.staff.size(), 2u);
  EXPECT_EQ(r.sink.staff[0].group_kind, "year");
  EXPECT_EQ(r.sink.staff[0].role, "");  // not mapped: left for the importer to decide
  ASSERT_EQ(r.sink.staff[1].problems.size(), 1u);
  EXPECT_TRUE(contains(r.sink.staff[1].problems[0], "column 'Type'"));
}

TEST(CsvSource, ReadsTheFixtureExportWithItsDocumentedMapping) {
  const auto mapping = load_mapping_file(data_dir() / "sims_pupils.toml");
  ASSERT_TRUE(mapping) << mapping.error().to_string();
  CollectingSink sink;
  CsvSource source(*mapping);
  const auto info = source.read(data_dir() / "sims_pupils.csv", sink);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_TRUE(contains(info->format, "sims_pupils.toml"));
  ASSERT_EQ(sink.pupils.size(), 3u);
  EXPECT_EQ(sink.pupils[0].surname, "O'Brien, Jr");
  EXPECT_EQ(sink.pupils[0].sex, "M");
  EXPECT_EQ(sink.pupils[0].fsm, true);
  EXPECT_EQ(sink.pupils[0].sen, "K");
  EXPECT_EQ(sink.pupils[1].forename, "Zoë");
  EXPECT_EQ(sink.pupils[1].line, 3u);
  EXPECT_EQ(sink.pupils[2].line, 5u);  // after a two-line address-style note field
  for (const auto& p : sink.pupils)
    EXPECT_TRUE(p.problems.empty()) << p.problems[0];
}

}  // namespace
}  // namespace careerlink::csvtest
