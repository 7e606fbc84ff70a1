// Signing in and out: e-mail and password (local accounts), or the school's OpenID Connect
// provider (authorization code flow with PKCE). Either way a member of staff must be known to
// careerlink: a careerlink account, or a staff record in the MIS export with that e-mail.
#include <spdlog/spdlog.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "plugins/panel/auth/password_hash.hpp"
#include "plugins/panel/auth/pkce.hpp"
#include "plugins/panel/auth/random_token.hpp"
#include "plugins/panel/pages.hpp"
#include "plugins/panel/panel_state.hpp"

namespace careerlink::panel {
namespace {

constexpr int kMaxFailures = 5;  // then the account waits kLockFor (guessing stays slow)
constexpr std::chrono::minutes kLockFor{15};
constexpr std::chrono::minutes kSignInWindow{10};  // to come back from the identity provider
constexpr std::size_t kMaxPending = 10'000;

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string oidc_label(PanelState& state) {
  const auto& oidc = state.config()->panel.oidc;
  return oidc.issuer.empty() ? std::string{} : oidc.label;
}

http::Response sign_in_form(PanelState& state, const http::Request& request, std::string_view next,
                            std::string_view error, int status = 200) {
  // The sign-in form's CSRF token is bound to this browser by a cookie (double submit), so
  // another site cannot sign a member of staff in as someone else.
  std::string token = cookie_value(request, kLoginCookie);
  if (token.size() != 43) token = auth::random_token(32);
  auto r = html_response(status, sign_in_page(next, error, state.config()->panel.local_accounts,
                                              oidc_label(state), token));
  r.headers.emplace_back(
      "Set-Cookie", set_cookie(kLoginCookie, token, secure_context(state, request), "/panel/"));
  return r;
}

// Starts a session for someone careerlink knows, or says why it cannot.
http::Response start_session(PanelState& state, const http::Request& request,
                             const std::string& email, std::string_view method,
                             std::string_view next) {
  auto known = state.store.with([&](Store& st) -> StoreResult<bool> {
    auto account = st.find_staff_account(email);
    if (!account) return std::unexpected(account.error());
    if (*account) return !(*account)->disabled;
    return st.is_mis_staff(email);
  });
  if (!known) return html_response(500, "<p>careerlink could not read its store.</p>");
  const TimePoint now = state.now();
  if (!*known) {
    state.audit.record(AuditEvent{0, now, email, "panel.sign_in_refused", "staff:" + email,
                                  request.remote_address, std::string(method)});
    return sign_in_form(state, request, next,
                        "careerlink does not know this account. Staff are matched to the MIS "
                        "staff list by e-mail address; ask the careers leader or IT to add you.",
                        403);
  }
  auto created = state.sessions.create(email, method, request.remote_address, now);
  if (!created) return html_response(500, "<p>careerlink could not start a session.</p>");
  state.audit.record(AuditEvent{0, now, email, "panel.sign_in", "staff:" + email,
                                request.remote_address, std::string(method)});
  auto r = redirect(safe_next(next));
  const bool secure = secure_context(state, request);
  r.headers.emplace_back("Set-Cookie",
                         set_cookie(kSessionCookie, created->cookie_value, secure, "/panel/"));
  r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, "", secure, "/panel/", true));
  return r;
}

http::Response login_page(PanelState& state, const http::Request& request) {
  return sign_in_form(state, request, safe_next(request.query_param("next").value_or("/panel/")),
                      {});
}

http::Response login(PanelState& state, const http::Request& request) {
  const auto form = parse_form(request.body);
  const std::string next = safe_next(form_value(form, "next"));
  const std::string token = cookie_value(request, kLoginCookie);
  if (token.empty() || form_value(form, "csrf") != token) {
    return sign_in_form(state, request, next, "The sign-in form expired. Please try again.", 400);
  }
  if (!state.config()->panel.local_accounts) {
    return sign_in_form(state, request, next, "Sign in with your school account.", 403);
  }
  const std::string email = lower(form_value(form, "email"));
  const std::string password = form_value(form, "password");
  const TimePoint now = state.now();
  auto account = state.store.with([&](Store& st) { return st.find_staff_account(email); });
  if (!account) return html_response(500, "<p>careerlink could not read its store.</p>");
  const bool locked = *account && (*account)->locked_until && *(*account)->locked_until > now;
  // An unknown e-mail costs the same KDF run as a wrong password, so timing tells nothing.
  static const std::string dummy = auth::hash_password(auth::random_token(16));
  const std::string& stored =
      (*account && (*account)->password_hash) ? *(*account)->password_hash : dummy;
  const bool ok = auth::verify_password(password, stored) && *account &&
                  (*account)->password_hash && !(*account)->disabled && !locked;
  if (*account) {
    (void)state.store.with(
        [&](Store& st) { return st.note_sign_in(email, ok, now, kMaxFailures, kLockFor); });
  }
  if (!ok) {
    state.audit.record(AuditEvent{0, now, email.empty() ? "(none)" : email, "panel.sign_in_failed",
                                  "staff:" + email, request.remote_address,
                                  locked ? "locked" : "password"});
    return sign_in_form(state, request, next,
                        locked ? "Too many wrong passwords: this account is locked for 15 "
                                 "minutes. An administrator can reset it with `careerlink users "
                                 "reset`."
                               : "That e-mail address and password do not match.",
                        401);
  }
  return start_session(state, request, email, "password", next);
}

http::Response logout(PanelState& state, const http::Request& request) {
  const std::string cookie = cookie_value(request, kSessionCookie);
  const auto form = parse_form(request.body);
  auto session = state.sessions.find(cookie, state.now(), false);
  if (session && form_value(form, "csrf") == session->csrf_token) {
    state.sessions.end(cookie);
    state.audit.record(AuditEvent{0, state.now(), session->email, "panel.sign_out",
                                  "staff:" + session->email, request.remote_address, ""});
  }
  auto r = redirect("/panel/login");
  r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, "",
                                                  secure_context(state, request), "/panel/", true));
  return r;
}

// The OIDC client, made on first use from the config in force.
auth::OidcClient* oidc_client(PanelState& state, std::string& why) {
  std::lock_guard lock(state.oidc_mutex);
  if (state.oidc) return state.oidc.get();
  const auto config = state.config();
  const auto& o = config->panel.oidc;
  if (o.issuer.empty() || o.client_id.empty()) {
    why = "Sign-in with a school account is not set up ([panel.oidc] issuer and client_id).";
    return nullptr;
  }
  auth::OidcOptions options;
  options.issuer = o.issuer;
  options.client_id = o.client_id;
  options.client_secret = state.oidc_client_secret;
  options.redirect_uri = panel_public_url(*config) + "/panel/oidc/callback";
  options.http.ca_bundle = o.ca_file;
  options.http.verify_tls = o.verify_tls;
  auto client = auth::OidcClient::create(std::move(options));
  if (!client) {
    spdlog::error("panel: [panel.oidc]: {}", client.error());
    why = "Sign-in with a school account is misconfigured; the service log says why.";
    return nullptr;
  }
  state.oidc = std::move(*client);
  return state.oidc.get();
}

http::Response oidc_start(PanelState& state, const http::Request& request) {
  const std::string next = safe_next(request.query_param("next").value_or("/panel/"));
  std::string why;
  auto* client = oidc_client(state, why);
  if (client == nullptr) return sign_in_form(state, request, next, why, 503);
  const std::string sign_in_state = auth::random_token(32);
  const std::string nonce = auth::random_token(32);
  const auth::Pkce pkce = auth::make_pkce();
  // An MIS deep link may pass the member of staff's e-mail, so the provider can skip asking.
  const std::string hint(request.query_param("login_hint").value_or(""));
  auto url = client->authorization_url(sign_in_state, nonce, pkce.challenge, hint);
  if (!url) {
    spdlog::warn("panel: OIDC provider: {}", url.error());
    return sign_in_form(state, request, next,
                        "The school's sign-in service cannot be reached just now; try again "
                        "shortly or use a careerlink password.",
                        502);
  }
  const TimePoint now = state.now();
  {
    std::lock_guard lock(state.oidc_mutex);
    std::erase_if(state.pending,
                  [&](const auto& p) { return now - p.second.started > kSignInWindow; });
    if (state.pending.size() >= kMaxPending) state.pending.erase(state.pending.begin());
    state.pending[sign_in_state] = PendingSignIn{nonce, pkce.verifier, next, now};
  }
  auto r = redirect(*url, 302);
  // Binds the sign-in to this browser: the callback must come back with the same cookie.
  r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, sign_in_state,
                                                  secure_context(state, request), "/panel/"));
  return r;
}

http::Response oidc_callback(PanelState& state, const http::Request& request) {
  const std::string sign_in_state(request.query_param("state").value_or(""));
  const TimePoint now = state.now();
  std::optional<PendingSignIn> pending;
  {
    std::lock_guard lock(state.oidc_mutex);
    auto it = state.pending.find(sign_in_state);
    if (it != state.pending.end()) {
      pending = std::move(it->second);
      state.pending.erase(it);  // single use: a replayed callback finds nothing
    }
  }
  auto refuse = [&](std::string_view log, std::string_view words) {
    spdlog::warn("panel: OIDC sign-in refused from {}: {}", request.remote_address, log);
    state.audit.record(AuditEvent{0, now, "(unknown)", "panel.sign_in_failed", "oidc",
                                  request.remote_address, std::string(log)});
    return sign_in_form(state, request, pending ? pending->next : "/panel/", words, 401);
  };
  if (!pending || now - pending->started > kSignInWindow) {
    return refuse("unknown, used or expired state",
                  "That sign-in has expired or was already "
                  "used. Please sign in again.");
  }
  if (cookie_value(request, kLoginCookie) != sign_in_state) {
    return refuse("state not bound to this browser", "Please sign in again from this browser.");
  }
  if (auto error = request.query_param("error")) {
    return refuse(fmt::format("provider answered {}", *error),
                  "The school's sign-in service did not sign you in.");
  }
  const std::string code(request.query_param("code").value_or(""));
  std::string why;
  auto* client = oidc_client(state, why);
  if (client == nullptr || code.empty()) return refuse("no code or no client", why);
  auto claims = client->redeem(code, pending->verifier, pending->nonce, now);
  if (!claims) return refuse(claims.error(), "The school's sign-in could not be checked.");
  if (auto problem = untrusted_email(*claims))
    return refuse(*problem,
                  "Your school account's "
                  "e-mail address cannot be trusted "
                  "for sign-in; ask IT.");
  if (claims->email.empty()) {
    return refuse("ID token has no e-mail",
                  "Your school account has no e-mail address that "
                  "careerlink can match to the MIS staff list.");
  }
  return start_session(state, request, lower(claims->email), "oidc", pending->next);
}

}  // namespace

// Why the e-mail in a verified ID token still may not name a member of staff, if it may not.
// Staff are matched by e-mail, so the address must be one the school's own directory vouches for:
// with Google, a Workspace account (`hd`) whose verified address is in that domain (a consumer
// Google account could otherwise carry any address); with Entra ID, the configured issuer is the
// school's own tenant (checked exactly), whose administrators own the addresses in it.
std::optional<std::string> untrusted_email(const auth::IdTokenClaims& c) {
  const bool google =
      c.issuer == "https://accounts.google.com" || c.issuer == "accounts.google.com";
  if (!google) return std::nullopt;
  if (!c.email_verified) return "Google account e-mail not verified";
  if (c.hosted_domain.empty()) return "not a Google Workspace account (no hd claim)";
  const std::string at = "@" + lower(c.hosted_domain);
  if (!lower(c.email).ends_with(at)) return "e-mail outside the Workspace domain " + at;
  return std::nullopt;
}

void add_sign_in_routes(http::Router& router, const std::shared_ptr<PanelState>& state) {
  router.add("GET", "/panel/login", http::Access::public_,
             [state](const http::Request& r) { return login_page(*state, r); });
  router.add("POST", "/panel/login", http::Access::public_,
             [state](const http::Request& r) { return login(*state, r); });
  router.add("POST", "/panel/logout", http::Access::public_,
             [state](const http::Request& r) { return logout(*state, r); });
  router.add("GET", "/panel/oidc/start", http::Access::public_,
             [state](const http::Request& r) { return oidc_start(*state, r); });
  router.add("GET", "/panel/oidc/callback", http::Access::public_,
             [state](const http::Request& r) { return oidc_callback(*state, r); });
}

}  // namespace careerlink::panel
