// tracker-csv without SFTP: the compass profile byte for byte, the atomic write, the factory's
// checks, and a nightly run through tracker::run_upload against a real SQLite store.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/tracker/compass_profile.hpp"
#include "connectors/tracker/pseudonym.hpp"
#include "connectors/tracker/tracker_csv.hpp"
#include "connectors/tracker/tracker_upload.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/files/atomic_files.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::tracker {
namespace {

namespace fs = std::filesystem;

guidance::Destination destination(std::string type, std::string code,
                                  std::optional<std::string> provider,
                                  std::optional<std::string> ukprn, std::string recorded_on) {
  guidance::Destination d;
  d.type = std::move(type);
  d.activity_code = std::move(code);
  d.provider_name = std::move(provider);
  d.provider_ukprn = std::move(ukprn);
  d.recorded_on = std::move(recorded_on);
  return d;
}

std::vector<TrackerRecord> sample_records() {
  std::vector<TrackerRecord> records(3);
  // A name with a comma and a quote; an intended destination only.
  auto& a = records[0];
  a.upn = "A820432100001";
  a.forename = "Ann \"Annie\"";
  a.surname = "O'Brien, Jr";
  a.dob = "2010-01-01";
  a.nc_year = "11";
  a.intended = destination("intended", "230", "Riverside College", std::nullopt, "2026-10-01");
  // A pseudonymised leaver: what the record holds; the actual destination's provider has only
  // a UKPRN, and its date is the later one.
  auto& b = records[1];
  b.upn = "PSN0123456789ABCDEF012";
  b.pseudonymised = true;
  b.forename = "Redacted";
  b.surname = "Redacted";
  b.dob = "1901-01-01";
  b.nc_year = "11";
  b.leaving_date = "2026-07-20";
  b.intended = destination("intended", "310", "Acme Engineering", std::nullopt, "2026-03-01");
  b.actual = destination("actual", "230", std::nullopt, "10001234", "2026-10-15");
  // Only an intended destination, no provider, and a code outside the NCCIS list.
  auto& c = records[2];
  c.upn = "C820432100003";
  c.forename = "Zoë";
  c.surname = "Smith\nJones";
  c.dob = "2009-12-31";
  c.nc_year = "13";
  c.intended = destination("intended", "999", std::nullopt, std::nullopt, "2026-09-30");
  return records;
}

TEST(TrackerCsvProfile, CompassFileIsExactlyTheDocumentedBytes) {
  const auto* profile = find_csv_profile("compass");
  ASSERT_NE(profile, nullptr);
  const std::string expected =
      "UPN,Forename,Surname,DateOfBirth,Year,IntendedDestination,ActualDestination,ActivityCode,"
      "Provider,DateRecorded\r\n"
      "A820432100001,\"Ann \"\"Annie\"\"\",\"O'Brien, Jr\",2010-01-01,11,"
      "Full-time education: further education,,230,Riverside College,2026-10-01\r\n"
      "PSN0123456789ABCDEF012,Redacted,Redacted,1901-01-01,11,Apprenticeship,"
      "Full-time education: further education,230,10001234,2026-10-15\r\n"
      "C820432100003,Zoë,\"Smith\nJones\",2009-12-31,13,999,,999,,2026-09-30\r\n";
  EXPECT_EQ(csv_document(*profile, sample_records()), expected);
  EXPECT_EQ(find_csv_profile("unknown"), nullptr);
}

TEST(TrackerCsvProfile, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("a\rb"), "\"a\rb\"");
  EXPECT_EQ(csv_field("a\nb"), "\"a\nb\"");
}

TEST(TrackerCsvWrite, ReplacesAnExistingFileWholeAndLeavesNoTemporaryFile) {
  test::TempDir dir;
  const auto file = dir.path() / "out.csv";
  test::write_file(file, std::string(10000, 'x'));
  ASSERT_TRUE(files::write_atomically(file, "short\r\n"));
  EXPECT_EQ(test::read_file(file), "short\r\n");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path()))
    names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"out.csv"});
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::others_all, fs::perms::none);

  const auto missing = files::write_atomically(dir.path() / "no-such-folder" / "x.csv", "x");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().to_string().find("no-such-folder"), std::string::npos)
      << missing.error().to_string();
}

SinkConfig csv_sink(const fs::path& folder) {
  SinkConfig sink;
  sink.name = "compass-csv";
  sink.type = "tracker-csv";
  sink.folder = folder;
  return sink;
}

TEST(TrackerCsvUploader, WritesOneFilePerSchoolAndNightAndAcceptsEveryRecord) {
  test::TempDir dir;
  auto uploader = make_tracker_csv_uploader(csv_sink(dir.path()), {dir.path()});
  ASSERT_TRUE(uploader) << uploader.error();
  const auto records = sample_records();
  UploadContext context;
  context.night = "2026-11-24";
  auto outcomes = (*uploader)->upload("137942", records, context);
  ASSERT_TRUE(outcomes) << outcomes.error();
  ASSERT_EQ(outcomes->size(), 3U);
  for (const auto& o : *outcomes)
    EXPECT_EQ(o.kind, RecordOutcome::Kind::accepted);
  const auto file = dir.path() / "compass-137942-2026-11-24.csv";
  EXPECT_EQ(test::read_file(file), csv_document(*find_csv_profile("compass"), records));

  // A second run the same night: a second file with that run's records only; the first, which
  // the tracker may already have read, is left as it was.
  ASSERT_TRUE((*uploader)->upload("137942", std::span(records).first(1), context));
  EXPECT_EQ(test::read_file(file), csv_document(*find_csv_profile("compass"), records));
  EXPECT_EQ(test::read_file(dir.path() / "compass-137942-2026-11-24-2.csv"),
            csv_document(*find_csv_profile("compass"), std::span(records).first(1)));

  context.full = true;
  ASSERT_TRUE((*uploader)->upload("137942", records, context));
  EXPECT_TRUE(fs::exists(dir.path() / "compass-137942-2026-11-24-full.csv"));

  // Nothing to send: no file.
  context.night = "2026-11-25";
  auto none = (*uploader)->upload("137942", {}, context);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(fs::exists(dir.path() / "compass-137942-2026-11-25-full.csv"));
}

TEST(TrackerCsvUploader, AnUnwritableFolderFailsTheWholeUpload) {
  test::TempDir dir;
  auto uploader = make_tracker_csv_uploader(csv_sink(dir.path() / "gone"), {dir.path()});
  ASSERT_TRUE(uploader) << uploader.error();
  UploadContext context;
  context.night = "2026-11-24";
  EXPECT_FALSE((*uploader)->upload("137942", sample_records(), context));
}

TEST(TrackerCsvUploader, FactoryNamesWhatIsMissing) {
  SinkConfig sink = csv_sink("/var/lib/careerlink/tracker");
  EXPECT_TRUE(make_tracker_csv_uploader(sink, {}));

  SinkConfig no_folder = sink;
  no_folder.folder.reset();
  auto e = make_tracker_csv_uploader(no_folder, {});
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("folder is required"), std::string::npos) << e.error();

  SinkConfig relative = sink;
  relative.folder = "tracker";
  e = make_tracker_csv_uploader(relative, {});
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("absolute"), std::string::npos) << e.error();

  SinkConfig profile = sink;
  profile.profile = "unifrog";
  e = make_tracker_csv_uploader(profile, {});
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("unifrog"), std::string::npos) << e.error();

  SinkConfig partial = sink;
  partial.sftp_host = "sftp.example.org";
  partial.sftp_user = "school";
  e = make_tracker_csv_uploader(partial, {});
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("missing: sftp_key_file, sftp_host_key"), std::string::npos)
      << e.error();

  SinkConfig bad_key = partial;
  bad_key.sftp_key_file = "/etc/careerlink/sftp_key";
  bad_key.sftp_host_key = "ssh-ed25519 not-base64!";
  e = make_tracker_csv_uploader(bad_key, {});
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("sftp_host_key"), std::string::npos) << e.error();

  register_builtin_uploaders();
  EXPECT_TRUE(make_uploader(sink, {}));  // registered under "tracker-csv"
}

// The nightly run end to end: U1 agreed (intended 230), U2 did not agree, U3 a leaver who
// agreed (actual 230, pseudonymised).
constexpr const char* kUrn = "137942";

std::string upn(int n) {
  std::string digits = "820432100" + std::to_string(1000 + n).substr(1);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

class TrackerCsvRun : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto school = (*tx)->upsert_school(SchoolRecord{"8204321", kUrn, "Riverside Academy"});
    ASSERT_TRUE(school);
    school_ = *school;
    for (int n = 1; n <= 3; ++n) {
      PupilRecord r;
      r.upn = upn(n);
      r.surname = n == 1 ? "O'Brien, Jr" : "Pupil";
      r.forename = "P" + std::to_string(n);
      r.dob = "2010-0" + std::to_string(n) + "-01";
      r.nc_year = "11";
      if (n == 3) r.leaving_date = "2026-07-20";
      ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", r));
    }
    ASSERT_TRUE((*tx)->commit());
    for (int n = 1; n <= 3; ++n)
      interview(n, n != 2);
    add_destination(1, "intended", "230", "2026-10-01");
    add_destination(2, "intended", "310", "2026-10-01");
    add_destination(3, "actual", "230", "2026-10-15");
    config_.schools.push_back(SchoolConfig{kUrn, "8204321", "Riverside Academy"});
    fs::create_directories(dir_.path() / "out");
    sink_ = csv_sink(dir_.path() / "out");
    config_.sinks.push_back(sink_);
  }

  std::int64_t pupil_id(int n) {
    auto found = store_->find_pupil(upn(n));
    EXPECT_TRUE(found && *found);
    return (*found)->id;
  }

  void interview(int n, bool share_with_trackers) {
    guidance::Interview iv;
    iv.external_id = "i" + std::to_string(n);
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

  void add_destination(int n, const std::string& type, const std::string& code,
                       const std::string& recorded_on) {
    auto d = destination(type, code, "Riverside College", std::nullopt, recorded_on);
    d.school_urn = kUrn;
    d.pupil.upn = upn(n);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->add_destination(school_, pupil_id(n), "Career Connect", d,
                                       std::chrono::system_clock::now()));
    ASSERT_TRUE((*tx)->commit());
  }

  UploadSummary upload(int day) {
    register_builtin_uploaders();
    auto uploader = make_uploader(sink_, {dir_.path() / "data"});
    EXPECT_TRUE(uploader) << (uploader ? "" : uploader.error());
    if (!uploader) return {};
    UploadOptions options;
    options.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / day} + std::chrono::hours(3);
    options.data_dir = dir_.path() / "data";
    auto summary = run_upload(*store_, config_, sink_, **uploader, options);
    EXPECT_TRUE(summary) << (summary ? "" : summary.error());
    return summary ? *summary : UploadSummary{};
  }

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_.path() / "out")) {
      names.push_back(e.path().filename());
    }
    std::ranges::sort(names);
    return names;
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  SchoolId school_ = 0;
  Config config_;
  SinkConfig sink_;
};

TEST_F(TrackerCsvRun, FirstNightWritesTheAgreedRecordsAndTheNextNightNothing) {
  auto first = upload(24);
  ASSERT_EQ(first.schools.size(), 1U);
  EXPECT_EQ(first.schools[0].sent, 2);
  EXPECT_EQ(first.schools[0].accepted, 2);
  EXPECT_TRUE(first.complete()) << first.text();
  ASSERT_EQ(files(), std::vector<std::string>{"compass-137942-2026-11-24.csv"});
  const std::string csv = test::read_file(dir_.path() / "out" / "compass-137942-2026-11-24.csv");
  EXPECT_TRUE(csv.starts_with("UPN,Forename,Surname,"));
  EXPECT_NE(csv.find(upn(1) + ",P1,\"O'Brien, Jr\",2010-01-01,11,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(upn(2)), std::string::npos);  // no agreement: never sent
  EXPECT_EQ(csv.find(upn(3)), std::string::npos);  // the leaver's UPN never leaves careerlink
  const auto key = load_pseudonym_key(dir_.path() / "data");
  ASSERT_TRUE(key);
  EXPECT_NE(csv.find(pseudonymous_upn(*key, upn(3)) +
                     ",Redacted,Redacted,1901-01-01,11,,Full-time education: further "
                     "education,230,Riverside College,2026-10-15\r\n"),
            std::string::npos)
      << csv;
  auto held = store_->tracker_deliveries("compass-csv", school_);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->size(), 2U);

  // The next night, nothing changed: nothing is sent and no file is written.
  auto second = upload(25);
  ASSERT_EQ(second.schools.size(), 1U);
  EXPECT_EQ(second.schools[0].sent, 0);
  EXPECT_TRUE(second.schools[0].selection.incremental);  // nobody's facts changed: nobody read
  EXPECT_EQ(second.schools[0].selection.with_destination, 0);
  EXPECT_EQ(files(), std::vector<std::string>{"compass-137942-2026-11-24.csv"});
}

}  // namespace
}  // namespace careerlink::tracker
