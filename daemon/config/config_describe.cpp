// `careerlink config describe`: the key tables, printed. Nothing here is written by hand per
// key, so the output cannot drift from what the loader accepts.
#include <ostream>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {

void describe_config(std::ostream& out) {
  out << "careerlink configuration (TOML). Every key has a default unless marked required.\n"
         "Secrets are never written inline: keys ending in _file name a file holding the secret,\n"
         "keys ending in _env name an environment variable holding it.\n";
  for (const ConfigTable& table : config_tables()) {
    out << '\n';
    if (table.path.empty()) {
      out << table.description << '\n';
    } else if (table.array) {
      out << "[[" << table.path << "]]  " << table.description << '\n';
    } else {
      out << '[' << table.path << "]  " << table.description << '\n';
    }
    const std::string prefix =
        table.path.empty() ? std::string() : table.path + (table.array ? "[]." : ".");
    for (const ConfigKey& key : table.keys) {
      out << "  " << prefix << key.name << "  (" << key_type_name(key.type);
      out << ", default: " << key.default_text;
      if (!key.allowed.empty()) {
        out << "; allowed:";
        for (const std::string& value : key.allowed)
          out << ' ' << value;
      }
      if (key.min && key.max) {
        out << "; range: " << *key.min << ".." << *key.max;
      } else if (key.min) {
        out << "; at least " << *key.min;
      } else if (key.max) {
        out << "; at most " << *key.max;
      }
      if (!key.pattern_help.empty()) out << "; " << key.pattern_help;
      if (key.unique) out << "; unique";
      out << ")\n      " << key.description << '\n';
    }
  }
}

}  // namespace careerlink
