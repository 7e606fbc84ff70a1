#include "daemon/serve/job_catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/serve/source_sync.hpp"

namespace careerlink::serve {

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
      spec.run = [store = resources.store, source = *source, config](const JobContext& context) {
        return sync_source(source, config, *store, context);
      };
    } else if (job.run == "purge") {
      const auto keep = std::chrono::hours(24) * config.outbox.retention_days;
      spec.run = [store = resources.store, keep](const JobContext& context) {
        auto purged = store->purge_delivered(context.scheduled_for - keep);
        if (!purged) return JobOutcome::failure(purged.error().message);
        return JobOutcome::success(std::to_string(*purged) + " delivered messages purged");
      };
    } else {
      return std::unexpected("job " + job.name + ": unknown run \"" + job.run + "\"");
    }
    jobs.push_back(std::move(spec));
  }
  return jobs;
}

}  // namespace careerlink::serve
