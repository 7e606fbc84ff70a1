// Each subcommand family registers itself on the CLI11 app. A registration sets `action` when its
// command is chosen; main runs the action after parsing and exits with what it returns.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace careerlink::cli {

class Context;
using Action = std::function<int()>;

void add_import_commands(CLI::App& app, Context& context, Action& action);
void add_pupil_commands(CLI::App& app, Context& context, Action& action);
void add_staff_commands(CLI::App& app, Context& context, Action& action);
void add_config_commands(CLI::App& app, Context& context, Action& action);
void add_outbox_commands(CLI::App& app, Context& context, Action& action);
void add_serve_commands(CLI::App& app, Context& context, Action& action);
void add_guidance_commands(CLI::App& app, Context& context, Action& action);
void add_staff_access_commands(CLI::App& app, Context& context, Action& action);
void add_report_commands(CLI::App& app, Context& context, Action& action);
// retention_commands.cpp: `retention preview|run`, and `pupils export` (called from
// add_pupil_commands on its `pupils` subcommand).
void add_retention_commands(CLI::App& app, Context& context, Action& action);
void add_pupil_export_command(CLI::App& pupils, Context& context, Action& action);
// After add_import_commands and add_pupil_commands: adds to their subcommands.
void add_nccis_commands(CLI::App& app, Context& context, Action& action);
void add_tracker_commands(CLI::App& app, Context& context, Action& action);

}  // namespace careerlink::cli
