#include "daemon/serve/job_catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/followup/flag_sync.hpp"
#include "daemon/serve/guidance_drop.hpp"
#include "daemon/serve/source_sync.hpp"

namespace careerlink::serve {
namespace {

// After a sync has taken files in: the pupils whose rule inputs changed get their flags worked
// out again now, not at the next full run.
JobOutcome with_pending_flags(JobOutcome outcome, Store& store, const Config& config) {
  // Even after a refused file: the files taken in before it changed pupils too.
  const auto sinks = followup::writeback_sinks(config);
  auto run = followup::evaluate_pending(
      store, followup::sync_context(config, sinks, std::chrono::system_clock::now()));
  if (!run) return JobOutcome::retry_later(outcome.message + "; flags: " + run.error().message);
  if (run->pupils > 0) {
    outcome.message += "; flags of " + std::to_string(run->pupils) + " pupils re-evaluated (" +
                       std::to_string(run->changes.raised) + " raised, " +
                       std::to_string(run->changes.cleared) + " cleared)";
  }
  return outcome;
}

}  // namespace

std::expected<std::vector<JobSpec>, std::string> make_jobs(const Config& config,
                                                           const JobResources& resources) {
  std::vector<JobSpec> jobs;
  for (const auto& job : config.jobs) {
    auto schedule = CronExpression::parse(job.schedule);
    if (!schedule) return std::unexpected("job " + job.name + ": " + schedule.error());
    JobSpec spec{job.name, std::move(*schedule), job.timezone, {}};
    if (job.run.starts_with("drain:")) {
      std::string sink = job.run.substr(6);
      const bool known =
          std::ranges::any_of(config.sinks, [&](const SinkConfig& s) { return s.name == sink; });
      if (!known) {
        return std::unexpected("job " + job.name + ": run = \"" + job.run +
                               "\" names no [[sink]] called " + sink);
      }
      spec.run = [drain = resources.drain, sink](const JobContext& context) {
        auto outcome = drain(sink, context);
        return outcome ? *outcome : JobOutcome::failure("sink " + sink + " is not running");
      };
    } else if (job.run.starts_with("sync:")) {
      const std::string name = job.run.substr(5);
      const auto source = std::ranges::find(config.sources, name, &SourceConfig::name);
      if (source == config.sources.end()) {
        return std::unexpected("job " + job.name + ": run = \"" + job.run +
                               "\" names no [[source]] called " + name);
      }
      if (auto checked = check_source(*source); !checked) {
        return std::unexpected("job " + job.name + ": " + checked.error());
      }
      if (source->type == "guidance") {
        spec.run = [store = resources.store, source = *source, config](const JobContext& context) {
          return take_guidance_drop(source, config, *store, context);
        };
      } else {
        spec.run = [store = resources.store, source = *source, config](const JobContext& context) {
          return with_pending_flags(sync_source(source, config, *store, context), *store, config);
        };
      }
    } else if (job.run == "purge") {
      const auto keep = std::chrono::hours(24) * config.outbox.retention_days;
      spec.run = [store = resources.store, keep](const JobContext& context) {
        auto purged = store->purge_delivered(context.scheduled_for - keep);
        if (!purged) return JobOutcome::failure(purged.error().message);
        return JobOutcome::success(std::to_string(*purged) + " delivered messages purged");
      };
    } else if (job.run == "rules") {
      spec.run = [store = resources.store, config](const JobContext&) {
        const auto sinks = followup::writeback_sinks(config);
        auto run = followup::evaluate_all(
            *store, std::nullopt,
            followup::sync_context(config, sinks, std::chrono::system_clock::now()));
        if (!run) return JobOutcome::retry_later("store: " + run.error().message);
        return JobOutcome::success(std::to_string(run->pupils) + " pupils evaluated: " +
                                   std::to_string(run->changes.raised) + " flags raised, " +
                                   std::to_string(run->changes.changed) + " changed, " +
                                   std::to_string(run->changes.cleared) + " cleared");
      };
    } else {
      return std::unexpected("job " + job.name + ": unknown run \"" + job.run + "\"");
    }
    jobs.push_back(std::move(spec));
  }
  return jobs;
}

}  // namespace careerlink::serve
