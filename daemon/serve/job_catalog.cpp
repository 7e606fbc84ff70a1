#include "daemon/serve/job_catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "connectors/nccis/nccis_export.hpp"
#include "connectors/tracker/tracker_upload.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/retention/scheduled.hpp"
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

// The nightly upload of one tracker sink: the uploader is made for each run, so a reload's new
// secret or address is used the next night.
JobOutcome upload_to_tracker(const Config& config, const SinkConfig& sink, Store& store,
                             const std::filesystem::path& data_dir, const JobContext& context) {
  tracker::register_builtin_uploaders();
  auto uploader = tracker::make_uploader(sink, {data_dir});
  if (!uploader) return JobOutcome::failure(uploader.error());
  tracker::UploadOptions options;
  options.now = std::chrono::system_clock::now();
  options.data_dir = data_dir;
  options.stop = context.stop;
  options.actor = "job:" + std::string(context.job);
  auto summary = tracker::run_upload(store, config, sink, **uploader, options);
  if (!summary) return JobOutcome::retry_later(summary.error());
  return summary->complete() ? JobOutcome::success(summary->text())
                             : JobOutcome::retry_later(summary->text());
}

}  // namespace

std::expected<std::vector<JobSpec>, std::string> make_jobs(const Config& config,
                                                           const JobResources& resources) {
  std::vector<JobSpec> jobs;
  // Every tracker sink uploads nightly: at 02:30 school time unless a [[job]] says otherwise.
  std::vector<JobConfig> configured = config.jobs;
  for (const auto& sink : config.sinks) {
    if (!is_tracker_sink(sink)) continue;
    const bool scheduled = std::ranges::any_of(
        config.jobs, [&](const JobConfig& j) { return j.run == "upload:" + sink.name; });
    if (!scheduled) {
      configured.push_back(
          JobConfig{"upload-" + sink.name, "30 2 * * *", "upload:" + sink.name, "Europe/London"});
    }
  }
  for (const auto& job : configured) {
    auto schedule = CronExpression::parse(job.schedule);
    if (!schedule) return std::unexpected("job " + job.name + ": " + schedule.error());
    JobSpec spec{job.name, std::move(*schedule), job.timezone, {}};
    if (job.run.starts_with("upload:")) {
      const std::string name = job.run.substr(7);
      const auto sink = std::ranges::find(config.sinks, name, &SinkConfig::name);
      if (sink == config.sinks.end() || !is_tracker_sink(*sink)) {
        return std::unexpected("job " + job.name + ": run = \"" + job.run +
                               "\" names no tracker [[sink]] (type tracker-api or tracker-csv) "
                               "called " +
                               name);
      }
      spec.run = [store = resources.store, data_dir = resources.data_dir, config,
                  sink = *sink](const JobContext& context) {
        return upload_to_tracker(config, sink, *store, data_dir, context);
      };
    } else if (job.run.starts_with("drain:")) {
      std::string sink = job.run.substr(6);
      const bool known = std::ranges::any_of(
          config.sinks, [&](const SinkConfig& s) { return s.name == sink && !is_tracker_sink(s); });
      if (!known) {
        return std::unexpected("job " + job.name + ": run = \"" + job.run +
                               "\" names no outbox [[sink]] called " + sink);
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
    } else if (job.run.starts_with("nccis:")) {
      // The LA return as of the run's local date, into [nccis] folder (connectors/nccis).
      if (!config.nccis.folder) {
        return std::unexpected("job " + job.name + ": run = \"" + job.run +
                               "\" needs [nccis] folder = \"...\", where the return is written");
      }
      spec.run = [store = resources.store, urn = job.run.substr(6), config,
                  folder = *config.nccis.folder](const JobContext& context) {
        const auto as_of = to_iso(followup::local_date(config, context.scheduled_for));
        auto written = nccis::write_monthly_return(*store, urn, folder, as_of, context.job,
                                                   std::chrono::system_clock::now());
        if (!written) return JobOutcome::failure(written.error().message);
        return JobOutcome::success(written->file.string() + ": " + std::to_string(written->rows) +
                                   " rows");
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
    } else if (job.run == "retention") {
      spec.run = [store = resources.store, config,
                  data_dir = resources.data_dir](const JobContext& context) {
        auto done = retention::run_scheduled(*store, config, data_dir, context.scheduled_for);
        return done ? JobOutcome::success(*done) : JobOutcome::retry_later(done.error());
      };
    } else {
      return std::unexpected("job " + job.name + ": unknown run \"" + job.run + "\"");
    }
    jobs.push_back(std::move(spec));
  }
  return jobs;
}

}  // namespace careerlink::serve
