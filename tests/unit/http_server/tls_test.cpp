// The listener over TLS, with a throwaway PKI made by tests/unit/support/test_tls.
#include <gtest/gtest.h>

#include "daemon/http/server/http_server.hpp"
#include "daemon/metrics/metrics.hpp"
#include "tests/unit/http_server/test_client.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::http {
namespace {

using careerlink::test::get_request;
using careerlink::test::TestConnection;

struct TlsServer {
  test::TempDir dir;
  test::TestPki pki = test::make_test_pki(dir / "pki");
  metrics::Registry registry;
  std::unique_ptr<HttpServer> server;

  std::uint16_t start(ServerOptions opts = {}) {
    Router router;
    add_admin_routes(router, {});
    opts.listen = "127.0.0.1:0";
    opts.tls_cert_file = pki.server_cert;
    opts.tls_key_file = pki.server_key;
    opts.metrics = &registry;
    auto s = HttpServer::start(opts, std::move(router));
    if (!s) ADD_FAILURE() << s.error();
    if (!s) return 0;
    server = std::move(*s);
    return server->local_endpoint().port;
  }
};

TEST(HttpServerTls, ServesOverVerifiedTls) {
  TlsServer t;
  auto port = t.start();
  ASSERT_NE(port, 0);
  EXPECT_TRUE(t.server->tls());
  TestConnection c;
  ASSERT_EQ(c.connect_tls(port, {.ca_file = t.pki.ca_cert.string()}), "");
  ASSERT_TRUE(c.send(get_request("/healthz")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  // Keep-alive works over TLS too.
  ASSERT_TRUE(c.send(get_request("/readyz")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
}

TEST(HttpServerTls, ClientNotTrustingTheCaFailsHandshake) {
  TlsServer t;
  auto port = t.start();
  ASSERT_NE(port, 0);
  test::TempDir other;
  auto stranger = test::make_test_pki(other.path());
  TestConnection c;
  EXPECT_NE(c.connect_tls(port, {.ca_file = stranger.ca_cert.string()}), "");
}

TEST(HttpServerTls, WrongHostNameFailsHandshake) {
  TlsServer t;
  auto port = t.start();
  ASSERT_NE(port, 0);
  TestConnection c;
  EXPECT_NE(
      c.connect_tls(port, {.ca_file = t.pki.ca_cert.string(), .host = "not-this-host.example"}),
      "");
}

TEST(HttpServerTls, PlainHttpToTlsListenerGetsNoAnswer) {
  TlsServer t;
  auto port = t.start();
  ASSERT_NE(port, 0);
  TestConnection c;
  ASSERT_EQ(c.connect(port), "");
  ASSERT_TRUE(c.send(get_request("/healthz")));
  EXPECT_FALSE(c.read_response().has_value());
}

TEST(HttpServerTls, RefusesTlsBelow12) {
  TlsServer t;
  auto port = t.start();
  ASSERT_NE(port, 0);
  // The client is capped at TLS 1.1 with security level 0, so only the server can say no.
  TestConnection old;
  EXPECT_NE(
      old.connect_tls(port, {.ca_file = t.pki.ca_cert.string(), .max_version = TLS1_1_VERSION}),
      "");
}

TEST(HttpServerTls, MismatchedKeyRefusesToStart) {
  test::TempDir dir;
  auto a = test::make_test_pki(dir / "a");
  auto b = test::make_test_pki(dir / "b");
  Router router;
  metrics::Registry registry;
  ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  opts.tls_cert_file = a.server_cert;
  opts.tls_key_file = b.server_key;
  opts.metrics = &registry;
  auto s = HttpServer::start(opts, router);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("server.key"), std::string::npos) << s.error();

  opts.tls_key_file = dir / "missing.key";
  auto missing = HttpServer::start(opts, router);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("missing.key"), std::string::npos) << missing.error();

  opts.tls_key_file.reset();
  EXPECT_FALSE(HttpServer::start(opts, router));
}

}  // namespace
}  // namespace careerlink::http
