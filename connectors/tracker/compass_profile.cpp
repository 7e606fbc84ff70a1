#include "connectors/tracker/compass_profile.hpp"

#include <array>

#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::tracker {
namespace {

constexpr std::array<std::string_view, 10> kCompassColumns{"UPN",
                                                           "Forename",
                                                           "Surname",
                                                           "DateOfBirth",
                                                           "Year",
                                                           "IntendedDestination",
                                                           "ActualDestination",
                                                           "ActivityCode",
                                                           "Provider",
                                                           "DateRecorded"};

// The NCCIS description a person reading the tracker understands; the bare code when the
// code is not in the NCCIS list (the code column still carries it either way).
std::string describe(const std::optional<guidance::Destination>& d) {
  if (!d) return {};
  const auto* activity = guidance::find_activity(d->activity_code);
  if (activity == nullptr || activity->description.empty()) return d->activity_code;
  return std::string(activity->description);
}

// ISO date only: recorded_on is a date, but a timestamp would still sort and cut cleanly.
std::string iso_date(const std::optional<std::string>& value) {
  if (!value) return {};
  return value->substr(0, 10);
}

std::vector<std::string> compass_row(const TrackerRecord& r) {
  // What the pupil is doing now wins over what they meant to do.
  const auto& main = r.actual ? r.actual : r.intended;
  std::string provider;
  if (main) {
    if (main->provider_name && !main->provider_name->empty()) {
      provider = *main->provider_name;
    } else if (main->provider_ukprn) {
      provider = *main->provider_ukprn;
    } else if (main->provider_urn) {
      provider = *main->provider_urn;
    }
  }
  std::string recorded = iso_date(r.intended ? r.intended->recorded_on : std::nullopt);
  if (auto actual = iso_date(r.actual ? r.actual->recorded_on : std::nullopt); actual > recorded) {
    recorded = actual;
  }
  // Pseudonymised records already hold "Redacted", 1901-01-01 and the pseudonym: sent as held.
  return {r.upn,
          r.forename,
          r.surname,
          r.dob,
          r.nc_year,
          describe(r.intended),
          describe(r.actual),
          main ? main->activity_code : std::string{},
          provider,
          recorded};
}

constexpr std::array kProfiles{CsvProfile{"compass", kCompassColumns, compass_row}};

}  // namespace

const CsvProfile* find_csv_profile(std::string_view name) {
  for (const auto& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_document(const CsvProfile& profile, std::span<const TrackerRecord> records) {
  std::string out;
  auto line = [&out](const auto& fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      out += csv_field(f);
    }
    out += "\r\n";
  };
  line(profile.columns);
  for (const auto& r : records)
    line(profile.row(r));
  return out;
}

}  // namespace careerlink::tracker
