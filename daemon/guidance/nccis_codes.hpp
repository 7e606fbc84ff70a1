// NCCIS activity codes: what a young person is doing, as local authorities report it to the DfE
// (reference/formats.md section 2). Intended and actual destinations carry one of these.
#pragma once

#include <span>
#include <string_view>

namespace careerlink::guidance {

enum class NccisGroup {
  pre16,
  education,
  employment,
  training,
  re_engagement,
  neet_active,
  neet_inactive,
  other,
  not_known,
};

struct NccisActivity {
  std::string_view code;  // three digits, "230"
  std::string_view description;
  NccisGroup group;
};

// The activity with this code, or nullptr when it is not an NCCIS activity code.
const NccisActivity* find_activity(std::string_view code);

// Every code, in code order.
std::span<const NccisActivity> all_activities();

// "pre16", "education", ..., "not_known": the group as written in JSON and reports.
std::string_view group_name(NccisGroup group);

}  // namespace careerlink::guidance
