#include "daemon/guidance/nccis_codes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace careerlink::guidance {
namespace {

TEST(NccisCodes, HoldsEveryCodeOfTheReferenceList) {
  // reference/formats.md section 2: 5 pre-16, 9 education, 8 employment, 5 training,
  // 1 re-engagement, 6 NEET active, 7 NEET inactive, 2 other, 3 not known.
  EXPECT_EQ(all_activities().size(), 46u);
  std::set<std::string_view> codes;
  for (const auto& a : all_activities()) {
    EXPECT_EQ(a.code.size(), 3u) << a.code;
    EXPECT_FALSE(a.description.empty()) << a.code;
    EXPECT_TRUE(codes.insert(a.code).second) << "listed twice: " << a.code;
  }
}

TEST(NccisCodes, FindsCodesWithTheirGroup) {
  const NccisActivity* fe = find_activity("230");
  ASSERT_NE(fe, nullptr);
  EXPECT_EQ(fe->group, NccisGroup::education);
  EXPECT_EQ(find_activity("310")->group, NccisGroup::employment);
  EXPECT_EQ(find_activity("530")->group, NccisGroup::re_engagement);
  EXPECT_EQ(find_activity("619")->group, NccisGroup::neet_active);
  EXPECT_EQ(find_activity("680")->group, NccisGroup::neet_inactive);
  EXPECT_EQ(find_activity("720")->group, NccisGroup::other);
  EXPECT_EQ(find_activity("830")->group, NccisGroup::not_known);
  EXPECT_EQ(find_activity("110")->group, NccisGroup::pre16);
  EXPECT_EQ(find_activity("460")->group, NccisGroup::training);
  EXPECT_EQ(group_name(NccisGroup::neet_inactive), "neet_inactive");
}

TEST(NccisCodes, RefusesWhatIsNotACode) {
  EXPECT_EQ(find_activity("999"), nullptr);
  EXPECT_EQ(find_activity("370"), nullptr);
  EXPECT_EQ(find_activity(""), nullptr);
  EXPECT_EQ(find_activity("23"), nullptr);
  EXPECT_EQ(find_activity("2300"), nullptr);
  EXPECT_EQ(find_activity(" 230"), nullptr);
}

}  // namespace
}  // namespace careerlink::guidance
