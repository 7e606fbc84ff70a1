// The CTF header: school identity, version gate, root element, and the order of sink calls.
#include <gtest/gtest.h>

#include "tests/unit/ctf/ctf_test_support.hpp"

namespace careerlink::ctf_test {
namespace {

TEST(CtfHeader, ReadsSchoolUrnAndVersion) {
  auto p = parse_file(data_file("school_small.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 25.0");
  ASSERT_EQ(p.sink.schools.size(), 1u);
  EXPECT_EQ(p.sink.schools[0].laestab, "8201234");
  EXPECT_EQ(p.sink.schools[0].urn, "137942");
  EXPECT_EQ(p.sink.schools[0].name, "Ridgeway Academy");
}

TEST(CtfHeader, SchoolComesOnceAndBeforeAnyPupil) {
  auto p = parse_file(data_file("school_small.xml"));
  ASSERT_TRUE(p.result);
  ASSERT_EQ(p.sink.events.size(), 4u);
  EXPECT_EQ(p.sink.events[0], "school");
  for (std::size_t i = 1; i < p.sink.events.size(); ++i)
    EXPECT_EQ(p.sink.events[i], "pupil");
}

TEST(CtfHeader, UrnIsOptional) {
  auto p = parse_file(data_file("ctf12_gender.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.schools.size(), 1u);
  EXPECT_EQ(p.sink.schools[0].laestab, "3304021");
  EXPECT_FALSE(p.sink.schools[0].urn.has_value());
}

TEST(CtfHeader, AcceptsTheCTFVersionSpelling) {
  // One Education's page spells it CTFVersion; ctf12_gender.xml uses that spelling.
  auto p = parse_file(data_file("ctf12_gender.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 12.0");
}

TEST(CtfHeader, AcceptsVersionsElevenToTwentyFive) {
  for (const char* v : {"11.0", "15.0", "18.0", "24.0", "25.0"}) {
    auto p = parse_text(ctf_with("", v));
    ASSERT_TRUE(p.result) << v << ": " << p.result.error().to_string();
    EXPECT_EQ(p.result->format, std::string("CTF ") + v);
  }
}

TEST(CtfHeader, RefusesOtherVersionsBeforeAnyPupil) {
  auto p = parse_file(data_file("version_26.xml"));
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("CTF version '26.0' is not supported"), std::string::npos)
      << p.result.error().message;
  EXPECT_EQ(p.result.error().line, 5u);
  EXPECT_TRUE(p.sink.pupils.empty());
  EXPECT_TRUE(p.sink.schools.empty());
  for (const char* v : {"10.0", "9.0", "abc", "25.x", ""}) {
    auto q = parse_text(ctf_with("", v));
    EXPECT_FALSE(q.result) << "version '" << v << "' was accepted";
  }
}

TEST(CtfHeader, RefusesAHeaderWithoutVersion) {
  const std::string xml =
      "<CTfile><Header><SourceSchool><LEA>820</LEA><Estab>1234</Estab></SourceSchool>"
      "</Header><CTFpupilData/></CTfile>";
  auto p = parse_text(xml);
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("CTFversion"), std::string::npos);
}

TEST(CtfHeader, RefusesBadLeaOrEstab) {
  const std::string bad_lea = "<LEA>82</LEA><Estab>1234</Estab>";
  const std::string bad_estab = "<LEA>820</LEA><Estab>12X4</Estab>";
  const std::string no_estab = "<LEA>820</LEA>";
  for (const auto& school : {bad_lea, bad_estab, no_estab}) {
    auto p = parse_text(ctf_with(pupil_with(""), "25.0", school));
    ASSERT_FALSE(p.result) << school;
    EXPECT_GT(p.result.error().line, 0u);
    EXPECT_TRUE(p.sink.schools.empty());
    EXPECT_TRUE(p.sink.pupils.empty());
  }
  auto p = parse_text(ctf_with("", "25.0", bad_lea));
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("LEA '82'"), std::string::npos);
}

TEST(CtfHeader, RefusesAMalformedUrn) {
  auto p = parse_text(ctf_with("", "25.0", "<LEA>820</LEA><Estab>1234</Estab><URN>13794</URN>"));
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("URN '13794'"), std::string::npos);
}

TEST(CtfHeader, WrongRootIsRefusedNamingIt) {
  auto p = parse_file(data_file("wrong_root.xml"));
  ASSERT_FALSE(p.result);
  const auto& e = p.result.error();
  EXPECT_EQ(e.file, data_file("wrong_root.xml").string());
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("<CTFile>, not <CTfile>"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("re-export the CTF"), std::string::npos);
}

TEST(CtfHeader, AdmissionsFileIsNamedAsSuch) {
  auto p = parse_text("<ATfile><Header><ATFversion>25.0</ATFversion></Header></ATfile>");
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("admissions transfer file"), std::string::npos);
}

TEST(CtfHeader, PupilsBeforeHeaderAreRefused) {
  auto p = parse_text("<CTfile><CTFpupilData>" + pupil_with("") + "</CTFpupilData></CTfile>");
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("before a complete <Header>"), std::string::npos);
  EXPECT_TRUE(p.sink.pupils.empty());
}

TEST(CtfHeader, ASecondHeaderIsIgnored) {
  std::string xml = ctf_with(pupil_with(""));
  xml.insert(xml.find("<CTFpupilData>"),
             "<Header><CTFversion>99.0</CTFversion><SourceSchool><LEA>999</LEA><Estab>9999"
             "</Estab></SourceSchool></Header>\n");
  auto p = parse_text(xml);
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.schools.size(), 1u);
  EXPECT_EQ(p.sink.schools[0].laestab, "8201234");
  EXPECT_EQ(p.result->format, "CTF 25.0");
}

TEST(CtfHeader, FileWithoutHeaderIsRefused) {
  auto p = parse_text("<CTfile><CTFpupilData/></CTfile>");
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("no <Header>"), std::string::npos);
}

TEST(CtfHeader, StoreRefusingTheSchoolStopsTheRead) {
  Parsed p{std::unexpected(FileError{}), {}};
  p.sink.accept_school = false;
  CtfSource source;
  p.result = source.read(data_file("school_small.xml"), p.sink);
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(p.sink.pupils.empty());
}

TEST(CtfHeader, StoreRefusingAPupilStopsTheRead) {
  Parsed p{std::unexpected(FileError{}), {}};
  p.sink.stop_after_pupils = 1;
  CtfSource source;
  p.result = source.read(data_file("school_small.xml"), p.sink);
  ASSERT_FALSE(p.result);
  EXPECT_EQ(p.sink.pupils.size(), 1u);
  EXPECT_NE(p.result.error().message.find("import stopped"), std::string::npos);
}

TEST(CtfHeader, ProgressEndsAtTheFileSize) {
  auto p = parse_file(data_file("school_small.xml"));
  ASSERT_TRUE(p.result);
  ASSERT_FALSE(p.sink.progress.empty());
  const auto size = std::filesystem::file_size(data_file("school_small.xml"));
  EXPECT_EQ(p.sink.progress.back(), std::make_pair(size, size));
}

}  // namespace
}  // namespace careerlink::ctf_test
