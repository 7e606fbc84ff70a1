// Guidance records as careerlink holds them: a careers guidance interview, the action plan that
// ends it, and destinations (intended or actual). The words follow ../shared/DESIGN.md; the
// JSON the intake API takes is in interview.schema.json and destination.schema.json beside this
// file. Dates are ISO "YYYY-MM-DD" throughout.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace careerlink::guidance {

// How the pupil is named in a record: by UPN, or by the MIS's own id for the pupil (the id a
// source system gave it, e.g. Arbor's or SIMS's). At least one is set.
struct PupilRef {
  std::optional<std::string> upn;
  std::optional<std::string> mis_id;
  bool operator==(const PupilRef&) const = default;
};

struct Adviser {
  std::string name;
  std::string organisation;
  int qualification_level = 0;  // CDI register: Level 6 or above counts as qualified (B8)
  [[nodiscard]] bool qualified() const { return qualification_level >= 6; }
  bool operator==(const Adviser&) const = default;
};

// The pupil's agreement to share, as recorded at the interview.
struct Consent {
  bool share_with_staff = false;     // plan may reach tutors, the MIS and the panel
  bool share_with_trackers = false;  // destinations may reach Compass-style trackers
  std::string recorded_on;           // date
  std::optional<std::string> recorded_by;
  bool operator==(const Consent&) const = default;
};

// An intended destination as an adviser writes it into a plan.
struct IntendedDestination {
  std::string activity_code;  // NCCIS activity code (nccis_codes.hpp)
  std::optional<std::string> provider;
  std::optional<std::string> course;
  bool operator==(const IntendedDestination&) const = default;
};

struct Action {
  std::string id;  // the provider's id for the action within the plan ("a1")
  std::string text;
  std::string owner;  // pupil | tutor | adviser | parent | other
  std::optional<std::string> due;
  std::string status = "open";  // open | done | dropped
  std::optional<std::string> done_on;
  std::optional<std::string> done_by;
  bool operator==(const Action&) const = default;
};

struct ActionPlan {
  std::string summary;
  std::optional<IntendedDestination> intended_destination;
  std::vector<Action> actions;
  std::optional<std::string> next_review;
  bool operator==(const ActionPlan&) const = default;
};

struct Interview {
  std::string external_id;  // the provider's own id; unique per provider organisation
  std::string school_urn;
  PupilRef pupil;
  std::string date;
  int minutes = 0;
  std::string kind;  // one_to_one | group | drop_in | follow_up
  Adviser adviser;
  std::string provider_type;  // in_house | external
  Consent consent;
  std::optional<ActionPlan> plan;
  bool operator==(const Interview&) const = default;
};

// A destination, intended or actual (POST /api/v1/destinations, drop folder, LA survey).
struct Destination {
  std::string school_urn;
  PupilRef pupil;
  std::string type;           // intended | actual
  std::string activity_code;  // NCCIS activity code
  std::optional<std::string> provider_name;
  std::optional<std::string> provider_urn;    // 6 digits (a school)
  std::optional<std::string> provider_ukprn;  // 8 digits starting 1 (a college, training provider)
  std::optional<std::string> course;
  std::optional<std::string> start_date;
  std::optional<std::string> confirmed_by;  // how it was confirmed: e.g. "pupil", "provider", "la"
  std::optional<std::string> recorded_on;
  bool operator==(const Destination&) const = default;
};

// One thing wrong with a record, named the way the caller sent it: "plan.actions[0].due".
struct FieldError {
  std::string field;
  std::string message;  // what is wrong and what to send instead
  bool operator==(const FieldError&) const = default;
};

}  // namespace careerlink::guidance
