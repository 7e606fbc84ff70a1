#include "plugins/panel/auth/oidc_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/form_encoding.hpp"
#include "plugins/panel/auth/jwks.hpp"
#include "plugins/panel/auth/pkce.hpp"
#include "plugins/panel/auth/token_response.hpp"

namespace careerlink::panel::auth {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxCodeBytes = 4096;

bool has_scope(std::string_view scopes, std::string_view wanted) {
  while (!scopes.empty()) {
    const auto space = scopes.find(' ');
    if (scopes.substr(0, space) == wanted) return true;
    if (space == std::string_view::npos) break;
    scopes.remove_prefix(space + 1);
  }
  return false;
}

std::string transport_hint(const http::HttpError& error) {
  if (error.kind == http::HttpErrorKind::tls_verify) {
    return "; the provider's certificate is not trusted: check the system CA store or the "
           "configured CA bundle (and any TLS-inspecting proxy)";
  }
  if (error.kind == http::HttpErrorKind::resolve || error.kind == http::HttpErrorKind::connect ||
      error.kind == http::HttpErrorKind::proxy) {
    return "; check this server's DNS, firewall and proxy settings for outbound HTTPS";
  }
  return "";
}

template <class T>
struct Cached {
  std::shared_ptr<const T> value;
  Clock::time_point fetched;
};

}  // namespace

struct OidcClient::Impl {
  OidcOptions options;
  std::unique_ptr<http::HttpClient> http;

  std::mutex fetch_mutex;  // one discovery/JWKS fetch at a time; others wait and reuse it
  std::mutex state_mutex;  // guards the fields below
  Cached<ProviderMetadata> metadata;
  Cached<Jwks> jwks;
  std::optional<Clock::time_point> last_unknown_kid_refetch;

  bool fresh(Clock::time_point fetched) const {
    return Clock::now() - fetched < options.cache_lifetime;
  }

  std::expected<std::string, std::string> get(const std::string& url, std::string_view what) {
    http::HttpRequest request;
    request.url = url;
    request.headers.push_back({"Accept", "application/json"});
    auto response = http->send(request);
    if (!response) {
      return std::unexpected("cannot fetch the provider's " + std::string(what) + " from " + url +
                             ": " + response.error().to_string() +
                             transport_hint(response.error()));
    }
    if (response->status != 200) {
      return std::unexpected("fetching the provider's " + std::string(what) + " from " + url +
                             " failed: HTTP " + std::to_string(response->status) + " " +
                             response->reason);
    }
    return std::move(response->body);
  }

  std::expected<std::shared_ptr<const ProviderMetadata>, std::string> metadata_snapshot() {
    {
      std::lock_guard lock(state_mutex);
      if (metadata.value && fresh(metadata.fetched)) return metadata.value;
    }
    std::lock_guard fetching(fetch_mutex);
    std::shared_ptr<const ProviderMetadata> stale;
    {
      std::lock_guard lock(state_mutex);
      if (metadata.value && fresh(metadata.fetched)) return metadata.value;
      stale = metadata.value;
    }
    const std::string url = discovery_url(options.issuer);
    auto body = get(url, "discovery document");
    auto parsed = body ? parse_provider_metadata(*body, options.issuer)
                       : std::expected<ProviderMetadata, std::string>(std::unexpect, body.error());
    if (!parsed) {
      if (stale) {
        spdlog::warn("OIDC: refreshing the discovery document failed, keeping the cached one: {}",
                     parsed.error());
        return stale;
      }
      return std::unexpected("OIDC discovery for " + options.issuer + " failed: " + parsed.error());
    }
    auto fresh_value = std::make_shared<const ProviderMetadata>(std::move(*parsed));
    spdlog::info("OIDC: discovered {} (authorization {}, token {}, keys {})", fresh_value->issuer,
                 fresh_value->authorization_endpoint, fresh_value->token_endpoint,
                 fresh_value->jwks_uri);
    std::lock_guard lock(state_mutex);
    metadata = {fresh_value, Clock::now()};
    return fresh_value;
  }

  // The JWKS to verify a token whose header names `kid`.
  std::expected<std::shared_ptr<const Jwks>, std::string> keys_for(const ProviderMetadata& meta,
                                                                   const std::string& kid) {
    bool unknown_kid = false;
    {
      std::lock_guard lock(state_mutex);
      if (jwks.value && fresh(jwks.fetched)) {
        // No kid: verification refuses the token anyway, so there is nothing to refetch for.
        if (kid.empty() || jwks.value->has_kid(kid)) return jwks.value;
        unknown_kid = true;
        if (last_unknown_kid_refetch &&
            Clock::now() - *last_unknown_kid_refetch < options.jwks_refetch_interval) {
          spdlog::warn(
              "OIDC: ID token names key kid \"{}\", which the provider's JWKS does not "
              "have; not refetching yet (last refetch under {} s ago)",
              kid, options.jwks_refetch_interval.count());
          return jwks.value;  // verification then reports the unknown kid
        }
      }
    }
    std::lock_guard fetching(fetch_mutex);
    std::shared_ptr<const Jwks> stale;
    {
      // Another sign-in may have refetched while we waited.
      std::lock_guard lock(state_mutex);
      if (jwks.value && fresh(jwks.fetched) && jwks.value->has_kid(kid)) return jwks.value;
      stale = jwks.value;
      if (unknown_kid) last_unknown_kid_refetch = Clock::now();
    }
    if (unknown_kid)
      spdlog::info("OIDC: refetching the provider's JWKS for new key kid \"{}\"", kid);
    auto body = get(meta.jwks_uri, "signing keys (JWKS)");
    auto parsed =
        body ? parse_jwks(*body) : std::expected<Jwks, std::string>(std::unexpect, body.error());
    if (!parsed) {
      if (stale) {
        spdlog::warn("OIDC: refreshing the provider's JWKS failed, keeping the cached keys: {}",
                     parsed.error());
        return stale;
      }
      return std::unexpected("the provider's signing keys: " + parsed.error());
    }
    auto fresh_value = std::make_shared<const Jwks>(std::move(*parsed));
    std::lock_guard lock(state_mutex);
    jwks = {fresh_value, Clock::now()};
    return fresh_value;
  }

  std::expected<TokenResponse, std::string> token_request(const ProviderMetadata& meta,
                                                          std::string_view code,
                                                          std::string_view verifier) {
    const auto& methods = meta.token_endpoint_auth_methods_supported;
    auto offers = [&](std::string_view m) {
      return std::find(methods.begin(), methods.end(), m) != methods.end();
    };
    // Discovery says client_secret_basic is the default when the list is absent.
    const bool post = offers("client_secret_post");
    if (!post && !methods.empty() && !offers("client_secret_basic")) {
      return std::unexpected(std::string(
          "the provider accepts neither client_secret_post nor client_secret_basic at its token "
          "endpoint, so the panel cannot authenticate with a client secret"));
    }
    FormFields fields{{"grant_type", "authorization_code"},
                      {"code", std::string(code)},
                      {"redirect_uri", options.redirect_uri},
                      {"code_verifier", std::string(verifier)},
                      {"client_id", options.client_id}};
    http::HttpRequest request;
    request.method = "POST";
    request.url = meta.token_endpoint;
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    request.headers.push_back({"Accept", "application/json"});
    if (post) {
      fields.emplace_back("client_secret", options.client_secret);
    } else {
      // RFC 6749 section 2.3.1: form-encode each part before joining and base64-encoding.
      request.headers.push_back(
          {"Authorization", "Basic " + base64_encode(percent_encode(options.client_id) + ":" +
                                                     percent_encode(options.client_secret))});
    }
    request.body = form_encode(fields);
    auto response = http->send(request);
    if (!response) {
      return std::unexpected("cannot reach the provider's token endpoint " + meta.token_endpoint +
                             ": " + response.error().to_string() +
                             transport_hint(response.error()));
    }
    return parse_token_response(response->status, response->body);
  }
};

OidcClient::OidcClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OidcClient::~OidcClient() = default;

std::expected<std::unique_ptr<OidcClient>, std::string> OidcClient::create(OidcOptions options) {
  if (options.issuer.empty()) return std::unexpected(std::string("the OIDC issuer is not set"));
  if (!acceptable_endpoint(options.issuer) || options.issuer.find('?') != std::string::npos) {
    return std::unexpected("the OIDC issuer \"" + options.issuer +
                           "\" must be an https URL without a query (http only on localhost)");
  }
  if (options.client_id.empty())
    return std::unexpected(std::string("the OIDC client_id is not set"));
  if (options.client_secret.empty())
    return std::unexpected(std::string("the OIDC client_secret is not set"));
  if (!acceptable_endpoint(options.redirect_uri)) {
    return std::unexpected("the OIDC redirect URI \"" + options.redirect_uri +
                           "\" must be an https URL (http only on localhost), registered with "
                           "the provider exactly as written");
  }
  if (!has_scope(options.scopes, "openid")) {
    return std::unexpected("the OIDC scopes \"" + options.scopes + "\" must include openid");
  }
  if (options.leeway < std::chrono::seconds(0) || options.leeway > std::chrono::minutes(10))
    return std::unexpected(std::string("the OIDC clock leeway must be 0 to 600 seconds"));
  auto impl = std::make_unique<Impl>();
  try {
    impl->http = std::make_unique<http::HttpClient>(options.http);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("the OIDC client's HTTPS settings: ") + e.what());
  }
  impl->options = std::move(options);
  return std::unique_ptr<OidcClient>(new OidcClient(std::move(impl)));
}

std::expected<ProviderMetadata, std::string> OidcClient::discover() {
  auto meta = impl_->metadata_snapshot();
  if (!meta) return std::unexpected(meta.error());
  return **meta;
}

std::expected<std::string, std::string> OidcClient::authorization_url(
    std::string_view state, std::string_view nonce, std::string_view code_challenge,
    std::string_view login_hint) {
  if (state.empty() || nonce.empty() || code_challenge.empty())
    return std::unexpected(
        std::string("authorization_url needs a state, a nonce and a PKCE challenge"));
  auto meta = impl_->metadata_snapshot();
  if (!meta) return std::unexpected(meta.error());
  FormFields fields{{"response_type", "code"},
                    {"client_id", impl_->options.client_id},
                    {"redirect_uri", impl_->options.redirect_uri},
                    {"scope", impl_->options.scopes},
                    {"state", std::string(state)},
                    {"nonce", std::string(nonce)},
                    {"code_challenge", std::string(code_challenge)},
                    {"code_challenge_method", "S256"}};
  if (!login_hint.empty()) fields.emplace_back("login_hint", std::string(login_hint));
  return append_query((*meta)->authorization_endpoint, fields);
}

std::expected<IdTokenClaims, std::string> OidcClient::redeem(
    std::string_view code, std::string_view code_verifier, std::string_view expected_nonce,
    std::chrono::system_clock::time_point now) {
  if (code.empty() || code.size() > kMaxCodeBytes)
    return std::unexpected(std::string("the provider's redirect carried no usable code"));
  if (!valid_pkce_verifier(code_verifier))
    return std::unexpected(std::string("the PKCE verifier for this sign-in is malformed"));
  if (expected_nonce.empty())
    return std::unexpected(std::string("the nonce for this sign-in is missing"));
  auto meta = impl_->metadata_snapshot();
  if (!meta) return std::unexpected(meta.error());
  auto tokens = impl_->token_request(**meta, code, code_verifier);
  if (!tokens) return std::unexpected(tokens.error());
  auto header = read_jws_header(tokens->id_token);
  if (!header) return std::unexpected(header.error());
  auto keys = impl_->keys_for(**meta, header->kid);
  if (!keys) return std::unexpected(keys.error());
  IdTokenExpectations expect;
  expect.issuer = (*meta)->issuer;
  expect.client_id = impl_->options.client_id;
  expect.nonce = std::string(expected_nonce);
  expect.now = now;
  expect.leeway = impl_->options.leeway;
  return verify_id_token(tokens->id_token, **keys, expect);
}

const std::string& OidcClient::issuer() const {
  return impl_->options.issuer;
}
const std::string& OidcClient::client_id() const {
  return impl_->options.client_id;
}

}  // namespace careerlink::panel::auth
