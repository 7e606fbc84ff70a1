// The sync:<source> job: takes in the exports an MIS drops into a [[source]] folder (a nightly
// CTF, a scheduled SIMS report). Each file whose content changed since it was last taken in is
// imported in one transaction, like `careerlink import`; files stay where they are, since the
// MIS writes the same names again each night. A file written in the last `settle_seconds` is
// left for the next run, so a half-copied export is never read. A refused file is not
// remembered: it is tried again at each run, and the job reports it until it is fixed.
#pragma once

#include <expected>
#include <string>

#include "connectors/ctf/ctf_source.hpp"
#include "daemon/config/config.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::serve {

// The CTF reader's limits from [import].
CtfOptions ctf_options(const Config& config);

// What can be checked before the first run: a csv source has a mapping, and it loads.
std::expected<void, std::string> check_source(const SourceConfig& source);

JobOutcome sync_source(const SourceConfig& source, const Config& config, Store& store,
                       const JobContext& context);

}  // namespace careerlink::serve
