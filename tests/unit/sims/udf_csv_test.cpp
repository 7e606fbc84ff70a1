// The UDF value file's bytes: encoding, header, line ends, UK dates, and values that never need
// quoting (a comma-splitting reader, as SIMS import tools are, reads them right).
#include "plugins/sims/udf_csv.hpp"

#include <gtest/gtest.h>

#include "tests/unit/sims/sims_test_support.hpp"

namespace careerlink::sims {
namespace {

PupilStatus status(const nlohmann::json& payload) {
  auto event = parse_event(payload.dump());
  EXPECT_TRUE(event) << event.error();
  return std::get<PupilStatus>(*event);
}

TEST(SimsUdfCsv, AnEmptySchoolIsTheHeaderAlone) {
  SchoolState s;
  s.school_urn = test::kUrn;
  EXPECT_EQ(udf_csv(s),
            "\xEF\xBB\xBFUPN,Careers RAG,Careers last interview date,Careers intended "
            "destination\r\n");
}

TEST(SimsUdfCsv, OneRowPerPupilWithAStatusInUpnOrder) {
  SchoolState s;
  s.school_urn = test::kUrn;
  auto b = test::status_payload(test::kUpn);
  auto a = test::status_payload(test::kOtherUpn);
  a["overall_rag"] = "red";
  a["last_interview_date"] = nullptr;
  a["intended_destination"] = nullptr;
  apply_status(s, status(b));
  apply_status(s, status(a));
  s.pupils["C123456789012"];  // known only from a withdrawal: no row

  EXPECT_EQ(udf_csv(s),
            "\xEF\xBB\xBFUPN,Careers RAG,Careers last interview date,Careers intended "
            "destination\r\n"
            "A123456789012,Red,,None recorded\r\n"
            "B820432116017,Amber,01/10/2026,"
            "210 Full-time education - school sixth form (Hillside Sixth Form)\r\n");
}

TEST(SimsUdfCsv, ValuesNeedNoQuoting) {
  EXPECT_EQ(csv_value("Seeking employment, education or training"),
            "Seeking employment; education or training");
  EXPECT_EQ(csv_value("The \"Hillside\" Sixth Form"), "The 'Hillside' Sixth Form");
  EXPECT_EQ(csv_value("line one\r\nline two\tthree"), "line one line two three");
  EXPECT_EQ(csv_value("  padded  "), "padded");
  EXPECT_EQ(csv_value("   "), "");
  EXPECT_EQ(csv_value("Caf\xC3\xA9 de l'\xC3\x89"
                      "cole"),
            "Caf\xC3\xA9 de l'\xC3\x89"
            "cole");
}

TEST(SimsUdfCsv, ValuesCannotBecomeSpreadsheetFormulas) {
  EXPECT_EQ(csv_value("=HYPERLINK(\"http://x\")"), "'=HYPERLINK('http://x')");
  EXPECT_EQ(csv_value("+44 1234"), "'+44 1234");
  EXPECT_EQ(csv_value("-1+1"), "'-1+1");
  EXPECT_EQ(csv_value("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_value(" =1"), "'=1");  // trimmed first, then checked
}

TEST(SimsUdfCsv, EveryRowHasFourFieldsWhateverTheText) {
  SchoolState s;
  s.school_urn = test::kUrn;
  auto p = test::status_payload();
  p["intended_destination"] = {{"activity_code", "619"},
                               {"provider", "Jobs, \"Skills\"\r\nand Training, Ltd"}};
  apply_status(s, status(p));
  const auto text = udf_csv(s);
  const auto row = text.substr(text.find("\r\n") + 2);
  EXPECT_EQ(row,
            "B820432116017,Amber,01/10/2026,619 Seeking employment; education or training "
            "(Jobs; 'Skills' and Training; Ltd)\r\n");
  EXPECT_EQ(std::count(row.begin(), row.end(), ','), 3);
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);  // every line ends CRLF
}

TEST(SimsUdfCsv, RemovedPlansListsWhoseDocumentWentAndWhen) {
  SchoolState s;
  s.school_urn = test::kUrn;
  EXPECT_EQ(removed_plans_csv(s), "\xEF\xBB\xBFUPN,Plan removed on\r\n");
  apply_status(s, status(test::status_payload(test::kUpn, "2026-11-24T09:00:00Z")));
  apply_status(s, status(test::status_payload(test::kOtherUpn, "2026-11-24T09:00:00Z")));
  auto unshared = test::status_payload(test::kOtherUpn, "2026-11-30T23:30:00Z");
  unshared["plan"] = nullptr;
  apply_status(s, status(unshared));
  apply_withdrawal(s, PlanWithdrawn{{test::kUrn, test::kUpn}, "north-careers", "INT-1", 12},
                   test::at("2026-12-02T08:00:00Z"), {});
  EXPECT_EQ(removed_plans_csv(s),
            "\xEF\xBB\xBFUPN,Plan removed on\r\n"
            "A123456789012,30/11/2026\r\n"
            "B820432116017,02/12/2026\r\n");
  // Never shared: nothing to remove.
  auto never = test::status_payload("C123456789012");
  never["plan"] = nullptr;
  apply_status(s, status(never));
  EXPECT_EQ(removed_plans_csv(s).find("C123456789012"), std::string::npos);
}

TEST(SimsUdfCsv, DestinationWords) {
  auto p = test::status_payload();
  EXPECT_EQ(destination_words(status(p)),
            "210 Full-time education - school sixth form (Hillside Sixth Form)");
  p["intended_destination"] = {{"description", "Art college"}};
  EXPECT_EQ(destination_words(status(p)), "Art college");
  p["intended_destination"] = nullptr;
  EXPECT_EQ(destination_words(status(p)), "None recorded");
}

}  // namespace
}  // namespace careerlink::sims
