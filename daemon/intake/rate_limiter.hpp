// A token bucket per API key: each key may make `per_minute` requests a minute, in bursts of up
// to that many. Over it, the caller is told how long until the next request would be let in,
// for a 429's Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace careerlink::intake {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // nullopt: allowed (one token taken). Otherwise: whole seconds to wait (at least 1).
  std::optional<std::chrono::seconds> take(std::int64_t key, int per_minute, Clock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated{};
  };
  std::mutex mutex_;
  std::map<std::int64_t, Bucket> buckets_;
};

}  // namespace careerlink::intake
