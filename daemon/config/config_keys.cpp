// The built-in key tables and the registry later components add theirs to.
#include "daemon/config/config_keys.hpp"
#include "daemon/config/config_service_tables.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <utility>

namespace careerlink {

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::string:
      return "string";
    case KeyType::integer:
      return "integer";
    case KeyType::boolean:
      return "boolean";
    case KeyType::floating:
      return "float";
    case KeyType::enumeration:
      return "enum";
    case KeyType::path:
      return "path";
    case KeyType::secret_file:
      return "secret file";
    case KeyType::secret_env:
      return "secret env";
  }
  return "?";
}

std::vector<ConfigKey> secret_keys(const std::string& name, const std::string& description,
                                   std::function<void(Config&, const ConfigValue&)> store_file,
                                   std::function<void(Config&, const ConfigValue&)> store_env) {
  ConfigKey file{.name = name + "_file",
                 .type = KeyType::secret_file,
                 .default_text = "(none)",
                 .description = description + ": path of a file holding it",
                 .store = std::move(store_file)};
  ConfigKey env{.name = name + "_env",
                .type = KeyType::secret_env,
                .default_text = "(none)",
                .description = description + ": name of an environment variable holding it",
                .store = std::move(store_env)};
  return {std::move(file), std::move(env)};
}

bool is_known_time_zone(std::string_view name) {
  // Reject anything that could walk out of the tz directory before touching the disk.
  static const std::regex shape{R"([A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*)"};
  if (name.empty() || !std::regex_match(name.begin(), name.end(), shape)) return false;
#ifdef _WIN32
  // Windows has no IANA database on disk; the scheduler checks the zone when it loads it.
  return true;
#else
  // GCC 12's libstdc++ has no std::chrono::locate_zone, so look the zone file up directly. The
  // "TZif" magic keeps index files such as zone.tab from passing as zones.
  const char* tzdir = std::getenv("TZDIR");
  std::filesystem::path file = (tzdir != nullptr && *tzdir != '\0') ? tzdir : "/usr/share/zoneinfo";
  file /= std::string(name);
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
#endif
}

namespace {

std::vector<ConfigTable> builtin_tables() {
  std::vector<ConfigTable> tables;

  tables.push_back(ConfigTable{
      .path = "",
      .description = "Top-level keys",
      .keys = {ConfigKey{
          .name = "data_dir",
          .type = KeyType::path,
          .default_text = "(platform data directory)",
          .description = "Where the database and logs live; default /var/lib/careerlink as root, "
                         "else $XDG_DATA_HOME/careerlink or ~/.local/share/careerlink, "
                         "%ProgramData%\\careerlink on Windows",
          .store = [](Config& c, const ConfigValue& v) { c.data_dir = v.as_string(); }}}});

  tables.push_back(ConfigTable{
      .path = "log",
      .description = "Logging to the console (stderr) and a rotating file in <data_dir>/log/",
      .keys = {
          ConfigKey{.name = "level",
                    .type = KeyType::enumeration,
                    .default_text = "info",
                    .description = "Least severe messages written; each -v lowers the console "
                                   "level one step",
                    .allowed = {"trace", "debug", "info", "warn", "error", "off"},
                    .store = [](Config& c, const ConfigValue& v) { c.log.level = v.as_string(); }},
          ConfigKey{.name = "format",
                    .type = KeyType::enumeration,
                    .default_text = "text",
                    .description = "Line format: text for people, json for log collectors (one "
                                   "JSON object per line)",
                    .allowed = {"text", "json"},
                    .store = [](Config& c, const ConfigValue& v) { c.log.format = v.as_string(); }},
          ConfigKey{.name = "file",
                    .type = KeyType::boolean,
                    .default_text = "true",
                    .description = "Also write <data_dir>/log/careerlink.log (rotated by size)",
                    .store = [](Config& c, const ConfigValue& v) { c.log.file = v.as_bool(); }},
          ConfigKey{.name = "max_file_size_mb",
                    .type = KeyType::integer,
                    .default_text = "10",
                    .description = "Size in MB at which the log file is rotated",
                    .min = 1,
                    .max = 1024,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.log.max_file_size_mb = static_cast<std::uint64_t>(v.as_integer());
                        }},
          ConfigKey{.name = "max_files",
                    .type = KeyType::integer,
                    .default_text = "5",
                    .description = "Rotated log files kept besides the current one",
                    .min = 1,
                    .max = 100,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.log.max_files = static_cast<int>(v.as_integer());
                        }},
      }});

  tables.push_back(ConfigTable{
      .path = "store",
      .description = "The store: the single truth for pupils, guidance records and the outbox",
      .keys = {
          ConfigKey{
              .name = "backend",
              .type = KeyType::enumeration,
              .default_text = "sqlite",
              .description = "Database back end; sqlite keeps one file in <data_dir>",
              .allowed = {"sqlite"},
              .store = [](Config& c, const ConfigValue& v) { c.store.backend = v.as_string(); }},
          ConfigKey{.name = "busy_timeout_ms",
                    .type = KeyType::integer,
                    .default_text = "5000",
                    .description = "How long a write waits for another writer before failing, "
                                   "in milliseconds",
                    .min = 0,
                    .max = 600000,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.store.busy_timeout_ms = static_cast<int>(v.as_integer());
                        }},
          ConfigKey{.name = "synchronous",
                    .type = KeyType::enumeration,
                    .default_text = "normal",
                    .description = "SQLite durability: normal is safe with WAL against crashes; "
                                   "full also survives power loss",
                    .allowed = {"normal", "full"},
                    .store = [](Config& c,
                                const ConfigValue& v) { c.store.synchronous = v.as_string(); }},
      }});

  tables.push_back(ConfigTable{
      .path = "import",
      .description = "Limits on files taken in (CTF XML, CSV), to refuse hostile or broken input",
      .keys = {
          ConfigKey{.name = "max_file_size_mb",
                    .type = KeyType::integer,
                    .default_text = "1024",
                    .description = "Files larger than this (MB) are refused unread",
                    .min = 1,
                    .max = 65536,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.import.max_file_size_mb = static_cast<std::uint64_t>(v.as_integer());
                        }},
          ConfigKey{.name = "max_xml_depth",
                    .type = KeyType::integer,
                    .default_text = "64",
                    .description = "Deepest XML nesting accepted; CTF is about 8 deep",
                    .min = 8,
                    .max = 1024,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.import.max_xml_depth = static_cast<int>(v.as_integer());
                        }},
          ConfigKey{.name = "max_text_kb",
                    .type = KeyType::integer,
                    .default_text = "1024",
                    .description = "Longest single text value accepted, in KB",
                    .min = 1,
                    .max = 1048576,
                    .store =
                        [](Config& c, const ConfigValue& v) {
                          c.import.max_text_kb = static_cast<std::uint64_t>(v.as_integer());
                        }},
      }});

  tables.push_back(ConfigTable{
      .path = "school",
      .array = true,
      .description = "One [[school]] per school served (a tenant, keyed by URN)",
      .keys =
          {
              ConfigKey{
                  .name = "urn",
                  .type = KeyType::string,
                  .default_text = "(required)",
                  .description = "Unique reference number from Get Information about Schools",
                  .pattern = "[0-9]{6}",
                  .pattern_help = "6 digits",
                  .required = true,
                  .unique = true,
                  .store = [](Config& c,
                              const ConfigValue& v) { c.schools.back().urn = v.as_string(); }},
              ConfigKey{
                  .name = "laestab",
                  .type = KeyType::string,
                  .default_text = "(required)",
                  .description = "LA code and establishment number, as in CTF files",
                  .pattern = "[0-9]{7}",
                  .pattern_help = "7 digits: the 3-digit LA code then the 4-digit "
                                  "establishment number",
                  .required = true,
                  .store = [](Config& c,
                              const ConfigValue& v) { c.schools.back().laestab = v.as_string(); }},
              ConfigKey{
                  .name = "name",
                  .type = KeyType::string,
                  .default_text = "\"\"",
                  .description = "The school's name, for logs and the careers panel",
                  .store = [](Config& c,
                              const ConfigValue& v) { c.schools.back().name = v.as_string(); }},
              ConfigKey{
                  .name = "timezone",
                  .type = KeyType::string,
                  .default_text = "Europe/London",
                  .description = "IANA time zone the school's schedules run in",
                  .check = [](const ConfigValue& v) -> std::optional<std::string> {
                    if (is_known_time_zone(v.as_string())) return std::nullopt;
                    return "'" + v.as_string() +
                           "' is not a time zone in the tz database; use an IANA name such as "
                           "Europe/London";
                  },
                  .store = [](Config& c,
                              const ConfigValue& v) { c.schools.back().timezone = v.as_string(); }},
              ConfigKey{.name = "trackers_lawful_basis",
                        .type = KeyType::enumeration,
                        .default_text = "consent",
                        .description =
                            "What lets destinations reach trackers: consent (only pupils who "
                            "agreed to share_with_trackers) or public_task (UK GDPR Art 6(1)(e), "
                            "as schools and CEC use for Compass+)",
                        .allowed = {"consent", "public_task"},
                        .store =
                            [](Config& c, const ConfigValue& v) {
                              c.schools.back().trackers_lawful_basis = v.as_string();
                            }},
          },
      .add_element = [](Config& c) { c.schools.emplace_back(); }});
  tables.push_back(rules_config_table());
  tables.push_back(retention_config_table());

  for (auto& table : service_config_tables())
    tables.push_back(std::move(table));
  return tables;
}

struct Registry {
  std::mutex mutex;
  std::vector<ConfigTable> tables = builtin_tables();
};

// Function-local so registration from other translation units' start-up code is safe.
Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

void register_config_table(ConfigTable table) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (std::ranges::any_of(r.tables, [&](const ConfigTable& t) { return t.path == table.path; })) {
    throw std::logic_error("config table [" + table.path + "] is registered twice");
  }
  if (table.array && !table.add_element) {
    throw std::logic_error("array config table [[" + table.path + "]] needs add_element");
  }
  for (const ConfigKey& key : table.keys) {
    const bool string_like = key.type != KeyType::integer && key.type != KeyType::boolean &&
                             key.type != KeyType::floating;
    if (key.unique && !string_like) {
      throw std::logic_error("config key " + table.path + "." + key.name +
                             ": unique is for string keys");
    }
  }
  r.tables.push_back(std::move(table));
}

bool unregister_config_table(std::string_view path) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return std::erase_if(r.tables, [&](const ConfigTable& t) { return t.path == path; }) > 0;
}

std::vector<ConfigTable> config_tables() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.tables;
}

}  // namespace careerlink
