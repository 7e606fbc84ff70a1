// A retention plan and a run's totals for people (text) and scripts (JSON): what
// `careerlink retention preview|run` print.
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "daemon/retention/apply.hpp"
#include "daemon/retention/plan.hpp"

namespace careerlink::retention {

// "delete 2 interviews (3 plan versions, 1 tick), 1 note, 2 destinations; remove the pupil".
std::string describe(const PupilAction& action);

nlohmann::ordered_json plan_json(const Plan& plan);
void print_plan(std::ostream& out, const Plan& plan);

nlohmann::ordered_json run_json(const Plan& plan, const RunResult& result);
void print_run(std::ostream& out, const Plan& plan, const RunResult& result);

}  // namespace careerlink::retention
