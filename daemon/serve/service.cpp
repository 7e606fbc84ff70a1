#include "daemon/serve/service.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "daemon/domain/dates.hpp"
#include "daemon/http/server/admin_routes.hpp"
#include "daemon/http/server/http_server.hpp"
#include "daemon/logging/logging.hpp"
#include "daemon/metrics/metrics.hpp"
#include "daemon/outbox/outbox_worker.hpp"
#include "daemon/outbox/sink.hpp"
#include "daemon/runtime/shutdown.hpp"
#include "daemon/runtime/systemd_notify.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/serve/job_catalog.hpp"
#include "daemon/serve/secrets.hpp"
#include "daemon/serve/sink_runtime.hpp"

namespace careerlink::serve {
namespace {

constexpr int kExitConfig = 78;   // EX_CONFIG
constexpr int kExitIo = 74;       // EX_IOERR
constexpr int kExitUnavail = 69;  // EX_UNAVAILABLE: the listener could not be bound

// The store connection the HTTP threads read for /metrics and /api/v1/status.
class SharedStore {
 public:
  explicit SharedStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  template <class F>
  auto with(F&& f) {
    std::lock_guard lock(mutex_);
    return f(*store_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<Store> store_;
};

void register_metrics(metrics::Registry& registry, SharedStore& shared,
                      std::vector<std::unique_ptr<SinkRuntime>>& sinks) {
  registry.add_collector(
      "careerlink_outbox_messages", "Outbox messages by sink and state", metrics::Type::gauge,
      [&shared] {
        std::vector<metrics::Sample> samples;
        auto counts = shared.with([](Store& s) { return s.count_outbox(); });
        if (!counts) throw std::runtime_error(counts.error().message);
        for (const auto& c : *counts) {
          samples.push_back({{{"sink", c.sink}, {"state", std::string(to_string(c.state))}},
                             static_cast<double>(c.count)});
        }
        return samples;
      });
  registry.add_collector("careerlink_deliveries_total", "Delivery outcomes by sink since start",
                         metrics::Type::counter, [&sinks] {
                           std::vector<metrics::Sample> samples;
                           for (const auto& s : sinks) {
                             const auto& c = s->worker->counters();
                             samples.push_back({{{"sink", s->name}, {"result", "ok"}},
                                                static_cast<double>(c.ok.load())});
                             samples.push_back({{{"sink", s->name}, {"result", "retry"}},
                                                static_cast<double>(c.retry.load())});
                             samples.push_back({{{"sink", s->name}, {"result", "dead"}},
                                                static_cast<double>(c.dead.load())});
                           }
                           return samples;
                         });
  registry.add_collector(
      "careerlink_job_last_success_timestamp_seconds",
      "When each job last finished successfully (Unix seconds)", metrics::Type::gauge, [&shared] {
        std::vector<metrics::Sample> samples;
        auto runs = shared.with([](Store& s) { return s.last_job_runs(); });
        if (!runs) throw std::runtime_error(runs.error().message);
        for (const auto& r : *runs) {
          if (r.result != "ok" || !r.finished_at) continue;
          samples.push_back(
              {{{"job", r.job}},
               std::chrono::duration<double>(r.finished_at->time_since_epoch()).count()});
        }
        return samples;
      });
  registry.add_collector(
      "careerlink_source_records_total", "Records taken in from each kind of source",
      metrics::Type::counter, [&shared] {
        std::vector<metrics::Sample> samples;
        auto totals = shared.with([](Store& s) { return s.source_record_totals(); });
        if (!totals) throw std::runtime_error(totals.error().message);
        for (const auto& [source, total] : *totals) {
          samples.push_back({{{"source", source}}, static_cast<double>(total)});
        }
        return samples;
      });
}

nlohmann::json status_json(const ServeOptions& options, const std::string& listen,
                           TimePoint started, SharedStore& shared, Scheduler& scheduler) {
  nlohmann::json j;
  j["version"] = CAREERLINK_VERSION;
  j["started_at"] = iso_utc(started);
  j["listen"] = listen;
  j["data_dir"] = options.data_dir.string();
  j["schema_version"] = shared.with([](Store& s) { return s.schema_version(); });
  j["outbox"] = nlohmann::json::array();
  if (auto counts = shared.with([](Store& s) { return s.count_outbox(); })) {
    for (const auto& c : *counts) {
      j["outbox"].push_back(
          {{"sink", c.sink}, {"state", std::string(to_string(c.state))}, {"count", c.count}});
    }
  }
  j["jobs"] = nlohmann::json::array();
  if (auto jobs = scheduler.jobs()) {
    for (const auto& job : *jobs) {
      nlohmann::json row{{"name", job.name},
                         {"schedule", job.schedule},
                         {"time_zone", job.time_zone},
                         {"running", job.running}};
      row["next_run"] = job.next_run ? nlohmann::json(iso_utc(*job.next_run)) : nullptr;
      if (job.last_run) {
        row["last_run"] = {{"started_at", iso_utc(job.last_run->started_at)},
                           {"result", job.last_run->result},
                           {"message", job.last_run->message}};
      } else {
        row["last_run"] = nullptr;
      }
      j["jobs"].push_back(std::move(row));
    }
  }
  return j;
}

// SIGHUP: validate the file first; a bad one is refused with its FILE:LINE errors and the old
// config keeps running. What changes at once: the log level and format. The listener, sinks and
// jobs are built at start, so changes to them are reported as needing a restart.
void reload(const ServeOptions& options, const Config& running) {
  if (!options.config_file) {
    spdlog::info("reload: no config file (built-in defaults); nothing to reload");
    return;
  }
  auto loaded = load_config(*options.config_file);
  if (!loaded) {
    spdlog::error("reload refused: {} has {} problem(s); the running config stays",
                  options.config_file->string(), loaded.error().size());
    for (const auto& d : loaded.error())
      spdlog::error("{}", d.to_string());
    return;
  }
  init_logging(loaded->log, options.data_dir / "log", options.verbose);
  const bool restart_needed = loaded->serve.listen != running.serve.listen ||
                              loaded->sinks.size() != running.sinks.size() ||
                              loaded->jobs.size() != running.jobs.size();
  spdlog::info(
      "reloaded {}: logging applied{}", options.config_file->string(),
      restart_needed ? "; listener, sink and job changes take effect at the next restart" : "");
}

}  // namespace

int run_service(const ServeOptions& options, const runtime::ServiceHooks& hooks) {
  const Config& config = options.config;
  const auto started = std::chrono::system_clock::now();
  const std::string listen = options.listen.value_or(config.serve.listen);
  spdlog::info("careerlink {} starting; data directory {}", CAREERLINK_VERSION,
               options.data_dir.string());

  // The store first: migrations run here, before anything can be ready.
  auto main_store = open_sqlite_store(options.data_dir, sqlite_options(config));
  if (!main_store) {
    spdlog::critical("store: {}", main_store.error().message);
    return kExitIo;
  }
  auto http_store = open_sqlite_store(options.data_dir, sqlite_options(config));
  if (!http_store) {
    spdlog::critical("store: {}", http_store.error().message);
    return kExitIo;
  }
  SharedStore shared(std::move(*http_store));

  // Sinks and their delivery workers.
  auto built = build_sinks(config, options.data_dir);
  if (!built) {
    spdlog::critical("{}", built.error());
    return kExitConfig;
  }
  auto& sinks = *built;

  // Jobs.
  SystemClock clock;
  Scheduler scheduler(**main_store, clock, options.data_dir / "locks");
  JobResources resources;
  // Job bodies run on the scheduler's thread while the scheduler may use its own connection from
  // another (status requests), so jobs get a connection of their own.
  auto job_store = open_sqlite_store(options.data_dir, sqlite_options(config));
  if (!job_store) {
    spdlog::critical("store: {}", job_store.error().message);
    return kExitIo;
  }
  resources.store = job_store->get();
  resources.drain = drainer(sinks);
  auto jobs = make_jobs(config, resources);
  if (!jobs) {
    spdlog::critical("{}", jobs.error());
    return kExitConfig;
  }
  for (auto& job : *jobs) {
    if (auto added = scheduler.add_job(std::move(job)); !added) {
      spdlog::critical("{}", added.error());
      return kExitConfig;
    }
  }

  // The listener.
  auto admin_token =
      read_secret("serve.admin_token", config.serve.admin_token_file, config.serve.admin_token_env);
  if (!admin_token) {
    spdlog::critical("{}", admin_token.error());
    return kExitConfig;
  }
  auto& registry = metrics::default_registry();
  register_metrics(registry, shared, sinks);
  http::Router router;
  http::AdminHooks admin;
  admin.ready = [] { return !runtime::shutdown_requested(); };
  admin.metrics_text = [&registry] { return registry.expose(); };
  admin.status = [&] { return status_json(options, listen, started, shared, scheduler); };
  http::add_admin_routes(router, admin);
  http::ServerOptions server_options;
  server_options.listen = listen;
  server_options.threads = static_cast<std::size_t>(config.serve.threads);
  server_options.tls_cert_file = config.serve.tls_cert_file;
  server_options.tls_key_file = config.serve.tls_key_file;
  server_options.admin_token = *admin_token;
  server_options.metrics = &registry;
  auto server = http::HttpServer::start(server_options, std::move(router));
  if (!server) {
    spdlog::critical("listener: {}", server.error());
    return kExitUnavail;
  }
  const auto endpoint = (*server)->local_endpoint();

  // Work starts only now that everything above succeeded.
  for (auto& s : sinks) {
    if (s->scheduled) continue;
    s->thread = std::jthread(
        [worker = s->worker.get()](std::stop_token stop) { worker->run(std::move(stop)); });
  }
  if (auto begun = scheduler.start(); !begun) {
    spdlog::critical("scheduler: {}", begun.error());
    runtime::request_shutdown(kExitIo);
  }

  const std::string where = std::string((*server)->tls() ? "https://" : "http://") +
                            endpoint.address + ":" + std::to_string(endpoint.port);
  spdlog::info("careerlink ready: listening on {} ({} sinks, {} jobs)", where, sinks.size(),
               config.jobs.size());
  hooks.on_ready("listening on " + where);

  // Wait for a stop, pinging the watchdog and taking reload requests on the way.
  const auto watchdog = runtime::watchdog_interval();
  const auto tick = watchdog ? std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog)
                             : std::chrono::milliseconds(1000);
  while (!runtime::shutdown_requested()) {
    runtime::wait_for_event(tick);
    if (watchdog) runtime::notify_watchdog();
    if (runtime::take_reload_request()) reload(options, config);
  }
  const int code = runtime::wait_for_shutdown();

  // One way out: stop taking new work, let in-flight deliveries finish, then close.
  spdlog::info("stopping: finishing in-flight work (grace {} s)",
               config.serve.shutdown_grace_seconds);
  runtime::notify_stopping();
  scheduler.stop();
  for (auto& s : sinks)
    s->thread.request_stop();
  for (auto& s : sinks) {
    s->worker->wake();
    if (s->thread.joinable()) s->thread.join();
  }
  (*server)->stop(std::chrono::seconds(config.serve.shutdown_grace_seconds));
  spdlog::info("stopped");
  return code;
}

}  // namespace careerlink::serve
