#include <gtest/gtest.h>

#include "daemon/domain/upn.hpp"

namespace careerlink {
namespace {

// Vectors from reference/formats.md (python-stdnum doctest and worked examples).
TEST(Upn, AcceptsReferenceVectors) {
  EXPECT_TRUE(is_valid_upn("B801200005001"));
  EXPECT_TRUE(is_valid_upn("P207000016049"));
  EXPECT_TRUE(is_valid_upn("M80120000500A"));  // temporary
}

TEST(Upn, CheckLetterOfArborPitfallIsP) {
  // Arbor help says B207000016049 becomes Q; the sum is 266, 266 mod 23 = 13 -> P.
  EXPECT_EQ(upn_check_letter("B207000016049"), 'P');
  EXPECT_FALSE(is_valid_upn("Q207000016049"));
}

TEST(Upn, RejectsWrongCheckLetter) {
  const auto problem = upn_problem("A801200005001");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("check letter"), std::string::npos);
}

TEST(Upn, RejectsMalformed) {
  EXPECT_TRUE(upn_problem(""));
  EXPECT_TRUE(upn_problem("B80120000500"));    // 12 chars
  EXPECT_TRUE(upn_problem("B8012000050011"));  // 14 chars
  EXPECT_TRUE(upn_problem("I801200005001"));   // I is never a check letter
  EXPECT_TRUE(upn_problem("B8012X0005001"));   // letter inside
  EXPECT_TRUE(upn_problem("M80120000500I"));   // temporary may not end in I, O or S
  EXPECT_TRUE(upn_problem("M80120000500O"));
  EXPECT_TRUE(upn_problem("M80120000500S"));
}

TEST(Upn, TemporaryFormIsRecognised) {
  EXPECT_TRUE(is_temporary_upn("M80120000500A"));
  EXPECT_FALSE(is_temporary_upn("B801200005001"));
}

}  // namespace
}  // namespace careerlink
