// `careerlink tracker status|upload|resend`: what each tracker holds of a school's destinations,
// and an upload now (the night's changes, or a full resend) outside the 02:30 schedule.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <iostream>
#include <map>
#include <memory>

#include "connectors/tracker/tracker_upload.hpp"
#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/cli/progress.hpp"
#include "daemon/domain/dates.hpp"

namespace careerlink::cli {
namespace {

struct TrackerArgs {
  std::optional<std::string> sink;
  std::optional<std::string> school;
  bool list = false;
};

// The tracker sinks the command is about: the one named, or every one configured.
std::expected<std::vector<SinkConfig>, std::string> tracker_sinks(const Config& config,
                                                                  const TrackerArgs& args) {
  std::vector<SinkConfig> out;
  for (const auto& s : config.sinks) {
    if (is_tracker_sink(s) && (!args.sink || s.name == *args.sink)) out.push_back(s);
  }
  if (out.empty()) {
    return std::unexpected(args.sink ? "no tracker [[sink]] called " + *args.sink
                                     : std::string("no tracker [[sink]] is configured (type "
                                                   "tracker-api or tracker-csv)"));
  }
  return out;
}

int status(Context& context, const TrackerArgs& args) {
  if (!context.load()) return exit_code::config_error;
  auto sinks = tracker_sinks(context.config(), args);
  if (!sinks) {
    std::cerr << "careerlink: " << sinks.error() << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  std::optional<SchoolId> school;
  if (args.school) {
    auto found = store->find_school(*args.school);
    if (!found || !*found) {
      std::cerr << "careerlink: no school with URN or LAESTAB " << *args.school << '\n';
      return exit_code::usage;
    }
    school = (*found)->id;
  }
  if (!audit(*store, "tracker.status", args.school ? "school:" + *args.school : "all schools",
             args.list ? "list" : "")) {
    return exit_code::io_error;
  }
  for (const auto& sink : *sinks) {
    auto held = store->tracker_deliveries(sink.name, school);
    if (!held) {
      std::cerr << "careerlink: store: " << held.error().message << '\n';
      return exit_code::io_error;
    }
    std::map<std::string, int> by_status;
    TimePoint last{};
    for (const auto& d : *held) {
      ++by_status[d.status];
      last = std::max(last, d.at);
    }
    const int accepted = by_status["accepted"];
    std::cout << fmt::format("{} ({}): {} {} accepted, {} rejected{}\n", sink.name, sink.type,
                             accepted, accepted == 1 ? "pupil's record" : "pupils' records",
                             by_status["rejected"],
                             held->empty() ? "" : "; last answer " + iso_utc(last));
    for (const auto& d : *held) {
      if (!args.list && d.status == "accepted") continue;
      std::cout << fmt::format("  {}  {:<9} {}  {}{}\n", d.upn, d.status, iso_utc(d.at),
                               d.tracker_ref.empty() ? "-" : d.tracker_ref,
                               d.detail.empty() ? "" : "  " + d.detail);
    }
  }
  return exit_code::ok;
}

int upload(Context& context, const TrackerArgs& args, bool full) {
  if (!context.load()) return exit_code::config_error;
  auto sinks = tracker_sinks(context.config(), args);
  if (!sinks) {
    std::cerr << "careerlink: " << sinks.error() << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  tracker::register_builtin_uploaders();
  bool complete = true;
  for (const auto& sink : *sinks) {
    auto uploader = tracker::make_uploader(sink, {context.data_dir()});
    if (!uploader) {
      std::cerr << "careerlink: " << uploader.error() << '\n';
      return exit_code::config_error;
    }
    Progress progress("uploading to " + sink.name, Progress::terminal());
    tracker::UploadOptions options;
    options.school = args.school;
    options.full = full;
    options.now = std::chrono::system_clock::now();
    options.data_dir = context.data_dir();
    options.actor = operator_actor();
    options.origin = operator_origin();
    options.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
    auto summary = tracker::run_upload(*store, context.config(), sink, **uploader, options);
    progress.finish();
    if (!summary) {
      std::cerr << "careerlink: " << summary.error() << '\n';
      return summary.error().starts_with("no school") ? exit_code::usage : exit_code::io_error;
    }
    for (const auto& s : summary->schools) {
      std::cout << fmt::format(
          "{} school {}: {} sent, {} accepted, {} rejected, {} left to retry; looked at {} "
          "pupils with a destination{}: {} unchanged, {} without agreement to share, {} "
          "pseudonymised{}\n",
          sink.name, s.urn, s.sent, s.accepted, s.rejected, s.retry, s.selection.with_destination,
          s.selection.incremental ? " changed since the last run" : "", s.selection.unchanged,
          s.selection.without_agreement, s.selection.pseudonymised,
          s.error.empty() ? "" : " (" + s.error + ")");
    }
    complete = complete && summary->complete();
  }
  return complete ? exit_code::ok : exit_code::temp_failure;
}

}  // namespace

void add_tracker_commands(CLI::App& app, Context& context, Action& action) {
  auto* tracker = app.add_subcommand(
      "tracker", "Destinations sent to Compass-style trackers ([[sink]] tracker-api, tracker-csv)");
  tracker->require_subcommand(1);
  auto args = std::make_shared<TrackerArgs>();
  auto* st = tracker->add_subcommand("status", "What each tracker has accepted and rejected");
  st->add_option("--sink", args->sink, "one tracker sink (default: all)");
  st->add_option("--school", args->school, "URN or LAESTAB (default: all schools)");
  st->add_flag("--list", args->list, "list every pupil's record, not only the rejected ones");
  st->callback([&, args] { action = [&, args] { return status(context, *args); }; });
  auto* up = tracker->add_subcommand("upload", "Send what changed since the last upload, now");
  up->add_option("--sink", args->sink, "one tracker sink (default: all)");
  up->add_option("--school", args->school, "URN or LAESTAB (default: all schools)");
  up->callback([&, args] { action = [&, args] { return upload(context, *args, false); }; });
  auto* re = tracker->add_subcommand(
      "resend", "Send every record the tracker may have again (after the tracker lost data)");
  re->add_option("--sink", args->sink, "one tracker sink (default: all)");
  re->add_option("--school", args->school, "URN or LAESTAB")->required();
  re->callback([&, args] { action = [&, args] { return upload(context, *args, true); }; });
}

}  // namespace careerlink::cli
