// Reading a retention plan's snapshot from the store, and carrying a plan out.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "daemon/retention/plan.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::retention {

// Every pupil with what retention reads, the outbox messages naming those who may be due, and
// how many audit events are older than the policy keeps.
StoreResult<Snapshot> load_snapshot(Store& store, const Policy& policy,
                                    std::chrono::year_month_day as_of);

struct RunResult {
  RetentionCounts counts;
  std::int64_t audit_events = 0;  // deleted as past audit_days
  std::size_t pupils = 0;         // pupils whose step was carried out
  std::size_t transactions = 0;
};

struct ApplyOptions {
  std::string pseudonym_key;  // the installation's key (connectors/tracker/pseudonym.hpp)
  std::string origin;         // for the audit trail: "cli@<host>" or "scheduler"
  TimePoint now{};
  std::size_t max_pupils_per_transaction = 1000;
  std::function<void(std::size_t done, std::size_t total)> progress;  // optional
};

// Carries `plan` out: up to max_pupils_per_transaction pupils per transaction (the audit purge
// in the first), each pupil's step audited in the same transaction (actor "retention", the
// pupil by pseudonym, counts only). A failure rolls back the batch it happened in; the batches
// before it stay done and a new plan picks up the rest.
std::expected<RunResult, std::string> apply(Store& store, const Plan& plan,
                                            const ApplyOptions& options);

}  // namespace careerlink::retention
