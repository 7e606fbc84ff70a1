// `careerlink keys create|list|revoke` (the intake API's keys, one per provider organisation,
// scoped to schools) and `careerlink flags list|evaluate|update` (follow-up flags). Key changes
// are audited; a key is printed once and never stored.
#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/cli/progress.hpp"
#include "daemon/cli/pupil_output.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/intake/api_key.hpp"

namespace careerlink::cli {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// --- keys ---

struct CreateKeyArgs {
  std::string name;
  std::vector<std::string> schools;
};

int create_key(Context& context, const CreateKeyArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  static const std::regex urn("[0-9]{6}");
  for (const auto& s : args.schools) {
    if (!std::regex_match(s, urn)) {
      std::cerr << "careerlink: --school " << s << " is not a URN (6 digits)\n";
      return exit_code::usage;
    }
  }
  auto key = intake::generate_api_key();
  if (!key) {
    std::cerr << "careerlink: " << key.error() << '\n';
    return exit_code::failure;
  }
  auto id = store->create_api_key(args.name, key->prefix, key->sha256, args.schools,
                                  operator_actor(), std::chrono::system_clock::now());
  if (!id) return store_failure(id.error());
  audit(*store, "api_key.create", "api_key:" + std::to_string(*id),
        args.name + " for " + join(args.schools, ", "));
  std::cout << "API key " << *id << " for " << args.name << " (school"
            << (args.schools.size() == 1 ? " " : "s ") << join(args.schools, ", ") << "):\n\n  "
            << key->key << "\n\n"
            << "Give it to " << args.name
            << " now, by a secure route: careerlink keeps only a hash and cannot show it again.\n"
            << "It is sent as \"Authorization: Bearer <key>\". Revoke it with: careerlink keys "
               "revoke "
            << key->prefix << '\n';
  return exit_code::ok;
}

int list_keys(Context& context, const std::string& format) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto keys = store->list_api_keys();
  if (!keys) return store_failure(keys.error());
  if (format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& k : *keys) {
      nlohmann::ordered_json j;
      j["id"] = k.id;
      j["prefix"] = k.prefix;
      j["name"] = k.name;
      j["schools"] = k.school_urns;
      j["created_at"] = iso_utc(k.created_at);
      j["created_by"] = k.created_by;
      j["revoked_at"] = k.revoked_at ? nlohmann::ordered_json(iso_utc(*k.revoked_at)) : nullptr;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  std::cout << std::left << std::setw(5) << "ID" << std::setw(15) << "PREFIX" << std::setw(24)
            << "NAME" << std::setw(22) << "SCHOOLS" << std::setw(22) << "CREATED"
            << "REVOKED\n";
  for (const auto& k : *keys) {
    std::cout << std::left << std::setw(5) << k.id << std::setw(15) << k.prefix << std::setw(24)
              << k.name << std::setw(22) << join(k.school_urns, ",") << std::setw(22)
              << iso_utc(k.created_at) << (k.revoked_at ? iso_utc(*k.revoked_at) : "-") << '\n';
  }
  return exit_code::ok;
}

int revoke_key(Context& context, const std::string& which) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto revoked = store->revoke_api_key(which, std::chrono::system_clock::now());
  if (!revoked) return store_failure(revoked.error());
  if (!*revoked) {
    std::cerr << "careerlink: no live API key with id or prefix " << which
              << " (see careerlink keys list)\n";
    return exit_code::failure;
  }
  audit(*store, "api_key.revoke", "api_key:" + which, "");
  std::cout << "API key " << which << " revoked: requests with it now get 401\n";
  return exit_code::ok;
}

// --- flags ---

struct FlagListArgs {
  std::optional<std::string> school, year, group, rag;
  bool all = false;
  std::string format = "table";
};

std::optional<rules::Rag> rag_option(const std::optional<std::string>& rag, bool& ok) {
  ok = true;
  if (!rag) return std::nullopt;
  auto parsed = rules::parse_rag(*rag);
  if (!parsed) {
    std::cerr << "careerlink: --rag must be red, amber or green, got " << *rag << '\n';
    ok = false;
  }
  return parsed;
}

int list_flags(Context& context, const FlagListArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  FlagFilter filter;
  if (!resolve_school(*store, args.school, filter.school)) return exit_code::failure;
  if (args.year) filter.nc_year = year_code(*args.year);
  filter.group = args.group;
  bool ok = true;
  filter.rag = rag_option(args.rag, ok);
  if (!ok) return exit_code::usage;
  filter.open_only = !args.all;
  auto rows = store->list_flags(filter);
  if (!rows) return store_failure(rows.error());
  audit(*store, "flags.list", "school:" + args.school.value_or("*"),
        std::to_string(rows->size()) + " flags shown");
  if (args.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& r : *rows) {
      nlohmann::ordered_json j;
      j["school_urn"] = r.school_urn;
      j["upn"] = r.upn;
      j["nc_year"] = or_null(r.nc_year);
      j["tutor_group"] = or_null(r.tutor_group);
      j["kind"] = r.flag.kind;
      j["rag"] = rules::to_string(r.flag.rag);
      j["reason"] = r.flag.reason;
      j["sharing"] = r.flag.shared ? "shared" : "not shared";
      j["raised_at"] = iso_utc(r.flag.raised_at);
      j["cleared_at"] =
          r.flag.cleared_at ? nlohmann::ordered_json(iso_utc(*r.flag.cleared_at)) : nullptr;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  std::cout << std::left << std::setw(15) << "UPN" << std::setw(6) << "YEAR" << std::setw(8)
            << "GROUP" << std::setw(25) << "FLAG" << std::setw(7) << "RAG" << std::setw(12)
            << "SHARING"
            << "REASON\n";
  for (const auto& r : *rows) {
    std::cout << std::left << std::setw(15) << r.upn << std::setw(6) << r.nc_year.value_or("-")
              << std::setw(8) << r.tutor_group.value_or("-") << std::setw(25) << r.flag.kind
              << std::setw(7) << rules::to_string(r.flag.rag) << std::setw(12)
              << (r.flag.shared ? "shared" : "not shared") << r.flag.reason
              << (r.flag.cleared_at ? " (cleared " + iso_utc(*r.flag.cleared_at) + ")" : "")
              << '\n';
  }
  std::cout << rows->size() << (rows->size() == 1 ? " flag\n" : " flags\n");
  return exit_code::ok;
}

struct EvaluateArgs {
  std::string as_of;
  std::optional<std::string> school;
  std::string format = "table";
};

int evaluate_flags(Context& context, const EvaluateArgs& args) {
  const auto as_of = parse_iso_date(args.as_of);
  if (!as_of) {
    std::cerr << "careerlink: --as-of must be a date written YYYY-MM-DD, got " << args.as_of
              << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  std::optional<SchoolId> school;
  if (!resolve_school(*store, args.school, school)) return exit_code::failure;
  auto verdicts = followup::preview(*store, school, context.config(), *as_of);
  if (!verdicts) return store_failure(verdicts.error());
  std::size_t flagged = 0;
  auto pupils = nlohmann::ordered_json::array();
  for (const auto& v : *verdicts) {
    if (v.flags.empty()) continue;
    ++flagged;
    nlohmann::ordered_json p;
    p["school_urn"] = v.facts.school_urn;
    p["upn"] = v.facts.upn;
    p["nc_year"] = or_null(v.facts.nc_year);
    p["overall_rag"] = rules::to_string(rules::overall_rag(v.flags));
    p["flags"] = nlohmann::ordered_json::array();
    for (const auto& f : v.flags) {
      const bool shared = v.plan_shared || !rules::plan_derived(f.kind);
      p["flags"].push_back({{"kind", f.kind},
                            {"rag", rules::to_string(f.rag)},
                            {"reason", f.reason},
                            {"sharing", shared ? "shared" : "not shared"}});
    }
    pupils.push_back(std::move(p));
  }
  if (args.format == "json") {
    nlohmann::ordered_json out;
    out["as_of"] = args.as_of;
    out["pupils_evaluated"] = verdicts->size();
    out["pupils_flagged"] = flagged;
    out["pupils"] = std::move(pupils);
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  std::cout << "Flags as of " << args.as_of << " (not stored):\n";
  for (const auto& p : pupils) {
    for (const auto& f : p["flags"]) {
      std::cout << std::left << std::setw(15) << p["upn"].get<std::string>() << std::setw(6)
                << (p["nc_year"].is_null() ? "-" : p["nc_year"].get<std::string>()) << std::setw(25)
                << f["kind"].get<std::string>() << std::setw(7) << f["rag"].get<std::string>()
                << std::setw(12) << f["sharing"].get<std::string>()
                << f["reason"].get<std::string>() << '\n';
    }
  }
  std::cout << verdicts->size() << " pupils evaluated, " << flagged << " with flags\n";
  return exit_code::ok;
}

int update_flags(Context& context, const std::optional<std::string>& school_arg) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  std::optional<SchoolId> school;
  if (!resolve_school(*store, school_arg, school)) return exit_code::failure;
  const auto sinks = followup::writeback_sinks(context.config());
  const auto sync =
      followup::sync_context(context.config(), sinks, std::chrono::system_clock::now());
  Progress progress("evaluating follow-up flags", Progress::terminal());
  auto run = followup::evaluate_all(
      *store, school, sync, [&](std::size_t done, std::size_t all) { progress.update(done, all); });
  progress.finish();
  if (!run) return store_failure(run.error());
  audit(*store, "flags.update", "school:" + school_arg.value_or("*"),
        std::to_string(run->pupils) + " pupils evaluated");
  std::cout << run->pupils << " pupils evaluated: " << run->changes.raised << " flags raised, "
            << run->changes.changed << " changed, " << run->changes.cleared << " cleared\n";
  return exit_code::ok;
}

}  // namespace

void add_guidance_commands(CLI::App& app, Context& context, Action& action) {
  auto* keys = app.add_subcommand(
      "keys", "API keys for advisers' systems sending to the intake API (/api/v1/...)");
  keys->require_subcommand(1);
  {
    auto args = std::make_shared<CreateKeyArgs>();
    auto* create =
        keys->add_subcommand("create", "Make a key for a provider organisation; printed once");
    create->add_option("--name", args->name, "the provider organisation, e.g. \"Career Connect\"")
        ->required();
    create->add_option("--school", args->schools, "URN of a school it may send for (repeat)")
        ->required();
    create->callback([&, args] { action = [&, args] { return create_key(context, *args); }; });
  }
  {
    auto format = std::make_shared<std::string>("table");
    auto* list = keys->add_subcommand("list", "List keys (prefixes only), live and revoked");
    list->add_option("--format", *format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    list->callback([&, format] { action = [&, format] { return list_keys(context, *format); }; });
  }
  {
    auto which = std::make_shared<std::string>();
    auto* revoke = keys->add_subcommand("revoke", "Revoke a key: its requests get 401 from now");
    revoke->add_option("KEY", *which, "the key's id or prefix (see keys list)")->required();
    revoke->callback([&, which] { action = [&, which] { return revoke_key(context, *which); }; });
  }

  auto* flags = app.add_subcommand("flags", "Follow-up flags: who needs a follow-up, and why");
  flags->require_subcommand(1);
  {
    auto args = std::make_shared<FlagListArgs>();
    auto* list = flags->add_subcommand("list", "List open follow-up flags");
    list->add_option("--school", args->school, "URN or LAESTAB");
    list->add_option("--year", args->year, "NC year, e.g. 11");
    list->add_option("--group", args->group, "a group name, e.g. tutor group 11B");
    list->add_option("--rag", args->rag, "red, amber or green");
    list->add_flag("--all", args->all, "cleared flags too (the history)");
    list->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    list->callback([&, args] { action = [&, args] { return list_flags(context, *args); }; });
  }
  {
    auto args = std::make_shared<EvaluateArgs>();
    auto* evaluate = flags->add_subcommand(
        "evaluate", "What the flags would be on a date, without storing them");
    evaluate->add_option("--as-of", args->as_of, "the date, YYYY-MM-DD")->required();
    evaluate->add_option("--school", args->school, "URN or LAESTAB");
    evaluate->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    evaluate->callback(
        [&, args] { action = [&, args] { return evaluate_flags(context, *args); }; });
  }
  {
    auto school = std::make_shared<std::optional<std::string>>();
    auto* update = flags->add_subcommand(
        "update", "Evaluate every pupil's flags now and store them (what the rules job does)");
    update->add_option("--school", *school, "URN or LAESTAB");
    update->callback(
        [&, school] { action = [&, school] { return update_flags(context, *school); }; });
  }
}

}  // namespace careerlink::cli
