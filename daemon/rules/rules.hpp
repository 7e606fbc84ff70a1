// The follow-up rules: pure functions from one pupil's records to the follow-up flags they call
// for, as of a date. No store, no clock, no I/O: the caller gathers PupilFacts and stores what
// comes back (flag_sync), so the same code answers `flags evaluate --as-of` and the scheduled job.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/guidance/guidance.hpp"

namespace careerlink::rules {

// Ordered: a pupil's overall RAG is the worst (highest) of their open flags.
enum class Rag { green = 0, amber = 1, red = 2 };

std::string_view to_string(Rag rag);             // "green" | "amber" | "red"
std::optional<Rag> parse_rag(std::string_view);  // the same words

// What the rules look at for one pupil, gathered by the caller from the store.
struct PupilFacts {
  std::int64_t pupil_id = 0;
  std::string school_urn;  // who the pupil is, for the events flags become; the rules ignore it
  std::string upn;
  std::optional<std::string> nc_year;  // CTF code: "11", "13", "R", ...
  bool on_roll = true;                 // leavers get no flags
  std::optional<double> attendance_pct;
  std::optional<int> exclusions;   // exclusions recorded this academic year
  std::optional<std::string> sen;  // "N" none | "K" SEN support | "E" EHCP
  std::optional<bool> ehcp, looked_after, fsm, eal, young_carer;

  struct InterviewFact {
    std::string date;  // ISO
    // Counts for Benchmark 8: personal guidance (not a group session) by an adviser qualified
    // to Level 6 or above.
    bool qualified = false;
  };
  std::vector<InterviewFact> interviews;
  // The current plan: the one from the pupil's latest interview that has a plan.
  std::optional<guidance::ActionPlan> plan;
  // An intended destination is known, from the plan or from a destination record.
  bool has_intended_destination = false;
};

// One follow-up a pupil needs. At most one flag of each kind per pupil.
struct Flag {
  std::string kind;  // no_interview | no_second_interview | overdue_action | review_due |
                     // no_intended_destination | neet_risk
  Rag rag = Rag::amber;
  std::string reason;  // plain words for a tutor: what is missing or late, and since when
};

// Every flag the pupil's records call for on `as_of`, in a fixed kind order.
std::vector<Flag> evaluate(const PupilFacts& facts, const RulesConfig& config,
                           std::chrono::year_month_day as_of);

// The worst RAG among `flags`; green when there are none.
Rag overall_rag(std::span<const Flag> flags);

// Flags whose reason speaks of the action plan itself (overdue_action, review_due). They reach
// staff and sinks only when the pupil agreed to share the plan with staff.
bool plan_derived(std::string_view kind);

// The date `month_day` ("MM-DD") falls on in the academic year (1 September to 31 August) that
// contains `as_of`. nullopt for a malformed value or a day that does not exist that year.
std::optional<std::chrono::year_month_day> academic_year_date(std::string_view month_day,
                                                              std::chrono::year_month_day as_of);

}  // namespace careerlink::rules
