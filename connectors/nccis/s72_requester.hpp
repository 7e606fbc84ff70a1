// Who may give an s72 instruction (Education and Skills Act 2008) not to pass "further
// information" to the local authority: "A parent (<16) or the student (16+)"
// (reference/careers-domain.md). `careerlink pupils la-sharing --opt-out` asks this first.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace careerlink::nccis {

// nullopt when `requested_by` ("pupil" or "parent") may give the instruction on `today` (ISO
// date) for a pupil born on `dob`; otherwise what is wrong and what to do instead. A missing or
// unreadable date of birth cannot be checked and is not refused (the caller says so).
std::optional<std::string> s72_requester_problem(const std::optional<std::string>& dob,
                                                 std::string_view requested_by,
                                                 std::string_view today);

// The day the pupil turns 16 (a 29 February birthday falls on 1 March in a common year);
// nullopt when `dob` is not a date.
std::optional<std::string> sixteenth_birthday(std::string_view dob);

}  // namespace careerlink::nccis
