// `careerlink serve` as a real process: it comes up on a loopback port, answers /healthz,
// /readyz, /metrics and /api/v1/status, keeps running on a bad reload, and stops cleanly with
// exit status 0 on SIGTERM.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/http/client/http_client.hpp"
#include "tests/unit/support/test_service.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using test::TempDir;
using test::write_file;

using test::free_port;

// The service as a child process with its console log in a file.
class Service : public test::ServiceProcess {
 public:
  Service(const TempDir& dir, const std::filesystem::path& config)
      : ServiceProcess(config, dir / "data", dir / "serve.log") {}
};

std::expected<http::HttpResponse, http::HttpError> get(int port, const std::string& path) {
  http::HttpClient client;
  http::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  return client.send(request);
}

TEST(Serve, ComesUpAnswersAndStopsCleanly) {
  TempDir dir;
  const int port = free_port();
  const auto config = dir / "careerlink.toml";
  write_file(config, "[serve]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                         "\"\nshutdown_grace_seconds = 5\n");
  Service service(dir, config);
  ASSERT_TRUE(service.wait_for_log("careerlink ready")) << service.log();

  auto health = get(port, "/healthz");
  ASSERT_TRUE(health) << health.error().to_string();
  EXPECT_EQ(health->status, 200);
  auto ready = get(port, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);

  auto metrics = get(port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  for (const char* family :
       {"careerlink_outbox_messages", "careerlink_deliveries_total",
        "careerlink_job_last_success_timestamp_seconds", "careerlink_source_records_total",
        "careerlink_http_request_duration_seconds"}) {
    EXPECT_NE(metrics->body.find(family), std::string::npos) << family;
  }

  auto status = get(port, "/api/v1/status");
  ASSERT_TRUE(status);
  auto body = nlohmann::json::parse(status->body);
  EXPECT_EQ(body["listen"], "127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(body["jobs"].is_array());

  // `careerlink status` finds it through the same config.
  auto cli = test::run_careerlink({"--config", config.string(), "--data-dir",
                                   (dir / "data").string(), "status", "--format", "json"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"listen\""), std::string::npos);

  service.signal(SIGTERM);
  EXPECT_EQ(service.wait_exit(), 0) << service.log();
  EXPECT_NE(service.log().find("stopped"), std::string::npos);
}

TEST(Serve, ABadReloadIsRefusedAndTheOldConfigKeepsRunning) {
  TempDir dir;
  const int port = free_port();
  const auto config = dir / "careerlink.toml";
  const std::string good = "[serve]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n";
  write_file(config, good);
  Service service(dir, config);
  ASSERT_TRUE(service.wait_for_log("careerlink ready")) << service.log();

  write_file(config, good + "[log]\nlevle = \"debug\"\n");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_log("reload refused")) << service.log();
  EXPECT_NE(service.log().find("careerlink.toml:4:"), std::string::npos) << service.log();
  auto health = get(port, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  write_file(config, good + "[log]\nlevel = \"debug\"\n");
  service.signal(SIGHUP);
  EXPECT_TRUE(service.wait_for_log("reloaded")) << service.log();

  service.signal(SIGINT);
  EXPECT_EQ(service.wait_exit(), 0) << service.log();
}

// A good reload puts new sinks and jobs to work without a restart; one whose sink cannot be
// built (its secret file is missing) is refused whole and the running ones stay.
TEST(Serve, AReloadAppliesNewSinksAndJobs) {
  TempDir dir;
  const int port = free_port();
  const auto config = dir / "careerlink.toml";
  const std::string serve = "[serve]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n";
  write_file(config, serve);
  Service service(dir, config);
  ASSERT_TRUE(service.wait_for_log("careerlink ready")) << service.log();
  const auto jobs = [&] {
    auto status = get(port, "/api/v1/status");
    return status ? nlohmann::json::parse(status->body)["jobs"] : nlohmann::json();
  };
  EXPECT_TRUE(jobs().empty());

  write_file(dir / "secret", "s3cret\n");
  const std::string with_work =
      serve + "[[sink]]\nname = \"warehouse\"\ntype = \"webhook\"\n" +
      "url = \"https://127.0.0.1:9/hook\"\nsecret_file = \"" + (dir / "secret").string() +
      "\"\n[[job]]\nname = \"weekly-purge\"\nschedule = \"0 4 * * 0\"\nrun = \"purge\"\n";
  write_file(config, with_work);
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_log("1 sink(s) and 1 job(s) applied")) << service.log();
  auto now = jobs();
  ASSERT_EQ(now.size(), 1u) << now.dump();
  EXPECT_EQ(now[0]["name"], "weekly-purge");
  auto metrics = get(port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("careerlink_deliveries_total{result=\"ok\",sink=\"warehouse\"}"),
            std::string::npos)
      << metrics->body;

  // The same, but the sink's secret file is gone: refused, and the job list is unchanged.
  std::string broken = with_work;
  broken.replace(broken.find("weekly-purge"), 12, "daily-purge");
  std::filesystem::remove(dir / "secret");
  write_file(config, broken);
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_log("reload refused: sink warehouse")) << service.log();
  now = jobs();
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0]["name"], "weekly-purge");

  service.signal(SIGTERM);
  EXPECT_EQ(service.wait_exit(), 0) << service.log();
}

TEST(Serve, StatusSaysWhenNoServiceIsRunning) {
  TempDir dir;
  const auto config = dir / "careerlink.toml";
  write_file(config, "[serve]\nlisten = \"127.0.0.1:" + std::to_string(free_port()) + "\"\n");
  auto cli = test::run_careerlink(
      {"--config", config.string(), "--data-dir", (dir / "data").string(), "status"});
  EXPECT_EQ(cli.exit_code, 69);
  EXPECT_NE(cli.err.find("is `careerlink serve` running?"), std::string::npos) << cli.err;
}

TEST(Serve, NonLoopbackWithoutATokenRefusesToStart) {
  TempDir dir;
  const auto config = dir / "careerlink.toml";
  write_file(config, "[serve]\nlisten = \"0.0.0.0:" + std::to_string(free_port()) + "\"\n");
  Service service(dir, config);
  EXPECT_NE(service.wait_exit(), 0);
  EXPECT_NE(service.log().find("admin_token"), std::string::npos) << service.log();
}

}  // namespace
}  // namespace careerlink
