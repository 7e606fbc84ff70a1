// The configured sinks at run time, shared by `careerlink serve` and `careerlink jobs`: each with
// its own store connection (a transaction is per connection), the sink, and its delivery worker.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/outbox/outbox_worker.hpp"
#include "daemon/outbox/sink.hpp"
#include "daemon/serve/job_catalog.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::serve {

struct SinkRuntime {
  std::string name;
  std::unique_ptr<Store> store;
  std::unique_ptr<outbox::Sink> sink;
  std::unique_ptr<outbox::OutboxWorker> worker;
  // A sink named by a drain:<sink> job is delivered by that job on its schedule (a nightly
  // upload); any other sink by a worker thread as soon as messages are due. Never both, so one
  // connection is never used by two threads.
  bool scheduled = false;
  std::jthread thread;
};

using SinkRuntimes = std::vector<std::unique_ptr<SinkRuntime>>;

SqliteOptions sqlite_options(const Config& config);

// Builds every [[sink]] (registering the built-in sink types first). Errors name the sink.
std::expected<SinkRuntimes, std::string> build_sinks(const Config& config,
                                                     const std::filesystem::path& data_dir);

// The "drain:<sink>" job body over these sinks.
decltype(JobResources::drain) drainer(SinkRuntimes& sinks);

}  // namespace careerlink::serve
