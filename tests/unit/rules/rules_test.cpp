// The follow-up rules: each flag at the edges of its dates and thresholds, and what it says.
#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/rules/rules.hpp"

namespace careerlink::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::chrono::year_month_day day(int y, unsigned m, unsigned d) {
  return std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
}

std::vector<std::string> kinds(const std::vector<Flag>& flags) {
  std::vector<std::string> out;
  out.reserve(flags.size());
  for (const Flag& flag : flags)
    out.push_back(flag.kind);
  return out;
}

std::optional<Flag> find(const std::vector<Flag>& flags, std::string_view kind) {
  for (const Flag& flag : flags) {
    if (flag.kind == kind) return flag;
  }
  return std::nullopt;
}

std::optional<Flag> flag_of(const PupilFacts& facts, std::string_view kind,
                            std::chrono::year_month_day as_of, const RulesConfig& config = {}) {
  return find(evaluate(facts, config, as_of), kind);
}

// The flag's RAG, or nullopt when there is no such flag (so a missing flag fails cleanly).
std::optional<Rag> rag_of(const PupilFacts& facts, std::string_view kind,
                          std::chrono::year_month_day as_of, const RulesConfig& config = {}) {
  auto flag = flag_of(facts, kind, as_of, config);
  return flag ? std::optional<Rag>(flag->rag) : std::nullopt;
}

// A Y11 pupil with nothing else that would raise a flag of its own.
PupilFacts year(std::string nc_year) {
  PupilFacts facts;
  facts.pupil_id = 42;
  facts.nc_year = std::move(nc_year);
  facts.has_intended_destination = true;
  return facts;
}

PupilFacts::InterviewFact interview(std::string date, bool qualified = true) {
  return PupilFacts::InterviewFact{std::move(date), qualified};
}

guidance::Action action(std::string text, std::optional<std::string> due,
                        std::string status = "open") {
  guidance::Action a;
  a.id = "a1";
  a.text = std::move(text);
  a.owner = "pupil";
  a.due = std::move(due);
  a.status = std::move(status);
  return a;
}

PupilFacts with_actions(std::vector<guidance::Action> actions) {
  PupilFacts facts = year("12");
  facts.plan = guidance::ActionPlan{};
  facts.plan->actions = std::move(actions);
  return facts;
}

// --- academic_year_date ---------------------------------------------------------------------

TEST(AcademicYearDate, SeptemberToDecemberFallInTheStartingYear) {
  EXPECT_EQ(academic_year_date("09-01", day(2026, 9, 1)), day(2026, 9, 1));
  EXPECT_EQ(academic_year_date("12-31", day(2027, 3, 1)), day(2026, 12, 31));
  EXPECT_EQ(academic_year_date("03-31", day(2026, 9, 1)), day(2027, 3, 31));
  EXPECT_EQ(academic_year_date("08-31", day(2026, 9, 1)), day(2027, 8, 31));
}

TEST(AcademicYearDate, ThirtyFirstOfAugustIsStillThePreviousAcademicYear) {
  EXPECT_EQ(academic_year_date("03-31", day(2026, 8, 31)), day(2026, 3, 31));
  EXPECT_EQ(academic_year_date("09-01", day(2026, 8, 31)), day(2025, 9, 1));
  EXPECT_EQ(academic_year_date("08-31", day(2026, 8, 31)), day(2026, 8, 31));
}

TEST(AcademicYearDate, TwentyNinthOfFebruaryOnlyInLeapYears) {
  EXPECT_EQ(academic_year_date("02-29", day(2027, 10, 1)), day(2028, 2, 29));
  EXPECT_EQ(academic_year_date("02-29", day(2028, 8, 31)), day(2028, 2, 29));
  EXPECT_EQ(academic_year_date("02-29", day(2026, 10, 1)), std::nullopt);
  EXPECT_EQ(academic_year_date("02-29", day(2028, 9, 1)), std::nullopt);  // next Feb is 2029
  EXPECT_EQ(academic_year_date("02-29", day(2099, 9, 1)), std::nullopt);  // 2100: no leap day
}

TEST(AcademicYearDate, MalformedValuesAreRefused) {
  for (std::string_view bad : {"", "3-31", "03/31", "0331", "13-01", "00-10", "04-31", "03-00",
                               "03-3a", "+3-31", "03-31 ", "2027-03-31"}) {
    EXPECT_EQ(academic_year_date(bad, day(2026, 10, 1)), std::nullopt) << bad;
  }
}

// --- Rag, overall_rag, plan_derived ---------------------------------------------------------

TEST(Rag, WordsRoundTrip) {
  for (Rag rag : {Rag::green, Rag::amber, Rag::red}) {
    EXPECT_EQ(parse_rag(to_string(rag)), rag);
  }
  EXPECT_EQ(to_string(Rag::amber), "amber");
  EXPECT_EQ(parse_rag("Red"), std::nullopt);
  EXPECT_EQ(parse_rag(""), std::nullopt);
}

TEST(OverallRag, IsTheWorstFlag) {
  EXPECT_EQ(overall_rag({}), Rag::green);
  const std::vector<Flag> amber{{"review_due", Rag::amber, ""}, {"neet_risk", Rag::amber, ""}};
  EXPECT_EQ(overall_rag(amber), Rag::amber);
  const std::vector<Flag> mixed{
      {"review_due", Rag::amber, ""}, {"neet_risk", Rag::red, ""}, {"x", Rag::amber, ""}};
  EXPECT_EQ(overall_rag(mixed), Rag::red);
}

TEST(PlanDerived, OnlyTheFlagsThatQuoteThePlan) {
  EXPECT_TRUE(plan_derived("overdue_action"));
  EXPECT_TRUE(plan_derived("review_due"));
  for (std::string_view kind :
       {"no_interview", "no_second_interview", "no_intended_destination", "neet_risk", ""}) {
    EXPECT_FALSE(plan_derived(kind)) << kind;
  }
}

// --- no_interview ---------------------------------------------------------------------------

// Defaults: due by 31 March, amber from 60 days before (30 January 2027).
TEST(NoInterview, NoFlagTheDayBeforeTheWarningStarts) {
  EXPECT_EQ(flag_of(year("11"), "no_interview", day(2027, 1, 29)), std::nullopt);
  EXPECT_EQ(flag_of(year("11"), "no_interview", day(2026, 9, 1)), std::nullopt);
}

TEST(NoInterview, AmberFromTheWarningStartToTheDeadline) {
  for (auto as_of : {day(2027, 1, 30), day(2027, 3, 30), day(2027, 3, 31)}) {
    auto flag = flag_of(year("11"), "no_interview", as_of);
    ASSERT_TRUE(flag);
    EXPECT_EQ(flag->rag, Rag::amber);
    EXPECT_EQ(flag->reason,
              "No careers interview with a qualified adviser yet; due by 31 March 2027");
  }
}

TEST(NoInterview, RedTheDayAfterTheDeadline) {
  for (auto as_of : {day(2027, 4, 1), day(2027, 8, 31)}) {
    auto flag = flag_of(year("11"), "no_interview", as_of);
    ASSERT_TRUE(flag);
    EXPECT_EQ(flag->rag, Rag::red);
    EXPECT_EQ(flag->reason,
              "No careers interview with a qualified adviser yet; was due by 31 March 2027");
  }
}

TEST(NoInterview, NewAcademicYearStartsAgain) {
  // 1 September: the deadline is next March and far off.
  EXPECT_EQ(flag_of(year("11"), "no_interview", day(2027, 9, 1)), std::nullopt);
}

TEST(NoInterview, QualifiedInterviewOnOrBeforeTheDayClearsIt) {
  PupilFacts facts = year("11");
  facts.interviews = {interview("2027-04-01")};
  EXPECT_EQ(flag_of(facts, "no_interview", day(2027, 4, 1)), std::nullopt);
  facts.interviews = {interview("2026-11-12")};
  EXPECT_EQ(flag_of(facts, "no_interview", day(2027, 6, 1)), std::nullopt);
}

TEST(NoInterview, UnqualifiedInterviewDoesNotCount) {
  PupilFacts facts = year("11");
  facts.interviews = {interview("2026-11-12", false)};
  auto flag = flag_of(facts, "no_interview", day(2027, 4, 1));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);
}

TEST(NoInterview, InterviewAfterAsOfDoesNotCount) {
  PupilFacts facts = year("11");
  facts.interviews = {interview("2027-04-02")};
  auto flag = flag_of(facts, "no_interview", day(2027, 4, 1));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);
}

TEST(NoInterview, MalformedInterviewDateIsSkipped) {
  PupilFacts facts = year("11");
  facts.interviews = {interview("12/11/2026"), interview("2026-02-30"), interview("")};
  auto flag = flag_of(facts, "no_interview", day(2027, 4, 1));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);
}

TEST(NoInterview, OnlyYearEleven) {
  for (std::string nc : {"10", "12", "13", "R", "011", " 11"}) {
    EXPECT_EQ(flag_of(year(nc), "no_interview", day(2027, 4, 1)), std::nullopt) << nc;
  }
  PupilFacts unknown = year("11");
  unknown.nc_year.reset();
  EXPECT_THAT(evaluate(unknown, {}, day(2027, 4, 1)), IsEmpty());
}

TEST(NoInterview, ConfiguredDeadlineAndWarning) {
  RulesConfig config;
  config.no_interview_by = "12-15";
  config.no_interview_warn_days = 0;
  EXPECT_EQ(flag_of(year("11"), "no_interview", day(2026, 12, 14), config), std::nullopt);
  auto on_the_day = flag_of(year("11"), "no_interview", day(2026, 12, 15), config);
  ASSERT_TRUE(on_the_day);
  EXPECT_EQ(on_the_day->rag, Rag::amber);
  EXPECT_THAT(on_the_day->reason, HasSubstr("due by 15 December 2026"));
  // In January the December deadline is the one just gone, not next December's.
  auto january = flag_of(year("11"), "no_interview", day(2027, 1, 10), config);
  ASSERT_TRUE(january);
  EXPECT_EQ(january->rag, Rag::red);
}

TEST(NoInterview, TwentyNinthOfFebruaryIsTheEndOfFebruaryInOtherYears) {
  RulesConfig config;
  config.no_interview_by = "02-29";
  config.no_interview_warn_days = 0;
  auto last_day = flag_of(year("11"), "no_interview", day(2027, 2, 28), config);
  ASSERT_TRUE(last_day);
  EXPECT_EQ(last_day->rag, Rag::amber);
  EXPECT_THAT(last_day->reason, HasSubstr("due by 28 February 2027"));
  EXPECT_EQ(rag_of(year("11"), "no_interview", day(2027, 3, 1), config), Rag::red);
  auto leap = flag_of(year("11"), "no_interview", day(2028, 2, 29), config);
  ASSERT_TRUE(leap);
  EXPECT_EQ(leap->rag, Rag::amber);
  EXPECT_THAT(leap->reason, HasSubstr("due by 29 February 2028"));
}

TEST(NoInterview, MalformedConfiguredDateRaisesNothing) {
  RulesConfig config;
  config.no_interview_by = "31-03";
  EXPECT_EQ(flag_of(year("11"), "no_interview", day(2027, 4, 1), config), std::nullopt);
}

// --- no_second_interview --------------------------------------------------------------------

TEST(NoSecondInterview, OneQualifiedIsNotEnough) {
  PupilFacts facts = year("13");
  facts.interviews = {interview("2026-10-01"), interview("2026-11-01", false)};
  EXPECT_EQ(flag_of(facts, "no_second_interview", day(2027, 1, 29)), std::nullopt);
  auto amber = flag_of(facts, "no_second_interview", day(2027, 1, 30));
  ASSERT_TRUE(amber);
  EXPECT_EQ(amber->rag, Rag::amber);
  EXPECT_EQ(amber->reason,
            "1 of 2 careers interviews with a qualified adviser so far; due by 31 March 2027");
  auto red = flag_of(facts, "no_second_interview", day(2027, 4, 1));
  ASSERT_TRUE(red);
  EXPECT_EQ(red->rag, Rag::red);
  EXPECT_EQ(red->reason,
            "1 of 2 careers interviews with a qualified adviser so far; was due by 31 March 2027");
}

TEST(NoSecondInterview, NoneAtAllSaysSo) {
  auto flag = flag_of(year("13"), "no_second_interview", day(2027, 3, 31));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_THAT(flag->reason, HasSubstr("0 of 2 careers interviews"));
}

TEST(NoSecondInterview, TwoQualifiedOnOrBeforeTheDayClearIt) {
  PupilFacts facts = year("13");
  facts.interviews = {interview("2025-06-01"), interview("2027-04-01")};
  EXPECT_EQ(flag_of(facts, "no_second_interview", day(2027, 4, 1)), std::nullopt);
  // The second one has not happened yet on 31 March.
  auto before = flag_of(facts, "no_second_interview", day(2027, 3, 31));
  ASSERT_TRUE(before);
  EXPECT_THAT(before->reason, HasSubstr("1 of 2"));
}

TEST(NoSecondInterview, UsesItsOwnDeadlineAndOnlyYearThirteen) {
  RulesConfig config;
  config.no_interview_by = "01-31";
  config.no_second_interview_by = "05-31";
  config.no_interview_warn_days = 10;
  EXPECT_EQ(flag_of(year("13"), "no_second_interview", day(2027, 5, 20), config), std::nullopt);
  auto flag = flag_of(year("13"), "no_second_interview", day(2027, 5, 21), config);
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_THAT(flag->reason, HasSubstr("31 May 2027"));
  EXPECT_EQ(flag_of(year("13"), "no_interview", day(2027, 5, 21), config), std::nullopt);
  EXPECT_EQ(flag_of(year("11"), "no_second_interview", day(2027, 6, 1), config), std::nullopt);
  EXPECT_EQ(flag_of(year("12"), "no_second_interview", day(2027, 6, 1), config), std::nullopt);
}

// --- overdue_action -------------------------------------------------------------------------

TEST(OverdueAction, DueTodayIsNotOverdue) {
  PupilFacts facts = with_actions({action("Attend the college open evening", "2026-12-05")});
  EXPECT_EQ(flag_of(facts, "overdue_action", day(2026, 12, 5)), std::nullopt);
  auto flag = flag_of(facts, "overdue_action", day(2026, 12, 6));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_EQ(flag->reason,
            "1 action overdue: \"Attend the college open evening\" (pupil) was due on 5 December "
            "2026");
}

TEST(OverdueAction, RedOnlyWhenOverdueByMoreThanTheRedDays) {
  PupilFacts facts = with_actions({action("Attend the college open evening", "2026-12-05")});
  // 28 days overdue on 2 January 2027: still amber; 29 on the 3rd: red.
  EXPECT_EQ(rag_of(facts, "overdue_action", day(2027, 1, 2)), Rag::amber);
  EXPECT_EQ(rag_of(facts, "overdue_action", day(2027, 1, 3)), Rag::red);
  RulesConfig config;
  config.overdue_red_days = 0;
  EXPECT_EQ(rag_of(facts, "overdue_action", day(2026, 12, 6), config), Rag::red);
}

TEST(OverdueAction, OneFlagNamingTheOldest) {
  guidance::Action later = action("Research apprenticeships", "2027-01-10");
  later.owner = "tutor";
  PupilFacts facts = with_actions({later, action("Attend the college open evening", "2026-12-05"),
                                   action("Same day, listed later", "2026-12-05"),
                                   action("Not yet due", "2027-02-01")});
  const auto flags = evaluate(facts, {}, day(2027, 1, 20));
  EXPECT_THAT(kinds(flags), ElementsAre("overdue_action"));
  auto flag = find(flags, "overdue_action");
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);  // 46 days for the oldest
  EXPECT_EQ(flag->reason,
            "3 actions overdue; the oldest, \"Attend the college open evening\" (pupil), was due "
            "on 5 December 2026");
}

TEST(OverdueAction, RagFollowsTheOldestNotTheNewest) {
  PupilFacts facts = with_actions(
      {action("Recent", "2027-01-18"), action("Older but within the red days", "2027-01-01")});
  auto flag = flag_of(facts, "overdue_action", day(2027, 1, 29));  // 28 days
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_THAT(flag->reason, HasSubstr("2 actions overdue"));
  EXPECT_THAT(flag->reason, HasSubstr("Older but within the red days"));
}

TEST(OverdueAction, OnlyOpenActionsWithARealDueDate) {
  PupilFacts facts =
      with_actions({action("Done", "2026-10-01", "done"),
                    action("Dropped", "2026-10-01", "dropped"), action("No due date", std::nullopt),
                    action("Bad date", "01/10/2026"), action("Impossible", "2026-09-31")});
  EXPECT_EQ(flag_of(facts, "overdue_action", day(2027, 1, 20)), std::nullopt);
  facts.plan->actions.push_back(action("Still open", "2026-10-02"));
  auto flag = flag_of(facts, "overdue_action", day(2027, 1, 20));
  ASSERT_TRUE(flag);
  EXPECT_THAT(flag->reason, HasSubstr("1 action overdue: \"Still open\""));
}

TEST(OverdueAction, NoPlanNoFlag) {
  EXPECT_EQ(flag_of(year("12"), "overdue_action", day(2027, 1, 20)), std::nullopt);
}

// --- review_due -----------------------------------------------------------------------------

PupilFacts with_review(std::string date) {
  PupilFacts facts = year("12");
  facts.plan = guidance::ActionPlan{};
  facts.plan->next_review = std::move(date);
  return facts;
}

TEST(ReviewDue, DueOnTheDayIsNotYetOverdue) {
  EXPECT_EQ(flag_of(with_review("2027-02-01"), "review_due", day(2027, 2, 1)), std::nullopt);
  auto flag = flag_of(with_review("2027-02-01"), "review_due", day(2027, 2, 2));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_EQ(flag->reason, "Action plan review overdue; it was due on 1 February 2027");
}

TEST(ReviewDue, RedAfterTheRedDays) {
  // 28 days after 1 February 2027 is 1 March: amber; the 2nd is 29 days: red.
  EXPECT_EQ(rag_of(with_review("2027-02-01"), "review_due", day(2027, 3, 1)), Rag::amber);
  EXPECT_EQ(rag_of(with_review("2027-02-01"), "review_due", day(2027, 3, 2)), Rag::red);
  RulesConfig config;
  config.review_red_days = 7;
  EXPECT_EQ(rag_of(with_review("2027-02-01"), "review_due", day(2027, 2, 8), config), Rag::amber);
  EXPECT_EQ(rag_of(with_review("2027-02-01"), "review_due", day(2027, 2, 9), config), Rag::red);
}

TEST(ReviewDue, MissingOrMalformedReviewDateRaisesNothing) {
  EXPECT_EQ(flag_of(with_review("next term"), "review_due", day(2027, 3, 2)), std::nullopt);
  PupilFacts facts = year("12");
  facts.plan = guidance::ActionPlan{};
  EXPECT_THAT(evaluate(facts, {}, day(2027, 3, 2)), IsEmpty());
}

// --- no_intended_destination ----------------------------------------------------------------

// A Y11 pupil who has had an interview, so only the destination is missing.
PupilFacts without_destination(std::string nc_year = "11") {
  PupilFacts facts = year(std::move(nc_year));
  facts.has_intended_destination = false;
  facts.interviews = {interview("2026-10-01")};
  return facts;
}

TEST(NoIntendedDestination, NothingUntilTheDateHasPassed) {
  EXPECT_EQ(flag_of(without_destination(), "no_intended_destination", day(2027, 3, 30)),
            std::nullopt);
  EXPECT_EQ(flag_of(without_destination(), "no_intended_destination", day(2027, 3, 31)),
            std::nullopt);
  auto flag = flag_of(without_destination(), "no_intended_destination", day(2027, 4, 1));
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::amber);
  EXPECT_EQ(flag->reason, "No intended destination recorded; was due by 31 March 2027");
  // Never red, however late.
  EXPECT_EQ(rag_of(without_destination(), "no_intended_destination", day(2027, 8, 31)), Rag::amber);
}

TEST(NoIntendedDestination, AKnownDestinationOrAnotherYearClearsIt) {
  PupilFacts known = without_destination();
  known.has_intended_destination = true;
  EXPECT_THAT(evaluate(known, {}, day(2027, 4, 1)), IsEmpty());
  for (std::string nc : {"10", "12", "13"}) {
    EXPECT_EQ(flag_of(without_destination(nc), "no_intended_destination", day(2027, 4, 1)),
              std::nullopt)
        << nc;
  }
}

TEST(NoIntendedDestination, ConfiguredDate) {
  RulesConfig config;
  config.no_intended_destination_by = "01-15";
  EXPECT_EQ(flag_of(without_destination(), "no_intended_destination", day(2027, 1, 15), config),
            std::nullopt);
  auto flag = flag_of(without_destination(), "no_intended_destination", day(2027, 1, 16), config);
  ASSERT_TRUE(flag);
  EXPECT_THAT(flag->reason, HasSubstr("15 January 2027"));
}

// --- neet_risk ------------------------------------------------------------------------------

// Scores show from 1 so single indicators can be seen.
RulesConfig every_score() {
  RulesConfig config;
  config.neet_risk_amber = 1;
  config.neet_risk_red = 100;
  return config;
}

std::optional<Flag> roni(const PupilFacts& facts, const RulesConfig& config = {}) {
  return flag_of(facts, "neet_risk", day(2026, 11, 2), config);
}

TEST(NeetRisk, ReasonListsTheIndicatorsThatCountedAndTheTotal) {
  PupilFacts facts = year("10");
  facts.attendance_pct = 84.0;
  facts.looked_after = true;
  facts.fsm = true;
  facts.eal = false;
  facts.exclusions = 0;
  auto flag = roni(facts);
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);
  EXPECT_EQ(flag->reason,
            "RONI score 5 (amber from 3, red from 5): attendance 84.0% below 90% (2), looked "
            "after (2), free school meals (1)");
}

TEST(NeetRisk, AmberAndRedCutOffs) {
  PupilFacts facts = year("10");
  facts.fsm = true;
  facts.eal = true;
  EXPECT_EQ(roni(facts), std::nullopt);  // 2
  facts.sen = "K";
  auto three = roni(facts);
  ASSERT_TRUE(three);
  EXPECT_EQ(three->rag, Rag::amber);
  EXPECT_THAT(three->reason, HasSubstr("RONI score 3 "));
  facts.exclusions = 1;
  auto five = roni(facts);
  ASSERT_TRUE(five);
  EXPECT_EQ(five->rag, Rag::red);
  EXPECT_THAT(five->reason, HasSubstr("RONI score 5 "));
  EXPECT_THAT(five->reason, HasSubstr("1 exclusion (2)"));
}

TEST(NeetRisk, EachIndicatorAndItsWords) {
  struct Case {
    void (*set)(PupilFacts&);
    std::string words;
  };
  const Case cases[] = {
      {[](PupilFacts& f) { f.attendance_pct = 89.95; }, "attendance 89.95% below 90% (2)"},
      {[](PupilFacts& f) { f.exclusions = 3; }, "3 exclusions (2)"},
      {[](PupilFacts& f) { f.sen = "K"; }, "SEN support (1)"},
      {[](PupilFacts& f) { f.sen = "E"; }, "EHCP (1)"},
      {[](PupilFacts& f) { f.ehcp = true; }, "EHCP (1)"},
      {[](PupilFacts& f) { f.looked_after = true; }, "looked after (2)"},
      {[](PupilFacts& f) { f.fsm = true; }, "free school meals (1)"},
      {[](PupilFacts& f) { f.eal = true; }, "English as an additional language (1)"},
      {[](PupilFacts& f) { f.young_carer = true; }, "young carer (2)"},
  };
  for (const Case& c : cases) {
    PupilFacts facts = year("9");
    c.set(facts);
    auto flag = roni(facts, every_score());
    ASSERT_TRUE(flag) << c.words;
    EXPECT_THAT(flag->reason, testing::EndsWith("): " + c.words)) << flag->reason;
  }
}

TEST(NeetRisk, AttendanceAtTheThresholdDoesNotCount) {
  PupilFacts facts = year("9");
  facts.attendance_pct = 90.0;
  EXPECT_EQ(roni(facts, every_score()), std::nullopt);
  RulesConfig config = every_score();
  config.attendance_threshold = 92.5;
  facts.attendance_pct = 92.4;
  auto flag = roni(facts, config);
  ASSERT_TRUE(flag);
  EXPECT_THAT(flag->reason, HasSubstr("attendance 92.4% below 92.5% (2)"));
}

TEST(NeetRisk, NoExclusionsOrNoSenDoNotCount) {
  PupilFacts facts = year("9");
  facts.exclusions = 0;
  facts.sen = "N";
  facts.ehcp = false;
  facts.looked_after = false;
  facts.fsm = false;
  facts.eal = false;
  facts.young_carer = false;
  facts.attendance_pct = 97.0;
  EXPECT_EQ(roni(facts, every_score()), std::nullopt);
}

TEST(NeetRisk, UnknownIndicatorsDoNotCount) {
  RulesConfig config = every_score();
  config.neet_risk_amber = 0;  // even a zero cut-off does not flag a pupil with nothing known
  EXPECT_EQ(roni(year("9"), config), std::nullopt);
}

TEST(NeetRisk, EhcpCountsOnce) {
  PupilFacts facts = year("9");
  facts.sen = "E";
  facts.ehcp = true;
  auto flag = roni(facts, every_score());
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->reason, "RONI score 1 (amber from 1, red from 100): EHCP (1)");
  // A stale SEN support code beside an EHCP counts as the EHCP only.
  facts.sen = "K";
  flag = roni(facts, every_score());
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->reason, "RONI score 1 (amber from 1, red from 100): EHCP (1)");
}

TEST(NeetRisk, WeightZeroDisablesAnIndicator) {
  PupilFacts facts = year("10");
  facts.looked_after = true;
  facts.young_carer = true;
  facts.fsm = true;
  RulesConfig config;
  config.weight_looked_after = 0;
  auto flag = roni(facts, config);
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->reason,
            "RONI score 3 (amber from 3, red from 5): free school meals (1), young carer (2)");
  EXPECT_THAT(flag->reason, Not(HasSubstr("looked after")));
  config.weight_young_carer = 0;
  EXPECT_EQ(roni(facts, config), std::nullopt);
}

TEST(NeetRisk, ConfiguredWeightsAreUsed) {
  PupilFacts facts = year("10");
  facts.eal = true;
  RulesConfig config;
  config.weight_eal = 5;
  auto flag = roni(facts, config);
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->rag, Rag::red);
  EXPECT_THAT(flag->reason, HasSubstr("English as an additional language (5)"));
}

TEST(NeetRisk, OnlyTheConfiguredYears) {
  PupilFacts facts;
  facts.looked_after = true;
  facts.young_carer = true;
  for (std::string nc : {"9", "10", "11"}) {
    facts.nc_year = nc;
    EXPECT_TRUE(roni(facts)) << nc;
  }
  for (std::string nc : {"8", "12", "13", "R", "N1", "X", "", "9a"}) {
    facts.nc_year = nc;
    EXPECT_EQ(roni(facts), std::nullopt) << nc;
  }
  RulesConfig config;
  config.roni_min_year = 8;
  config.roni_max_year = 8;
  facts.nc_year = "8";
  EXPECT_TRUE(roni(facts, config));
  facts.nc_year = "9";
  EXPECT_EQ(roni(facts, config), std::nullopt);
}

// --- evaluate as a whole --------------------------------------------------------------------

PupilFacts everything_wrong(std::string nc_year) {
  PupilFacts facts = year(std::move(nc_year));
  facts.has_intended_destination = false;
  facts.attendance_pct = 70.0;
  facts.looked_after = true;
  facts.plan = guidance::ActionPlan{};
  facts.plan->actions = {action("Visit the sixth form", "2027-01-05")};
  facts.plan->next_review = "2027-02-01";
  return facts;
}

TEST(Evaluate, KindsComeInTheFixedOrder) {
  EXPECT_THAT(kinds(evaluate(everything_wrong("11"), {}, day(2027, 4, 20))),
              ElementsAre("no_interview", "overdue_action", "review_due", "no_intended_destination",
                          "neet_risk"));
  RulesConfig config;
  config.roni_max_year = 13;
  EXPECT_THAT(kinds(evaluate(everything_wrong("13"), config, day(2027, 4, 20))),
              ElementsAre("no_second_interview", "overdue_action", "review_due", "neet_risk"));
}

TEST(Evaluate, LeaversGetNoFlags) {
  PupilFacts facts = everything_wrong("11");
  ASSERT_THAT(evaluate(facts, {}, day(2027, 4, 20)), Not(IsEmpty()));
  facts.on_roll = false;
  EXPECT_THAT(evaluate(facts, {}, day(2027, 4, 20)), IsEmpty());
}

TEST(Evaluate, OverallRagOfARealEvaluation) {
  const auto flags = evaluate(everything_wrong("11"), {}, day(2027, 4, 20));
  EXPECT_EQ(overall_rag(flags), Rag::red);
  PupilFacts quiet = year("12");
  EXPECT_EQ(overall_rag(evaluate(quiet, {}, day(2027, 4, 20))), Rag::green);
}

}  // namespace
}  // namespace careerlink::rules
