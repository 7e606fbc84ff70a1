// Who may see which pupils: worked out on every request from the staff member's careerlink
// grants and what the MIS says they look after, never from what a page happened to link to.
//   tutor           pupils in the tutor groups they tutor
//   head_of_year    pupils in the year groups they head
//   careers_leader  the whole school, and the Benchmark 8 figures
//   adviser         the whole school
//   admin           accounts and the audit trail; no pupil records (least privilege: IT staff
//                   who run the service need no careers records; grant a second role if they do)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/store.hpp"

namespace careerlink::panel {

enum class Role { tutor, head_of_year, careers_leader, adviser, admin };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// One piece of what a member of staff looks after.
struct Reach {
  std::string school_urn;
  Role role = Role::tutor;
  std::string scope;  // tutor: the tutor group; head_of_year: the NC year code; else empty
  bool operator==(const Reach&) const = default;
};

struct StaffIdentity {
  std::string email;
  std::string display_name;
  std::vector<Reach> reach;

  [[nodiscard]] bool has(Role role) const;
  [[nodiscard]] bool has(Role role, std::string_view school_urn) const;
  // careers_leader or adviser of that school.
  [[nodiscard]] bool whole_school(std::string_view school_urn) const;
  [[nodiscard]] bool may_see_pupil(const PupilView& pupil) const;
  [[nodiscard]] bool may_see_group(std::string_view school_urn, std::string_view group) const;
  [[nodiscard]] bool may_see_year(std::string_view school_urn, std::string_view year) const;
  // Schools where they may see at least one pupil.
  [[nodiscard]] std::vector<std::string> schools() const;
};

// "Year 11", "Y11", "11" -> "11"; "Reception" -> "R". The MIS names year groups its own way.
std::string year_code_of(std::string_view year_group_name);

// Grants from careerlink (may be absent: a member of staff who signs in through the school's
// OIDC with no careerlink account) joined with the MIS's group assignments.
StaffIdentity resolve_identity(std::string_view email, const std::optional<StaffAccount>& account,
                               const std::vector<StaffAssignment>& assignments);

}  // namespace careerlink::panel
