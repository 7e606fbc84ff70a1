// `careerlink serve`, `careerlink status`, `careerlink jobs list|run` and
// `careerlink service install|uninstall`.
#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/config/secret_ref.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/http/client/http_client.hpp"
#include "daemon/logging/logging.hpp"
#include "daemon/runtime/service_host.hpp"
#include "daemon/runtime/signals.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/serve/job_catalog.hpp"
#include "daemon/serve/service.hpp"
#include "daemon/serve/sink_runtime.hpp"

namespace careerlink::cli {
namespace {

constexpr int kUnavailable = 69;  // EX_UNAVAILABLE

int serve(Context& context, const std::optional<std::string>& listen) {
#ifndef _WIN32
  // Before any thread starts, so every thread inherits the blocked signals.
  runtime::SignalWatcher signals;
#endif
  if (!context.load_for_service()) return exit_code::config_error;
  serve::ServeOptions options;
  options.config = context.config();
  options.config_file = context.config_path();
  options.data_dir = context.data_dir();
  options.listen = listen;
  options.verbose = context.verbose;
  return runtime::host_service([&options](const runtime::ServiceHooks& hooks) {
    return serve::run_service(options, hooks);
  });
}

// Jobs as this process sees them: built from the config, with the store's run history.
struct JobsCommand {
  std::unique_ptr<Store> store;
  serve::SinkRuntimes sinks;
  SystemClock clock;
  std::unique_ptr<Scheduler> scheduler;
};

std::expected<std::unique_ptr<JobsCommand>, std::string> jobs_command(Context& context) {
  auto cmd = std::make_unique<JobsCommand>();
  auto store = open_sqlite_store(context.data_dir(), serve::sqlite_options(context.config()));
  if (!store) return std::unexpected(store.error().message);
  cmd->store = std::move(*store);
  auto sinks = serve::build_sinks(context.config(), context.data_dir());
  if (!sinks) return std::unexpected(sinks.error());
  cmd->sinks = std::move(*sinks);
  cmd->scheduler =
      std::make_unique<Scheduler>(*cmd->store, cmd->clock, context.data_dir() / "locks");
  serve::JobResources resources;
  resources.store = cmd->store.get();
  resources.data_dir = context.data_dir();
  resources.drain = serve::drainer(cmd->sinks);
  auto jobs = serve::make_jobs(context.config(), resources);
  if (!jobs) return std::unexpected(jobs.error());
  for (auto& job : *jobs) {
    if (auto added = cmd->scheduler->add_job(std::move(job)); !added) {
      return std::unexpected(added.error());
    }
  }
  return cmd;
}

int list_jobs(Context& context, const std::string& format) {
  if (!context.load()) return exit_code::config_error;
  auto cmd = jobs_command(context);
  if (!cmd) {
    std::cerr << "careerlink: " << cmd.error() << '\n';
    return exit_code::config_error;
  }
  auto jobs = (*cmd)->scheduler->jobs();
  if (!jobs) {
    std::cerr << "careerlink: " << jobs.error() << '\n';
    return exit_code::io_error;
  }
  auto when = [](const std::optional<TimePoint>& t) { return t ? iso_utc(*t) : std::string("-"); };
  if (format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& j : *jobs) {
      nlohmann::ordered_json row;
      row["name"] = j.name;
      row["schedule"] = j.schedule;
      row["time_zone"] = j.time_zone;
      row["next_run"] = j.next_run ? nlohmann::ordered_json(iso_utc(*j.next_run)) : nullptr;
      if (j.last_run) {
        row["last_run"] = {{"started_at", iso_utc(j.last_run->started_at)},
                           {"result", j.last_run->result},
                           {"message", j.last_run->message}};
      } else {
        row["last_run"] = nullptr;
      }
      out.push_back(std::move(row));
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  if (jobs->empty()) std::cout << "no jobs configured ([[job]] in the config file)\n";
  for (const auto& j : *jobs) {
    std::cout << std::left << std::setw(20) << j.name << std::setw(16) << j.schedule << "next "
              << when(j.next_run) << "  last "
              << (j.last_run ? iso_utc(j.last_run->started_at) + " " + j.last_run->result +
                                   (j.last_run->message.empty() ? "" : ": " + j.last_run->message)
                             : std::string("never"))
              << '\n';
  }
  return exit_code::ok;
}

int run_job(Context& context, const std::string& name) {
  if (!context.load()) return exit_code::config_error;
  auto cmd = jobs_command(context);
  if (!cmd) {
    std::cerr << "careerlink: " << cmd.error() << '\n';
    return exit_code::config_error;
  }
  auto outcome = (*cmd)->scheduler->run_now(name);
  if (!outcome) {
    std::cerr << "careerlink: " << outcome.error() << '\n';
    return exit_code::failure;
  }
  std::cout << name << ": " << to_string(outcome->kind)
            << (outcome->message.empty() ? "" : ": " + outcome->message) << '\n';
  return outcome->kind == JobOutcome::Kind::ok ? exit_code::ok : exit_code::failure;
}

// Asks the running service for /api/v1/status on its configured listener.
int status(Context& context, const std::string& format) {
  if (!context.load()) return exit_code::config_error;
  const auto& serve = context.config().serve;
  const bool tls = serve.tls_cert_file.has_value();
  std::string host = serve.listen;
  // A service listening on every address is asked on loopback.
  if (host.starts_with("0.0.0.0:")) host = "127.0.0.1:" + host.substr(8);
  if (host.starts_with("[::]:")) host = "[::1]:" + host.substr(5);
  http::ClientOptions client_options;
  client_options.verify_tls = false;  // our own listener, on this machine
  http::HttpClient client(client_options);
  http::HttpRequest request;
  request.url = std::string(tls ? "https://" : "http://") + host + "/api/v1/status";
  auto token = read_secret("serve.admin_token", serve.admin_token_file, serve.admin_token_env);
  if (token && *token) request.headers.push_back({"Authorization", "Bearer " + **token});
  auto response = client.send(request);
  if (!response) {
    std::cerr << "careerlink: the service is not answering at " << request.url << " ("
              << response.error().to_string() << "); is `careerlink serve` running?\n";
    return kUnavailable;
  }
  if (response->status != 200) {
    std::cerr << "careerlink: " << request.url << " answered " << response->status << '\n';
    return kUnavailable;
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (format == "json" || body.is_discarded()) {
    std::cout << response->body << '\n';
    return exit_code::ok;
  }
  std::cout << "careerlink " << body.value("version", "?") << " running since "
            << body.value("started_at", "?") << ", listening on " << body.value("listen", "?")
            << "\ndata directory " << body.value("data_dir", "?") << " (schema "
            << body.value("schema_version", 0) << ")\n";
  for (const auto& o : body["outbox"]) {
    std::cout << "outbox " << o.value("sink", "?") << " " << o.value("state", "?") << ": "
              << o.value("count", 0) << '\n';
  }
  for (const auto& j : body["jobs"]) {
    std::cout << "job " << j.value("name", "?") << ": next "
              << (j["next_run"].is_string() ? j["next_run"].get<std::string>() : "-") << ", last "
              << (j["last_run"].is_object() ? j["last_run"].value("result", "?") : "never") << '\n';
  }
  return exit_code::ok;
}

}  // namespace

void add_serve_commands(CLI::App& app, Context& context, Action& action) {
  auto listen = std::make_shared<std::optional<std::string>>();
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "Run the service in the foreground (systemd, the Windows service manager, or a "
      "terminal); stop it with SIGTERM or Ctrl+C, reload the config with SIGHUP");
  serve_cmd->add_option("--listen", *listen,
                        "ADDRESS:PORT (default: serve.listen, 127.0.0.1:8470)");
  serve_cmd->callback([&context, &action, listen] {
    action = [&context, listen] { return serve(context, *listen); };
  });

  auto status_format = std::make_shared<std::string>("text");
  auto* status_cmd = app.add_subcommand("status", "Ask the running service how it is");
  status_cmd->add_option("--format", *status_format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  status_cmd->callback([&context, &action, status_format] {
    action = [&context, status_format] { return status(context, *status_format); };
  });

  auto* jobs = app.add_subcommand("jobs", "Scheduled jobs: list them, or run one now");
  jobs->require_subcommand(1);
  auto jobs_format = std::make_shared<std::string>("text");
  auto* list = jobs->add_subcommand("list", "Each job's schedule, next run and last result");
  list->add_option("--format", *jobs_format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  list->callback([&context, &action, jobs_format] {
    action = [&context, jobs_format] { return list_jobs(context, *jobs_format); };
  });
  auto name = std::make_shared<std::string>();
  auto* run = jobs->add_subcommand("run", "Run a job now, in this process, and record the run");
  run->add_option("NAME", *name, "the job's name")->required();
  run->callback(
      [&context, &action, name] { action = [&context, name] { return run_job(context, *name); }; });

  auto* service =
      app.add_subcommand("service", "Windows: install or remove the careerlink service");
  service->require_subcommand(1);
  auto* install = service->add_subcommand(
      "install", "Register `careerlink serve` with the service manager (restart on failure)");
  install->callback([&context, &action] {
    action = [&context] {
      std::string args;
      if (context.config_file) args += "--config \"" + *context.config_file + "\" ";
      if (context.data_dir_option) args += "--data-dir \"" + *context.data_dir_option + "\"";
      // Global options go before the subcommand.
      return runtime::install_service(args);
    };
  });
  auto* uninstall = service->add_subcommand("uninstall", "Stop and remove the careerlink service");
  uninstall->callback([&action] { action = [] { return runtime::uninstall_service(); }; });
}

}  // namespace careerlink::cli
