// Takes the LA's activity survey into the store: each good row becomes an actual destination
// (source "la-survey", confirmed by "la"), its IntendedDestinationYr11 an intended one, and its
// GuaranteeStatusIndicator the pupil's September Guarantee status. The whole file is one
// transaction: a broken file writes nothing; a rejected row (bad UPN, a pupil careerlink does not
// hold, an unknown code, a bad date) is reported with its line and skipped. The same file again
// adds nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "connectors/nccis/la_survey.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::nccis {

// How every destination and status from the survey is labelled in the store.
inline constexpr std::string_view kSurveySource = "la-survey";

struct SurveyImportOptions {
  std::uint64_t max_file_bytes = std::uint64_t{1024} << 20;
  std::string actor = "system";  // for the audit trail: "cli:<user>", a job's name
  std::string origin = "local";
  // Follow-up flags of pupils whose destinations changed are worked out in the same
  // transaction (as the intake API does); nullptr: left for the next rules run.
  const followup::SyncContext* flags = nullptr;
  TimePoint now{};
};

struct SurveyImportSummary {
  std::string file;
  std::string school_urn;
  std::size_t rows = 0;  // data rows in the file
  std::size_t destinations_added = 0;
  std::size_t destinations_unchanged = 0;
  std::size_t guarantee_added = 0;
  std::size_t guarantee_unchanged = 0;
  std::vector<SurveyRejection> rejected;
};

struct SurveyImportFailure {
  SurveyFault fault;
  bool store_failure = false;  // the store failed (not the file)
};

std::expected<SurveyImportSummary, SurveyImportFailure> import_la_survey(
    Store& store, const SchoolInfo& school, const std::filesystem::path& file,
    const SurveyImportOptions& options);

}  // namespace careerlink::nccis
