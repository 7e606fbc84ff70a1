// The Benchmark 8 report over a real SQLite store holding a small hand-made school: every figure
// checked against numbers worked out by hand (the working is in the comments), the json and csv
// checked against the one computation, the html checked for its charts and for having no script,
// and `careerlink report b8` run for real.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/domain/upn.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/report/b8_csv.hpp"
#include "daemon/report/b8_html.hpp"
#include "daemon/report/b8_json.hpp"
#include "daemon/report/b8_load.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::report {
namespace {

using namespace std::chrono_literals;
using std::chrono::year_month_day;

constexpr const char* kUrn = "137942";
constexpr const char* kAsOf = "2026-11-20";

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
const year_month_day kAsOfDay = ymd(2026, 11, 20);

std::string upn(int n) {
  std::string digits = "820432100" + std::to_string(1000 + n).substr(1);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

struct PupilSpec {
  int n;
  std::string year;
  std::optional<std::string> sen;
  std::optional<bool> ehcp, fsm;
  std::optional<std::string> on_roll_date, leaving_date;
};

struct InterviewSpec {
  std::string id, date;
  int minutes;
  std::string kind;
  int level;
  bool share;
  std::optional<guidance::ActionPlan> plan;
};

guidance::ActionPlan plan(std::optional<std::string> intended_code,
                          std::vector<guidance::Action> actions) {
  guidance::ActionPlan p;
  p.summary = "Next steps agreed";
  if (intended_code) p.intended_destination = guidance::IntendedDestination{*intended_code, {}, {}};
  p.actions = std::move(actions);
  return p;
}

guidance::Action action(std::string id, std::optional<std::string> due,
                        std::string status = "open") {
  guidance::Action a;
  a.id = std::move(id);
  a.text = "Do the next thing";
  a.owner = "pupil";
  a.due = std::move(due);
  a.status = std::move(status);
  if (a.status != "open") a.done_on = "2026-11-01";
  return a;
}

// The school, as of 2026-11-20 (academic year 2026/27; Y11 ends 2027-08-31):
//  P1 Y11 SEND(K) FSM   i1 2026-10-01 1:1 L6 45m plan(shared, intended 230; a1 open due 11-01,
//                       a2 open due 12-01, a3 open then ticked done by a tutor);
//                       i1b 2026-11-18 1:1 L6 20m no plan, shares with staff
//  P2 Y11               i2 2026-09-15 1:1 L4 25m plan(not shared; a1 open, no due);
//                       i3 2026-11-23 (after as-of) 1:1 L7 15m no plan, shares;
//                       intended destination record 2026-11-10
//  P3 Y11 SEND(E)       i4 2026-10-10 group L6 60m, no plan
//  P4 Y11 FSM           joins 2026-12-01: not on roll yet, not a leaver
//  P5 Y13 FSM           i5 2025-10-01 1:1 L6 30m; i6 2026-10-20 drop-in L6 19m plan(shared; a1
//                       dropped by the adviser, a2 open due 11-19, a3 open then ticked done)
//  P6 Y13 SEND(EHCP)    i7 2026-11-05 follow-up L6 60m plan(not shared, no actions);
//                       intended destination record 2026-10-01
//  P7 Y13               intended destination record 2026-11-21 (after as-of)
//  P8 Y6                outside Y7-Y13
//  L1 Y11 SEND(K) left 2026-07-20 (1st year) actual destination 2026-10-01
//  L2 Y11 FSM     left 2025-07-18 (2nd year from 2026-07-18) actual destination 2025-10-01
//  L3 Y13         left 2024-07-19 (3rd year from 2026-07-19) actual destination 2026-08-01
//  L4 Y13         left 2022-07-20 (5th year: beyond the report) actual destination 2022-10-01
class B8 : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto school = (*tx)->upsert_school(SchoolRecord{"8204321", kUrn, "Riverside & Hill <Academy>"});
    ASSERT_TRUE(school);
    school_ = *school;
    const std::vector<PupilSpec> pupils{
        {1, "11", "K", {}, true, {}, {}},
        {2, "11", "N", {}, false, {}, {}},
        {3, "11", "E", {}, false, {}, {}},
        {4, "11", "N", {}, true, "2026-12-01", {}},
        {5, "13", "N", {}, true, {}, {}},
        {6, "13", {}, true, false, {}, {}},
        {7, "13", {}, {}, {}, {}, {}},
        {8, "6", {}, {}, {}, {}, {}},
        {11, "11", "K", {}, false, {}, "2026-07-20"},
        {12, "11", "N", {}, true, {}, "2025-07-18"},
        {13, "13", "N", {}, false, {}, "2024-07-19"},
        {14, "13", "N", {}, false, {}, "2022-07-20"},
    };
    for (const auto& s : pupils) {
      PupilRecord r;
      r.upn = upn(s.n);
      r.surname = "Pupil";
      r.forename = "P" + std::to_string(s.n);
      r.dob = "2010-01-01";
      r.nc_year = s.year;
      r.sen = s.sen;
      r.ehcp = s.ehcp;
      r.fsm = s.fsm;
      r.on_roll_date = s.on_roll_date;
      r.leaving_date = s.leaving_date;
      ASSERT_TRUE((*tx)->upsert_pupil(school_, "test", r));
    }
    ASSERT_TRUE((*tx)->commit());

    interview(1, {"i1", "2026-10-01", 45, "one_to_one", 6, true,
                  plan("230", {action("a1", "2026-11-01"), action("a2", "2026-12-01"),
                               action("a3", "2026-11-30")})});
    interview(1, {"i1b", "2026-11-18", 20, "one_to_one", 6, true, {}});
    tick(1, "a3", "done");
    interview(2, {"i2", "2026-09-15", 25, "one_to_one", 4, false, plan({}, {action("a1", {})})});
    interview(2, {"i3", "2026-11-23", 15, "one_to_one", 7, true, {}});
    destination(2, "intended", "2026-11-10");
    interview(3, {"i4", "2026-10-10", 60, "group", 6, true, {}});
    interview(5, {"i5", "2025-10-01", 30, "one_to_one", 6, true, {}});
    interview(5, {"i6", "2026-10-20", 19, "drop_in", 6, true,
                  plan({}, {action("a1", "2026-11-10", "dropped"), action("a2", "2026-11-19"),
                            action("a3", "2026-12-10")})});
    tick(5, "a3", "done");
    interview(6, {"i7", "2026-11-05", 60, "follow_up", 6, false, plan({}, {})});
    destination(6, "intended", "2026-10-01");
    destination(7, "intended", "2026-11-21");
    destination(11, "actual", "2026-10-01");
    destination(12, "actual", "2025-10-01");
    destination(13, "actual", "2026-08-01");
    destination(14, "actual", "2022-10-01");
  }

  std::int64_t pupil_id(int n) {
    auto p = store_->find_pupil(upn(n));
    EXPECT_TRUE(p && *p);
    return (*p)->id;
  }

  void interview(int n, const InterviewSpec& s) {
    guidance::Interview iv;
    iv.external_id = s.id;
    iv.school_urn = kUrn;
    iv.pupil.upn = upn(n);
    iv.date = s.date;
    iv.minutes = s.minutes;
    iv.kind = s.kind;
    iv.adviser = {"Jo Patel", "Career Connect", s.level};
    iv.provider_type = "external";
    iv.consent = {s.share, true, s.date, {}};
    iv.plan = s.plan;
    const auto id = pupil_id(n);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto put = (*tx)->put_interview(school_, id, "Career Connect", iv,
                                    guidance::interview_to_json(iv).dump(),
                                    std::chrono::system_clock::now());
    ASSERT_TRUE(put) << put.error().message;
    ASSERT_TRUE((*tx)->commit());
  }

  void tick(int n, const std::string& action_id, const std::string& status) {
    const auto id = pupil_id(n);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto set = (*tx)->set_action_status(id, action_id, status, "tutor@school.example", "2026-11-15",
                                        std::chrono::system_clock::now());
    ASSERT_TRUE(set && *set);
    ASSERT_TRUE((*tx)->commit());
  }

  void destination(int n, const std::string& type, const std::string& recorded_on) {
    guidance::Destination d;
    d.school_urn = kUrn;
    d.pupil.upn = upn(n);
    d.type = type;
    d.activity_code = "230";
    d.recorded_on = recorded_on;
    const auto id = pupil_id(n);
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->add_destination(school_, id, "test", d, std::chrono::system_clock::now()));
    ASSERT_TRUE((*tx)->commit());
  }

  B8Report load() {
    auto r = load_b8(*store_, kUrn, kAsOfDay);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : B8Report{};
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  SchoolId school_ = 0;
};

TEST_F(B8, EveryFigureMatchesTheHandCount) {
  const B8Report r = load();
  EXPECT_EQ(r.school_urn, kUrn);
  EXPECT_EQ(r.school_name, "Riverside & Hill <Academy>");
  EXPECT_EQ(r.as_of, kAsOf);
  EXPECT_EQ(r.end_of_y11, "2027-08-31");
  EXPECT_EQ(r.outside_years, 1);  // P8 (Y6)
  ASSERT_EQ(r.years.size(), 2U);

  // Year 11. On roll: P1, P2, P3 (P4 joins 2026-12-01; L1, L2 have left). SEND: P1, P3. FSM: P1.
  B8Group y11;
  y11.year = "11";
  // qualified: P1 (i1, i1b); not P2 (i2 is Level 4, i3 after as-of); not P3 (group session).
  // by end of Y11: P1, and P2 through i3 (2026-11-23 <= 2027-08-31).
  // lengths: P1's i1 45m -> 45-59, i1b 20m -> 20-29.
  // plans: P1 (i1), P2 (i2). Shared: P1's latest up to as-of is i1b (shares); P2's is i2 (no).
  // actions: P1 a1 open overdue (11-01 < 11-20), a2 open (12-01), a3 done by a tutor;
  //          P2 a1 open, no due date.
  // intended: P1 (plan, 230), P2 (record 2026-11-10); not P3.
  // leavers: L1 (SEND) left 2026-07-20, 1st year, destination 2026-10-01: known.
  //          L2 (FSM) left 2025-07-18, 2nd year from 2026-07-18, destination 2025-10-01: not.
  y11.all = B8Figures{.on_roll = 3,
                      .qualified_interview = {1, 3},
                      .by_end_of_y11 = Fraction{2, 3},
                      .two_or_more = {},
                      .lengths = {0, 1, 0, 1, 0},
                      .with_plan = {2, 3},
                      .plans_shared = {1, 2},
                      .open_actions = 3,
                      .overdue_actions = 1,
                      .follow_ups_done = 1,
                      .ticked_by_tutor = 1,
                      .intended_destination = {2, 3},
                      .leaver_destination = {Fraction{1, 1}, Fraction{0, 1}, Fraction{0, 0}}};
  // SEND: P1 and P3; L1.
  y11.send = B8Figures{.on_roll = 2,
                       .qualified_interview = {1, 2},
                       .by_end_of_y11 = Fraction{1, 2},
                       .two_or_more = {},
                       .lengths = {0, 1, 0, 1, 0},
                       .with_plan = {1, 2},
                       .plans_shared = {1, 1},
                       .open_actions = 2,
                       .overdue_actions = 1,
                       .follow_ups_done = 1,
                       .ticked_by_tutor = 1,
                       .intended_destination = {1, 2},
                       .leaver_destination = {Fraction{1, 1}, Fraction{0, 0}, Fraction{0, 0}}};
  // FSM: P1 only (P4 not on roll yet); L2.
  y11.fsm = B8Figures{.on_roll = 1,
                      .qualified_interview = {1, 1},
                      .by_end_of_y11 = Fraction{1, 1},
                      .two_or_more = {},
                      .lengths = {0, 1, 0, 1, 0},
                      .with_plan = {1, 1},
                      .plans_shared = {1, 1},
                      .open_actions = 2,
                      .overdue_actions = 1,
                      .follow_ups_done = 1,
                      .ticked_by_tutor = 1,
                      .intended_destination = {1, 1},
                      .leaver_destination = {Fraction{0, 0}, Fraction{0, 1}, Fraction{0, 0}}};
  EXPECT_EQ(r.years[0], y11);

  // Year 13. On roll: P5 (FSM), P6 (SEND), P7.
  B8Group y13;
  y13.year = "13";
  // qualified: P5 (i5 1:1, i6 drop-in: two), P6 (i7 follow-up: one); not P7.
  // lengths: i5 30m -> 30-44, i6 19m -> under 20, i7 60m -> 60+.
  // plans: P5 (i6, shared), P6 (i7, not shared).
  // actions: P5 a1 dropped by the adviser (done, not a tutor's tick), a2 open due 11-19 < 11-20
  //          (overdue), a3 ticked done by a tutor. P6: none.
  // intended: P6 (record 2026-10-01); not P5 (none), not P7 (record 2026-11-21 after as-of).
  // leavers: L3 left 2024-07-19, 3rd year from 2026-07-19, destination 2026-08-01: known.
  //          L4 left 2022-07-20: more than three years on, not counted.
  y13.all = B8Figures{.on_roll = 3,
                      .qualified_interview = {2, 3},
                      .by_end_of_y11 = {},
                      .two_or_more = Fraction{1, 3},
                      .lengths = {1, 0, 1, 0, 1},
                      .with_plan = {2, 3},
                      .plans_shared = {1, 2},
                      .open_actions = 1,
                      .overdue_actions = 1,
                      .follow_ups_done = 2,
                      .ticked_by_tutor = 1,
                      .intended_destination = {1, 3},
                      .leaver_destination = {Fraction{0, 0}, Fraction{0, 0}, Fraction{1, 1}}};
  y13.send = B8Figures{.on_roll = 1,
                       .qualified_interview = {1, 1},
                       .by_end_of_y11 = {},
                       .two_or_more = Fraction{0, 1},
                       .lengths = {0, 0, 0, 0, 1},
                       .with_plan = {1, 1},
                       .plans_shared = {0, 1},
                       .open_actions = 0,
                       .overdue_actions = 0,
                       .follow_ups_done = 0,
                       .ticked_by_tutor = 0,
                       .intended_destination = {1, 1},
                       .leaver_destination = {}};
  y13.fsm = B8Figures{.on_roll = 1,
                      .qualified_interview = {1, 1},
                      .by_end_of_y11 = {},
                      .two_or_more = Fraction{1, 1},
                      .lengths = {1, 0, 1, 0, 0},
                      .with_plan = {1, 1},
                      .plans_shared = {1, 1},
                      .open_actions = 1,
                      .overdue_actions = 1,
                      .follow_ups_done = 2,
                      .ticked_by_tutor = 1,
                      .intended_destination = {0, 1},
                      .leaver_destination = {}};
  EXPECT_EQ(r.years[1], y13);

  // Whole school: Y11 + Y13 (P8 in Y6 is outside); no Y11- or Y13-only figures.
  B8Group total;
  total.year = "all";
  // all: on roll 3+3; qualified 1+2 of 6; lengths {0+1,1+0,0+1,1+0,0+1}; plans 2+2 of 6;
  //      shared 1+1 of 2+2; open 3+1, overdue 1+1, done 1+2, ticked 1+1; intended 2+1 of 6;
  //      leavers {1/1, 0/1, 1/1}.
  total.all = B8Figures{.on_roll = 6,
                        .qualified_interview = {3, 6},
                        .by_end_of_y11 = {},
                        .two_or_more = {},
                        .lengths = {1, 1, 1, 1, 1},
                        .with_plan = {4, 6},
                        .plans_shared = {2, 4},
                        .open_actions = 4,
                        .overdue_actions = 2,
                        .follow_ups_done = 3,
                        .ticked_by_tutor = 2,
                        .intended_destination = {3, 6},
                        .leaver_destination = {Fraction{1, 1}, Fraction{0, 1}, Fraction{1, 1}}};
  // SEND: P1, P3, P6; L1.
  total.send = B8Figures{.on_roll = 3,
                         .qualified_interview = {2, 3},
                         .by_end_of_y11 = {},
                         .two_or_more = {},
                         .lengths = {0, 1, 0, 1, 1},
                         .with_plan = {2, 3},
                         .plans_shared = {1, 2},
                         .open_actions = 2,
                         .overdue_actions = 1,
                         .follow_ups_done = 1,
                         .ticked_by_tutor = 1,
                         .intended_destination = {2, 3},
                         .leaver_destination = {Fraction{1, 1}, Fraction{0, 0}, Fraction{0, 0}}};
  // FSM: P1, P5; L2.
  total.fsm = B8Figures{.on_roll = 2,
                        .qualified_interview = {2, 2},
                        .by_end_of_y11 = {},
                        .two_or_more = {},
                        .lengths = {1, 1, 1, 1, 0},
                        .with_plan = {2, 2},
                        .plans_shared = {2, 2},
                        .open_actions = 3,
                        .overdue_actions = 2,
                        .follow_ups_done = 3,
                        .ticked_by_tutor = 2,
                        .intended_destination = {1, 2},
                        .leaver_destination = {Fraction{0, 0}, Fraction{0, 1}, Fraction{0, 0}}};
  EXPECT_EQ(r.total, total);
}

// Every figure of every cell, keyed "year/segment/figure", from the struct.
std::map<std::string, FigureRow> struct_figures(const B8Report& r) {
  std::map<std::string, FigureRow> out;
  auto add = [&](const B8Group& g) {
    for (const auto& s : kSegments) {
      for (const auto& row : figure_rows(g.*s.cell))
        out[g.year + "/" + std::string(s.key) + "/" + std::string(row.key)] = row;
    }
  };
  for (const auto& g : r.years)
    add(g);
  add(r.total);
  return out;
}

TEST_F(B8, JsonAgreesWithTheComputation) {
  const B8Report r = load();
  const auto j = nlohmann::json::parse(render_b8_json(r));
  EXPECT_EQ(j["school_urn"], kUrn);
  EXPECT_EQ(j["as_of"], kAsOf);
  EXPECT_EQ(j["pupils_outside_y7_y13"], 1);
  std::size_t seen = 0;
  std::vector<nlohmann::json> groups(j["year_groups"].begin(), j["year_groups"].end());
  groups.push_back(j["whole_school"]);
  const auto expected = struct_figures(r);
  for (const auto& g : groups) {
    for (const auto& s : kSegments) {
      for (const auto& [key, value] : g[std::string(s.key)].items()) {
        const auto it = expected.find(g["year_group"].get<std::string>() + "/" +
                                      std::string(s.key) + "/" + key);
        ASSERT_NE(it, expected.end()) << key;
        ++seen;
        if (it->second.count) {
          EXPECT_EQ(value.get<std::int64_t>(), *it->second.count) << it->first;
        } else {
          EXPECT_EQ(value["numerator"].get<std::int64_t>(), it->second.fraction->num) << it->first;
          EXPECT_EQ(value["denominator"].get<std::int64_t>(), it->second.fraction->den)
              << it->first;
        }
      }
    }
  }
  EXPECT_EQ(seen, expected.size());
  // Spot checks against the hand count: Y11 all, qualified 1 of 3; Y13 two or more 1 of 3.
  EXPECT_EQ(j["year_groups"][0]["all"]["qualified_interview"],
            (nlohmann::json{{"numerator", 1}, {"denominator", 3}}));
  EXPECT_EQ(j["year_groups"][1]["all"]["two_or_more_qualified_interviews"]["numerator"], 1);
}

TEST_F(B8, CsvAgreesWithTheComputation) {
  const B8Report r = load();
  const std::string csv = render_b8_csv(r);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "school_urn,as_of,year_group,segment,figure,count,numerator,denominator,percent\r");
  const auto expected = struct_figures(r);
  std::size_t seen = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
    ASSERT_EQ(cells.size(), 9U) << line;
    EXPECT_EQ(cells[0], kUrn);
    EXPECT_EQ(cells[1], kAsOf);
    const auto it = expected.find(cells[2] + "/" + cells[3] + "/" + cells[4]);
    ASSERT_NE(it, expected.end()) << line;
    ++seen;
    if (it->second.count) {
      EXPECT_EQ(cells[5], std::to_string(*it->second.count)) << line;
    } else {
      const Fraction f = *it->second.fraction;
      EXPECT_EQ(cells[6], std::to_string(f.num)) << line;
      EXPECT_EQ(cells[7], std::to_string(f.den)) << line;
      EXPECT_EQ(cells[8], f.den ? percent_text(f) : "") << line;
    }
  }
  EXPECT_EQ(seen, expected.size());
  // Rounded to one decimal: Y11 all qualified 1 of 3 is 33.3; by end of Y11 2 of 3 is 66.7.
  EXPECT_NE(csv.find("137942,2026-11-20,11,all,qualified_interview,,1,3,33.3\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("137942,2026-11-20,11,all,qualified_interview_by_end_of_y11,,2,3,66.7\r\n"),
            std::string::npos);
}

TEST_F(B8, HtmlIsOneSelfContainedAccessiblePage) {
  const std::string html = render_b8_html(load());
  EXPECT_NE(html.find("<svg role=\"img\" aria-label="), std::string::npos);
  EXPECT_NE(html.find("<title>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // only the namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<caption>Year 11: Benchmark 8 figures as of 2026-11-20</caption>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\">SEND</th>"), std::string::npos);
  // The same numbers as the table, with numerator and denominator; the school name escaped.
  EXPECT_NE(html.find("33.3% (1 of 3)"), std::string::npos);
  EXPECT_NE(html.find("Riverside &amp; Hill &lt;Academy&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<Academy>"), std::string::npos);
}

TEST_F(B8, TheCommandWritesTheReportAndAuditsIt) {
  const auto data = (dir_.path() / "data").string();
  const auto out = (dir_.path() / "b8.html").string();
  store_.reset();  // the command opens the store itself
  auto r = test::run_careerlink({"--data-dir", data, "report", "b8", "--school", kUrn, "--as-of",
                                 kAsOf, "--format", "html", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(out);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  auto json = test::run_careerlink({"--data-dir", data, "report", "b8", "--school", "8204321",
                                    "--as-of", kAsOf, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["whole_school"]["all"]["on_roll"], 6);

  auto opened = open_sqlite_store(data);
  ASSERT_TRUE(opened);
  AuditFilter filter;
  filter.action = "report.b8";
  auto events = (*opened)->list_audit(filter);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ(events->front().object, "school:137942");
}

TEST_F(B8, AnUnknownSchoolOrABadDateIsAUsageError) {
  const auto data = (dir_.path() / "data").string();
  store_.reset();
  auto r = test::run_careerlink(
      {"--data-dir", data, "report", "b8", "--school", "999999", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("no school with URN or LAESTAB 999999"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  auto bad = test::run_careerlink({"--data-dir", data, "report", "b8", "--school", kUrn, "--as-of",
                                   "2026-02-30", "--format", "csv"});
  EXPECT_EQ(bad.exit_code, 64);
  auto format = test::run_careerlink(
      {"--data-dir", data, "report", "b8", "--school", kUrn, "--format", "pdf"});
  EXPECT_EQ(format.exit_code, 64);
}

TEST(B8Rules, PercentagesRoundHalfUpToOneDecimal) {
  EXPECT_EQ(percent_text({1, 3}), "33.3");
  EXPECT_EQ(percent_text({2, 3}), "66.7");
  EXPECT_EQ(percent_text({1, 8}), "12.5");  // 12.5 exactly
  EXPECT_EQ(percent_text({1, 16}), "6.3");  // 6.25 rounds up
  EXPECT_EQ(percent_text({3, 3}), "100.0");
  EXPECT_EQ(percent_text({0, 0}), "-");
}

TEST(B8Rules, LengthBandsMatchTheResearchBands) {
  EXPECT_EQ(length_band(1), 0U);
  EXPECT_EQ(length_band(19), 0U);
  EXPECT_EQ(length_band(20), 1U);
  EXPECT_EQ(length_band(29), 1U);
  EXPECT_EQ(length_band(30), 2U);
  EXPECT_EQ(length_band(44), 2U);
  EXPECT_EQ(length_band(45), 3U);
  EXPECT_EQ(length_band(59), 3U);
  EXPECT_EQ(length_band(60), 4U);
}

TEST(B8Rules, ALeaverOn29FebruaryMovesOnAYearOn1March) {
  B8Pupil p;
  p.nc_year = "13";
  p.leaving_date = "2024-02-29";
  p.actual_destination_dates = {"2025-03-01"};
  // 2024-02-29 + 1 year = 2025-03-01: on 2025-02-28 still in the 1st year, on 2025-03-01 the 2nd.
  const std::vector<B8Pupil> pupils{p};
  auto first = compute_b8("137942", "", ymd(2025, 2, 28), pupils);
  EXPECT_EQ(first.total.all.leaver_destination[0], (Fraction{0, 1}));
  auto second = compute_b8("137942", "", ymd(2025, 3, 1), pupils);
  EXPECT_EQ(second.total.all.leaver_destination[1], (Fraction{1, 1}));
}

}  // namespace
}  // namespace careerlink::report
