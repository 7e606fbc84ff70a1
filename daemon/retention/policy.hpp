// The retention policy as the engine reads it, from [retention] in the config.
#pragma once

#include <cstddef>
#include <string_view>

#include "daemon/config/config.hpp"

namespace careerlink::retention {

// What happens to a record past its time.
enum class Mode { erase, pseudonymise };

// "delete" | "pseudonymise", as in the config.
constexpr std::string_view to_string(Mode mode) {
  return mode == Mode::erase ? "delete" : "pseudonymise";
}

struct Policy {
  int guidance_until_age = 25;  // DOB + 25 years (reference/careers-domain.md §4)
  int destinations_years = 3;   // after leaving (Gatsby BM3, Compass+)
  int audit_days = 730;
  Mode mode = Mode::erase;
  std::size_t max_pupils_per_run = 1000;  // pupils per transaction
};

inline Policy policy_from(const RetentionConfig& config) {
  return Policy{config.guidance_until_age, config.destinations_years, config.audit_days,
                config.mode == "pseudonymise" ? Mode::pseudonymise : Mode::erase,
                static_cast<std::size_t>(config.max_pupils_per_run)};
}

}  // namespace careerlink::retention
