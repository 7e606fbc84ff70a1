// What `careerlink pupils show` prints about a pupil's careers guidance: whether their plan may
// be shared with staff ("not shared" when not), their interviews, the current action plan,
// destinations and open follow-up flags. Gathered once, printed as text or JSON.
#pragma once

#include <iosfwd>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/store/store.hpp"

namespace careerlink::cli {

struct PupilGuidance {
  std::optional<bool> plan_shared;  // nullopt: no interview yet
  std::vector<StoredInterview> interviews;
  std::optional<StoredPlanVersion> current_plan;
  std::vector<StoredDestination> destinations;
  std::vector<StoredFlag> flags;
};

StoreResult<PupilGuidance> load_guidance(Store& store, std::int64_t pupil);

nlohmann::ordered_json guidance_json(const PupilGuidance& g);
void print_guidance(std::ostream& out, const PupilGuidance& g);

}  // namespace careerlink::cli
