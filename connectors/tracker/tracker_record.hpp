// One pupil's record as a tracker receives it, and what says whether the tracker already has it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/guidance/guidance.hpp"
#include "daemon/store/store.hpp"

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
  // A hash of the facts the record is made from (source_version): a new version is a change
  // the tracker must get.
  std::string version;
  // One per (sink, pupil, version): a tracker that saw this key already holds this version.
  std::string idempotency_key;
};

// The record in the tracker API's shape (connectors/tracker/README.md), without the key.
nlohmann::json record_json(const TrackerRecord& record);

// The version of the record a pupil's stored facts make (pseudonymised or not), hashed from the
// facts themselves: no JSON and no keyed hash, so an unchanged pupil costs one SHA-256 a night
// and only changed records are built in full.
std::string source_version(const TrackerSourceRow& row, bool pseudonymised);
// One key per (sink, pupil, version).
std::string idempotency_key(std::string_view sink, std::int64_t pupil_id, std::string_view version);

}  // namespace careerlink::tracker
