// `careerlink config check [FILE]` and `careerlink config describe`.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/config/config.hpp"

namespace careerlink::cli {

void add_config_commands(CLI::App& app, Context& context, Action& action) {
  auto* config = app.add_subcommand("config", "Check or describe the configuration");
  config->require_subcommand(1);

  auto file = std::make_shared<std::optional<std::string>>();
  auto* check = config->add_subcommand(
      "check", "Validate a config file: prints FILE:LINE: problems, exits 78 if any");
  check->add_option("FILE", *file, "config file (default: --config, else the usual place)");
  check->callback([&context, &action, file] {
    action = [&context, file] {
      std::optional<std::filesystem::path> path;
      if (*file) {
        path = **file;
      } else if (context.config_file) {
        path = *context.config_file;
      } else {
        path = default_config_path();
      }
      if (!path) {
        std::cout << "no config file (looked at $CAREERLINK_CONFIG and the usual place): "
                     "the built-in defaults apply, and they are valid\n";
        return exit_code::ok;
      }
      auto loaded = load_config(*path);
      if (!loaded) {
        for (const auto& d : loaded.error())
          std::cerr << d.to_string() << '\n';
        std::cerr << loaded.error().size()
                  << (loaded.error().size() == 1 ? " problem" : " problems") << " in "
                  << path->string() << '\n';
        return exit_code::config_error;
      }
      std::cout << path->string() << ": valid\n";
      return exit_code::ok;
    };
  });

  auto* describe = config->add_subcommand(
      "describe", "Print every config key with its type, default and meaning");
  describe->callback([&action] {
    action = [] {
      describe_config(std::cout);
      return exit_code::ok;
    };
  });
}

}  // namespace careerlink::cli
