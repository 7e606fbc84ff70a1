// `careerlink users add|remove|reset|list` (careers panel accounts: break-glass, schools without
// Entra ID or Google Workspace, and roles the MIS does not hold) and `careerlink audit list`
// (who saw or changed what). Passwords are hashed with scrypt; a generated one is printed once.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "daemon/cli/cli_context.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/exit_codes.hpp"
#include "daemon/cli/operator_identity.hpp"
#include "daemon/domain/dates.hpp"
#include "plugins/panel/access.hpp"
#include "plugins/panel/auth/password_hash.hpp"

namespace careerlink::cli {
namespace {

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct UserArgs {
  std::string email;
  std::string role;
  std::string school;
  std::string scope;
  std::string name;
  bool password_stdin = false;
  bool no_password = false;
  std::string format = "text";
  std::string pupil;
  std::string action_filter;
  std::string object;
  std::size_t limit = 200;
};

// The password to set: read from stdin (one line), or generated.
std::expected<std::string, int> new_password(const UserArgs& a) {
  if (!a.password_stdin) return panel::auth::generate_password();
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (auto problem = panel::auth::password_problem(line)) {
    std::cerr << "careerlink: " << *problem << '\n';
    return std::unexpected(exit_code::usage);
  }
  return line;
}

int add_user(Context& context, const UserArgs& a) {
  static const std::regex email_shape(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
  if (!std::regex_match(a.email, email_shape)) {
    std::cerr << "careerlink: " << a.email << " is not an e-mail address\n";
    return exit_code::usage;
  }
  const auto role = panel::parse_role(a.role);
  if (!role) {
    std::cerr << "careerlink: --role " << a.role
              << " is not a role: tutor, head_of_year, careers_leader, adviser or admin\n";
    return exit_code::usage;
  }
  if ((*role == panel::Role::tutor || *role == panel::Role::head_of_year) && a.scope.empty()) {
    std::cerr << "careerlink: --role " << a.role << " needs --scope: the "
              << (*role == panel::Role::tutor ? "tutor group (e.g. 10A)" : "year (e.g. 11)")
              << '\n';
    return exit_code::usage;
  }
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  std::optional<SchoolId> id;
  if (!resolve_school(*store, a.school, id)) return exit_code::usage;
  auto school = store->find_school(a.school);
  if (!school) return store_failure(school.error());
  const std::string urn = (*school)->urn.value_or("");
  if (urn.empty()) {
    std::cerr << "careerlink: school " << a.school << " has no URN in careerlink yet\n";
    return exit_code::usage;
  }
  auto existing = store->find_staff_account(lower(a.email));
  if (!existing) return store_failure(existing.error());
  StaffAccount account = existing->value_or(StaffAccount{});
  account.email = lower(a.email);
  if (!a.name.empty()) account.display_name = a.name;
  account.created_by = operator_actor();
  StaffGrant grant{urn, a.role,
                   *role == panel::Role::head_of_year ? panel::year_code_of(a.scope) : a.scope};
  if (*role != panel::Role::tutor && *role != panel::Role::head_of_year) grant.scope.clear();
  if (std::ranges::find(account.grants, grant) == account.grants.end()) {
    account.grants.push_back(grant);
  }
  std::optional<std::string> password;
  account.password_hash.reset();
  if (!a.no_password && !(*existing && (*existing)->password_hash)) {
    auto p = new_password(a);
    if (!p) return p.error();
    password = *p;
    account.password_hash = panel::auth::hash_password(*p);
  }
  auto put = store->put_staff_account(account, std::chrono::system_clock::now());
  if (!put) return store_failure(put.error());
  audit(*store, *existing ? "staff_account.grant" : "staff_account.create",
        "staff:" + account.email,
        a.role + " at " + urn + (grant.scope.empty() ? "" : " (" + grant.scope + ")"));
  std::cout << (*existing ? "Updated " : "Added ") << account.email << ": " << a.role << " at "
            << urn << (grant.scope.empty() ? "" : " (" + grant.scope + ")") << '\n';
  if (password && !a.password_stdin) {
    std::cout << "\nPassword (shown once; give it to them by a secure route):\n\n  " << *password
              << "\n\n";
  } else if (!account.password_hash && !(*existing && (*existing)->password_hash)) {
    std::cout << "No password: they sign in with the school's account ([panel.oidc]).\n";
  }
  return exit_code::ok;
}

int remove_user(Context& context, const UserArgs& a) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto removed = store->remove_staff_account(a.email);
  if (!removed) return store_failure(removed.error());
  if (!*removed) {
    std::cerr << "careerlink: no careers panel account for " << a.email << '\n';
    return exit_code::failure;
  }
  audit(*store, "staff_account.remove", "staff:" + lower(a.email), "signed out everywhere");
  std::cout << "Removed " << lower(a.email)
            << " and ended their sessions. (If the MIS lists them as staff they can still sign "
               "in with the school's account, as a tutor of their own groups.)\n";
  return exit_code::ok;
}

int reset_user(Context& context, const UserArgs& a) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto p = new_password(a);
  if (!p) return p.error();
  auto set = store->set_staff_password(a.email, panel::auth::hash_password(*p));
  if (!set) return store_failure(set.error());
  if (!*set) {
    std::cerr << "careerlink: no careers panel account for " << a.email
              << " (add one with `careerlink users add`)\n";
    return exit_code::failure;
  }
  audit(*store, "staff_account.reset", "staff:" + lower(a.email),
        "password reset, unlocked, sessions ended");
  std::cout << "Reset " << lower(a.email) << ": unlocked and signed out everywhere.\n";
  if (!a.password_stdin) std::cout << "\nNew password (shown once):\n\n  " << *p << "\n\n";
  return exit_code::ok;
}

std::string grants_text(const StaffAccount& account) {
  std::string out;
  for (const auto& g : account.grants) {
    if (!out.empty()) out += ", ";
    out += g.role + "@" + g.school_urn + (g.scope.empty() ? "" : "(" + g.scope + ")");
  }
  return out;
}

int list_users(Context& context, const UserArgs& a) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  auto accounts = store->list_staff_accounts();
  if (!accounts) return store_failure(accounts.error());
  const auto now = std::chrono::system_clock::now();
  if (a.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& acc : *accounts) {
      nlohmann::ordered_json j;
      j["email"] = acc.email;
      j["name"] = acc.display_name ? nlohmann::ordered_json(*acc.display_name) : nullptr;
      j["password"] = acc.password_hash.has_value();
      j["locked"] = acc.locked_until && *acc.locked_until > now;
      auto grants = nlohmann::ordered_json::array();
      for (const auto& g : acc.grants) {
        grants.push_back({{"school_urn", g.school_urn}, {"role", g.role}, {"scope", g.scope}});
      }
      j["grants"] = std::move(grants);
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  if (accounts->empty()) {
    std::cout << "No careers panel accounts. Staff in the MIS export can sign in with the "
                 "school's account as tutors; add others with `careerlink users add`.\n";
    return exit_code::ok;
  }
  std::cout << std::left << std::setw(36) << "EMAIL" << std::setw(10) << "PASSWORD"
            << "ROLES\n";
  for (const auto& acc : *accounts) {
    std::string pw = acc.password_hash ? "yes" : "no";
    if (acc.locked_until && *acc.locked_until > now) pw = "locked";
    std::cout << std::setw(36) << acc.email << std::setw(10) << pw << grants_text(acc) << '\n';
  }
  return exit_code::ok;
}

int list_audit(Context& context, const UserArgs& a) {
  Store* store = context.store();
  if (!store) return exit_code::io_error;
  AuditFilter filter;
  filter.limit = a.limit;
  if (!a.pupil.empty()) {
    // A former UPN finds the pupil's record under the current one.
    auto pupil = store->find_pupil(a.pupil);
    if (!pupil) return store_failure(pupil.error());
    filter.object = "pupil:" + (*pupil ? (*pupil)->upn : a.pupil);
  }
  if (!a.object.empty()) filter.object = a.object;
  if (!a.action_filter.empty()) filter.action = a.action_filter;
  auto events = store->list_audit(filter);
  if (!events) return store_failure(events.error());
  if (!a.pupil.empty()) {
    // Seeing a pupil's audit trail is itself a view of the pupil.
    audit(*store, "audit.view", "pupil:" + filter.object->substr(6), "careerlink audit list");
  }
  if (a.format == "json") {
    auto out = nlohmann::ordered_json::array();
    for (const auto& e : *events) {
      out.push_back({{"at", iso_utc(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"object", e.object},
                     {"origin", e.origin},
                     {"detail", e.detail}});
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::ok;
  }
  for (const auto& e : *events) {
    std::cout << iso_utc(e.at) << "  " << std::left << std::setw(32) << e.actor << std::setw(24)
              << e.action << std::setw(26) << e.object << e.origin
              << (e.detail.empty() ? "" : "  " + e.detail) << '\n';
  }
  if (events->empty()) std::cout << "No audit events match.\n";
  return exit_code::ok;
}

}  // namespace

void add_staff_access_commands(CLI::App& app, Context& context, Action& action) {
  auto args = std::make_shared<UserArgs>();
  auto* users = app.add_subcommand("users", "Careers panel accounts and roles");
  users->require_subcommand(1);
  auto* add = users->add_subcommand(
      "add", "Add an account, or give an existing one another role (prints a new password once)");
  add->add_option("email", args->email, "Their school e-mail address")->required();
  add->add_option("--role", args->role, "tutor, head_of_year, careers_leader, adviser or admin")
      ->required();
  add->add_option("--school", args->school, "URN or LAESTAB")->required();
  add->add_option("--scope", args->scope, "tutor: the tutor group; head_of_year: the year");
  add->add_option("--name", args->name, "Their name as the panel shows it");
  add->add_flag("--password-stdin", args->password_stdin,
                "Read the password from stdin instead of generating one");
  add->add_flag("--no-password", args->no_password,
                "No password: they sign in with the school's account only");
  add->callback([&, args] { action = [&, args] { return add_user(context, *args); }; });
  auto* remove = users->add_subcommand("remove", "Remove an account and end its sessions");
  remove->add_option("email", args->email)->required();
  remove->callback([&, args] { action = [&, args] { return remove_user(context, *args); }; });
  auto* reset = users->add_subcommand(
      "reset", "Set a new password (printed once), unlock, and end the account's sessions");
  reset->add_option("email", args->email)->required();
  reset->add_flag("--password-stdin", args->password_stdin, "Read the password from stdin");
  reset->callback([&, args] { action = [&, args] { return reset_user(context, *args); }; });
  auto* list = users->add_subcommand("list", "List accounts and their roles");
  list->add_option("--format", args->format)->check(CLI::IsMember({"text", "json"}));
  list->callback([&, args] { action = [&, args] { return list_users(context, *args); }; });

  auto* audit_cmd = app.add_subcommand("audit", "The audit trail: who saw or changed what");
  audit_cmd->require_subcommand(1);
  auto* alist = audit_cmd->add_subcommand("list", "Audit events, newest first");
  alist->add_option("--pupil", args->pupil, "Only events about this pupil (UPN)");
  alist->add_option("--object", args->object, "Only events about this, e.g. outbox:42");
  alist->add_option("--action", args->action_filter, "Only this action, e.g. panel.view_pupil");
  alist->add_option("--limit", args->limit, "At most this many (default 200)");
  alist->add_option("--format", args->format)->check(CLI::IsMember({"text", "json"}));
  alist->callback([&, args] { action = [&, args] { return list_audit(context, *args); }; });
}

}  // namespace careerlink::cli
