// The `arbor` sink end to end against the mock Arbor server over TLS: one note per plan through
// retries, lost answers, updates and withdrawals; how each Arbor answer maps to ok/retry/fail.
#include "plugins/arbor/arbor_sink.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "tests/mock_arbor/mock_arbor.hpp"
#include "tests/unit/arbor/arbor_test_support.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::arbor {
namespace {

using namespace test_support;
using namespace std::chrono_literals;
using outbox::DeliveryResult;
using test::MockArbor;
using Kind = DeliveryResult::Kind;

constexpr const char* kPanel = "http://127.0.0.1:8470";
constexpr const char* kLink = "http://127.0.0.1:8470/panel/pupil?upn=B820432116017";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class ArborSinkTest : public ::testing::Test {
 protected:
  ArborSinkTest()
      : pki_(test::make_test_pki(dir_.path() / "pki")),
        arbor_(test::MockArborOptions{.tls_cert = pki_.server_cert, .tls_key = pki_.server_key}) {
    student_ = arbor_.add_student(kUpn);
  }

  ArborSinkOptions options(std::chrono::milliseconds read_timeout = 5s) const {
    ArborSinkOptions o;
    o.name = "arbor";
    o.api.url = arbor_.url();
    o.api.username = arbor_.options().username;
    o.api.password = arbor_.options().password;
    o.api.http.ca_bundle = pki_.ca_cert;
    o.api.http.proxy_from_env = false;
    o.api.http.read_timeout = read_timeout;
    o.panel_url = kPanel;
    return o;
  }

  std::unique_ptr<ArborSink> sink(std::chrono::milliseconds read_timeout = 5s) const {
    return std::make_unique<ArborSink>(options(read_timeout));
  }

  static DeliveryResult deliver(ArborSink& sink, const OutboxMessage& m,
                                std::stop_token stop = {}) {
    outbox::DeliveryContext c;
    c.now = std::chrono::system_clock::now();
    c.stop = std::move(stop);
    auto results = sink.deliver(std::span(&m, 1), c);
    EXPECT_EQ(results.size(), 1U);
    return results.empty() ? DeliveryResult::retry("no result") : results.front();
  }

  static OutboxMessage status(const StatusSpec& spec = {}, std::string key = "status:1") {
    return message(std::move(key), status_payload(spec));
  }

  std::vector<test::MockNote> notes() const { return arbor_.notes_of(student_); }

  // The careerlink notes still showing a RAG: there must never be more than one per pupil.
  std::size_t current_notes() const {
    auto all = notes();
    return static_cast<std::size_t>(std::ranges::count_if(all, [](const test::MockNote& n) {
      return contains(n.summary, "[careerlink") && !contains(n.summary, "(superseded)") &&
             !contains(n.summary, "(withdrawn)");
    }));
  }

  test::TempDir dir_;
  test::TestPki pki_;
  MockArbor arbor_;
  std::string student_;
};

TEST_F(ArborSinkTest, CreatesOnePlanNoteWithEverythingStaffNeed) {
  auto s = sink();
  auto r = deliver(*s, status());
  ASSERT_EQ(r.kind, Kind::ok) << r.reason;
  auto all = notes();
  ASSERT_EQ(all.size(), 1U);
  const auto& n = all[0];
  EXPECT_EQ(n.summary, "Careers plan: AMBER [careerlink 137942/plan/12]");
  EXPECT_EQ(n.note_date, "2026-11-24");
  for (const char* part :
       {"Careers RAG: AMBER", "Amber: No guidance interview yet; due by 31/03/2027",
        "Last guidance interview: 01/10/2026",
        "Full-time education - school sixth form (210), Hillside Sixth Form",
        "Summary: Wants to study engineering at college",
        "due 01/12/2026: Visit two sixth form open evenings (pupil)", kLink}) {
    EXPECT_TRUE(contains(n.content, part)) << part << "\n" << n.content;
  }
  // Found the student by UPN, searched before creating, created once; Basic auth throughout.
  EXPECT_EQ(arbor_.count("GET", "/rest-v2/uk-dfe_upn-assignments"), 2U);  // listing + link
  // The like search found nothing, so the student's notes were listed once more without it.
  EXPECT_EQ(arbor_.count("GET", "/rest-v2/pastoral-notes"), 2U);
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 1U);
  for (const auto& req : arbor_.requests())
    EXPECT_TRUE(req.authorised) << req.method << " " << req.target;
  auto seen = arbor_.requests();
  auto post =
      std::ranges::find_if(seen, [](const test::MockRequest& q) { return q.method == "POST"; });
  ASSERT_NE(post, seen.end());
  auto body = nlohmann::json::parse(post->body);
  EXPECT_EQ(body["request"]["pastoralNote"]["student"]["href"], student_);
  EXPECT_EQ(body["request"]["pastoralNote"]["entityType"], "PastoralNote");
}

TEST_F(ArborSinkTest, UpdatesTheSameNoteAsThePlanAndRagChange) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  auto r = deliver(
      *s, status({.rag = "red", .as_of = "2026-11-25T10:00:00Z", .first_action_status = "done"},
                 "status:2"));
  ASSERT_EQ(r.kind, Kind::ok) << r.reason;
  auto all = notes();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].writes, 2);
  EXPECT_EQ(all[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
  EXPECT_EQ(all[0].note_date, "2026-11-25");
  EXPECT_FALSE(contains(all[0].content, "Visit two sixth form open evenings"));  // done now
  EXPECT_TRUE(contains(all[0].content, "Done: 1; dropped: 1."));
  EXPECT_TRUE(contains(all[0].content, "As of 2026-11-25T10:00:00Z."));
}

TEST_F(ArborSinkTest, AKnownNoteIsUpdatedWithOneRequest) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  arbor_.clear_requests();
  ASSERT_EQ(deliver(*s, status({.rag = "red", .as_of = "2026-11-25T10:00:00Z"})).kind, Kind::ok);
  auto seen = arbor_.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "PUT");
}

TEST_F(ArborSinkTest, RetriesAndRestartsNeverMakeASecondNote) {
  auto s = sink();
  auto m = status();
  EXPECT_EQ(deliver(*s, m).kind, Kind::ok);
  EXPECT_EQ(deliver(*s, m).kind, Kind::ok);
  // A restarted service remembers nothing: it must find the note by searching.
  auto fresh = sink();
  EXPECT_EQ(deliver(*fresh, m).kind, Kind::ok);
  s->forget();
  EXPECT_EQ(deliver(*s, status({.as_of = "2026-11-26T10:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(notes().size(), 1U);
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 1U);
}

TEST_F(ArborSinkTest, ALostCreateAnswerIsFoundNotRepeated) {
  auto s = sink();
  arbor_.lose_next_create(MockArbor::Lose::answer_500);
  auto first = deliver(*s, status());
  EXPECT_EQ(first.kind, Kind::retry);
  EXPECT_TRUE(contains(first.reason, "creating the careers note: HTTP 500")) << first.reason;
  ASSERT_EQ(notes().size(), 1U);  // Arbor made it all the same

  auto again = deliver(*s, status());
  EXPECT_EQ(again.kind, Kind::ok) << again.reason;
  EXPECT_EQ(notes().size(), 1U);
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 1U);
  EXPECT_EQ(notes()[0].writes, 2);  // the retry updated the note it found
}

TEST_F(ArborSinkTest, ACreateWhoseAnswerNeverCameIsFoundNotRepeated) {
  auto s = sink(1s);
  arbor_.lose_next_create(MockArbor::Lose::stall, 4s);
  auto first = deliver(*s, status());
  EXPECT_EQ(first.kind, Kind::retry);
  EXPECT_TRUE(contains(first.reason, "Arbor did not answer")) << first.reason;
  ASSERT_EQ(notes().size(), 1U);

  auto again = deliver(*s, status());
  EXPECT_EQ(again.kind, Kind::ok) << again.reason;
  EXPECT_EQ(notes().size(), 1U);
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 1U);
}

TEST_F(ArborSinkTest, ServerErrorsRetryUntilArborIsBack) {
  auto s = sink();
  arbor_.fail_next(2, 503);
  auto first = deliver(*s, status());
  EXPECT_EQ(first.kind, Kind::retry);
  EXPECT_TRUE(contains(first.reason, "HTTP 503 from Arbor")) << first.reason;
  EXPECT_EQ(deliver(*s, status()).kind, Kind::retry);
  EXPECT_EQ(deliver(*s, status()).kind, Kind::ok);
  EXPECT_EQ(notes().size(), 1U);
}

TEST_F(ArborSinkTest, TooManyRequestsCarriesArborsRetryAfter) {
  auto s = sink();
  arbor_.throttle_next(1, "37");
  auto r = deliver(*s, status());
  EXPECT_EQ(r.kind, Kind::retry);
  EXPECT_EQ(r.retry_after, 37s);
  EXPECT_TRUE(contains(r.reason, "HTTP 429")) << r.reason;
  EXPECT_EQ(deliver(*s, status()).kind, Kind::ok);
}

TEST_F(ArborSinkTest, ARetryStopsTheRestOfTheBatchWithTheSameWait) {
  arbor_.add_student("C820432116019");
  auto s = sink();
  arbor_.throttle_next(1, "20");
  std::vector<OutboxMessage> batch{status({}, "a"), status({.upn = "C820432116019"}, "b"),
                                   message("c", R"({"event":"flag.raised"})")};
  outbox::DeliveryContext c;
  c.now = std::chrono::system_clock::now();
  auto results = s->deliver(batch, c);
  ASSERT_EQ(results.size(), 3U);
  for (const auto& r : results) {
    EXPECT_EQ(r.kind, Kind::retry);
    EXPECT_EQ(r.retry_after, 20s);
  }
  EXPECT_TRUE(contains(results[1].reason, "not sent after an earlier retry")) << results[1].reason;
  EXPECT_EQ(arbor_.requests().size(), 1U);
}

TEST_F(ArborSinkTest, ShutdownAnswersRetryWithoutSending) {
  auto s = sink();
  std::stop_source stop;
  stop.request_stop();
  auto r = deliver(*s, status(), stop.get_token());
  EXPECT_EQ(r.kind, Kind::retry);
  EXPECT_EQ(r.reason, "not sent: shutting down");
  EXPECT_TRUE(arbor_.requests().empty());
}

TEST_F(ArborSinkTest, BadCredentialsFailNamingWhatToCheck) {
  auto o = options();
  o.api.password = "not-the-password";
  ArborSink s(o);
  auto r = deliver(s, status());
  EXPECT_EQ(r.kind, Kind::fail);
  EXPECT_TRUE(contains(r.reason, "HTTP 401 from Arbor")) << r.reason;
  EXPECT_TRUE(contains(r.reason, "Partner Apps (API Users)")) << r.reason;
  EXPECT_FALSE(contains(r.reason, "not-the-password"));
  EXPECT_TRUE(notes().empty());
  ASSERT_FALSE(arbor_.requests().empty());
  EXPECT_FALSE(arbor_.requests()[0].authorised);
}

TEST_F(ArborSinkTest, ValidationErrorsFailWithArborsMessage) {
  test::MockArbor strict(test::MockArborOptions{
      .tls_cert = pki_.server_cert, .tls_key = pki_.server_key, .summary_limit = 20});
  strict.add_student(kUpn);
  auto o = options();
  o.api.url = strict.url();
  ArborSink s(o);
  auto r = deliver(s, status());
  EXPECT_EQ(r.kind, Kind::fail);
  EXPECT_EQ(r.reason,
            "creating the careers note: HTTP 422 from Arbor: Summary: must be no longer than 20 "
            "characters");
  EXPECT_TRUE(strict.notes().empty());
}

TEST_F(ArborSinkTest, APupilArborDoesNotKnowFailsWithoutNamingTheUpn) {
  auto s = sink();
  auto r = deliver(*s, status({.upn = "Z999999999999"}));
  EXPECT_EQ(r.kind, Kind::fail);
  EXPECT_TRUE(contains(r.reason, "no Arbor student holds this pupil's UPN")) << r.reason;
  EXPECT_FALSE(contains(r.reason, "Z999999999999"));
  EXPECT_TRUE(arbor_.notes().empty());
}

TEST_F(ArborSinkTest, AFormerUpnStillFindsItsStudent) {
  auto other = arbor_.add_student("D111111111111");
  arbor_.add_upn_assignment(other, "T999999999999", true);  // a replaced temporary UPN
  auto s = sink();
  ASSERT_EQ(deliver(*s, status({.upn = "T999999999999"})).kind, Kind::ok);
  EXPECT_EQ(arbor_.notes_of(other).size(), 1U);
}

TEST_F(ArborSinkTest, TwoStudentsWithOneUpnFail) {
  auto twin = arbor_.add_student("E222222222222");
  arbor_.add_upn_assignment(twin, kUpn, false);
  auto s = sink();
  auto r = deliver(*s, status());
  EXPECT_EQ(r.kind, Kind::fail);
  EXPECT_TRUE(contains(r.reason, "more than one Arbor student holds this pupil's UPN"));
  EXPECT_TRUE(arbor_.notes().empty());
}

TEST_F(ArborSinkTest, APupilWithoutASharedPlanGetsOneFollowUpNote) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status({.with_plan = false})).kind, Kind::ok);
  ASSERT_EQ(
      deliver(*s, status({.rag = "red", .with_plan = false, .as_of = "2026-11-25T00:00:00Z"})).kind,
      Kind::ok);
  auto all = notes();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].summary, "Careers follow-up: RED [careerlink 137942/follow-up]");
  EXPECT_TRUE(contains(all[0].content, "No careers action plan is shared with staff."));
  EXPECT_TRUE(contains(all[0].content, kLink));

  // Once a plan is shared, the plan note carries the RAG and the follow-up note gives way.
  ASSERT_EQ(deliver(*s, status({.as_of = "2026-11-26T00:00:00Z"})).kind, Kind::ok);
  all = notes();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(current_notes(), 1U);
  EXPECT_EQ(all[0].summary, "Careers follow-up (superseded) [careerlink 137942/follow-up]");
  EXPECT_EQ(all[1].summary, "Careers plan: AMBER [careerlink 137942/plan/12]");
}

TEST_F(ArborSinkTest, ANewPlanSupersedesTheEarlierPlansNote) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  ASSERT_EQ(deliver(*s, status({.interview_id = 13,
                                .as_of = "2026-12-01T00:00:00Z",
                                .plan_summary = "Now keen on an apprenticeship"}))
                .kind,
            Kind::ok);
  auto all = notes();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(current_notes(), 1U);
  EXPECT_EQ(all[0].summary, "Careers plan (superseded) [careerlink 137942/plan/12]");
  EXPECT_FALSE(contains(all[0].content, "engineering"));
  EXPECT_TRUE(contains(all[1].content, "apprenticeship"));
}

TEST_F(ArborSinkTest, WithdrawalRemovesThePlanAndALateStatusCannotPutItBack) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  // Withdrawn at 2026-11-24T10:00:00Z (the key's milliseconds).
  auto w = deliver(*s, message("plan:12:withdrawn:1795514400000", withdrawn_payload(12)));
  ASSERT_EQ(w.kind, Kind::ok) << w.reason;
  auto all = notes();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].summary, "Careers plan (withdrawn) [careerlink 137942/plan/12]");
  EXPECT_FALSE(contains(all[0].content, "engineering"));
  EXPECT_FALSE(contains(all[0].content, "Visit two sixth form"));

  // A status from before the withdrawal, retried late, changes nothing, on either path.
  EXPECT_EQ(deliver(*s, status({.as_of = "2026-11-24T09:30:00Z"})).kind, Kind::ok);
  s->forget();
  EXPECT_EQ(deliver(*s, status({.as_of = "2026-11-24T09:30:00Z"})).kind, Kind::ok);
  EXPECT_FALSE(contains(notes()[0].content, "engineering"));
  // Withdrawing again is harmless.
  EXPECT_EQ(deliver(*s, message("plan:12:withdrawn:1795514400000", withdrawn_payload(12))).kind,
            Kind::ok);
  EXPECT_EQ(notes().size(), 1U);

  // The pupil agrees again later: the plan comes back in the same note.
  EXPECT_EQ(deliver(*s, status({.as_of = "2026-11-27T09:00:00Z"})).kind, Kind::ok);
  all = notes();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_TRUE(contains(all[0].content, "engineering"));
}

TEST_F(ArborSinkTest, WithdrawingAPlanArborNeverSawIsFine) {
  auto s = sink();
  EXPECT_EQ(deliver(*s, message("plan:99:withdrawn:1795514400000", withdrawn_payload(99))).kind,
            Kind::ok);
  EXPECT_TRUE(arbor_.notes().empty());
  EXPECT_EQ(deliver(*s, message("plan:5:withdrawn:1", withdrawn_payload(5, "Z999999999999"))).kind,
            Kind::ok);
}

TEST_F(ArborSinkTest, AnOlderStatusNeverOverwritesANewerOne) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(deliver(*s, status({.rag = "green", .as_of = "2026-11-24T09:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(notes()[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
  s->forget();
  EXPECT_EQ(deliver(*s, status({.rag = "green", .as_of = "2026-11-24T09:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(notes()[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
  EXPECT_EQ(notes()[0].writes, 1);
}

TEST_F(ArborSinkTest, ANoteDeletedInArborIsWrittenAgain) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  ASSERT_TRUE(arbor_.delete_note(notes()[0].id));
  auto r = deliver(*s, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"}));
  EXPECT_EQ(r.kind, Kind::ok) << r.reason;
  ASSERT_EQ(notes().size(), 1U);
  EXPECT_EQ(notes()[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
}

TEST_F(ArborSinkTest, AStudentArborMergedAwayIsLookedUpAgainNotRefused) {
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  // Arbor merges the pupil into another record: the remembered student is gone.
  arbor_.remove_student(student_);
  auto merged = arbor_.add_student(kUpn);
  auto r = deliver(*s, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"}));
  EXPECT_EQ(r.kind, Kind::ok) << r.reason;
  auto now_there = arbor_.notes_of(merged);
  ASSERT_EQ(now_there.size(), 1U);
  EXPECT_EQ(now_there[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
}

TEST_F(ArborSinkTest, OtherNotesOnThePupilAreLeftAlone) {
  auto theirs = arbor_.add_note(student_, "Spoke to parents about options", "Met on Tuesday.");
  auto other_school =
      arbor_.add_note(student_, "Careers plan: RED [careerlink 999999/plan/12]", "Elsewhere.");
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  ASSERT_EQ(deliver(*s, status({.with_plan = false, .as_of = "2026-11-25T09:00:00Z"})).kind,
            Kind::ok);
  for (const auto& n : notes()) {
    if (n.id == theirs || n.id == other_school) {
      EXPECT_EQ(n.writes, 1) << n.summary;
    }
  }
  EXPECT_EQ(notes().size(), 4U);
}

TEST_F(ArborSinkTest, AStrayDuplicateIsRetiredNotMultiplied) {
  // Two notes with one marker (two careerlink services once raced): the oldest stays current.
  const char* body = "Careers RAG: AMBER\n\nAs of 2026-11-20T00:00:00Z.";
  arbor_.add_note(student_, "Careers plan: AMBER [careerlink 137942/plan/12]", body);
  arbor_.add_note(student_, "Careers plan: AMBER [careerlink 137942/plan/12]", body);
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  auto all = notes();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(current_notes(), 1U);
  EXPECT_EQ(all[0].summary, "Careers plan: AMBER [careerlink 137942/plan/12]");
  EXPECT_TRUE(contains(all[0].content, "engineering"));
  EXPECT_EQ(all[1].summary, "Careers plan (superseded) [careerlink 137942/plan/12]");
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 0U);
  // And it stays that way.
  ASSERT_EQ(deliver(*s, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"})).kind, Kind::ok);
  s->forget();
  ASSERT_EQ(deliver(*s, status({.rag = "red", .as_of = "2026-11-26T09:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(current_notes(), 1U);
  EXPECT_EQ(notes()[0].summary, "Careers plan: RED [careerlink 137942/plan/12]");
}

TEST_F(ArborSinkTest, ALikeFilterArborReadsDifferentlyCostsARequestNotADuplicate) {
  arbor_.add_note(student_, "Spoke to parents about options", "Met on Tuesday.");
  for (auto how : {MockArbor::Like::literal, MockArbor::Like::ignored}) {
    arbor_.set_like(how);
    auto s = sink();
    ASSERT_EQ(deliver(*s, status({.as_of = "2026-11-24T09:00:00Z"})).kind, Kind::ok);
    s->forget();
    ASSERT_EQ(deliver(*s, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"})).kind, Kind::ok);
    auto fresh = sink();
    ASSERT_EQ(deliver(*fresh, status({.as_of = "2026-11-26T09:00:00Z"})).kind, Kind::ok);
  }
  EXPECT_EQ(notes().size(), 2U);  // the school's own note and careerlink's one
  EXPECT_EQ(current_notes(), 1U);
  EXPECT_EQ(arbor_.count("POST", "/rest-v2/pastoral-notes"), 1U);
}

TEST_F(ArborSinkTest, FullListingsAreReadWithoutFetchingEachNote) {
  arbor_.set_full_listings(true);
  auto s = sink();
  ASSERT_EQ(deliver(*s, status()).kind, Kind::ok);
  s->forget();
  ASSERT_EQ(deliver(*s, status({.as_of = "2026-11-25T09:00:00Z"})).kind, Kind::ok);
  EXPECT_EQ(arbor_.count("GET", "/rest-v2/pastoral-notes/"), 0U);
  EXPECT_EQ(arbor_.count("GET", "/rest-v2/uk-dfe_upn-assignments/"), 0U);
  EXPECT_EQ(notes().size(), 1U);
}

TEST_F(ArborSinkTest, SlowRepliesWithinTheTimeoutAreFineAndBeyondItRetry) {
  arbor_.set_delay(300ms);
  auto patient = sink(3s);
  EXPECT_EQ(deliver(*patient, status()).kind, Kind::ok);
  arbor_.set_delay(1500ms);
  auto hasty = sink(500ms);
  auto r = deliver(*hasty, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"}));
  EXPECT_EQ(r.kind, Kind::retry);
  EXPECT_TRUE(contains(r.reason, "timeout")) << r.reason;
  arbor_.set_delay(0ms);
  EXPECT_EQ(deliver(*hasty, status({.rag = "red", .as_of = "2026-11-25T09:00:00Z"})).kind,
            Kind::ok);
  EXPECT_EQ(notes().size(), 1U);
}

TEST_F(ArborSinkTest, OtherEventsAreAcknowledgedWithoutCallingArbor) {
  auto s = sink();
  for (const char* payload :
       {R"({"event":"flag.raised","pupil":{"school_urn":"137942","upn":"B820432116017"}})",
        R"({"event":"plan.shared","pupil":{}})", R"({"event":"destination.confirmed"})"}) {
    EXPECT_EQ(deliver(*s, message("k", payload)).kind, Kind::ok) << payload;
  }
  EXPECT_TRUE(arbor_.requests().empty());
}

TEST_F(ArborSinkTest, MalformedPayloadsFailAtOnceRatherThanRetryForever) {
  auto s = sink();
  auto not_json = deliver(*s, message("k", "{not json"));
  EXPECT_EQ(not_json.kind, Kind::fail);
  EXPECT_EQ(not_json.reason, "payload is not valid JSON");
  auto doc = status_json();
  doc.erase("as_of");
  auto no_time = deliver(*s, message("k", doc.dump()));
  EXPECT_EQ(no_time.kind, Kind::fail);
  EXPECT_EQ(no_time.reason, "pupil.status: as_of is missing");
  EXPECT_TRUE(arbor_.requests().empty());
}

TEST(ArborSinkFactory, ReadsThePasswordAndRefusesToStartWithout) {
  test::TempDir dir;
  outbox::SinkSettings settings;
  settings.name = "mis";
  settings.values = {{"url", "https://example.uk.arbor.sc"}, {"username", "careerlink"}};
  auto missing = make_arbor_sink(settings);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "arbor sink \"mis\": the API user's password is required: set password_file or "
            "password_env");

  test::write_file(dir / "empty", "\n");
  settings.values["password_file"] = (dir / "empty").string();
  EXPECT_NE(make_arbor_sink(settings).error().find("is empty"), std::string::npos);

  test::write_file(dir / "pw", "s3cret\n");
  settings.values["password_file"] = (dir / "pw").string();
  settings.values["password_env"] = "ARBOR_PW";
  EXPECT_NE(make_arbor_sink(settings).error().find("not both"), std::string::npos);
  settings.values.erase("password_env");

  auto made = make_arbor_sink(settings);
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ((*made)->name(), "mis");

  settings.values.erase("password_file");
  settings.values["password_env"] = "CAREERLINK_ARBOR_TEST_UNSET_VARIABLE";
  EXPECT_NE(make_arbor_sink(settings).error().find("is not set"), std::string::npos);
  ::setenv("CAREERLINK_ARBOR_TEST_PW", "from-env", 1);
  settings.values["password_env"] = "CAREERLINK_ARBOR_TEST_PW";
  EXPECT_TRUE(make_arbor_sink(settings));
}

TEST(ArborSinkFactory, RefusesBadSettings) {
  outbox::SinkSettings settings;
  settings.name = "mis";
  ::setenv("CAREERLINK_ARBOR_TEST_PW", "from-env", 1);
  settings.values = {{"url", "https://example.uk.arbor.sc"},
                     {"username", "careerlink"},
                     {"password_env", "CAREERLINK_ARBOR_TEST_PW"}};
  auto with = [&](const std::string& key, std::string value) {
    auto s = settings;
    s.values[key] = std::move(value);
    auto made = make_arbor_sink(s);
    return made ? std::string() : made.error();
  };
  EXPECT_EQ(with("username", ""),
            "arbor sink \"mis\": username is required (the Partner App's "
            "API user)");
  EXPECT_NE(with("url", "http://example.uk.arbor.sc").find("https://"), std::string::npos);
  EXPECT_NE(with("url", "https://example.uk.arbor.sc/students").find("no path"), std::string::npos);
  EXPECT_NE(with("verify_tls", "yes").find("verify_tls must be true or false"), std::string::npos);
  EXPECT_NE(with("timeout_seconds", "0").find("1..600"), std::string::npos);
  EXPECT_NE(with("panel_url", "careers.school").find("panel_url"), std::string::npos);
  EXPECT_NE(with("ca_file", "/nonexistent/ca.pem"), "");
  EXPECT_EQ(with("timeout_seconds", "30"), "");
}

TEST_F(ArborSinkTest, TheRegisteredTypeBuildsAWorkingSinkFromSettings) {
  register_arbor_sink();
  register_arbor_sink();  // twice is harmless
  auto types = outbox::sink_types();
  EXPECT_NE(std::ranges::find(types, "arbor"), types.end());
  test::write_file(dir_ / "arbor.password", arbor_.options().password + "\n");
  outbox::SinkSettings settings;
  settings.name = "school-arbor";
  settings.values = {{"url", arbor_.url()},
                     {"username", arbor_.options().username},
                     {"password_file", (dir_ / "arbor.password").string()},
                     {"ca_file", pki_.ca_cert.string()},
                     {"verify_tls", "true"},
                     {"timeout_seconds", "10"},
                     {"panel_url", "https://careers.school.example"}};
  auto made = outbox::make_sink("arbor", settings);
  ASSERT_TRUE(made) << made.error();
  auto m = status();
  outbox::DeliveryContext c;
  c.now = std::chrono::system_clock::now();
  auto r = (*made)->deliver(std::span(&m, 1), c);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].kind, Kind::ok) << r[0].reason;
  ASSERT_EQ(notes().size(), 1U);
  EXPECT_TRUE(
      contains(notes()[0].content, "https://careers.school.example/panel/pupil?upn=B820432116017"));
}

}  // namespace
}  // namespace careerlink::arbor
