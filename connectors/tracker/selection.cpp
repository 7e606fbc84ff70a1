#include "connectors/tracker/selection.hpp"

#include <map>

#include "connectors/tracker/pseudonym.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/followup/tracker_consent.hpp"

namespace careerlink::tracker {
namespace {

// The day from which a leaver is sent pseudonymised: leaving date + the sink's days.
bool pseudonymise(const TrackerSourceRow& row, const SinkConfig& sink, const std::string& today) {
  if (!row.leaving_date || row.leaving_date->empty()) return false;
  if (*row.leaving_date > today) return false;  // leaves in future: still on roll
  auto leaving = parse_iso_date(*row.leaving_date);
  if (!leaving) return true;  // an unreadable leaving date: err on the side of privacy
  const auto from =
      std::chrono::sys_days(*leaving) + std::chrono::days(sink.pseudonymise_leavers_after_days);
  auto now = parse_iso_date(today);
  return !now || std::chrono::sys_days(*now) >= from;
}

}  // namespace

StoreResult<Selection> select_records(Store& store, const Config& config, const SinkConfig& sink,
                                      const SchoolInfo& school, const SelectionOptions& options) {
  auto rows = store.tracker_source_rows(school.id);
  if (!rows) return std::unexpected(rows.error());
  auto delivered = store.tracker_deliveries(sink.name, school.id);
  if (!delivered) return std::unexpected(delivered.error());
  std::map<std::int64_t, const TrackerDelivery*> last;
  for (const auto& d : *delivered)
    last[d.pupil_id] = &d;

  const std::string urn = school.urn.value_or(school.laestab);
  Selection out;
  for (const auto& row : *rows) {
    ++out.with_destination;
    if (!followup::trackers_may_receive(config, urn, row.agreed_to_trackers)) {
      ++out.without_agreement;
      continue;
    }
    const bool pseudonymised = pseudonymise(row, sink, options.today);
    const std::string version = source_version(row, pseudonymised);
    if (!options.full) {
      auto it = last.find(row.pupil_id);
      if (it != last.end() && it->second->version == version) {
        if (it->second->status == "accepted") {
          ++out.unchanged;
        } else {
          ++out.rejected_before;
        }
        continue;
      }
    }
    TrackerRecord r;
    r.pupil_id = row.pupil_id;
    r.record_id = pseudonymous_upn(options.pseudonym_key, "pupil:" + std::to_string(row.pupil_id));
    r.school_urn = urn;
    r.nc_year = row.nc_year.value_or("");
    r.leaving_date = row.leaving_date.value_or("");
    r.intended = row.intended;
    r.actual = row.actual;
    r.pseudonymised = pseudonymised;
    if (pseudonymised) {
      r.upn = pseudonymous_upn(options.pseudonym_key, row.upn);
      r.forename = r.surname = std::string(kRedactedName);
      r.dob = std::string(kRedactedDob);
      for (auto* d : {&r.intended, &r.actual}) {
        if (*d) (*d)->pupil.upn = r.upn;
      }
    } else {
      r.upn = row.upn;
      r.forename = row.forename.value_or("");
      r.surname = row.surname.value_or("");
      r.dob = row.dob.value_or("");
    }
    r.version = version;
    r.idempotency_key = idempotency_key(sink.name, row.pupil_id, version);
    if (r.pseudonymised) ++out.pseudonymised;
    out.to_send.push_back(std::move(r));
  }
  return out;
}

}  // namespace careerlink::tracker
