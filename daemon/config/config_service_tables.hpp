// The service runtime's config tables ([serve], [outbox], [[job]], [[sink]]), kept apart from the
// import-side tables in config_keys.cpp; builtin_tables() includes them.
#pragma once

#include <vector>

#include "daemon/config/config_keys.hpp"

namespace careerlink {

std::vector<ConfigTable> service_config_tables();

// [school.rules] (path "school[].rules"): the follow-up rules of each [[school]]
// (config_rules_table.cpp); builtin_tables() puts it right after the school table.
ConfigTable rules_config_table();

// [retention]: the retention policy (config_retention_table.cpp).
ConfigTable retention_config_table();

}  // namespace careerlink
