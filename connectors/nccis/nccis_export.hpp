// Writing the LA return to a file and recording who did it: shared by `careerlink export nccis`
// and the monthly `nccis:<URN>` job.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "connectors/nccis/nccis_return.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::nccis {

struct ExportRequest {
  std::filesystem::path out;
  std::string as_of;             // ISO date
  std::string actor = "system";  // audit: "cli:<user>", "job:<name>"
  std::string origin = "local";
  TimePoint now{};
};

struct ExportResult {
  std::filesystem::path file;
  std::size_t rows = 0;
  std::size_t year11 = 0;
  std::size_t leavers = 0;
  std::size_t opted_out = 0;
};

struct ExportError {
  std::string message;
  bool store_failure = false;  // the store failed; otherwise the file could not be written
};

// Builds the return, writes it atomically and records an "nccis.export" audit event naming the
// file and the counts (no pupil data).
std::expected<ExportResult, ExportError> export_return(Store& store, const SchoolInfo& school,
                                                       const ExportRequest& request);

// The monthly job: the return as of `as_of` into `folder` (created when missing) as
// nccis-<URN>-<YYYY-MM>.csv, replacing that month's earlier file.
std::expected<ExportResult, ExportError> write_monthly_return(Store& store,
                                                              std::string_view school_urn,
                                                              const std::filesystem::path& folder,
                                                              std::string_view as_of,
                                                              std::string_view job, TimePoint now);

}  // namespace careerlink::nccis
