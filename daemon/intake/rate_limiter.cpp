#include "daemon/intake/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace careerlink::intake {

std::optional<std::chrono::seconds> RateLimiter::take(std::int64_t key, int per_minute,
                                                      Clock::time_point now) {
  const double capacity = std::max(1, per_minute);
  const double per_second = capacity / 60.0;
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(capacity, b.tokens + std::max(0.0, elapsed) * per_second);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait = (1.0 - b.tokens) / per_second;
  return std::chrono::seconds(
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait))));
}

}  // namespace careerlink::intake
