// Turns the config's [[job]] entries into scheduler jobs: "drain:<sink>" delivers that sink's due
// messages, "sync:<source>" takes in new exports from a [[source]] folder (source_sync.hpp),
// "upload:<tracker sink>" sends the night's destinations (a tracker sink without such a job gets
// one at 02:30 Europe/London), "purge" deletes delivered outbox messages past
// outbox.retention_days. Shared by `careerlink serve` and `careerlink jobs list|run`.
#pragma once

#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::serve {

struct JobResources {
  // Drains the named sink once (until nothing is due); nullopt when there is no such sink.
  std::function<std::optional<JobOutcome>(const std::string& sink, const JobContext&)> drain;
  Store* store = nullptr;          // for purge and sync; used only from the scheduler's thread
  std::filesystem::path data_dir;  // for tracker uploads (the pseudonym key)
};

std::expected<std::vector<JobSpec>, std::string> make_jobs(const Config& config,
                                                           const JobResources& resources);

}  // namespace careerlink::serve
