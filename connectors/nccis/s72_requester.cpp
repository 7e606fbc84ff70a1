#include "connectors/nccis/s72_requester.hpp"

#include "daemon/domain/dates.hpp"

namespace careerlink::nccis {

std::optional<std::string> sixteenth_birthday(std::string_view dob) {
  auto born = parse_iso_date(dob);
  if (!born) return std::nullopt;
  const auto year = born->year() + std::chrono::years(16);
  std::chrono::year_month_day day{year, born->month(), born->day()};
  if (!day.ok()) day = {year, std::chrono::March, std::chrono::day{1}};  // born on 29 February
  return to_iso(day);
}

std::optional<std::string> s72_requester_problem(const std::optional<std::string>& dob,
                                                 std::string_view requested_by,
                                                 std::string_view today) {
  if (!dob) return std::nullopt;
  auto turns_16 = sixteenth_birthday(*dob);
  if (!turns_16) return std::nullopt;
  // ISO dates compare as text.
  const bool sixteen = std::string_view(*turns_16) <= today;
  if (requested_by == "pupil" && !sixteen) {
    return "the pupil is under 16 (16 on " + *turns_16 +
           "): until then a parent gives this instruction (--opt-out parent)";
  }
  if (requested_by == "parent" && sixteen) {
    return "the pupil is 16 or over: the instruction is theirs to give, not a parent's "
           "(--opt-out pupil, once the pupil has asked)";
  }
  return std::nullopt;
}

}  // namespace careerlink::nccis
