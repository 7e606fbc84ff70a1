// The sink's memory of a school: ordering of views, withdrawals, and the state file.
#include "plugins/sims/school_state.hpp"

#include <gtest/gtest.h>

#include "tests/unit/sims/sims_test_support.hpp"

namespace careerlink::sims {
namespace {

using test::at;

PupilStatus status(const std::string& as_of, const std::string& upn = test::kUpn) {
  auto event = parse_event(test::status_payload(upn, as_of).dump());
  EXPECT_TRUE(event) << event.error();
  return std::get<PupilStatus>(*event);
}

PlanWithdrawn withdrawal(std::optional<std::int64_t> interview_id = 12) {
  return PlanWithdrawn{{test::kUrn, test::kUpn}, "north-careers", "INT-1", interview_id};
}

SchoolState school() {
  SchoolState s;
  s.school_urn = test::kUrn;
  return s;
}

const PupilStatus& held(const SchoolState& s) {
  return *s.pupils.at(test::kUpn).status;
}

TEST(SimsSchoolState, KeepsTheNewestViewAndIgnoresOlderOnes) {
  auto s = school();
  EXPECT_EQ(apply_status(s, status("2026-11-24T09:00:00Z")), Applied::changed);
  EXPECT_EQ(apply_status(s, status("2026-11-24T09:00:00Z")), Applied::unchanged);
  auto newer = status("2026-11-25T09:00:00Z");
  newer.overall_rag = rules::Rag::red;
  EXPECT_EQ(apply_status(s, newer), Applied::changed);
  EXPECT_EQ(apply_status(s, status("2026-11-24T09:00:00Z")), Applied::stale);
  EXPECT_EQ(held(s).overall_rag, rules::Rag::red);
  EXPECT_EQ(s.pupils.size(), 1u);
}

TEST(SimsSchoolState, ViewsWithTheSameTimeAreOrderedByWhenTheyWereSent) {
  auto s = school();
  auto first = status("2026-11-24T09:00:00Z");
  auto second = status("2026-11-24T09:00:00Z");
  second.overall_rag = rules::Rag::red;
  EXPECT_EQ(apply_status(s, first, at("2026-11-24T09:00:01Z")), Applied::changed);
  EXPECT_EQ(apply_status(s, second, at("2026-11-24T09:00:02Z")), Applied::changed);
  EXPECT_EQ(apply_status(s, first, at("2026-11-24T09:00:01Z")), Applied::stale);
  EXPECT_EQ(held(s).overall_rag, rules::Rag::red);
  EXPECT_EQ(s.pupils.at(test::kUpn).sent_at, at("2026-11-24T09:00:02Z"));
  // Survives the state file.
  auto back = parse_state(state_text(s), test::kUrn);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(apply_status(*back, first, at("2026-11-24T09:00:01Z")), Applied::stale);
}

TEST(SimsSchoolState, AWithdrawalTakesThePlanAndDestinationOut) {
  auto s = school();
  apply_status(s, status("2026-11-24T09:00:00Z"));
  EXPECT_EQ(apply_withdrawal(s, withdrawal(), at("2026-11-24T10:00:00Z"), {}), Applied::changed);
  EXPECT_FALSE(held(s).plan);
  EXPECT_FALSE(held(s).intended_destination);
  EXPECT_EQ(held(s).last_interview_date, "2026-10-01");
  EXPECT_EQ(held(s).overall_rag, rules::Rag::amber);
  // The same withdrawal again changes nothing.
  EXPECT_EQ(apply_withdrawal(s, withdrawal(), at("2026-11-24T10:00:00Z"), {}), Applied::unchanged);
}

TEST(SimsSchoolState, AWithdrawalOfAnotherPlanLeavesTheCurrentPlan) {
  auto s = school();
  apply_status(s, status("2026-11-24T09:00:00Z"));
  apply_withdrawal(s, withdrawal(7), at("2026-11-24T10:00:00Z"), {});
  ASSERT_TRUE(held(s).plan);
  EXPECT_EQ(held(s).plan->interview_id, 12);
  EXPECT_FALSE(held(s).intended_destination);  // a destination may have come from either plan
}

TEST(SimsSchoolState, AWithdrawalOlderThanTheViewHeldChangesNothing) {
  auto s = school();
  apply_status(s, status("2026-11-28T09:00:00Z"));  // shared again after the withdrawal
  EXPECT_EQ(apply_withdrawal(s, withdrawal(), at("2026-11-24T10:00:00Z"), {}), Applied::unchanged);
  EXPECT_TRUE(held(s).plan);
  EXPECT_TRUE(s.pupils.at(test::kUpn).withdrawals.empty());
}

TEST(SimsSchoolState, ViewsFromBeforeAWithdrawalArriveWithoutThePlan) {
  auto s = school();
  apply_withdrawal(s, withdrawal(), at("2026-11-24T10:00:00Z"), {});  // before any view
  EXPECT_FALSE(s.pupils.at(test::kUpn).status);
  EXPECT_EQ(apply_status(s, status("2026-11-24T09:00:00Z")), Applied::changed);
  EXPECT_FALSE(held(s).plan);
  EXPECT_FALSE(held(s).intended_destination);

  // A view from after it (the pupil agreed again) has its plan, and the withdrawal is done with.
  apply_status(s, status("2026-11-24T11:00:00Z"));
  EXPECT_TRUE(held(s).plan);
  EXPECT_TRUE(s.pupils.at(test::kUpn).withdrawals.empty());
}

TEST(SimsSchoolState, AWithdrawalOfUnknownTimeCountsAsNewerThanTheViewHeld) {
  auto s = school();
  apply_status(s, status("2027-06-01T09:00:00Z"));  // later than "now" below
  EXPECT_EQ(apply_withdrawal(s, withdrawal(), std::nullopt, at("2026-11-24T12:00:00Z")),
            Applied::changed);
  EXPECT_FALSE(held(s).plan);
  // Replayed later with no time either: nothing moves.
  EXPECT_EQ(apply_withdrawal(s, withdrawal(), std::nullopt, at("2026-11-30T12:00:00Z")),
            Applied::unchanged);
  // The same view replayed stays without the plan.
  EXPECT_EQ(apply_status(s, status("2027-06-01T09:00:00Z")), Applied::unchanged);
  EXPECT_FALSE(held(s).plan);
}

TEST(SimsSchoolState, TheStateFileReadsBackTheSame) {
  auto s = school();
  apply_status(s, status("2026-11-24T09:00:00Z"));
  apply_status(s, status("2026-11-24T09:00:00Z", test::kOtherUpn));
  apply_withdrawal(s, withdrawal(), at("2026-11-24T10:00:00Z"), {});
  PlanWithdrawn early{{test::kUrn, "C123456789012"}, "north-careers", "INT-9", std::nullopt};
  apply_withdrawal(s, early, at("2026-11-20T10:00:00Z"), {});

  const auto text = state_text(s);
  auto back = parse_state(text, test::kUrn);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(state_text(*back), text);
  EXPECT_EQ(back->pupils.size(), 3u);
  EXPECT_FALSE(back->pupils.at("C123456789012").status);
  ASSERT_EQ(back->pupils.at("C123456789012").withdrawals.size(), 1u);
  EXPECT_EQ(back->pupils.at("C123456789012").withdrawals[0].at, at("2026-11-20T10:00:00Z"));
  EXPECT_EQ(back->pupils.at(test::kUpn).withdrawals.at(0).interview_id, 12);
  EXPECT_EQ(back->pupils.at(test::kUpn).plan_removed_at, at("2026-11-24T10:00:00Z"));
  EXPECT_FALSE(back->pupils.at(test::kOtherUpn).plan_removed_at);
}

TEST(SimsSchoolState, RefusesAStateFileThatIsNotOneOrNotThisSchools) {
  EXPECT_FALSE(parse_state("", test::kUrn));
  EXPECT_FALSE(parse_state("[]", test::kUrn));
  EXPECT_EQ(parse_state(R"({"format":"other"})", test::kUrn).error(),
            "it is not a careerlink SIMS state file");
  EXPECT_EQ(parse_state(R"({"format":"careerlink-sims-state","version":9,"school_urn":"137942"})",
                        test::kUrn)
                .error(),
            "it is version 9; this careerlink reads 1");
  auto s = school();
  apply_status(s, status("2026-11-24T09:00:00Z"));
  EXPECT_EQ(parse_state(state_text(s), "100001").error(), "it belongs to another school");
  auto broken = state_text(s);
  broken.replace(broken.find("\"amber\""), 7, "\"mauve\"");
  EXPECT_FALSE(parse_state(broken, test::kUrn));
}

}  // namespace
}  // namespace careerlink::sims
