// Reading write-back payloads: the example events, what counts as malformed, and times.
#include "plugins/sims/sims_events.hpp"

#include <gtest/gtest.h>

#include "tests/unit/sims/sims_test_support.hpp"

namespace careerlink::sims {
namespace {

using test::at;
using test::status_payload;
using test::withdrawn_payload;

std::string refusal(const nlohmann::json& payload) {
  auto event = parse_event(payload.dump());
  EXPECT_FALSE(event) << payload.dump();
  return event ? std::string() : event.error();
}

TEST(SimsEvents, ReadsTheExampleStatus) {
  auto event = parse_event(status_payload().dump());
  ASSERT_TRUE(event) << event.error();
  const auto& s = std::get<PupilStatus>(*event);
  EXPECT_EQ(s.pupil.school_urn, "137942");
  EXPECT_EQ(s.pupil.upn, "B820432116017");
  EXPECT_EQ(s.overall_rag, rules::Rag::amber);
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].kind, "no_interview");
  EXPECT_EQ(s.flags[0].reason, "No guidance interview yet; due by 31/03/2027");
  EXPECT_EQ(s.last_interview_date, "2026-10-01");
  ASSERT_TRUE(s.intended_destination);
  EXPECT_EQ(s.intended_destination->activity_code, "210");
  EXPECT_EQ(s.intended_destination->provider, "Hillside Sixth Form");
  ASSERT_TRUE(s.plan);
  EXPECT_EQ(s.plan->interview_id, 12);
  EXPECT_EQ(s.plan->version, 2);
  EXPECT_EQ(s.plan->adviser, "Sam Adviser");
  EXPECT_EQ(s.plan->next_review, "2027-01-15");
  ASSERT_EQ(s.plan->actions.size(), 1u);
  EXPECT_EQ(s.plan->actions[0].owner, "pupil");
  EXPECT_EQ(s.plan->actions[0].due, "2026-12-01");
  EXPECT_EQ(s.panel_path, "/panel/pupil?upn=B820432116017");
  EXPECT_EQ(s.as_of, at("2026-11-24T09:00:00Z"));
}

TEST(SimsEvents, NullsAndMissingOptionalsAreEmpty) {
  auto payload = status_payload();
  payload["last_interview_date"] = nullptr;
  payload["intended_destination"] = nullptr;
  payload["plan"] = nullptr;
  payload.erase("flags");
  payload.erase("panel_path");
  payload["pupil"]["upn"] = "b820432116017";  // read as capitals
  auto event = parse_event(payload.dump());
  ASSERT_TRUE(event) << event.error();
  const auto& s = std::get<PupilStatus>(*event);
  EXPECT_FALSE(s.last_interview_date);
  EXPECT_FALSE(s.intended_destination);
  EXPECT_FALSE(s.plan);
  EXPECT_TRUE(s.flags.empty());
  EXPECT_EQ(s.pupil.upn, "B820432116017");
  EXPECT_EQ(s.panel_path, "/panel/pupil?upn=B820432116017");
}

TEST(SimsEvents, ACodeAloneTakesTheNccisWords) {
  auto payload = status_payload();
  payload["intended_destination"] = {{"activity_code", "310"}};
  auto event = parse_event(payload.dump());
  ASSERT_TRUE(event) << event.error();
  EXPECT_EQ(std::get<PupilStatus>(*event).intended_destination->description, "Apprenticeship");
}

TEST(SimsEvents, ReadsAWithdrawalAndKnowsOtherEvents) {
  auto event = parse_event(withdrawn_payload().dump());
  ASSERT_TRUE(event) << event.error();
  const auto& w = std::get<PlanWithdrawn>(*event);
  EXPECT_EQ(w.pupil.upn, "B820432116017");
  EXPECT_EQ(w.provider, "north-careers");
  EXPECT_EQ(w.external_id, "INT-1");
  EXPECT_EQ(w.interview_id, 12);

  auto other = parse_event(R"({"event":"flag.cleared","pupil":{"upn":"x"}})");
  ASSERT_TRUE(other) << other.error();
  EXPECT_EQ(std::get<OtherEvent>(*other).event, "flag.cleared");
}

TEST(SimsEvents, MalformedPayloadsSayWhichFieldIsWrong) {
  EXPECT_EQ(parse_event("{oops").error(), "payload is not valid JSON");
  EXPECT_EQ(parse_event("\"text\"").error(), "payload is not a JSON object");
  EXPECT_EQ(refusal({{"pupil", {}}}), "payload: event is missing");
  EXPECT_EQ(refusal({{"event", 3}}), "payload: event is not text");

  auto p = status_payload();
  p.erase("pupil");
  EXPECT_EQ(refusal(p), "pupil.status: pupil is missing");
  p = status_payload();
  p["pupil"]["school_urn"] = "13794";
  EXPECT_EQ(refusal(p), "pupil.status: pupil.school_urn is not a URN (6 digits)");
  p = status_payload();
  p["pupil"]["upn"] = "B82043211601/";
  EXPECT_EQ(refusal(p), "pupil.status: pupil.upn is not a UPN (13 letters and digits)");
  p = status_payload();
  p["overall_rag"] = "RED!";
  EXPECT_EQ(refusal(p), "pupil.status: overall_rag is not red, amber or green");
  p = status_payload();
  p["flags"][0]["rag"] = "blue";
  EXPECT_EQ(refusal(p), "pupil.status: flags[0].rag is not red, amber or green");
  p = status_payload();
  p["flags"] = "none";
  EXPECT_EQ(refusal(p), "pupil.status: flags is not a list");
  p = status_payload();
  p["plan"]["actions"][0]["due"] = "2026-02-30";
  EXPECT_EQ(refusal(p), "pupil.status: plan.actions[0].due is not a date (YYYY-MM-DD)");
  p = status_payload();
  p["plan"]["actions"][0].erase("text");
  EXPECT_EQ(refusal(p), "pupil.status: plan.actions[0].text is missing");
  p = status_payload();
  p["plan"]["interview_id"] = "twelve";
  EXPECT_EQ(refusal(p), "pupil.status: plan.interview_id is not a whole number");
  p = status_payload();
  p["plan"] = "shared";
  EXPECT_EQ(refusal(p), "pupil.status: plan is not an object");
  p = status_payload();
  p["intended_destination"]["activity_code"] = "21";
  EXPECT_EQ(refusal(p),
            "pupil.status: intended_destination.activity_code is not an NCCIS code (3 digits)");
  p = status_payload();
  p["panel_path"] = "javascript:alert(1)";
  EXPECT_EQ(refusal(p), "pupil.status: panel_path is not a path on careerlink (\"/panel/...\")");
  p = status_payload();
  p["panel_path"] = "/panel/pupil?upn=x\" onmouseover=\"alert(1)";
  EXPECT_FALSE(parse_event(p.dump()));
  p = status_payload();
  p["as_of"] = "yesterday";
  EXPECT_EQ(refusal(p), "pupil.status: as_of is not a date-time (2026-11-24T09:00:00Z)");

  auto w = withdrawn_payload();
  w.erase("interview_id");
  w.erase("external_id");
  EXPECT_EQ(refusal(w),
            "plan.withdrawn: names no plan: give interview_id, or provider and external_id");
}

TEST(SimsEvents, StatusRoundTripsThroughItsJson) {
  auto payload = status_payload(test::kUpn, "2026-11-24T09:00:00.123456789Z");
  auto event = parse_event(payload.dump());
  ASSERT_TRUE(event) << event.error();
  const auto& s = std::get<PupilStatus>(*event);
  auto again = parse_status(status_json(s));
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(status_json(*again), status_json(s));
  EXPECT_EQ(again->as_of, s.as_of);
  EXPECT_EQ(status_json(s)["as_of"], "2026-11-24T09:00:00.123456789Z");
}

TEST(SimsEvents, ReadsTimestampsWithZonesAndFractions) {
  EXPECT_EQ(parse_timestamp("2026-11-24T09:00:00Z"), at("2026-11-24T09:00:00Z"));
  EXPECT_EQ(parse_timestamp("2026-11-24T10:00:00+01:00"), at("2026-11-24T09:00:00Z"));
  EXPECT_EQ(parse_timestamp("2026-11-24T04:30:00-04:30"), at("2026-11-24T09:00:00Z"));
  EXPECT_EQ(parse_timestamp("2026-11-24T09:00:00.5Z"),
            at("2026-11-24T09:00:00Z") + std::chrono::milliseconds(500));
  for (const auto* bad :
       {"2026-11-24", "2026-11-24T09:00:00", "2026-11-24T24:00:00Z", "2026-02-30T09:00:00Z",
        "2026-11-24T09:00:00.Z", "2026-11-24T09:00:00Zjunk", "2026-11-24 09:00:00Z"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
  EXPECT_EQ(format_timestamp(at("2026-11-24T09:00:00Z")), "2026-11-24T09:00:00Z");
}

TEST(SimsEvents, MatchesAWithdrawalToItsPlan) {
  Plan plan;
  plan.interview_id = 12;
  plan.provider = "north-careers";
  plan.external_id = "INT-1";
  PlanWithdrawn w{{"137942", "B820432116017"}, "north-careers", "INT-1", 12};
  EXPECT_TRUE(is_same_plan(plan, w));
  w.interview_id = 13;  // the interview decides when both sides know it
  EXPECT_FALSE(is_same_plan(plan, w));
  w.interview_id.reset();
  EXPECT_TRUE(is_same_plan(plan, w));
  w.provider = "south-careers";
  EXPECT_FALSE(is_same_plan(plan, w));
}

}  // namespace
}  // namespace careerlink::sims
