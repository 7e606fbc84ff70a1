// The test OpenID provider as its own process (how a browser test runs it): it prints its
// issuer, serves a sign-in, takes faults and key rotation over HTTP, and exits 0 on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "tests/unit/panel_auth/oidc_flow_support.hpp"

extern char** environ;

namespace careerlink::panel::auth {
namespace {

using testing::Attempt;
using testing::kRedirectUri;
using testing::start_sign_in;

class ProviderProcess {
 public:
  explicit ProviderProcess(std::vector<std::string> args) {
    args.insert(args.begin(), CAREERLINK_TEST_OIDC_PROVIDER_BINARY);
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
    out_ = ::fdopen(fds[0], "r");
    char line[256] = {};
    if (out_ != nullptr && std::fgets(line, sizeof line, out_) != nullptr) issuer_ = line;
    while (!issuer_.empty() && (issuer_.back() == '\n' || issuer_.back() == '\r'))
      issuer_.pop_back();
  }
  ~ProviderProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) std::fclose(out_);
  }
  ProviderProcess(const ProviderProcess&) = delete;
  ProviderProcess& operator=(const ProviderProcess&) = delete;

  [[nodiscard]] const std::string& issuer() const { return issuer_; }

  // SIGTERM, then the exit status (-1 if it did not exit normally).
  int terminate() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string issuer_;
};

TEST(TestOidcProviderProcess, ServesSignInFaultsAndRotationThenStopsOnSigterm) {
  ProviderProcess process({"--port", "0", "--issuer-host", "127.0.0.1", "--client-id", "panel-x",
                           "--client-secret", "s3cret", "--user",
                           "deputy@school.example:Deputy Head", "--redirect-uri", kRedirectUri,
                           "--alg", "ES256"});
  ASSERT_TRUE(process.issuer().starts_with("http://127.0.0.1:")) << process.issuer();

  OidcOptions options;
  options.issuer = process.issuer();
  options.client_id = "panel-x";
  options.client_secret = "s3cret";
  options.redirect_uri = kRedirectUri;
  auto client = OidcClient::create(options);
  ASSERT_TRUE(client) << client.error();
  http::HttpClient browser;

  Attempt a = start_sign_in(**client, browser);
  ASSERT_FALSE(a.code.empty()) << a.status;
  auto claims = (*client)->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->email, "deputy@school.example");
  EXPECT_EQ(claims->name, "Deputy Head");

  auto armed =
      browser.send({.method = "POST", .url = process.issuer() + "/test/arm?fault=expired"});
  ASSERT_TRUE(armed);
  EXPECT_EQ(armed->status, 200);
  Attempt b = start_sign_in(**client, browser);
  auto expired = (*client)->redeem(b.code, b.pkce.verifier, b.nonce);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().find("expired"), std::string::npos) << expired.error();

  auto rotated = browser.send({.method = "POST", .url = process.issuer() + "/test/rotate"});
  ASSERT_TRUE(rotated);
  EXPECT_EQ(rotated->status, 200);
  EXPECT_TRUE(rotated->body.starts_with("test-")) << rotated->body;
  Attempt c = start_sign_in(**client, browser);
  auto after_rotation = (*client)->redeem(c.code, c.pkce.verifier, c.nonce);
  EXPECT_TRUE(after_rotation) << after_rotation.error();

  auto unknown = browser.send({.method = "POST", .url = process.issuer() + "/test/arm?fault=nope"});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);

  EXPECT_EQ(process.terminate(), 0);
}

TEST(TestOidcProviderProcess, RefusesBadArguments) {
  ProviderProcess process({"--alg", "HS256"});
  EXPECT_EQ(process.issuer(), "");
  EXPECT_EQ(process.terminate(), 2);
}

}  // namespace
}  // namespace careerlink::panel::auth
