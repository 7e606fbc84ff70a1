// Files that are not CTFs, damaged CTFs, and files built to hurt the reader: each is refused
// with a FileError naming the file (and line where there is one), and nothing leaks to stderr.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/gen/ctf_generator.hpp"
#include "tests/unit/ctf/ctf_test_support.hpp"

namespace careerlink::ctf_test {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string all_text(const Parsed& p) {
  std::string s;
  for (const auto& school : p.sink.schools)
    s += school.name.value_or("") + "\n";
  for (const auto& pupil : p.sink.pupils) {
    s += pupil.surname.value_or("") + pupil.forename.value_or("") + "\n";
  }
  if (!p.result) s += p.result.error().message;
  return s;
}

TEST(CtfHostile, ExternalEntityIsNeverRead) {
  ::testing::internal::CaptureStderr();
  auto p = parse_file(data_file("xxe.xml"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed in a CTF"))
      << p.result.error().message;
  EXPECT_EQ(p.result.error().line, 2u);
  EXPECT_FALSE(contains(all_text(p), "root:")) << "/etc/passwd content leaked";
  EXPECT_TRUE(p.sink.schools.empty());
  EXPECT_TRUE(p.sink.pupils.empty());
  EXPECT_EQ(err, "");
}

TEST(CtfHostile, BillionLaughsFailsWithoutExpanding) {
  auto p = parse_file(data_file("billion_laughs.xml"));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed"));
  EXPECT_TRUE(p.sink.schools.empty());
}

TEST(CtfHostile, BillionLaughsDeepInTheFileFailsToo) {
  // The DOCTYPE after a large comment: it can only be caught while streaming.
  std::string xml = "<?xml version=\"1.0\"?>\n<!--" + std::string(200000, 'x') + "-->\n";
  const std::string laughs = read_bytes(data_file("billion_laughs.xml"));
  xml += laughs.substr(laughs.find('\n') + 1);  // without its XML declaration
  auto p = parse_text(xml);
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed"));
  EXPECT_EQ(p.result.error().line, 3u);
}

TEST(CtfHostile, AnyDtdIsRefused) {
  auto p = parse_file(data_file("doctype_plain.xml"));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed in a CTF"));
  EXPECT_EQ(p.result.error().line, 3u);
}

TEST(CtfHostile, DoctypeSplitAcrossReadsIsStillSeen) {
  // Shift the DOCTYPE across every offset near the reader's chunk boundaries.
  for (std::size_t pad = 3980; pad < 4020; ++pad) {
    const std::string xml = "<?xml version=\"1.0\"?>\n<!--" + std::string(pad, 'y') +
                            "--><!DOCTYPE CTfile [<!ENTITY a \"b\">]>\n<CTfile/>\n";
    auto p = parse_text(xml);
    ASSERT_FALSE(p.result) << pad;
    EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed")) << pad;
    EXPECT_EQ(p.result.error().line, 2u) << pad;
  }
}

TEST(CtfHostile, DoctypeInUtf16IsRefused) {
  const std::string utf8 =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE CTfile>\n<CTfile/>";
  std::string utf16 = "\xff\xfe";
  for (char c : utf8) {
    utf16 += c;
    utf16 += '\0';
  }
  auto p = parse_text(utf16);
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "DOCTYPE not allowed"));
  EXPECT_EQ(p.result.error().line, 2u);

  // Big-endian, after a line holding U+0A0A (bytes 0A 0A), which is not a line break.
  std::string be = "\xfe\xff";
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!--\x01-->\n<!DOCTYPE CTfile>\n<CTfile/>";
  for (char c : text) {
    be += c == '\x01' ? '\x0a' : '\0';
    be += c == '\x01' ? '\x0a' : c;
  }
  auto q = parse_text(be);
  ASSERT_FALSE(q.result);
  EXPECT_TRUE(contains(q.result.error().message, "DOCTYPE not allowed"));
  EXPECT_EQ(q.result.error().line, 3u);
}

TEST(CtfHostile, UndeclaredEntityIsMalformed) {
  auto p = parse_text(ctf_with(pupil_with("<Sex>&foo;</Sex>")));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "not well-formed XML"));
}

TEST(CtfHostile, TooDeepNestingIsRefused) {
  std::string deep;
  for (int i = 0; i < 100; ++i)
    deep += "<Contact>";
  for (int i = 0; i < 100; ++i)
    deep += "</Contact>";
  auto p = parse_text(ctf_with(pupil_with("<Contacts>" + deep + "</Contacts>")));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "nested more than 64 deep"))
      << p.result.error().message;
  EXPECT_GT(p.result.error().line, 0u);

  CtfOptions tight;
  tight.max_depth = 5;
  auto q = parse_file(data_file("school_small.xml"), tight);
  ASSERT_FALSE(q.result);
  EXPECT_TRUE(contains(q.result.error().message, "nested more than 5 deep"));
}

TEST(CtfHostile, VeryDeepNestingFailsBounded) {
  // Far past libxml2's own limit: it must stop, not recurse or allocate without bound.
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "<a>";
  auto p = parse_text("<CTfile>" + deep);
  ASSERT_FALSE(p.result);
}

TEST(CtfHostile, OversizedTextIsRefused) {
  const std::string big(2u << 20, 'z');
  auto p = parse_text(
      ctf_with(pupil_with("<Contacts><Contact><Email>" + big + "</Email></Contact></Contacts>")));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "more than 1048576 bytes of text"))
      << p.result.error().message;

  CtfOptions tight;
  tight.max_text_bytes = 10;
  auto q = parse_text(ctf_with(pupil_with("<Surname>Abcdefghijklmnop</Surname>")), tight);
  ASSERT_FALSE(q.result);
  EXPECT_TRUE(contains(q.result.error().message, "more than 10 bytes of text"));
}

TEST(CtfHostile, FileOverTheSizeLimitIsRefusedUnread) {
  CtfOptions tight;
  tight.max_file_bytes = 1000;
  auto p = parse_file(data_file("school_small.xml"), tight);
  ASSERT_FALSE(p.result);
  EXPECT_EQ(p.result.error().line, 0u);
  EXPECT_TRUE(contains(p.result.error().message, "over the limit of 1000 bytes"));
  EXPECT_TRUE(p.sink.schools.empty());
  EXPECT_TRUE(p.sink.progress.empty());
}

TEST(CtfHostile, TruncatedFileIsRefusedWithALine) {
  std::ostringstream out;
  testgen::CtfGenOptions gen;
  gen.pupils = 50;
  testgen::write_ctf(out, gen);
  const std::string full = out.str();
  const std::string cut = full.substr(0, full.size() / 2);
  const auto lines_in_cut = static_cast<std::size_t>(std::count(cut.begin(), cut.end(), '\n'));
  auto p = parse_text(cut);
  ASSERT_FALSE(p.result);
  const auto& e = p.result.error();
  EXPECT_TRUE(contains(e.message, "not well-formed XML")) << e.message;
  EXPECT_TRUE(contains(e.message, "re-export the CTF"));
  EXPECT_GE(e.line, lines_in_cut);
  EXPECT_LT(p.sink.pupils.size(), 50u);
}

TEST(CtfHostile, MalformedXmlNamesTheLine) {
  auto p = parse_text(ctf_with(pupil_with("<Sex>M</Gender>")));
  ASSERT_FALSE(p.result);
  // ctf_with puts the pupil's extra elements on line 14.
  EXPECT_EQ(p.result.error().line, 14u) << p.result.error().to_string();
  EXPECT_TRUE(contains(p.result.error().to_string(), "input.xml:14: not well-formed XML"));
}

TEST(CtfHostile, CsvIsNotXml) {
  ::testing::internal::CaptureStderr();
  auto p = parse_file(data_file("not_ctf.csv"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(p.result);
  EXPECT_EQ(p.result.error().line, 1u);
  EXPECT_TRUE(contains(p.result.error().message, "not well-formed XML"));
}

TEST(CtfHostile, PdfIsNamed) {
  auto p = parse_file(data_file("not_ctf.pdf"));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "PDF document"));
}

TEST(CtfHostile, ZipAndGzipAreNamed) {
  auto zip = parse_text(std::string("PK\x03\x04", 4) + "rest of an xlsx");
  ASSERT_FALSE(zip.result);
  EXPECT_TRUE(contains(zip.result.error().message, "ZIP archive"));
  auto gz = parse_text(std::string("\x1f\x8b\x08\x00", 4) + "compressed");
  ASSERT_FALSE(gz.result);
  EXPECT_TRUE(contains(gz.result.error().message, "gzip"));
}

TEST(CtfHostile, EmptyFileIsRefused) {
  auto p = parse_file(data_file("empty.xml"));
  ASSERT_FALSE(p.result);
  EXPECT_TRUE(contains(p.result.error().message, "empty"));
  EXPECT_EQ(p.result.error().file, data_file("empty.xml").string());
}

TEST(CtfHostile, WhitespaceOnlyFileIsRefused) {
  auto p = parse_text("   \n\n");
  ASSERT_FALSE(p.result);
}

TEST(CtfHostile, MissingFileAndDirectoryAreRefused) {
  auto missing = parse_file(temp_dir() / "nope.xml");
  ASSERT_FALSE(missing.result);
  EXPECT_TRUE(contains(missing.result.error().message, "does not exist"));
  auto dir = parse_file(temp_dir());
  ASSERT_FALSE(dir.result);
  EXPECT_TRUE(contains(dir.result.error().message, "not a regular file"));
}

TEST(CtfHostile, NothingIsPrintedForAnyBadInput) {
  ::testing::internal::CaptureStderr();
  for (const char* name : {"xxe.xml", "billion_laughs.xml", "doctype_plain.xml", "not_ctf.csv",
                           "not_ctf.pdf", "wrong_root.xml", "version_26.xml"}) {
    auto p = parse_file(data_file(name));
    EXPECT_FALSE(p.result) << name;
  }
  auto truncated = parse_text("<CTfile><Header><CTFversion>25.0</CTF");
  EXPECT_FALSE(truncated.result);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace careerlink::ctf_test
