#include "plugins/panel/panel_routes.hpp"

#include <spdlog/spdlog.h>
#include <boost/url/params_view.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <algorithm>

#include "daemon/followup/flag_sync.hpp"
#include "daemon/followup/tutor_follow_up.hpp"
#include "daemon/report/b8_html.hpp"
#include "daemon/report/b8_load.hpp"
#include "plugins/panel/pages.hpp"
#include "plugins/panel/panel_state.hpp"

namespace careerlink::panel {

// --- Helpers shared with sign_in_routes.cpp ---

std::pair<std::int64_t, bool> PanelState::current_generation() {
  // Read before data_version: a commit counted here is visible to the check below.
  const std::int64_t local = store.other_local_commits();
  const auto checked_at = std::chrono::steady_clock::now();
  const std::int64_t mine = own_writes.load();
  {
    std::lock_guard lock(cache_mutex);
    if (seen_data_version >= 0 && mine == seen_own_writes && local == seen_local_commits &&
        change_check_interval.count() > 0 &&
        checked_at - last_change_check < change_check_interval) {
      return {generation, false};
    }
  }
  auto version = store.with([](Store& s) { return s.data_version(); });
  std::lock_guard lock(cache_mutex);
  const std::int64_t v = version ? *version : seen_data_version + 1;  // unknown: assume changed
  const std::int64_t combined = v * 1'000'003 + mine;
  const bool changed = combined != seen_data_version;
  last_change_check = checked_at;
  seen_own_writes = mine;
  seen_local_commits = local;
  if (changed) {
    seen_data_version = combined;
    ++generation;
    lists.clear();
    school_ids.clear();
    identities.clear();
  }
  return {generation, changed};
}

std::string cookie_value(const http::Request& request, std::string_view name) {
  for (const auto header : request.headers.get_all("Cookie")) {
    std::string_view rest = header;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ')
        part.remove_prefix(1);
      const auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) {
        return std::string(part.substr(eq + 1));
      }
    }
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  try {
    for (const auto& p : boost::urls::params_view(body, opts)) {
      out.emplace_back(p.key, p.value);
    }
  } catch (const std::exception&) {
    out.clear();  // malformed percent-encoding: treated as an empty form (the checks refuse it)
  }
  return out;
}

std::string form_value(const std::vector<std::pair<std::string, std::string>>& form,
                       std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return {};
}

std::string set_cookie(std::string_view name, std::string_view value, bool secure,
                       std::string_view path, bool expire) {
  return fmt::format("{}={}; Path={}; HttpOnly; SameSite=Lax{}{}", name, value, path,
                     secure ? "; Secure" : "", expire ? "; Max-Age=0" : "");
}

bool secure_context(const PanelState& state, const http::Request& request) {
  if (request.tls) return true;
  // Behind a TLS-terminating proxy the public address says https.
  return state.config()->panel.public_url.starts_with("https://");
}

http::Response html_response(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = {
      {"Cache-Control", "no-store"},
      {"Referrer-Policy", "no-referrer"},
      // No scripts at all; styles inline. The panel may be framed by the school's MIS.
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'"},
  };
  return r;
}

http::Response redirect(std::string_view location, int status) {
  http::Response r;
  r.status = status;
  r.headers = {{"Location", std::string(location)}, {"Cache-Control", "no-store"}};
  return r;
}

std::string safe_next(std::string_view next) {
  // Only our own pages: "/panel/..." with no scheme-relative or backslash tricks.
  if (next.starts_with("/panel/") && next.find("//") == std::string_view::npos &&
      next.find('\\') == std::string_view::npos) {
    return std::string(next);
  }
  return "/panel/";
}

namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

struct Signed {
  PanelSession session;
  std::shared_ptr<const StaffIdentity> identity;  // shared with the cache: no copy a request
  std::int64_t generation = 0;
};

http::Response json_response(int status, std::string text) {
  auto r = http::Response::json(status, std::move(text));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

bool wants_json(const http::Request& request) {
  return request.path.starts_with("/panel/api/");
}

// Who is asking, or the response that tells them to sign in.
std::expected<Signed, http::Response> signed_in(PanelState& state, const http::Request& request) {
  if (!secure_context(state, request) && !http::is_loopback(request.remote_address)) {
    return std::unexpected(html_response(
        403,
        "<!DOCTYPE html><title>HTTPS needed</title><p>The careers panel carries pupils' "
        "records and is served over HTTPS only: set [serve] tls_cert_file and tls_key_file, "
        "or put careerlink behind a TLS proxy and set [panel] public_url to its https:// "
        "address.</p>"));
  }
  const TimePoint now = state.now();
  auto [generation, changed] = state.current_generation();
  auto session = state.sessions.find(cookie_value(request, kSessionCookie), now, changed);
  if (!session) {
    if (wants_json(request)) {
      return std::unexpected(json_response(401, R"({"error":"sign in at /panel/login"})"));
    }
    return std::unexpected(
        redirect("/panel/login?next=" + url_encode(safe_next(request.target)), 302));
  }
  Signed s{std::move(*session), {}, generation};
  {
    std::lock_guard lock(state.cache_mutex);
    auto it = state.identities.find(s.session.email);
    if (it != state.identities.end() && it->second.first == generation) {
      s.identity = it->second.second;
      return s;
    }
  }
  auto identity = state.store.with([&](Store& st) -> StoreResult<StaffIdentity> {
    auto account = st.find_staff_account(s.session.email);
    if (!account) return std::unexpected(account.error());
    auto assignments = st.staff_assignments(s.session.email);
    if (!assignments) return std::unexpected(assignments.error());
    return resolve_identity(s.session.email, *account, *assignments);
  });
  if (!identity) {
    spdlog::error("panel: reading staff access: {}", identity.error().message);
    return std::unexpected(html_response(500, "<p>careerlink could not read its store.</p>"));
  }
  s.identity = std::make_shared<const StaffIdentity>(std::move(*identity));
  std::lock_guard lock(state.cache_mutex);
  state.identities[s.session.email] = {generation, s.identity};
  return s;
}

void audit_view(PanelState& state, const Signed& who, const http::Request& request,
                std::string action, std::string object, std::string detail = {}) {
  state.audit.record(AuditEvent{0, state.now(), who.identity->email, std::move(action),
                                std::move(object), request.remote_address, std::move(detail)});
}

http::Response forbidden(const Signed& who, const http::Request& request, std::string_view what) {
  if (wants_json(request)) return json_response(403, R"({"error":"not one of your pupils"})");
  Viewer v{who.identity.get(), who.session.csrf_token};
  return html_response(
      403, problem_page(v, "Not one of your pupils",
                        fmt::format("You can see {} only if they are in a group you look after. "
                                    "If that is wrong, ask the careers leader to check the MIS "
                                    "staff export or your careerlink role.",
                                    what)));
}

http::Response not_found(const Signed& who, const http::Request& request, std::string_view text) {
  if (wants_json(request)) return json_response(404, R"({"error":"not found"})");
  Viewer v{who.identity.get(), who.session.csrf_token};
  return html_response(404, problem_page(v, "Not found", text));
}

http::Response store_failed(std::string_view what, const StoreError& e) {
  spdlog::error("panel: {}: {}", what, e.message);
  return html_response(500,
                       "<p>careerlink could not read or write its store; the service log "
                       "says why.</p>");
}

// The school a request means: ?school=URN, else the only school the viewer has.
std::optional<std::string> school_of(const http::Request& request, const StaffIdentity& who) {
  if (auto s = request.query_param("school"); s && !s->empty()) return std::string(*s);
  std::vector<std::string> schools;
  for (const auto& r : who.reach) {
    if (std::ranges::find(schools, r.school_urn) == schools.end()) schools.push_back(r.school_urn);
  }
  if (schools.size() == 1) return schools.front();
  return std::nullopt;
}

using Rows = std::shared_ptr<const std::vector<PupilRow>>;

// The rows of a list (a group, a school) at this generation, read once and shared.
StoreResult<Rows> cached_rows(PanelState& state, std::int64_t generation, const std::string& key,
                              const PupilFilter& filter) {
  {
    std::lock_guard lock(state.cache_mutex);
    auto it = state.lists.find(key);
    if (it != state.lists.end() && it->second.generation == generation) return it->second.rows;
  }
  auto rows = state.store.with([&](Store& st) -> StoreResult<std::vector<PupilRow>> {
    auto pupils = st.list_pupils(filter);
    if (!pupils) return std::unexpected(pupils.error());
    std::erase_if(*pupils, [](const PupilView& p) { return !p.on_roll; });
    return pupil_rows(st, *pupils);
  });
  if (!rows) return std::unexpected(rows.error());
  auto shared = std::make_shared<const std::vector<PupilRow>>(std::move(*rows));
  std::lock_guard lock(state.cache_mutex);
  if (state.lists.size() > 512) state.lists.clear();  // bounded: a trust has a few hundred groups
  auto& entry = state.lists[key];
  if (entry.generation != generation || !entry.rows) {
    entry = PanelState::CachedList{generation, shared, {}};
  }
  return entry.rows;
}

// A page body rendered from a cached list: once per generation and `variant` (the filter).
std::shared_ptr<const std::string> cached_body(PanelState& state, std::int64_t generation,
                                               const std::string& key, const std::string& variant,
                                               const std::function<std::string()>& render) {
  {
    std::lock_guard lock(state.cache_mutex);
    auto it = state.lists.find(key);
    if (it != state.lists.end() && it->second.generation == generation) {
      if (auto b = it->second.bodies.find(variant); b != it->second.bodies.end()) return b->second;
    }
  }
  auto body = std::make_shared<const std::string>(render());
  std::lock_guard lock(state.cache_mutex);
  auto it = state.lists.find(key);
  if (it != state.lists.end() && it->second.generation == generation &&
      it->second.bodies.size() < 64) {
    it->second.bodies[variant] = body;
  }
  return body;
}

StoreResult<std::optional<SchoolId>> school_id(PanelState& state, std::int64_t generation,
                                               const std::string& urn) {
  {
    std::lock_guard lock(state.cache_mutex);
    auto it = state.school_ids.find(urn);
    if (it != state.school_ids.end() && it->second.first == generation) return it->second.second;
  }
  auto school = state.store.with([&](Store& st) { return st.find_school(urn); });
  if (!school) return std::unexpected(school.error());
  std::optional<SchoolId> id;
  if (*school) id = (*school)->id;
  std::lock_guard lock(state.cache_mutex);
  if (state.school_ids.size() > 1024) state.school_ids.clear();
  state.school_ids[urn] = {generation, id};
  return id;
}

http::Response my_groups(PanelState& state, const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return who.error();
  audit_view(state, *who, request, "panel.view", "panel:home");
  return html_response(200, my_groups_page(Viewer{who->identity.get(), who->session.csrf_token}));
}

http::Response group(PanelState& state, const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return who.error();
  const std::string name(request.query_param("name").value_or(""));
  const auto urn = school_of(request, *who->identity);
  if (name.empty() || !urn) {
    return not_found(*who, request,
                     "Say which group: /panel/group?name=10A (and &school=URN "
                     "when you look after more than one school).");
  }
  const bool tutor_or_whole_school = who->identity->may_see_group(*urn, name);
  if (!tutor_or_whole_school && !who->identity->has(Role::head_of_year, *urn)) {
    return forbidden(*who, request, "this group");
  }
  auto id = school_id(state, who->generation, *urn);
  if (!id) return store_failed("school", id.error());
  if (!*id) return not_found(*who, request, "careerlink holds no school with that URN.");
  PupilFilter filter;
  filter.school = **id;
  filter.group = name;
  const std::string key = "group:" + *urn + ":" + name;
  auto rows = cached_rows(state, who->generation, key, filter);
  if (!rows) return store_failed("group", rows.error());
  const auto& list = **rows;
  // A head of year sees a tutor group whose pupils are all in their year(s).
  if (!tutor_or_whole_school && (list.empty() || !std::ranges::all_of(list, [&](const PupilRow& r) {
                                   return who->identity->may_see_pupil(r.pupil);
                                 }))) {
    return forbidden(*who, request, "this group");
  }
  auto body = cached_body(state, who->generation, key, "", [&] { return group_body(name, list); });
  audit_view(state, *who, request, "panel.view_group", key, fmt::format("{} pupils", list.size()));
  return html_response(
      200, group_page(Viewer{who->identity.get(), who->session.csrf_token}, name, *body));
}

http::Response school(PanelState& state, const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return who.error();
  const auto urn = school_of(request, *who->identity);
  if (!urn) return not_found(*who, request, "Say which school: /panel/school?school=URN.");
  SchoolFilter f{std::string(request.query_param("year").value_or("")),
                 std::string(request.query_param("rag").value_or("")),
                 std::string(request.query_param("flag").value_or(""))};
  const bool whole = who->identity->whole_school(*urn);
  if (!whole && (f.year.empty() || !who->identity->may_see_year(*urn, f.year))) {
    if (f.year.empty() && who->identity->has(Role::head_of_year, *urn)) {
      // A head of year's whole school is their year(s): send them to the first.
      for (const auto& r : who->identity->reach) {
        if (r.role == Role::head_of_year && r.school_urn == *urn) {
          return redirect(
              "/panel/school?school=" + url_encode(*urn) + "&year=" + url_encode(r.scope), 302);
        }
      }
    }
    return forbidden(*who, request, "this part of the school");
  }
  auto id = school_id(state, who->generation, *urn);
  if (!id) return store_failed("school", id.error());
  if (!*id) return not_found(*who, request, "careerlink holds no school with that URN.");
  PupilFilter filter;
  filter.school = **id;
  if (!f.year.empty()) filter.nc_year = f.year;
  const std::string key = "school:" + *urn + ":" + f.year;
  auto rows = cached_rows(state, who->generation, key, filter);
  if (!rows) return store_failed("school", rows.error());
  auto body = cached_body(state, who->generation, key, f.rag + "|" + f.flag, [&] {
    std::vector<PupilRow> shown;
    for (const auto& r : **rows) {
      if (!f.rag.empty() && rules::to_string(r.rag) != f.rag) continue;
      if (!f.flag.empty() &&
          std::ranges::none_of(r.flags, [&](const StoredFlag& fl) { return fl.kind == f.flag; })) {
        continue;
      }
      shown.push_back(r);
    }
    return school_body(*urn, f, shown);
  });
  audit_view(state, *who, request, "panel.view_school", "school:" + *urn,
             fmt::format("year={} rag={} flag={}", f.year, f.rag, f.flag));
  return html_response(
      200, school_page(Viewer{who->identity.get(), who->session.csrf_token}, *urn, *body));
}

// The Benchmark 8 report (daemon/report), for the careers leader: the same self-contained page
// `careerlink report b8 --format html` writes, as of today.
http::Response b8_report(PanelState& state, const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return who.error();
  const auto urn = school_of(request, *who->identity);
  if (!urn) return not_found(*who, request, "Say which school: /panel/report/b8?school=URN.");
  if (!who->identity->has(Role::careers_leader, *urn)) {
    return forbidden(*who, request, "this school's Benchmark 8 report");
  }
  const auto config = state.config();
  const auto as_of = followup::local_date(*config, state.now());
  auto report = state.store.with([&](Store& st) { return report::load_b8(st, *urn, as_of); });
  if (!report) {
    if (report.error().kind == report::LoadError::Kind::unknown_school) {
      return not_found(*who, request, "careerlink holds no school with that URN.");
    }
    spdlog::error("panel: B8 report: {}", report.error().message);
    return html_response(500, "<p>careerlink could not work out the report; the log says why.</p>");
  }
  audit_view(state, *who, request, "report.b8", "school:" + *urn, "panel");
  return html_response(200, report::render_b8_html(*report));
}

// The pupil a request names, if the viewer may see them.
std::expected<PupilView, http::Response> visible_pupil(PanelState& state, const Signed& who,
                                                       const http::Request& request,
                                                       std::string_view upn) {
  if (upn.empty()) {
    return std::unexpected(not_found(who, request, "Say which pupil: /panel/pupil?upn=<UPN>."));
  }
  auto pupil = state.store.with([&](Store& st) { return st.find_pupil(upn); });
  if (!pupil) return std::unexpected(store_failed("pupil", pupil.error()));
  // An unknown UPN and someone else's pupil answer alike to a tutor, so the panel does not
  // tell who is on roll; whole-school staff get the honest 404.
  if (!*pupil) {
    if (!who.identity->schools().empty() &&
        std::ranges::any_of(who.identity->schools(),
                            [&](const std::string& u) { return who.identity->whole_school(u); })) {
      return std::unexpected(not_found(who, request, "careerlink holds no pupil with that UPN."));
    }
    return std::unexpected(forbidden(who, request, "this pupil"));
  }
  if (!who.identity->may_see_pupil(**pupil)) {
    return std::unexpected(forbidden(who, request, "this pupil"));
  }
  return std::move(**pupil);
}

http::Response pupil(PanelState& state, const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return who.error();
  auto p = visible_pupil(state, *who, request, request.query_param("upn").value_or(""));
  if (!p) return p.error();
  auto record = state.store.with([&](Store& st) { return pupil_record(st, *p); });
  if (!record) return store_failed("pupil record", record.error());
  audit_view(state, *who, request, "panel.view_pupil", "pupil:" + p->upn,
             wants_json(request) ? "json" : "");
  if (wants_json(request)) return json_response(200, pupil_record_json(*record).dump());
  std::string message;
  if (auto done = request.query_param("saved")) {
    message = *done == "note" ? "Note saved."
                              : "Action updated. The school's MIS gets the change "
                                "at its next write-back.";
  }
  return html_response(
      200, pupil_page(Viewer{who->identity.get(), who->session.csrf_token}, *record, message));
}

// A state-changing request: signed in, the session's CSRF token, and the pupil in scope.
struct Change {
  Signed who;
  PupilView pupil;
  Form form;
};
std::expected<Change, http::Response> change_request(PanelState& state,
                                                     const http::Request& request) {
  auto who = signed_in(state, request);
  if (!who) return std::unexpected(who.error());
  Form form = parse_form(request.body);
  const std::string csrf = form_value(form, "csrf");
  if (csrf.empty() || csrf != who->session.csrf_token) {
    return std::unexpected(html_response(
        400, problem_page(Viewer{who->identity.get(), who->session.csrf_token}, "Form expired",
                          "This form is out of date (or came from another site). Go back, "
                          "reload the page and try again.")));
  }
  auto p = visible_pupil(state, *who, request, form_value(form, "upn"));
  if (!p) return std::unexpected(p.error());
  return Change{std::move(*who), std::move(*p), std::move(form)};
}

// Runs a tutor's change in one transaction on the panel's connection.
template <class F>
StoreResult<typename std::invoke_result_t<F, Store&, StoreTransaction&,
                                          const followup::SyncContext&>::value_type>
in_change(PanelState& state, F&& f) {
  auto config = state.config();
  const auto sinks = followup::writeback_sinks(*config);
  const auto context = followup::sync_context(*config, sinks, state.now());
  auto result = state.store.with(
      [&](Store& st) -> StoreResult<typename std::invoke_result_t<
                         F, Store&, StoreTransaction&, const followup::SyncContext&>::value_type> {
        auto tx = st.begin();
        if (!tx) return std::unexpected(tx.error());
        auto r = f(st, **tx, context);
        if (!r) return r;
        if (auto c = (*tx)->commit(); !c) return std::unexpected(c.error());
        return r;
      });
  ++state.own_writes;
  return result;
}

http::Response tick(PanelState& state, const http::Request& request) {
  auto c = change_request(state, request);
  if (!c) return c.error();
  const std::string action = form_value(c->form, "action");
  const std::string status = form_value(c->form, "status");
  if (status != "done" && status != "dropped" && status != "open") {
    return html_response(400, problem_page(Viewer{c->who.identity.get(), c->who.session.csrf_token},
                                           "Not a status", "An action is open, done or dropped."));
  }
  const followup::StaffChange by{c->who.identity->email, request.remote_address};
  auto outcome = in_change(state, [&](Store& st, StoreTransaction& tx,
                                      const followup::SyncContext& context) {
    return followup::tick_action(st, tx, c->pupil.id, c->pupil.upn, action, status, by, context);
  });
  if (!outcome) return store_failed("tick", outcome.error());
  if (*outcome == followup::TickOutcome::no_such_action) {
    return not_found(c->who, request,
                     "That action is not in the pupil's current plan (the adviser may have sent "
                     "a new version). Reload the pupil's page.");
  }
  return redirect("/panel/pupil?upn=" + url_encode(c->pupil.upn) + "&saved=action");
}

http::Response note(PanelState& state, const http::Request& request) {
  auto c = change_request(state, request);
  if (!c) return c.error();
  std::string text = form_value(c->form, "text");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos || text.size() > 4000) {
    return html_response(
        400,
        problem_page(Viewer{c->who.identity.get(), c->who.session.csrf_token}, "Note not saved",
                     "A note needs some words, and at most 4,000 characters."));
  }
  const followup::StaffChange by{c->who.identity->email, request.remote_address};
  auto id =
      in_change(state, [&](Store& st, StoreTransaction& tx, const followup::SyncContext& context) {
        return followup::add_note(st, tx, c->pupil.id, c->pupil.upn, text, by, context);
      });
  if (!id) return store_failed("note", id.error());
  return redirect("/panel/pupil?upn=" + url_encode(c->pupil.upn) + "&saved=note");
}

}  // namespace

std::shared_ptr<void> add_panel_routes(http::Router& router, PanelOptions options) {
  auto state = std::make_shared<PanelState>(std::move(options));
  const auto& panel = state->config()->panel;
  state->sessions.set_limits(std::chrono::minutes(panel.session_idle_minutes),
                             std::chrono::hours(panel.session_max_hours));
  auto get = [&](std::string path, http::Response (*handler)(PanelState&, const http::Request&)) {
    router.add("GET", std::move(path), http::Access::public_,
               [state, handler](const http::Request& r) { return handler(*state, r); });
  };
  get("/panel/", my_groups);
  get("/panel/group", group);
  get("/panel/school", school);
  get("/panel/pupil", pupil);
  get("/panel/api/pupil", pupil);
  get("/panel/report/b8", b8_report);
  router.add("GET", "/panel", http::Access::public_,
             [](const http::Request&) { return redirect("/panel/", 301); });
  router.add("POST", "/panel/pupil/action", http::Access::public_,
             [state](const http::Request& r) { return tick(*state, r); });
  router.add("POST", "/panel/pupil/note", http::Access::public_,
             [state](const http::Request& r) { return note(*state, r); });
  add_sign_in_routes(router, state);
  return state;
}

}  // namespace careerlink::panel
