// `careerlink serve`: the long-running service. It wires the parts together (store, outbox
// workers per sink, scheduler, HTTP listener, metrics), signals readiness only when the store is
// migrated and the listener bound, reloads the config on request, and stops through the one
// shutdown path: stop taking new work, let in-flight deliveries finish within the grace period,
// commit, exit 0.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "daemon/config/config.hpp"
#include "daemon/runtime/service_host.hpp"

namespace careerlink::serve {

struct ServeOptions {
  Config config;
  std::optional<std::filesystem::path> config_file;  // re-read on reload
  std::filesystem::path data_dir;
  std::optional<std::string> listen;  // --listen, over serve.listen
  int verbose = 0;
};

// The service body, run under runtime::host_service. Returns the exit status.
int run_service(const ServeOptions& options, const runtime::ServiceHooks& hooks);

}  // namespace careerlink::serve
