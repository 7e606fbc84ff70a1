// The HTTP server over real loopback sockets: routing, limits, timeouts, keep-alive, admin auth
// and graceful stop. No timing assertions: timeouts are short and only their effect is checked.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/http/server/http_server.hpp"
#include "daemon/metrics/metrics.hpp"
#include "tests/unit/http_server/test_client.hpp"

namespace careerlink::http {
namespace {

using careerlink::test::fetch;
using careerlink::test::get_request;
using careerlink::test::TestConnection;

struct Fixture {
  metrics::Registry registry;
  std::atomic<bool> ready{true};
  std::unique_ptr<HttpServer> server;

  Router make_router() {
    Router router;
    add_admin_routes(router, {.ready = [this] { return ready.load(); },
                              .metrics_text = [this] { return registry.expose(); },
                              .status =
                                  [] {
                                    return nlohmann::json{{"version", "0.1.0"}};
                                  }});
    router.add("POST", "/echo", Access::public_,
               [](const Request& r) { return Response::text(200, r.body); });
    router.add("GET", "/boom", Access::public_,
               [](const Request&) -> Response { throw std::runtime_error("kaput"); });
    return router;
  }

  std::uint16_t start(ServerOptions opts = {}) {
    opts.listen = opts.listen == ServerOptions{}.listen ? "127.0.0.1:0" : opts.listen;
    opts.metrics = &registry;
    auto s = HttpServer::start(std::move(opts), make_router());
    if (!s) ADD_FAILURE() << s.error();
    if (!s) return 0;
    server = std::move(*s);
    return server->local_endpoint().port;
  }
};

TEST(HttpServer, HealthzReadyzStatus) {
  Fixture f;
  auto port = f.start();
  ASSERT_NE(port, 0);
  auto health = fetch(port, get_request("/healthz"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");

  EXPECT_EQ(fetch(port, get_request("/readyz"))->status, 200);
  f.ready = false;
  auto not_ready = fetch(port, get_request("/readyz"));
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);

  auto status = fetch(port, get_request("/api/v1/status"));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(status->header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(status->body).at("version"), "0.1.0");

  auto head = fetch(port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "3");
}

TEST(HttpServer, MetricsEndpointTimesRequestsByRoute) {
  Fixture f;
  auto port = f.start();
  ASSERT_EQ(fetch(port, get_request("/healthz"))->status, 200);
  ASSERT_EQ(fetch(port, get_request("/no/such/page/12345"))->status, 404);
  auto m = fetch(port, get_request("/metrics"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m->body.find("# TYPE careerlink_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(
      m->body.find(
          "careerlink_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"),
      std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("careerlink_http_request_duration_seconds_count{route=\"unmatched\"} 1"),
            std::string::npos);
  // Raw paths never become label values (bounded cardinality).
  EXPECT_EQ(m->body.find("12345"), std::string::npos);
}

TEST(HttpServer, NotFoundAndMethodNotAllowed) {
  Fixture f;
  auto port = f.start();
  auto nf = fetch(port, get_request("/nope"));
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  auto na = fetch(port, "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(na->header("allow"), "GET, HEAD");
}

TEST(HttpServer, HandlerExceptionIs500) {
  Fixture f;
  auto port = f.start();
  auto r = fetch(port, get_request("/boom"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("kaput"), std::string::npos);  // no internals leak to the client
}

TEST(HttpServer, MalformedRequestIs400) {
  Fixture f;
  auto port = f.start();
  auto r = fetch(port, "GET /healthz HTTP/1.1\r\nBad Header Name: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServer, HeaderTooLargeIs431) {
  Fixture f;
  ServerOptions opts;
  opts.header_limit = 1024;
  auto port = f.start(opts);
  auto r = fetch(port, get_request("/healthz", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  // Just under the limit is fine.
  auto ok = fetch(port, get_request("/healthz", "X-Big: " + std::string(512, 'a') + "\r\n"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(HttpServer, BodyTooLargeIs413) {
  Fixture f;
  ServerOptions opts;
  opts.body_limit = 1024;
  auto port = f.start(opts);
  std::string big(4096, 'b');
  auto r = fetch(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("connection"), "close");

  // Chunked bodies are counted as they arrive.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i)
    chunked += "400\r\n" + std::string(1024, 'c') + "\r\n";
  chunked += "0\r\n\r\n";
  auto rc = fetch(port, chunked);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->status, 413);

  auto ok = fetch(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "hello");
}

TEST(HttpServer, ExpectContinue) {
  Fixture f;
  auto port = f.start();
  TestConnection c;
  ASSERT_EQ(c.connect(port), "");
  ASSERT_TRUE(c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("abc"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "abc");
}

TEST(HttpServer, SlowClientIsClosedAfterReadTimeout) {
  Fixture f;
  ServerOptions opts;
  opts.read_timeout = std::chrono::milliseconds(200);
  auto port = f.start(opts);
  TestConnection slow;
  ASSERT_EQ(slow.connect(port), "");
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // headers never finish
  EXPECT_TRUE(slow.wait_closed());

  TestConnection silent;  // connects and sends nothing at all
  ASSERT_EQ(silent.connect(port), "");
  EXPECT_TRUE(silent.wait_closed());
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  Fixture f;
  ServerOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(200);
  auto port = f.start(opts);
  TestConnection c;
  ASSERT_EQ(c.connect(port), "");
  ASSERT_TRUE(c.send(get_request("/healthz")));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.wait_closed());
}

TEST(HttpServer, KeepAliveAndPipelining) {
  Fixture f;
  auto port = f.start();
  TestConnection c;
  ASSERT_EQ(c.connect(port), "");
  ASSERT_TRUE(c.send(get_request("/healthz")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(first->header("connection"), "close");
  ASSERT_TRUE(c.send(get_request("/readyz")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "ready\n");
  // Two requests in one write: answered in order on the same connection.
  ASSERT_TRUE(c.send(get_request("/nope") + get_request("/healthz")));
  auto third = c.read_response();
  auto fourth = c.read_response();
  ASSERT_TRUE(third && fourth);
  EXPECT_EQ(third->status, 404);
  EXPECT_EQ(fourth->status, 200);
  // Connection: close is honoured.
  ASSERT_TRUE(c.send(get_request("/healthz", "Connection: close\r\n")));
  auto last = c.read_response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed());
}

TEST(HttpServer, NonLoopbackWithoutTokenRefusesToStart) {
  Router router;
  add_admin_routes(router, {});
  metrics::Registry registry;
  ServerOptions opts;
  opts.listen = "0.0.0.0:0";
  opts.metrics = &registry;
  auto s = HttpServer::start(opts, router);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("listen address 0.0.0.0:0 is not loopback"), std::string::npos)
      << s.error();
  EXPECT_NE(s.error().find("serve.admin_token_file"), std::string::npos);

  opts.listen = "[::]:0";
  EXPECT_FALSE(HttpServer::start(opts, router));
  opts.listen = "127.0.0.1";  // no port
  EXPECT_FALSE(HttpServer::start(opts, router));
  opts.listen = "myhost:80";
  EXPECT_FALSE(HttpServer::start(opts, router));
}

TEST(HttpServer, AdminTokenGuardsAdminRoutesOnly) {
  Fixture f;
  ServerOptions opts;
  opts.listen = "0.0.0.0:0";  // all interfaces: the token is mandatory
  opts.admin_token = "t0ken-123";
  auto port = f.start(opts);
  ASSERT_NE(port, 0);
  for (const char* path : {"/metrics", "/readyz", "/api/v1/status"}) {
    auto none = fetch(port, get_request(path));
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401) << path;
    EXPECT_EQ(none->header("www-authenticate"), "Bearer realm=\"careerlink\"");
    auto wrong = fetch(port, get_request(path, "Authorization: Bearer t0ken-124\r\n"));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401) << path;
    auto right = fetch(port, get_request(path, "Authorization: Bearer t0ken-123\r\n"));
    ASSERT_TRUE(right);
    EXPECT_EQ(right->status, 200) << path;
  }
  auto health = fetch(port, get_request("/healthz"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // Dot segments cannot sneak past the guard.
  auto sneaky = fetch(port, get_request("/healthz/../metrics"));
  ASSERT_TRUE(sneaky);
  EXPECT_EQ(sneaky->status, 401);
}

TEST(HttpServer, StopLetsInFlightRequestFinish) {
  metrics::Registry registry;
  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  Router router;
  router.add("GET", "/slow", Access::public_, [&](const Request&) {
    entered.set_value();
    release_future.wait();
    return Response::text(200, "done\n");
  });
  ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  opts.metrics = &registry;
  auto started = HttpServer::start(opts, router);
  ASSERT_TRUE(started) << started.error();
  auto& server = **started;
  auto port = server.local_endpoint().port;

  TestConnection idle;  // an idle keep-alive connection must not hold up the stop
  ASSERT_EQ(idle.connect(port), "");
  TestConnection c;
  ASSERT_EQ(c.connect(port), "");
  ASSERT_TRUE(c.send(get_request("/slow")));
  entered.get_future().wait();

  std::thread stopper([&] { server.stop(std::chrono::seconds(30)); });
  while (!server.stopping())
    std::this_thread::yield();
  release.set_value();
  auto r = c.read_response();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done\n");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(idle.wait_closed());
  TestConnection late;
  EXPECT_NE(late.connect(port), "");  // no longer accepting
}

}  // namespace
}  // namespace careerlink::http
