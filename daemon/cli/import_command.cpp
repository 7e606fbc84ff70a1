// `careerlink import ctf FILE...` and `careerlink import csv FILE --preset NAME|--mapping FILE`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "connectors/csv/csv_mapping.hpp"
#include "connectors/csv/csv_source.hpp"
#include "connectors/ctf/ctf_source.hpp"
#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/progress.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/importer/file_import.hpp"
#include "daemon/serve/source_sync.hpp"

namespace careerlink::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> files;
  std::string format = "text";
  std::optional<std::string> school;
  std::optional<std::string> preset;
  std::optional<std::string> mapping;
};

nlohmann::ordered_json summary_json(const ImportSummary& s) {
  nlohmann::ordered_json j;
  j["file"] = s.file;
  j["format"] = s.format;
  j["school_laestab"] = s.school_laestab;
  j["school_urn"] = s.school_urn ? nlohmann::ordered_json(*s.school_urn) : nullptr;
  j["imported"] = s.imported;
  j["updated"] = s.updated;
  j["unchanged"] = s.unchanged;
  j["rejected"] = nlohmann::ordered_json::array();
  for (const auto& r : s.rejected) {
    nlohmann::ordered_json row;
    row["line"] = r.line;
    if (!r.email.empty()) {
      row["email"] = r.email;
    } else {
      row["upn"] = r.upn;
    }
    row["reason"] = r.reason;
    j["rejected"].push_back(std::move(row));
  }
  return j;
}

nlohmann::ordered_json failure_json(const ImportFailure& f) {
  nlohmann::ordered_json j;
  j["file"] = f.error.file;
  j["refused"] = true;
  j["line"] = f.error.line;
  j["error"] = f.error.message;
  j["imported"] = 0;
  j["updated"] = 0;
  j["unchanged"] = 0;
  j["rejected"] = nlohmann::ordered_json::array();
  return j;
}

void print_summary_text(const ImportSummary& s) {
  std::cout << s.file << ": " << s.format << ", school " << s.school_laestab
            << (s.school_urn ? " (URN " + *s.school_urn + ")" : "") << ": " << s.imported
            << " imported, " << s.updated << " updated, " << s.unchanged << " unchanged, "
            << s.rejected.size() << " rejected\n";
  if (s.imported == 0 && s.updated == 0 && s.rejected.empty() && s.unchanged > 0) {
    std::cout << "  nothing changed: this data was already imported\n";
  }
  for (const auto& r : s.rejected) {
    std::cout << "  " << s.file << ":" << r.line << ": rejected "
              << (r.email.empty() ? r.upn : r.email) << ": " << r.reason << '\n';
  }
}

// Imports each file in its own transaction; the exit status is the worst outcome of any file.
int run_import(Context& context, FileSource& source, const ImportArgs& args,
               ImportOptions options) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  int status = exit_code::ok;
  const bool json = args.format == "json";
  for (const auto& file : args.files) {
    Progress progress("importing " + file, !json && Progress::terminal());
    options.progress = [&progress](std::uint64_t done, std::uint64_t total) {
      progress.update(done, total);
    };
    auto result = import_file(*store, source, file, options);
    progress.finish();
    if (!result) {
      const auto& f = result.error();
      spdlog::warn("import refused: {}", f.error.to_string());
      if (json) {
        std::cout << failure_json(f).dump() << '\n';
      } else {
        std::cerr << f.error.to_string() << "\n  nothing from this file was written\n";
      }
      status = f.store_failure ? exit_code::io_error : exit_code::data_error;
      if (f.store_failure) return status;
      continue;
    }
    const auto& s = *result;
    spdlog::info("imported {} ({}): {} new, {} updated, {} unchanged, {} rejected", s.file,
                 s.format, s.imported, s.updated, s.unchanged, s.rejected.size());
    if (json) {
      std::cout << summary_json(s).dump() << '\n';
    } else {
      print_summary_text(s);
    }
    if (!s.rejected.empty() && status == exit_code::ok) status = exit_code::some_rejected;
  }
  // Pupils whose year, attendance, ... changed get their follow-up flags worked out now.
  const auto sinks = followup::writeback_sinks(context.config());
  auto flags = followup::evaluate_pending(
      *store, followup::sync_context(context.config(), sinks, std::chrono::system_clock::now()));
  if (!flags) return store_failure(flags.error());
  if (flags->pupils > 0) {
    spdlog::info("flags of {} pupils re-evaluated: {} raised, {} changed, {} cleared",
                 flags->pupils, flags->changes.raised, flags->changes.changed,
                 flags->changes.cleared);
  }
  return status;
}

void add_format_option(CLI::App& cmd, ImportArgs& args) {
  cmd.add_option("--format", args.format, "text (default) or json: one summary object per file")
      ->check(CLI::IsMember({"text", "json"}));
}

}  // namespace

void add_import_commands(CLI::App& app, Context& context, Action& action) {
  auto* import = app.add_subcommand("import", "Import pupils, groups and staff from MIS exports");
  import->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();

  auto* ctf = import->add_subcommand(
      "ctf", "Import DfE Common Transfer Files (CTF XML, versions 11 to 25)");
  ctf->add_option("FILE", args->files, "CTF files to import")->required()->check(CLI::ExistingFile);
  add_format_option(*ctf, *args);
  ctf->callback([&context, &action, args] {
    action = [&context, args] {
      if (!context.load()) return exit_code::config_error;
      CtfSource source(serve::ctf_options(context.config()));
      ImportOptions options;
      options.source_system = "ctf";
      return run_import(context, source, *args, options);
    };
  });

  auto* csv = import->add_subcommand("csv", "Import a CSV report through a column mapping");
  csv->add_option("FILE", args->files, "CSV file to import")->required()->check(CLI::ExistingFile);
  auto* preset = csv->add_option("--preset", args->preset,
                                 "built-in mapping: pupils (pupil list with tutor groups) or "
                                 "staff (staff with their groups)");
  auto* mapping = csv->add_option("--mapping", args->mapping, "a mapping TOML file of your own")
                      ->check(CLI::ExistingFile);
  preset->excludes(mapping);
  csv->add_option("--school", args->school,
                  "URN or LAESTAB of the school the file is for (needed when careerlink holds "
                  "more than one school)");
  add_format_option(*csv, *args);
  csv->callback([&context, &action, args] {
    action = [&context, args] {
      if (!args->preset && !args->mapping) {
        std::cerr << "careerlink import csv: give --preset NAME or --mapping FILE\n";
        return exit_code::usage;
      }
      std::expected<CsvMapping, std::string> chosen = std::unexpected(std::string());
      if (args->preset) {
        chosen = preset_mapping(*args->preset);
      } else {
        auto loaded = load_mapping_file(*args->mapping);
        if (loaded) {
          chosen = std::move(*loaded);
        } else {
          chosen = std::unexpected(loaded.error().to_string());
        }
      }
      if (!chosen) {
        std::cerr << "careerlink import csv: " << chosen.error() << '\n';
        return exit_code::usage;
      }
      if (!context.load()) return exit_code::config_error;
      ImportOptions options;
      options.source_system = "csv";
      options.school = args->school;
      options.require_dob = std::ranges::any_of(
          chosen->columns, [](const CsvColumn& c) { return c.field == CsvField::dob; });
      CsvOptions csv_options;
      csv_options.max_file_bytes = context.config().import.max_file_size_mb << 20;
      CsvSource source(std::move(*chosen), csv_options);
      return run_import(context, source, *args, options);
    };
  });
}

}  // namespace careerlink::cli
