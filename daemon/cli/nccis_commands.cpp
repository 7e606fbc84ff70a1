// The local authority side of destinations: `careerlink import la-survey FILE` (the LA's
// activity survey results), `careerlink pupils la-sharing UPN --opt-out pupil|parent|--opt-in`
// (s72 opt-outs) and `careerlink export nccis --school URN --out FILE` (the LA return).
// Registers on the `import` and `pupils` subcommands, so add_import_commands and
// add_pupil_commands must run first.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "connectors/nccis/la_survey_import.hpp"
#include "connectors/nccis/nccis_export.hpp"
#include "connectors/nccis/s72_requester.hpp"
#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/followup/flag_sync.hpp"

namespace careerlink::cli {
namespace {

struct SurveyArgs {
  std::string file;
  std::optional<std::string> school;
  std::string format = "text";
};

struct SharingArgs {
  std::string upn;
  std::optional<std::string> opt_out;  // pupil | parent
  bool opt_in = false;
};

struct ExportArgs {
  std::string school;
  std::string out;
  std::optional<std::string> as_of;
};

CLI::App* find_subcommand(CLI::App& app, std::string_view name) {
  auto found = app.get_subcommands([name](CLI::App* sub) { return sub->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

// The school named by --school, or the only one careerlink holds. Prints why not.
std::optional<SchoolInfo> pick_school(Store& store, const std::optional<std::string>& school,
                                      std::string_view command, int& status) {
  if (school) {
    auto found = store.find_school(*school);
    if (!found) {
      status = store_failure(found.error());
      return std::nullopt;
    }
    if (!*found) {
      std::cerr << "careerlink " << command << ": no school with URN or LAESTAB '" << *school
                << "'; `careerlink pupils list` shows the schools careerlink holds\n";
      status = exit_code::usage;
    }
    return *found;
  }
  auto all = store.schools();
  if (!all) {
    status = store_failure(all.error());
    return std::nullopt;
  }
  if (all->size() == 1) return all->front();
  std::cerr << "careerlink " << command << ": "
            << (all->empty() ? "careerlink holds no school yet: import the school's pupils first"
                             : "careerlink holds several schools: give --school URN")
            << '\n';
  status = exit_code::usage;
  return std::nullopt;
}

nlohmann::ordered_json survey_json(const nccis::SurveyImportSummary& s) {
  nlohmann::ordered_json j{{"file", s.file},
                           {"format", "NCCIS activity survey"},
                           {"school_urn", s.school_urn},
                           {"rows", s.rows},
                           {"destinations_added", s.destinations_added},
                           {"unchanged", s.destinations_unchanged},
                           {"guarantee_added", s.guarantee_added},
                           {"rejected", nlohmann::ordered_json::array()}};
  for (const auto& r : s.rejected)
    j["rejected"].push_back({{"line", r.line}, {"upn", r.upn}, {"reason", r.reason}});
  return j;
}

int import_survey(Context& context, const SurveyArgs& args) {
  if (!context.load()) return exit_code::config_error;
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  int status = exit_code::ok;
  auto school = pick_school(*store, args.school, "import la-survey", status);
  if (!school) return status;

  const auto now = std::chrono::system_clock::now();
  const auto sinks = followup::writeback_sinks(context.config());
  const auto flags = followup::sync_context(context.config(), sinks, now);
  nccis::SurveyImportOptions options;
  options.max_file_bytes = context.config().import.max_file_size_mb << 20;
  options.actor = operator_actor();
  options.origin = operator_origin();
  options.flags = &flags;
  options.now = now;
  auto result = nccis::import_la_survey(*store, *school, args.file, options);
  const bool json = args.format == "json";
  if (!result) {
    const auto& f = result.error();
    spdlog::warn("LA activity survey refused: {}", f.fault.to_string());
    if (json) {
      std::cout << nlohmann::ordered_json{{"file", f.fault.file},
                                          {"refused", true},
                                          {"line", f.fault.line},
                                          {"error", f.fault.message},
                                          {"destinations_added", 0}}
                       .dump()
                << '\n';
    } else {
      std::cerr << f.fault.to_string() << "\n  nothing from this file was written\n";
    }
    return f.store_failure ? exit_code::io_error : exit_code::data_error;
  }
  const auto& s = *result;
  if (json) {
    std::cout << survey_json(s).dump() << '\n';
  } else {
    std::cout << s.file << ": NCCIS activity survey, school " << s.school_urn << ": " << s.rows
              << " rows, " << s.destinations_added << " destinations added, "
              << s.destinations_unchanged << " unchanged, " << s.rejected.size() << " rejected";
    if (s.guarantee_added > 0) {
      std::cout << "; " << s.guarantee_added << " September Guarantee statuses added";
    }
    std::cout << '\n';
    if (s.destinations_added == 0 && s.guarantee_added == 0 && s.destinations_unchanged > 0 &&
        s.rejected.empty()) {
      std::cout << "  nothing changed: this survey was already imported\n";
    }
    for (const auto& r : s.rejected) {
      std::cout << "  " << s.file << ":" << r.line << ": rejected"
                << (r.upn.empty() ? "" : " " + r.upn) << ": " << r.reason << '\n';
    }
  }
  return s.rejected.empty() ? exit_code::ok : exit_code::some_rejected;
}

int set_sharing(Context& context, const SharingArgs& args) {
  if (args.opt_in == args.opt_out.has_value()) {
    std::cerr << "careerlink pupils la-sharing: give --opt-out pupil|parent or --opt-in\n";
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto pupil = store->find_pupil(args.upn);
  if (!pupil) return store_failure(pupil.error());
  if (!*pupil) {
    std::cerr << "careerlink: no pupil with UPN " << args.upn;
    if (auto problem = upn_problem(args.upn)) std::cerr << " (" << *problem << ")";
    std::cerr << '\n';
    return exit_code::failure;
  }
  const auto& p = **pupil;
  std::optional<LaSharingOptOut> opt_out;
  if (args.opt_out) {
    if (auto problem = nccis::s72_requester_problem(p.dob, *args.opt_out, today_iso())) {
      std::cerr << "careerlink pupils la-sharing: " << p.upn << ": " << *problem
                << "; nothing recorded\n";
      return exit_code::usage;
    }
    if (!p.dob || !nccis::sixteenth_birthday(*p.dob)) {
      std::cout << p.upn << ": no date of birth held, so whether the " << *args.opt_out
                << " may give this instruction (a parent under 16, the pupil from 16) was not "
                   "checked\n";
    }
    opt_out = LaSharingOptOut{*args.opt_out, operator_actor(), std::chrono::system_clock::now()};
  }
  auto tx = store->begin();
  if (!tx) return store_failure(tx.error());
  auto changed = (*tx)->set_la_sharing_opt_out(p.id, opt_out);
  if (!changed) return store_failure(changed.error());
  if (*changed) {
    const std::string detail =
        opt_out ? "s72 opt-out of further information to the LA, asked by the " + *args.opt_out
                : "s72 opt-out withdrawn: further information goes to the LA again";
    // In the transaction: the change and its audit event are written together or not at all.
    if (!audit(*store, "pupil.la_sharing", "pupil:" + p.upn, detail)) return exit_code::io_error;
    if (auto committed = (*tx)->commit(); !committed) return store_failure(committed.error());
  }
  if (!*changed) {
    std::cout << p.upn << ": already " << (opt_out ? "opted out" : "sharing with the LA")
              << "; nothing changed\n";
  } else if (opt_out) {
    std::cout << p.upn << ": s72 opt-out recorded (asked by the " << *args.opt_out
              << "); the NCCIS return now carries only name and date of birth for this pupil\n";
  } else {
    std::cout << p.upn << ": opted back in; the NCCIS return carries the pupil's activity again\n";
  }
  return exit_code::ok;
}

int export_nccis(Context& context, const ExportArgs& args) {
  const std::string as_of = args.as_of.value_or(today_iso());
  if (!parse_iso_date(as_of)) {
    std::cerr << "careerlink export nccis: --as-of must be a date written YYYY-MM-DD, got " << as_of
              << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto school = store->find_school(args.school);
  if (!school) return store_failure(school.error());
  if (!*school) {
    std::cerr << "careerlink export nccis: no school with URN '" << args.school
              << "'; `careerlink pupils list` shows the schools careerlink holds\n";
    return exit_code::usage;
  }
  nccis::ExportRequest request;
  request.out = args.out;
  request.as_of = as_of;
  request.actor = operator_actor();
  request.origin = operator_origin();
  request.now = std::chrono::system_clock::now();
  auto result = nccis::export_return(*store, **school, request);
  if (!result) {
    std::cerr << "careerlink export nccis: " << result.error().message << '\n';
    return exit_code::io_error;
  }
  std::cerr << "NCCIS return for " << args.school << " as of " << as_of << " written to "
            << args.out << ": " << result->year11 << " Year 11 on roll, " << result->leavers
            << " leavers";
  if (result->opted_out > 0) {
    std::cerr << " (" << result->opted_out << " with an s72 opt-out: name and birth date only)";
  }
  std::cerr << '\n';
  return exit_code::ok;
}

}  // namespace

void add_nccis_commands(CLI::App& app, Context& context, Action& action) {
  if (auto* import = find_subcommand(app, "import")) {
    auto args = std::make_shared<SurveyArgs>();
    auto* survey = import->add_subcommand(
        "la-survey",
        "Import the local authority's activity survey results (CSV with NCCIS column names)");
    survey->add_option("FILE", args->file, "the LA's CSV")->required()->check(CLI::ExistingFile);
    survey->add_option("--school", args->school,
                       "URN or LAESTAB (needed when careerlink holds more than one school)");
    survey->add_option("--format", args->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    survey->callback([&context, &action, args] {
      action = [&context, args] { return import_survey(context, *args); };
    });
  }

  if (auto* pupils = find_subcommand(app, "pupils")) {
    auto args = std::make_shared<SharingArgs>();
    auto* sharing = pupils->add_subcommand(
        "la-sharing",
        "Record an s72 opt-out (Education and Skills Act 2008): only name and date of birth "
        "go to the local authority");
    sharing->add_option("UPN", args->upn, "the pupil's UPN")->required();
    auto* out = sharing
                    ->add_option("--opt-out", args->opt_out,
                                 "who asked: pupil (16 or over) or parent (pupil under 16)")
                    ->check(CLI::IsMember({"pupil", "parent"}));
    auto* in = sharing->add_flag("--opt-in", args->opt_in, "withdraw the opt-out");
    out->excludes(in);
    sharing->callback([&context, &action, args] {
      action = [&context, args] { return set_sharing(context, *args); };
    });
  }

  auto* exporter = find_subcommand(app, "export");
  if (!exporter) {
    exporter = app.add_subcommand("export", "Files for other organisations");
    exporter->require_subcommand(1);
  }
  auto args = std::make_shared<ExportArgs>();
  auto* nccis = exporter->add_subcommand(
      "nccis",
      "The local authority return (NCCIS column names): Year 11 intended destinations "
      "and leavers' activity");
  nccis->add_option("--school", args->school, "the school's URN")->required();
  nccis->add_option("--out", args->out, "the CSV file to write (replaced whole)")->required();
  nccis->add_option("--as-of", args->as_of,
                    "the date the return describes, YYYY-MM-DD (default today)");
  nccis->callback([&context, &action, args] {
    action = [&context, args] { return export_nccis(context, *args); };
  });
}

}  // namespace careerlink::cli
