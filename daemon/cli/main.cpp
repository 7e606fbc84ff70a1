// The careerlink command: global options, then one subcommand. Kept thin: each subcommand family
// lives in its own file and registers itself here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace careerlink;
  cli::Context context;
  CLI::App app{"careerlink: careers guidance records joined to the school's MIS", "careerlink"};
  app.set_version_flag("--version", std::string("careerlink ") + CAREERLINK_VERSION);
  app.add_option("--config", context.config_file,
                 "config file (default: $CAREERLINK_CONFIG, else /etc/careerlink/careerlink.toml "
                 "if present, else built-in defaults)");
  app.add_option("--data-dir", context.data_dir_option,
                 "data directory holding careerlink.db and logs (default: config data_dir, else "
                 "/var/lib/careerlink as root or ~/.local/share/careerlink)");
  app.add_flag("-v,--verbose", context.verbose, "more log detail; repeat for more (-vv)");
  app.require_subcommand(1);

  cli::Action action;
  cli::add_import_commands(app, context, action);
  cli::add_pupil_commands(app, context, action);
  cli::add_staff_commands(app, context, action);
  cli::add_config_commands(app, context, action);
  cli::add_outbox_commands(app, context, action);
  cli::add_serve_commands(app, context, action);
  cli::add_guidance_commands(app, context, action);
  cli::add_staff_access_commands(app, context, action);
  cli::add_report_commands(app, context, action);
  cli::add_retention_commands(app, context, action);
  cli::add_nccis_commands(app, context, action);
  cli::add_tracker_commands(app, context, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_code::usage;
  }
  return action ? action() : exit_code::usage;
}
