// Builds one PupilRecord from the element events under a CTF <Pupil>. It knows nothing of
// libxml2: the source feeds it paths and text, so the CTF field rules live in one place.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/domain/records.hpp"

namespace careerlink::ctf {

// Element path below <Pupil>: rel[0] is a child of <Pupil>, rel.back() the element itself.
using RelPath = std::span<const std::string_view>;

class PupilReader {
 public:
  // `laestab` is the source school's (SchoolHistory entries for it give on-roll dates);
  // `as_of` is the ISO date at which FSM eligibility is judged.
  PupilReader(std::string laestab, std::string as_of);

  // Whether the element at `rel` (just opened) or anything below it can matter to the record;
  // when not, the caller may skip the whole subtree without feeding it here.
  static bool reads(RelPath rel);

  void begin(std::size_t line);
  void start_element(RelPath rel);
  void end_element(RelPath rel, std::string_view text);
  PupilRecord finish();

 private:
  struct FsmInstance {
    std::optional<std::string> start, end;
    bool bad = false;
  };
  struct SenEntry {
    std::optional<std::string> start;
    std::optional<std::string> provision;
  };
  struct YearData {
    std::optional<long> year, possible, authorised, attended, unauthorised;
  };
  struct SchoolEntry {
    std::string lea, estab;
    std::optional<std::string> entry, leaving;
  };
  struct LanguageEntry {
    std::string type, code;
  };

  void on_pupil_leaf(std::string_view name, std::string_view text);
  void on_basic_details(RelPath rel, std::string_view text);
  void on_fsm(RelPath rel, std::string_view text);
  void on_sen(RelPath rel, std::string_view text);
  void on_attendance(RelPath rel, std::string_view text);
  void on_school_history(RelPath rel, std::string_view text);
  std::optional<std::string> date(std::string_view element, std::string_view text);
  std::optional<long> count(std::string_view element, std::string_view text);
  void finish_attendance();

  std::string laestab_;
  std::string as_of_;
  PupilRecord rec_;

  bool fsm_seen_ = false;
  bool fsm_current_ = false;
  FsmInstance fsm_;
  SenEntry sen_, sen_best_;
  bool sen_seen_ = false;
  YearData year_;
  std::optional<YearData> year_best_;
  SchoolEntry school_;
  std::optional<std::string> best_entry_;  // EntryDate of the chosen SchoolHistory entry
  LanguageEntry lang_;
  bool first_language_seen_ = false;
};

}  // namespace careerlink::ctf
