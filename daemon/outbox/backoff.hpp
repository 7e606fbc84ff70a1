// Retry delays: fluent-bit's full-jitter exponential backoff (src/flb_scheduler.c
// backoff_full_jitter), with the far side's Retry-After winning when it asks for longer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

namespace careerlink::outbox {

struct BackoffPolicy {
  std::chrono::milliseconds base{std::chrono::seconds(5)};  // fluent-bit scheduler.base
  std::chrono::milliseconds cap{std::chrono::minutes(30)};  // fluent-bit caps at 2000 s
};

// A source of uniform numbers in [0, 1); injectable so tests can pin the draw.
using UnitRandom = std::function<double()>;

// A UnitRandom over a per-instance Mersenne Twister seeded from std::random_device. Not
// thread-safe: give each worker its own.
UnitRandom default_unit_random();

// Full jitter, fluent-bit's variant: uniform(base, min(cap, base * 2^attempts)), where
// `attempts` is how many deliveries have been tried (1 after the first failure). The floor of
// `base` (rather than AWS's uniform(0, ...)) means a failing far side is never retried at once,
// while the spread still keeps a fleet of schools from retrying in step. `unit` is the draw in
// [0, 1). If cap < base, the delay is cap.
std::chrono::milliseconds full_jitter(const BackoffPolicy& policy, int attempts, double unit);

// The delay before the next attempt: the backoff, or Retry-After when that is longer.
std::chrono::milliseconds retry_delay(const BackoffPolicy& policy, int attempts, double unit,
                                      std::optional<std::chrono::seconds> retry_after);

}  // namespace careerlink::outbox
