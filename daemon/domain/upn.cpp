#include "daemon/domain/upn.hpp"

#include <array>

namespace careerlink {
namespace {

// DfE check-letter alphabet: 23 letters, I, O and S left out. A=0 ... Z=22.
constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ";

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<int> letter_index(char c) {
  const auto pos = kAlphabet.find(c);
  if (pos == std::string_view::npos) return std::nullopt;
  return static_cast<int>(pos);
}

}  // namespace

std::optional<char> upn_check_letter(std::string_view upn) {
  if (upn.size() != 13) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 1; i < 13; ++i) {
    const char c = upn[i];
    int value = 0;
    if (is_digit(c)) {
      value = c - '0';
    } else if (i == 12) {
      const auto idx = letter_index(c);
      if (!idx) return std::nullopt;
      value = *idx;
    } else {
      return std::nullopt;
    }
    sum += value * static_cast<int>(i + 1);  // position p = i + 1 (1-based), weights 2..13
  }
  return kAlphabet[static_cast<std::size_t>(sum % 23)];
}

bool is_temporary_upn(std::string_view upn) {
  return upn.size() == 13 && !is_digit(upn[12]);
}

std::optional<std::string> upn_problem(std::string_view upn) {
  if (upn.empty()) return "UPN is missing";
  if (upn.size() != 13) {
    return "UPN '" + std::string(upn) + "' has " + std::to_string(upn.size()) +
           " characters; a UPN has 13 (a check letter and 12 more)";
  }
  if (!letter_index(upn[0])) {
    return "UPN '" + std::string(upn) + "' must start with a check letter (A-Z without I, O and S)";
  }
  for (std::size_t i = 1; i < 12; ++i) {
    if (!is_digit(upn[i])) {
      return "UPN '" + std::string(upn) + "' has '" + std::string(1, upn[i]) + "' at position " +
             std::to_string(i + 1) + "; positions 2-12 must be digits";
    }
  }
  if (!is_digit(upn[12]) && !letter_index(upn[12])) {
    return "UPN '" + std::string(upn) + "' ends in '" + std::string(1, upn[12]) +
           "'; the last character is a digit, or for a temporary UPN a letter other than I, O, S";
  }
  const auto expected = upn_check_letter(upn);
  if (!expected || *expected != upn[0]) {
    return "UPN '" + std::string(upn) + "' fails the DfE check letter (expected '" +
           std::string(1, expected.value_or('?')) + "'); check it was copied correctly";
  }
  return std::nullopt;
}

}  // namespace careerlink
