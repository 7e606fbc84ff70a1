#include "daemon/outbox/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace careerlink::outbox {

UnitRandom default_unit_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::chrono::milliseconds full_jitter(const BackoffPolicy& policy, int attempts, double unit) {
  const auto base = std::max<std::int64_t>(policy.base.count(), 0);
  const auto cap = std::max<std::int64_t>(policy.cap.count(), 0);
  if (cap <= base) return std::chrono::milliseconds(cap);
  // In double, so 2^attempts cannot overflow; anything past the cap is the cap.
  const double ceiling =
      std::min(static_cast<double>(cap),
               static_cast<double>(base) * std::exp2(static_cast<double>(std::max(attempts, 0))));
  const double u = std::clamp(unit, 0.0, 1.0);
  const double delay = static_cast<double>(base) + u * (ceiling - static_cast<double>(base));
  return std::chrono::milliseconds(
      std::clamp(static_cast<std::int64_t>(delay), base, static_cast<std::int64_t>(ceiling)));
}

std::chrono::milliseconds retry_delay(const BackoffPolicy& policy, int attempts, double unit,
                                      std::optional<std::chrono::seconds> retry_after) {
  auto delay = full_jitter(policy, attempts, unit);
  if (retry_after && *retry_after > delay)
    delay = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  return delay;
}

}  // namespace careerlink::outbox
