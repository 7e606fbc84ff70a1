// The advisers' drop folder: a [[source]] with type = "guidance", taken in by its sync:<name>
// job. Each CSV or JSON file there (daemon/guidance/README.md has the columns and the shape) is
// one transaction: every interview in it is stored, or none is. A file taken in moves to
// archive/; a file with anything wrong moves to quarantine/ with <file>.error.txt beside it
// listing each fault by line (CSV) or element (JSON), so the adviser can fix and drop it again.
// A file written in the last settle_seconds is left for the next run.
#pragma once

#include "daemon/config/config.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::serve {

JobOutcome take_guidance_drop(const SourceConfig& source, const Config& config, Store& store,
                              const JobContext& context);

}  // namespace careerlink::serve
