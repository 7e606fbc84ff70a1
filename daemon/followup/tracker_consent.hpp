// Whether a pupil's destinations may go to Compass-style trackers (the tracker sinks ask this
// before they send anything). The school's [[school]] trackers_lawful_basis decides: "consent"
// (the default) needs the pupil's latest interview to say share_with_trackers; "public_task"
// (UK GDPR Art 6(1)(e), the basis CEC and schools use as joint controllers of Compass+:
// reference/careers-domain.md) does not.
#pragma once

#include <cstdint>
#include <string_view>

#include "daemon/config/config.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::followup {

// The pure decision: the school's basis, and what the pupil agreed (nullopt: never asked).
bool trackers_may_receive(const Config& config, std::string_view school_urn,
                          std::optional<bool> pupil_agreed);

// The same for a pupil in the store.
StoreResult<bool> destinations_may_reach_trackers(Store& store, const Config& config,
                                                  std::int64_t pupil);

}  // namespace careerlink::followup
