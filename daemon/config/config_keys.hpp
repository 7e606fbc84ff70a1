// The declarative key tables behind careerlink's config (fluent-bit's config_map idea): one
// table per component lists every key once, with its type, default, meaning and checks, and
// where its value goes in Config. The loader validates and fills Config from these tables,
// describe_config prints them, and a test checks the example file documents them all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config/config.hpp"

namespace careerlink {

enum class KeyType {
  string,
  integer,
  boolean,
  floating,     // a TOML float; an integer is accepted too
  enumeration,  // a string, one of ConfigKey::allowed
  path,         // a string holding an absolute path
  secret_file,  // a path to a file holding a secret (key name ends in _file)
  secret_env,   // the name of an environment variable holding a secret (key name ends in _env)
};

// "string", "integer", ... as printed by describe_config.
std::string_view key_type_name(KeyType type);

// A checked value on its way into Config. Strings carry string, enumeration, path and secret
// keys; integers and floats are widened so one setter signature fits every key.
struct ConfigValue {
  std::variant<std::string, std::int64_t, double, bool> value;

  [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(value); }
  [[nodiscard]] std::int64_t as_integer() const { return std::get<std::int64_t>(value); }
  [[nodiscard]] double as_float() const { return std::get<double>(value); }
  [[nodiscard]] bool as_bool() const { return std::get<bool>(value); }
};

// Extra check on a value that already has the right type: nullopt when fine, otherwise what is
// wrong and what to do, phrased to follow the key's name ("must be ..., got ...").
using ValueCheck = std::function<std::optional<std::string>(const ConfigValue&)>;

struct ConfigKey {
  std::string name;  // within its table: "level" (the full path is table.path + "." + name)
  KeyType type = KeyType::string;
  // The default as shown by describe and in the example file, written as its TOML value is
  // ("info", "5", "true"). A default that is not a literal value is written in parentheses:
  // "(required)", "(none)", "(platform data directory)".
  std::string default_text;
  std::string description;           // one line: what it means, not how it is implemented
  std::vector<std::string> allowed;  // enumeration only
  std::optional<std::int64_t> min;   // integer and floating: inclusive range
  std::optional<std::int64_t> max;
  std::string pattern;       // string-like: the whole value must match this ECMAScript regex
  std::string pattern_help;  // how a person should read `pattern`: "6 digits"
  ValueCheck check;          // anything a pattern cannot say (e.g. the time zone exists)
  bool required = false;
  bool unique = false;  // array tables, string-like keys: no two elements may share the value
  std::function<void(Config&, const ConfigValue&)> store;
};

struct ConfigTable {
  // Where the table lives: "" for top-level keys, "log" for [log], "serve.tls" for [serve.tls],
  // "school" with array = true for [[school]], "school[].rules" for the [school.rules] table of
  // each [[school]].
  std::string path;
  bool array = false;
  std::string description;  // one line, printed above its keys by describe
  std::vector<ConfigKey> keys;
  // Array tables: called once per element before its keys are stored, so setters can write to
  // the new element (e.g. config.schools.emplace_back(), then schools.back().urn = ...).
  std::function<void(Config&)> add_element;
};

// The secret pair for one secret: `<name>_file` (a file holding it) and `<name>_env` (an
// environment variable). Both are optional; `store_file`/`store_env` receive the reference.
std::vector<ConfigKey> secret_keys(const std::string& name, const std::string& description,
                                   std::function<void(Config&, const ConfigValue&)> store_file,
                                   std::function<void(Config&, const ConfigValue&)> store_env);

// Adds a component's table to the registry the loader and describe_config use. Components call
// this at start-up, before the config is loaded. A second table with the same path is a
// programming error (std::logic_error).
void register_config_table(ConfigTable table);

// Removes a registered table (tests register throw-away tables). Returns whether one was found.
bool unregister_config_table(std::string_view path);

// Every table: the built-in ones (top level, log, store, import, school, school rules, then the
// service tables) first, then registered ones in registration order. A copy, so callers need no
// lock.
std::vector<ConfigTable> config_tables();

// Whether `name` is an IANA time zone in the OS tz database ($TZDIR or /usr/share/zoneinfo).
bool is_known_time_zone(std::string_view name);

}  // namespace careerlink
