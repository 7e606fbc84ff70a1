// `careerlink retention preview|run`: the [retention] policy, shown and carried out; and
// `careerlink pupils export UPN`: everything held about one pupil, for a subject access request.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "connectors/tracker/pseudonym.hpp"
#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/cli/output_file.hpp"
#include "daemon/cli/progress.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/retention/apply.hpp"
#include "daemon/retention/plan_report.hpp"
#include "daemon/retention/subject_access.hpp"

namespace careerlink::cli {
namespace {

struct RetentionArgs {
  std::optional<std::string> as_of;
  std::string format = "text";
};

struct ExportArgs {
  std::string upn;
  std::optional<std::string> out;
};

std::optional<std::chrono::year_month_day> as_of_date(const std::optional<std::string>& text) {
  const std::string value = text.value_or(today_iso());
  auto date = parse_iso_date(value);
  if (!date) {
    std::cerr << "careerlink: --as-of must be a date written YYYY-MM-DD, got " << value << '\n';
  }
  return date;
}

// The plan for `as_of`, or the exit code to return.
std::expected<retention::Plan, int> make_plan(Context& context, Store& store,
                                              std::chrono::year_month_day as_of) {
  const auto policy = retention::policy_from(context.config().retention);
  auto snapshot = retention::load_snapshot(store, policy, as_of);
  if (!snapshot) return std::unexpected(store_failure(snapshot.error()));
  return retention::plan(*snapshot, policy, as_of);
}

int preview(Context& context, const RetentionArgs& args) {
  const auto as_of = as_of_date(args.as_of);
  if (!as_of) return exit_code::usage;
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto plan = make_plan(context, *store, *as_of);
  if (!plan) return plan.error();
  // The preview lists UPNs of pupils: a view of children's records, audited like any other.
  if (!audit(*store, "retention.preview", "retention", "as_of=" + plan->as_of)) {
    return exit_code::io_error;
  }
  if (args.format == "json") {
    std::cout << retention::plan_json(*plan).dump(2) << '\n';
  } else {
    retention::print_plan(std::cout, *plan);
  }
  return exit_code::ok;
}

int run(Context& context, const RetentionArgs& args) {
  const auto as_of = as_of_date(args.as_of);
  if (!as_of) return exit_code::usage;
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto plan = make_plan(context, *store, *as_of);
  if (!plan) return plan.error();
  auto key = tracker::load_pseudonym_key(context.data_dir());
  if (!key) {
    std::cerr << "careerlink: " << key.error() << '\n';
    return exit_code::io_error;
  }
  Progress progress("retention: pupils", Progress::terminal() && plan->pupils.size() > 200,
                    Progress::Unit::items);
  retention::ApplyOptions options;
  options.pseudonym_key = *key;
  options.origin = operator_origin();
  options.now = std::chrono::system_clock::now();
  options.max_pupils_per_transaction =
      static_cast<std::size_t>(context.config().retention.max_pupils_per_run);
  options.progress = [&progress](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  // Who started the run, beside the per-pupil events the engine writes as "retention".
  if (!plan->empty() && !audit(*store, "retention.run", "retention", "as_of=" + plan->as_of)) {
    return exit_code::io_error;
  }
  auto result = retention::apply(*store, *plan, options);
  progress.finish();
  if (!result) {
    std::cerr << "careerlink: retention run failed: " << result.error() << '\n';
    return exit_code::io_error;
  }
  if (args.format == "json") {
    std::cout << retention::run_json(*plan, *result).dump(2) << '\n';
  } else {
    retention::print_run(std::cout, *plan, *result);
  }
  return exit_code::ok;
}

int export_pupil(Context& context, const ExportArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto pupil = store->find_pupil(args.upn);
  if (!pupil) return store_failure(pupil.error());
  if (!*pupil) {
    std::cerr << "careerlink: no pupil with UPN " << args.upn;
    if (auto problem = upn_problem(args.upn)) std::cerr << " (" << *problem << ")";
    std::cerr << "; `careerlink pupils list` shows the pupils held\n";
    return exit_code::usage;
  }
  const std::filesystem::path dir = args.out.value_or(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "careerlink: --out " << dir.string()
              << " is not a directory; create it first or name another\n";
    return exit_code::usage;
  }
  auto record = retention::gather_subject_access(*store, **pupil, operator_actor(),
                                                 std::chrono::system_clock::now());
  if (!record) return store_failure(record.error());
  // Who exported whose record: audited before anything is written.
  if (!audit(*store, "pupil.export", "pupil:" + (*pupil)->upn, "subject access export")) {
    return exit_code::io_error;
  }
  const std::string stem = "subject-access-" + (*pupil)->upn;
  const auto json_file = dir / (stem + ".json");
  const auto html_file = dir / (stem + ".html");
  if (!write_output_file(json_file, retention::subject_access_json(*record).dump(2) + "\n") ||
      !write_output_file(html_file, retention::subject_access_html(*record))) {
    return exit_code::io_error;
  }
  std::cout << json_file.string() << '\n' << html_file.string() << '\n';
  return exit_code::ok;
}

}  // namespace

void add_pupil_export_command(CLI::App& pupils, Context& context, Action& action) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = pupils.add_subcommand(
      "export",
      "Write everything held about one pupil (JSON and HTML), for a subject access "
      "request");
  cmd->add_option("UPN", args->upn, "the pupil's UPN (current or former)")->required();
  cmd->add_option("--out", args->out, "the directory to write into (default: here)");
  cmd->callback([&context, &action, args] {
    action = [&context, args] { return export_pupil(context, *args); };
  });
}

void add_retention_commands(CLI::App& app, Context& context, Action& action) {
  auto* retention =
      app.add_subcommand("retention", "Apply the [retention] policy: preview what goes, then run");
  retention->require_subcommand(1);
  auto preview_args = std::make_shared<RetentionArgs>();
  auto* p =
      retention->add_subcommand("preview", "List what the next run would do; changes nothing");
  p->add_option("--as-of", preview_args->as_of, "the date to plan for, YYYY-MM-DD (default today)");
  p->add_option("--format", preview_args->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  p->callback([&context, &action, preview_args] {
    action = [&context, preview_args] { return preview(context, *preview_args); };
  });
  auto run_args = std::make_shared<RetentionArgs>();
  auto* r = retention->add_subcommand("run", "Delete or pseudonymise what the policy says, now");
  r->add_option("--as-of", run_args->as_of, "the date to run as, YYYY-MM-DD (default today)");
  r->add_option("--format", run_args->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  r->callback([&context, &action, run_args] {
    action = [&context, run_args] { return run(context, *run_args); };
  });
}

}  // namespace careerlink::cli
