// Full-jitter backoff, fluent-bit's variant: uniform(base, min(cap, base * 2^attempts)).
#include "daemon/outbox/backoff.hpp"

#include <gtest/gtest.h>

namespace careerlink::outbox {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

const BackoffPolicy kPolicy{1000ms, 60000ms};

TEST(Backoff, LowestDrawIsTheBase) {
  for (int attempts : {0, 1, 2, 5, 30})
    EXPECT_EQ(full_jitter(kPolicy, attempts, 0.0), 1000ms);
}

TEST(Backoff, HighestDrawIsBaseTimesTwoToTheAttemptsUpToTheCap) {
  EXPECT_EQ(full_jitter(kPolicy, 0, 1.0), 1000ms);
  EXPECT_EQ(full_jitter(kPolicy, 1, 1.0), 2000ms);
  EXPECT_EQ(full_jitter(kPolicy, 2, 1.0), 4000ms);
  EXPECT_EQ(full_jitter(kPolicy, 5, 1.0), 32000ms);
  EXPECT_EQ(full_jitter(kPolicy, 6, 1.0), 60000ms);     // 64 s, capped
  EXPECT_EQ(full_jitter(kPolicy, 1000, 1.0), 60000ms);  // no overflow far past the cap
}

TEST(Backoff, DrawIsSpreadLinearlyBetweenBaseAndCeiling) {
  EXPECT_EQ(full_jitter(kPolicy, 2, 0.5), 2500ms);   // 1000 + 0.5 * (4000 - 1000)
  EXPECT_EQ(full_jitter(kPolicy, 3, 0.25), 2750ms);  // 1000 + 0.25 * (8000 - 1000)
}

TEST(Backoff, OutOfRangeDrawsAreClamped) {
  EXPECT_EQ(full_jitter(kPolicy, 3, -1.0), 1000ms);
  EXPECT_EQ(full_jitter(kPolicy, 3, 7.0), 8000ms);
}

TEST(Backoff, CapBelowBaseMeansTheCap) {
  EXPECT_EQ(full_jitter(BackoffPolicy{5000ms, 2000ms}, 3, 0.5), 2000ms);
}

TEST(Backoff, DefaultRandomStaysInBounds) {
  auto random = default_unit_random();
  for (int i = 0; i < 1000; ++i) {
    const auto d = full_jitter(kPolicy, 3, random());
    EXPECT_GE(d, 1000ms);
    EXPECT_LE(d, 8000ms);
  }
}

TEST(Backoff, RetryAfterWinsOnlyWhenLonger) {
  EXPECT_EQ(retry_delay(kPolicy, 1, 0.0, std::nullopt), 1000ms);
  EXPECT_EQ(retry_delay(kPolicy, 1, 0.0, 120s), 120000ms);  // longer than the cap, still honoured
  EXPECT_EQ(retry_delay(kPolicy, 2, 1.0, 1s), 4000ms);      // shorter than the backoff
}

}  // namespace
}  // namespace careerlink::outbox
