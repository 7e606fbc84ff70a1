// `careerlink report b8`: the Benchmark 8 report for one school, as html, csv or json, to stdout
// or a file. Each run is audited ("report.b8"): the report shows figures about pupils.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/cli/output_file.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/report/b8_csv.hpp"
#include "daemon/report/b8_html.hpp"
#include "daemon/report/b8_json.hpp"
#include "daemon/report/b8_load.hpp"

namespace careerlink::cli {
namespace {

struct B8Args {
  std::string school;
  std::optional<std::string> as_of;
  std::string format;
  std::optional<std::string> out;
};

int report_b8(Context& context, const B8Args& args) {
  const std::string as_of_text = args.as_of.value_or(today_iso());
  const auto as_of = parse_iso_date(as_of_text);
  if (!as_of) {
    std::cerr << "careerlink: --as-of must be a date written YYYY-MM-DD, got " << as_of_text
              << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto report = report::load_b8(*store, args.school, *as_of);
  if (!report) {
    std::cerr << "careerlink: " << report.error().message << '\n';
    // An unknown school is a bad --school value: EX_USAGE, as for other bad options.
    return report.error().kind == report::LoadError::Kind::unknown_school ? exit_code::usage
                                                                          : exit_code::io_error;
  }
  // Viewing is audited before anything is shown: no audit, no report.
  if (!audit(*store, "report.b8", "school:" + report->school_urn,
             "format=" + args.format + " as_of=" + report->as_of +
                 (args.out ? " out=" + *args.out : ""))) {
    return exit_code::io_error;
  }
  const std::string text = args.format == "json"  ? report::render_b8_json(*report)
                           : args.format == "csv" ? report::render_b8_csv(*report)
                                                  : report::render_b8_html(*report);
  if (!args.out) {
    std::cout << text;
    return std::cout ? exit_code::ok : exit_code::io_error;
  }
  if (!write_output_file(*args.out, text)) return exit_code::io_error;
  std::cerr << "Benchmark 8 report for " << report->school_urn << " as of " << report->as_of
            << " written to " << *args.out << '\n';
  return exit_code::ok;
}

}  // namespace

void add_report_commands(CLI::App& app, Context& context, Action& action) {
  auto* report = app.add_subcommand("report", "Reports for the careers leader");
  report->require_subcommand(1);
  auto args = std::make_shared<B8Args>();
  auto* b8 = report->add_subcommand(
      "b8", "Benchmark 8 (personal guidance) figures per year group, split by SEND and FSM");
  b8->add_option("--school", args->school, "URN or LAESTAB")->required();
  b8->add_option("--as-of", args->as_of,
                 "the date the figures are for, YYYY-MM-DD (default today)");
  b8->add_option("--format", args->format, "html, csv or json")
      ->required()
      ->check(CLI::IsMember({"html", "csv", "json"}));
  b8->add_option("--out", args->out, "write to FILE (replaced whole) instead of stdout");
  b8->callback([&, args] { action = [&, args] { return report_b8(context, *args); }; });
}

}  // namespace careerlink::cli
