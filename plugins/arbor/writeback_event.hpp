// The two write-back events the Arbor sink acts on (`pupil.status`, `plan.withdrawn`), read from
// an outbox payload and checked. Every other event is IgnoredEvent: all write-back sinks receive
// all events, and this one only needs these two. Wire format: daemon/guidance/README.md and
// daemon/followup/pupil_status.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace careerlink::arbor {

// A moment to the second, as careerlink writes them ("2026-11-24T09:00:00Z").
using Stamp = std::chrono::sys_seconds;

std::optional<Stamp> parse_stamp(std::string_view iso_utc);
std::string format_stamp(Stamp stamp);

struct PupilRef {
  std::string school_urn;
  std::string upn;
};

struct PlanAction {
  std::string id;
  std::string text;
  std::string owner;   // pupil | tutor | adviser | parent
  std::string status;  // open | done | dropped
  std::optional<std::string> due;
};

struct SharedPlan {
  std::int64_t interview_id = 0;
  std::string provider;
  std::string external_id;
  int version = 0;
  std::string interview_date;
  std::string adviser;
  std::string summary;
  std::optional<std::string> next_review;
  std::vector<PlanAction> actions;
};

struct StatusFlag {
  std::string kind;
  std::string rag;  // red | amber | green
  std::string reason;
};

struct Destination {
  std::string activity_code;
  std::string description;
  std::optional<std::string> provider;
  std::optional<std::string> course;
};

// `pupil.status`: everything the MIS may show about one pupil, now.
struct PupilStatus {
  PupilRef pupil;
  std::string overall_rag;
  std::vector<StatusFlag> flags;
  std::optional<std::string> last_interview_date;
  std::optional<Destination> intended_destination;
  std::optional<SharedPlan> plan;  // absent: no plan, or the pupil did not agree to share it
  std::string panel_path;          // "/panel/pupil?upn=..."
  Stamp as_of{};
};

// `plan.withdrawn`: the pupil no longer agrees to share that interview's plan.
struct PlanWithdrawn {
  PupilRef pupil;
  std::int64_t interview_id = 0;
  // When the pupil withdrew: the payload's `as_of`, else the change time in the idempotency key
  // (`plan:<interview>:withdrawn:<ms>`); unknown when neither says.
  std::optional<Stamp> as_of;
};

struct IgnoredEvent {
  std::string event;
};

using WritebackEvent = std::variant<IgnoredEvent, PupilStatus, PlanWithdrawn>;

// The error says which field is wrong, never its value (the outbox logs reasons).
std::expected<WritebackEvent, std::string> parse_writeback_event(std::string_view payload,
                                                                 std::string_view idempotency_key);

}  // namespace careerlink::arbor
