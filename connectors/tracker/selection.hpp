// Which records a tracker sink sends tonight: every pupil with a destination the tracker may
// receive (consent or the school's lawful basis: followup/tracker_consent.hpp), leavers
// pseudonymised after the sink's period, and of those only the ones whose record changed
// since the tracker last accepted it (all of them for a full resend).
//
// A normal night looks only at the pupils whose facts changed since the sink's last complete
// run of the school (the store numbers every change: TrackerCursor), and at leavers who crossed
// the pseudonymisation date since; the school's whole roll is read on the first run, on a full
// resend, and when what decides eligibility (the lawful basis, the period, the URN) changed.
#pragma once

#include <string>
#include <vector>

#include "connectors/tracker/tracker_record.hpp"
#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::tracker {

struct SelectionOptions {
  std::string today;          // ISO date (school time): who has left, who is pseudonymised
  std::string pseudonym_key;  // pseudonym.hpp
  bool full = false;
};

struct Selection {
  std::vector<TrackerRecord> to_send;
  bool incremental = false;   // only the pupils changed since the last run were looked at
  int with_destination = 0;   // pupils looked at (all, or the changed ones) with a destination
  int without_agreement = 0;  // of those, not sent: no consent (and no other lawful basis)
  int unchanged = 0;          // the tracker already accepted this version
  int rejected_before = 0;    // this version was rejected before: not sent again until it changes
  int pseudonymised = 0;      // of those sent
  // Where the next normal night starts, once everything selected tonight has an answer.
  TrackerCursor next;
};

// What decides, besides the store's facts, whether and how a school's pupils go to `sink`.
std::string eligibility_basis(const Config& config, const SinkConfig& sink, std::string_view urn);

StoreResult<Selection> select_records(Store& store, const Config& config, const SinkConfig& sink,
                                      const SchoolInfo& school, const SelectionOptions& options);

}  // namespace careerlink::tracker
