// The OpenID Connect client end to end against the test provider on loopback: discovery, the
// authorization redirect, code redemption with PKCE, refusals by the provider (wrong verifier,
// reused or expired code, bad client secret) and by the client (every armed token fault), key
// rotation and its rate limit, TLS, and concurrent sign-ins.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/oidc_provider/test_oidc_provider.hpp"
#include "tests/unit/panel_auth/oidc_flow_support.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::panel::auth {
namespace {

using test::TestOidcProvider;
using test::TestOidcProviderOptions;
using test::TokenFault;
using testing::Attempt;
using testing::kRedirectUri;
using testing::start_sign_in;

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

struct Flow {
  std::unique_ptr<TestOidcProvider> provider;
  std::unique_ptr<OidcClient> client;
  http::HttpClient browser;

  explicit Flow(TestOidcProviderOptions provider_options = {},
                const std::function<void(OidcOptions&)>& tweak = {}) {
    provider_options.redirect_uris = {kRedirectUri};
    if (provider_options.users.size() == 1) {
      provider_options.users.push_back({"head@school.example", "Head Teacher"});
      provider_options.users.push_back({"ann+careers@school.example", "Ann Careers"});
    }
    auto started = TestOidcProvider::start(std::move(provider_options));
    if (!started) throw std::runtime_error(started.error());
    provider = std::move(*started);
    OidcOptions options;
    options.issuer = provider->issuer();
    options.client_id = "careerlink-panel";
    options.client_secret = "test-client-secret";
    options.redirect_uri = kRedirectUri;
    if (tweak) tweak(options);
    auto made = OidcClient::create(std::move(options));
    if (!made) throw std::runtime_error(made.error());
    client = std::move(*made);
  }

  std::expected<IdTokenClaims, std::string> sign_in(const std::string& login_hint = {}) {
    Attempt a = start_sign_in(*client, browser, login_hint);
    if (a.code.empty())
      return std::unexpected("no code; /authorize answered " + std::to_string(a.status) + " " +
                             a.location);
    return client->redeem(a.code, a.pkce.verifier, a.nonce);
  }
};

TEST(OidcClient, DiscoveryAndAuthorizationUrl) {
  Flow f;
  auto meta = f.client->discover();
  ASSERT_TRUE(meta) << meta.error();
  EXPECT_EQ(meta->issuer, f.provider->issuer());
  EXPECT_EQ(meta->token_endpoint, f.provider->issuer() + "/token");
  auto url = f.client->authorization_url("st", "no", "challenge", "ann+careers@school.example");
  ASSERT_TRUE(url) << url.error();
  EXPECT_TRUE(url->starts_with(f.provider->issuer() + "/authorize?response_type=code&")) << *url;
  EXPECT_TRUE(contains(*url, "&client_id=careerlink-panel&")) << *url;
  EXPECT_TRUE(
      contains(*url, "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fpanel%2Foidc%2Fcallback&"));
  EXPECT_TRUE(contains(*url, "&scope=openid%20email%20profile&")) << *url;
  EXPECT_TRUE(contains(*url,
                       "&state=st&nonce=no&code_challenge=challenge&"
                       "code_challenge_method=S256&login_hint=ann%2Bcareers%40school.example"))
      << *url;
  EXPECT_FALSE(f.client->authorization_url("", "n", "c"));
  EXPECT_EQ(f.provider->counters().discovery, 1u);  // cached
}

TEST(OidcClient, FullSignInRs256) {
  Flow f;
  auto claims = f.sign_in();
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->issuer, f.provider->issuer());
  EXPECT_EQ(claims->email, "teacher@school.example");
  EXPECT_TRUE(claims->email_verified);
  EXPECT_EQ(claims->name, "Test Teacher");
  EXPECT_FALSE(claims->subject.empty());
  EXPECT_GT(claims->expires, std::chrono::system_clock::now());
  const auto counters = f.provider->counters();
  EXPECT_EQ(counters.discovery, 1u);
  EXPECT_EQ(counters.authorize, 1u);
  EXPECT_EQ(counters.token, 1u);
  EXPECT_EQ(counters.jwks, 1u);
}

TEST(OidcClient, FullSignInEs256) {
  TestOidcProviderOptions options;
  options.alg = test::SigningAlg::es256;
  Flow f(options);
  auto claims = f.sign_in();
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->email, "teacher@school.example");
}

TEST(OidcClient, LoginHintChoosesAKnownUser) {
  Flow f;
  auto head = f.sign_in("head@school.example");
  ASSERT_TRUE(head) << head.error();
  EXPECT_EQ(head->email, "head@school.example");
  auto plus = f.sign_in("ann+careers@school.example");  // '+' must survive the query string
  ASSERT_TRUE(plus) << plus.error();
  EXPECT_EQ(plus->email, "ann+careers@school.example");
  EXPECT_NE(plus->subject, head->subject);
  auto unknown = f.sign_in("stranger@elsewhere.example");
  ASSERT_TRUE(unknown) << unknown.error();
  EXPECT_EQ(unknown->email, "teacher@school.example");
}

TEST(OidcClient, WrongVerifierIsRefusedAndSpendsTheCode) {
  Flow f;
  Attempt a = start_sign_in(*f.client, f.browser);
  ASSERT_FALSE(a.code.empty());
  auto wrong = f.client->redeem(a.code, make_pkce().verifier, a.nonce);
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(contains(wrong.error(), "token request refused (invalid_grant)")) << wrong.error();
  EXPECT_TRUE(contains(wrong.error(), "PKCE verification failed")) << wrong.error();
  auto retry = f.client->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_FALSE(retry);
  EXPECT_TRUE(contains(retry.error(), "already used")) << retry.error();
}

TEST(OidcClient, CodeReuseIsRefused) {
  Flow f;
  Attempt a = start_sign_in(*f.client, f.browser);
  ASSERT_FALSE(a.code.empty());
  auto first = f.client->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_TRUE(first) << first.error();
  auto second = f.client->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_FALSE(second);
  EXPECT_TRUE(contains(second.error(), "invalid_grant")) << second.error();
}

TEST(OidcClient, ExpiredCodeIsRefused) {
  TestOidcProviderOptions options;
  options.code_lifetime = std::chrono::seconds(0);
  Flow f(options);
  Attempt a = start_sign_in(*f.client, f.browser);
  ASSERT_FALSE(a.code.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto late = f.client->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_FALSE(late);
  EXPECT_TRUE(contains(late.error(), "expired")) << late.error();
}

TEST(OidcClient, WrongClientSecretIsExplained) {
  Flow f({}, [](OidcOptions& o) { o.client_secret = "not-the-secret"; });
  auto claims = f.sign_in();
  ASSERT_FALSE(claims);
  EXPECT_TRUE(contains(claims.error(), "(invalid_client)")) << claims.error();
  EXPECT_TRUE(contains(claims.error(), "client_secret")) << claims.error();
  EXPECT_FALSE(contains(claims.error(), "not-the-secret")) << "secrets never appear in messages";
}

TEST(OidcClient, UsesClientSecretBasicWhenThatIsAllTheProviderTakes) {
  TestOidcProviderOptions basic_only;
  basic_only.token_endpoint_auth_methods = {"client_secret_basic"};
  Flow f(basic_only, [](OidcOptions& o) { o.client_secret = "with:colon&plus+"; });
  auto refused = f.sign_in();  // wrong secret, but sent the way the provider wants
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error(), "client authentication failed")) << refused.error();

  TestOidcProviderOptions options;
  options.token_endpoint_auth_methods = {"client_secret_basic"};
  options.client_secret = "with:colon&plus+";
  Flow g(options, [](OidcOptions& o) { o.client_secret = "with:colon&plus+"; });
  auto claims = g.sign_in();
  EXPECT_TRUE(claims) << claims.error();
}

TEST(OidcClient, ProviderWithoutClientSecretMethodsIsExplained) {
  TestOidcProviderOptions jwt_only;
  jwt_only.token_endpoint_auth_methods = {"private_key_jwt"};
  Flow f(jwt_only);
  auto claims = f.sign_in();
  ASSERT_FALSE(claims);
  EXPECT_TRUE(contains(claims.error(), "neither client_secret_post nor client_secret_basic"))
      << claims.error();
  EXPECT_EQ(f.provider->counters().token, 0u);
}

TEST(OidcClient, PostIsPreferredWhenBothAreOffered) {
  TestOidcProviderOptions post_only;
  post_only.token_endpoint_auth_methods = {"client_secret_post"};
  Flow f(post_only);
  auto claims = f.sign_in();
  EXPECT_TRUE(claims) << claims.error();
}

TEST(OidcClient, UnregisteredRedirectUriIsNotRedirectedTo) {
  Flow f({}, [](OidcOptions& o) { o.redirect_uri = "http://127.0.0.1:9/elsewhere"; });
  Attempt a = start_sign_in(*f.client, f.browser);
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(a.code.empty());
}

TEST(OidcClient, NonceFromAnotherAttemptIsRefused) {
  Flow f;
  Attempt a = start_sign_in(*f.client, f.browser);
  auto claims = f.client->redeem(a.code, a.pkce.verifier, "a-different-nonce");
  ASSERT_FALSE(claims);
  EXPECT_TRUE(contains(claims.error(), "nonce does not match")) << claims.error();
}

struct FaultCase {
  TokenFault fault;
  std::string_view message;
};

void PrintTo(const FaultCase& c, std::ostream* os) {
  *os << test::to_string(c.fault);
}

class OidcClientFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(OidcClientFaults, ArmedFaultIsRefusedThenNextSignInWorks) {
  Flow f;
  f.provider->arm(GetParam().fault);
  auto bad = f.sign_in();
  ASSERT_FALSE(bad) << "accepted a token with fault " << test::to_string(GetParam().fault);
  EXPECT_TRUE(contains(bad.error(), GetParam().message)) << bad.error();
  auto good = f.sign_in();
  EXPECT_TRUE(good) << good.error();
}

INSTANTIATE_TEST_SUITE_P(
    EveryFault, OidcClientFaults,
    ::testing::Values(FaultCase{TokenFault::bad_signature, "signature does not verify"},
                      FaultCase{TokenFault::wrong_audience, "does not include this client"},
                      FaultCase{TokenFault::wrong_issuer, "is not the configured issuer"},
                      FaultCase{TokenFault::expired, "ID token expired at"},
                      FaultCase{TokenFault::nonce_altered, "nonce does not match"},
                      FaultCase{TokenFault::unknown_kid, "not in the provider's JWKS"},
                      FaultCase{TokenFault::alg_none, "unsigned (alg \"none\")"},
                      FaultCase{TokenFault::hs256_with_public_key, "shared-secret algorithm"}),
    [](const auto& param_info) { return std::string(test::to_string(param_info.param.fault)); });

TEST(OidcClient, KeyRotationRefetchesTheJwks) {
  Flow f;
  ASSERT_TRUE(f.sign_in());
  EXPECT_EQ(f.provider->counters().jwks, 1u);
  const std::string old_kid = f.provider->current_key().kid();
  const std::string new_kid = f.provider->rotate_key();  // old key withdrawn at once
  EXPECT_NE(old_kid, new_kid);
  auto after = f.sign_in();
  ASSERT_TRUE(after) << after.error();
  EXPECT_EQ(f.provider->counters().jwks, 2u);
  ASSERT_TRUE(f.sign_in());  // the new key is now cached
  EXPECT_EQ(f.provider->counters().jwks, 2u);
}

TEST(OidcClient, UnknownKidRefetchIsRateLimited) {
  Flow f({}, [](OidcOptions& o) { o.jwks_refetch_interval = std::chrono::seconds(600); });
  ASSERT_TRUE(f.sign_in());
  f.provider->arm(TokenFault::unknown_kid);
  EXPECT_FALSE(f.sign_in());
  EXPECT_EQ(f.provider->counters().jwks, 2u);  // one refetch for the unknown kid
  f.provider->arm(TokenFault::unknown_kid);
  EXPECT_FALSE(f.sign_in());
  EXPECT_EQ(f.provider->counters().jwks, 2u);  // not again within the interval
  ASSERT_TRUE(f.sign_in());                    // known kids are unaffected
}

TEST(OidcClient, StaleJwksIsRefreshedAfterItsLifetime) {
  Flow f({}, [](OidcOptions& o) { o.cache_lifetime = std::chrono::seconds(0); });
  ASSERT_TRUE(f.sign_in());
  ASSERT_TRUE(f.sign_in());
  EXPECT_EQ(f.provider->counters().jwks, 2u);
  EXPECT_GE(f.provider->counters().discovery, 2u);
}

TEST(OidcClient, DiscoveredIssuerMustBeTheConfiguredOne) {
  Flow f;
  // The same provider reached as "localhost" names itself 127.0.0.1: not the same issuer.
  OidcOptions options;
  options.issuer = "http://localhost:" + std::to_string(f.provider->port());
  options.client_id = "careerlink-panel";
  options.client_secret = "test-client-secret";
  options.redirect_uri = kRedirectUri;
  auto client = OidcClient::create(options);
  ASSERT_TRUE(client) << client.error();
  auto meta = (*client)->discover();
  ASSERT_FALSE(meta);
  EXPECT_TRUE(contains(meta.error(), "names issuer \"" + f.provider->issuer() + "\""))
      << meta.error();
  EXPECT_FALSE((*client)->authorization_url("s", "n", "c"));
}

TEST(OidcClient, UnreachableProviderIsExplained) {
  OidcOptions options;
  options.issuer = "http://127.0.0.1:1";
  options.client_id = "x";
  options.client_secret = "y";
  options.redirect_uri = kRedirectUri;
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  auto client = OidcClient::create(options);
  ASSERT_TRUE(client) << client.error();
  auto meta = (*client)->discover();
  ASSERT_FALSE(meta);
  EXPECT_TRUE(contains(meta.error(),
                       "cannot fetch the provider's discovery document from "
                       "http://127.0.0.1:1/.well-known/openid-configuration"))
      << meta.error();
}

TEST(OidcClient, OptionsAreChecked) {
  auto make = [](const std::function<void(OidcOptions&)>& tweak) {
    OidcOptions o;
    o.issuer = "https://login.microsoftonline.com/tenant/v2.0";
    o.client_id = "id";
    o.client_secret = "secret";
    o.redirect_uri = "https://careers.school.example/panel/oidc/callback";
    tweak(o);
    auto made = OidcClient::create(o);
    return made ? std::string() : made.error();
  };
  EXPECT_EQ(make([](OidcOptions&) {}), "");
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.issuer = "http://idp.example"; }), "https"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.issuer.clear(); }), "issuer is not set"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.client_id.clear(); }), "client_id"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.client_secret.clear(); }), "client_secret"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.redirect_uri = "/panel/oidc/callback"; }),
                       "redirect URI"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.scopes = "email profile"; }), "openid"));
  EXPECT_TRUE(contains(make([](OidcOptions& o) { o.http.ca_bundle = "/no/such/ca.pem"; }),
                       "HTTPS settings"));
}

TEST(OidcClient, RedeemChecksItsInputsBeforeCallingTheProvider) {
  Flow f;
  const Pkce pkce = make_pkce();
  EXPECT_FALSE(f.client->redeem("", pkce.verifier, "nonce"));
  EXPECT_FALSE(f.client->redeem("code", "short", "nonce"));
  EXPECT_FALSE(f.client->redeem("code", pkce.verifier, ""));
  EXPECT_EQ(f.provider->counters().token, 0u);
}

TEST(OidcClient, OverTls) {
  careerlink::test::TempDir dir;
  auto pki = careerlink::test::make_test_pki(dir.path());
  TestOidcProviderOptions options;
  options.tls_cert = pki.server_cert;
  options.tls_key = pki.server_key;
  Flow f(options, [&](OidcOptions& o) { o.http.ca_bundle = pki.ca_cert; });
  EXPECT_TRUE(f.provider->issuer().starts_with("https://127.0.0.1:"));
  http::ClientOptions browser_options;
  browser_options.ca_bundle = pki.ca_cert;
  http::HttpClient browser(browser_options);
  Attempt a = start_sign_in(*f.client, browser);
  ASSERT_FALSE(a.code.empty()) << a.status << " " << a.location;
  auto claims = f.client->redeem(a.code, a.pkce.verifier, a.nonce);
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->email, "teacher@school.example");

  // Without the test CA the provider's certificate is not trusted, and the message says so.
  OidcOptions untrusting;
  untrusting.issuer = f.provider->issuer();
  untrusting.client_id = "careerlink-panel";
  untrusting.client_secret = "test-client-secret";
  untrusting.redirect_uri = kRedirectUri;
  auto client = OidcClient::create(untrusting);
  ASSERT_TRUE(client) << client.error();
  auto meta = (*client)->discover();
  ASSERT_FALSE(meta);
  EXPECT_TRUE(contains(meta.error(), "certificate is not trusted")) << meta.error();
}

TEST(OidcClient, ConcurrentSignInsShareOneDiscoveryAndJwksFetch) {
  Flow f;
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      http::HttpClient browser;
      Attempt a = start_sign_in(*f.client, browser);
      if (a.code.empty()) return;
      if (f.client->redeem(a.code, a.pkce.verifier, a.nonce)) ++ok;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(f.provider->counters().discovery, 1u);
  EXPECT_EQ(f.provider->counters().jwks, 1u);
}

}  // namespace
}  // namespace careerlink::panel::auth
