// Seeded generator of realistic DfE Common Transfer Files (CTF XML) for tests and benchmarks.
// The same options always give the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace careerlink::testgen {

struct CtfGenOptions {
  std::uint64_t seed = 1;
  std::size_t pupils = 100;
  int years_of_attendance = 3;
  int assessments_per_pupil = 10;
  std::string version = "25.0";
  std::string laestab = "8201234";
  std::optional<std::string> urn = "137942";
  bool use_gender_tag = false;  // CTF 11/12 wrote <Gender>; later versions <Sex>
};

// The header DateTime the generator writes, and so the default FSM reference date.
inline constexpr const char* kCtfGenDateTime = "2025-09-15T10:30:00";

void write_ctf(std::ostream& out, const CtfGenOptions& options);

}  // namespace careerlink::testgen
