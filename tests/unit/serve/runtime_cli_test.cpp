// `careerlink jobs` and `careerlink outbox` against a real data directory: what operators rely
// on to see and steer the service.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/scheduler/job_lock.hpp"
#include "daemon/store/store.hpp"
#include "tests/receiver/https_receiver.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink {
namespace {

using test::TempDir;
using test::write_file;

struct Operator {
  TempDir dir;
  std::filesystem::path config = dir / "careerlink.toml";
  Operator() {
    write_file(dir / "secret", "s3cret\n");
    write_file(config,
               "[[sink]]\nname = \"hook\"\ntype = \"webhook\"\n"
               "url = \"https://127.0.0.1:9/hook\"\nsecret_file = \"" +
                   (dir / "secret").string() +
                   "\"\n[[job]]\nname = \"nightly\"\nschedule = \"30 2 * * *\"\n"
                   "run = \"drain:hook\"\n[[job]]\nname = \"purge\"\n"
                   "schedule = \"0 4 * * 0\"\nrun = \"purge\"\n");
  }
  test::CommandResult operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--config", config.string(), "--data-dir", (dir / "data").string()});
    return test::run_careerlink(args);
  }
};

TEST(JobsCli, ListsJobsWithNextRunAndRecordsAManualRun) {
  Operator cl;
  auto listed = cl({"jobs", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto jobs = nlohmann::json::parse(listed.out);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0]["name"], "nightly");
  EXPECT_EQ(jobs[0]["schedule"], "30 2 * * *");
  EXPECT_EQ(jobs[0]["time_zone"], "Europe/London");
  EXPECT_TRUE(jobs[0]["next_run"].is_string());
  EXPECT_TRUE(jobs[0]["last_run"].is_null());

  auto ran = cl({"jobs", "run", "purge"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("purge: ok"), std::string::npos) << ran.out;
  auto after = nlohmann::json::parse(cl({"jobs", "list", "--format", "json"}).out);
  ASSERT_TRUE(after[1]["last_run"].is_object());
  EXPECT_EQ(after[1]["last_run"]["result"], "ok");

  auto unknown = cl({"jobs", "run", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST(JobsCli, AJobRunningInAnotherProcessIsNotStartedAgain) {
  Operator cl;
  // This test process stands in for the service, in the middle of the job.
  auto held = JobLock::try_acquire(cl.dir / "data" / "locks", "purge");
  ASSERT_TRUE(held.held()) << held.detail();
  auto refused = cl({"jobs", "run", "purge"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("already running in process " + std::to_string(::getpid())),
            std::string::npos)
      << refused.err;
  held = JobLock::try_acquire(cl.dir / "data" / "locks", "nightly");  // purge is free again
  EXPECT_EQ(cl({"jobs", "run", "purge"}).exit_code, 0);
}

// A receiver that requires a client certificate: the [[sink]] keys client_cert_file and
// client_key_file are what let the drain job through.
TEST(JobsCli, DrainJobPresentsTheConfiguredClientCertificate) {
  TempDir dir;
  const auto pki = test::make_test_pki(dir / "pki");
  write_file(dir / "secret", "s3cret\n");
  test::ReceiverOptions options;
  options.cert = pki.server_cert;
  options.key = pki.server_key;
  options.client_ca = pki.ca_cert;
  options.hmac_secret = "s3cret";
  test::HttpsReceiver receiver(options);
  const auto data = dir / "data";
  {
    auto store = open_sqlite_store(data);
    ASSERT_TRUE(store) << store.error().message;
    auto tx = (*store)->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->enqueue(OutboxDraft{"hook", "k1", R"({"n":1})"}));
    ASSERT_TRUE((*tx)->commit());
  }
  const auto run_with = [&](const std::string& client_keys) {
    const auto config = dir / "careerlink.toml";
    // The shortest backoff there is, so the refused message is due again for the second run.
    write_file(config,
               "[outbox]\nbackoff_base_ms = 10\nbackoff_cap_ms = 100\n"
               "[[sink]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"" +
                   receiver.url() + "\"\nsecret_file = \"" + (dir / "secret").string() +
                   "\"\nca_file = \"" + pki.ca_cert.string() + "\"\ntimeout_seconds = 5\n" +
                   client_keys +
                   "[[job]]\nname = \"nightly\"\nschedule = \"30 2 * * *\"\n"
                   "run = \"drain:hook\"\n");
    return test::run_careerlink(
        {"--config", config.string(), "--data-dir", data.string(), "jobs", "run", "nightly"});
  };
  const auto state = [&] {
    auto store = open_sqlite_store(data);
    auto rows = (*store)->list_outbox(OutboxFilter{});
    return rows && rows->size() == 1u ? rows->front().state : OutboxState::dead;
  };

  auto refused = run_with("");
  EXPECT_TRUE(receiver.requests().empty());  // the handshake fails: nothing reaches the handler
  EXPECT_EQ(state(), OutboxState::pending) << refused.out << refused.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past the 100 ms backoff cap

  auto ran = run_with("client_cert_file = \"" + pki.client_cert.string() +
                      "\"\nclient_key_file = \"" + pki.client_key.string() + "\"\n");
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_TRUE(receiver.requests().front().signature_ok);
  EXPECT_EQ(state(), OutboxState::delivered);
}

// sync:<source> takes in what the MIS drops in a folder: each changed file once, in one
// transaction; an unchanged one is skipped; a broken one is refused, reported, and tried again.
TEST(JobsCli, SyncJobTakesInChangedExportsFromItsFolder) {
  TempDir dir;
  const auto exports = dir / "exports";
  std::filesystem::create_directories(exports);
  std::filesystem::copy_file(test::sample_school("8204321_CTF_8204321_001.xml"),
                             exports / "nightly.xml");
  const auto config = dir / "careerlink.toml";
  const auto write_config = [&](int settle_seconds) {
    write_file(config, "[[source]]\nname = \"mis\"\ntype = \"ctf\"\nfolder = \"" +
                           exports.string() +
                           "\"\nsettle_seconds = " + std::to_string(settle_seconds) +
                           "\n[[job]]\nname = \"mis-import\"\nschedule = \"15 6 * * *\"\n"
                           "run = \"sync:mis\"\n");
  };
  const auto cl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config.string(), "--data-dir", (dir / "data").string()});
    return test::run_careerlink(args);
  };

  // Just written: left alone while it may still be being copied.
  write_config(3600);
  auto early = cl({"jobs", "run", "mis-import"});
  EXPECT_EQ(early.exit_code, 0) << early.err;
  EXPECT_NE(early.out.find("0 files taken in"), std::string::npos) << early.out;
  EXPECT_NE(early.out.find("1 still being written"), std::string::npos) << early.out;

  write_config(0);
  auto first = cl({"jobs", "run", "mis-import"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("mis-import: ok: 1 file taken in ("), std::string::npos) << first.out;
  EXPECT_EQ(first.out.find("(0 new"), std::string::npos) << first.out;
  const auto pupils = cl({"pupils", "list"});
  ASSERT_EQ(pupils.exit_code, 0);
  EXPECT_FALSE(pupils.out.empty());

  auto again = cl({"jobs", "run", "mis-import"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("0 files taken in (0 new, 0 updated, 0 rejected), 1 unchanged"),
            std::string::npos)
      << again.out;

  // A half-written export beside it: refused whole, named, and the job says so.
  const std::string whole = test::read_file(exports / "nightly.xml");
  write_file(exports / "broken.xml", whole.substr(0, whole.size() / 2));
  auto broken = cl({"jobs", "run", "mis-import"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("broken.xml"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("refused"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("1 unchanged"), std::string::npos) << broken.out;
  // Not remembered: still refused at the next run, until the file is put right.
  EXPECT_EQ(cl({"jobs", "run", "mis-import"}).exit_code, 1);
  std::filesystem::remove(exports / "broken.xml");
  EXPECT_EQ(cl({"jobs", "run", "mis-import"}).exit_code, 0);
}

TEST(JobsCli, ACsvSourceWithoutAMappingIsAConfigError) {
  TempDir dir;
  const auto config = dir / "careerlink.toml";
  write_file(config, "[[source]]\nname = \"sims\"\ntype = \"csv\"\nfolder = \"" +
                         dir.path().string() +
                         "\"\n[[job]]\nname = \"x\"\nschedule = \"* * * * *\"\n"
                         "run = \"sync:sims\"\n");
  auto listed = test::run_careerlink(
      {"--config", config.string(), "--data-dir", (dir / "data").string(), "jobs", "list"});
  EXPECT_EQ(listed.exit_code, 78);
  EXPECT_NE(listed.err.find("source sims: a csv source needs preset"), std::string::npos)
      << listed.err;
}

TEST(JobsCli, AJobNamingAnUnknownSinkIsAConfigError) {
  Operator cl;
  write_file(cl.config,
             "[[job]]\nname = \"x\"\nschedule = \"* * * * *\"\nrun = \"drain:missing\"\n");
  auto r = cl({"jobs", "list"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
}

TEST(OutboxCli, ListsRetriesAndDropsWithAnAuditTrail) {
  Operator cl;
  {
    auto store = open_sqlite_store(cl.dir / "data");
    ASSERT_TRUE(store);
    auto tx = (*store)->begin();
    ASSERT_TRUE((*tx)->enqueue(OutboxDraft{"hook", "k1", R"({"a":1})"}));
    ASSERT_TRUE((*tx)->enqueue(OutboxDraft{"hook", "k2", R"({"a":2})"}));
    ASSERT_TRUE((*tx)->commit());
    auto leased = (*store)->lease_outbox("hook", 10, std::chrono::system_clock::now(),
                                         std::chrono::seconds(60));
    ASSERT_TRUE(leased && leased->size() == 2);
    ASSERT_TRUE((*store)->dead_letter_outbox((*leased)[0].id, "HTTP 400 Bad Request: no"));
  }
  auto all = nlohmann::json::parse(cl({"outbox", "list", "--format", "json"}).out);
  ASSERT_EQ(all.size(), 2u);
  auto dead = nlohmann::json::parse(cl({"outbox", "list", "--dead", "--format", "json"}).out);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["last_error"], "HTTP 400 Bad Request: no");
  const std::string dead_id = std::to_string(dead[0]["id"].get<long>());

  auto retried = cl({"outbox", "retry", dead_id});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(nlohmann::json::parse(cl({"outbox", "list", "--dead", "--format", "json"}).out).size(),
            0u);
  EXPECT_EQ(cl({"outbox", "retry", dead_id}).exit_code, 1) << "no longer a dead letter";

  auto dropped = cl({"outbox", "drop", dead_id});
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_EQ(nlohmann::json::parse(cl({"outbox", "list", "--format", "json"}).out).size(), 1u);

  auto audit = nlohmann::json::parse(cl({"audit", "list", "--format", "json"}).out);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["action"], "outbox.drop");
  EXPECT_EQ(audit[0]["object"], "outbox:" + dead_id);
  EXPECT_EQ(audit[1]["action"], "outbox.retry");
  EXPECT_TRUE(audit[0]["actor"].get<std::string>().starts_with("cli:"));
}

}  // namespace
}  // namespace careerlink
