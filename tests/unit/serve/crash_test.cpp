// The crash test: a few thousand messages in the outbox, `careerlink serve` killed with SIGKILL at
// random moments while it delivers them over TLS, restarted each time. At the end every message
// reached the receiver, each key was applied exactly once there, and the database is intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "daemon/store/store.hpp"
#include "tests/receiver/https_receiver.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink {
namespace {

using test::TempDir;
using test::write_file;

pid_t start_serve(const std::filesystem::path& config, const std::filesystem::path& data,
                  const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(CAREERLINK_BINARY, CAREERLINK_BINARY, "--config", config.c_str(), "--data-dir",
            data.c_str(), "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::string integrity_check(const std::filesystem::path& db_file) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string result;
  if (sqlite3_step(st) == SQLITE_ROW)
    result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

TEST(CrashTest, KilledAtRandomMomentsEveryMessageArrivesAndIsAppliedOnce) {
  constexpr int kMessages = 6000;
  constexpr int kKills = 10;
  TempDir dir;
  const auto pki = test::make_test_pki(dir.path());
  const std::string secret = "crash-test-secret";
  write_file(dir / "secret", secret + "\n");

  test::ReceiverOptions receiver_options;
  receiver_options.cert = pki.server_cert;
  receiver_options.key = pki.server_key;
  receiver_options.hmac_secret = secret;
  test::HttpsReceiver receiver(receiver_options);

  const auto data = dir / "data";
  {
    auto store = open_sqlite_store(data);
    ASSERT_TRUE(store) << store.error().message;
    auto tx = (*store)->begin();
    ASSERT_TRUE(tx);
    for (int i = 0; i < kMessages; ++i) {
      const std::string key = "msg-" + std::to_string(i);
      ASSERT_TRUE((*tx)->enqueue(OutboxDraft{"hook", key, R"({"n":)" + std::to_string(i) + "}"}));
    }
    ASSERT_TRUE((*tx)->commit());
  }

  const auto config = dir / "careerlink.toml";
  write_file(config,
             "[serve]\nlisten = \"127.0.0.1:0\"\nshutdown_grace_seconds = 5\n"
             "[outbox]\nbatch_size = 10\nlease_seconds = 5\nbackoff_base_ms = 10\n"
             "backoff_cap_ms = 200\npoll_interval_ms = 20\n"
             "[[sink]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"" +
                 receiver.url() + "\"\nsecret_file = \"" + (dir / "secret").string() +
                 "\"\nca_file = \"" + pki.ca_cert.string() + "\"\ntimeout_seconds = 5\n");
  const auto log = dir / "serve.log";

  // Each run is killed a random moment after it says it is ready, i.e. while it delivers.
  std::mt19937 rng(20261124);  // seeded: the same kill moments on every run
  std::uniform_int_distribution<int> pause_ms(0, 120);
  int runs = 0;
  auto start_and_wait_ready = [&] {
    const pid_t pid = start_serve(config, data, log);
    ++runs;
    for (int i = 0; i < 600 && count(test::read_file(log), "careerlink ready") < runs; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pid;
  };
  // A kill lands mid-delivery when it leaves leased messages behind (delivered or not, never
  // acked); those are the ones that must come back, once, after their lease.
  auto leased_now = [&] {
    auto store = open_sqlite_store(data);
    if (!store) return std::int64_t{0};
    auto counts = (*store)->count_outbox();
    std::int64_t leased = 0;
    for (const auto& c : counts.value_or(std::vector<OutboxCount>{})) {
      if (c.state == OutboxState::leased) leased += c.count;
    }
    return leased;
  };
  int mid_delivery_kills = 0;
  for (int k = 0; k < kKills; ++k) {
    const pid_t pid = start_and_wait_ready();
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    if (leased_now() > 0) ++mid_delivery_kills;
  }
  EXPECT_GT(mid_delivery_kills, 0) << "no kill landed mid-delivery: this run proved nothing";

  // A last run, left alone until everything has arrived (bounded), then stopped properly.
  // Messages a killed run delivered but never acked come back when their lease ends, are
  // delivered again (the receiver dedupes) and acked; wait for that too.
  const pid_t pid = start_and_wait_ready();
  auto all_delivered = [&] {
    auto store = open_sqlite_store(data);
    if (!store) return false;
    auto counts = (*store)->count_outbox();
    return counts && std::ranges::all_of(*counts, [](const OutboxCount& c) {
             return c.state == OutboxState::delivered;
           });
  };
  for (int i = 0; i < 1200 && (receiver.applied().size() < kMessages || !all_delivered()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << test::read_file(log);

  const auto applied = receiver.applied();
  EXPECT_EQ(applied.size(), static_cast<std::size_t>(kMessages)) << "every message arrived";
  for (int i = 0; i < kMessages; ++i) {
    auto it = applied.find("msg-" + std::to_string(i));
    ASSERT_NE(it, applied.end()) << "msg-" << i << " never arrived";
    EXPECT_EQ(it->second, 1) << "msg-" << i << " applied more than once";
  }
  for (const auto& request : receiver.requests()) {
    EXPECT_TRUE(request.signature_ok) << "every batch is signed";
  }
  // Redeliveries after a kill are expected (at-least-once); the receiver deduped them.
  std::size_t received = 0;
  for (const auto& [key, count] : receiver.received())
    received += static_cast<std::size_t>(count);
  RecordProperty("redeliveries", static_cast<int>(received - applied.size()));

  auto store = open_sqlite_store(data);
  ASSERT_TRUE(store);
  auto counts = (*store)->count_outbox();
  ASSERT_TRUE(counts);
  for (const auto& c : *counts) {
    EXPECT_EQ(c.state, OutboxState::delivered) << c.count << " messages not delivered";
  }
  EXPECT_EQ(integrity_check(data / "careerlink.db"), "ok");
}

}  // namespace
}  // namespace careerlink
