#include "daemon/serve/service.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "daemon/config/secret_ref.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/http/server/admin_routes.hpp"
#include "daemon/http/server/http_server.hpp"
#include "daemon/intake/intake_routes.hpp"
#include "daemon/logging/logging.hpp"
#include "daemon/metrics/metrics.hpp"
#include "daemon/outbox/outbox_worker.hpp"
#include "daemon/outbox/sink.hpp"
#include "daemon/runtime/shutdown.hpp"
#include "daemon/runtime/systemd_notify.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/serve/job_catalog.hpp"
#include "daemon/serve/sink_runtime.hpp"
#include "daemon/store/shared_store.hpp"
#include "plugins/panel/panel_routes.hpp"

namespace careerlink::serve {
namespace {

constexpr int kExitConfig = 78;   // EX_CONFIG
constexpr int kExitIo = 74;       // EX_IOERR
constexpr int kExitUnavail = 69;  // EX_UNAVAILABLE: the listener could not be bound

// What a config puts to work: the sinks with their delivery workers, and the scheduled jobs.
// Built whole from a config before anything of it starts, so a reload can build the new one,
// and refuse it, while the old one still runs.
struct Workload {
  SinkRuntimes sinks;
  std::unique_ptr<Store> job_store;  // jobs run on the scheduler's thread: their own connection
  std::unique_ptr<Scheduler> scheduler;
  std::size_t job_count = 0;
};

struct WorkloadError {
  int exit_code;
  std::string message;
};

std::expected<std::unique_ptr<Workload>, WorkloadError> build_workload(
    const Config& config, const std::filesystem::path& data_dir, Store& scheduler_store,
    Clock& clock) {
  auto w = std::make_unique<Workload>();
  auto built = build_sinks(config, data_dir);
  if (!built) return std::unexpected(WorkloadError{kExitConfig, built.error()});
  w->sinks = std::move(*built);
  auto job_store = open_sqlite_store(data_dir, sqlite_options(config));
  if (!job_store) {
    return std::unexpected(WorkloadError{kExitIo, "store: " + job_store.error().message});
  }
  w->job_store = std::move(*job_store);
  w->scheduler = std::make_unique<Scheduler>(scheduler_store, clock, data_dir / "locks");
  JobResources resources;
  resources.store = w->job_store.get();
  resources.data_dir = data_dir;
  resources.drain = drainer(w->sinks);
  auto jobs = make_jobs(config, resources);
  if (!jobs) return std::unexpected(WorkloadError{kExitConfig, jobs.error()});
  for (auto& job : *jobs) {
    if (auto added = w->scheduler->add_job(std::move(job)); !added) {
      return std::unexpected(WorkloadError{kExitConfig, added.error()});
    }
  }
  w->job_count = config.jobs.size();
  return w;
}

std::expected<void, std::string> start_workload(Workload& w) {
  for (auto& s : w.sinks) {
    if (s->scheduled) continue;
    s->thread = std::jthread(
        [worker = s->worker.get()](const std::stop_token& stop) { worker->run(stop); });
  }
  if (auto begun = w.scheduler->start(); !begun)
    return std::unexpected("scheduler: " + begun.error());
  return {};
}

// Stops taking new work and waits for the batch or job in hand.
void stop_workload(Workload& w) {
  w.scheduler->stop();
  for (auto& s : w.sinks)
    s->thread.request_stop();
  for (auto& s : w.sinks) {
    s->worker->wake();
    if (s->thread.joinable()) s->thread.join();
  }
}

// The workload in use, read by the HTTP threads (/metrics, /api/v1/status) and replaced by a
// reload. Delivery counts of replaced workers are kept, so the counters never go backwards.
class LiveWorkload {
 public:
  explicit LiveWorkload(std::unique_ptr<Workload> first) : current_(std::move(first)) {}

  template <class F>
  auto read(F&& f) {
    std::shared_lock lock(mutex_);
    return f(*current_, retired_);
  }
  Workload& current() { return *current_; }  // for the main thread, which alone replaces it

  // `next` is built and not started; the old one is stopped before the switch.
  std::unique_ptr<Workload> replace(std::unique_ptr<Workload> next) {
    stop_workload(*current_);
    std::unique_lock lock(mutex_);
    for (const auto& s : current_->sinks) {
      const auto& c = s->worker->counters();
      auto& kept = retired_[s->name];
      kept.ok += c.ok.load();
      kept.retry += c.retry.load();
      kept.dead += c.dead.load();
    }
    std::swap(current_, next);
    return next;
  }

  struct Counts {
    std::uint64_t ok = 0, retry = 0, dead = 0;
  };
  using Retired = std::map<std::string, Counts>;

 private:
  std::shared_mutex mutex_;
  std::unique_ptr<Workload> current_;
  Retired retired_;
};

// The config in force, as the HTTP threads see it: a reload publishes a new one.
class ConfigSnapshot {
 public:
  explicit ConfigSnapshot(const Config& c) : current_(std::make_shared<const Config>(c)) {}
  std::shared_ptr<const Config> get() {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void set(const Config& c) {
    auto next = std::make_shared<const Config>(c);
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const Config> current_;
};

void register_metrics(metrics::Registry& registry, SharedStore& shared, LiveWorkload& live) {
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
  registry.add_collector(
      "careerlink_deliveries_total", "Delivery outcomes by sink since start",
      metrics::Type::counter, [&live] {
        return live.read([](Workload& w, const LiveWorkload::Retired& retired) {
          LiveWorkload::Retired totals = retired;
          for (const auto& s : w.sinks) {
            const auto& c = s->worker->counters();
            auto& t = totals[s->name];
            t.ok += c.ok.load();
            t.retry += c.retry.load();
            t.dead += c.dead.load();
          }
          std::vector<metrics::Sample> samples;
          for (const auto& [sink, t] : totals) {
            samples.push_back({{{"sink", sink}, {"result", "ok"}}, static_cast<double>(t.ok)});
            samples.push_back(
                {{{"sink", sink}, {"result", "retry"}}, static_cast<double>(t.retry)});
            samples.push_back({{{"sink", sink}, {"result", "dead"}}, static_cast<double>(t.dead)});
          }
          return samples;
        });
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
                           TimePoint started, SharedStore& shared, LiveWorkload& live) {
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
  auto jobs =
      live.read([](Workload& w, const LiveWorkload::Retired&) { return w.scheduler->jobs(); });
  if (jobs) {
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

// SIGHUP: the file is validated and its sinks and jobs built before anything changes; a file
// with errors, or sinks or jobs that cannot be built (a secret file missing, ...), is refused
// with the reasons and the running config stays. Then the log settings apply, the old sinks and
// jobs stop (each finishing the batch or job in hand) and the new ones start. The listener
// (address, TLS, token, threads) was bound at start: a change to it needs a restart.
void reload(const ServeOptions& options, Config& running, LiveWorkload& live,
            Store& scheduler_store, Clock& clock, ConfigSnapshot& snapshot) {
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
  auto next = build_workload(*loaded, options.data_dir, scheduler_store, clock);
  if (!next) {
    spdlog::error("reload refused: {}; the running config stays", next.error().message);
    return;
  }
  init_logging(loaded->log, options.data_dir / "log", options.verbose);
  const auto& was = running.serve;
  const auto& now = loaded->serve;
  const bool listener_changed =
      now.listen != was.listen || now.threads != was.threads ||
      now.tls_cert_file != was.tls_cert_file || now.tls_key_file != was.tls_key_file ||
      now.admin_token_file != was.admin_token_file || now.admin_token_env != was.admin_token_env;
  live.replace(std::move(*next));
  if (auto begun = start_workload(live.current()); !begun) {
    spdlog::critical("reload: {}", begun.error());
    runtime::request_shutdown(kExitIo);
    return;
  }
  spdlog::info(
      "reloaded {}: logging, {} sink(s) and {} job(s) applied{}", options.config_file->string(),
      live.current().sinks.size(), live.current().job_count,
      listener_changed ? "; the [serve] listener changes take effect at the next restart" : "");
  loaded->serve = running.serve;  // the listener's settings in force are still the old ones
  running = std::move(*loaded);
  snapshot.set(running);
}

}  // namespace

int run_service(const ServeOptions& options, const runtime::ServiceHooks& hooks) {
  const Config& config = options.config;  // as started: the listener keeps these settings
  Config running = options.config;        // what a reload last applied
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

  // Sinks, their delivery workers and the jobs.
  SystemClock clock;
  auto first = build_workload(config, options.data_dir, **main_store, clock);
  if (!first) {
    spdlog::critical("{}", first.error().message);
    return first.error().exit_code;
  }
  LiveWorkload live(std::move(*first));

  // The listener.
  auto admin_token =
      read_secret("serve.admin_token", config.serve.admin_token_file, config.serve.admin_token_env);
  if (!admin_token) {
    spdlog::critical("{}", admin_token.error());
    return kExitConfig;
  }
  auto& registry = metrics::default_registry();
  register_metrics(registry, shared, live);
  http::Router router;
  http::AdminHooks admin;
  admin.ready = [] { return !runtime::shutdown_requested(); };
  admin.metrics_text = [&registry] { return registry.expose(); };
  admin.status = [&] { return status_json(options, listen, started, shared, live); };
  http::add_admin_routes(router, admin);
  ConfigSnapshot snapshot(config);
  intake::IntakeRoutesOptions intake_options;
  intake_options.store = &shared;
  intake_options.config = [&snapshot] { return snapshot.get(); };
  intake::add_intake_routes(router, std::move(intake_options));
  std::shared_ptr<void> panel;  // the panel's state; outlives the server (declared before it)
  if (config.panel.enabled) {
    auto panel_store = open_sqlite_store(options.data_dir, sqlite_options(config));
    if (!panel_store) {
      spdlog::critical("store: {}", panel_store.error().message);
      return kExitIo;
    }
    auto oidc_secret = read_secret("panel.oidc.client_secret", config.panel.oidc.client_secret_file,
                                   config.panel.oidc.client_secret_env);
    if (!oidc_secret) {
      spdlog::critical("{}", oidc_secret.error());
      return kExitConfig;
    }
    panel::PanelOptions panel_options;
    panel_options.store = std::move(*panel_store);
    panel_options.change_check_interval = std::chrono::milliseconds(50);
    panel_options.config = [&snapshot] { return snapshot.get(); };
    panel_options.oidc_client_secret = oidc_secret->value_or("");
    panel = panel::add_panel_routes(router, std::move(panel_options));
  }
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
  if (auto begun = start_workload(live.current()); !begun) {
    spdlog::critical("{}", begun.error());
    runtime::request_shutdown(kExitIo);
  }

  const std::string where = std::string((*server)->tls() ? "https://" : "http://") +
                            endpoint.address + ":" + std::to_string(endpoint.port);
  spdlog::info("careerlink ready: listening on {} ({} sinks, {} jobs)", where,
               live.current().sinks.size(), live.current().job_count);
  if (panel) spdlog::info("careers panel: {}/panel/", panel_public_url(config));
  hooks.on_ready("listening on " + where);

  // Wait for a stop, pinging the watchdog and taking reload requests on the way.
  const auto watchdog = runtime::watchdog_interval();
  const auto tick = watchdog ? std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog)
                             : std::chrono::milliseconds(1000);
  while (!runtime::shutdown_requested()) {
    runtime::wait_for_event(tick);
    if (watchdog) runtime::notify_watchdog();
    if (runtime::take_reload_request())
      reload(options, running, live, **main_store, clock, snapshot);
  }
  const int code = runtime::wait_for_shutdown();

  // One way out: stop taking new work, let in-flight deliveries finish, then close.
  spdlog::info("stopping: finishing in-flight work (grace {} s)",
               config.serve.shutdown_grace_seconds);
  runtime::notify_stopping();
  stop_workload(live.current());
  (*server)->stop(std::chrono::seconds(config.serve.shutdown_grace_seconds));
  spdlog::info("stopped");
  return code;
}

}  // namespace careerlink::serve
