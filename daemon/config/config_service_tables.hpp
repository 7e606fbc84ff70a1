// The service runtime's config tables ([serve], [outbox], [[job]], [[sink]]), kept apart from the
// import-side tables in config_keys.cpp; builtin_tables() includes them.
#pragma once

#include <vector>

#include "daemon/config/config_keys.hpp"

namespace careerlink {

std::vector<ConfigTable> service_config_tables();

}  // namespace careerlink
