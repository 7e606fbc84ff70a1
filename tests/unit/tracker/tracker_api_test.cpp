// The tracker-api uploader and the nightly upload run, against the mock tracker over real TLS
// (a test CA made on the fly) and a real SQLite store holding a small hand-made school:
//
//  U1 Y11 on roll, agreed to share with trackers, intended destination 230 (FE college)
//  U2 Y11 on roll, did NOT agree, intended destination 310 (apprenticeship)
//  U3 left 2026-07-20, agreed, actual destination 230: pseudonymised for the tracker
//  U4 Y10 on roll, agreed, no destination: nothing to send
#include <gtest/gtest.h>

#include <date/tz.h>

#include <algorithm>

#include "connectors/tracker/pseudonym.hpp"
#include "connectors/tracker/tracker_upload.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/serve/job_catalog.hpp"
#include "daemon/store/store.hpp"
#include "tests/mock_tracker/mock_tracker.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::tracker {
namespace {

constexpr const char* kUrn = "137942";

std::string upn(int n) {
  std::string digits = "820432100" + std::to_string(1000 + n).substr(1);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

class TrackerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::make_test_pki(dir_.path() / "pki");
    mock_ = std::make_unique<test::MockTracker>(
        test::MockTrackerOptions{pki_.server_cert, pki_.server_key});
    auto opened = open_sqlite_store(dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto school = (*tx)->upsert_school(SchoolRecord{"8204321", kUrn, "Riverside Academy"});
    ASSERT_TRUE(school);
    school_ = *school;
    for (int n = 1; n <= 4; ++n)
      ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", record(n)));
    ASSERT_TRUE((*tx)->commit());
    interview(1, true);
    interview(2, false);
    interview(3, true);
    interview(4, true);
    destination(1, "intended", "230", "2026-10-01");
    destination(2, "intended", "310", "2026-10-01");
    destination(3, "actual", "230", "2026-10-15");

    test::write_file(dir_.path() / "client_secret", "tracker-test-secret\n");
    config_.schools.push_back(SchoolConfig{kUrn, "8204321", "Riverside Academy"});
    sink_.name = "compass";
    sink_.type = "tracker-api";
    sink_.url = mock_->url();
    sink_.auth = "oauth2";
    sink_.token_url = mock_->url() + "/oauth/token";
    sink_.client_id = "careerlink";
    sink_.client_secret_file = dir_.path() / "client_secret";
    sink_.ca_file = pki_.ca_cert;
    sink_.timeout_seconds = 5;
    config_.sinks.push_back(sink_);
  }

  // Pupil n as the MIS sends them (the table at the top of this file; 5: a Y11 who joins later).
  static PupilRecord record(int n) {
    PupilRecord r;
    r.upn = upn(n);
    r.surname = n == 1 ? "O'Brien, Jr" : "Pupil";
    r.forename = "P" + std::to_string(n);
    r.dob = "2010-0" + std::to_string(n) + "-01";
    r.nc_year = n == 4 ? "10" : "11";
    if (n == 3) r.leaving_date = "2026-07-20";
    return r;
  }

  void put(const PupilRecord& r) {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", r));
    ASSERT_TRUE((*tx)->commit());
  }

  std::int64_t pupil_id(int n) {
    auto found = store_->find_pupil(upn(n));
    EXPECT_TRUE(found && *found);
    return (*found)->id;
  }

  void interview(int n, bool share_with_trackers, const std::string& id = {}) {
    guidance::Interview iv;
    iv.external_id = id.empty() ? "i" + std::to_string(n) : id;
    iv.school_urn = kUrn;
    iv.pupil.upn = upn(n);
    iv.date = "2026-09-20";
    iv.minutes = 40;
    iv.kind = "one_to_one";
    iv.adviser = {"Jo Patel", "Career Connect", 6};
    iv.provider_type = "external";
    iv.consent = {true, share_with_trackers, "2026-09-20", {}};
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->put_interview(school_, pupil_id(n), "Career Connect", iv,
                                     guidance::interview_to_json(iv).dump(),
                                     std::chrono::system_clock::now()));
    ASSERT_TRUE((*tx)->commit());
  }

  void destination(int n, const std::string& type, const std::string& code,
                   const std::string& recorded_on) {
    guidance::Destination d;
    d.school_urn = kUrn;
    d.pupil.upn = upn(n);
    d.type = type;
    d.activity_code = code;
    d.provider_name = "Riverside College";
    d.recorded_on = recorded_on;
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->add_destination(school_, pupil_id(n), "Career Connect", d,
                                       std::chrono::system_clock::now()));
    ASSERT_TRUE((*tx)->commit());
  }

  UploadSummary upload(bool full = false, const std::optional<SinkConfig>& sink = std::nullopt,
                       int day = 24) {
    register_builtin_uploaders();
    auto uploader = make_uploader(sink.value_or(sink_), {dir_.path() / "data"});
    EXPECT_TRUE(uploader) << (uploader ? "" : uploader.error());
    if (!uploader) return {};
    UploadOptions options;
    options.full = full;
    options.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / day} + std::chrono::hours(3);
    options.data_dir = dir_.path() / "data";
    auto summary = run_upload(*store_, config_, sink.value_or(sink_), **uploader, options);
    EXPECT_TRUE(summary) << (summary ? "" : summary.error());
    return summary ? *summary : UploadSummary{};
  }

  const nlohmann::json* held_with_upn(const std::map<std::string, nlohmann::json>& held,
                                      const std::string& u) {
    for (const auto& [id, r] : held) {
      if (r["upn"] == u) return &r;
    }
    return nullptr;
  }

  test::TempDir dir_;
  test::TestPki pki_;
  std::unique_ptr<test::MockTracker> mock_;
  std::unique_ptr<Store> store_;
  SchoolId school_ = 0;
  Config config_;
  SinkConfig sink_;
};

TEST_F(TrackerApi, FirstNightSendsEveryAgreedRecordOnceAndTheNextNightNothing) {
  auto first = upload();
  ASSERT_EQ(first.schools.size(), 1U);
  const auto& s = first.schools[0];
  EXPECT_EQ(s.selection.with_destination, 3);
  EXPECT_EQ(s.selection.without_agreement, 1);  // U2
  EXPECT_EQ(s.sent, 2);
  EXPECT_EQ(s.accepted, 2);
  EXPECT_EQ(s.selection.pseudonymised, 1);  // U3
  EXPECT_TRUE(first.complete());

  const auto held = mock_->records();
  ASSERT_EQ(held.size(), 2U);
  const auto* u1 = held_with_upn(held, upn(1));
  ASSERT_NE(u1, nullptr);
  EXPECT_EQ((*u1)["surname"], "O'Brien, Jr");
  EXPECT_EQ((*u1)["intended_destination"]["activity_code"], "230");
  EXPECT_TRUE((*u1)["actual_destination"].is_null());
  EXPECT_EQ(held_with_upn(held, upn(2)), nullptr);  // no agreement: never sent
  EXPECT_EQ(held_with_upn(held, upn(3)), nullptr);  // the leaver's UPN never leaves careerlink
  // The leaver, as Compass+ keeps leavers: Redacted, 1901-01-01, UPN transformed.
  const nlohmann::json* leaver = nullptr;
  for (const auto& [id, r] : held) {
    if (r["pseudonymised"] == true) leaver = &r;
  }
  ASSERT_NE(leaver, nullptr);
  EXPECT_EQ((*leaver)["forename"], "Redacted");
  EXPECT_EQ((*leaver)["surname"], "Redacted");
  EXPECT_EQ((*leaver)["dob"], "1901-01-01");
  const auto key = load_pseudonym_key(dir_.path() / "data");
  ASSERT_TRUE(key);
  EXPECT_EQ((*leaver)["upn"], pseudonymous_upn(*key, upn(3)));
  EXPECT_EQ((*leaver)["actual_destination"]["activity_code"], "230");

  // What the tracker holds, as `careerlink tracker status` reads it.
  auto status = store_->tracker_deliveries("compass", school_);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->size(), 2U);
  for (const auto& d : *status) {
    EXPECT_EQ(d.status, "accepted");
    EXPECT_TRUE(d.tracker_ref.starts_with("T-"));
  }

  // The next night, nothing changed: nothing is sent.
  const int batches = mock_->batch_requests();
  auto second = upload();
  EXPECT_EQ(second.schools[0].sent, 0);
  EXPECT_TRUE(second.schools[0].selection.incremental);  // nobody's facts changed: nobody read
  EXPECT_EQ(second.schools[0].selection.with_destination, 0);
  EXPECT_EQ(mock_->batch_requests(), batches);
}

TEST_F(TrackerApi, AChangedDestinationIsSentAgainAsANewVersionOnce) {
  upload();
  destination(1, "actual", "310", "2026-11-20");  // U1 started an apprenticeship instead
  auto next = upload();
  EXPECT_EQ(next.schools[0].sent, 1);
  EXPECT_EQ(next.schools[0].accepted, 1);
  const auto held = mock_->records();
  EXPECT_EQ(held.size(), 2U);  // the same record, updated
  const auto* u1 = held_with_upn(held, upn(1));
  ASSERT_NE(u1, nullptr);
  EXPECT_EQ((*u1)["actual_destination"]["activity_code"], "310");
  EXPECT_EQ((*u1)["intended_destination"]["activity_code"], "230");
  EXPECT_EQ(mock_->acceptances().size(), 3U);  // 2 first night + U1's new version
}

TEST_F(TrackerApi, ExpiringTokensThrottlingAndOutagesStillDeliverEachVersionExactlyOnce) {
  sink_.batch_size = 1;
  mock_->expire_tokens_after(1);  // every token works for one batch only
  mock_->throttle_next(1, "1");   // 429, Retry-After: 1
  mock_->fail_next(1, 503);       // then a 503
  auto night = upload();
  EXPECT_EQ(night.schools[0].accepted, 2);
  EXPECT_TRUE(night.complete());
  EXPECT_EQ(mock_->batch_sizes(), (std::vector<std::size_t>{1, 1}));
  EXPECT_GE(mock_->token_requests(), 2);  // a fresh token after each expiry
  EXPECT_GE(mock_->unauthorised(), 1);
  for (const auto& [key, times] : mock_->acceptances())
    EXPECT_EQ(times, 1) << key;
}

TEST_F(TrackerApi, PartialAcceptanceKeepsTheRejectionAndALostAnswerIsResentAsADuplicate) {
  mock_->reject_upn(upn(1), "pupil not in this school's Compass+ roll");
  auto night = upload();
  EXPECT_EQ(night.schools[0].accepted, 1);
  EXPECT_EQ(night.schools[0].rejected, 1);
  auto status = store_->tracker_deliveries("compass", school_);
  ASSERT_TRUE(status);
  const auto rejected =
      std::ranges::find(*status, std::string("rejected"), &TrackerDelivery::status);
  ASSERT_NE(rejected, status->end());
  EXPECT_EQ(rejected->upn, upn(1));
  EXPECT_EQ(rejected->detail, "pupil not in this school's Compass+ roll");
  // Unchanged, a rejected version is not sent again every night, even when the pupil is looked
  // at again (a new interview that changes nothing the tracker is told)...
  interview(1, true, "i1-follow-up");
  auto again = upload();
  EXPECT_EQ(again.schools[0].selection.with_destination, 1);
  EXPECT_EQ(again.schools[0].sent, 0);
  EXPECT_EQ(again.schools[0].selection.rejected_before, 1);

  // ...but a new version is (the school fixed the roll). This time the tracker takes it but its
  // answer leaves it out.
  mock_->clear_rejections();
  destination(1, "actual", "310", "2026-11-20");
  mock_->drop_from_next_answer(1);
  auto lost = upload();
  EXPECT_EQ(lost.schools[0].sent, 1);
  EXPECT_EQ(lost.schools[0].retry, 1);
  EXPECT_FALSE(lost.complete());
  // The next run sends it again with the same key: the tracker says duplicate, held once.
  auto resent = upload();
  EXPECT_EQ(resent.schools[0].sent, 1);
  EXPECT_EQ(resent.schools[0].accepted, 1);
  for (const auto& [key, times] : mock_->acceptances())
    EXPECT_EQ(times, 1) << key;
}

TEST_F(TrackerApi, AFullResendSendsEverythingAndTheTrackerKeepsOneCopy) {
  upload();
  auto full = upload(true);
  EXPECT_EQ(full.schools[0].sent, 2);
  EXPECT_EQ(full.schools[0].accepted, 2);  // "duplicate": the tracker holds them
  EXPECT_EQ(mock_->records().size(), 2U);
  EXPECT_EQ(mock_->acceptances().size(), 2U);
}

TEST_F(TrackerApi, PublicTaskSendsPupilsWhoWereNotAsked) {
  config_.schools[0].trackers_lawful_basis = "public_task";
  auto night = upload();
  EXPECT_EQ(night.schools[0].selection.without_agreement, 0);
  EXPECT_EQ(night.schools[0].accepted, 3);
  EXPECT_NE(held_with_upn(mock_->records(), upn(2)), nullptr);
}

TEST_F(TrackerApi, LeaversKeepTheirNamesUntilThePseudonymisationPeriodEnds) {
  sink_.pseudonymise_leavers_after_days = 365;  // left 2026-07-20; tonight is 2026-11-24
  auto night = upload();
  EXPECT_EQ(night.schools[0].selection.pseudonymised, 0);
  EXPECT_NE(held_with_upn(mock_->records(), upn(3)), nullptr);
}

TEST_F(TrackerApi, ARefusedTokenRecordsNothingAndEverythingIsTriedAgain) {
  test::write_file(dir_.path() / "token", "not-the-token\n");
  SinkConfig bearer = sink_;
  bearer.auth = "bearer";
  bearer.token_file = dir_.path() / "token";
  auto night = upload(false, bearer);
  EXPECT_EQ(night.schools[0].sent, 2);
  EXPECT_EQ(night.schools[0].retry, 2);
  EXPECT_FALSE(night.complete());
  auto status = store_->tracker_deliveries("compass", school_);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->empty());
  test::write_file(dir_.path() / "token", "static-test-token\n");
  auto fixed = upload(false, bearer);
  EXPECT_EQ(fixed.schools[0].accepted, 2);
}

// A normal night reads only the pupils whose facts changed since the last complete run, whoever
// changed them; a nightly MIS sync that rewrites the same values changes nothing.
TEST_F(TrackerApi, ANormalNightLooksOnlyAtPupilsWhoseFactsChanged) {
  auto first = upload();
  EXPECT_FALSE(first.schools[0].selection.incremental);  // no run before: the whole roll
  EXPECT_EQ(first.schools[0].selection.with_destination, 3);

  destination(1, "actual", "310", "2026-11-20");
  auto next = upload();
  EXPECT_TRUE(next.schools[0].selection.incremental);
  EXPECT_EQ(next.schools[0].selection.with_destination, 1);
  EXPECT_EQ(next.schools[0].sent, 1);

  auto seq = store_->tracker_change_seq();
  ASSERT_TRUE(seq);
  for (int n = 1; n <= 4; ++n)
    put(record(n));  // the nightly MIS sync: every pupil written again as it was
  EXPECT_EQ(store_->tracker_change_seq().value_or(-1), *seq);
  auto quiet = upload();
  EXPECT_EQ(quiet.schools[0].selection.with_destination, 0);

  auto renamed_u2 = record(2);  // U2 changes name: looked at, still not agreed, still not sent
  renamed_u2.surname = "Renamed";
  put(renamed_u2);
  EXPECT_GT(store_->tracker_change_seq().value_or(-1), *seq);
  auto renamed = upload();
  EXPECT_EQ(renamed.schools[0].selection.with_destination, 1);
  EXPECT_EQ(renamed.schools[0].selection.without_agreement, 1);
  EXPECT_EQ(renamed.schools[0].sent, 0);
  EXPECT_EQ(mock_->acceptances().size(), 3U);  // 2 first night + U1's new version
}

// A pupil who joins (an MIS import marks nobody), is interviewed, then gets a first destination
// is looked at the next night because of the destination.
TEST_F(TrackerApi, ANewPupilsFirstDestinationIsSentTheNextNight) {
  upload();
  put(record(5));
  const auto seq = store_->tracker_change_seq();
  ASSERT_TRUE(seq);
  interview(5, true);
  EXPECT_EQ(store_->tracker_change_seq().value_or(-1), *seq);  // no destination: nothing to tell
  destination(5, "intended", "320", "2026-11-21");
  auto next = upload();
  EXPECT_TRUE(next.schools[0].selection.incremental);
  EXPECT_EQ(next.schools[0].selection.with_destination, 1);
  EXPECT_EQ(next.schools[0].accepted, 1);
  const auto held = mock_->records();
  ASSERT_NE(held_with_upn(held, upn(5)), nullptr);
}

// Nothing in the store changes on the day a leaver's period ends; the record still goes out
// pseudonymised that night, as Compass+ keeps leavers.
TEST_F(TrackerApi, ALeaverIsSentPseudonymisedOnTheNightThePeriodEnds) {
  sink_.pseudonymise_leavers_after_days = 127;  // left 2026-07-20: named until 2026-11-24
  auto before = upload(false, std::nullopt, 23);
  EXPECT_EQ(before.schools[0].selection.pseudonymised, 0);
  EXPECT_NE(held_with_upn(mock_->records(), upn(3)), nullptr);
  auto on_the_day = upload(false, std::nullopt, 24);
  EXPECT_TRUE(on_the_day.schools[0].selection.incremental);
  EXPECT_EQ(on_the_day.schools[0].selection.with_destination, 1);  // the leaver, nobody else
  EXPECT_EQ(on_the_day.schools[0].selection.pseudonymised, 1);
  EXPECT_EQ(on_the_day.schools[0].accepted, 1);
  const auto key = load_pseudonym_key(dir_.path() / "data");
  ASSERT_TRUE(key);
  const auto held = mock_->records();
  const auto* leaver = held_with_upn(held, pseudonymous_upn(*key, upn(3)));
  ASSERT_NE(leaver, nullptr);  // the same tracker record, now without name, DOB or UPN
  EXPECT_EQ((*leaver)["surname"], "Redacted");
  EXPECT_EQ(held_with_upn(held, upn(3)), nullptr);
  EXPECT_EQ(held.size(), 2U);
}

// Retention pseudonymises a leaver in the store with the same transform: the tracker record keeps
// that one pseudonym (not a pseudonym of the pseudonym).
TEST_F(TrackerApi, APupilRetentionPseudonymisedKeepsOnePseudonym) {
  upload();
  const auto key = load_pseudonym_key(dir_.path() / "data");
  ASSERT_TRUE(key);
  const std::string pseudonym = pseudonymous_upn(*key, upn(3));
  EXPECT_TRUE(is_pseudonymous_upn(pseudonym));
  EXPECT_FALSE(is_pseudonymous_upn(upn(3)));
  EXPECT_FALSE(is_pseudonymous_upn("PSN" + std::string(20, 'g')));
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    RetentionStep step;
    step.pupil = pupil_id(3);
    step.upns = {upn(3)};
    step.pseudonymise = true;
    step.pseudonym = pseudonym;
    step.on_date = "2026-11-24";
    ASSERT_TRUE((*tx)->apply_retention_step(step));
    ASSERT_TRUE((*tx)->commit());
  }
  auto next = upload(false, std::nullopt, 25);
  EXPECT_EQ(next.schools[0].selection.with_destination, 1);  // its facts changed
  const auto held = mock_->records();
  EXPECT_EQ(held.size(), 2U);
  const auto* leaver = held_with_upn(held, pseudonym);
  ASSERT_NE(leaver, nullptr);
  EXPECT_EQ((*leaver)["surname"], "Redacted");
  EXPECT_EQ(held_with_upn(held, pseudonymous_upn(*key, pseudonym)), nullptr);
}

// What decides eligibility is config, not store facts: when it changes, the whole roll is read.
TEST_F(TrackerApi, ANewLawfulBasisLooksAtTheWholeRollAgain) {
  auto first = upload();
  EXPECT_EQ(held_with_upn(mock_->records(), upn(2)), nullptr);
  config_.schools[0].trackers_lawful_basis = "public_task";
  auto next = upload();
  EXPECT_FALSE(next.schools[0].selection.incremental);
  EXPECT_EQ(next.schools[0].selection.with_destination, 3);
  EXPECT_EQ(next.schools[0].sent, 1);  // U2, who was never asked; the others are unchanged
  EXPECT_NE(held_with_upn(mock_->records(), upn(2)), nullptr);
  EXPECT_TRUE(upload().schools[0].selection.incremental);
}

// A night that could not deliver leaves the school where it was: what failed is still "changed
// since the last run" the next night, and goes then.
TEST_F(TrackerApi, ANightThatFailedIsLookedAtAgainTheNextNight) {
  upload();
  destination(1, "actual", "310", "2026-11-20");
  mock_->fail_next(4, 503);  // every attempt of the night (tracker_api.hpp: 4 per batch)
  auto failed = upload();
  EXPECT_EQ(failed.schools[0].retry, 1);
  EXPECT_FALSE(failed.complete());
  auto next = upload(false, std::nullopt, 25);
  EXPECT_TRUE(next.schools[0].selection.incremental);
  EXPECT_EQ(next.schools[0].sent, 1);
  EXPECT_EQ(next.schools[0].accepted, 1);
  const auto held = mock_->records();
  const auto* u1 = held_with_upn(held, upn(1));
  ASSERT_NE(u1, nullptr);
  EXPECT_EQ((*u1)["actual_destination"]["activity_code"], "310");
}

// Retention removing a pupil (destinations and interviews first, then the pupil) works with the
// change marks, and the pupil is not looked for afterwards.
TEST_F(TrackerApi, ADeletedPupilLeavesNoChangeBehind) {
  upload();
  destination(1, "actual", "310", "2026-11-20");
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  RetentionStep step;
  step.pupil = pupil_id(1);
  step.upns = {upn(1)};
  step.guidance = step.destinations = step.remove_pupil = true;
  ASSERT_TRUE((*tx)->apply_retention_step(step));
  ASSERT_TRUE((*tx)->commit());
  auto next = upload();
  EXPECT_TRUE(next.schools[0].selection.incremental);
  EXPECT_EQ(next.schools[0].selection.with_destination, 0);
  EXPECT_EQ(next.schools[0].sent, 0);
}

TEST_F(TrackerApi, FactoryNamesWhatIsMissing) {
  register_builtin_uploaders();
  SinkConfig s = sink_;
  s.client_secret_file.reset();
  auto made = make_uploader(s, {dir_.path()});
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().find("client_secret_file"), std::string::npos) << made.error();
  s = sink_;
  s.auth = "bearer";
  made = make_uploader(s, {dir_.path()});
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().find("token_file"), std::string::npos) << made.error();
}

// The commands a careers leader or IT technician uses, through the real binary: an upload now,
// then what the tracker holds; a rejected record shows with the tracker's reason.
TEST_F(TrackerApi, TheCommandsUploadAndShowWhatTheTrackerHolds) {
  mock_->reject_upn(upn(1), "unknown pupil");
  store_.reset();  // the binary opens the store itself
  const auto config_file = dir_.path() / "careerlink.toml";
  test::write_file(config_file,
                   "[[school]]\nurn = \"137942\"\nlaestab = \"8204321\"\n"
                   "name = \"Riverside Academy\"\n\n[[sink]]\nname = \"compass\"\n"
                   "type = \"tracker-api\"\nurl = \"" +
                       mock_->url() + "\"\nauth = \"oauth2\"\ntoken_url = \"" + mock_->url() +
                       "/oauth/token\"\nclient_id = \"careerlink\"\n"
                       "client_secret_file = \"" +
                       (dir_.path() / "client_secret").string() + "\"\nca_file = \"" +
                       pki_.ca_cert.string() + "\"\n");
  const std::vector<std::string> base{"--config", config_file.string(), "--data-dir",
                                      (dir_.path() / "data").string()};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return test::run_careerlink(args);
  };
  auto up = with({"tracker", "upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("2 sent, 1 accepted, 1 rejected, 0 left to retry"), std::string::npos)
      << up.out;
  auto status = with({"tracker", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("1 pupil's record accepted, 1 rejected"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find(upn(1)), std::string::npos);
  EXPECT_NE(status.out.find("unknown pupil"), std::string::npos);
  auto again = with({"tracker", "upload", "--school", kUrn});
  EXPECT_NE(again.out.find("0 sent"), std::string::npos) << again.out;
  // The nightly job the service runs at 02:30 (no [[job]] configured), run now by name.
  auto listed = with({"jobs", "list"});
  EXPECT_NE(listed.out.find("upload-compass"), std::string::npos) << listed.out << listed.err;
  auto job = with({"jobs", "run", "upload-compass"});
  EXPECT_EQ(job.exit_code, 0) << job.out << job.err;
  EXPECT_NE((job.out + job.err).find("137942: 0 sent"), std::string::npos) << job.out << job.err;
  auto unknown = with({"tracker", "resend", "--school", "999999"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("999999"), std::string::npos);
  auto audit = with({"audit", "list", "--action", "tracker.upload"});
  EXPECT_NE(audit.out.find("school:137942"), std::string::npos) << audit.out;
}

TEST(TrackerSchedule, ATrackerSinkWithoutAJobUploadsNightlyAt0230) {
  Config config;
  SinkConfig sink;
  sink.name = "compass";
  sink.type = "tracker-api";
  config.sinks.push_back(sink);
  serve::JobResources resources;
  auto jobs = serve::make_jobs(config, resources);
  ASSERT_TRUE(jobs) << jobs.error();
  ASSERT_EQ(jobs->size(), 1U);
  EXPECT_EQ((*jobs)[0].name, "upload-compass");
  EXPECT_EQ((*jobs)[0].time_zone, "Europe/London");
  // Half past two every night in the school's clock: 02:30 GMT in winter, 01:30 UTC in summer.
  const auto* london = date::locate_zone("Europe/London");
  const auto winter = (*jobs)[0].schedule.next_after(
      london, std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + std::chrono::hours(3));
  EXPECT_EQ(winter, std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} +
                        std::chrono::hours(2) + std::chrono::minutes(30));
  const auto summer = (*jobs)[0].schedule.next_after(
      london, std::chrono::sys_days{std::chrono::year{2026} / 6 / 1} + std::chrono::hours(3));
  EXPECT_EQ(summer, std::chrono::sys_days{std::chrono::year{2026} / 6 / 2} + std::chrono::hours(1) +
                        std::chrono::minutes(30));
  // drain: cannot name a tracker sink (it has no outbox).
  config.jobs.push_back(JobConfig{"d", "* * * * *", "drain:compass", "Europe/London"});
  EXPECT_FALSE(serve::make_jobs(config, resources));
}

}  // namespace
}  // namespace careerlink::tracker
