#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/guidance/guidance_csv.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "tests/unit/guidance/guidance_test_support.hpp"

namespace careerlink::guidance {
namespace {

using nlohmann::json;
using test::contains;
using test::describe;
using test::kToday;
using test::sample_interview;
using test::ScratchDir;

json interview(const std::string& id) {
  json body = sample_interview();
  body["external_id"] = id;
  return body;
}

auto read(const ScratchDir& dir, std::string_view text, const GuidanceCsvLimits& limits = {}) {
  return read_guidance_json_file(dir.write("guidance.json", text), kToday, limits);
}

TEST(GuidanceJsonFile, ReadsAnArrayOfInterviews) {
  ScratchDir dir;
  const auto result = read(dir, json::array({interview("INT-1"), interview("INT-2")}).dump(2));
  ASSERT_TRUE(result) << describe(result.error());
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].external_id, "INT-1");
  EXPECT_EQ((*result)[1].external_id, "INT-2");
}

TEST(GuidanceJsonFile, ReadsASingleInterview) {
  ScratchDir dir;
  const auto result = read(dir, "\xEF\xBB\xBF" + interview("INT-1").dump());
  ASSERT_TRUE(result) << describe(result.error());
  ASSERT_EQ(result->size(), 1u);
}

TEST(GuidanceJsonFile, ABadElementIsNamedByItsIndexAndNothingIsReturned) {
  ScratchDir dir;
  json bad = interview("INT-3");
  bad["plan"]["actions"][0]["due"] = "05/12/2026";
  bad["minutes"] = 0;
  const auto result = read(dir, json::array({interview("INT-1"), interview("INT-2"), bad}).dump());
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 2u) << describe(result.error());
  EXPECT_EQ(result.error()[0].field, "[2].minutes");
  EXPECT_EQ(result.error()[1].field, "[2].plan.actions[0].due");
  EXPECT_TRUE(contains(result.error()[1].message, "got \"05/12/2026\""));
}

TEST(GuidanceJsonFile, EachInterviewCarriesItsOwnExternalId) {
  ScratchDir dir;
  auto result = read(dir, sample_interview().dump());
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u) << describe(result.error());
  EXPECT_EQ(result.error()[0].field, "external_id");

  result = read(dir, json::array({interview("INT-1"), interview("INT-1")}).dump());
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u) << describe(result.error());
  EXPECT_EQ(result.error()[0].field, "[1].external_id");
  EXPECT_TRUE(contains(result.error()[0].message, "of [0]"));

  result = read(dir, json::array({interview("INT-1"), 42}).dump());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).field, "[1]");
}

TEST(GuidanceJsonFile, RefusesWhatIsNotAnInterviewFile) {
  ScratchDir dir;
  const auto whole_file = [&](std::string_view text, std::string_view fragment,
                              const GuidanceCsvLimits& limits = {}) {
    const auto result = read(dir, text, limits);
    ASSERT_FALSE(result) << text;
    ASSERT_EQ(result.error().size(), 1u) << describe(result.error());
    EXPECT_EQ(result.error()[0].field, "");
    EXPECT_TRUE(contains(result.error()[0].message, fragment)) << result.error()[0].message;
  };
  whole_file("", "empty");
  whole_file("\"just a string\"", "an interview (a JSON object) or an array");
  whole_file("[{\"external_id\": \"x\",}]", "not valid JSON: parse error at line 1");
  whole_file(std::string("{\0}", 3), "binary");
  whole_file("{\"external_id\": \"Ren\xE9\"}", "UTF-8");
  whole_file("{\"external_id\":\"a\",\"external_id\":\"b\"}", "\"external_id\" is given twice");
  whole_file(std::string(100, '[') + std::string(100, ']'), "levels deep");
  GuidanceCsvLimits small;
  small.max_file_bytes = 10;
  whole_file(interview("INT-1").dump(), "limit", small);
}

}  // namespace
}  // namespace careerlink::guidance
