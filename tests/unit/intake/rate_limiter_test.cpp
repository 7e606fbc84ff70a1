// The intake API's per-key token bucket and its keys, without a server: a burst up to the rate,
// refill over the minute, Retry-After rounded up, keys apart; key format, hash and the Bearer
// header.
#include <gtest/gtest.h>

#include "daemon/http/server/router.hpp"
#include "daemon/intake/api_key.hpp"
#include "daemon/intake/rate_limiter.hpp"

namespace careerlink::intake {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, ABurstUpToTheRateThenWaitForTheNextToken) {
  RateLimiter limiter;
  const RateLimiter::Clock::time_point t0{};
  for (int i = 0; i < 6; ++i)
    EXPECT_FALSE(limiter.take(1, 6, t0)) << "request " << i;
  auto wait = limiter.take(1, 6, t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 10s) << "6 a minute: one token every 10 s";
  EXPECT_TRUE(limiter.take(1, 6, t0 + 9s));
  EXPECT_FALSE(limiter.take(1, 6, t0 + 10s));
  EXPECT_FALSE(limiter.take(2, 6, t0)) << "another key has its own bucket";
}

TEST(RateLimiter, RetryAfterIsAtLeastOneSecondAndRoundsUp) {
  RateLimiter limiter;
  const RateLimiter::Clock::time_point t0{};
  for (int i = 0; i < 120; ++i)
    ASSERT_FALSE(limiter.take(7, 120, t0));
  auto wait = limiter.take(7, 120, t0 + 100ms);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 1s);  // 0.4 s to the next token, said as 1
}

TEST(RateLimiter, AnIdleKeyRefillsOnlyUpToTheRate) {
  RateLimiter limiter;
  const RateLimiter::Clock::time_point t0{};
  EXPECT_FALSE(limiter.take(3, 2, t0));
  // An hour idle does not bank 120 requests: the bucket holds 2.
  EXPECT_FALSE(limiter.take(3, 2, t0 + 1h));
  EXPECT_FALSE(limiter.take(3, 2, t0 + 1h));
  EXPECT_TRUE(limiter.take(3, 2, t0 + 1h));
}

TEST(ApiKey, KeysAreRandomWithAPrefixAndOnlyTheirHashIsKept) {
  auto a = generate_api_key();
  auto b = generate_api_key();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->key, b->key);
  EXPECT_EQ(a->key.size(), 4U + 43U);  // "clk_" + 256 bits in base64url, unpadded
  EXPECT_TRUE(a->key.starts_with("clk_"));
  EXPECT_EQ(a->prefix, a->key.substr(0, 12));
  EXPECT_EQ(a->sha256, api_key_hash(a->key));
  EXPECT_EQ(a->sha256.size(), 64U);
  EXPECT_EQ(a->sha256.find(a->key), std::string::npos);
  // SHA-256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(api_key_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKey, TheBearerHeaderIsParsedStrictly) {
  EXPECT_EQ(http::bearer_credentials("Bearer clk_abc"), "clk_abc");
  EXPECT_EQ(http::bearer_credentials("bearer  clk_abc "), "clk_abc");
  EXPECT_EQ(http::bearer_credentials("Basic Y2xrX2FiYw=="), "");
  EXPECT_EQ(http::bearer_credentials("Bearer "), "");
  EXPECT_EQ(http::bearer_credentials(""), "");
  EXPECT_EQ(http::bearer_credentials("Bearerclk_abc"), "");
}

}  // namespace
}  // namespace careerlink::intake
