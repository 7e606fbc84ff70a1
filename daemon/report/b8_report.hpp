// The Benchmark 8 report: one pure computation from plain per-pupil records to the figures a
// careers leader is judged on (Gatsby Benchmark 8, personal guidance). Every format (json, csv,
// html) renders the one B8Report this returns, so the numbers cannot disagree between them.
// Definitions of every figure: daemon/report/README.md.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace careerlink::report {

// A proportion kept as its parts, so a reader can check it; 0/0 means "no one to count".
struct Fraction {
  std::int64_t num = 0;
  std::int64_t den = 0;
  bool operator==(const Fraction&) const = default;
};

// The percentage rounded half up to one decimal ("66.7"), or "-" when the denominator is 0.
// Integer arithmetic, so every platform rounds the same.
std::string percent_text(Fraction f);

// Interview length bands, as the research on personal guidance practice reports them.
inline constexpr std::array<std::string_view, 5> kLengthBands{"under 20", "20-29", "30-44", "45-59",
                                                              "60+"};
std::size_t length_band(int minutes);

// --- Inputs: one record per pupil, gathered by the loader (b8_load.hpp) or built by a test ---

struct B8Interview {
  std::string date;  // ISO
  int minutes = 0;
  bool qualified = false;  // rules::PupilFacts::InterviewFact::qualified: Level 6+, not a group
  bool share_with_staff = false;
  bool has_plan = false;
};

struct B8Action {
  std::optional<std::string> due;  // ISO
  std::string status;              // open | done | dropped
  bool ticked_by_tutor = false;    // the status was last set by a tutor's tick (action_update)
};

struct B8Pupil {
  std::string nc_year;  // as held now (CTF code)
  bool send = false;    // SEN support (K) or EHCP (E, or the EHCP marker)
  bool fsm = false;     // disadvantaged: eligible for free school meals
  std::optional<std::string> on_roll_date, leaving_date;
  std::vector<B8Interview> interviews;  // ordered by date, then as received
  // The current plan (the latest interview that has one): the date of that interview, or none.
  std::optional<std::string> plan_interview_date;
  bool plan_has_intended_destination = false;
  std::vector<B8Action> actions;  // of the current plan
  // Destination records, each by the day it speaks for (recorded_on, else the day received).
  std::vector<std::string> intended_destination_dates;
  std::vector<std::string> actual_destination_dates;
};

// --- Output ---

struct B8Figures {
  std::int64_t on_roll = 0;
  Fraction qualified_interview;           // of on roll: at least one qualified interview
  std::optional<Fraction> by_end_of_y11;  // Y11 only
  std::optional<Fraction> two_or_more;    // Y13 only
  std::array<std::int64_t, 5> lengths{};  // qualified interviews per kLengthBands
  Fraction with_plan;                     // of on roll
  Fraction plans_shared;                  // of those with a plan
  std::int64_t open_actions = 0;
  std::int64_t overdue_actions = 0;
  std::int64_t follow_ups_done = 0;              // actions done or dropped
  std::int64_t ticked_by_tutor = 0;              // of those, ticked by a tutor in the panel
  Fraction intended_destination;                 // of on roll
  std::array<Fraction, 3> leaver_destination{};  // 1, 2, 3 years on: of leavers that far on
  bool operator==(const B8Figures&) const = default;
};

// One year group ("7".."13"), or the whole school ("all"), split by SEND and FSM.
struct B8Group {
  std::string year;
  B8Figures all, send, fsm;
  bool operator==(const B8Group&) const = default;
};

struct B8Report {
  std::string school_urn;
  std::string school_name;
  std::string as_of;               // ISO
  std::string end_of_y11;          // 31 August ending the academic year that holds as_of
  std::vector<B8Group> years;      // Y7..Y13 as held, in order
  B8Group total;                   // every pupil of Y7..Y13
  std::int64_t outside_years = 0;  // pupils held in other years (not counted)
};

// The three cells of a group, in report order.
struct Segment {
  std::string_view key;    // all | send | fsm
  std::string_view label;  // words for a reader
  B8Figures B8Group::*cell;
};
inline constexpr std::array<Segment, 3> kSegments{{{"all", "All pupils", &B8Group::all},
                                                   {"send", "SEND", &B8Group::send},
                                                   {"fsm", "Disadvantaged (FSM)", &B8Group::fsm}}};

B8Report compute_b8(std::string school_urn, std::string school_name,
                    std::chrono::year_month_day as_of, std::span<const B8Pupil> pupils);

// The figures of one cell as rows, in report order, each a count or a fraction: what the csv,
// json and html renderers walk, so all three name and order the figures alike.
struct FigureRow {
  std::string_view key;    // machine name (csv, json)
  std::string_view label;  // words for a reader (html)
  std::optional<std::int64_t> count;
  std::optional<Fraction> fraction;
};
std::vector<FigureRow> figure_rows(const B8Figures& figures);

}  // namespace careerlink::report
