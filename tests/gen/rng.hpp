// The test-data generators' random numbers: splitmix64, a small, fully specified generator, so a
// seed gives the same file with any standard library and on any platform (std:: distributions
// are not portable between library versions).
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace careerlink::testgen {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // A number in [0, n), in the caller's integer type.
  template <std::integral T>
  T below(T n) {
    return static_cast<T>(next() % static_cast<std::uint64_t>(n));
  }

  bool chance(unsigned percent) { return below(100u) < percent; }
  bool permille(unsigned per_thousand) { return below(1000u) < per_thousand; }

  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

}  // namespace careerlink::testgen
