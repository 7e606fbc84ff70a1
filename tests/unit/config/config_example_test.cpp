// The key tables, describe_config and config/careerlink.example.toml must tell the same story.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {
namespace {

using ::testing::HasSubstr;

std::string read_example() {
  std::ifstream in(std::filesystem::path(CAREERLINK_SOURCE_DIR) / "config" /
                   "careerlink.example.toml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example with every commented-out key and table header switched on ("# level = ..." ->
// "level = ..."); prose comments are left alone.
std::string uncommented(const std::string& text) {
  static const std::regex commented_key{R"(^#\s?(\[|[A-Za-z_][A-Za-z0-9_]*\s*=))"};
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, commented_key)) line = line.substr(m.position(1));
    out += line + "\n";
  }
  return out;
}

// Key path ("log.level", "school[].urn", "school[].rules.no_interview_by") -> the value text
// written for it.
std::map<std::string, std::string> keys_in(const std::string& toml) {
  static const std::regex header{R"(^\[\[?([A-Za-z0-9_.]+)\]\]?\s*$)"};
  static const std::regex assignment{R"(^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$)"};
  std::map<std::string, std::string> keys;
  std::set<std::string> arrays;  // [[name]] seen: a later [name.sub] is a table in its element
  std::string prefix;
  std::istringstream in(toml);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      std::string name = m[1].str();
      const bool array = line.starts_with("[[");
      if (array) arrays.insert(name);
      for (const std::string& parent : arrays) {
        if (name.starts_with(parent + ".")) name.insert(parent.size(), "[]");
      }
      prefix = name + (array ? "[]." : ".");
    } else if (std::regex_match(line, m, assignment)) {
      keys[prefix + m[1].str()] = m[2].str();
    }
  }
  return keys;
}

std::string key_path(const ConfigTable& table, const ConfigKey& key) {
  if (table.path.empty()) return key.name;
  return table.path + (table.array ? "[]." : ".") + key.name;
}

std::string errors_text(const std::expected<Config, std::vector<ConfigDiagnostic>>& result) {
  std::string out;
  if (!result) {
    for (const ConfigDiagnostic& d : result.error())
      out += d.to_string() + "\n";
  }
  return out;
}

TEST(ConfigExample, AsShippedIsValid) {
  const std::string text = read_example();
  ASSERT_FALSE(text.empty()) << "config/careerlink.example.toml is missing";
  auto config = parse_config(text, "careerlink.example.toml");
  EXPECT_TRUE(config) << errors_text(config);
}

TEST(ConfigExample, UncommentedIsValidAndMatchesTheDefaults) {
  auto config = parse_config(uncommented(read_example()), "careerlink.example.toml (uncommented)");
  ASSERT_TRUE(config) << errors_text(config);
  // The values shown for non-school keys are the built-in defaults.
  const Config defaults;
  EXPECT_EQ(config->data_dir, std::filesystem::path("/var/lib/careerlink"));
  EXPECT_EQ(config->log.level, defaults.log.level);
  EXPECT_EQ(config->log.format, defaults.log.format);
  EXPECT_EQ(config->log.file, defaults.log.file);
  EXPECT_EQ(config->log.max_file_size_mb, defaults.log.max_file_size_mb);
  EXPECT_EQ(config->log.max_files, defaults.log.max_files);
  EXPECT_EQ(config->store.backend, defaults.store.backend);
  EXPECT_EQ(config->store.busy_timeout_ms, defaults.store.busy_timeout_ms);
  EXPECT_EQ(config->store.synchronous, defaults.store.synchronous);
  EXPECT_EQ(config->import.max_file_size_mb, defaults.import.max_file_size_mb);
  EXPECT_EQ(config->import.max_xml_depth, defaults.import.max_xml_depth);
  EXPECT_EQ(config->import.max_text_kb, defaults.import.max_text_kb);
  ASSERT_EQ(config->schools.size(), 1U);
  EXPECT_EQ(config->schools[0].urn, "137942");
  EXPECT_EQ(config->schools[0].laestab, "8201234");
  EXPECT_EQ(config->schools[0].name, "Riverside Academy");
  EXPECT_EQ(config->schools[0].timezone, "Europe/London");
  EXPECT_EQ(config->schools[0].trackers_lawful_basis, "consent");
  // [school.rules] shows every rule at its default.
  const RulesConfig rules;
  const RulesConfig& shown = config->schools[0].rules;
  EXPECT_EQ(shown.no_interview_by, rules.no_interview_by);
  EXPECT_EQ(shown.no_interview_warn_days, rules.no_interview_warn_days);
  EXPECT_EQ(shown.no_second_interview_by, rules.no_second_interview_by);
  EXPECT_EQ(shown.no_intended_destination_by, rules.no_intended_destination_by);
  EXPECT_EQ(shown.overdue_red_days, rules.overdue_red_days);
  EXPECT_EQ(shown.review_red_days, rules.review_red_days);
  EXPECT_EQ(shown.roni_min_year, rules.roni_min_year);
  EXPECT_EQ(shown.roni_max_year, rules.roni_max_year);
  EXPECT_DOUBLE_EQ(shown.attendance_threshold, rules.attendance_threshold);
  EXPECT_EQ(shown.weight_attendance, rules.weight_attendance);
  EXPECT_EQ(shown.weight_exclusions, rules.weight_exclusions);
  EXPECT_EQ(shown.weight_sen_support, rules.weight_sen_support);
  EXPECT_EQ(shown.weight_ehcp, rules.weight_ehcp);
  EXPECT_EQ(shown.weight_looked_after, rules.weight_looked_after);
  EXPECT_EQ(shown.weight_fsm, rules.weight_fsm);
  EXPECT_EQ(shown.weight_eal, rules.weight_eal);
  EXPECT_EQ(shown.weight_young_carer, rules.weight_young_carer);
  EXPECT_EQ(shown.neet_risk_amber, rules.neet_risk_amber);
  EXPECT_EQ(shown.neet_risk_red, rules.neet_risk_red);
}

TEST(ConfigExample, DocumentsEveryKeyWithItsDefault) {
  const std::map<std::string, std::string> documented = keys_in(uncommented(read_example()));
  for (const ConfigTable& table : config_tables()) {
    for (const ConfigKey& key : table.keys) {
      const std::string path = key_path(table, key);
      SCOPED_TRACE(path);
      auto it = documented.find(path);
      ASSERT_NE(it, documented.end()) << path << " is not in config/careerlink.example.toml";
      // Outside [[school]] (sample data), the value shown is the table's default.
      if (!table.array && !key.default_text.starts_with("(")) {
        std::string shown = it->second;
        if (shown.size() >= 2 && shown.front() == '"') shown = shown.substr(1, shown.size() - 2);
        EXPECT_EQ(shown, key.default_text);
      }
    }
  }
  // And nothing in the example that the tables do not know (the loader checks this too).
  std::set<std::string> known;
  for (const ConfigTable& table : config_tables()) {
    for (const ConfigKey& key : table.keys)
      known.insert(key_path(table, key));
  }
  for (const auto& [path, value] : documented)
    EXPECT_TRUE(known.contains(path)) << path;
}

TEST(ConfigDescribe, ListsEveryKeyWithTypeAndDefault) {
  std::ostringstream out;
  describe_config(out);
  const std::string text = out.str();
  std::size_t keys = 0;
  for (const ConfigTable& table : config_tables()) {
    if (!table.path.empty()) {
      EXPECT_THAT(
          text, HasSubstr((table.array ? "[[" + table.path + "]]" : "[" + table.path + "]") + "  " +
                          table.description + "\n"));
    }
    for (const ConfigKey& key : table.keys) {
      ++keys;
      const std::string head = "  " + key_path(table, key) + "  (" +
                               std::string(key_type_name(key.type)) +
                               ", default: " + key.default_text;
      EXPECT_THAT(text, HasSubstr(head)) << key_path(table, key);
      EXPECT_THAT(text, HasSubstr("      " + key.description + "\n"));
    }
  }
  EXPECT_GE(keys, 16U);  // data_dir, 5 log, 3 store, 3 import, 4 school
  EXPECT_THAT(text, HasSubstr("  log.level  (enum, default: info; allowed: trace debug info warn "
                              "error off)\n"));
  EXPECT_THAT(text, HasSubstr("  log.max_files  (integer, default: 5; range: 1..100)\n"));
  EXPECT_THAT(text, HasSubstr("  school[].urn  (string, default: (required); 6 digits; unique)\n"));
  EXPECT_THAT(text, HasSubstr("  school[].timezone  (string, default: Europe/London)\n"));
}

}  // namespace
}  // namespace careerlink
