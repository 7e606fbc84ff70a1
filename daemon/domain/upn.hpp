// Unique Pupil Number checks (DfE): 13 characters, check letter first, see reference/formats.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace careerlink {

// The check letter for characters 2..13 of a UPN, or nullopt when they are not of UPN form.
std::optional<char> upn_check_letter(std::string_view upn);

// Why `upn` is not a valid permanent or temporary UPN, or nullopt when it is.
std::optional<std::string> upn_problem(std::string_view upn);

inline bool is_valid_upn(std::string_view upn) {
  return !upn_problem(upn).has_value();
}

// True for a temporary UPN (final character a letter).
bool is_temporary_upn(std::string_view upn);

}  // namespace careerlink
