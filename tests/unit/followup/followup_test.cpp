// The follow-up engine over a real SQLite store holding the sample school: interviews taken in
// with versioned plans, consent deciding what reaches the write-back sinks (and withdrawal
// taking it back), flags raised and cleared, and only pupils whose inputs changed re-evaluated.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "connectors/ctf/ctf_source.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/followup/intake.hpp"
#include "daemon/followup/tracker_consent.hpp"
#include "daemon/importer/file_import.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using namespace std::chrono_literals;
using std::chrono::year_month_day;

constexpr const char* kUrn = "137942";
constexpr const char* kY11 = "B820432116017";  // NC year 11, no SEN, not FSM
constexpr const char* kY11Other = "Q820432116020";

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

TimePoint at(year_month_day day) {
  return std::chrono::sys_days{day} + 10h;
}

guidance::Interview interview(std::string external_id, std::string upn, bool share_with_staff) {
  guidance::Interview i;
  i.external_id = std::move(external_id);
  i.school_urn = kUrn;
  i.pupil.upn = std::move(upn);
  i.date = "2026-10-05";
  i.minutes = 45;
  i.kind = "one_to_one";
  i.adviser = {"Jo Patel", "Career Connect", 6};
  i.provider_type = "external";
  i.consent = {share_with_staff, true, "2026-10-05", "Jo Patel"};
  guidance::ActionPlan plan;
  plan.summary = "Wants to study engineering at college";
  plan.intended_destination = guidance::IntendedDestination{"230", "Riverside College", {}};
  plan.actions.push_back(
      {"a1", "Attend the college open evening", "pupil", "2026-10-20", "open", {}, {}});
  plan.next_review = "2027-01-20";
  i.plan = plan;
  return i;
}

class Followup : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    CtfSource ctf;
    ImportOptions options;
    options.source_system = "ctf";
    auto imported =
        import_file(*store_, ctf, test::sample_school("8204321_CTF_8204321_001.xml"), options);
    ASSERT_TRUE(imported) << imported.error().error.to_string();
    SinkConfig mis;
    mis.name = "mis";
    mis.type = "webhook";
    config_.sinks.push_back(mis);
    SchoolConfig school;
    school.urn = kUrn;
    school.laestab = "8204321";
    config_.schools.push_back(school);
    sinks_ = followup::writeback_sinks(config_);
  }

  followup::SyncContext context(year_month_day day) {
    return followup::sync_context(config_, sinks_, at(day));
  }

  std::expected<followup::InterviewAccepted, followup::IntakeFailure> take(
      const guidance::Interview& iv, year_month_day day, std::vector<std::string> scope = {}) {
    auto tx = store_->begin();
    EXPECT_TRUE(tx);
    const followup::Sender sender{"Career Connect", std::move(scope), "api:Career Connect",
                                  "127.0.0.1"};
    auto taken = followup::take_interview(*store_, **tx, iv, sender, context(day));
    if (taken) {
      EXPECT_TRUE((*tx)->commit());
    }
    return taken;
  }

  // The events queued for the write-back sink, in order: (event, flag kind or "").
  std::vector<std::pair<std::string, std::string>> events() {
    OutboxFilter filter;
    filter.sink = "mis";
    auto messages = store_->list_outbox(filter);
    EXPECT_TRUE(messages);
    std::ranges::sort(*messages, {}, &OutboxMessage::id);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& m : *messages) {
      auto j = nlohmann::json::parse(m.payload);
      out.emplace_back(j["event"].get<std::string>(),
                       j.contains("flag") ? j["flag"]["kind"].get<std::string>() : "");
    }
    return out;
  }

  std::vector<StoredFlag> open_flags(const std::string& upn) {
    auto pupil = store_->find_pupil(upn);
    EXPECT_TRUE(pupil && *pupil);
    FlagFilter filter;
    filter.pupil_id = (*pupil)->id;
    auto rows = store_->list_flags(filter);
    EXPECT_TRUE(rows);
    std::vector<StoredFlag> out;
    for (auto& r : *rows)
      out.push_back(r.flag);
    return out;
  }

  static const StoredFlag* find(const std::vector<StoredFlag>& flags, std::string_view kind) {
    auto it = std::ranges::find(flags, kind, &StoredFlag::kind);
    return it == flags.end() ? nullptr : &*it;
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  Config config_;
  std::vector<std::string> sinks_;
};

TEST_F(Followup, ImportMarksEveryPupilPendingAndAnUpdateOnlyThoseThatChanged) {
  auto first = followup::evaluate_pending(*store_, context(ymd(2026, 11, 24)));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->pupils, 28U);
  auto again = followup::evaluate_pending(*store_, context(ymd(2026, 11, 24)));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pupils, 0U);

  // One pupil's attendance changes in a later import: only that pupil is re-evaluated.
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  auto school = store_->find_school(kUrn);
  ASSERT_TRUE(school && *school);
  PupilRecord changed;
  changed.upn = kY11;
  changed.attendance_pct = 71.5;
  ASSERT_TRUE((*tx)->upsert_pupil((*school)->id, "ctf", changed));
  PupilRecord same;
  same.upn = kY11Other;  // carries nothing new: not a change
  ASSERT_TRUE((*tx)->upsert_pupil((*school)->id, "ctf", same));
  ASSERT_TRUE((*tx)->commit());
  auto third = followup::evaluate_pending(*store_, context(ymd(2026, 11, 24)));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->pupils, 1U);
}

TEST_F(Followup, AQualifiedInterviewClearsNoInterviewAndAnUnqualifiedOneDoesNot) {
  // 1 April 2027: past the default 31 March deadline, so every Y11 pupil without one is red.
  const auto day = ymd(2027, 4, 1);
  ASSERT_TRUE(followup::evaluate_all(*store_, std::nullopt, context(day)));
  const StoredFlag* before = find(open_flags(kY11), "no_interview");
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->rag, rules::Rag::red);

  auto unqualified = interview("cc-1", kY11, true);
  unqualified.adviser.qualification_level = 4;
  ASSERT_TRUE(take(unqualified, day));
  EXPECT_NE(find(open_flags(kY11), "no_interview"), nullptr) << "Level 4 does not count (B8)";

  auto group = interview("cc-3", kY11, true);
  group.kind = "group";
  ASSERT_TRUE(take(group, day));
  EXPECT_NE(find(open_flags(kY11), "no_interview"), nullptr) << "a group session is not personal";

  auto qualified = interview("cc-2", kY11, true);
  qualified.date = "2027-03-30";
  ASSERT_TRUE(take(qualified, day));
  EXPECT_EQ(find(open_flags(kY11), "no_interview"), nullptr);
  const auto sent = events();
  EXPECT_NE(
      std::ranges::find(sent, std::pair<std::string, std::string>{"flag.cleared", "no_interview"}),
      sent.end());
}

TEST_F(Followup, APlanChangeMakesANewVersionAndKeepsTheOld) {
  const auto day = ymd(2026, 11, 24);
  auto iv = interview("cc-7", kY11, true);
  auto first = take(iv, day);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->write.outcome, UpsertOutcome::inserted);
  EXPECT_EQ(first->write.plan_version, 1);

  auto same = take(iv, day);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->write.outcome, UpsertOutcome::unchanged);
  EXPECT_EQ(same->write.plan_version, 1);

  iv.plan->actions[0].status = "done";
  iv.plan->actions[0].done_on = "2026-10-19";
  auto second = take(iv, day);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->write.outcome, UpsertOutcome::updated);
  EXPECT_EQ(second->write.plan_version, 2);

  auto history = store_->plan_history(second->write.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2U);
  EXPECT_EQ((*history)[0].plan.actions[0].status, "open");
  EXPECT_EQ((*history)[1].plan.actions[0].status, "done");
  EXPECT_EQ((*history)[1].plan.actions[0].done_on, "2026-10-19");

  // Only the adviser's name changes: a new interview record, the same plan version.
  iv.adviser.name = "Jo Patel-Smith";
  auto third = take(iv, day);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->write.outcome, UpsertOutcome::updated);
  EXPECT_FALSE(third->write.plan_changed);
  EXPECT_EQ(third->write.plan_version, 2);
}

TEST_F(Followup, AnUnsharedPlanIsStoredButNothingOfItLeaves) {
  const auto day = ymd(2026, 11, 24);  // the action was due on 20 October: overdue
  auto taken = take(interview("cc-3", kY11, false), day);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(taken->plan_shared);
  const auto flags = open_flags(kY11);
  const StoredFlag* overdue = find(flags, "overdue_action");
  ASSERT_NE(overdue, nullptr);
  EXPECT_FALSE(overdue->shared);
  for (const auto& [event, kind] : events()) {
    EXPECT_NE(event, "plan.shared");
    EXPECT_NE(kind, "overdue_action") << event;
  }
}

TEST_F(Followup, WithdrawnConsentTakesThePlanAndItsFlagsBack) {
  const auto day = ymd(2026, 11, 24);
  ASSERT_TRUE(take(interview("cc-4", kY11, true), day));
  auto sent = events();
  EXPECT_NE(std::ranges::find(sent, std::pair<std::string, std::string>{"plan.shared", ""}),
            sent.end());
  EXPECT_NE(
      std::ranges::find(sent, std::pair<std::string, std::string>{"flag.raised", "overdue_action"}),
      sent.end());

  // The same interview, re-sent with consent withdrawn.
  ASSERT_TRUE(take(interview("cc-4", kY11, false), ymd(2026, 11, 25)));
  sent = events();
  EXPECT_NE(std::ranges::find(sent, std::pair<std::string, std::string>{"plan.withdrawn", ""}),
            sent.end());
  EXPECT_NE(std::ranges::find(
                sent, std::pair<std::string, std::string>{"flag.cleared", "overdue_action"}),
            sent.end());
  const StoredFlag* overdue = find(open_flags(kY11), "overdue_action");
  ASSERT_NE(overdue, nullptr) << "still a follow-up for the adviser, just not shared";
  EXPECT_FALSE(overdue->shared);
  const std::size_t count = sent.size();

  // Evaluating again sends nothing more about the unshared flag.
  ASSERT_TRUE(followup::evaluate_all(*store_, std::nullopt, context(ymd(2026, 11, 25))));
  const auto after = events();
  for (std::size_t i = count; i < after.size(); ++i)
    EXPECT_NE(after[i].second, "overdue_action");
}

TEST_F(Followup, AnUnknownPupilIsRefusedNamingTheUpnAndNeverCreated) {
  auto before = store_->list_pupils({});
  ASSERT_TRUE(before);
  auto taken = take(interview("cc-5", "J820432116099", true), ymd(2026, 11, 24));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().status, 422);
  ASSERT_EQ(taken.error().errors.size(), 1U);
  EXPECT_EQ(taken.error().errors[0].field, "pupil.upn");
  EXPECT_NE(taken.error().errors[0].message.find("J820432116099"), std::string::npos);
  auto after = store_->list_pupils({});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), before->size());
}

TEST_F(Followup, APupilMayBeNamedByTheMisId) {
  // The MIS export gave the pupil its own id; the adviser's system knows only that id.
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  auto school = store_->find_school(kUrn);
  ASSERT_TRUE(school && *school);
  PupilRecord record;
  record.upn = kY11;
  record.source_id = "ARB-4471";
  ASSERT_TRUE((*tx)->upsert_pupil((*school)->id, "arbor", record));
  ASSERT_TRUE((*tx)->commit());

  auto iv = interview("cc-8", kY11, true);
  iv.pupil.upn.reset();
  iv.pupil.mis_id = "ARB-4471";
  auto taken = take(iv, ymd(2026, 11, 24));
  ASSERT_TRUE(taken) << (taken ? "" : taken.error().errors.at(0).message);
  EXPECT_EQ(taken->upn, kY11);

  iv.external_id = "cc-9";
  iv.pupil.mis_id = "ARB-0000";
  auto unknown = take(iv, ymd(2026, 11, 24));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().errors.at(0).field, "pupil.mis_id");
  EXPECT_NE(unknown.error().errors.at(0).message.find("ARB-0000"), std::string::npos);
}

TEST_F(Followup, TrackersGetDestinationsOnlyWithConsentOrThePublicTaskBasis) {
  auto pupil = store_->find_pupil(kY11);
  ASSERT_TRUE(pupil && *pupil);
  const std::int64_t id = (*pupil)->id;
  auto may = [&] {
    auto r = followup::destinations_may_reach_trackers(*store_, config_, id);
    EXPECT_TRUE(r);
    return r.value_or(true);
  };
  EXPECT_FALSE(may()) << "never asked: not shared";
  auto iv = interview("cc-10", kY11, true);
  iv.consent.share_with_trackers = false;
  ASSERT_TRUE(take(iv, ymd(2026, 11, 24)));
  EXPECT_FALSE(may());
  iv.consent.share_with_trackers = true;
  ASSERT_TRUE(take(iv, ymd(2026, 11, 24)));
  EXPECT_TRUE(may());

  EXPECT_FALSE(followup::trackers_may_receive(config_, kUrn, false));
  config_.schools[0].trackers_lawful_basis = "public_task";
  EXPECT_TRUE(followup::trackers_may_receive(config_, kUrn, false));
  EXPECT_TRUE(followup::trackers_may_receive(config_, kUrn, std::nullopt));
  EXPECT_FALSE(followup::trackers_may_receive(config_, "100001", std::nullopt))
      << "another school keeps the consent basis";
}

TEST_F(Followup, ASchoolOutsideTheSendersScopeIsForbidden) {
  auto taken = take(interview("cc-6", kY11, true), ymd(2026, 11, 24), {"100001"});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().status, 403);
  auto found = store_->find_interview("Career Connect", "cc-6");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(Followup, ADestinationRecordGivesAY11PupilAnIntendedDestination) {
  const auto day = ymd(2027, 4, 2);  // past the 31 March date for intended destinations
  ASSERT_TRUE(followup::evaluate_all(*store_, std::nullopt, context(day)));
  ASSERT_NE(find(open_flags(kY11Other), "no_intended_destination"), nullptr);
  guidance::Destination d;
  d.school_urn = kUrn;
  d.pupil.upn = kY11Other;
  d.type = "intended";
  d.activity_code = "310";
  d.provider_name = "Acme Engineering";
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  const followup::Sender sender{"Career Connect", {}, "api:Career Connect", "127.0.0.1"};
  auto taken = followup::take_destination(*store_, **tx, d, sender, context(day));
  ASSERT_TRUE(taken);
  EXPECT_TRUE(taken->added);
  auto again = followup::take_destination(*store_, **tx, d, sender, context(day));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->added) << "the same destination twice is one record";
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(find(open_flags(kY11Other), "no_intended_destination"), nullptr);
}

}  // namespace
}  // namespace careerlink
