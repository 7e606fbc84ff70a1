// The HTTP client against a real TLS receiver on loopback (certificates made by the test).
#include "daemon/http/client/http_client.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "tests/receiver/https_receiver.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::http {
namespace {

using test::HttpsReceiver;
using test::ReceiverAction;
using test::ReceiverOptions;
using test::ReceiverReply;
using namespace std::chrono_literals;

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest() : pki_(test::make_test_pki(dir_.path() / "pki")) {}

  ReceiverOptions receiver_options() const {
    ReceiverOptions o;
    o.cert = pki_.server_cert;
    o.key = pki_.server_key;
    return o;
  }

  ClientOptions client_options() const {
    ClientOptions o;
    o.ca_bundle = pki_.ca_cert;
    o.proxy_from_env = false;  // a CI proxy in the environment must not catch loopback tests
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.write_timeout = 5s;
    o.read_timeout = 5s;
    return o;
  }

  static HttpRequest post(const std::string& url, std::string body = R"({"hello":1})") {
    HttpRequest r;
    r.method = "POST";
    r.url = url;
    r.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "k-1"}};
    r.body = std::move(body);
    return r;
  }

  test::TempDir dir_;
  test::TestPki pki_;
};

TEST_F(HttpClientTest, PostsOverTlsAndReturnsTheAnswer) {
  HttpsReceiver receiver(receiver_options());
  HttpClient client(client_options());
  auto res = client.send(post(receiver.url("/hook?x=1")));
  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"status":"ok"})");
  EXPECT_EQ(res->header("content-type"), "application/json");  // case-insensitive lookup
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hook?x=1");
  EXPECT_EQ(requests[0].body, R"({"hello":1})");
  EXPECT_EQ(requests[0].header("Idempotency-Key"), "k-1");
  EXPECT_EQ(requests[0].header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
}

TEST_F(HttpClientTest, ReusesOneKeepAliveConnection) {
  HttpsReceiver receiver(receiver_options());
  HttpClient client(client_options());
  for (int i = 0; i < 3; ++i) {
    auto res = client.send(post(receiver.url()));
    ASSERT_TRUE(res.has_value()) << res.error().to_string();
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.connections(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, ConnectionCloseIsNotPooled) {
  HttpsReceiver receiver(receiver_options());
  HttpClient client(client_options());
  auto request = post(receiver.url());
  request.headers.push_back({"Connection", "close"});
  ASSERT_TRUE(client.send(request).has_value());
  ASSERT_TRUE(client.send(request).has_value());
  EXPECT_EQ(receiver.connections(), 2u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, IdleConnectionClosedByTheServerIsNotReused) {
  HttpsReceiver receiver(receiver_options());
  ReceiverReply close_after;
  close_after.close_after = true;  // 200 with keep-alive, then the server closes it
  receiver.script({close_after});
  HttpClient client(client_options());
  ASSERT_TRUE(client.send(post(receiver.url())).has_value());
  EXPECT_EQ(client.idle_connections(), 1u);  // the client believed it reusable
  ASSERT_TRUE(receiver.wait_for_closed(1, 10s));
  auto res = client.send(post(receiver.url()));
  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(receiver.connections(), 2u);
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST_F(HttpClientTest, RejectsACertificateForAnotherHostName) {
  // The certificate names only "localhost" and 127.0.0.1 ...
  HttpsReceiver receiver(receiver_options());
  HttpClient client(client_options());
  // ... so a host that resolves to 127.0.0.1 under another name must be refused. Make such a
  // name with a certificate for "other.example" instead, reached as "localhost".
  test::TempDir other_dir;
  auto other = test::make_test_pki(other_dir.path(), "other.example");
  auto options = receiver_options();
  options.cert = other.server_cert;
  options.key = other.server_key;
  HttpsReceiver wrong_name(options);
  auto client_options_other = client_options();
  client_options_other.ca_bundle = other.ca_cert;
  HttpClient other_client(client_options_other);
  auto res = other_client.send(post(wrong_name.url_for_host("localhost")));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::tls_verify) << res.error().to_string();
  EXPECT_NE(res.error().message.find("hostname mismatch"), std::string::npos)
      << res.error().message;
  EXPECT_TRUE(wrong_name.requests().empty());

  // The same name the certificate does carry passes (so the failure above was the name).
  auto ok = client.send(post(receiver.url_for_host("localhost")));
  ASSERT_TRUE(ok.has_value()) << ok.error().to_string();
}

TEST_F(HttpClientTest, RejectsAnUntrustedCa) {
  HttpsReceiver receiver(receiver_options());
  test::TempDir other_dir;
  auto other = test::make_test_pki(other_dir.path());
  auto options = client_options();
  options.ca_bundle = other.ca_cert;  // trusts a different CA
  HttpClient client(options);
  auto res = client.send(post(receiver.url()));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::tls_verify) << res.error().to_string();
  EXPECT_EQ(res.error().phase, HttpPhase::handshake);
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(HttpClientTest, VerificationOffConnectsAndWarns) {
  auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", ring));

  HttpsReceiver receiver(receiver_options());
  test::TempDir other_dir;
  auto other = test::make_test_pki(other_dir.path());
  auto options = client_options();
  options.ca_bundle = other.ca_cert;
  options.verify_tls = false;
  HttpClient client(options);
  auto res = client.send(post(receiver.url_for_host("localhost")));
  spdlog::set_default_logger(previous);

  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  bool warned = false;
  for (const auto& line : ring->last_formatted())
    if (line.find("verification is OFF") != std::string::npos) warned = true;
  EXPECT_TRUE(warned);
}

TEST_F(HttpClientTest, PresentsAClientCertificateWhenAsked) {
  auto options = receiver_options();
  options.client_ca = pki_.ca_cert;
  HttpsReceiver receiver(options);

  HttpClient without(client_options());
  auto refused = without.send(post(receiver.url()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(receiver.requests().empty());

  auto with_options = client_options();
  with_options.client_cert = pki_.client_cert;
  with_options.client_key = pki_.client_key;
  HttpClient with(with_options);
  auto res = with.send(post(receiver.url()));
  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpClientTest, StalledServerGivesAReadTimeout) {
  HttpsReceiver receiver(receiver_options());
  receiver.set_default({ReceiverAction::stall});
  auto options = client_options();
  options.read_timeout = 300ms;
  HttpClient client(options);
  auto res = client.send(post(receiver.url()));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::timeout) << res.error().to_string();
  EXPECT_EQ(res.error().phase, HttpPhase::read);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST_F(HttpClientTest, ResetMidResponseIsAReadErrorAndNotRetried) {
  HttpsReceiver receiver(receiver_options());
  receiver.script({{ReceiverAction::ok}, {ReceiverAction::reset}});
  HttpClient client(client_options());
  ASSERT_TRUE(client.send(post(receiver.url())).has_value());  // pools a connection
  auto res = client.send(post(receiver.url()));                // on the pooled one
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::read) << res.error().to_string();
  // The server may have acted on it, so the client must not have sent it again by itself.
  EXPECT_EQ(receiver.requests().size(), 2u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, OversizedResponseIsRefused) {
  HttpsReceiver receiver(receiver_options());
  receiver.set_default({ReceiverAction::ok, "", std::string(4096, 'x')});
  auto options = client_options();
  options.response_body_limit = 1024;
  HttpClient client(options);
  auto res = client.send(post(receiver.url()));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::read);
  EXPECT_NE(res.error().message.find("larger than 1024"), std::string::npos);
}

TEST_F(HttpClientTest, TunnelsHttpsThroughAConnectProxy) {
  HttpsReceiver receiver(receiver_options());
  test::ConnectProxy proxy;
  auto options = client_options();
  options.proxy = "http://user:pass@127.0.0.1:" + std::to_string(proxy.port());
  HttpClient client(options);
  EXPECT_EQ(client.proxy_for(receiver.url()), "127.0.0.1:" + std::to_string(proxy.port()));
  auto res = client.send(post(receiver.url()));
  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(proxy.targets().size(), 1u);
  EXPECT_EQ(proxy.targets()[0], "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(proxy.authorizations()[0], "Basic dXNlcjpwYXNz");  // base64("user:pass")
  EXPECT_EQ(receiver.requests().size(), 1u);
  // The tunnel is the pooled connection: a second request does not CONNECT again.
  ASSERT_TRUE(client.send(post(receiver.url())).has_value());
  EXPECT_EQ(proxy.targets().size(), 1u);
}

TEST_F(HttpClientTest, ProxyRefusingConnectIsAProxyError) {
  HttpsReceiver receiver(receiver_options());
  test::ConnectProxy proxy;
  proxy.refuse_with(407);
  auto options = client_options();
  options.proxy = proxy.url();
  HttpClient client(options);
  auto res = client.send(post(receiver.url()));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::proxy);
  EXPECT_NE(res.error().message.find("407"), std::string::npos);
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(HttpClientTest, PlainHttpGoesToTheProxyInAbsoluteForm) {
  test::ConnectProxy proxy;
  auto options = client_options();
  options.proxy = proxy.url();
  HttpClient client(options);
  HttpRequest get;
  get.url = "http://tracker.example.invalid/upload?a=b";
  auto res = client.send(get);
  ASSERT_TRUE(res.has_value()) << res.error().to_string();
  EXPECT_EQ(res->body, "proxied http://tracker.example.invalid/upload?a=b");
}

TEST_F(HttpClientTest, NoProxyListBypassesTheProxy) {
  auto options = client_options();
  options.proxy = "http://proxy.school.local:3128";
  options.no_proxy = {".internal.example", "localhost"};
  HttpClient client(options);
  EXPECT_EQ(client.proxy_for("https://api.tracker.example/x"), "proxy.school.local:3128");
  EXPECT_EQ(client.proxy_for("https://mis.internal.example/x"), std::nullopt);
  EXPECT_EQ(client.proxy_for("https://internal.example/x"), std::nullopt);
  EXPECT_EQ(client.proxy_for("https://notinternal.example/x"), "proxy.school.local:3128");
  EXPECT_EQ(client.proxy_for("http://localhost:8080/"), std::nullopt);
}

TEST_F(HttpClientTest, ReadsTheProxyFromTheEnvironment) {
  ::unsetenv("http_proxy");
  ::setenv("https_proxy", "proxy.school.local:3128", 1);
  ::setenv("no_proxy", "skip.example", 1);
  auto options = client_options();
  options.proxy_from_env = true;
  HttpClient client(options);
  ::unsetenv("https_proxy");
  ::unsetenv("no_proxy");
  EXPECT_EQ(client.proxy_for("https://api.example/"), "proxy.school.local:3128");
  EXPECT_EQ(client.proxy_for("https://a.skip.example/"), std::nullopt);
  EXPECT_EQ(client.proxy_for("http://api.example/"), std::nullopt);  // http_proxy not set
}

TEST_F(HttpClientTest, RefusesBadUrlsAndBadSetup) {
  HttpClient client(client_options());
  HttpRequest r;
  r.url = "ftp://example.org/x";
  auto res = client.send(r);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::invalid_request);
  r.url = "not a url";
  EXPECT_FALSE(client.send(r).has_value());

  auto missing = client_options();
  missing.ca_bundle = dir_.path() / "no-such-ca.pem";
  EXPECT_THROW(HttpClient{missing}, std::runtime_error);
  auto bad_proxy = client_options();
  bad_proxy.proxy = "https://proxy.example:3128";
  EXPECT_THROW(HttpClient{bad_proxy}, std::runtime_error);
}

TEST_F(HttpClientTest, ConnectionRefusedIsAConnectError) {
  std::uint16_t port = 0;
  {
    HttpsReceiver receiver(receiver_options());
    port = receiver.port();
  }  // closed: nothing listens there now
  HttpClient client(client_options());
  auto res = client.send(post("https://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().kind, HttpErrorKind::connect) << res.error().to_string();
}

TEST_F(HttpClientTest, ManyThreadsShareOneClient) {
  HttpsReceiver receiver(receiver_options());
  HttpClient client(client_options());
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto res = client.send(post(receiver.url()));
        if (res && res->status == 200) ++ok;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(receiver.requests().size(), 20u);
  EXPECT_LE(client.connections_opened(), 4u);
  EXPECT_LE(client.idle_connections(), 4u);
}

}  // namespace
}  // namespace careerlink::http
