// The note's words and markers, and reading the write-back events: pure functions, no Arbor.
#include "plugins/arbor/careers_note.hpp"

#include <gtest/gtest.h>

#include "plugins/arbor/writeback_event.hpp"
#include "tests/unit/arbor/arbor_test_support.hpp"

namespace careerlink::arbor {
namespace {

using namespace test_support;

PupilStatus parsed_status(const StatusSpec& spec = {}) {
  auto event = parse_writeback_event(status_payload(spec), "status:137942:B820432116017:1");
  EXPECT_TRUE(event) << (event ? "" : event.error());
  return std::get<PupilStatus>(*event);
}

TEST(ArborWritebackEvent, ReadsPupilStatus) {
  auto s = parsed_status();
  EXPECT_EQ(s.pupil.school_urn, "137942");
  EXPECT_EQ(s.pupil.upn, "B820432116017");
  EXPECT_EQ(s.overall_rag, "amber");
  ASSERT_EQ(s.flags.size(), 1U);
  EXPECT_EQ(s.flags[0].kind, "no_interview");
  ASSERT_TRUE(s.plan);
  EXPECT_EQ(s.plan->interview_id, 12);
  EXPECT_EQ(s.plan->version, 2);
  EXPECT_EQ(s.plan->actions.size(), 4U);
  EXPECT_EQ(s.plan->actions[2].due, std::nullopt);
  ASSERT_TRUE(s.intended_destination);
  EXPECT_EQ(s.intended_destination->provider, "Hillside Sixth Form");
  EXPECT_EQ(format_stamp(s.as_of), "2026-11-24T09:00:00Z");
  EXPECT_FALSE(parsed_status({.with_plan = false}).plan);
}

TEST(ArborWritebackEvent, OtherEventsAreIgnoredNotRefused) {
  auto e = parse_writeback_event(R"({"event":"flag.raised","pupil":{},"flag":{}})", "flag:1");
  ASSERT_TRUE(e);
  ASSERT_TRUE(std::holds_alternative<IgnoredEvent>(*e));
  EXPECT_EQ(std::get<IgnoredEvent>(*e).event, "flag.raised");
}

TEST(ArborWritebackEvent, MalformedPayloadsSayWhichFieldWithoutItsValue) {
  EXPECT_EQ(parse_writeback_event("not json", "k").error(), "payload is not valid JSON");
  EXPECT_EQ(parse_writeback_event("[1]", "k").error(), "payload is not a JSON object");
  EXPECT_EQ(parse_writeback_event(R"({"pupil":{}})", "k").error(), "payload has no \"event\" name");
  EXPECT_EQ(parse_writeback_event(R"({"event":"pupil.status"})", "k").error(),
            "pupil.status: pupil is missing");

  auto bad_rag = status_json();
  bad_rag["overall_rag"] = "purple";
  EXPECT_EQ(parse_writeback_event(bad_rag.dump(), "k").error(),
            "pupil.status: overall_rag must be red, amber or green");

  auto bad_upn = status_json({.upn = "B82043211601'"});
  auto e = parse_writeback_event(bad_upn.dump(), "k");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), "pupil.status: pupil.upn must be 1-32 letters and digits");
  EXPECT_EQ(e.error().find("B8204"), std::string::npos);

  auto bad_action = status_json();
  bad_action["plan"]["actions"][1]["status"] = "maybe";
  EXPECT_EQ(parse_writeback_event(bad_action.dump(), "k").error(),
            "pupil.status: plan.actions[1].status must be open, done or dropped");

  auto bad_time = status_json({.as_of = "24/11/2026 09:00"});
  EXPECT_NE(parse_writeback_event(bad_time.dump(), "k").error().find("as_of"), std::string::npos);
}

TEST(ArborWritebackEvent, WithdrawalTakesItsInterviewAndTimeFromTheKeyWhenThePayloadHasNone) {
  auto with_id = parse_writeback_event(withdrawn_payload(12), "plan:12:withdrawn:1795510800000");
  ASSERT_TRUE(with_id) << with_id.error();
  auto w = std::get<PlanWithdrawn>(*with_id);
  EXPECT_EQ(w.interview_id, 12);
  ASSERT_TRUE(w.as_of);
  EXPECT_EQ(format_stamp(*w.as_of), "2026-11-24T09:00:00Z");

  // Today's core sends no interview_id: the key (daemon/guidance/README.md) names it.
  auto doc = nlohmann::json::parse(withdrawn_payload(12));
  doc.erase("interview_id");
  auto from_key = parse_writeback_event(doc.dump(), "plan:77:withdrawn:1795510800123");
  ASSERT_TRUE(from_key) << from_key.error();
  EXPECT_EQ(std::get<PlanWithdrawn>(*from_key).interview_id, 77);

  auto neither = parse_writeback_event(doc.dump(), "something-else");
  ASSERT_FALSE(neither);
  EXPECT_NE(neither.error().find("interview_id is missing"), std::string::npos);
  // No change time anywhere: unknown, and the sink uses the delivery time.
  auto doc2 = nlohmann::json::parse(withdrawn_payload(5));
  auto no_time = parse_writeback_event(doc2.dump(), "x");
  ASSERT_TRUE(no_time);
  EXPECT_FALSE(std::get<PlanWithdrawn>(*no_time).as_of);
}

TEST(ArborStamp, ParsesOnlyIsoUtc) {
  EXPECT_EQ(format_stamp(*parse_stamp("2026-03-29T01:30:05Z")), "2026-03-29T01:30:05Z");
  EXPECT_EQ(format_stamp(*parse_stamp("2026-03-29T01:30:05.250Z")), "2026-03-29T01:30:05Z");
  EXPECT_FALSE(parse_stamp("2026-03-29T01:30:05"));        // no zone
  EXPECT_FALSE(parse_stamp("2026-02-30T01:30:05Z"));       // no such day
  EXPECT_FALSE(parse_stamp("2026-03-29T01:-3:05Z"));       // sign in a field
  EXPECT_FALSE(parse_stamp("2026-03-29T01:30:05+01:00"));  // not UTC
}

TEST(ArborMarker, NamesPlanAndFollowUpNotesExactly) {
  EXPECT_EQ(marker_text(plan_marker("137942", 12)), "[careerlink 137942/plan/12]");
  EXPECT_EQ(marker_text(NoteMarker{"137942", std::nullopt}), "[careerlink 137942/follow-up]");
  EXPECT_EQ(marker_prefix("137942"), "[careerlink 137942/");
  EXPECT_EQ(find_marker("Careers plan: RED [careerlink 137942/plan/12]"),
            plan_marker("137942", 12));
  EXPECT_EQ(find_marker("x [careerlink 137942/follow-up]"), (NoteMarker{"137942", std::nullopt}));
  // Plan 1 is not plan 12: the closing bracket is part of the marker.
  EXPECT_NE(find_marker("[careerlink 137942/plan/1]"), plan_marker("137942", 12));
  EXPECT_FALSE(find_marker("Spoke to parents about options"));
  EXPECT_FALSE(find_marker("[careerlink 137942/plan/x]"));
  EXPECT_FALSE(find_marker("[careerlink 137942/plan/12"));
}

TEST(ArborNote, PlanNoteCarriesPlanRagFlagsDestinationAndDeepLink) {
  auto note = status_note(parsed_status(), NoteStyle{.panel_url = "http://127.0.0.1:8470/"});
  EXPECT_EQ(note.summary, "Careers plan: AMBER [careerlink 137942/plan/12]");
  const auto& c = note.content;
  for (const char* expected : {
           "Careers RAG: AMBER\n",
           "Open follow-up flags:\n- Amber: No guidance interview yet; due by 31/03/2027\n",
           "Last guidance interview: 01/10/2026\n",
           "Intended destination: Full-time education - school sixth form (210), Hillside Sixth "
           "Form\n",
           "Careers action plan from the guidance interview on 01/10/2026 with Sam Adviser "
           "(north-careers, version 2)\n",
           "Summary: Wants to study engineering at college\n",
           "Next review: 15/01/2027\n",
           // Soonest first; the undated one last; the dropped one not at all.
           "Next actions:\n"
           "- due 30/11/2026: Write a personal statement draft (pupil)\n"
           "- due 01/12/2026: Visit two sixth form open evenings (pupil)\n"
           "- no due date: Book work experience (tutor)\n",
           "Done: 0; dropped: 1.\n",
           "Careers panel: http://127.0.0.1:8470/panel/pupil?upn=B820432116017\n",
       }) {
    EXPECT_NE(c.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << c;
  }
  EXPECT_EQ(c.find("Old idea"), std::string::npos);
  EXPECT_TRUE(c.ends_with("As of 2026-11-24T09:00:00Z.")) << c;
}

TEST(ArborNote, FollowUpNoteForAPupilWithoutASharedPlan) {
  auto note = status_note(parsed_status({.rag = "red", .with_plan = false}),
                          NoteStyle{.panel_url = "https://careers.school.example"});
  EXPECT_EQ(note.summary, "Careers follow-up: RED [careerlink 137942/follow-up]");
  EXPECT_NE(note.content.find("Careers RAG: RED"), std::string::npos);
  EXPECT_NE(note.content.find("No careers action plan is shared with staff."), std::string::npos);
  EXPECT_NE(note.content.find(
                "Careers panel: https://careers.school.example/panel/pupil?upn=B820432116017"),
            std::string::npos);
  EXPECT_EQ(note.content.find("Summary:"), std::string::npos);
}

TEST(ArborNote, LongPlansAreCutToFitButKeepTheirStamp) {
  StatusSpec spec;
  spec.plan_summary = std::string(30'000, 'x');
  auto note = status_note(parsed_status(spec),
                          NoteStyle{.panel_url = "http://127.0.0.1:8470", .max_content = 2'000});
  EXPECT_LE(note.content.size(), 2'000U);
  EXPECT_NE(note.content.find("(more in the careers panel)"), std::string::npos);
  EXPECT_NE(note.content.find("Careers panel: http://127.0.0.1:8470/panel/pupil?upn="),
            std::string::npos);
  auto read = read_note(note.summary, note.content);
  ASSERT_TRUE(read);
  EXPECT_EQ(format_stamp(*read->as_of), "2026-11-24T09:00:00Z");
}

TEST(ArborNote, TooManyOpenActionsPointToThePanel) {
  auto s = parsed_status();
  auto note = status_note(s, NoteStyle{.max_open_actions = 2});
  EXPECT_NE(note.content.find("- and 1 more open actions in the careers panel"), std::string::npos);
  EXPECT_EQ(note.content.find("Book work experience"), std::string::npos);
}

TEST(ArborNote, ReadsBackItsOwnNotes) {
  auto s = parsed_status();
  auto note = status_note(s, {});
  auto read = read_note(note.summary, note.content);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->marker, plan_marker("137942", 12));
  EXPECT_EQ(read->state, NoteState::current);
  EXPECT_EQ(read->as_of, s.as_of);

  auto later = s.as_of + std::chrono::hours(1);
  auto gone = superseded_note(plan_marker("137942", 12), later, "http://x/panel/pupil?upn=1");
  read = read_note(gone.summary, gone.content);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state, NoteState::superseded);
  EXPECT_EQ(read->as_of, later);
  EXPECT_EQ(gone.summary, "Careers plan (superseded) [careerlink 137942/plan/12]");

  auto withdrawn = withdrawn_note(plan_marker("137942", 12), later);
  read = read_note(withdrawn.summary, withdrawn.content);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state, NoteState::withdrawn);
  EXPECT_EQ(withdrawn.content.find("engineering"), std::string::npos);

  EXPECT_FALSE(read_note("Spoke to parents", "As of 2026-01-01T00:00:00Z."));
}

TEST(ArborNote, AStampInsideThePlanTextDoesNotFoolTheReader) {
  StatusSpec spec;
  spec.plan_summary = "As of 2099-01-01T00:00:00Z. (copied from an email)";
  auto s = parsed_status(spec);
  auto note = status_note(s, {});
  EXPECT_EQ(read_note(note.summary, note.content)->as_of, s.as_of);
}

TEST(ArborNote, DeepLinksAndDates) {
  EXPECT_EQ(deep_link("http://127.0.0.1:8470", "/panel/pupil?upn=X1"),
            "http://127.0.0.1:8470/panel/pupil?upn=X1");
  EXPECT_EQ(deep_link("https://c.example//", "/panel/pupil?upn=X1"),
            "https://c.example/panel/pupil?upn=X1");
  EXPECT_EQ(deep_link("", "/panel/pupil?upn=X1"), "");
  EXPECT_EQ(uk_date("2026-12-01"), "01/12/2026");
  EXPECT_EQ(uk_date("next week"), "next week");
}

}  // namespace
}  // namespace careerlink::arbor
