#include "daemon/guidance/nccis_codes.hpp"

#include <algorithm>
#include <array>

namespace careerlink::guidance {
namespace {

using enum NccisGroup;

// reference/formats.md section 2, in code order (find_activity searches it by bisection).
// "FTE" there is written out as full-time education. 530 has no description in the source
// list; "Re-engagement provision" is the group's own name. 550 is listed as NEET active; a
// second source puts it under employment.
constexpr std::array kActivities{
    NccisActivity{"110", "Registered at a school in the area", pre16},
    NccisActivity{"120", "Educated at home", pre16},
    NccisActivity{"130", "Custodial sentence", pre16},
    NccisActivity{"140", "Not registered at a school", pre16},
    NccisActivity{"150", "Current situation not known", pre16},
    NccisActivity{"210", "Full-time education: school sixth form", education},
    NccisActivity{"220", "Full-time education: sixth form college", education},
    NccisActivity{"230", "Full-time education: further education", education},
    NccisActivity{"240", "Full-time education: higher education", education},
    NccisActivity{"250", "Part-time education", education},
    NccisActivity{"260", "Gap year", education},
    NccisActivity{"270", "Full-time education: other", education},
    NccisActivity{"280", "Special post-16 institution", education},
    NccisActivity{"290", "Custodial institution (juvenile offender)", education},
    NccisActivity{"310", "Apprenticeship", employment},
    NccisActivity{"320", "Full-time employment with study (regulated qualification)", employment},
    NccisActivity{"330", "Employment without training", employment},
    NccisActivity{"340", "Employment with training (other)", employment},
    NccisActivity{"350", "Temporary employment", employment},
    NccisActivity{"360", "Part-time employment", employment},
    NccisActivity{"380", "Self-employment", employment},
    NccisActivity{"381", "Self-employment with study", employment},
    NccisActivity{"410", "(E)SFA-funded work-based learning", training},
    NccisActivity{"430", "Other training", training},
    NccisActivity{"440", "DWP training and support programme", training},
    NccisActivity{"450", "Traineeship", training},
    NccisActivity{"460", "Supported internship", training},
    NccisActivity{"530", "Re-engagement provision", re_engagement},
    NccisActivity{"540", "Working not for reward", neet_active},
    NccisActivity{"550", "Working not for reward with part-time study", neet_active},
    NccisActivity{"610", "Not yet ready for work or learning", neet_active},
    NccisActivity{"615", "Start date agreed (other)", neet_active},
    NccisActivity{"616", "Start date agreed (RPA compliant)", neet_active},
    NccisActivity{"619", "Seeking employment, education or training", neet_active},
    NccisActivity{"620", "Carer", neet_inactive},
    NccisActivity{"630", "Teenage parent", neet_inactive},
    NccisActivity{"640", "Illness", neet_inactive},
    NccisActivity{"650", "Pregnancy", neet_inactive},
    NccisActivity{"660", "Religious grounds", neet_inactive},
    NccisActivity{"670", "Unlikely ever to be economically active", neet_inactive},
    NccisActivity{"680", "Other reason", neet_inactive},
    NccisActivity{"710", "Custody (young adult offender)", other},
    NccisActivity{"720", "Refugee or asylum seeker", other},
    NccisActivity{"810", "Current situation not known", not_known},
    NccisActivity{"820", "Cannot be contacted (no current address)", not_known},
    NccisActivity{"830", "Refused to disclose activity", not_known},
};

static_assert(std::ranges::is_sorted(kActivities, {}, &NccisActivity::code),
              "keep the codes in order");
static_assert(std::ranges::adjacent_find(kActivities, {}, &NccisActivity::code) ==
                  kActivities.end(),
              "a code is listed twice");

}  // namespace

const NccisActivity* find_activity(std::string_view code) {
  const auto it = std::ranges::lower_bound(kActivities, code, {}, &NccisActivity::code);
  return it != kActivities.end() && it->code == code ? &*it : nullptr;
}

std::span<const NccisActivity> all_activities() {
  return kActivities;
}

std::string_view group_name(NccisGroup group) {
  switch (group) {
    case pre16:
      return "pre16";
    case education:
      return "education";
    case employment:
      return "employment";
    case training:
      return "training";
    case re_engagement:
      return "re_engagement";
    case neet_active:
      return "neet_active";
    case neet_inactive:
      return "neet_inactive";
    case other:
      return "other";
    case not_known:
      return "not_known";
  }
  return "other";
}

}  // namespace careerlink::guidance
