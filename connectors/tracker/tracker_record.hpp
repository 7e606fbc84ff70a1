// One pupil's record as a tracker receives it, and what says whether the tracker already has it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/guidance/guidance.hpp"

namespace careerlink::tracker {

struct TrackerRecord {
  std::int64_t pupil_id = 0;  // careerlink's own id: never sent
  // The tracker's key for this pupil's record: stable for the pupil's whole life in
  // careerlink, even when they are pseudonymised or their UPN is corrected, and meaningless
  // outside this installation (a keyed hash of the pupil's id, see pseudonym.hpp).
  std::string record_id;
  std::string school_urn;
  std::string upn;  // the pseudonym once the pupil is pseudonymised
  bool pseudonymised = false;
  std::string forename;  // "Redacted" when pseudonymised
  std::string surname;
  std::string dob;  // ISO date; 1901-01-01 when pseudonymised
  std::string nc_year;
  std::string leaving_date;  // "" while on roll
  std::optional<guidance::Destination> intended;
  std::optional<guidance::Destination> actual;
  // A hash of everything above that is sent: a new version is a change the tracker must get.
  std::string version;
  // One per (sink, pupil, version): a tracker that saw this key already holds this version.
  std::string idempotency_key;
};

// The record in the tracker API's shape (connectors/tracker/README.md), without the key.
nlohmann::json record_json(const TrackerRecord& record);

// Fills version and idempotency_key from the rest.
void stamp(TrackerRecord& record, std::string_view sink);

}  // namespace careerlink::tracker
