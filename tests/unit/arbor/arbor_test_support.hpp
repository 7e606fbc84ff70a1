// Payloads for the Arbor sink's tests: the `pupil.status` and `plan.withdrawn` events as
// daemon/followup writes them, with the parts a test varies.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "daemon/store/store.hpp"

namespace careerlink::arbor::test_support {

inline constexpr const char* kUrn = "137942";
inline constexpr const char* kUpn = "B820432116017";

struct StatusSpec {
  std::string upn = kUpn;
  std::string rag = "amber";
  bool with_plan = true;
  std::int64_t interview_id = 12;
  std::string as_of = "2026-11-24T09:00:00Z";
  std::string first_action_status = "open";
  std::string plan_summary = "Wants to study engineering at college";
};

// The example from the brief (daemon/followup/pupil_status.cpp's shape).
inline nlohmann::json status_json(const StatusSpec& s = {}) {
  nlohmann::json plan = nullptr;
  if (s.with_plan) {
    plan = {{"interview_id", s.interview_id},
            {"provider", "north-careers"},
            {"external_id", "INT-1"},
            {"version", 2},
            {"interview_date", "2026-10-01"},
            {"adviser", "Sam Adviser"},
            {"summary", s.plan_summary},
            {"next_review", "2027-01-15"},
            {"actions",
             {{{"id", "a1"},
               {"text", "Visit two sixth form open evenings"},
               {"owner", "pupil"},
               {"due", "2026-12-01"},
               {"status", s.first_action_status}},
              {{"id", "a2"},
               {"text", "Write a personal statement draft"},
               {"owner", "pupil"},
               {"due", "2026-11-30"},
               {"status", "open"}},
              {{"id", "a3"},
               {"text", "Book work experience"},
               {"owner", "tutor"},
               {"due", nullptr},
               {"status", "open"}},
              {{"id", "a4"},
               {"text", "Old idea no longer wanted"},
               {"owner", "pupil"},
               {"due", "2026-10-10"},
               {"status", "dropped"}}}}};
  }
  return {{"event", "pupil.status"},
          {"pupil", {{"school_urn", kUrn}, {"upn", s.upn}}},
          {"overall_rag", s.rag},
          {"flags",
           {{{"kind", "no_interview"},
             {"rag", "amber"},
             {"reason", "No guidance interview yet; due by 31/03/2027"}}}},
          {"last_interview_date", "2026-10-01"},
          {"intended_destination",
           {{"activity_code", "210"},
            {"description", "Full-time education - school sixth form"},
            {"provider", "Hillside Sixth Form"},
            {"course", nullptr}}},
          {"plan", plan},
          {"panel_path", "/panel/pupil?upn=" + s.upn},
          {"as_of", s.as_of}};
}

inline std::string status_payload(const StatusSpec& s = {}) {
  return status_json(s).dump();
}

inline std::string withdrawn_payload(std::int64_t interview_id = 12, std::string upn = kUpn) {
  return nlohmann::json{
      {"event", "plan.withdrawn"},    {"pupil", {{"school_urn", kUrn}, {"upn", std::move(upn)}}},
      {"provider", "north-careers"},  {"external_id", "INT-1"},
      {"interview_id", interview_id}, {"note", "The pupil no longer agrees to share this plan."}}
      .dump();
}

inline OutboxMessage message(std::string key, std::string payload, std::int64_t id = 1) {
  OutboxMessage m;
  m.id = id;
  m.sink = "arbor";
  m.idempotency_key = std::move(key);
  m.payload = std::move(payload);
  return m;
}

}  // namespace careerlink::arbor::test_support
