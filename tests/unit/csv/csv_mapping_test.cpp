#include <gtest/gtest.h>

#include <set>

#include "tests/unit/csv/csv_test_support.hpp"

namespace careerlink::csvtest {
namespace {

FileError mapping_error(std::string_view toml) {
  auto mapping = parse_mapping(toml, "m.toml", "CSV (mapping m.toml)");
  if (mapping) {
    ADD_FAILURE() << "mapping was accepted";
    return {};
  }
  return mapping.error();
}

TEST(CsvMapping, PresetsEqualTheirShippedFiles) {
  const auto dir = std::filesystem::path(CAREERLINK_SOURCE_DIR) / "connectors/csv/presets";
  std::set<std::string> shipped;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".toml") shipped.insert(entry.path().stem().string());
  }
  const auto names = preset_names();
  EXPECT_EQ(shipped, std::set<std::string>(names.begin(), names.end()));
  for (const auto& name : names) {
    const auto text = preset_text(name);
    ASSERT_TRUE(text) << name;
    EXPECT_EQ(*text, slurp(dir / (name + ".toml")))
        << "built-in preset " << name << " differs from presets/" << name << ".toml";
    EXPECT_TRUE(preset_mapping(name)) << name;
    // The shipped file also loads as a mapping file of a school's own.
    EXPECT_TRUE(load_mapping_file(dir / (name + ".toml"))) << name;
  }
}

TEST(CsvMapping, PupilsPresetMapsTheDocumentedHeaders) {
  const auto mapping = preset_mapping("pupils");
  ASSERT_TRUE(mapping) << mapping.error();
  EXPECT_EQ(mapping->kind, CsvKind::pupils);
  EXPECT_EQ(mapping->description, "CSV (preset pupils)");
  std::vector<std::string> headers;
  for (const auto& c : mapping->columns)
    headers.push_back(c.header);
  // In file order, not toml++'s sorted order.
  EXPECT_EQ(headers, (std::vector<std::string>{"UPN", "Legal Surname", "Legal Forename",
                                               "Preferred Forename", "Date of Birth", "Gender",
                                               "Year", "Reg Group"}));
  for (const auto& c : mapping->columns)
    EXPECT_FALSE(c.optional) << c.header;
}

TEST(CsvMapping, StaffPresetMarksNamesAndGroupTypeOptional) {
  const auto mapping = preset_mapping("staff");
  ASSERT_TRUE(mapping) << mapping.error();
  EXPECT_EQ(mapping->kind, CsvKind::staff_groups);
  std::set<std::string> optional;
  for (const auto& c : mapping->columns) {
    if (c.optional) optional.insert(c.header);
  }
  EXPECT_EQ(optional, (std::set<std::string>{"Title", "Forename", "Surname", "Group Type"}));
}

TEST(CsvMapping, UnknownPresetIsAnErrorListingThePresets) {
  const auto mapping = preset_mapping("arbor");
  ASSERT_FALSE(mapping);
  EXPECT_TRUE(contains(mapping.error(), "pupils")) << mapping.error();
  EXPECT_TRUE(contains(mapping.error(), "staff")) << mapping.error();
}

TEST(CsvMapping, UnknownFieldInAFileIsAnErrorWithFileAndLine) {
  const auto file = data_dir() / "mapping_unknown_field.toml";
  const auto mapping = load_mapping_file(file);
  ASSERT_FALSE(mapping);
  EXPECT_EQ(mapping.error().file, file.string());
  EXPECT_EQ(mapping.error().line, 6u);
  EXPECT_TRUE(contains(mapping.error().message, "unknown field 'date_of_birth'"))
      << mapping.error().message;
  EXPECT_TRUE(contains(mapping.error().message, "dob")) << mapping.error().message;  // the list
}

TEST(CsvMapping, MissingMappingFileIsAnError) {
  const auto mapping = load_mapping_file(data_dir() / "no_such_mapping.toml");
  ASSERT_FALSE(mapping);
  EXPECT_EQ(mapping.error().line, 0u);
}

TEST(CsvMapping, StaffFieldIsUnknownInAPupilsMapping) {
  const auto e = mapping_error("kind = \"pupils\"\n[columns]\nupn = \"UPN\"\nemail = \"E\"\n");
  EXPECT_EQ(e.line, 4u);
  EXPECT_TRUE(contains(e.message, "unknown field 'email' for kind pupils")) << e.message;
}

TEST(CsvMapping, UnknownTopLevelKeyIsAnErrorWithLine) {
  const auto e = mapping_error("kind = \"pupils\"\ndelimiter = \";\"\n[columns]\nupn = \"UPN\"\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_TRUE(contains(e.message, "unknown key 'delimiter'")) << e.message;
}

TEST(CsvMapping, TomlSyntaxErrorNamesItsLine) {
  const auto e = mapping_error("kind = \"pupils\"\n[columns]\nupn = \"UPN\nsurname = \"S\"\n");
  EXPECT_EQ(e.file, "m.toml");
  EXPECT_EQ(e.line, 3u);
  EXPECT_TRUE(contains(e.message, "not valid TOML")) << e.message;
}

TEST(CsvMapping, RequiredFieldsMustBeMapped) {
  EXPECT_TRUE(
      contains(mapping_error("kind = \"pupils\"\n[columns]\nsurname = \"S\"\n").message, "'upn'"));
  EXPECT_TRUE(contains(mapping_error("kind = \"staff_groups\"\n[columns]\nemail = \"E\"\n").message,
                       "'group'"));
}

TEST(CsvMapping, KindAndDateFormatAreChecked) {
  EXPECT_EQ(mapping_error("kind = \"teachers\"\n[columns]\nupn = \"UPN\"\n").line, 1u);
  EXPECT_TRUE(contains(mapping_error("[columns]\nupn = \"UPN\"\n").message, "no kind"));
  const auto e =
      mapping_error("kind = \"pupils\"\ndate_format = \"us\"\n[columns]\nupn = \"UPN\"\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_TRUE(contains(e.message, "date_format")) << e.message;
  EXPECT_EQ(mapping_from("kind = \"pupils\"\ndate_format = \"iso\"\n[columns]\nupn = \"U\"\n")
                .date_format,
            CsvDateFormat::iso);
}

TEST(CsvMapping, ColumnsMustBeNonEmptyStrings) {
  EXPECT_EQ(mapping_error("kind = \"pupils\"\n[columns]\nupn = 3\n").line, 3u);
  EXPECT_EQ(mapping_error("kind = \"pupils\"\n[columns]\nupn = \"  \"\n").line, 3u);
}

TEST(CsvMapping, OptionalMustNameMappedNonRequiredFields) {
  const auto unmapped = mapping_error(
      "kind = \"staff_groups\"\noptional = [\"title\"]\n[columns]\nemail = \"E\"\ngroup = "
      "\"G\"\n");
  EXPECT_EQ(unmapped.line, 2u);
  EXPECT_TRUE(contains(unmapped.message, "'title'")) << unmapped.message;
  const auto required = mapping_error(
      "kind = \"staff_groups\"\noptional = [\"email\"]\n[columns]\nemail = \"E\"\ngroup = "
      "\"G\"\n");
  EXPECT_TRUE(contains(required.message, "required")) << required.message;
}

TEST(CsvMapping, ValueTablesMustNameMappedFieldsAndHoldStrings) {
  const auto unknown = mapping_error(
      "kind = \"pupils\"\n[columns]\nupn = \"U\"\n[values.gender]\n\"Male\" = \"M\"\n");
  EXPECT_EQ(unknown.line, 4u);
  EXPECT_TRUE(contains(unknown.message, "unknown field")) << unknown.message;
  const auto unmapped =
      mapping_error("kind = \"pupils\"\n[columns]\nupn = \"U\"\n[values.sex]\n\"Male\" = \"M\"\n");
  EXPECT_TRUE(contains(unmapped.message, "not mapped")) << unmapped.message;
  const auto number = mapping_error(
      "kind = \"pupils\"\n[columns]\nupn = \"U\"\nsex = \"S\"\n[values.sex]\n\"Male\" = 1\n");
  EXPECT_EQ(number.line, 6u);
}

TEST(CsvMapping, ValueKeysAreFoldedForCaseInsensitiveMatching) {
  const auto mapping = mapping_from(
      "kind = \"pupils\"\n[columns]\nupn = \"U\"\nsex = \"S\"\n[values.sex]\n\" BOY \" = \"M\"\n");
  ASSERT_EQ(mapping.columns.size(), 2u);
  const auto& sex = mapping.columns[1];
  EXPECT_EQ(sex.field, CsvField::sex);
  EXPECT_EQ(sex.values.at("boy"), "M");
}

}  // namespace
}  // namespace careerlink::csvtest

namespace careerlink::csvtest {
namespace {

TEST(CsvMapping, ReadmeExampleIsTheTestedFixture) {
  const std::string readme =
      slurp(std::filesystem::path(CAREERLINK_SOURCE_DIR) / "connectors/csv/README.md");
  const auto start = readme.find("```toml\n");
  ASSERT_NE(start, std::string::npos);
  const auto body = start + 8;
  const auto end = readme.find("```", body);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(readme.substr(body, end - body), slurp(data_dir() / "sims_pupils.toml"))
      << "the README's example mapping should stay the same as tests/data/csv/sims_pupils.toml";
}

}  // namespace
}  // namespace careerlink::csvtest
