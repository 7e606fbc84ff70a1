#include "connectors/nccis/nccis_export.hpp"

#include <nlohmann/json.hpp>

#include "daemon/files/atomic_files.hpp"

namespace careerlink::nccis {

std::expected<ExportResult, ExportError> export_return(Store& store, const SchoolInfo& school,
                                                       const ExportRequest& request) {
  auto data = build_return(store, school, request.as_of);
  if (!data) return std::unexpected(ExportError{"store: " + data.error().message, true});
  if (auto written = files::write_atomically(request.out, render_return_csv(*data)); !written) {
    return std::unexpected(ExportError{written.error().to_string(), false});
  }
  ExportResult result{request.out, data->rows.size(), data->year11, data->leavers, data->opted_out};
  nlohmann::ordered_json detail{
      {"file", request.out.string()}, {"as_of", request.as_of},
      {"rows", result.rows},          {"year11", result.year11},
      {"leavers", result.leavers},    {"s72_opted_out", result.opted_out}};
  auto audited =
      store.record_audit(AuditEvent{0, request.now, request.actor, "nccis.export",
                                    "school:" + data->school_urn, request.origin, detail.dump()});
  if (!audited) {
    return std::unexpected(
        ExportError{"the return was written to " + request.out.string() +
                        " but the audit trail could not record it: " + audited.error().message,
                    true});
  }
  return result;
}

std::expected<ExportResult, ExportError> write_monthly_return(Store& store,
                                                              std::string_view school_urn,
                                                              const std::filesystem::path& folder,
                                                              std::string_view as_of,
                                                              std::string_view job, TimePoint now) {
  auto school = store.find_school(school_urn);
  if (!school) return std::unexpected(ExportError{"store: " + school.error().message, true});
  if (!*school || (*school)->urn != school_urn) {
    return std::unexpected(
        ExportError{"careerlink holds no school with URN " + std::string(school_urn) +
                        "; import its pupils first or correct the job's run = \"nccis:<URN>\"",
                    false});
  }
  if (auto made = files::ensure_directory(folder); !made) {
    return std::unexpected(ExportError{made.error().to_string(), false});
  }
  ExportRequest request;
  request.out = folder / monthly_file_name(school_urn, as_of);
  request.as_of = std::string(as_of);
  request.actor = "job:" + std::string(job);
  request.origin = "scheduler";
  request.now = now;
  return export_return(store, **school, request);
}

}  // namespace careerlink::nccis
