// Router, target parsing and the auth helpers: no sockets.
#include <gtest/gtest.h>

#include "daemon/http/server/router.hpp"

namespace careerlink::http {
namespace {

Handler say(const std::string& what) {
  return [what](const Request&) { return Response::text(200, what); };
}

TEST(Router, ExactBeatsPrefixAndLongestPrefixWins) {
  Router r;
  r.add_prefix("GET", "/panel/", Access::public_, say("panel"));
  r.add_prefix("GET", "/panel/static/", Access::public_, say("static"));
  r.add("GET", "/panel/login", Access::public_, say("login"));
  auto login = r.match("GET", "/panel/login");
  ASSERT_NE(login.route, nullptr);
  EXPECT_EQ(login.route->pattern, "/panel/login");
  auto css = r.match("GET", "/panel/static/app.css");
  ASSERT_NE(css.route, nullptr);
  EXPECT_EQ(css.route->pattern, "/panel/static/");
  EXPECT_EQ(css.path_suffix, "app.css");
  auto other = r.match("GET", "/panel/pupils/42");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(other.route->pattern, "/panel/");
  EXPECT_EQ(other.path_suffix, "pupils/42");
}

TEST(Router, NotFoundAndMethodNotAllowedWithAllow) {
  Router r;
  r.add("GET", "/a", Access::public_, say("get"));
  r.add("POST", "/a", Access::public_, say("post"));
  EXPECT_EQ(r.match("GET", "/b").status, 404);
  EXPECT_EQ(r.match("GET", "/b").route, nullptr);
  auto m = r.match("DELETE", "/a");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  auto head = r.match("HEAD", "/a");
  ASSERT_NE(head.route, nullptr);
  EXPECT_EQ(head.route->method, "GET");
}

TEST(ParseTarget, DecodesPathAndQueryAndRemovesDotSegments) {
  Request req;
  req.target = "/api/v1/pupils%20list?upn=A123&name=J%C3%B6rg&flag";
  ASSERT_TRUE(parse_target(req));
  EXPECT_EQ(req.path, "/api/v1/pupils list");
  ASSERT_EQ(req.query.size(), 3u);
  EXPECT_EQ(req.query_param("upn"), "A123");
  EXPECT_EQ(req.query_param("name"), "J\xC3\xB6rg");
  EXPECT_EQ(req.query_param("flag"), "");
  EXPECT_FALSE(req.query_param("missing").has_value());

  req.target = "/panel/../metrics";
  ASSERT_TRUE(parse_target(req));
  EXPECT_EQ(req.path, "/metrics");
  req.target = "/panel/%2e%2e/metrics";
  ASSERT_TRUE(parse_target(req));
  EXPECT_EQ(req.path, "/metrics");

  req.target = "/a/./b/../../../c/";
  ASSERT_TRUE(parse_target(req));
  EXPECT_EQ(req.path, "/c/");

  req.target = "http://example.com/x";  // absolute-form is for proxies, not us
  EXPECT_FALSE(parse_target(req));
  req.target = "/a%00b";
  EXPECT_FALSE(parse_target(req));
}

TEST(Headers, CaseInsensitiveLookup) {
  Headers h;
  h.add("Content-Type", "text/plain");
  h.add("X-Multi", "1");
  h.add("x-multi", "2");
  EXPECT_EQ(h.get("content-type"), "text/plain");
  EXPECT_EQ(h.get_all("X-MULTI").size(), 2u);
  h.set("X-Multi", "3");
  ASSERT_EQ(h.get_all("x-multi").size(), 1u);
  EXPECT_EQ(h.get("x-multi"), "3");
  EXPECT_FALSE(h.get("missing").has_value());
}

TEST(IsLoopback, RecognisesLoopbackOnly) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("::"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback("localhost"));  // names are resolved before this is asked
  EXPECT_FALSE(is_loopback(""));
}

TEST(BearerToken, MatchesOnlyTheExactToken) {
  EXPECT_TRUE(bearer_token_matches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(bearer_token_matches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(bearer_token_matches("Bearer s3cret2", "s3cret"));
  EXPECT_FALSE(bearer_token_matches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(bearer_token_matches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(bearer_token_matches("Bearers3cret", "s3cret"));
  EXPECT_FALSE(bearer_token_matches(std::nullopt, "s3cret"));
  EXPECT_FALSE(bearer_token_matches("Bearer ", ""));
}

}  // namespace
}  // namespace careerlink::http
