// Reads a TOML config against the key tables: every problem found is reported, each with the
// line it is on and what to do about it, and a file with any problem yields no Config at all.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {
namespace {

std::string join(std::string_view parent, std::string_view child) {
  if (parent.empty()) return std::string(child);
  return std::string(parent) + "." + std::string(child);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ends_with_word(std::string_view key, std::string_view word) {
  std::string k = lower(key);
  return k.size() >= word.size() && k.ends_with(word);
}

// Optimal string alignment distance: Levenshtein plus adjacent swaps, so "levle" is one edit
// from "level" (the commonest typo is a swap).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& names) {
  const std::size_t limit = word.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& name : names) {
    std::size_t distance = edit_distance(lower(word), name);
    if (distance < best_distance) {
      best_distance = distance;
      best = name;
    }
  }
  return best;
}

std::string_view node_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    default:
      return "nothing";
  }
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool is_string_like(KeyType type) {
  return type == KeyType::string || type == KeyType::enumeration || type == KeyType::path ||
         type == KeyType::secret_file || type == KeyType::secret_env;
}

std::string expected_phrase(const ConfigKey& key) {
  switch (key.type) {
    case KeyType::string:
      return "a string";
    case KeyType::integer:
      return "an integer";
    case KeyType::boolean:
      return "true or false";
    case KeyType::floating:
      return "a number";
    case KeyType::enumeration:
      return "a string, one of: " + join_list(key.allowed);
    case KeyType::path:
      return "a string holding a path";
    case KeyType::secret_file:
      return "a string holding the path of a file";
    case KeyType::secret_env:
      return "a string naming an environment variable";
  }
  return "?";
}

bool parses_as_integer(std::string_view text) {
  std::int64_t ignored = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ignored);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

std::size_t line_of(const toml::node& node) {
  return node.source().begin.line;
}

// A schema path as a header in the file names it: "school[].rules" is written [school.rules].
std::string header_name(std::string_view schema_path) {
  std::string name(schema_path);
  for (auto at = name.find("[]"); at != std::string::npos; at = name.find("[]"))
    name.erase(at, 2);
  return name;
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)), tables_(config_tables()) {}

  std::expected<Config, std::vector<ConfigDiagnostic>> run(std::string_view text) {
    toml::table doc;
    try {
      doc = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      error(e.source().begin.line,
            "TOML syntax error: " + std::string(e.description()) +
                "; fix the syntax (strings need quotes, tables are written [name])");
      return std::unexpected(std::move(diagnostics_));
    }
    walk(doc, "", "", find_table(""), 1);
    if (!diagnostics_.empty()) {
      // toml++ iterates keys in name order; people read errors in file order.
      std::ranges::stable_sort(diagnostics_, {}, &ConfigDiagnostic::line);
      return std::unexpected(std::move(diagnostics_));
    }
    return std::move(config_);
  }

  void error(std::size_t line, std::string message) {
    diagnostics_.push_back(ConfigDiagnostic{file_, line, std::move(message)});
  }

 private:
  const ConfigTable* find_table(std::string_view path) const {
    auto it = std::ranges::find(tables_, path, &ConfigTable::path);
    return it == tables_.end() ? nullptr : &*it;
  }

  static const ConfigKey* find_key(const ConfigTable* table, std::string_view name) {
    if (table == nullptr) return nullptr;
    auto it = std::ranges::find(table->keys, name, &ConfigKey::name);
    return it == table->keys.end() ? nullptr : &*it;
  }

  // Whether some table lives below `path`, so a table there is a step on the way (e.g. [serve]
  // when only [serve.tls] has keys).
  bool has_tables_below(std::string_view path) const {
    const std::string prefix = std::string(path) + ".";
    const std::string array_prefix = std::string(path) + "[].";
    return std::ranges::any_of(tables_, [&](const ConfigTable& t) {
      return t.path.starts_with(prefix) || t.path.starts_with(array_prefix);
    });
  }

  // Names a person may write directly under schema path `prefix`: its keys and its child tables.
  std::vector<std::string> names_under(std::string_view prefix, const ConfigTable* table) const {
    std::vector<std::string> names;
    if (table != nullptr) {
      for (const ConfigKey& key : table->keys)
        names.push_back(key.name);
    }
    const std::string start = prefix.empty() ? "" : std::string(prefix) + ".";
    for (const ConfigTable& t : tables_) {
      if (t.path.empty() || !t.path.starts_with(start)) continue;
      std::string rest = t.path.substr(start.size());
      rest = rest.substr(0, rest.find_first_of(".["));
      if (std::ranges::find(names, rest) == names.end()) names.push_back(rest);
    }
    return names;
  }

  static std::string where(std::string_view schema_path, const ConfigTable* table) {
    if (schema_path.empty()) return "at the top level";
    const std::string name = header_name(schema_path);
    if (table != nullptr && table->array) return "in [[" + name + "]]";
    return "in [" + name + "]";
  }

  // `schema_path` is the table's path in the key tables ("school"); `display` is where it is in
  // this file ("school[1]"), used in messages.
  void walk(const toml::table& tbl, const std::string& schema_path, const std::string& display,
            const ConfigTable* table, std::size_t fallback_line) {
    const std::size_t table_line = line_of(tbl) != 0 ? line_of(tbl) : fallback_line;
    const std::string child_prefix =
        table != nullptr && table->array ? schema_path + "[]" : schema_path;
    for (auto&& [k, node] : tbl) {
      const std::string name(k.str());
      const std::string child_schema = join(child_prefix, name);
      const std::string child_display = join(display, name);
      if (const ConfigKey* key = find_key(table, name)) {
        value(*key, node, child_schema, child_display, table_line);
      } else if (const ConfigTable* sub = find_table(child_schema)) {
        subtable(*sub, node, child_display, table_line);
      } else if (node.is_table() && has_tables_below(child_schema)) {
        walk(*node.as_table(), child_schema, child_display, nullptr, table_line);
      } else {
        unknown(name, node, child_prefix, table, table_line);
      }
    }
    if (table == nullptr) return;
    for (const ConfigKey& key : table->keys) {
      if (key.required && !tbl.contains(key.name)) {
        error(table_line, (display.empty() ? std::string("the top level") : display) + " has no " +
                              key.name + "; add " + key.name + " = ... (" + key.description + ")");
      }
    }
  }

  void subtable(const ConfigTable& sub, const toml::node& node, const std::string& display,
                std::size_t fallback_line) {
    const std::size_t line = line_of(node) != 0 ? line_of(node) : fallback_line;
    if (!sub.array) {
      if (const toml::table* t = node.as_table()) {
        walk(*t, sub.path, display, &sub, line);
      } else {
        error(line, display + " must be a table, written [" + header_name(sub.path) +
                        "] on a line of its own, got " + std::string(node_type_name(node)));
      }
      return;
    }
    const toml::array* elements = node.as_array();
    if (elements == nullptr || !elements->is_array_of_tables()) {
      error(line, display + " must be written [[" + sub.path +
                      "]] (an array of tables, one per entry), got " +
                      std::string(node_type_name(node)));
      return;
    }
    for (std::size_t i = 0; i < elements->size(); ++i) {
      const toml::table& element = *elements->get(i)->as_table();
      sub.add_element(config_);
      walk(element, sub.path, display + "[" + std::to_string(i) + "]", &sub,
           line_of(element) != 0 ? line_of(element) : line);
    }
  }

  void unknown(const std::string& name, const toml::node& node, const std::string& prefix,
               const ConfigTable* table, std::size_t fallback_line) {
    const std::size_t line = line_of(node) != 0 ? line_of(node) : fallback_line;
    const std::string place =
        where(prefix.ends_with("[]") ? prefix.substr(0, prefix.size() - 2) : prefix, table);

    // A secret written inline is refused outright, even when the key is unknown: the value must
    // not sit in a file that gets copied, backed up and pasted into support tickets.
    const bool has_reference =
        find_key(table, name + "_file") != nullptr || find_key(table, name + "_env") != nullptr;
    static constexpr std::string_view secret_words[] = {"password", "secret", "token", "api_key",
                                                        "client_secret"};
    const bool looks_secret =
        has_reference || std::ranges::any_of(secret_words, [&](std::string_view word) {
          return ends_with_word(name, word);
        });
    if (looks_secret && !node.is_table()) {
      std::string message = "'" + name + "' " + place +
                            " looks like a secret; secrets are never written inline: use " + name +
                            "_file (a file holding it) or " + name +
                            "_env (an environment variable)";
      if (!has_reference) {
        message += ", if this table takes that secret (see `careerlink config describe`)";
      }
      error(line, std::move(message));
      return;
    }

    const std::vector<std::string> names = names_under(prefix, table);
    std::string message =
        (node.is_table() ? "unknown table '" : "unknown key '") + name + "' " + place;
    if (auto suggestion = closest(name, names)) {
      message += "; did you mean '" + *suggestion + "'?";
    } else if (auto elsewhere = table_declaring(name)) {
      message += "; '" + name + "' belongs " + *elsewhere + ", move it there";
    } else if (!names.empty()) {
      message += "; the keys here are: " + join_list(names);
    } else {
      message += "; remove it (see `careerlink config describe`)";
    }
    error(line, std::move(message));
  }

  std::optional<std::string> table_declaring(std::string_view name) const {
    for (const ConfigTable& t : tables_) {
      if (find_key(&t, name) != nullptr) return where(t.path, &t);
    }
    return std::nullopt;
  }

  void value(const ConfigKey& key, const toml::node& node, const std::string& schema_path,
             const std::string& display, std::size_t fallback_line) {
    const std::size_t line = line_of(node) != 0 ? line_of(node) : fallback_line;
    std::optional<ConfigValue> v;
    if (is_string_like(key.type)) {
      if (auto s = node.value_exact<std::string>()) v = ConfigValue{*s};
    } else if (key.type == KeyType::integer) {
      if (auto i = node.value_exact<std::int64_t>()) v = ConfigValue{*i};
    } else if (key.type == KeyType::boolean) {
      if (auto b = node.value_exact<bool>()) v = ConfigValue{*b};
    } else if (key.type == KeyType::floating) {
      if (auto f = node.value_exact<double>()) {
        v = ConfigValue{*f};
      } else if (auto i = node.value_exact<std::int64_t>()) {
        v = ConfigValue{static_cast<double>(*i)};
      }
    }
    if (!v) {
      std::string message = display + " must be " + expected_phrase(key) + ", got " +
                            std::string(node_type_name(node));
      if (is_string_like(key.type) &&
          (node.is_integer() || node.is_floating_point() || node.is_boolean())) {
        message += "; put the value in quotes";
      } else if (const auto* s = node.as_string();
                 s != nullptr &&
                 ((key.type == KeyType::integer && parses_as_integer(s->get())) ||
                  (key.type == KeyType::boolean && (s->get() == "true" || s->get() == "false")))) {
        message += "; remove the quotes";
      }
      error(line, std::move(message));
      return;
    }
    if (auto problem = check(key, *v, display)) {
      error(line, std::move(*problem));
      return;
    }
    if (key.unique) {
      auto [it, inserted] = unique_seen_[schema_path].emplace(v->as_string(), line);
      if (!inserted) {
        const std::string owner = schema_path.substr(0, schema_path.rfind("[]."));
        error(line, "duplicate " + key.name + " '" + v->as_string() + "' (already used at line " +
                        std::to_string(it->second) + "); each [[" + owner + "]] needs its own " +
                        key.name);
        return;
      }
    }
    if (key.store) key.store(config_, *v);
  }

  // Everything but the type, which the caller has checked.
  static std::optional<std::string> check(const ConfigKey& key, const ConfigValue& v,
                                          const std::string& display) {
    const bool secret = key.type == KeyType::secret_file || key.type == KeyType::secret_env;
    if (key.type == KeyType::enumeration &&
        std::ranges::find(key.allowed, v.as_string()) == key.allowed.end()) {
      return display + " is '" + v.as_string() + "'; allowed values: " + join_list(key.allowed);
    }
    if (key.type == KeyType::integer || key.type == KeyType::floating) {
      const double n =
          key.type == KeyType::integer ? static_cast<double>(v.as_integer()) : v.as_float();
      const bool low = key.min && n < static_cast<double>(*key.min);
      const bool high = key.max && n > static_cast<double>(*key.max);
      if (low || high) {
        std::string shown = key.type == KeyType::integer ? std::to_string(v.as_integer())
                                                         : std::to_string(v.as_float());
        std::string range;
        if (key.min && key.max) {
          range = "between " + std::to_string(*key.min) + " and " + std::to_string(*key.max);
        } else if (key.min) {
          range = "at least " + std::to_string(*key.min);
        } else {
          range = "at most " + std::to_string(*key.max);
        }
        return display + " is " + shown + "; it must be " + range;
      }
    }
    if (key.type == KeyType::secret_env) {
      static const std::regex env_name{"[A-Za-z_][A-Za-z0-9_]*"};
      // The value is not echoed: a secret pasted here by mistake must not reach a log.
      if (!std::regex_match(v.as_string(), env_name)) {
        return display +
               " must name an environment variable (letters, digits and _), not hold the secret "
               "itself";
      }
    }
    if (key.type == KeyType::path || key.type == KeyType::secret_file) {
      if (!std::filesystem::path(v.as_string()).is_absolute()) {
        // A service starts in a directory nobody chose; relative paths would drift with it.
        return display + " must be an absolute path" +
               (secret ? std::string() : ", got '" + v.as_string() + "'");
      }
    }
    if (!key.pattern.empty() && !std::regex_match(v.as_string(), std::regex(key.pattern))) {
      return display + " must be " + (key.pattern_help.empty() ? key.pattern : key.pattern_help) +
             (secret ? std::string() : ", got '" + v.as_string() + "'");
    }
    if (key.check) {
      if (auto problem = key.check(v)) return display + ": " + *problem;
    }
    return std::nullopt;
  }

  std::string file_;
  std::vector<ConfigTable> tables_;
  std::vector<ConfigDiagnostic> diagnostics_;
  Config config_;
  std::map<std::string, std::map<std::string, std::size_t>> unique_seen_;
};

}  // namespace

std::expected<Config, std::vector<ConfigDiagnostic>> parse_config(std::string_view text,
                                                                  const std::string& name) {
  return Loader(name).run(text);
}

std::expected<Config, std::vector<ConfigDiagnostic>> load_config(
    const std::filesystem::path& file) {
  const std::string name = file.string();
  auto fail = [&](std::string message) {
    return std::unexpected(std::vector{ConfigDiagnostic{name, 0, std::move(message)}});
  };
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status)) {
    return fail("config file not found; check the path given to --config or $CAREERLINK_CONFIG");
  }
  if (std::filesystem::is_directory(status)) {
    return fail("is a directory, not a config file; give the path of the .toml file");
  }
  // ifstream takes the path as the platform spells it (wide on Windows); errno still says why
  // opening failed on the platforms careerlink runs on.
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const std::string why = errno != 0 ? std::generic_category().message(errno) : "cannot open";
    return fail("cannot read the config file: " + why +
                "; the account careerlink runs as must be able to read it");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return fail("cannot read the config file: read error; check the disk and its permissions");
  }
  const std::string text = std::move(buffer).str();
  auto config = parse_config(text, name);
  if (config) config->source_file = file;
  return config;
}

}  // namespace careerlink
