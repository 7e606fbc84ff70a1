#include "plugins/panel/access.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace careerlink::panel {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::tutor, "tutor"},
    {Role::head_of_year, "head_of_year"},
    {Role::careers_leader, "careers_leader"},
    {Role::adviser, "adviser"},
    {Role::admin, "admin"},
}};

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return std::string(s);
}

bool iequal(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "tutor";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& [r, name] : kRoles) {
    if (name == text) return r;
  }
  return std::nullopt;
}

std::string year_code_of(std::string_view name) {
  std::string s = trimmed(name);
  for (std::string_view prefix : {"year", "yr", "y"}) {
    if (s.size() > prefix.size() && iequal(std::string_view(s).substr(0, prefix.size()), prefix)) {
      std::string rest = trimmed(std::string_view(s).substr(prefix.size()));
      if (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front())) != 0) return rest;
    }
  }
  if (iequal(s, "reception")) return "R";
  return s;
}

bool StaffIdentity::has(Role role) const {
  return std::ranges::any_of(reach, [&](const Reach& r) { return r.role == role; });
}

bool StaffIdentity::has(Role role, std::string_view school_urn) const {
  return std::ranges::any_of(
      reach, [&](const Reach& r) { return r.role == role && r.school_urn == school_urn; });
}

bool StaffIdentity::whole_school(std::string_view school_urn) const {
  return has(Role::careers_leader, school_urn) || has(Role::adviser, school_urn);
}

bool StaffIdentity::may_see_group(std::string_view school_urn, std::string_view group) const {
  if (whole_school(school_urn)) return true;
  return std::ranges::any_of(reach, [&](const Reach& r) {
    return r.role == Role::tutor && r.school_urn == school_urn && iequal(r.scope, group);
  });
}

bool StaffIdentity::may_see_year(std::string_view school_urn, std::string_view year) const {
  if (whole_school(school_urn)) return true;
  return std::ranges::any_of(reach, [&](const Reach& r) {
    return r.role == Role::head_of_year && r.school_urn == school_urn && r.scope == year;
  });
}

bool StaffIdentity::may_see_pupil(const PupilView& pupil) const {
  const std::string urn = pupil.school_urn.value_or("");
  if (urn.empty()) return false;
  if (whole_school(urn)) return true;
  if (pupil.tutor_group && may_see_group(urn, *pupil.tutor_group)) return true;
  return pupil.nc_year && may_see_year(urn, *pupil.nc_year);
}

std::vector<std::string> StaffIdentity::schools() const {
  std::vector<std::string> out;
  for (const auto& r : reach) {
    if (r.role == Role::admin) continue;
    if (std::ranges::find(out, r.school_urn) == out.end()) out.push_back(r.school_urn);
  }
  return out;
}

StaffIdentity resolve_identity(std::string_view email, const std::optional<StaffAccount>& account,
                               const std::vector<StaffAssignment>& assignments) {
  StaffIdentity id;
  id.email = std::string(email);
  if (account && account->display_name) id.display_name = *account->display_name;
  auto add = [&](Reach r) {
    if (std::ranges::find(id.reach, r) == id.reach.end()) id.reach.push_back(std::move(r));
  };
  if (account && !account->disabled) {
    for (const auto& g : account->grants) {
      if (auto role = parse_role(g.role)) {
        add(Reach{g.school_urn, *role,
                  *role == Role::head_of_year ? year_code_of(g.scope) : g.scope});
      }
    }
  }
  if (account && account->disabled) return id;
  for (const auto& a : assignments) {
    // The MIS's own words: a tutor of a tutor group, a head of year of a year group.
    if (a.group_kind == "tutor" && a.role == "tutor") {
      add(Reach{a.school_urn, Role::tutor, a.group_name});
    } else if (a.group_kind == "year" && a.role == "head_of_year") {
      add(Reach{a.school_urn, Role::head_of_year, year_code_of(a.group_name)});
    }
  }
  return id;
}

}  // namespace careerlink::panel
