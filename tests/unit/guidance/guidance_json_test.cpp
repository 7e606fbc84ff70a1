#include "daemon/guidance/guidance_json.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/guidance/guidance_test_support.hpp"

namespace careerlink::guidance {
namespace {

using nlohmann::json;
using test::contains;
using test::describe;
using test::kToday;
using test::messages_for;
using test::sample_destination;
using test::sample_interview;

// The sample with the value at `pointer` replaced, or removed when `value` is empty.
json with(json body, const std::string& pointer, const std::optional<json>& value) {
  const json::json_pointer at(pointer);
  if (value) {
    body[at] = *value;
  } else {
    body[at.parent_pointer()].erase(at.back());
  }
  return body;
}

TEST(InterviewJson, TheDocumentedSampleParses) {
  const auto parsed = parse_interview(sample_interview(), "INT-2026-0042", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
  const Interview& i = *parsed;
  EXPECT_EQ(i.external_id, "INT-2026-0042");
  EXPECT_EQ(i.school_urn, "137942");
  EXPECT_EQ(i.pupil.upn, "G820432114001");
  EXPECT_FALSE(i.pupil.mis_id);
  EXPECT_EQ(i.date, "2026-11-18");
  EXPECT_EQ(i.minutes, 45);
  EXPECT_EQ(i.kind, "one_to_one");
  EXPECT_EQ(i.adviser.name, "Jo Patel");
  EXPECT_EQ(i.adviser.organisation, "Career Connect");
  EXPECT_EQ(i.adviser.qualification_level, 6);
  EXPECT_TRUE(i.adviser.qualified());
  EXPECT_EQ(i.provider_type, "external");
  EXPECT_TRUE(i.consent.share_with_staff);
  EXPECT_TRUE(i.consent.share_with_trackers);
  EXPECT_EQ(i.consent.recorded_on, "2026-11-18");
  EXPECT_EQ(i.consent.recorded_by, "Jo Patel");
  ASSERT_TRUE(i.plan);
  EXPECT_EQ(i.plan->summary, "Wants to do engineering at college; needs a back-up plan.");
  ASSERT_TRUE(i.plan->intended_destination);
  EXPECT_EQ(i.plan->intended_destination->activity_code, "230");
  EXPECT_EQ(i.plan->intended_destination->provider, "Riverside College");
  EXPECT_EQ(i.plan->intended_destination->course, "Level 3 Engineering");
  ASSERT_EQ(i.plan->actions.size(), 1u);
  EXPECT_EQ(i.plan->actions[0].id, "a1");
  EXPECT_EQ(i.plan->actions[0].text, "Attend the college open evening");
  EXPECT_EQ(i.plan->actions[0].owner, "pupil");
  EXPECT_EQ(i.plan->actions[0].due, "2026-12-05");
  EXPECT_EQ(i.plan->actions[0].status, "open");
  EXPECT_EQ(i.plan->next_review, "2027-01-20");
}

struct Rule {
  std::string name;
  std::string pointer;        // what the test changes in the sample
  std::optional<json> value;  // the new value; none to remove the field
  std::string field;          // the one field reported, as the sender named it
  std::string fragment;       // part of the message
};

std::string long_text(std::size_t chars) {
  return std::string(chars, 'x');
}

std::vector<Rule> rules() {
  return {
      {"urn_short", "/school_urn", "13794", "school_urn",
       "must be the school's 6-digit URN, such as \"137942\", got \"13794\""},
      {"urn_number", "/school_urn", 137942, "school_urn", "got 137942"},
      {"urn_missing", "/school_urn", std::nullopt, "school_urn", "is required"},
      {"upn_check_letter", "/pupil/upn", "A820432114001", "pupil.upn", "check letter"},
      {"upn_length", "/pupil/upn", "G82043211400", "pupil.upn", "12 characters"},
      {"pupil_neither", "/pupil", json::object(), "pupil", "needs \"upn\""},
      {"pupil_string", "/pupil", "G820432114001", "pupil", "must be a pupil (a JSON object)"},
      {"pupil_unknown", "/pupil/uln", "1234567890", "pupil.uln", "is not a field of a pupil"},
      {"date_uk", "/date", "18/11/2026", "date",
       "must be a date written YYYY-MM-DD, got \"18/11/2026\""},
      {"date_unreal", "/date", "2026-02-30", "date", "real calendar date"},
      {"date_future", "/date", "2026-11-21", "date", "must not be after today (2026-11-20)"},
      {"date_number", "/date", 20261118, "date", "got 20261118"},
      {"minutes_zero", "/minutes", 0, "minutes",
       "must be a whole number of minutes from 1 to 600, got 0"},
      {"minutes_over", "/minutes", 601, "minutes", "got 601"},
      {"minutes_fraction", "/minutes", 45.5, "minutes", "got 45.5"},
      {"minutes_string", "/minutes", "45", "minutes", "got \"45\""},
      {"minutes_null", "/minutes", nullptr, "minutes", "is required"},
      {"kind", "/kind", "1to1", "kind",
       "must be one of one_to_one, group, drop_in, follow_up, got \"1to1\""},
      {"level_high", "/adviser/qualification_level", 9, "adviser.qualification_level",
       "from 0 to 8"},
      {"level_string", "/adviser/qualification_level", "6", "adviser.qualification_level",
       "got \"6\""},
      {"adviser_blank_name", "/adviser/name", "   ", "adviser.name", "must not be empty"},
      {"adviser_long_name", "/adviser/name", long_text(2001), "adviser.name",
       "is 2001 characters long; the limit is 2000"},
      {"adviser_missing", "/adviser", std::nullopt, "adviser", "is required"},
      {"provider_type", "/provider_type", "outsourced", "provider_type",
       "must be one of in_house, external"},
      {"consent_missing", "/consent", std::nullopt, "consent", "is required"},
      {"consent_bool_word", "/consent/share_with_staff", "yes", "consent.share_with_staff",
       "must be true or false, got \"yes\""},
      {"consent_no_date", "/consent/recorded_on", std::nullopt, "consent.recorded_on",
       "is required"},
      {"consent_future", "/consent/recorded_on", "2027-01-01", "consent.recorded_on",
       "must not be after today"},
      {"summary_long", "/plan/summary", long_text(4001), "plan.summary", "the limit is 4000"},
      {"activity_code", "/plan/intended_destination/activity_code", "999",
       "plan.intended_destination.activity_code",
       "\"999\" is not an NCCIS activity code; use a code from the NCCIS list"},
      {"activity_code_number", "/plan/intended_destination/activity_code", 230,
       "plan.intended_destination.activity_code", "as a string, such as \"230\", got 230"},
      {"activity_code_missing", "/plan/intended_destination/activity_code", std::nullopt,
       "plan.intended_destination.activity_code", "is required"},
      {"action_due", "/plan/actions/0/due", "05/12/2026", "plan.actions[0].due",
       "must be a date written YYYY-MM-DD, got \"05/12/2026\""},
      {"action_owner", "/plan/actions/0/owner", "teacher", "plan.actions[0].owner",
       "must be one of pupil, tutor, adviser, parent, other"},
      {"action_status", "/plan/actions/0/status", "closed", "plan.actions[0].status",
       "must be one of open, done, dropped"},
      {"action_empty_id", "/plan/actions/0/id", "", "plan.actions[0].id", "must not be empty"},
      {"action_no_text", "/plan/actions/0/text", std::nullopt, "plan.actions[0].text",
       "is required"},
      {"action_long_text", "/plan/actions/0/text", long_text(2001), "plan.actions[0].text",
       "the limit is 2000"},
      {"action_done_on_open", "/plan/actions/0/done_on", "2026-11-19", "plan.actions[0].done_on",
       "status is \"open\""},
      {"action_null", "/plan/actions/0", nullptr, "plan.actions[0]", "must be an action"},
      {"action_unknown", "/plan/actions/0/colour", "red", "plan.actions[0].colour",
       "is not a field of an action"},
      {"actions_object", "/plan/actions", json::object(), "plan.actions",
       "must be an array of actions, got an object"},
      {"next_review", "/plan/next_review", "soon", "plan.next_review", "got \"soon\""},
      {"plan_string", "/plan", "see notes", "plan", "must be an action plan (a JSON object)"},
      {"unknown_top", "/minuts", 45, "minuts", "did you mean \"minutes\"?"},
      {"external_id_differs", "/external_id", "INT-OTHER", "external_id",
       "but the URL names \"INT-1\""},
  };
}

class InterviewRule : public ::testing::TestWithParam<Rule> {};

TEST_P(InterviewRule, IsReportedOnTheFieldAsSent) {
  const Rule& rule = GetParam();
  const auto parsed =
      parse_interview(with(sample_interview(), rule.pointer, rule.value), "INT-1", kToday);
  ASSERT_FALSE(parsed) << "accepted";
  ASSERT_EQ(parsed.error().size(), 1u) << describe(parsed.error());
  EXPECT_EQ(parsed.error()[0].field, rule.field) << describe(parsed.error());
  EXPECT_TRUE(contains(parsed.error()[0].message, rule.fragment)) << describe(parsed.error());
}

INSTANTIATE_TEST_SUITE_P(Interview, InterviewRule, ::testing::ValuesIn(rules()),
                         [](const ::testing::TestParamInfo<Rule>& rule) {
                           return rule.param.name;
                         });

TEST(InterviewJson, EveryFaultIsReportedTogether) {
  json body = sample_interview();
  body["school_urn"] = "1379";
  body["pupil"]["upn"] = "A820432114001";
  body["minutes"] = 0;
  body["kind"] = "chat";
  body["adviser"]["qualification_level"] = 12;
  body.erase("consent");
  body["plan"]["actions"][0]["due"] = "05/12/2026";
  body["plan"]["actions"].push_back({{"id", "a1"}, {"text", "Again"}, {"owner", "pupil"}});
  body["colour"] = "blue";
  body["notes"] = "x";
  const auto parsed = parse_interview(body, "INT-1", kToday);
  ASSERT_FALSE(parsed);
  std::vector<std::string> fields;
  for (const auto& e : parsed.error())
    fields.push_back(e.field);
  std::ranges::sort(fields);
  EXPECT_EQ(fields, (std::vector<std::string>{"adviser.qualification_level", "colour", "consent",
                                              "kind", "minutes", "notes", "plan.actions[0].due",
                                              "plan.actions[1].id", "pupil.upn", "school_urn"}))
      << describe(parsed.error());
  EXPECT_TRUE(contains(messages_for(parsed.error(), "plan.actions[1].id").at(0),
                       "repeats the id \"a1\" of plan.actions[0]"));
}

TEST(InterviewJson, TooManyActionsIsOneFault) {
  json body = sample_interview();
  json actions = json::array();
  for (int i = 0; i < 101; ++i) {
    actions.push_back({{"id", "a" + std::to_string(i)}, {"text", "Do it"}, {"owner", "pupil"}});
  }
  body["plan"]["actions"] = actions;
  auto parsed = parse_interview(body, "INT-1", kToday);
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u) << describe(parsed.error());
  EXPECT_EQ(parsed.error()[0].field, "plan.actions");
  EXPECT_TRUE(contains(parsed.error()[0].message, "has 101 actions; the limit is 100"));

  actions.erase(actions.size() - 1);
  body["plan"]["actions"] = actions;
  parsed = parse_interview(body, "INT-1", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
  EXPECT_EQ(parsed->plan->actions.size(), 100u);
}

TEST(InterviewJson, RoundTripsThroughItsOwnJson) {
  const auto first = parse_interview(sample_interview(), "INT-1", kToday);
  ASSERT_TRUE(first) << describe(first.error());
  const json written = interview_to_json(*first);

  json expected = sample_interview();
  expected["external_id"] = "INT-1";
  EXPECT_EQ(written, expected) << written.dump(2);

  // The body carries its id, so a file (no id from a URL) takes it back too.
  const auto second = parse_interview(written, "", kToday);
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_EQ(interview_to_json(*second), written);
}

TEST(InterviewJson, RoundTripsTheOptionalParts) {
  json body = sample_interview();
  body["pupil"] = {{"mis_id", "ARB-5521"}};
  body["consent"].erase("recorded_by");
  body["plan"]["actions"].push_back({{"id", "a2"},
                                     {"text", "Talk to the SENCO about support at college"},
                                     {"owner", "tutor"},
                                     {"status", "done"},
                                     {"done_on", "2026-11-19"},
                                     {"done_by", "Mr Khan"}});
  body["plan"].erase("intended_destination");
  const auto first = parse_interview(body, "INT-1", kToday);
  ASSERT_TRUE(first) << describe(first.error());
  const auto second = parse_interview(interview_to_json(*first), "INT-1", kToday);
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_EQ(interview_to_json(*second), interview_to_json(*first));
  EXPECT_EQ(second->pupil.mis_id, "ARB-5521");
  EXPECT_FALSE(second->pupil.upn);
  EXPECT_EQ(second->plan->actions[1].done_by, "Mr Khan");
}

TEST(InterviewJson, TrimsStringsAndTakesNullOrEmptyAsNotGiven) {
  json body = sample_interview();
  body["school_urn"] = " 137942 ";
  body["adviser"]["name"] = "\tJo Patel  ";
  body["kind"] = " group";
  body["plan"]["intended_destination"]["course"] = "";
  body["plan"]["intended_destination"]["provider"] = nullptr;
  body["plan"]["actions"][0]["status"] = nullptr;
  body["plan"]["actions"][0]["due"] = "  ";
  body["plan"]["next_review"] = nullptr;
  body["minutes"] = 45.0;  // a whole number, as JSON Schema's "integer" has it
  const auto parsed = parse_interview(body, "INT-1", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
  EXPECT_EQ(parsed->school_urn, "137942");
  EXPECT_EQ(parsed->adviser.name, "Jo Patel");
  EXPECT_EQ(parsed->kind, "group");
  EXPECT_EQ(parsed->minutes, 45);
  EXPECT_FALSE(parsed->plan->intended_destination->course);
  EXPECT_FALSE(parsed->plan->intended_destination->provider);
  EXPECT_EQ(parsed->plan->actions[0].status, "open");
  EXPECT_FALSE(parsed->plan->actions[0].due);
  EXPECT_FALSE(parsed->plan->next_review);

  body["plan"] = nullptr;
  const auto no_plan = parse_interview(body, "INT-1", kToday);
  ASSERT_TRUE(no_plan) << describe(no_plan.error());
  EXPECT_FALSE(no_plan->plan);
}

TEST(InterviewJson, ATemporaryUpnIsAccepted) {
  const auto parsed =
      parse_interview(with(sample_interview(), "/pupil/upn", "M80120000500A"), "INT-1", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
}

TEST(InterviewJson, TheExternalIdComesFromTheUrlOrTheBody) {
  const json body = sample_interview();
  auto parsed = parse_interview(body, "", kToday);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(messages_for(parsed.error(), "external_id").size(), 1u) << describe(parsed.error());

  parsed = parse_interview(with(body, "/external_id", " INT-9 "), "", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
  EXPECT_EQ(parsed->external_id, "INT-9");

  parsed = parse_interview(with(body, "/external_id", "INT-9"), "INT-9", kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());

  parsed = parse_interview(with(body, "/external_id", "INT\t9"), "", kToday);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().at(0).field, "external_id");
  EXPECT_TRUE(contains(parsed.error().at(0).message, "control characters"));

  parsed = parse_interview(body, std::string(101, 'x'), kToday);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().at(0).field, "external_id");
}

TEST(InterviewJson, ABodyThatIsNotAnObjectIsOneFault) {
  const auto parsed = parse_interview(json::array({1, 2}), "INT-1", kToday);
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u);
  EXPECT_EQ(parsed.error()[0].field, "");
  EXPECT_TRUE(contains(parsed.error()[0].message,
                       "must be an interview (a JSON object), got an "
                       "array"));
}

TEST(InterviewJson, AnUnknownFieldListsTheFieldsThereAre) {
  const auto parsed =
      parse_interview(with(sample_interview(), "/adviser/level", 6), "INT-1", kToday);
  ASSERT_FALSE(parsed);
  const auto messages = messages_for(parsed.error(), "adviser.level");
  ASSERT_EQ(messages.size(), 1u) << describe(parsed.error());
  EXPECT_TRUE(contains(messages[0], "name, organisation, qualification_level")) << messages[0];
}

TEST(DestinationJson, TheSampleParsesAndRoundTrips) {
  const auto parsed = parse_destination(sample_destination(), kToday);
  ASSERT_TRUE(parsed) << describe(parsed.error());
  EXPECT_EQ(parsed->school_urn, "137942");
  EXPECT_EQ(parsed->pupil.upn, "G820432114001");
  EXPECT_EQ(parsed->pupil.mis_id, "ARB-5521");
  EXPECT_EQ(parsed->type, "actual");
  EXPECT_EQ(parsed->activity_code, "310");
  EXPECT_EQ(parsed->provider_name, "Riverside Engineering Ltd");
  EXPECT_EQ(parsed->provider_ukprn, "10004567");
  EXPECT_FALSE(parsed->provider_urn);
  EXPECT_EQ(parsed->start_date, "2027-09-01");  // a start may lie ahead
  EXPECT_EQ(parsed->confirmed_by, "provider");
  EXPECT_EQ(destination_to_json(*parsed), sample_destination());

  const auto minimal = parse_destination(
      json::parse(R"({"school_urn":"137942","pupil":{"mis_id":"7"},"type":"intended",
                      "activity_code":"810"})"),
      kToday);
  ASSERT_TRUE(minimal) << describe(minimal.error());
  EXPECT_EQ(destination_to_json(*minimal),
            json::parse(R"({"school_urn":"137942","pupil":{"mis_id":"7"},"type":"intended",
                            "activity_code":"810"})"));
}

class DestinationRule : public ::testing::TestWithParam<Rule> {};

TEST_P(DestinationRule, IsReportedOnTheFieldAsSent) {
  const Rule& rule = GetParam();
  const auto parsed =
      parse_destination(with(sample_destination(), rule.pointer, rule.value), kToday);
  ASSERT_FALSE(parsed) << "accepted";
  ASSERT_EQ(parsed.error().size(), 1u) << describe(parsed.error());
  EXPECT_EQ(parsed.error()[0].field, rule.field) << describe(parsed.error());
  EXPECT_TRUE(contains(parsed.error()[0].message, rule.fragment)) << describe(parsed.error());
}

INSTANTIATE_TEST_SUITE_P(
    Destination, DestinationRule,
    ::testing::Values(
        Rule{"type", "/type", "planned", "type", "must be one of intended, actual"},
        Rule{"type_missing", "/type", std::nullopt, "type", "is required"},
        Rule{"code", "/activity_code", "311", "activity_code",
             "\"311\" is not an NCCIS activity code"},
        Rule{"urn", "/school_urn", "ABCDEF", "school_urn", "6-digit URN"},
        Rule{"upn", "/pupil/upn", "B801200005002", "pupil.upn", "check letter"},
        Rule{"provider_urn", "/provider/urn", "12345", "provider.urn", "6-digit URN"},
        Rule{"ukprn_first_digit", "/provider/ukprn", "20004567", "provider.ukprn",
             "8-digit UKPRN starting with 1"},
        Rule{"ukprn_length", "/provider/ukprn", "1000456", "provider.ukprn", "got \"1000456\""},
        Rule{"confirmed_by", "/confirmed_by", "teacher", "confirmed_by",
             "must be one of pupil, parent, provider, school, la, other"},
        Rule{"recorded_future", "/recorded_on", "2026-11-21", "recorded_on",
             "must not be after today"},
        Rule{"start_date", "/start_date", "Sept 2027", "start_date", "YYYY-MM-DD"},
        Rule{"unknown", "/consent", true, "consent", "is not a field of a destination"},
        Rule{"provider_unknown", "/provider/postcode", "AB1 2CD", "provider.postcode",
             "is not a field of a provider"}),
    [](const ::testing::TestParamInfo<Rule>& rule) { return rule.param.name; });

TEST(FieldErrorsJson, ListsEachFieldAndMessage) {
  const std::vector<FieldError> errors{{"plan.actions[0].due", "must be a date \"x\""},
                                       {"consent", "is required"}};
  const json doc = json::parse(field_errors_json(errors));
  EXPECT_EQ(doc, json::parse(R"({"errors":[{"field":"plan.actions[0].due",
                                            "message":"must be a date \"x\""},
                                           {"field":"consent","message":"is required"}]})"));
  EXPECT_EQ(field_errors_json({}), R"({"errors":[]})");
}

TEST(ParseJsonText, RefusesDuplicateKeysDeepNestingAndBadSyntax) {
  auto doc =
      parse_json_text(R"({"plan":{"actions":[{"id":"a1"},{"id":"a2","due":"x","due":"y"}]}})");
  ASSERT_FALSE(doc);
  EXPECT_TRUE(contains(doc.error(), "\"plan.actions[1].due\" is given twice")) << doc.error();

  doc = parse_json_text(std::string(40, '[') + std::string(40, ']'), 32);
  ASSERT_FALSE(doc);
  EXPECT_TRUE(contains(doc.error(), "more than 32 levels")) << doc.error();

  doc = parse_json_text("{\n  \"a\": 1,\n  \"b\": tru }\n");
  ASSERT_FALSE(doc);
  EXPECT_TRUE(contains(doc.error(), "line 3")) << doc.error();

  doc = parse_json_text(R"({"a":"[[[[","b":[{"c":1},{"c":2}]})", 3);
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_EQ((*doc)["b"][1]["c"], 2);
}

}  // namespace
}  // namespace careerlink::guidance
