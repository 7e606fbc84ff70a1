// `careerlink flags evaluate --as-of` and `flags list` over the sample school: the flags on any
// date, worked out without storing them, and the stored ones filtered as staff ask.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using nlohmann::json;
using test::run_careerlink;

class FlagsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto imported = run_careerlink({"--data-dir", data(), "import", "ctf",
                                    test::sample_school("8204321_CTF_8204321_001.xml").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  }
  std::string data() const { return (dir_ / "data").string(); }

  json evaluate(const std::string& as_of) {
    auto r = run_careerlink(
        {"--data-dir", data(), "flags", "evaluate", "--as-of", as_of, "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  static std::vector<std::string> kinds_of(const json& evaluated, const std::string& upn) {
    std::vector<std::string> out;
    for (const auto& p : evaluated["pupils"]) {
      if (p["upn"] != upn) continue;
      for (const auto& f : p["flags"])
        out.push_back(f["kind"].get<std::string>() + ":" + f["rag"].get<std::string>());
    }
    return out;
  }

  test::TempDir dir_;
};

TEST_F(FlagsCli, EvaluateAsOfADateShowsTheFlagsThenWithoutStoringThem) {
  // Year 11, no interview: nothing in November, amber from 60 days before 31 March, red after.
  EXPECT_TRUE(kinds_of(evaluate("2026-11-24"), "B820432116017").empty());
  EXPECT_EQ(kinds_of(evaluate("2027-01-30"), "B820432116017"),
            std::vector<std::string>{"no_interview:amber"});
  EXPECT_EQ(kinds_of(evaluate("2027-04-01"), "B820432116017"),
            (std::vector<std::string>{"no_interview:red", "no_intended_destination:amber"}));
  const json later = evaluate("2027-04-01");
  EXPECT_EQ(later["pupils_evaluated"], 28);
  EXPECT_EQ(later["as_of"], "2027-04-01");

  auto stored = run_careerlink({"--data-dir", data(), "flags", "list", "--format", "json"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  for (const auto& f : json::parse(stored.out))
    EXPECT_NE(f["kind"], "no_interview") << "evaluate must not store what it worked out";
}

TEST_F(FlagsCli, ListFiltersByYearGroupAndRag) {
  // The import worked out today's flags; the sample school's RONI flags are amber.
  auto all = run_careerlink({"--data-dir", data(), "flags", "list", "--format", "json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const json flags = json::parse(all.out);
  ASSERT_FALSE(flags.empty());
  for (const auto& f : flags)
    EXPECT_EQ(f["kind"], "neet_risk");

  auto year11 = run_careerlink(
      {"--data-dir", data(), "flags", "list", "--year", "Year 11", "--format", "json"});
  for (const auto& f : json::parse(year11.out))
    EXPECT_EQ(f["nc_year"], "11");
  auto red =
      run_careerlink({"--data-dir", data(), "flags", "list", "--rag", "red", "--format", "json"});
  EXPECT_TRUE(json::parse(red.out).empty());
  auto bad = run_careerlink({"--data-dir", data(), "flags", "list", "--rag", "purple"});
  EXPECT_EQ(bad.exit_code, 64);
  auto bad_date =
      run_careerlink({"--data-dir", data(), "flags", "evaluate", "--as-of", "31/03/2027"});
  EXPECT_EQ(bad_date.exit_code, 64);
  EXPECT_NE(bad_date.err.find("YYYY-MM-DD"), std::string::npos);
}

}  // namespace
}  // namespace careerlink
