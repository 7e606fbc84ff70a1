#include "connectors/nccis/la_survey_import.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace careerlink::nccis {
namespace {

SurveyImportFailure store_failed(const std::filesystem::path& file, const StoreError& error) {
  return SurveyImportFailure{SurveyFault{file.string(), 0, "store: " + error.message}, true};
}

// One row's destinations: the activity the LA found (actual) and, when given, what the young
// person intended at Year 11.
std::vector<guidance::Destination> destinations_of(const SurveyRow& row,
                                                   const std::string& school_urn) {
  guidance::Destination actual;
  actual.school_urn = school_urn;
  actual.pupil.upn = row.upn;
  actual.type = "actual";
  actual.activity_code = row.activity_code;
  actual.provider_name = row.establishment_name;
  actual.provider_ukprn = row.ukprn;
  actual.start_date = row.start_date;
  actual.confirmed_by = "la";
  // Verified is the stronger date: the LA checked it with the young person or the provider.
  actual.recorded_on = row.date_verified ? row.date_verified : row.date_ascertained;
  std::vector<guidance::Destination> out{actual};
  if (row.intended_code) {
    guidance::Destination intended;
    intended.school_urn = school_urn;
    intended.pupil.upn = row.upn;
    intended.type = "intended";
    intended.activity_code = *row.intended_code;
    intended.confirmed_by = "la";
    intended.recorded_on = actual.recorded_on;
    out.push_back(std::move(intended));
  }
  return out;
}

}  // namespace

std::expected<SurveyImportSummary, SurveyImportFailure> import_la_survey(
    Store& store, const SchoolInfo& school, const std::filesystem::path& file,
    const SurveyImportOptions& options) {
  auto read = read_la_survey(file, options.max_file_bytes);
  if (!read) return std::unexpected(SurveyImportFailure{read.error(), false});

  SurveyImportSummary summary;
  summary.file = file.string();
  summary.school_urn = school.urn.value_or(school.laestab);
  summary.rows = read->data_rows;
  summary.rejected = std::move(read->rejected);

  auto tx = store.begin();
  if (!tx) return std::unexpected(store_failed(file, tx.error()));
  std::set<std::int64_t> changed_pupils;
  for (const auto& row : read->rows) {
    auto match = (*tx)->match_guidance_pupil(school.id, guidance::PupilRef{row.upn, std::nullopt});
    if (!match) return std::unexpected(store_failed(file, match.error()));
    if (!*match) {
      summary.rejected.push_back(
          {row.line, row.upn,
           fmt::format("column 'UniquePupilNumber': careerlink holds no pupil {} at school {}; "
                       "import the school's pupils first, or check the UPN with the LA",
                       row.upn, summary.school_urn)});
      continue;
    }
    const auto pupil = (*match)->id;
    std::vector<std::string> added;
    for (const auto& d : destinations_of(row, summary.school_urn)) {
      auto put = (*tx)->add_destination(school.id, pupil, kSurveySource, d, options.now);
      if (!put) return std::unexpected(store_failed(file, put.error()));
      if (put->second) {
        ++summary.destinations_added;
        added.push_back(d.type + " " + d.activity_code);
      } else {
        ++summary.destinations_unchanged;
      }
    }
    if (row.guarantee_status) {
      const GuaranteeStatus status{*row.guarantee_status,
                                   row.date_verified ? row.date_verified : row.date_ascertained,
                                   std::string(kSurveySource)};
      auto put = (*tx)->add_guarantee_status(school.id, pupil, kSurveySource, status, options.now);
      if (!put) return std::unexpected(store_failed(file, put.error()));
      if (*put) {
        ++summary.guarantee_added;
        added.push_back("September Guarantee " + status.status);
      } else {
        ++summary.guarantee_unchanged;
      }
    }
    if (added.empty()) continue;
    changed_pupils.insert(pupil);
    // In the same transaction as the change: no change without its audit event.
    auto audited = store.record_audit(
        AuditEvent{0, options.now, options.actor, "destination.create", "pupil:" + (*match)->upn,
                   options.origin,
                   fmt::format("LA activity survey {} line {}: {}", file.filename().string(),
                               row.line, fmt::join(added, ", "))});
    if (!audited) return std::unexpected(store_failed(file, audited.error()));
  }
  std::ranges::sort(summary.rejected, {}, &SurveyRejection::line);
  if (options.flags) {
    for (const auto pupil : changed_pupils) {
      auto flags = followup::sync_pupil_flags(**tx, pupil, *options.flags, true);
      if (!flags) return std::unexpected(store_failed(file, flags.error()));
    }
  }
  nlohmann::ordered_json detail{{"file", file.string()},
                                {"rows", summary.rows},
                                {"destinations_added", summary.destinations_added},
                                {"unchanged", summary.destinations_unchanged},
                                {"guarantee_added", summary.guarantee_added},
                                {"rejected", summary.rejected.size()}};
  auto audited =
      store.record_audit(AuditEvent{0, options.now, options.actor, "la_survey.import",
                                    "school:" + summary.school_urn, options.origin, detail.dump()});
  if (!audited) return std::unexpected(store_failed(file, audited.error()));
  auto recorded = (*tx)->record_import(
      school.id, file.string(), "NCCIS activity survey",
      static_cast<std::int64_t>(summary.destinations_added + summary.guarantee_added), 0,
      static_cast<std::int64_t>(summary.destinations_unchanged + summary.guarantee_unchanged),
      static_cast<std::int64_t>(summary.rejected.size()));
  if (!recorded) return std::unexpected(store_failed(file, recorded.error()));
  if (auto committed = (*tx)->commit(); !committed) {
    return std::unexpected(store_failed(file, committed.error()));
  }
  spdlog::info("LA activity survey {}: {} rows, {} destinations added, {} unchanged, {} rejected",
               summary.file, summary.rows, summary.destinations_added,
               summary.destinations_unchanged, summary.rejected.size());
  return summary;
}

}  // namespace careerlink::nccis
