// Gathers the Benchmark 8 report's inputs for one school from the Store, by composing its
// existing reads, and hands them to compute_b8. No SQL here and no figures worked out here.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

#include "daemon/report/b8_report.hpp"

namespace careerlink {
class Store;
}

namespace careerlink::report {

struct LoadError {
  enum class Kind { unknown_school, store };
  Kind kind = Kind::store;
  std::string message;
};

// The report for the school named by URN or LAESTAB, as of `as_of`.
std::expected<B8Report, LoadError> load_b8(Store& store, std::string_view school,
                                           std::chrono::year_month_day as_of);

}  // namespace careerlink::report
