// The [[job]] run = "retention": plan and apply the policy for the day the run is scheduled for.
#pragma once

#include <expected>
#include <filesystem>
#include <string>

#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::retention {

// A one-line summary of what was done ("3 pupils (1 removed, ...); ..."), or why it failed.
std::expected<std::string, std::string> run_scheduled(Store& store, const Config& config,
                                                      const std::filesystem::path& data_dir,
                                                      TimePoint scheduled_for);

}  // namespace careerlink::retention
