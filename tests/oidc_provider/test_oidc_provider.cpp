#include "tests/oidc_provider/test_oidc_provider.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "daemon/http/server/http_server.hpp"
#include "daemon/metrics/metrics.hpp"
#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/form_encoding.hpp"
#include "plugins/panel/auth/pkce.hpp"
#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::test {
namespace {

namespace auth = panel::auth;
using http::Request;
using http::Response;
using std::chrono::system_clock;

constexpr std::pair<TokenFault, std::string_view> kFaultNames[] = {
    {TokenFault::none, "none"},
    {TokenFault::bad_signature, "bad_signature"},
    {TokenFault::wrong_audience, "wrong_audience"},
    {TokenFault::wrong_issuer, "wrong_issuer"},
    {TokenFault::expired, "expired"},
    {TokenFault::nonce_altered, "nonce_altered"},
    {TokenFault::unknown_kid, "unknown_kid"},
    {TokenFault::alg_none, "alg_none"},
    {TokenFault::hs256_with_public_key, "hs256_with_public_key"},
};

struct CodeGrant {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  std::string nonce;
  TestUser user;
  system_clock::time_point expires;
};

Response oauth_error(int status, std::string_view error, std::string_view description) {
  auto r = Response::json(
      status, nlohmann::json{{"error", error}, {"error_description", description}}.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response redirect(const std::string& location) {
  Response r;
  r.status = 302;
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::int64_t epoch(system_clock::time_point tp) {
  return std::chrono::duration_cast<std::chrono::seconds>(tp.time_since_epoch()).count();
}

bool iequal_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string new_kid() {
  return "test-" + auth::random_token(9);
}

}  // namespace

std::string_view to_string(TokenFault fault) {
  for (const auto& [f, name] : kFaultNames) {
    if (f == fault) return name;
  }
  return "?";
}

std::optional<TokenFault> parse_token_fault(std::string_view name) {
  for (const auto& [f, n] : kFaultNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

struct TestOidcProvider::State {
  TestOidcProviderOptions options;
  std::string issuer;

  mutable std::mutex mutex;               // guards everything below
  std::vector<TestSigningKey> published;  // back() signs
  TokenFault armed = TokenFault::none;
  std::map<std::string, CodeGrant, std::less<>> codes;
  Counters counters;

  std::optional<TestUser> user_for(std::string_view login_hint) const {
    for (const auto& u : options.users) {
      if (!login_hint.empty() && iequal_ascii(u.email, login_hint)) return u;
    }
    if (options.users.empty()) return std::nullopt;
    return options.users.front();
  }

  bool redirect_allowed(std::string_view uri) const {
    if (options.redirect_uris.empty())
      return uri.starts_with("http://") || uri.starts_with("https://");
    return std::find(options.redirect_uris.begin(), options.redirect_uris.end(), uri) !=
           options.redirect_uris.end();
  }

  Response discovery() {
    {
      std::lock_guard lock(mutex);
      ++counters.discovery;
    }
    nlohmann::json doc{
        {"issuer", issuer},
        {"authorization_endpoint", issuer + "/authorize"},
        {"token_endpoint", issuer + "/token"},
        {"jwks_uri", issuer + "/jwks"},
        {"response_types_supported", {"code"}},
        {"subject_types_supported", {"public"}},
        {"id_token_signing_alg_values_supported", {to_string(options.alg)}},
        {"scopes_supported", {"openid", "email", "profile"}},
        {"token_endpoint_auth_methods_supported", options.token_endpoint_auth_methods},
        {"code_challenge_methods_supported", {"S256"}},
        {"grant_types_supported", {"authorization_code"}},
        {"claims_supported",
         {"iss", "sub", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"}}};
    return Response::json(200, doc.dump());
  }

  Response jwks() {
    nlohmann::json keys = nlohmann::json::array();
    std::lock_guard lock(mutex);
    ++counters.jwks;
    for (const auto& k : published)
      keys.push_back(k.public_jwk());
    return Response::json(200, nlohmann::json{{"keys", keys}}.dump());
  }

  Response authorize(const Request& req) {
    {
      std::lock_guard lock(mutex);
      ++counters.authorize;
    }
    auto param = [&](std::string_view name) {
      return std::string(req.query_param(name).value_or(""));
    };
    // Errors about the client or the redirect URI must not redirect (RFC 6749 4.1.2.1).
    if (param("client_id") != options.client_id) return Response::text(400, "unknown client_id\n");
    const std::string redirect_uri = param("redirect_uri");
    if (!redirect_allowed(redirect_uri))
      return Response::text(400, "redirect_uri is not registered for this client\n");
    const std::string state = param("state");
    auto fail = [&](std::string_view error, std::string_view description) {
      auth::FormFields fields{{"error", std::string(error)},
                              {"error_description", std::string(description)}};
      if (!state.empty()) fields.emplace_back("state", state);
      return redirect(auth::append_query(redirect_uri, fields));
    };
    if (param("response_type") != "code")
      return fail("unsupported_response_type", "only response_type=code");
    const std::string challenge = param("code_challenge");
    if (challenge.empty() || param("code_challenge_method") != "S256")
      return fail("invalid_request", "PKCE with code_challenge_method=S256 is required");
    const std::string scope = " " + param("scope") + " ";
    if (scope.find(" openid ") == std::string::npos)
      return fail("invalid_scope", "the openid scope is required");
    auto user = user_for(param("login_hint"));
    if (!user) return fail("access_denied", "no test users are configured");

    std::string code = auth::random_token(32);
    {
      std::lock_guard lock(mutex);
      codes[code] = {options.client_id, redirect_uri, challenge,
                     param("nonce"),    *user,        system_clock::now() + options.code_lifetime};
    }
    auth::FormFields fields{{"code", code}};
    if (!state.empty()) fields.emplace_back("state", state);
    return redirect(auth::append_query(redirect_uri, fields));
  }

  // Client authentication: exactly one of client_secret_basic and client_secret_post.
  std::optional<Response> authenticate_client(const Request& req, const auth::FormFields& form,
                                              std::string& client_id) {
    auto body_id = auth::form_value(form, "client_id");
    auto body_secret = auth::form_value(form, "client_secret");
    std::string id;
    std::string secret;
    auto header = req.headers.get("Authorization");
    const std::string_view method = header ? "client_secret_basic" : "client_secret_post";
    const auto& allowed = options.token_endpoint_auth_methods;
    if (std::find(allowed.begin(), allowed.end(), method) == allowed.end())
      return oauth_error(401, "invalid_client", std::string(method) + " is not accepted here");
    if (header) {
      if (body_secret)
        return oauth_error(400, "invalid_request", "more than one client authentication");
      if (!header->starts_with("Basic "))
        return oauth_error(401, "invalid_client", "unsupported Authorization scheme");
      auto decoded = auth::base64_decode_unpadded(
          std::string(header->substr(6, header->find_last_not_of('=') - 5)));
      const auto colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos)
        return oauth_error(401, "invalid_client", "malformed Basic credentials");
      auto user = auth::form_decode("u=" + decoded->substr(0, colon));
      auto pass = auth::form_decode("p=" + decoded->substr(colon + 1));
      if (!user || !pass) return oauth_error(401, "invalid_client", "malformed Basic credentials");
      id = user->front().second;
      secret = pass->front().second;
    } else {
      id = body_id.value_or("");
      secret = body_secret.value_or("");
    }
    if (id != options.client_id || secret != options.client_secret)
      return oauth_error(401, "invalid_client", "client authentication failed");
    if (body_id && *body_id != id)
      return oauth_error(400, "invalid_request", "client_id does not match the credentials");
    client_id = id;
    return std::nullopt;
  }

  Response token(const Request& req) {
    {
      std::lock_guard lock(mutex);
      ++counters.token;
    }
    auto content_type = req.headers.get("Content-Type").value_or("");
    if (!content_type.starts_with("application/x-www-form-urlencoded"))
      return oauth_error(400, "invalid_request", "the body must be a form");
    auto form = auth::form_decode(req.body);
    if (!form) return oauth_error(400, "invalid_request", "malformed form body");
    std::string client_id;
    if (auto refused = authenticate_client(req, *form, client_id)) return *refused;
    if (auth::form_value(*form, "grant_type") != "authorization_code")
      return oauth_error(400, "unsupported_grant_type", "only authorization_code");

    // A presented code is spent whatever happens next: no second try with another verifier.
    std::optional<CodeGrant> grant;
    const std::string code = auth::form_value(*form, "code").value_or("");
    {
      std::lock_guard lock(mutex);
      if (auto it = codes.find(code); it != codes.end()) {
        grant = std::move(it->second);
        codes.erase(it);
      }
    }
    if (!grant) return oauth_error(400, "invalid_grant", "unknown or already used code");
    if (system_clock::now() > grant->expires)
      return oauth_error(400, "invalid_grant", "the code has expired");
    if (grant->client_id != client_id)
      return oauth_error(400, "invalid_grant", "the code was issued to another client");
    if (auth::form_value(*form, "redirect_uri") != grant->redirect_uri)
      return oauth_error(400, "invalid_grant",
                         "redirect_uri does not match the authorization request");
    const std::string verifier = auth::form_value(*form, "code_verifier").value_or("");
    if (!auth::valid_pkce_verifier(verifier) ||
        auth::pkce_challenge(verifier) != grant->code_challenge)
      return oauth_error(400, "invalid_grant", "PKCE verification failed");

    nlohmann::json response{{"access_token", auth::random_token(32)},
                            {"token_type", "Bearer"},
                            {"expires_in", options.token_lifetime.count()},
                            {"scope", "openid email profile"},
                            {"id_token", id_token(*grant)}};
    auto r = Response::json(200, response.dump());
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Pragma", "no-cache");
    return r;
  }

  std::string id_token(const CodeGrant& grant) {
    TokenFault fault = TokenFault::none;
    std::optional<TestSigningKey> key;
    {
      std::lock_guard lock(mutex);
      std::swap(fault, armed);
      key = published.back();
    }
    const auto now = system_clock::now();
    nlohmann::json claims{{"iss", issuer},
                          {"sub", "user-" + auth::sha256_hex(grant.user.email).substr(0, 20)},
                          {"aud", options.client_id},
                          {"azp", options.client_id},
                          {"iat", epoch(now)},
                          {"exp", epoch(now + options.token_lifetime)},
                          {"auth_time", epoch(now)},
                          {"email", grant.user.email},
                          {"email_verified", true},
                          {"preferred_username", grant.user.email}};
    if (!grant.user.name.empty()) claims["name"] = grant.user.name;
    if (!grant.nonce.empty()) claims["nonce"] = grant.nonce;
    switch (fault) {
      case TokenFault::wrong_audience:
        claims["aud"] = "some-other-client";
        claims.erase("azp");
        break;
      case TokenFault::wrong_issuer:
        claims["iss"] = "https://login.evil.example";
        break;
      case TokenFault::expired:
        claims["iat"] = epoch(now - std::chrono::hours(2));
        claims["exp"] = epoch(now - std::chrono::hours(1));
        break;
      case TokenFault::nonce_altered:
        claims["nonce"] = grant.nonce + "-altered";
        break;
      default:
        break;
    }
    const nlohmann::json header{{"typ", "JWT"}};
    switch (fault) {
      case TokenFault::bad_signature:
        return tamper_signature(key->sign(header, claims));
      case TokenFault::unknown_kid:
        return TestSigningKey::generate(options.alg, "unpublished-" + auth::random_token(6))
            .sign(header, claims);
      case TokenFault::alg_none:
        return unsigned_token({{"typ", "JWT"}, {"kid", key->kid()}}, claims);
      case TokenFault::hs256_with_public_key:
        return sign_hs256({{"typ", "JWT"}, {"kid", key->kid()}}, claims, key->public_pem());
      default:
        return key->sign(header, claims);
    }
  }

  std::string rotate(bool keep_old) {
    auto fresh = TestSigningKey::generate(options.alg, new_kid());
    std::lock_guard lock(mutex);
    if (!keep_old) published.clear();
    published.push_back(fresh);
    return fresh.kid();
  }
};

struct TestOidcProvider::Server {
  metrics::Registry registry;  // keeps the provider's request timings out of the global one
  std::unique_ptr<http::HttpServer> http;
};

std::expected<std::unique_ptr<TestOidcProvider>, std::string> TestOidcProvider::start(
    TestOidcProviderOptions options) {
  if (options.users.empty()) return std::unexpected(std::string("the test provider needs a user"));
  auto state = std::make_shared<State>();
  state->options = std::move(options);
  const auto& opts = state->options;
  try {
    state->published.push_back(TestSigningKey::generate(opts.alg, new_kid()));
  } catch (const std::exception& e) {
    return std::unexpected(std::string(e.what()));
  }

  http::Router router;
  using http::Access;
  router.add("GET", "/.well-known/openid-configuration", Access::public_,
             [state](const Request&) { return state->discovery(); });
  router.add("GET", "/jwks", Access::public_, [state](const Request&) { return state->jwks(); });
  router.add("GET", "/authorize", Access::public_,
             [state](const Request& r) { return state->authorize(r); });
  router.add("POST", "/token", Access::public_,
             [state](const Request& r) { return state->token(r); });
  router.add("POST", "/test/arm", Access::public_, [state](const Request& r) {
    auto fault = parse_token_fault(r.query_param("fault").value_or(""));
    if (!fault) return Response::text(400, "unknown fault\n");
    std::lock_guard lock(state->mutex);
    state->armed = *fault;
    return Response::text(200, std::string(to_string(*fault)) + "\n");
  });
  router.add("POST", "/test/rotate", Access::public_, [state](const Request& r) {
    return Response::text(200, state->rotate(r.query_param("keep_old") == "1") + "\n");
  });

  auto server = std::make_unique<Server>();
  const bool ipv6 = opts.issuer_host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + opts.issuer_host + "]" : opts.issuer_host;
  http::ServerOptions server_options;
  server_options.listen = host + ":" + std::to_string(opts.port);
  server_options.threads = 2;
  server_options.tls_cert_file = opts.tls_cert;
  server_options.tls_key_file = opts.tls_key;
  server_options.metrics = &server->registry;
  // Required by the server off loopback; the provider has no admin routes to protect.
  server_options.admin_token = auth::random_token(24);
  auto http_server = http::HttpServer::start(std::move(server_options), std::move(router));
  if (!http_server) return std::unexpected("test OIDC provider: " + http_server.error());
  server->http = std::move(*http_server);
  // Known only now that the port is bound; nothing can have asked before start() returns.
  const bool tls = server->http->tls();
  state->issuer = std::string(tls ? "https://" : "http://") + host + ":" +
                  std::to_string(server->http->local_endpoint().port);

  std::unique_ptr<TestOidcProvider> provider(new TestOidcProvider());
  provider->state_ = std::move(state);
  provider->server_ = std::move(server);
  return provider;
}

TestOidcProvider::~TestOidcProvider() {
  stop();
}

const std::string& TestOidcProvider::issuer() const {
  return state_->issuer;
}

std::uint16_t TestOidcProvider::port() const {
  return server_->http->local_endpoint().port;
}

void TestOidcProvider::arm(TokenFault fault) {
  std::lock_guard lock(state_->mutex);
  state_->armed = fault;
}

std::string TestOidcProvider::rotate_key(bool keep_old) {
  return state_->rotate(keep_old);
}

TestSigningKey TestOidcProvider::current_key() const {
  std::lock_guard lock(state_->mutex);
  return state_->published.back();
}

TestOidcProvider::Counters TestOidcProvider::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

void TestOidcProvider::stop() {
  if (server_ && server_->http) server_->http->stop(std::chrono::seconds(2));
}

}  // namespace careerlink::test
