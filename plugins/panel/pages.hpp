// The panel's pages as HTML: pure functions of the data (page_data.hpp) and who is looking.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugins/panel/access.hpp"
#include "plugins/panel/html.hpp"
#include "plugins/panel/page_data.hpp"

namespace careerlink::panel {

struct Viewer {
  const StaffIdentity* identity = nullptr;
  std::string csrf_token;
  [[nodiscard]] PageFrame frame(std::string title, std::string breadcrumb = {}) const;
};

// My groups: the tutor groups, year groups and schools this member of staff looks after.
std::string my_groups_page(const Viewer& viewer);

// One tutor group: each pupil's RAG, open flags in words, next action and its due date, last
// interview date.
// The page's main part alone (the same for every viewer who may see it: cached per group),
// then the whole page around it.
std::string group_body(std::string_view group, const std::vector<PupilRow>& rows);
std::string group_page(const Viewer& viewer, std::string_view group, std::string_view body);

// Whole school (or the years a head of year looks after) by year group, filterable.
struct SchoolFilter {
  std::string year;  // "" = every year the viewer may see
  std::string rag;   // "" | red | amber | green
  std::string flag;  // "" | a flag kind
};
std::string school_body(std::string_view school_urn, const SchoolFilter& filter,
                        const std::vector<PupilRow>& rows);
std::string school_page(const Viewer& viewer, std::string_view school_urn, std::string_view body);

// One pupil: current plan with tick-off, follow-up notes, interview history, destinations,
// flag history. `message` is shown at the top (after a change).
std::string pupil_page(const Viewer& viewer, const PupilRecord& record, std::string_view message);

std::string sign_in_page(std::string_view next, std::string_view error, bool local_accounts,
                         std::string_view oidc_label, std::string_view csrf_token);

// A plain page that says what went wrong and what to do (403, 404, 400).
std::string problem_page(const Viewer& viewer, std::string_view title, std::string_view text);

}  // namespace careerlink::panel
