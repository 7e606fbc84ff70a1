// The panel's state shared by its route handlers (private to plugins/panel).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/http/server/router.hpp"
#include "plugins/panel/access.hpp"
#include "plugins/panel/auth/oidc_client.hpp"
#include "plugins/panel/page_data.hpp"
#include "plugins/panel/panel_routes.hpp"
#include "plugins/panel/session_table.hpp"
#include "plugins/panel/view_audit.hpp"

namespace careerlink::panel {

inline constexpr std::string_view kSessionCookie = "careerlink_session";
inline constexpr std::string_view kLoginCookie = "careerlink_login";  // pre-sign-in CSRF / state

// A sign-in begun at the school's identity provider, waiting for its callback.
struct PendingSignIn {
  std::string nonce;
  std::string verifier;
  std::string next;
  TimePoint started{};
};

struct PanelState {
  explicit PanelState(PanelOptions o)
      : store(std::move(o.store)),
        config(std::move(o.config)),
        now(std::move(o.now)),
        change_check_interval(o.change_check_interval),
        oidc_client_secret(std::move(o.oidc_client_secret)) {}

  SharedStore store;
  std::function<std::shared_ptr<const Config>()> config;
  std::function<TimePoint()> now;
  SessionTable sessions{store};
  ViewAudit audit{store};

  // What "current" means for cached data: SQLite's data_version (other connections' commits)
  // and a count of the panel's own writes.
  std::atomic<std::int64_t> own_writes{0};
  std::mutex cache_mutex;
  std::int64_t seen_data_version = -1;
  std::chrono::steady_clock::duration change_check_interval{};
  std::chrono::steady_clock::time_point last_change_check{};
  std::int64_t seen_own_writes = 0;
  std::int64_t seen_local_commits = -1;
  std::int64_t generation = 0;
  std::map<std::string, std::pair<std::int64_t, std::shared_ptr<const StaffIdentity>>, std::less<>>
      identities;
  // A list (a tutor group, a year, a school) at one generation: its rows, and the page bodies
  // rendered from them (by filter), the same for every viewer allowed to see the list.
  struct CachedList {
    std::int64_t generation = 0;
    std::shared_ptr<const std::vector<PupilRow>> rows;
    std::map<std::string, std::shared_ptr<const std::string>, std::less<>> bodies;
  };
  std::map<std::string, CachedList, std::less<>> lists;
  std::map<std::string, std::pair<std::int64_t, std::optional<SchoolId>>, std::less<>> school_ids;

  std::string oidc_client_secret;
  std::mutex oidc_mutex;
  std::unique_ptr<auth::OidcClient> oidc;  // null: OIDC not configured
  std::string oidc_error;                  // why it is not, when configured but unusable
  std::map<std::string, PendingSignIn, std::less<>> pending;  // by state

  // Bumps and returns the generation when anything changed since the last call.
  std::pair<std::int64_t, bool> current_generation();
};

// Helpers shared by the route files.
std::string cookie_value(const http::Request& request, std::string_view name);
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);
std::string form_value(const std::vector<std::pair<std::string, std::string>>& form,
                       std::string_view name);
std::string set_cookie(std::string_view name, std::string_view value, bool secure,
                       std::string_view path, bool expire = false);
bool secure_context(const PanelState& state, const http::Request& request);
http::Response html_response(int status, std::string body);
http::Response redirect(std::string_view location, int status = 303);
// A local path under /panel/ to go back to after sign-in; anything else becomes /panel/.
std::string safe_next(std::string_view next);

void add_sign_in_routes(http::Router& router, const std::shared_ptr<PanelState>& state);

// Why the e-mail in a verified ID token may not name a member of staff (nullopt: it may).
std::optional<std::string> untrusted_email(const auth::IdTokenClaims& claims);

}  // namespace careerlink::panel
