#include "daemon/followup/tracker_consent.hpp"

#include <algorithm>

namespace careerlink::followup {

bool trackers_may_receive(const Config& config, std::string_view school_urn,
                          std::optional<bool> pupil_agreed) {
  const auto school = std::ranges::find(config.schools, school_urn, &SchoolConfig::urn);
  if (school != config.schools.end() && school->trackers_lawful_basis == "public_task") {
    return true;
  }
  return pupil_agreed.value_or(false);
}

StoreResult<bool> destinations_may_reach_trackers(Store& store, const Config& config,
                                                  std::int64_t pupil) {
  auto interviews = store.pupil_interviews(pupil);  // oldest first
  if (!interviews) return std::unexpected(interviews.error());
  auto view = store.pupil_by_id(pupil);
  if (!view) return std::unexpected(view.error());
  if (!*view) return false;
  std::optional<bool> agreed;
  if (!interviews->empty()) agreed = interviews->back().share_with_trackers;
  return trackers_may_receive(config, (*view)->school_urn.value_or(""), agreed);
}

}  // namespace careerlink::followup
