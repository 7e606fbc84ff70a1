#include "daemon/retention/scheduled.hpp"

#include <sstream>

#include "connectors/tracker/pseudonym.hpp"
#include "daemon/retention/apply.hpp"
#include "daemon/retention/plan_report.hpp"

namespace careerlink::retention {

std::expected<std::string, std::string> run_scheduled(Store& store, const Config& config,
                                                      const std::filesystem::path& data_dir,
                                                      TimePoint scheduled_for) {
  const Policy policy = policy_from(config.retention);
  const std::chrono::year_month_day as_of{std::chrono::floor<std::chrono::days>(scheduled_for)};
  auto snapshot = load_snapshot(store, policy, as_of);
  if (!snapshot) return std::unexpected("store: " + snapshot.error().message);
  const Plan plan = retention::plan(*snapshot, policy, as_of);
  if (plan.empty()) return "nothing to do as of " + plan.as_of;
  auto key = tracker::load_pseudonym_key(data_dir);
  if (!key) return std::unexpected(key.error());
  ApplyOptions options;
  options.pseudonym_key = *key;
  options.origin = "scheduler";
  options.now = std::chrono::system_clock::now();
  options.max_pupils_per_transaction = policy.max_pupils_per_run;
  auto result = apply(store, plan, options);
  if (!result) return std::unexpected(result.error());
  std::ostringstream text;
  print_run(text, plan, *result);
  std::string line = text.str();
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace careerlink::retention
