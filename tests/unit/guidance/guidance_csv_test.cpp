#include "daemon/guidance/guidance_csv.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/guidance/guidance_test_support.hpp"

namespace careerlink::guidance {
namespace {

using test::contains;
using test::kToday;
using test::ScratchDir;

const std::vector<std::string> kHeader{"external_id",
                                       "school_urn",
                                       "upn",
                                       "mis_id",
                                       "date",
                                       "minutes",
                                       "kind",
                                       "adviser_name",
                                       "adviser_organisation",
                                       "adviser_level",
                                       "provider_type",
                                       "share_with_staff",
                                       "share_with_trackers",
                                       "consent_recorded_on",
                                       "consent_recorded_by",
                                       "plan_summary",
                                       "intended_activity_code",
                                       "intended_provider",
                                       "intended_course",
                                       "next_review",
                                       "action_id",
                                       "action_text",
                                       "action_owner",
                                       "action_due",
                                       "action_status"};

using Row = std::map<std::string, std::string>;

// The sample interview's first action, as a row.
Row interview_one() {
  return {{"external_id", "INT-1"},
          {"school_urn", "137942"},
          {"upn", "G820432114001"},
          {"date", "2026-11-18"},
          {"minutes", "45"},
          {"kind", "one_to_one"},
          {"adviser_name", "Jo Patel"},
          {"adviser_organisation", "Career Connect"},
          {"adviser_level", "6"},
          {"provider_type", "external"},
          {"share_with_staff", "yes"},
          {"share_with_trackers", "yes"},
          {"consent_recorded_on", "2026-11-18"},
          {"consent_recorded_by", "Jo Patel"},
          {"plan_summary", "Engineering at college, with a back-up plan"},
          {"intended_activity_code", "230"},
          {"intended_provider", "Riverside College"},
          {"intended_course", "Level 3 Engineering"},
          {"next_review", "2027-01-20"},
          {"action_id", "a1"},
          {"action_text", "Attend the college open evening"},
          {"action_owner", "pupil"},
          {"action_due", "2026-12-05"},
          {"action_status", "open"}};
}

// A second interview written the way a spreadsheet user might: UK dates, words in other cases.
Row interview_two() {
  return {{"external_id", "INT-2"},
          {"school_urn", "137942"},
          {"upn", "b801200005001"},
          {"mis_id", "ARB-5521"},
          {"date", "19/11/2026"},
          {"minutes", "30"},
          {"kind", "Group"},
          {"adviser_name", "Sam Lee"},
          {"adviser_organisation", "School careers team"},
          {"adviser_level", "4"},
          {"provider_type", "In house"},
          {"share_with_staff", "N"},
          {"share_with_trackers", "0"},
          {"consent_recorded_on", "19/11/2026"},
          {"action_id", "a1"},
          {"action_text", "Research apprenticeships in engineering"},
          {"action_owner", "Pupil"},
          {"action_due", "1/12/2026"}};
}

Row with(Row row, const Row& changes) {
  for (const auto& [k, v] : changes)
    row[k] = v;
  return row;
}

std::string cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string line_of(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i)
    out += (i ? "," : "") + cell(cells[i]);
  return out + "\r\n";
}

std::string csv(const std::vector<Row>& rows, const std::vector<std::string>& header = kHeader) {
  std::string out = line_of(header);
  for (const Row& row : rows) {
    std::vector<std::string> cells;
    for (const auto& h : header) {
      const auto it = row.find(h);
      cells.push_back(it == row.end() ? "" : it->second);
    }
    out += line_of(cells);
  }
  return out;
}

std::string describe(const std::vector<CsvLineError>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += "  line " + std::to_string(e.line) + ", " + e.field + ": " + e.message + "\n";
  return out;
}

auto read(const ScratchDir& dir, std::string_view bytes, const GuidanceCsvLimits& limits = {}) {
  return read_guidance_csv(dir.write("guidance.csv", bytes), kToday, limits);
}

TEST(GuidanceCsv, ReadsTwoInterviewsWithThreeActions) {
  ScratchDir dir;
  const Row second_action = with(interview_one(), {{"action_id", "a2"},
                                                   {"action_text", "Ask the SENCO about support"},
                                                   {"action_owner", "tutor"},
                                                   {"action_due", ""},
                                                   {"action_status", ""}});
  const auto result = read(dir, csv({interview_one(), second_action, interview_two()}));
  ASSERT_TRUE(result) << describe(result.error());
  ASSERT_EQ(result->size(), 2u);

  const Interview& one = (*result)[0];
  EXPECT_EQ(one.external_id, "INT-1");
  EXPECT_EQ(one.pupil.upn, "G820432114001");
  EXPECT_EQ(one.minutes, 45);
  EXPECT_EQ(one.adviser.qualification_level, 6);
  EXPECT_TRUE(one.consent.share_with_staff);
  EXPECT_EQ(one.consent.recorded_by, "Jo Patel");
  ASSERT_TRUE(one.plan);
  EXPECT_EQ(one.plan->summary, "Engineering at college, with a back-up plan");
  EXPECT_EQ(one.plan->intended_destination->activity_code, "230");
  EXPECT_EQ(one.plan->next_review, "2027-01-20");
  ASSERT_EQ(one.plan->actions.size(), 2u);
  EXPECT_EQ(one.plan->actions[0].id, "a1");
  EXPECT_EQ(one.plan->actions[0].due, "2026-12-05");
  EXPECT_EQ(one.plan->actions[1].id, "a2");
  EXPECT_EQ(one.plan->actions[1].owner, "tutor");
  EXPECT_EQ(one.plan->actions[1].status, "open");
  EXPECT_FALSE(one.plan->actions[1].due);

  const Interview& two = (*result)[1];
  EXPECT_EQ(two.external_id, "INT-2");
  EXPECT_EQ(two.pupil.upn, "B801200005001");  // upper-cased
  EXPECT_EQ(two.pupil.mis_id, "ARB-5521");
  EXPECT_EQ(two.kind, "group");
  EXPECT_EQ(two.provider_type, "in_house");
  EXPECT_FALSE(two.consent.share_with_staff);
  EXPECT_FALSE(two.consent.share_with_trackers);
  EXPECT_FALSE(two.consent.recorded_by);
  ASSERT_TRUE(two.plan);
  EXPECT_FALSE(two.plan->intended_destination);
  ASSERT_EQ(two.plan->actions.size(), 1u);
  EXPECT_EQ(two.plan->actions[0].owner, "pupil");
}

TEST(GuidanceCsv, UkDatesAreReadAsIso) {
  ScratchDir dir;
  const auto result = read(dir, csv({interview_two()}));
  ASSERT_TRUE(result) << describe(result.error());
  const Interview& i = result->at(0);
  EXPECT_EQ(i.date, "2026-11-19");
  EXPECT_EQ(i.consent.recorded_on, "2026-11-19");
  EXPECT_EQ(i.plan->actions.at(0).due, "2026-12-01");
}

TEST(GuidanceCsv, HeaderNamesAreCaseInsensitiveInAnyOrderAndOptionalColumnsMayBeLeftOut) {
  ScratchDir dir;
  const std::vector<std::string> header{"Date",
                                        "EXTERNAL_ID",
                                        "School_URN",
                                        "UPN",
                                        "Minutes",
                                        "Kind",
                                        "Adviser_Name",
                                        "Adviser_Organisation",
                                        "Adviser_Level",
                                        "Provider_Type",
                                        "Share_With_Staff",
                                        "Share_With_Trackers",
                                        "Consent_Recorded_On"};
  Row row = interview_one();
  std::map<std::string, std::string> renamed;
  for (const auto& h : header) {
    std::string key;
    for (char c : h)
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    renamed[h] = row[key];
  }
  const auto result = read(dir, csv({renamed}, header));
  ASSERT_TRUE(result) << describe(result.error());
  ASSERT_EQ(result->size(), 1u);
  EXPECT_FALSE(result->at(0).plan);  // no plan columns, no plan
  EXPECT_EQ(result->at(0).date, "2026-11-18");
}

TEST(GuidanceCsv, AHalfBadFileReportsEveryBadLineAndReturnsNothing) {
  ScratchDir dir;
  const std::vector<Row> rows{
      interview_one(),                                                             // line 2: good
      with(interview_one(), {{"action_id", "a2"}, {"action_due", "31/02/2027"}}),  // line 3
      with(interview_two(), {{"external_id", "INT-3"}, {"kind", "chat"}}),         // line 4
      with(interview_two(), {{"external_id", "INT-4"},                             // line 5
                             {"intended_activity_code", "999"}}),
      with(interview_two(), {{"external_id", "INT-5"}, {"share_with_staff", "maybe"}}),  // 6
      interview_two(),                                                              // line 7: good
      with(interview_two(), {{"external_id", "INT-6"}, {"upn", "A820432114001"}}),  // line 8
      with(interview_two(), {{"external_id", "INT-7"}, {"date", "2026-11-21"}}),    // line 9
  };
  const auto result = read(dir, csv(rows));
  ASSERT_FALSE(result) << "accepted a file with bad lines";
  const auto& errors = result.error();
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& e : errors)
    where.emplace_back(e.line, e.field);
  EXPECT_EQ(where, (std::vector<std::pair<std::size_t, std::string>>{{3, "action_due"},
                                                                     {4, "kind"},
                                                                     {5, "intended_activity_code"},
                                                                     {6, "share_with_staff"},
                                                                     {8, "upn"},
                                                                     {9, "date"}}))
      << describe(errors);
  EXPECT_TRUE(contains(errors[0].message, "YYYY-MM-DD or DD/MM/YYYY, got \"31/02/2027\""));
  EXPECT_TRUE(contains(errors[1].message, "one_to_one, group, drop_in, follow_up"));
  EXPECT_TRUE(contains(errors[2].message, "\"999\" is not an NCCIS activity code"));
  EXPECT_TRUE(contains(errors[3].message, "yes or no"));
  EXPECT_TRUE(contains(errors[4].message, "check letter"));
  EXPECT_TRUE(contains(errors[5].message, "must not be after today"));
}

TEST(GuidanceCsv, RowsOfOneInterviewMustAgree) {
  ScratchDir dir;
  const std::vector<Row> rows{
      interview_one(),
      with(interview_one(), {{"action_id", "a2"}, {"minutes", "50"}}),  // line 3
      with(interview_one(), {{"action_id", "a3"},
                             {"date", "18/11/2026"},  // line 4
                             {"kind", "One to one"},
                             {"adviser_name", "J Patel"}}),
  };
  const auto result = read(dir, csv(rows));
  ASSERT_FALSE(result);
  const auto& errors = result.error();
  ASSERT_EQ(errors.size(), 2u) << describe(errors);  // the same date and kind, written otherwise
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(errors[0].field, "minutes");
  EXPECT_TRUE(contains(errors[0].message, "is \"50\" here but \"45\" on line 2"))
      << describe(errors);
  EXPECT_EQ(errors[1].line, 4u);
  EXPECT_EQ(errors[1].field, "adviser_name");
}

TEST(GuidanceCsv, ActionFaultsAreReportedOnTheActionsOwnLine) {
  ScratchDir dir;
  const std::vector<Row> rows{
      interview_one(),
      with(interview_one(), {{"action_id", "a2"}, {"action_owner", "teacher"}}),  // line 3
      with(interview_one(), {{"action_id", "a1"}}),                               // line 4
      with(interview_one(), {{"action_id", ""}, {"action_text", "Orphan"}}),      // line 5
      with(interview_one(), {{"action_id", "a5"},
                             {"action_status", "open"},  // line 6
                             {"action_text", ""}}),
  };
  const auto result = read(dir, csv(rows));
  ASSERT_FALSE(result);
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& e : result.error())
    where.emplace_back(e.line, e.field);
  EXPECT_EQ(where,
            (std::vector<std::pair<std::size_t, std::string>>{
                {3, "action_owner"}, {4, "action_id"}, {5, "action_id"}, {6, "action_text"}}))
      << describe(result.error());
  EXPECT_TRUE(contains(result.error()[1].message, "repeats the id \"a1\""));
  EXPECT_TRUE(contains(result.error()[2].message, "action_text"));
  EXPECT_TRUE(contains(result.error()[3].message, "is empty"));
}

TEST(GuidanceCsv, AnUnknownColumnRefusesTheFile) {
  ScratchDir dir;
  std::vector<std::string> header = kHeader;
  header.push_back("adviser_email");
  header.push_back("Minuets");
  const auto result = read(dir, csv({interview_one()}, header));
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 2u) << describe(result.error());
  EXPECT_EQ(result.error()[0].line, 0u);
  EXPECT_EQ(result.error()[0].field, "adviser_email");
  EXPECT_TRUE(contains(result.error()[0].message, "is not a column of a guidance CSV"));
  EXPECT_EQ(result.error()[1].field, "Minuets");
}

TEST(GuidanceCsv, AMissingRequiredColumnRefusesTheFile) {
  ScratchDir dir;
  std::vector<std::string> header;
  for (const auto& h : kHeader) {
    if (h != "consent_recorded_on" && h != "upn") header.push_back(h);
  }
  const auto result = read(dir, csv({interview_one()}, header));
  ASSERT_FALSE(result);
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& e : result.error())
    where.emplace_back(e.line, e.field);
  // mis_id is still there, so the pupil can be named
  EXPECT_EQ(where, (std::vector<std::pair<std::size_t, std::string>>{{0, "consent_recorded_on"}}))
      << describe(result.error());
}

TEST(GuidanceCsv, RefusesEmptyBinaryAndNonUtf8Files) {
  ScratchDir dir;
  auto result = read(dir, "");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 0u);
  EXPECT_TRUE(contains(result.error().at(0).message, "empty"));

  result = read(dir, "\r\n\r\n");
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.error().at(0).message, "header row"));

  result = read(dir, std::string("PK\x03\x04\x14\x00\x06\x00", 8));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 0u);
  EXPECT_TRUE(contains(result.error().at(0).message, "Excel")) << result.error().at(0).message;

  result = read(dir, csv({interview_one()}) + std::string("INT-9,\0,x\r\n", 11));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 3u);
  EXPECT_TRUE(contains(result.error().at(0).message, "binary"));

  // Windows-1252, as Excel's plain "CSV (Comma delimited)" writes é
  result = read(dir, csv({with(interview_one(), {{"adviser_name", "Ren\xE9 Dupont"}})}));
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(result.error()[0].line, 2u);
  EXPECT_TRUE(contains(result.error()[0].message, "not valid UTF-8"));
  EXPECT_TRUE(contains(result.error()[0].message, "CSV UTF-8"));
}

TEST(GuidanceCsv, RefusesAFileOverTheSizeLimit) {
  ScratchDir dir;
  GuidanceCsvLimits limits;
  limits.max_file_bytes = 100;
  const auto result = read(dir, csv({interview_one()}), limits);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 0u);
  EXPECT_TRUE(contains(result.error().at(0).message, "limit"));
}

TEST(GuidanceCsv, RefusesAFileWithTooManyRows) {
  ScratchDir dir;
  GuidanceCsvLimits limits;
  limits.max_rows = 2;
  Row two = with(interview_one(), {{"action_id", "a2"}});
  Row three = with(interview_one(), {{"action_id", "a3"}});
  ASSERT_TRUE(read(dir, csv({interview_one(), two}), limits));
  const auto result = read(dir, csv({interview_one(), two, three}), limits);
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u) << describe(result.error());
  EXPECT_EQ(result.error()[0].line, 0u);
  EXPECT_TRUE(contains(result.error()[0].message, "more than 2 rows"));
}

TEST(GuidanceCsv, HeaderFaultsAreKeptWhenALaterByteRefusesTheFile) {
  ScratchDir dir;
  std::vector<std::string> header = kHeader;
  header.emplace_back("colour");
  // Bytes are checked a 64 KiB chunk ahead of the rows, so the bad byte must lie past the first.
  std::vector<Row> rows;
  for (int i = 0; i < 400; ++i)
    rows.push_back(with(interview_one(), {{"action_id", "a" + std::to_string(i)}}));
  const auto result = read(dir, csv(rows, header) + "INT-2,\xFF\r\n");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 2u) << describe(result.error());
  EXPECT_EQ(result.error()[0].field, "colour");
  EXPECT_EQ(result.error()[1].line, 402u);
  EXPECT_TRUE(contains(result.error()[1].message, "UTF-8"));
}

TEST(GuidanceCsv, ARowWithTheWrongNumberOfFieldsIsAFault) {
  ScratchDir dir;
  const std::string text = csv({interview_one()}) + "INT-2,137942\r\n";
  const auto result = read(dir, text);
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u) << describe(result.error());
  EXPECT_EQ(result.error()[0].line, 3u);
  EXPECT_TRUE(contains(result.error()[0].message, "the row has 2 fields but the header has 25"));
}

TEST(GuidanceCsv, UnnamedColumnsMustBeEmpty) {
  ScratchDir dir;
  std::vector<std::string> header = kHeader;
  header.emplace_back("");
  std::string text = csv({interview_one()}, header);
  auto result = read(dir, text);
  ASSERT_TRUE(result) << describe(result.error());

  text.replace(text.size() - 2, 0, "stray");
  result = read(dir, text);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 2u);
  EXPECT_TRUE(contains(result.error().at(0).message, "no name in the header"));
}

TEST(GuidanceCsv, ManyFaultsAreCappedWithACount) {
  ScratchDir dir;
  std::vector<Row> rows;
  for (int i = 0; i < 30; ++i) {
    rows.push_back(
        with(interview_one(), {{"external_id", "INT-" + std::to_string(i)}, {"minutes", "lots"}}));
  }
  GuidanceCsvLimits limits;
  limits.max_errors = 10;
  const auto result = read(dir, csv(rows), limits);
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 11u);
  EXPECT_TRUE(contains(result.error().back().message, "and 20 more faults"));
}

TEST(GuidanceCsv, TheReadmeDocumentsEveryColumn) {
  std::ifstream in(std::string(CAREERLINK_SOURCE_DIR) + "/daemon/guidance/README.md");
  ASSERT_TRUE(in);
  const std::string readme{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  for (const auto& column : guidance_csv_columns()) {
    EXPECT_TRUE(contains(readme, "`" + std::string(column.name) + "`")) << column.name;
  }
}

}  // namespace
}  // namespace careerlink::guidance
