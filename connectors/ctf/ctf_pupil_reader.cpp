#include "connectors/ctf/ctf_pupil_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>

#include "daemon/domain/dates.hpp"

namespace careerlink::ctf {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool is(RelPath rel, std::initializer_list<std::string_view> want) {
  return std::equal(rel.begin(), rel.end(), want.begin(), want.end());
}

std::optional<std::string> text_or_empty(std::string_view text) {
  const auto t = trim(text);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

// CTF NC year codes: N1, N2 (nursery), R (reception), 1..14, X (not following the NC).
std::optional<std::string> nc_year_code(std::string_view text) {
  const std::string u = upper(text);
  if (u == "N1" || u == "N2" || u == "R" || u == "X") return u;
  int n = 0;
  const auto [end, ec] = std::from_chars(u.data(), u.data() + u.size(), n);
  if (ec == std::errc{} && end == u.data() + u.size() && n >= 1 && n <= 14) {
    return std::to_string(n);  // "07" and "7" are the same year
  }
  return std::nullopt;
}

std::optional<bool> yes_no(std::string_view text) {
  const std::string u = upper(text);
  if (u == "TRUE" || u == "1" || u == "Y" || u == "YES") return true;
  if (u == "FALSE" || u == "0" || u == "N" || u == "NO") return false;
  return std::nullopt;
}

// Current SEN provision codes, plus the pre-2014 ones they replaced: a statement (S) became an
// EHC plan (E); School Action (A) and School Action Plus (P) became SEN support (K).
std::optional<std::string> sen_code(std::string_view text) {
  const std::string u = upper(text);
  if (u == "N" || u == "K" || u == "E") return u;
  if (u == "S") return "E";
  if (u == "A" || u == "P") return "K";
  return std::nullopt;
}

}  // namespace

PupilReader::PupilReader(std::string laestab, std::string as_of)
    : laestab_(std::move(laestab)), as_of_(std::move(as_of)) {}

bool PupilReader::reads(RelPath rel) {
  // The children of <Pupil> that end_element looks at; the rest (StageAssessments, Contacts,
  // Address, ...) are often most of the file.
  static constexpr std::array<std::string_view, 13> kChildren = {
      "UPN",          "UniqueLearnerNumber",
      "Surname",      "Forename",
      "DOB",          "Sex",
      "Gender",       "BasicDetails",
      "LookedAfter",  "FSMhistory",
      "SENhistory",   "Attendance",
      "SchoolHistory"};
  if (rel.size() == 1) return std::ranges::find(kChildren, rel[0]) != kChildren.end();
  // The session-by-session marks: the totals beside them are what attendance % is made of.
  return !is(rel, {"Attendance", "YearData", "AttendSessions"});
}

void PupilReader::begin(std::size_t line) {
  rec_ = PupilRecord{};
  rec_.line = line;
  fsm_seen_ = fsm_current_ = false;
  sen_seen_ = false;
  sen_best_ = {};
  year_best_.reset();
  best_entry_.reset();
  first_language_seen_ = false;
}

std::optional<std::string> PupilReader::date(std::string_view element, std::string_view text) {
  const auto t = trim(text);
  if (t.empty()) return std::nullopt;
  if (auto iso = normalise_date(t)) return iso;
  rec_.problems.push_back(std::string(element) + " '" + std::string(t) +
                          "' is not a valid date (YYYY-MM-DD)");
  return std::nullopt;
}

std::optional<long> PupilReader::count(std::string_view element, std::string_view text) {
  const auto t = trim(text);
  if (t.empty()) return std::nullopt;
  long v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc{} && end == t.data() + t.size() && v >= 0) return v;
  rec_.problems.push_back(std::string(element) + " '" + std::string(t) + "' is not a whole number");
  return std::nullopt;
}

void PupilReader::start_element(RelPath rel) {
  if (rel.size() == 1) {
    if (rel[0] == "FSMhistory") fsm_seen_ = true;
  } else if (is(rel, {"FSMhistory", "FSMinstance"})) {
    fsm_ = {};
  } else if (is(rel, {"SENhistory", "SEN"})) {
    sen_ = {};
  } else if (is(rel, {"Attendance", "YearData"})) {
    year_ = {};
  } else if (is(rel, {"SchoolHistory", "School"})) {
    school_ = {};
  } else if (is(rel, {"BasicDetails", "Languages", "Type"})) {
    lang_ = {};
  }
}

void PupilReader::end_element(RelPath rel, std::string_view text) {
  if (rel.size() == 1) {
    on_pupil_leaf(rel[0], text);
    return;
  }
  // Dispatch on the first step so whole blocks we skip (Contacts, Address, StageAssessments)
  // cost one comparison chain per element.
  const auto head = rel[0];
  if (head == "BasicDetails") {
    on_basic_details(rel, text);
  } else if (head == "LookedAfter") {
    if (is(rel, {"LookedAfter", "InCare"})) {
      const auto t = trim(text);
      if (t.empty()) return;
      rec_.looked_after = yes_no(t);
      if (!rec_.looked_after) {
        rec_.problems.push_back("InCare '" + std::string(t) + "' is not true or false");
      }
    }
  } else if (head == "FSMhistory") {
    on_fsm(rel, text);
  } else if (head == "SENhistory") {
    on_sen(rel, text);
  } else if (head == "Attendance") {
    on_attendance(rel, text);
  } else if (head == "SchoolHistory") {
    on_school_history(rel, text);
  }
}

void PupilReader::on_pupil_leaf(std::string_view name, std::string_view text) {
  if (name == "UPN") {
    rec_.upn = std::string(trim(text));
  } else if (name == "UniqueLearnerNumber") {
    rec_.uln = text_or_empty(text);
  } else if (name == "Surname") {
    rec_.surname = text_or_empty(text);
  } else if (name == "Forename") {
    rec_.forename = text_or_empty(text);
  } else if (name == "DOB") {
    rec_.dob = date("DOB", text);
  } else if (name == "Sex" || name == "Gender") {
    const auto t = trim(text);
    if (t.empty()) return;
    const std::string u = upper(t);
    if (u == "M" || u == "MALE") {
      rec_.sex = "M";
    } else if (u == "F" || u == "FEMALE") {
      rec_.sex = "F";
    } else {
      rec_.problems.push_back(std::string(name) + " '" + std::string(t) + "' is not M or F");
    }
  }
}

void PupilReader::on_basic_details(RelPath rel, std::string_view text) {
  if (rel.size() == 2) {
    const auto name = rel[1];
    if (name == "FormerUPN") {
      if (auto v = text_or_empty(text)) rec_.former_upns.push_back(std::move(*v));
    } else if (name == "PreferredSurname") {
      rec_.preferred_surname = text_or_empty(text);
    } else if (name == "PreferredForename") {
      rec_.preferred_forename = text_or_empty(text);
    } else if (name == "MiddleNames") {
      rec_.middle_names = text_or_empty(text);
    } else if (name == "EnrolStatus") {
      rec_.enrol_status = text_or_empty(text);
    } else if (name == "NCyearActual") {
      const auto t = trim(text);
      if (t.empty()) return;
      rec_.nc_year = nc_year_code(t);
      if (!rec_.nc_year) {
        rec_.problems.push_back("NCyearActual '" + std::string(t) +
                                "' is not an NC year (N1, N2, R, 1-14 or X)");
      }
    }
    return;
  }
  // Languages/Type/{LanguageType, Language}: the entry typed F is the first language.
  if (is(rel, {"BasicDetails", "Languages", "Type", "LanguageType"})) {
    lang_.type = upper(trim(text));
  } else if (is(rel, {"BasicDetails", "Languages", "Type", "Language"})) {
    lang_.code = upper(trim(text));
  } else if (is(rel, {"BasicDetails", "Languages", "Type"})) {
    if (first_language_seen_ || lang_.type != "F") return;
    first_language_seen_ = true;
    // ENG English, ENB believed English; NOT (not obtained) and REF (refused) say nothing.
    if (lang_.code == "ENG" || lang_.code == "ENB") {
      rec_.eal = false;
    } else if (!lang_.code.empty() && lang_.code != "NOT" && lang_.code != "REF") {
      rec_.eal = true;
    }
  }
}

void PupilReader::on_fsm(RelPath rel, std::string_view text) {
  if (is(rel, {"FSMhistory", "FSMinstance", "FSMstartDate"})) {
    const auto before = rec_.problems.size();
    fsm_.start = date("FSMstartDate", text);
    fsm_.bad = fsm_.bad || rec_.problems.size() != before;
  } else if (is(rel, {"FSMhistory", "FSMinstance", "FSMendDate"})) {
    const auto before = rec_.problems.size();
    fsm_.end = date("FSMendDate", text);
    fsm_.bad = fsm_.bad || rec_.problems.size() != before;
  } else if (is(rel, {"FSMhistory", "FSMinstance"})) {
    // ISO dates compare correctly as strings.
    if (!fsm_.bad && fsm_.start && *fsm_.start <= as_of_ && (!fsm_.end || *fsm_.end >= as_of_)) {
      fsm_current_ = true;
    }
  }
}

void PupilReader::on_sen(RelPath rel, std::string_view text) {
  if (is(rel, {"SENhistory", "SEN", "StartDate"})) {
    sen_.start = date("SEN StartDate", text);
  } else if (is(rel, {"SENhistory", "SEN", "SENprovision"})) {
    sen_.provision = text_or_empty(text);
  } else if (is(rel, {"SENhistory", "SEN"})) {
    if (!sen_.provision) return;
    // The latest StartDate wins; where either has no date, the later-listed entry wins.
    const bool later =
        !sen_seen_ || !sen_.start || !sen_best_.start || *sen_.start >= *sen_best_.start;
    if (later) {
      sen_best_ = sen_;
      sen_seen_ = true;
    }
  }
}

void PupilReader::on_attendance(RelPath rel, std::string_view text) {
  if (rel.size() == 3 && rel[1] == "YearData") {
    const auto name = rel[2];
    if (name == "Year") {
      year_.year = count("Attendance Year", text);
    } else if (name == "SessionsPossible") {
      year_.possible = count("SessionsPossible", text);
    } else if (name == "SessionsAuthorised") {
      year_.authorised = count("SessionsAuthorised", text);
    } else if (name == "SessionsAttended") {
      year_.attended = count("SessionsAttended", text);
    } else if (name == "SessionsUnauthorised") {
      year_.unauthorised = count("SessionsUnauthorised", text);
    }
  } else if (is(rel, {"Attendance", "YearData"})) {
    if (!year_.year) return;
    if (!year_best_ || *year_.year >= *year_best_->year) year_best_ = year_;
  }
}

void PupilReader::on_school_history(RelPath rel, std::string_view text) {
  if (rel.size() == 3 && rel[1] == "School") {
    const auto name = rel[2];
    if (name == "LEA") {
      school_.lea = std::string(trim(text));
    } else if (name == "Estab") {
      school_.estab = std::string(trim(text));
    } else if (name == "EntryDate") {
      school_.entry = date("EntryDate", text);
    } else if (name == "LeavingDate") {
      school_.leaving = date("LeavingDate", text);
    }
  } else if (is(rel, {"SchoolHistory", "School"})) {
    if (school_.lea + school_.estab != laestab_) return;
    // A pupil re-admitted to the school has two entries; the latest admission counts.
    const bool first = !rec_.on_roll_date && !rec_.leaving_date && !best_entry_;
    if (first || !school_.entry || !best_entry_ || *school_.entry >= *best_entry_) {
      best_entry_ = school_.entry;
      rec_.on_roll_date = school_.entry;
      rec_.leaving_date = school_.leaving;
    }
  }
}

void PupilReader::finish_attendance() {
  if (!year_best_ || !year_best_->possible || *year_best_->possible == 0) return;
  const auto& y = *year_best_;
  long attended = 0;
  if (y.attended) {
    attended = *y.attended;
  } else {
    attended = *y.possible - y.authorised.value_or(0) - y.unauthorised.value_or(0);
  }
  if (attended < 0 || attended > *y.possible) {
    rec_.problems.push_back("Attendance for " + std::to_string(*y.year) + ": " +
                            std::to_string(attended) + " sessions attended out of " +
                            std::to_string(*y.possible) + " possible is impossible");
    return;
  }
  const double pct = static_cast<double>(attended) * 100.0 / static_cast<double>(*y.possible);
  rec_.attendance_pct = std::round(pct * 10.0) / 10.0;
}

PupilRecord PupilReader::finish() {
  if (fsm_seen_) rec_.fsm = fsm_current_;
  if (sen_seen_) {
    rec_.sen = sen_code(*sen_best_.provision);
    if (rec_.sen) {
      rec_.ehcp = *rec_.sen == "E";
    } else {
      rec_.problems.push_back("SENprovision '" + *sen_best_.provision +
                              "' is not a SEN code (N, K, E; before 2015 A, P, S)");
    }
  }
  finish_attendance();
  return std::move(rec_);
}

}  // namespace careerlink::ctf
