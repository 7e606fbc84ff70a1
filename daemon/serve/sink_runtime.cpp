#include "daemon/serve/sink_runtime.hpp"

#include <algorithm>

#include "connectors/webhook/webhook_sink.hpp"
#include "plugins/arbor/arbor_sink.hpp"
#include "plugins/sims/sims_sink.hpp"

namespace careerlink::serve {
namespace {

outbox::WorkerOptions worker_options(const OutboxConfig& c) {
  outbox::WorkerOptions o;
  o.batch_size = static_cast<std::size_t>(c.batch_size);
  o.lease = std::chrono::seconds(c.lease_seconds);
  o.backoff.base = std::chrono::milliseconds(c.backoff_base_ms);
  o.backoff.cap = std::chrono::milliseconds(c.backoff_cap_ms);
  o.max_attempts = c.max_attempts;
  o.max_age = std::chrono::hours(c.max_age_hours);
  o.poll_interval = std::chrono::milliseconds(c.poll_interval_ms);
  return o;
}

outbox::SinkSettings sink_settings(const Config& config, const SinkConfig& s) {
  outbox::SinkSettings settings;
  settings.name = s.name;
  settings.values["url"] = s.url;
  if (s.secret_file) settings.values["secret_file"] = s.secret_file->string();
  if (s.secret_env) settings.values["secret_env"] = *s.secret_env;
  if (s.ca_file) settings.values["ca_file"] = s.ca_file->string();
  if (s.client_cert_file) settings.values["client_cert"] = s.client_cert_file->string();
  if (s.client_key_file) settings.values["client_key"] = s.client_key_file->string();
  settings.values["verify_tls"] = s.verify_tls ? "true" : "false";
  if (!s.proxy.empty()) settings.values["proxy"] = s.proxy;
  settings.values["timeout_seconds"] = std::to_string(s.timeout_seconds);
  if (!s.username.empty()) settings.values["username"] = s.username;
  if (s.password_file) settings.values["password_file"] = s.password_file->string();
  if (s.password_env) settings.values["password_env"] = *s.password_env;
  if (s.folder) settings.values["folder"] = s.folder->string();
  settings.values["panel_url"] = panel_public_url(config);
  return settings;
}

}  // namespace

SqliteOptions sqlite_options(const Config& config) {
  SqliteOptions o;
  o.busy_timeout_ms = config.store.busy_timeout_ms;
  o.synchronous = config.store.synchronous;
  return o;
}

std::expected<SinkRuntimes, std::string> build_sinks(const Config& config,
                                                     const std::filesystem::path& data_dir) {
  webhook::register_webhook_sink();
  sims::register_sims_sink();
  arbor::register_arbor_sink();
  SinkRuntimes sinks;
  for (const auto& s : config.sinks) {
    if (is_tracker_sink(s)) continue;  // nightly uploads (connectors/tracker), not the outbox
    auto runtime = std::make_unique<SinkRuntime>();
    runtime->name = s.name;
    auto sink = outbox::make_sink(s.type, sink_settings(config, s));
    if (!sink) return std::unexpected("sink " + s.name + ": " + sink.error());
    auto store = open_sqlite_store(data_dir, sqlite_options(config));
    if (!store) return std::unexpected("store: " + store.error().message);
    runtime->sink = std::move(*sink);
    runtime->store = std::move(*store);
    runtime->worker = std::make_unique<outbox::OutboxWorker>(*runtime->store, *runtime->sink,
                                                             worker_options(config.outbox));
    runtime->scheduled = std::ranges::any_of(
        config.jobs, [&](const JobConfig& j) { return j.run == "drain:" + s.name; });
    sinks.push_back(std::move(runtime));
  }
  return sinks;
}

decltype(JobResources::drain) drainer(SinkRuntimes& sinks) {
  return [&sinks](const std::string& name, const JobContext& context) -> std::optional<JobOutcome> {
    for (auto& s : sinks) {
      if (s->name != name) continue;
      auto report = s->worker->drain(std::chrono::system_clock::now(), context.stop);
      if (!report) return JobOutcome::retry_later(report.error().message);
      return JobOutcome::success(std::to_string(report->ok) + " delivered, " +
                                 std::to_string(report->retried) + " to retry, " +
                                 std::to_string(report->dead) + " dead");
    }
    return std::nullopt;
  };
}

}  // namespace careerlink::serve
