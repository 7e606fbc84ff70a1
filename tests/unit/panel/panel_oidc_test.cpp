// Signing in to the careers panel with the school's identity provider: the test OpenID provider
// (tests/oidc_provider, signing with a key it makes) in this process, `careerlink serve` as a
// process, and the browser's part (redirects, cookies) played by the HTTP client.
#include <gtest/gtest.h>

#include <thread>

#include "tests/oidc_provider/test_oidc_provider.hpp"
#include "tests/unit/panel/panel_fixture.hpp"

namespace careerlink {
namespace {

using test::Browser;
using test::TokenFault;

class PanelOidc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    test::TestOidcProviderOptions options;
    options.users = {{test::kTutor, "Chris Wright"},
                     {"a.hughes@riverside.sch.uk", "Amy Hughes"},  // MIS only: tutor of 10A, 9B
                     {"stranger@elsewhere.example", "Not Staff"}};
    auto started = test::TestOidcProvider::start(options);
    ASSERT_TRUE(started) << started.error();
    provider_ = started->release();
    test::TempDir* secret_dir = new test::TempDir();
    secret_dir_ = secret_dir;
    test::write_file(secret_dir->path() / "oidc-secret", "test-client-secret\n");
    service_ = new test::PanelService("[panel.oidc]\nissuer = \"" + provider_->issuer() +
                                      "\"\nclient_id = \"careerlink-panel\"\n"
                                      "client_secret_file = \"" +
                                      (secret_dir->path() / "oidc-secret").string() + "\"\n");
  }
  static void TearDownTestSuite() {
    delete service_;
    delete provider_;
    delete secret_dir_;
  }

  struct Attempt {
    http::HttpResponse callback;  // the panel's answer to the provider's redirect
    std::string callback_path;
    std::string login_cookie;
    Browser browser;
  };

  // /panel/oidc/start -> provider /authorize -> back to /panel/oidc/callback, as a browser does.
  static Attempt sign_in(const std::string& hint, bool send_login_cookie = true) {
    Attempt a;
    a.browser = service_->anonymous();
    auto start = a.browser.get("/panel/oidc/start?next=%2Fpanel%2F&login_hint=" + hint);
    EXPECT_EQ(start.status, 302) << start.body;
    a.login_cookie = test::cookie_from(start, "careerlink_login");
    http::HttpClient client;
    http::HttpRequest authorize;
    authorize.url = start.header("Location").value_or("");
    EXPECT_TRUE(authorize.url.starts_with(provider_->issuer())) << authorize.url;
    EXPECT_NE(authorize.url.find("code_challenge_method=S256"), std::string::npos);
    auto redirected = client.send(authorize);
    EXPECT_TRUE(redirected);
    if (!redirected) return a;
    EXPECT_EQ(redirected->status, 302) << redirected->body;
    const std::string back = redirected->header("Location").value_or("");
    const std::string base = "http://127.0.0.1:" + std::to_string(service_->port());
    EXPECT_TRUE(back.starts_with(base + "/panel/oidc/callback?")) << back;
    a.callback_path = back.substr(base.size());
    a.callback = replay(a, send_login_cookie);
    a.browser.session = test::cookie_from(a.callback, "careerlink_session");
    return a;
  }

  static http::HttpResponse replay(const Attempt& a, bool send_login_cookie = true) {
    http::HttpClient client;
    http::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(service_->port()) + a.callback_path;
    if (send_login_cookie) {
      request.headers.push_back({"Cookie", "careerlink_login=" + a.login_cookie});
    }
    auto r = client.send(request);
    EXPECT_TRUE(r);
    return r ? *r : http::HttpResponse{};
  }

  static test::TestOidcProvider* provider_;
  static test::PanelService* service_;
  static test::TempDir* secret_dir_;
};
test::TestOidcProvider* PanelOidc::provider_ = nullptr;
test::PanelService* PanelOidc::service_ = nullptr;
test::TempDir* PanelOidc::secret_dir_ = nullptr;

TEST_F(PanelOidc, AStaffMemberSignsInWithTheSchoolAccountAndSeesOnlyTheirGroups) {
  auto a = sign_in(test::kTutor);
  ASSERT_EQ(a.callback.status, 303) << a.callback.body;
  EXPECT_EQ(a.callback.header("Location").value_or(""), "/panel/");
  ASSERT_FALSE(a.browser.session.empty());
  EXPECT_EQ(a.browser.get("/panel/group?name=11A").status, 200);
  EXPECT_EQ(a.browser.get("/panel/group?name=10A").status, 403);
}

TEST_F(PanelOidc, StaffKnownOnlyToTheMisAreMatchedByEmail) {
  // No careerlink account: the MIS staff export makes her tutor of 10A.
  auto a = sign_in("a.hughes@riverside.sch.uk");
  ASSERT_EQ(a.callback.status, 303) << a.callback.body;
  EXPECT_EQ(a.browser.get("/panel/group?name=10A").status, 200);
  EXPECT_EQ(a.browser.get("/panel/group?name=11A").status, 403);
}

TEST_F(PanelOidc, SomeoneTheSchoolDoesNotKnowIsRefused) {
  auto a = sign_in("stranger@elsewhere.example");
  EXPECT_EQ(a.callback.status, 403);
  EXPECT_TRUE(a.browser.session.empty());
}

TEST_F(PanelOidc, AReplayedCallbackIsRefused) {
  auto a = sign_in(test::kTutor);
  ASSERT_EQ(a.callback.status, 303);
  auto again = replay(a);
  EXPECT_EQ(again.status, 401);
  EXPECT_TRUE(test::cookie_from(again, "careerlink_session").empty());
}

TEST_F(PanelOidc, ACallbackFromAnotherBrowserIsRefused) {
  auto a = sign_in(test::kTutor, /*send_login_cookie=*/false);
  EXPECT_EQ(a.callback.status, 401);
  EXPECT_TRUE(a.browser.session.empty());
}

TEST_F(PanelOidc, BadTokensAreRefused) {
  for (TokenFault fault : {TokenFault::bad_signature, TokenFault::wrong_audience,
                           TokenFault::wrong_issuer, TokenFault::expired, TokenFault::nonce_altered,
                           TokenFault::alg_none, TokenFault::hs256_with_public_key}) {
    provider_->arm(fault);
    auto a = sign_in(test::kTutor);
    EXPECT_EQ(a.callback.status, 401) << test::to_string(fault);
    EXPECT_TRUE(a.browser.session.empty()) << test::to_string(fault);
  }
  // And the next good one works: nothing stuck.
  EXPECT_EQ(sign_in(test::kTutor).callback.status, 303);
}

TEST_F(PanelOidc, RefusedSignInsAreAudited) {
  provider_->arm(TokenFault::expired);
  (void)sign_in(test::kTutor);
  nlohmann::json events;
  bool seen = false;
  for (int i = 0; i < 50 && !seen; ++i) {
    events = nlohmann::json::parse(
        service_->cl({"audit", "list", "--action", "panel.sign_in_failed", "--format", "json"})
            .out);
    for (const auto& e : events)
      seen = seen || e["object"] == "oidc";
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace careerlink
