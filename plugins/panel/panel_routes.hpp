// The careers panel on the serve listener, under /panel/:
//   GET  /panel/                      my groups
//   GET  /panel/group?name=10A        a tutor group (&school=URN when several schools)
//   GET  /panel/pupil?upn=...         a pupil: plan with tick-off, notes, history
//   GET  /panel/school[?year&rag&flag&school]   whole school (careers leader, adviser) or the
//                                     years a head of year looks after
//   GET  /panel/api/pupil?upn=...     the pupil page as JSON (same access rules)
//   POST /panel/pupil/action          tick an action done / dropped / open again
//   POST /panel/pupil/note            add a follow-up note
//   GET|POST /panel/login, POST /panel/logout, GET /panel/oidc/start, GET /panel/oidc/callback
// Access is checked on every request (access.hpp): another group's pupil is a 403. Every view
// and change is audited. Deep links for an MIS: /panel/pupil?upn=<UPN>, /panel/group?name=<group>.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "daemon/config/config.hpp"
#include "daemon/http/server/router.hpp"
#include "daemon/store/shared_store.hpp"

namespace careerlink::panel {

struct PanelOptions {
  // The panel's own store connection (reads, sessions, audit, tutors' changes), so its page
  // cache can tell from SQLite's data_version when anyone else has written.
  std::unique_ptr<Store> store;
  std::function<std::shared_ptr<const Config>()> config;
  // [panel.oidc] client_secret, already read from its file or variable ("" = none).
  std::string oidc_client_secret;
  // How often, at most, to ask SQLite whether another process has written (data_version takes
  // file locks on every call). Writes made in this process (the panel's, the intake API's, the
  // scheduler's jobs) show at once; another process's (`careerlink import` run by hand) within
  // this interval. Zero: ask on every request.
  std::chrono::steady_clock::duration change_check_interval{};
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

// Adds the routes; the returned object owns the panel's state (keep it alive as long as the
// router's server runs; destroying it writes pending audit events).
std::shared_ptr<void> add_panel_routes(http::Router& router, PanelOptions options);

}  // namespace careerlink::panel
