// `careerlink pupils list|show` and `careerlink staff list`: what careerlink holds, for people
// (table) and for scripts (json, csv).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/guidance_output.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/cli/pupil_output.hpp"
#include "daemon/domain/upn.hpp"

namespace careerlink::cli {
namespace {

struct ListArgs {
  std::optional<std::string> year;
  std::optional<std::string> group;
  std::optional<std::string> school;
  std::string format = "table";
};

struct ShowArgs {
  std::string upn;
  std::string format = "text";
};

int list_pupils(Context& context, const ListArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  PupilFilter filter;
  if (!resolve_school(*store, args.school, filter.school)) return exit_code::failure;
  if (args.year) filter.nc_year = year_code(*args.year);
  filter.group = args.group;
  auto pupils = store->list_pupils(filter);
  if (!pupils) {
    return store_failure(pupils.error());
  }
  if (args.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& p : *pupils)
      out.push_back(pupil_json(p));
    std::cout << out.dump(2) << '\n';
  } else if (args.format == "csv") {
    print_pupils_csv(std::cout, *pupils);
  } else {
    print_pupils_table(std::cout, *pupils);
  }
  return exit_code::ok;
}

int show_pupil(Context& context, const ShowArgs& args) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto pupil = store->find_pupil(args.upn);
  if (!pupil) {
    return store_failure(pupil.error());
  }
  if (!*pupil) {
    std::cerr << "careerlink: no pupil with UPN " << args.upn;
    if (auto problem = upn_problem(args.upn)) std::cerr << " (" << *problem << ")";
    std::cerr << '\n';
    return exit_code::failure;
  }
  auto guidance = load_guidance(*store, (*pupil)->id);
  if (!guidance) return store_failure(guidance.error());
  auto la_opt_out = store->la_sharing_opt_out((*pupil)->id);  // s72 (pupils la-sharing)
  if (!la_opt_out) return store_failure(la_opt_out.error());
  // A view of a child's record: audited like every other.
  if (!audit(*store, "pupil.view", "pupil:" + (*pupil)->upn, "")) return exit_code::io_error;
  if (args.format == "json") {
    auto j = pupil_json(**pupil);
    j["guidance"] = guidance_json(*guidance);
    j["la_sharing"] =
        *la_opt_out ? "s72 opt-out (" + (*la_opt_out)->requested_by + ")" : std::string("full");
    std::cout << j.dump(2) << '\n';
  } else {
    print_pupil_detail(std::cout, **pupil);
    print_guidance(std::cout, *guidance);
    std::cout << "LA sharing (s72)    "
              << (*la_opt_out ? "opted out by the " + (*la_opt_out)->requested_by +
                                    ": name and date of birth only"
                              : "full")
              << '\n';
  }
  return exit_code::ok;
}

int list_staff(Context& context, const std::optional<std::string>& school,
               const std::string& format) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto schools = store->schools();
  if (!schools) {
    return store_failure(schools.error());
  }
  auto out = nlohmann::ordered_json::array();
  for (const auto& s : *schools) {
    if (school && s.laestab != *school && s.urn != *school) continue;
    auto staff = store->list_staff(s.id);
    if (!staff) {
      return store_failure(staff.error());
    }
    for (const auto& m : *staff) {
      if (format == "json") {
        nlohmann::ordered_json j;
        j["email"] = m.email;
        j["school_laestab"] = s.laestab;
        j["groups"] = nlohmann::ordered_json::array();
        for (const auto& [group, role] : m.groups)
          j["groups"].push_back({{"group", group}, {"role", role}});
        out.push_back(std::move(j));
      } else {
        std::cout << m.email << "  ";
        for (std::size_t i = 0; i < m.groups.size(); ++i) {
          std::cout << (i ? ", " : "") << m.groups[i].first << " (" << m.groups[i].second << ")";
        }
        std::cout << '\n';
      }
    }
  }
  if (format == "json") std::cout << out.dump(2) << '\n';
  return exit_code::ok;
}

}  // namespace

void add_pupil_commands(CLI::App& app, Context& context, Action& action) {
  auto* pupils = app.add_subcommand("pupils", "List and show the pupils careerlink holds");
  pupils->require_subcommand(1);

  auto list_args = std::make_shared<ListArgs>();
  auto* list = pupils->add_subcommand("list", "List pupils, optionally one year or group");
  list->add_option("--year", list_args->year, "NC year: 7..14, R (also 'Year 10', 'Y10')");
  list->add_option("--group", list_args->group, "a group name, e.g. tutor group 10B");
  list->add_option("--school", list_args->school, "URN or LAESTAB, when there are several");
  list->add_option("--format", list_args->format, "table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  list->callback([&context, &action, list_args] {
    action = [&context, list_args] { return list_pupils(context, *list_args); };
  });

  auto show_args = std::make_shared<ShowArgs>();
  auto* show = pupils->add_subcommand("show", "Show one pupil by UPN (current or former)");
  show->add_option("UPN", show_args->upn, "the pupil's UPN")->required();
  show->add_option("--format", show_args->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  show->callback([&context, &action, show_args] {
    action = [&context, show_args] { return show_pupil(context, *show_args); };
  });

  add_pupil_export_command(*pupils, context, action);
}

void add_staff_commands(CLI::App& app, Context& context, Action& action) {
  auto* staff = app.add_subcommand("staff", "List staff and the groups they are responsible for");
  staff->require_subcommand(1);
  auto school = std::make_shared<std::optional<std::string>>();
  auto format = std::make_shared<std::string>("text");
  auto* list = staff->add_subcommand("list", "List staff with their groups and roles");
  list->add_option("--school", *school, "URN or LAESTAB");
  list->add_option("--format", *format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  list->callback([&context, &action, school, format] {
    action = [&context, school, format] { return list_staff(context, *school, *format); };
  });
}

}  // namespace careerlink::cli
