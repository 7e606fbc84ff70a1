// Shared by the guidance tests: the sample interview body from the intake API's documentation, a
// fixed "today", a scratch directory for drop-folder files, and lookups into error lists.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/guidance/guidance.hpp"

namespace careerlink::guidance::test {

// The tests' "today": two days after the sample interview.
inline constexpr std::string_view kToday = "2026-11-20";

inline nlohmann::json sample_interview() {
  return nlohmann::json::parse(R"({
    "school_urn": "137942",
    "pupil": {"upn": "G820432114001"},
    "date": "2026-11-18",
    "minutes": 45,
    "kind": "one_to_one",
    "adviser": {"name": "Jo Patel", "organisation": "Career Connect", "qualification_level": 6},
    "provider_type": "external",
    "consent": {"share_with_staff": true, "share_with_trackers": true,
                "recorded_on": "2026-11-18", "recorded_by": "Jo Patel"},
    "plan": {
      "summary": "Wants to do engineering at college; needs a back-up plan.",
      "intended_destination": {"activity_code": "230", "provider": "Riverside College",
                               "course": "Level 3 Engineering"},
      "actions": [{"id": "a1", "text": "Attend the college open evening", "owner": "pupil",
                   "due": "2026-12-05", "status": "open"}],
      "next_review": "2027-01-20"
    }
  })");
}

inline nlohmann::json sample_destination() {
  return nlohmann::json::parse(R"({
    "school_urn": "137942",
    "pupil": {"upn": "G820432114001", "mis_id": "ARB-5521"},
    "type": "actual",
    "activity_code": "310",
    "provider": {"name": "Riverside Engineering Ltd", "ukprn": "10004567"},
    "course": "Level 3 Engineering Technician apprenticeship",
    "start_date": "2027-09-01",
    "confirmed_by": "provider",
    "recorded_on": "2026-11-19"
  })");
}

// The messages reported for `field`, so a test can say both "this field, and only once".
inline std::vector<std::string> messages_for(const std::vector<FieldError>& errors,
                                             std::string_view field) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    if (e.field == field) out.push_back(e.message);
  }
  return out;
}

inline std::string describe(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += "  " + e.field + ": " + e.message + "\n";
  return out;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// A directory of its own for each test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("careerlink_guidance_" + std::string(info->test_suite_name()) + "_" + info->name() +
            "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] std::filesystem::path write(const std::string& name, std::string_view bytes) const {
    auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace careerlink::guidance::test
