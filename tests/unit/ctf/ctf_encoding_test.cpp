// Whatever the file declares, names come out as UTF-8, byte for byte.
#include <gtest/gtest.h>

#include "tests/unit/ctf/ctf_test_support.hpp"

namespace careerlink::ctf_test {
namespace {

TEST(CtfEncoding, Latin1NamesComeOutAsUtf8) {
  // The fixture holds ë as the single byte EB; it must come out as C3 AB.
  const std::string raw = read_bytes(data_file("latin1.xml"));
  ASSERT_NE(raw.find("Zo\xEB"), std::string::npos) << "fixture is not Latin-1";
  auto p = parse_file(data_file("latin1.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  EXPECT_EQ(p.result->format, "CTF 23.0");
  ASSERT_EQ(p.sink.pupils.size(), 2u);
  EXPECT_EQ(p.sink.pupils[0].forename, "Zo\xC3\xAB");
  EXPECT_EQ(p.sink.pupils[0].surname, "O'Brien");
  EXPECT_EQ(p.sink.pupils[1].forename, "Si\xC3\xA2n");
  EXPECT_EQ(p.sink.pupils[1].surname, "Fern\xC3\xA1ndez");
  EXPECT_EQ(p.sink.schools.at(0).name, "Ysgol Gymraeg Bro Dinefwr");
}

TEST(CtfEncoding, Utf16WithBomComesOutAsUtf8) {
  const std::string raw = read_bytes(data_file("utf16le_bom.xml"));
  ASSERT_EQ(raw.substr(0, 2), "\xFF\xFE") << "fixture lost its BOM";
  auto p = parse_file(data_file("utf16le_bom.xml"));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 1u);
  const auto& zoe = p.sink.pupils[0];
  EXPECT_EQ(zoe.surname, "O'Brien-\xC5\x81ukasik");
  EXPECT_EQ(zoe.forename, "Zo\xC3\xAB");
  EXPECT_EQ(zoe.preferred_forename, "Si\xC3\xA2n");
  EXPECT_EQ(zoe.dob, "2010-03-14");
  EXPECT_EQ(zoe.line, 12u);
}

TEST(CtfEncoding, Utf16BigEndianWithBom) {
  const std::string utf8 = ctf_with(pupil_with("<Sex>F</Sex>"));
  std::string be = "\xFE\xFF";
  for (char c : utf8) {  // ASCII only, so one code unit per byte
    be += '\0';
    be += c;
  }
  auto p = parse_text(be);
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 1u);
  EXPECT_EQ(p.sink.pupils[0].sex, "F");
}

TEST(CtfEncoding, Utf8BomIsFine) {
  auto p = parse_text("\xEF\xBB\xBF" + ctf_with(pupil_with("<Forename>Se\xC3\xA1n</Forename>")));
  ASSERT_TRUE(p.result) << p.result.error().to_string();
  ASSERT_EQ(p.sink.pupils.size(), 1u);
  EXPECT_EQ(p.sink.pupils[0].forename, "Se\xC3\xA1n");
}

TEST(CtfEncoding, CharacterReferencesAndCdataSurvive) {
  const auto p = one_pupil(
      "<BasicDetails><PreferredForename><![CDATA[Zo\xC3\xAB]]>"
      "</PreferredForename><MiddleNames>Si&#xE2;n &amp; Ann</MiddleNames>"
      "</BasicDetails>");
  EXPECT_EQ(p.preferred_forename, "Zo\xC3\xAB");
  EXPECT_EQ(p.middle_names, "Si\xC3\xA2n & Ann");
}

TEST(CtfEncoding, InvalidUtf8IsRefused) {
  auto p = parse_text(ctf_with(pupil_with("<Forename>Zo\xEB</Forename>")));
  ASSERT_FALSE(p.result);
  EXPECT_NE(p.result.error().message.find("not well-formed"), std::string::npos);
}

}  // namespace
}  // namespace careerlink::ctf_test
