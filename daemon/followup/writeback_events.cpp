#include "daemon/followup/writeback_events.hpp"

#include <charconv>
#include <chrono>

#include "daemon/domain/dates.hpp"

namespace careerlink::followup {
namespace {

nlohmann::json pupil_json(const PupilKey& pupil) {
  return {{"school_urn", pupil.school_urn}, {"upn", pupil.upn}};
}

StoreResult<void> enqueue_all(StoreTransaction& tx, std::span<const std::string> sinks,
                              const std::string& key, const nlohmann::json& payload) {
  const std::string text = payload.dump();
  for (const auto& sink : sinks) {
    auto queued = tx.enqueue(OutboxDraft{sink, key, text});
    if (!queued) return std::unexpected(queued.error());
  }
  return {};
}

// The change key (Unix ms) as an ISO time, for receivers that order events by it.
std::string moment_of(std::string_view change_key) {
  std::int64_t ms = 0;
  const auto* end = change_key.data() + change_key.size();
  if (std::from_chars(change_key.data(), end, ms).ptr != end) return {};
  return iso_utc(TimePoint{std::chrono::milliseconds(ms)});
}

}  // namespace

std::string change_key(TimePoint at) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

StoreResult<void> enqueue_flag_event(StoreTransaction& tx, std::span<const std::string> sinks,
                                     std::string_view event, const PupilKey& pupil,
                                     const StoredFlag& flag, rules::Rag overall,
                                     std::string_view change_key, std::string_view note) {
  if (sinks.empty()) return {};
  nlohmann::json f{{"id", flag.id},
                   {"kind", flag.kind},
                   {"rag", rules::to_string(flag.rag)},
                   {"reason", flag.reason},
                   {"raised_at", iso_utc(flag.raised_at)}};
  f["cleared_at"] = flag.cleared_at ? nlohmann::json(iso_utc(*flag.cleared_at)) : nullptr;
  nlohmann::json payload{{"event", event},
                         {"pupil", pupil_json(pupil)},
                         {"flag", std::move(f)},
                         {"overall_rag", rules::to_string(overall)}};
  if (!note.empty()) payload["note"] = note;
  const std::string key =
      "flag:" + std::to_string(flag.id) + ":" + std::string(event) + ":" + std::string(change_key);
  return enqueue_all(tx, sinks, key, payload);
}

StoreResult<void> enqueue_plan_shared(StoreTransaction& tx, std::span<const std::string> sinks,
                                      const PupilKey& pupil, std::int64_t interview_id,
                                      std::string_view provider, const nlohmann::json& interview,
                                      int plan_version, std::string_view change_key) {
  if (sinks.empty()) return {};
  nlohmann::json payload{{"event", "plan.shared"},
                         {"pupil", pupil_json(pupil)},
                         {"provider", provider},
                         {"interview", interview},
                         {"plan_version", plan_version}};
  // Names stay out of the payload: the adviser's name is staff data, but the pupil's is not needed.
  payload["interview"].erase("pupil");
  const std::string key =
      "plan:" + std::to_string(interview_id) + ":shared:" + std::string(change_key);
  return enqueue_all(tx, sinks, key, payload);
}

StoreResult<void> enqueue_plan_withdrawn(StoreTransaction& tx, std::span<const std::string> sinks,
                                         const PupilKey& pupil, std::int64_t interview_id,
                                         std::string_view provider, std::string_view external_id,
                                         std::string_view change_key) {
  if (sinks.empty()) return {};
  nlohmann::json payload{
      {"event", "plan.withdrawn"},
      {"pupil", pupil_json(pupil)},
      {"provider", provider},
      {"external_id", external_id},
      {"interview_id", interview_id},
      {"as_of", moment_of(change_key)},
      {"note",
       "The pupil no longer agrees to share this plan with school staff: remove it and anything "
       "taken from it."}};
  const std::string key =
      "plan:" + std::to_string(interview_id) + ":withdrawn:" + std::string(change_key);
  return enqueue_all(tx, sinks, key, payload);
}

}  // namespace careerlink::followup
