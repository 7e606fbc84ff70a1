// Shared by the SIMS sink's tests: the write-back payloads as careerlink sends them, outbox
// messages around them, and a way to see every file a folder holds.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/store/store.hpp"

namespace careerlink::sims::test {

inline constexpr const char* kUrn = "137942";
inline constexpr const char* kUpn = "B820432116017";
inline constexpr const char* kOtherUpn = "A123456789012";

// The example "pupil.status" from the write-back event list, for `upn` at `as_of`.
inline nlohmann::json status_payload(const std::string& upn = kUpn,
                                     const std::string& as_of = "2026-11-24T09:00:00Z") {
  return nlohmann::json::parse(R"({
    "event": "pupil.status",
    "pupil": {"school_urn": "137942", "upn": "B820432116017"},
    "overall_rag": "amber",
    "flags": [{"kind": "no_interview", "rag": "amber",
               "reason": "No guidance interview yet; due by 31/03/2027"}],
    "last_interview_date": "2026-10-01",
    "intended_destination": {"activity_code": "210",
                             "description": "Full-time education - school sixth form",
                             "provider": "Hillside Sixth Form"},
    "plan": {"interview_id": 12, "provider": "north-careers", "external_id": "INT-1",
             "version": 2, "interview_date": "2026-10-01", "adviser": "Sam Adviser",
             "summary": "Wants to study engineering...", "next_review": "2027-01-15",
             "actions": [{"id": "a1", "text": "Visit two sixth form open evenings",
                          "owner": "pupil", "due": "2026-12-01", "status": "open"}]},
    "panel_path": "/panel/pupil?upn=B820432116017",
    "as_of": "2026-11-24T09:00:00Z"})")
      .patch(nlohmann::json::array(
          {{{"op", "replace"}, {"path", "/pupil/upn"}, {"value", upn}},
           {{"op", "replace"}, {"path", "/panel_path"}, {"value", "/panel/pupil?upn=" + upn}},
           {{"op", "replace"}, {"path", "/as_of"}, {"value", as_of}}}));
}

inline nlohmann::json withdrawn_payload(const std::string& upn = kUpn,
                                        std::int64_t interview_id = 12) {
  return {{"event", "plan.withdrawn"},
          {"pupil", {{"school_urn", kUrn}, {"upn", upn}}},
          {"provider", "north-careers"},
          {"external_id", "INT-1"},
          {"interview_id", interview_id},
          {"note", "The pupil no longer agrees to share this plan with school staff."}};
}

inline OutboxMessage message(const nlohmann::json& payload, std::int64_t id = 1,
                             TimePoint created = {}) {
  OutboxMessage m;
  m.id = id;
  m.sink = "sims";
  m.idempotency_key = "test:" + std::to_string(id);
  m.payload = payload.dump();
  m.created_at = created;
  return m;
}

inline OutboxMessage raw_message(std::string payload, std::int64_t id = 1) {
  OutboxMessage m;
  m.id = id;
  m.sink = "sims";
  m.idempotency_key = "test:" + std::to_string(id);
  m.payload = std::move(payload);
  return m;
}

inline TimePoint at(const std::string& iso) {
  // Test times are whole seconds in UTC: "2026-11-24T09:00:00Z".
  std::chrono::sys_seconds t{};
  const int y = std::stoi(iso.substr(0, 4));
  const unsigned mo = static_cast<unsigned>(std::stoi(iso.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(iso.substr(8, 2)));
  t = std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}} +
      std::chrono::hours(std::stoi(iso.substr(11, 2))) +
      std::chrono::minutes(std::stoi(iso.substr(14, 2))) +
      std::chrono::seconds(std::stoi(iso.substr(17, 2)));
  return t;
}

// Every file and folder under `root`, as sorted relative paths with "/" separators.
inline std::vector<std::string> tree(const std::filesystem::path& root) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    out.push_back(std::filesystem::relative(e.path(), root).generic_string());
  std::ranges::sort(out);
  return out;
}

}  // namespace careerlink::sims::test
