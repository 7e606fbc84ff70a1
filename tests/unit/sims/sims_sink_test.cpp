// The SIMS sink end to end on real folders: what lands where, one row per pupil, documents
// written, replaced and removed, atomic replacement, restarts, retries and refusals.
#include "plugins/sims/sims_sink.hpp"

#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tests/unit/sims/sims_test_support.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::sims {
namespace {

namespace fs = std::filesystem;
using outbox::DeliveryResult;
using Kind = DeliveryResult::Kind;
using test::at;
using test::kOtherUpn;
using test::kUpn;
using test::message;
using test::status_payload;
using test::withdrawn_payload;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kHeader =
    "UPN,Careers RAG,Careers last interview date,Careers intended destination\r\n";

class SimsSinkTest : public ::testing::Test {
 protected:
  fs::path folder() const { return dir_.path() / "sims"; }
  fs::path school() const { return folder() / test::kUrn; }
  fs::path udf() const { return school() / "careers-udf.csv"; }
  fs::path plan(const std::string& upn = kUpn) const {
    return school() / "plans" / (upn + ".html");
  }

  std::unique_ptr<outbox::Sink> sink() const {
    outbox::SinkSettings settings{
        "sims", {{"folder", folder().string()}, {"panel_url", "http://127.0.0.1:8470"}}};
    auto made = make_sims_sink(settings);
    EXPECT_TRUE(made) << made.error();
    return made ? std::move(*made) : nullptr;
  }

  static outbox::DeliveryContext context() {
    outbox::DeliveryContext c;
    c.now = at("2026-11-24T12:00:00Z");
    return c;
  }

  static std::vector<DeliveryResult> deliver(outbox::Sink& s, std::vector<OutboxMessage> batch) {
    return s.deliver(batch, context());
  }

  // The UDF file's data rows (after the header), without line ends.
  std::vector<std::string> rows() const {
    auto text = careerlink::test::read_file(udf());
    std::vector<std::string> out;
    std::size_t start = kBom.size() + kHeader.size();
    while (start < text.size()) {
      const auto end = text.find("\r\n", start);
      out.push_back(text.substr(start, end - start));
      start = end + 2;
    }
    return out;
  }

  careerlink::test::TempDir dir_;
};

void expect_all(const std::vector<DeliveryResult>& results, Kind kind) {
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].kind, kind) << "message " << i << ": " << results[i].reason;
}

TEST_F(SimsSinkTest, WritesTheUdfFileWithItsHeaderAndARowForThePupil) {
  auto s = sink();
  auto results = deliver(*s, {message(status_payload())});
  ASSERT_EQ(results.size(), 1u);
  expect_all(results, Kind::ok);

  EXPECT_EQ(careerlink::test::read_file(udf()),
            std::string(kBom) + std::string(kHeader) +
                "B820432116017,Amber,01/10/2026,"
                "210 Full-time education - school sixth form (Hillside Sixth Form)\r\n");
}

TEST_F(SimsSinkTest, KeepsOneRowPerPupilAcrossUpdates) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(kUpn, "2026-11-24T09:00:00Z"), 1)}), Kind::ok);

  auto later = status_payload(kUpn, "2026-11-25T09:00:00Z");
  later["overall_rag"] = "red";
  later["intended_destination"] = nullptr;
  expect_all(deliver(*s, {message(later, 2), message(status_payload(kOtherUpn), 3)}), Kind::ok);

  auto latest = status_payload(kUpn, "2026-11-26T09:00:00Z");
  latest["overall_rag"] = "green";
  latest["last_interview_date"] = "2026-11-20";
  expect_all(deliver(*s, {message(latest, 4)}), Kind::ok);

  EXPECT_EQ(rows(), (std::vector<std::string>{
                        "A123456789012,Amber,01/10/2026,"
                        "210 Full-time education - school sixth form (Hillside Sixth Form)",
                        "B820432116017,Green,20/11/2026,"
                        "210 Full-time education - school sixth form (Hillside Sixth Form)"}));
}

TEST_F(SimsSinkTest, WritesThePlanDocumentAndReplacesItWhenThePlanChanges) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload())}), Kind::ok);
  auto first = careerlink::test::read_file(plan());
  EXPECT_NE(first.find("Wants to study engineering..."), std::string::npos);
  EXPECT_NE(first.find("Visit two sixth form open evenings"), std::string::npos);
  EXPECT_NE(first.find("http://127.0.0.1:8470/panel/pupil?upn=B820432116017"), std::string::npos);

  auto changed = status_payload(kUpn, "2026-11-25T09:00:00Z");
  changed["plan"]["version"] = 3;
  changed["plan"]["summary"] = "Now thinking about an apprenticeship";
  expect_all(deliver(*s, {message(changed, 2)}), Kind::ok);

  auto second = careerlink::test::read_file(plan());
  EXPECT_EQ(second.find("Wants to study engineering"), std::string::npos);
  EXPECT_NE(second.find("Now thinking about an apprenticeship"), std::string::npos);
  EXPECT_NE(second.find("Plan version 3"), std::string::npos);
  EXPECT_EQ(test::tree(school() / "plans"), (std::vector<std::string>{"B820432116017.html"}));
}

TEST_F(SimsSinkTest, WithdrawalDeletesTheDocumentAndTakesThePlanOutOfTheRow) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(), 1)}), Kind::ok);
  ASSERT_TRUE(fs::exists(plan()));

  expect_all(deliver(*s, {message(withdrawn_payload(), 2, at("2026-11-24T10:00:00Z"))}), Kind::ok);

  EXPECT_FALSE(fs::exists(plan()));
  // RAG and the interview date are the school's follow-up data; the destination was the plan's.
  EXPECT_EQ(rows(), (std::vector<std::string>{"B820432116017,Amber,01/10/2026,None recorded"}));
  const auto state = careerlink::test::read_file(school() / ".careerlink-state.json");
  EXPECT_EQ(state.find("engineering"), std::string::npos);
  EXPECT_EQ(state.find("Hillside"), std::string::npos);
  // A copy attached in SIMS outlives the file: the school is told whose to delete.
  EXPECT_EQ(careerlink::test::read_file(school() / "plans-removed.csv"),
            std::string(kBom) + "UPN,Plan removed on\r\nB820432116017,24/11/2026\r\n");
}

TEST_F(SimsSinkTest, AStatusWithNoPlanRemovesTheDocument) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(), 1)}), Kind::ok);
  ASSERT_TRUE(fs::exists(plan()));

  // A later interview the pupil did not agree to share: the view comes without a plan.
  auto unshared = status_payload(kUpn, "2026-12-01T09:00:00Z");
  unshared["plan"] = nullptr;
  unshared["last_interview_date"] = "2026-11-30";
  expect_all(deliver(*s, {message(unshared, 2)}), Kind::ok);

  EXPECT_FALSE(fs::exists(plan()));
  EXPECT_NE(careerlink::test::read_file(school() / "plans-removed.csv")
                .find("B820432116017,01/12/2026\r\n"),
            std::string::npos);
  EXPECT_EQ(rows(), (std::vector<std::string>{
                        "B820432116017,Amber,30/11/2026,"
                        "210 Full-time education - school sixth form (Hillside Sixth Form)"}));
}

TEST_F(SimsSinkTest, AnOldStatusReplayedAfterAWithdrawalDoesNotBringThePlanBack) {
  auto s = sink();
  auto old_status = message(status_payload(kUpn, "2026-11-24T09:00:00Z"), 1);
  expect_all(deliver(*s, {old_status}), Kind::ok);
  expect_all(deliver(*s, {message(withdrawn_payload(), 2, at("2026-11-24T10:00:00Z"))}), Kind::ok);

  expect_all(deliver(*s, {old_status}), Kind::ok);  // an operator replays a dead letter, say

  EXPECT_FALSE(fs::exists(plan()));
  EXPECT_EQ(rows(), (std::vector<std::string>{"B820432116017,Amber,01/10/2026,None recorded"}));
}

TEST_F(SimsSinkTest, WithdrawalAndOldStatusInOneBatchStillLeaveNoPlan) {
  auto s = sink();
  expect_all(deliver(*s, {message(withdrawn_payload(), 1, at("2026-11-24T10:00:00Z")),
                          message(status_payload(kUpn, "2026-11-24T09:00:00Z"), 2)}),
             Kind::ok);
  EXPECT_FALSE(fs::exists(plan()));
  EXPECT_EQ(rows(), (std::vector<std::string>{"B820432116017,Amber,01/10/2026,None recorded"}));
}

TEST_F(SimsSinkTest, SharingAgainAfterAWithdrawalBringsTheDocumentBack) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(kUpn, "2026-11-24T09:00:00Z"), 1),
                          message(withdrawn_payload(), 2, at("2026-11-24T10:00:00Z"))}),
             Kind::ok);
  ASSERT_FALSE(fs::exists(plan()));

  EXPECT_NE(careerlink::test::read_file(school() / "plans-removed.csv").find(kUpn),
            std::string::npos);

  expect_all(deliver(*s, {message(status_payload(kUpn, "2026-11-28T09:00:00Z"), 3)}), Kind::ok);
  EXPECT_TRUE(fs::exists(plan()));
  EXPECT_EQ(careerlink::test::read_file(school() / "plans-removed.csv"),
            std::string(kBom) + "UPN,Plan removed on\r\n");
  EXPECT_EQ(rows().at(0),
            "B820432116017,Amber,01/10/2026,"
            "210 Full-time education - school sixth form (Hillside Sixth Form)");
}

TEST_F(SimsSinkTest, AdviserTextCannotInjectHtml) {
  auto s = sink();
  auto hostile = status_payload();
  hostile["plan"]["summary"] = "<script>alert('x')</script><img src=x onerror=alert(1)>";
  hostile["plan"]["adviser"] = "Sam \"><iframe src=//evil.example>";
  hostile["plan"]["actions"][0]["text"] = "</td></tr></table><a href=\"javascript:alert(1)\">";
  hostile["flags"][0]["reason"] = "<b>bold</b> & more";
  expect_all(deliver(*s, {message(hostile)}), Kind::ok);

  const auto html = careerlink::test::read_file(plan());
  for (const auto* raw : {"<script", "<img", "<iframe", "<a href=\"javascript", "<b>"})
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Sam &quot;&gt;&lt;iframe src=//evil.example&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt; &amp; more"), std::string::npos);
}

TEST_F(SimsSinkTest, LeavesOnlyItsOwnFilesBehind) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(kUpn), 1), message(status_payload(kOtherUpn), 2),
                          message(withdrawn_payload(kOtherUpn), 3, at("2026-11-24T10:00:00Z"))}),
             Kind::ok);
  expect_all(deliver(*s, {message(status_payload(kUpn, "2026-11-25T09:00:00Z"), 4)}), Kind::ok);

  EXPECT_EQ(
      test::tree(folder()),
      (std::vector<std::string>{"137942", "137942/.careerlink-state.json",
                                "137942/.careerlink.lock", "137942/careers-udf.csv", "137942/plans",
                                "137942/plans-removed.csv", "137942/plans/B820432116017.html"}));
}

TEST_F(SimsSinkTest, ClearsTemporaryFilesACrashLeftBehind) {
  fs::create_directories(school() / "plans");
  careerlink::test::write_file(school() / ".cl-tmp-careers-udf.csv-0123456789ab", "half a fi");
  careerlink::test::write_file(school() / "plans" / ".cl-tmp-B820432116017.html-0123", "<ht");
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload())}), Kind::ok);
  for (const auto& name : test::tree(folder()))
    EXPECT_EQ(name.find(".cl-tmp-"), std::string::npos) << name;
}

TEST_F(SimsSinkTest, StateSurvivesANewSinkInstance) {
  {
    auto first = sink();
    expect_all(deliver(*first, {message(status_payload(kUpn), 1)}), Kind::ok);
  }
  auto second = sink();  // as after a restart
  expect_all(deliver(*second, {message(status_payload(kOtherUpn), 2)}), Kind::ok);
  EXPECT_EQ(rows().size(), 2u);
  EXPECT_TRUE(rows().at(1).starts_with("B820432116017,Amber,01/10/2026,210 "));

  // And it still knows what was withdrawn: an old view replayed to the new instance stays out.
  expect_all(deliver(*second, {message(withdrawn_payload(), 3, at("2026-11-24T10:00:00Z"))}),
             Kind::ok);
  auto third = sink();
  expect_all(deliver(*third, {message(status_payload(kUpn), 4)}), Kind::ok);
  EXPECT_FALSE(fs::exists(plan()));
}

TEST_F(SimsSinkTest, ApplyingTheSameBatchTwiceChangesNothing) {
  auto s = sink();
  std::vector<OutboxMessage> batch{
      message(status_payload(kUpn), 1), message(status_payload(kOtherUpn), 2),
      message(withdrawn_payload(kOtherUpn), 3, at("2026-11-24T10:00:00Z"))};
  expect_all(deliver(*s, batch), Kind::ok);
  const auto files = test::tree(folder());
  std::map<std::string, std::pair<std::string, fs::file_time_type>> before;
  for (const auto& f : files)
    if (fs::is_regular_file(folder() / f))
      before[f] = {careerlink::test::read_file(folder() / f), fs::last_write_time(folder() / f)};

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  expect_all(deliver(*s, batch), Kind::ok);
  expect_all(deliver(*sink(), batch), Kind::ok);  // and again after a restart

  EXPECT_EQ(test::tree(folder()), files);
  for (const auto& [f, seen] : before) {
    EXPECT_EQ(careerlink::test::read_file(folder() / f), seen.first) << f;
    if (f != "137942/.careerlink.lock") {
      EXPECT_EQ(fs::last_write_time(folder() / f), seen.second) << f << " was rewritten";
    }
  }
}

TEST_F(SimsSinkTest, RewritesTheUdfFileOncePerBatch) {
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(kUpn), 1)}), Kind::ok);  // the folder exists

  // Every rename into the folder is an IN_MOVED_TO: one per file replaced.
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_GE(::inotify_add_watch(fd, school().c_str(), IN_MOVED_TO), 0);
  auto a = status_payload(kUpn, "2026-11-25T09:00:00Z");
  a["overall_rag"] = "red";
  auto b = status_payload(kOtherUpn, "2026-11-25T09:00:00Z");
  auto c = status_payload(kOtherUpn, "2026-11-25T10:00:00Z");
  c["overall_rag"] = "green";
  expect_all(deliver(*s, {message(a, 2), message(b, 3), message(c, 4)}), Kind::ok);

  int udf_writes = 0;
  alignas(inotify_event) char buffer[8192];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    for (char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      if (event->len > 0 && std::string(event->name) == "careers-udf.csv") ++udf_writes;
      p += sizeof(inotify_event) + event->len;
    }
  }
  ::close(fd);
  EXPECT_EQ(udf_writes, 1);
  EXPECT_EQ(rows(), (std::vector<std::string>{
                        "A123456789012,Green,01/10/2026,"
                        "210 Full-time education - school sixth form (Hillside Sixth Form)",
                        "B820432116017,Red,01/10/2026,"
                        "210 Full-time education - school sixth form (Hillside Sixth Form)"}));
}

TEST_F(SimsSinkTest, AnUnwritableSchoolFolderGivesRetryNamingThePath) {
  auto s = sink();
  // A file where the school's folder should be: fails for root too, unlike permission bits.
  careerlink::test::write_file(school(), "in the way");
  auto results = deliver(*s, {message(status_payload(), 1)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].kind, Kind::retry);
  EXPECT_NE(results[0].reason.find(school().string()), std::string::npos) << results[0].reason;

  fs::remove(school());
  expect_all(deliver(*s, {message(status_payload(), 1)}), Kind::ok);
  EXPECT_EQ(rows().size(), 1u);
}

TEST_F(SimsSinkTest, AMissingFolderGivesRetryAndIsNotRecreated) {
  auto s = sink();
  fs::remove_all(folder());  // an unmounted share, say
  auto results = deliver(*s, {message(status_payload(), 1)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].kind, Kind::retry);
  EXPECT_EQ(results[0].reason, "cannot use " + folder().string() +
                                   ": the folder is missing (is the share or drive connected?)");
  EXPECT_FALSE(fs::exists(folder()));
}

TEST_F(SimsSinkTest, AReadOnlyFolderGivesRetry) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through permission bits";
  auto s = sink();
  expect_all(deliver(*s, {message(status_payload(), 1)}), Kind::ok);
  fs::permissions(school(), fs::perms::owner_read | fs::perms::owner_exec);
  auto changed = status_payload(kUpn, "2026-11-25T09:00:00Z");
  changed["overall_rag"] = "red";
  auto results = deliver(*s, {message(changed, 2)});
  fs::permissions(school(), fs::perms::owner_all);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].kind, Kind::retry);
  EXPECT_NE(results[0].reason.find(school().string()), std::string::npos) << results[0].reason;
  EXPECT_EQ(rows().at(0).substr(0, 20), "B820432116017,Amber,");  // the old file, untouched
}

TEST_F(SimsSinkTest, OnlyTheFailingSchoolRetries) {
  auto s = sink();
  careerlink::test::write_file(folder() / "100001", "in the way");
  auto elsewhere = status_payload(kOtherUpn);
  elsewhere["pupil"]["school_urn"] = "100001";
  auto results = deliver(*s, {message(elsewhere, 1), message(status_payload(), 2)});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].kind, Kind::retry);
  EXPECT_EQ(results[1].kind, Kind::ok);
  EXPECT_EQ(rows().size(), 1u);
}

TEST_F(SimsSinkTest, MalformedPayloadsFailAndTheRestOfTheBatchIsApplied) {
  auto s = sink();
  auto no_upn = status_payload();
  no_upn["pupil"].erase("upn");
  auto escaping_upn = status_payload();
  escaping_upn["pupil"]["upn"] = "../../../etc/x";
  auto escaping_urn = status_payload();
  escaping_urn["pupil"]["school_urn"] = "..";
  auto bad_date = status_payload();
  bad_date["last_interview_date"] = "01/10/2026";
  auto bad_rag = status_payload();
  bad_rag["overall_rag"] = "purple";
  auto no_as_of = status_payload();
  no_as_of.erase("as_of");
  auto withdrawn_no_plan = withdrawn_payload();
  withdrawn_no_plan.erase("interview_id");
  withdrawn_no_plan.erase("external_id");

  auto results = deliver(
      *s, {test::raw_message("{not json", 1), test::raw_message("[1,2]", 2),
           message({{"pupil", {{"upn", kUpn}}}}, 3), message(no_upn, 4), message(escaping_upn, 5),
           message(escaping_urn, 6), message(bad_date, 7), message(bad_rag, 8),
           message(no_as_of, 9), message(withdrawn_no_plan, 10), message(status_payload(), 11)});
  ASSERT_EQ(results.size(), 11u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(results[i].kind, Kind::fail) << i;
    EXPECT_FALSE(results[i].reason.empty()) << i;
  }
  EXPECT_EQ(results[10].kind, Kind::ok) << results[10].reason;
  EXPECT_EQ(results[3].reason, "pupil.status: pupil.upn is missing");
  EXPECT_EQ(results[6].reason, "pupil.status: last_interview_date is not a date (YYYY-MM-DD)");
  // Reasons name the field, never the value.
  EXPECT_EQ(results[4].reason.find("etc"), std::string::npos);
  EXPECT_EQ(test::tree(folder()).size(), 7u);  // only the good message's school
  EXPECT_FALSE(fs::exists(folder().parent_path() / "etc"));
}

TEST_F(SimsSinkTest, OtherEventsAreAcknowledgedWithoutWritingAnything) {
  auto s = sink();
  nlohmann::json flag{{"event", "flag.raised"},
                      {"pupil", {{"school_urn", test::kUrn}, {"upn", kUpn}}},
                      {"flag", {{"id", 4}, {"kind", "no_interview"}, {"rag", "amber"}}},
                      {"overall_rag", "amber"}};
  nlohmann::json shared{{"event", "plan.shared"},
                        {"pupil", {{"school_urn", test::kUrn}, {"upn", kUpn}}},
                        {"interview", {{"summary", "x"}}}};
  auto results = deliver(
      *s, {message(flag, 1), message(shared, 2), message({{"event", "destination.recorded"}}, 3)});
  expect_all(results, Kind::ok);
  EXPECT_TRUE(test::tree(folder()).empty());
}

TEST_F(SimsSinkTest, ShuttingDownRetriesWithoutWriting) {
  auto s = sink();
  std::stop_source stop;
  stop.request_stop();
  outbox::DeliveryContext c = context();
  c.stop = stop.get_token();
  std::vector<OutboxMessage> batch{message(status_payload())};
  auto results = s->deliver(batch, c);
  expect_all(results, Kind::retry);
  EXPECT_FALSE(fs::exists(school()));
}

TEST(SimsSinkFactory, CreatesAMissingFolderAndIsRegisteredAsSims) {
  careerlink::test::TempDir dir;
  register_sims_sink();
  register_sims_sink();  // twice is harmless
  const auto folder = dir.path() / "a" / "b";
  auto made = outbox::make_sink("sims", {"mis", {{"folder", folder.string()}}});
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ((*made)->name(), "mis");
  EXPECT_TRUE(fs::is_directory(folder));
  EXPECT_TRUE(test::tree(folder).empty());  // the write test leaves nothing
}

TEST(SimsSinkFactory, RefusesAMissingRelativeOrUnusableFolderAndABadPanelUrl) {
  careerlink::test::TempDir dir;
  auto refused = [](const outbox::SinkSettings& settings) {
    auto made = make_sims_sink(settings);
    EXPECT_FALSE(made);
    return made ? std::string() : made.error();
  };
  EXPECT_EQ(refused({"mis", {}}),
            "sims sink \"mis\": folder is required: where the UDF file and plan documents are "
            "written");
  EXPECT_NE(refused({"mis", {{"folder", "relative/sims"}}}).find("absolute"), std::string::npos);
  careerlink::test::write_file(dir / "file", "x");
  const auto under_a_file = (dir.path() / "file" / "sims").string();
  EXPECT_NE(refused({"mis", {{"folder", under_a_file}}}).find(under_a_file), std::string::npos);
  EXPECT_NE(refused({"mis", {{"folder", dir.path().string()}, {"panel_url", "javascript:x"}}})
                .find("panel_url"),
            std::string::npos);
  EXPECT_NE(
      refused({"mis", {{"folder", dir.path().string()}, {"panel_url", "http://a\"><script>"}}})
          .find("panel_url"),
      std::string::npos);
}

TEST(SimsSinkFactory, RefusesAReadOnlyFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through permission bits";
  careerlink::test::TempDir dir;
  const auto folder = dir.path() / "ro";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  auto made = make_sims_sink({"mis", {{"folder", folder.string()}}});
  fs::permissions(folder, fs::perms::owner_all);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().find("is not writable"), std::string::npos) << made.error();
}

TEST(SimsSinkFactory, LinksUseThePanelUrlWithoutADoubleSlash) {
  careerlink::test::TempDir dir;
  auto made = make_sims_sink(
      {"mis", {{"folder", dir.path().string()}, {"panel_url", "https://careers.school.example/"}}});
  ASSERT_TRUE(made) << made.error();
  std::vector<OutboxMessage> batch{message(status_payload())};
  auto results = (*made)->deliver(batch, {});
  ASSERT_EQ(results.at(0).kind, Kind::ok) << results[0].reason;
  const auto html =
      careerlink::test::read_file(dir.path() / test::kUrn / "plans" / "B820432116017.html");
  EXPECT_NE(html.find("href=\"https://careers.school.example/panel/pupil?upn=B820432116017\""),
            std::string::npos);
}

}  // namespace
}  // namespace careerlink::sims
