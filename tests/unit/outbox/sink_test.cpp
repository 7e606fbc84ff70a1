// The HTTP classification rule and the sink registry.
#include "daemon/outbox/sink.hpp"

#include <gtest/gtest.h>

#include "tests/unit/outbox/outbox_test_support.hpp"

namespace careerlink::outbox {
namespace {

using namespace std::chrono_literals;
using Kind = DeliveryResult::Kind;

// The registry is process-wide; a fresh name per use keeps the tests independent under
// --gtest_repeat.
std::string unique_type(const std::string& stem) {
  static int n = 0;
  return stem + "-" + std::to_string(++n);
}

TEST(ClassifyHttp, TwoHundredsAreOk) {
  for (int status : {200, 201, 202, 204, 299}) {
    EXPECT_EQ(classify_http(status, std::nullopt, "x").kind, Kind::ok) << status;
  }
}

TEST(ClassifyHttp, TimeoutTooManyAndServerErrorsRetryWithRetryAfter) {
  for (int status : {408, 429, 500, 502, 503, 504, 599}) {
    auto r = classify_http(status, 30s, "HTTP " + std::to_string(status));
    EXPECT_EQ(r.kind, Kind::retry) << status;
    EXPECT_EQ(r.retry_after, 30s) << status;
    EXPECT_EQ(r.reason, "HTTP " + std::to_string(status));
  }
  EXPECT_FALSE(classify_http(503, std::nullopt, "x").retry_after);
}

TEST(ClassifyHttp, OtherClientErrorsFailWithTheReasonKept) {
  for (int status : {400, 401, 403, 404, 409, 410, 413, 422, 499}) {
    auto r = classify_http(status, 30s, "HTTP 422: unknown UPN");
    EXPECT_EQ(r.kind, Kind::fail) << status;
    EXPECT_EQ(r.reason, "HTTP 422: unknown UPN");
  }
}

TEST(ClassifyHttp, UnresolvedInformationalAndRedirectsFail) {
  EXPECT_EQ(classify_http(100, std::nullopt, "x").kind, Kind::fail);
  EXPECT_EQ(classify_http(301, std::nullopt, "x").kind, Kind::fail);
  EXPECT_EQ(classify_http(600, std::nullopt, "x").kind, Kind::fail);
}

TEST(ClassifyHttp, NetworkErrorsRetry) {
  auto r = network_error("connection refused");
  EXPECT_EQ(r.kind, Kind::retry);
  EXPECT_EQ(r.reason, "connection refused");
  EXPECT_FALSE(r.retry_after);
}

TEST(SinkRegistry, MakesARegisteredTypeByName) {
  const auto type = unique_type("test-registry-fake");
  ASSERT_TRUE(register_sink_type(
      type, [](const SinkSettings& s) -> std::expected<std::unique_ptr<Sink>, std::string> {
        if (!s.get("url")) return std::unexpected("sink \"" + s.name + "\": url is required");
        return std::make_unique<test::FakeSink>(s.name);
      }));
  // The first registration stays.
  EXPECT_FALSE(register_sink_type(type, [](const SinkSettings&) {
    return std::expected<std::unique_ptr<Sink>, std::string>(std::unexpected("second"));
  }));
  auto types = sink_types();
  EXPECT_NE(std::find(types.begin(), types.end(), type), types.end());

  SinkSettings settings{"la-nightly", {{"url", "https://example.invalid/"}}};
  auto sink = make_sink(type, settings);
  ASSERT_TRUE(sink) << sink.error();
  EXPECT_EQ((*sink)->name(), "la-nightly");

  auto refused = make_sink(type, SinkSettings{"la-nightly", {}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "sink \"la-nightly\": url is required");
}

TEST(SinkRegistry, UnknownTypeSaysWhichTypesExist) {
  const auto type = unique_type("test-registry-known");
  ASSERT_TRUE(register_sink_type(type, [](const SinkSettings& s) {
    return std::expected<std::unique_ptr<Sink>, std::string>(
        std::make_unique<test::FakeSink>(s.name));
  }));
  auto sink = make_sink("no-such-type", SinkSettings{"x", {}});
  ASSERT_FALSE(sink);
  EXPECT_NE(sink.error().find("unknown type \"no-such-type\""), std::string::npos) << sink.error();
  EXPECT_NE(sink.error().find(type), std::string::npos) << sink.error();
}

TEST(SinkRegistry, AFactoryThatMakesNothingIsAnError) {
  const auto type = unique_type("test-registry-null");
  ASSERT_TRUE(register_sink_type(type, [](const SinkSettings&) {
    return std::expected<std::unique_ptr<Sink>, std::string>(std::unique_ptr<Sink>());
  }));
  EXPECT_FALSE(make_sink(type, SinkSettings{"x", {}}));
}

}  // namespace
}  // namespace careerlink::outbox
