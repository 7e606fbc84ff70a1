#include "connectors/tracker/selection.hpp"

#include <map>

#include <date/date.h>
#include <fmt/format.h>

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

// `iso` moved back `days` days; nullopt when it is not a date.
std::optional<std::string> days_before(const std::string& iso, int days) {
  auto parsed = parse_iso_date(iso);
  if (!parsed) return std::nullopt;
  return date::format("%F", std::chrono::sys_days(*parsed) - std::chrono::days(days));
}

// A normal night's work list after `cursor`, or nullopt when the whole roll must be looked at.
std::optional<TrackerChangesSince> changes_since(const std::optional<TrackerCursor>& cursor,
                                                 const std::string& basis, const SinkConfig& sink,
                                                 const std::string& today) {
  if (!cursor || cursor->basis != basis || cursor->as_of > today) return std::nullopt;
  // pseudonymise() is true from leaving date + the period: those whose leaving date passed that
  // line since the last run; and, for leaving dates that are not dates, the raw text against
  // the day itself.
  auto from = days_before(cursor->as_of, sink.pseudonymise_leavers_after_days);
  auto to = days_before(today, sink.pseudonymise_leavers_after_days);
  if (!from || !to) return std::nullopt;
  TrackerChangesSince since{cursor->change_seq, {{*from, *to}}};
  if (sink.pseudonymise_leavers_after_days != 0)
    since.leaving_between.emplace_back(cursor->as_of, today);
  return since;
}

}  // namespace

std::string eligibility_basis(const Config& config, const SinkConfig& sink, std::string_view urn) {
  // trackers_may_receive() decides from the school's basis and the pupil's answer: asking it
  // for a pupil who said no captures the school's part, whatever the basis is called.
  return fmt::format("urn={};without_agreement={};pseudonymise_after_days={}", urn,
                     followup::trackers_may_receive(config, urn, false) ? 1 : 0,
                     sink.pseudonymise_leavers_after_days);
}

StoreResult<Selection> select_records(Store& store, const Config& config, const SinkConfig& sink,
                                      const SchoolInfo& school, const SelectionOptions& options) {
  const std::string urn = school.urn.value_or(school.laestab);
  Selection out;
  // Read before the facts: a change committed meanwhile has a later number, so the next night
  // looks at it (perhaps twice; never not at all).
  auto seq = store.tracker_change_seq();
  if (!seq) return std::unexpected(seq.error());
  auto cursor = store.tracker_cursor(sink.name, school.id);
  if (!cursor) return std::unexpected(cursor.error());
  out.next = TrackerCursor{*seq, options.today, eligibility_basis(config, sink, urn)};
  std::optional<TrackerChangesSince> since;
  if (!options.full) since = changes_since(*cursor, out.next.basis, sink, options.today);
  out.incremental = since.has_value();

  auto rows = store.tracker_source_rows(school.id, since);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> ids;
  if (since) {
    for (const auto& row : *rows)
      ids.push_back(row.pupil_id);
  }
  auto delivered = since ? store.tracker_deliveries_of(sink.name, ids)
                         : store.tracker_deliveries(sink.name, school.id);
  if (!delivered) return std::unexpected(delivered.error());
  std::map<std::int64_t, const TrackerDelivery*> last;
  for (const auto& d : *delivered)
    last[d.pupil_id] = &d;

  for (const auto& row : *rows) {
    ++out.with_destination;
    if (!followup::trackers_may_receive(config, urn, row.agreed_to_trackers)) {
      ++out.without_agreement;
      continue;
    }
    // A pupil retention has pseudonymised already holds the pseudonym: sent as it is.
    const bool already = is_pseudonymous_upn(row.upn);
    const bool pseudonymised = already || pseudonymise(row, sink, options.today);
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
      r.upn = already ? row.upn : pseudonymous_upn(options.pseudonym_key, row.upn);
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
