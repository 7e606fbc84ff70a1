// The loader against the built-in tables: what is accepted, and that every kind of mistake is
// reported with its line and a way to fix it.
#include <cstdlib>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {
namespace {

using ::testing::HasSubstr;

// All diagnostics as the CLI prints them, one per line, so a test can look for the exact text.
std::string errors_of(std::string_view text) {
  auto result = parse_config(text, "test.toml");
  if (result) return "(no errors)";
  std::string out;
  for (const ConfigDiagnostic& d : result.error())
    out += d.to_string() + "\n";
  return out;
}

Config parsed(std::string_view text) {
  auto result = parse_config(text, "test.toml");
  if (!result) {
    std::string all;
    for (const ConfigDiagnostic& d : result.error())
      all += d.to_string() + "\n";
    ADD_FAILURE() << "unexpected errors:\n" << all;
    return {};
  }
  return *result;
}

constexpr std::string_view kSchool = R"(
[[school]]
urn = "137942"
laestab = "8201234"
name = "Riverside Academy"
)";

TEST(ConfigLoader, EmptyFileGivesDefaults) {
  const Config config = parsed("");
  const Config defaults;
  EXPECT_FALSE(config.data_dir.has_value());
  EXPECT_EQ(config.log.level, "info");
  EXPECT_EQ(config.log.format, "text");
  EXPECT_TRUE(config.log.file);
  EXPECT_EQ(config.log.max_file_size_mb, defaults.log.max_file_size_mb);
  EXPECT_EQ(config.log.max_files, defaults.log.max_files);
  EXPECT_EQ(config.store.backend, "sqlite");
  EXPECT_EQ(config.store.busy_timeout_ms, defaults.store.busy_timeout_ms);
  EXPECT_EQ(config.import.max_xml_depth, defaults.import.max_xml_depth);
  EXPECT_TRUE(config.schools.empty());
  EXPECT_FALSE(config.source_file.has_value());
}

TEST(ConfigLoader, MinimalFileWithOneSchool) {
  const Config config = parsed(kSchool);
  ASSERT_EQ(config.schools.size(), 1U);
  EXPECT_EQ(config.schools[0].urn, "137942");
  EXPECT_EQ(config.schools[0].laestab, "8201234");
  EXPECT_EQ(config.schools[0].name, "Riverside Academy");
  EXPECT_EQ(config.schools[0].timezone, "Europe/London");
}

TEST(ConfigLoader, EveryKeyReachesConfig) {
  const Config config = parsed(R"(
data_dir = "/srv/careerlink"
[log]
level = "debug"
format = "json"
file = false
max_file_size_mb = 20
max_files = 9
[store]
backend = "sqlite"
busy_timeout_ms = 100
synchronous = "full"
[import]
max_file_size_mb = 50
max_xml_depth = 16
max_text_kb = 64
[[school]]
urn = "137942"
laestab = "8201234"
name = "Riverside Academy"
timezone = "America/New_York"
[[school]]
urn = "100001"
laestab = "2011000"
)");
  EXPECT_EQ(config.data_dir, std::filesystem::path("/srv/careerlink"));
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_EQ(config.log.format, "json");
  EXPECT_FALSE(config.log.file);
  EXPECT_EQ(config.log.max_file_size_mb, 20U);
  EXPECT_EQ(config.log.max_files, 9);
  EXPECT_EQ(config.store.busy_timeout_ms, 100);
  EXPECT_EQ(config.store.synchronous, "full");
  EXPECT_EQ(config.import.max_file_size_mb, 50U);
  EXPECT_EQ(config.import.max_xml_depth, 16);
  EXPECT_EQ(config.import.max_text_kb, 64U);
  ASSERT_EQ(config.schools.size(), 2U);
  EXPECT_EQ(config.schools[0].timezone, "America/New_York");
  EXPECT_EQ(config.schools[1].urn, "100001");
  EXPECT_EQ(config.schools[1].name, "");
}

TEST(ConfigLoader, UnknownKeyIsAnErrorWithLineAndSuggestion) {
  EXPECT_THAT(errors_of("[log]\nlevle = \"debug\"\n"),
              HasSubstr("test.toml:2: unknown key 'levle' in [log]; did you mean 'level'?"));
  EXPECT_THAT(errors_of("[logg]\nlevel = \"debug\"\n"),
              HasSubstr("test.toml:1: unknown table 'logg' at the top level; did you mean 'log'?"));
  EXPECT_THAT(errors_of(std::string(kSchool) + "timezon = \"Europe/London\"\n"),
              HasSubstr(":6: unknown key 'timezon' in [[school]]; did you mean 'timezone'?"));
}

TEST(ConfigLoader, UnknownKeyWithoutNearMatchSaysWhereItBelongsOrListsKeys) {
  EXPECT_THAT(errors_of("level = \"debug\"\n"),
              HasSubstr("test.toml:1: unknown key 'level' at the top level; 'level' belongs in "
                        "[log], move it there"));
  EXPECT_THAT(errors_of("[store]\nfrobnicate = 1\n"),
              HasSubstr("test.toml:2: unknown key 'frobnicate' in [store]; the keys here are: "
                        "backend, busy_timeout_ms, synchronous"));
}

TEST(ConfigLoader, WrongTypeNamesBothTypes) {
  EXPECT_THAT(errors_of("[log]\nmax_files = \"5\"\n"),
              HasSubstr("test.toml:2: log.max_files must be an integer, got string; remove the "
                        "quotes"));
  EXPECT_THAT(errors_of("[log]\nfile = \"yes\"\n"),
              HasSubstr("test.toml:2: log.file must be true or false, got string"));
  EXPECT_THAT(errors_of("[[school]]\nurn = 137942\nlaestab = \"8201234\"\n"),
              HasSubstr("test.toml:2: school[0].urn must be a string, got integer; put the value "
                        "in quotes"));
  EXPECT_THAT(errors_of("log = 5\n"),
              HasSubstr("test.toml:1: log must be a table, written [log] on a line of its own, got "
                        "integer"));
  EXPECT_THAT(errors_of("[school]\nurn = \"137942\"\n"),
              HasSubstr("test.toml:1: school must be written [[school]] (an array of tables, one "
                        "per entry), got table"));
}

TEST(ConfigLoader, OutOfRangeGivesTheRange) {
  EXPECT_THAT(errors_of("[log]\nmax_files = 0\n"),
              HasSubstr("test.toml:2: log.max_files is 0; it must be between 1 and 100"));
  EXPECT_THAT(errors_of("[store]\nbusy_timeout_ms = -1\n"),
              HasSubstr("store.busy_timeout_ms is -1; it must be between 0 and 600000"));
  EXPECT_THAT(errors_of("[import]\nmax_xml_depth = 100000\n"),
              HasSubstr("import.max_xml_depth is 100000; it must be between 8 and 1024"));
  // The bounds themselves are allowed.
  EXPECT_EQ(errors_of("[log]\nmax_files = 1\n[store]\nbusy_timeout_ms = 600000\n"), "(no errors)");
}

TEST(ConfigLoader, BadEnumListsAllowedValues) {
  EXPECT_THAT(errors_of("[log]\nlevel = \"verbose\"\n"),
              HasSubstr("test.toml:2: log.level is 'verbose'; allowed values: trace, debug, info, "
                        "warn, error, off"));
  EXPECT_THAT(errors_of("[store]\nbackend = \"postgres\"\n"),
              HasSubstr("store.backend is 'postgres'; allowed values: sqlite"));
}

TEST(ConfigLoader, BadUrnAndLaestab) {
  const std::string errors =
      errors_of("[[school]]\nurn = \"13794\"\nlaestab = \"820123X\"\nname = \"Riverside\"\n");
  EXPECT_THAT(errors, HasSubstr("test.toml:2: school[0].urn must be 6 digits, got '13794'"));
  EXPECT_THAT(errors, HasSubstr("test.toml:3: school[0].laestab must be 7 digits: the 3-digit LA "
                                "code then the 4-digit establishment number, got '820123X'"));
  EXPECT_THAT(errors_of("[[school]]\nurn = \"1379420\"\nlaestab = \"8201234\"\n"),
              HasSubstr("school[0].urn must be 6 digits"));
}

TEST(ConfigLoader, MissingRequiredSchoolKeys) {
  EXPECT_THAT(
      errors_of("[[school]]\nname = \"Riverside Academy\"\n"),
      testing::AllOf(HasSubstr("test.toml:1: school[0] has no urn; add urn = ..."),
                     HasSubstr("test.toml:1: school[0] has no laestab; add laestab = ...")));
}

TEST(ConfigLoader, TimeZoneMustExistInTzDatabase) {
  EXPECT_THAT(errors_of(std::string(kSchool) + "timezone = \"Europe/Londn\"\n"),
              HasSubstr("test.toml:6: school[0].timezone: 'Europe/Londn' is not a time zone in the "
                        "tz database; use an IANA name such as Europe/London"));
  EXPECT_FALSE(is_known_time_zone("Europe/Londn"));
  EXPECT_FALSE(is_known_time_zone("zone.tab"));  // a file in the directory, but not a zone
  EXPECT_FALSE(is_known_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_known_time_zone("/etc/localtime"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_TRUE(is_known_time_zone("Europe/London"));
  EXPECT_TRUE(is_known_time_zone("UTC"));
}

TEST(ConfigLoader, DuplicateSchoolUrn) {
  const std::string text =
      std::string(kSchool) + "[[school]]\nurn = \"137942\"\nlaestab = \"8209999\"\n";
  EXPECT_THAT(errors_of(text), HasSubstr("test.toml:7: duplicate urn '137942' (already used at "
                                         "line 3); each [[school]] needs its own urn"));
  // Different URNs are fine.
  EXPECT_EQ(
      errors_of(std::string(kSchool) + "[[school]]\nurn = \"137943\"\nlaestab = \"8209999\"\n"),
      "(no errors)");
}

TEST(ConfigLoader, SyntaxErrorHasItsLine) {
  const std::string errors = errors_of("[log]\nlevel = \"info\"\nformat = \n");
  EXPECT_THAT(errors, HasSubstr("test.toml:3: TOML syntax error: "));
  EXPECT_THAT(errors_of("[log]\nlevel = \"info\"\nlevel = \"debug\"\n"),
              HasSubstr("test.toml:3: TOML syntax error"));  // a key given twice
}

TEST(ConfigLoader, EveryErrorIsReportedInFileOrder) {
  auto result = parse_config(R"([store]
synchronous = "sometimes"
[log]
max_files = 0
levle = "info"
[[school]]
urn = "1"
laestab = "8201234"
)",
                             "test.toml");
  ASSERT_FALSE(result);
  const auto& errors = result.error();
  ASSERT_EQ(errors.size(), 4U);
  EXPECT_EQ(errors[0].line, 2U);
  EXPECT_EQ(errors[1].line, 4U);
  EXPECT_EQ(errors[2].line, 5U);
  EXPECT_EQ(errors[3].line, 7U);
  EXPECT_THAT(errors[3].message, HasSubstr("school[0].urn must be 6 digits"));
}

TEST(ConfigLoader, PathsMustBeAbsolute) {
  EXPECT_THAT(errors_of("data_dir = \"var/careerlink\"\n"),
              HasSubstr("test.toml:1: data_dir must be an absolute path, got 'var/careerlink'"));
  EXPECT_THAT(errors_of("data_dir = 3\n"), HasSubstr("data_dir must be a string holding a path"));
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "careerlink-cfg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(ConfigLoader, LoadsFromFileAndRecordsIt) {
  TempDir dir;
  const auto file = dir.path() / "careerlink.toml";
  std::ofstream(file) << "[log]\nlevel = \"warn\"\n";
  auto config = load_config(file);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->log.level, "warn");
  EXPECT_EQ(config->source_file, file);

  std::ofstream(file) << "[log]\nlevel = \"loud\"\n";
  auto bad = load_config(file);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().at(0).to_string(),
            file.string() +
                ":2: log.level is 'loud'; allowed values: trace, debug, info, warn, "
                "error, off");
}

TEST(ConfigLoader, MissingFileOrDirectoryIsLineZero) {
  TempDir dir;
  auto missing = load_config(dir.path() / "nope.toml");
  ASSERT_FALSE(missing);
  ASSERT_EQ(missing.error().size(), 1U);
  EXPECT_EQ(missing.error()[0].line, 0U);
  EXPECT_EQ(missing.error()[0].to_string(),
            (dir.path() / "nope.toml").string() +
                ": config file not found; check the path given to --config or $CAREERLINK_CONFIG");

  auto directory = load_config(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_THAT(directory.error()[0].to_string(), HasSubstr(": is a directory, not a config file"));
}

TEST(ConfigLoader, UnreadableFileIsLineZero) {
  if (getuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir dir;
  const auto file = dir.path() / "secret.toml";
  std::ofstream(file) << "[log]\n";
  std::filesystem::permissions(file, std::filesystem::perms::none);
  auto result = load_config(file);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().at(0).line, 0U);
  EXPECT_THAT(result.error().at(0).to_string(),
              HasSubstr(": cannot read the config file: Permission denied; the account careerlink "
                        "runs as must be able to read it"));
}

TEST(ConfigDiagnostic, ToStringOmitsLineZero) {
  EXPECT_EQ((ConfigDiagnostic{"a.toml", 7, "bad"}).to_string(), "a.toml:7: bad");
  EXPECT_EQ((ConfigDiagnostic{"a.toml", 0, "gone"}).to_string(), "a.toml: gone");
}

TEST(ConfigDefaults, DataDirFollowsUserAndXdg) {
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old != nullptr ? old : "";
  setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
  const auto dir = default_data_dir();
  if (old != nullptr) {
    setenv("XDG_DATA_HOME", saved.c_str(), 1);
  } else {
    unsetenv("XDG_DATA_HOME");
  }
  if (getuid() == 0) {
    EXPECT_EQ(dir, std::filesystem::path("/var/lib/careerlink"));
  } else {
    EXPECT_EQ(dir, std::filesystem::path("/tmp/xdg-test/careerlink"));
  }
}

TEST(ConfigDefaults, ConfigPathFromEnvironment) {
  setenv("CAREERLINK_CONFIG", "/opt/careerlink/test.toml", 1);
  const auto path = default_config_path();
  unsetenv("CAREERLINK_CONFIG");
  EXPECT_EQ(path, std::filesystem::path("/opt/careerlink/test.toml"));
  // Without the variable it is the usual place only if that file exists.
  const auto usual = default_config_path();
  EXPECT_EQ(usual.has_value(), std::filesystem::exists("/etc/careerlink/careerlink.toml"));
}

}  // namespace
}  // namespace careerlink
