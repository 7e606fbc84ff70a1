// The write-back events the SIMS sink acts on, read from outbox payloads into checked values:
// "pupil.status" (the whole current write-back view of one pupil) and "plan.withdrawn" (the
// pupil no longer agrees to share a plan). Any other event is recognised and left alone. A
// payload that is not what it claims to be is an error in words that name the field, never its
// value (reasons end up in the outbox and the logs).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "daemon/rules/rules.hpp"

namespace careerlink::sims {

using TimePoint = std::chrono::system_clock::time_point;

// The UPN is used as a file name and the URN as a folder name, so both are checked for shape
// (13 capital letters and digits; 6 digits) before anything touches the disk.
struct PupilKey {
  std::string school_urn;
  std::string upn;
};

struct Flag {
  std::string kind;  // "no_interview", ...
  rules::Rag rag = rules::Rag::green;
  std::string reason;  // plain words, written for staff
};

struct Destination {
  std::string activity_code;  // NCCIS, three digits; "" when only words were given
  std::string description;    // as given, else the NCCIS code's own words
  std::string provider;
};

struct Action {
  std::string id;
  std::string text;
  std::string owner;               // pupil | tutor | adviser | parent | ...
  std::string status;              // open | done | ...
  std::optional<std::string> due;  // ISO date
};

struct Plan {
  std::optional<std::int64_t> interview_id;
  std::string provider;
  std::string external_id;
  std::optional<std::int64_t> version;
  std::optional<std::string> interview_date;  // ISO date
  std::string adviser;
  std::string summary;
  std::optional<std::string> next_review;  // ISO date
  std::vector<Action> actions;
};

struct PupilStatus {
  PupilKey pupil;
  rules::Rag overall_rag = rules::Rag::green;
  std::vector<Flag> flags;
  std::optional<std::string> last_interview_date;  // ISO date
  std::optional<Destination> intended_destination;
  std::optional<Plan> plan;  // none, or not shared with staff
  std::string panel_path;    // "/panel/pupil?upn=..."; made from the UPN when not given
  TimePoint as_of{};
};

struct PlanWithdrawn {
  PupilKey pupil;
  std::string provider;
  std::string external_id;
  std::optional<std::int64_t> interview_id;
};

// Any other event ("flag.raised", "plan.shared", ...): the status event carries its effect.
struct OtherEvent {
  std::string event;
};

using Event = std::variant<PupilStatus, PlanWithdrawn, OtherEvent>;

// Reads one outbox payload. The error says which field is wrong ("pupil.upn is not ...").
std::expected<Event, std::string> parse_event(std::string_view payload);

// A "pupil.status" document (the payload, or the copy kept in the sink's state file).
std::expected<PupilStatus, std::string> parse_status(const nlohmann::json& doc);
// The inverse of parse_status: parse_status(status_json(s)) gives s back.
nlohmann::json status_json(const PupilStatus& status);

// Whether a withdrawal is about this plan: the same interview, or the same provider record.
bool is_same_plan(const Plan& plan, const PlanWithdrawn& withdrawn);

// ISO 8601 date-time with Z or an offset, optional fractions ("2026-11-24T09:00:00Z").
std::optional<TimePoint> parse_timestamp(std::string_view text);
// The same in UTC, with a fraction only when there is one, so it reads back to the same moment.
std::string format_timestamp(TimePoint t);

}  // namespace careerlink::sims
