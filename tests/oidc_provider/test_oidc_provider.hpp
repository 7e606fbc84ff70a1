// A small OpenID Connect provider for tests, served by careerlink's own HTTP server on
// loopback: discovery, /authorize (no login page: it signs in a configured user at once),
// /token (client secret, single-use short-lived codes, PKCE S256) and /jwks. It exists to test
// the panel's sign-in end to end, including what a real provider would never send on purpose:
// a test arms a fault for the next ID token, or rotates the signing key.
//
// Endpoints (all public; the last two are the test control surface, for a browser test that
// runs the provider as its own process):
//   GET  /.well-known/openid-configuration
//   GET  /authorize?response_type=code&client_id&redirect_uri&scope&state&nonce
//                  &code_challenge&code_challenge_method=S256[&login_hint]
//        -> 302 redirect_uri?code=...&state=...   (400 page for a bad client_id/redirect_uri)
//   POST /token   (form; client_secret_post or client_secret_basic)
//   GET  /jwks
//   POST /test/arm?fault=<name>        arms a fault for the next ID token (names: to_string)
//   POST /test/rotate[?keep_old=1]     new signing key and kid; answers the new kid
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/oidc_provider/test_signing_key.hpp"

namespace careerlink::test {

struct TestUser {
  std::string email;
  std::string name;
};

enum class TokenFault {
  none,
  bad_signature,          // one bit of the signature flipped
  wrong_audience,         // aud is another client
  wrong_issuer,           // iss is another provider
  expired,                // exp an hour ago
  nonce_altered,          // nonce is not the one sent
  unknown_kid,            // signed by a key the JWKS does not publish
  alg_none,               // unsigned
  hs256_with_public_key,  // HMAC keyed with the public key's PEM (key confusion)
};
std::string_view to_string(TokenFault fault);
std::optional<TokenFault> parse_token_fault(std::string_view name);

struct TestOidcProviderOptions {
  std::string issuer_host = "127.0.0.1";  // also the listen address
  std::uint16_t port = 0;                 // 0: any free port
  std::string client_id = "careerlink-panel";
  std::string client_secret = "test-client-secret";
  // Accepted redirect URIs, compared exactly. Empty: any http(s) URI (handy when the panel's
  // port is not known before the provider starts).
  std::vector<std::string> redirect_uris;
  std::vector<TestUser> users{{"teacher@school.example", "Test Teacher"}};  // [0] is the default
  SigningAlg alg = SigningAlg::rs256;
  // Advertised in discovery and enforced at /token.
  std::vector<std::string> token_endpoint_auth_methods{"client_secret_post", "client_secret_basic"};
  std::chrono::seconds code_lifetime{60};
  std::chrono::seconds token_lifetime{600};
  // Serve HTTPS (issuer https://...) when both are set.
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
};

class TestOidcProvider {
 public:
  static std::expected<std::unique_ptr<TestOidcProvider>, std::string> start(
      TestOidcProviderOptions options);
  ~TestOidcProvider();
  TestOidcProvider(const TestOidcProvider&) = delete;
  TestOidcProvider& operator=(const TestOidcProvider&) = delete;

  [[nodiscard]] const std::string& issuer() const;  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::uint16_t port() const;

  void arm(TokenFault fault);                     // for the next ID token only
  std::string rotate_key(bool keep_old = false);  // returns the new kid
  [[nodiscard]] TestSigningKey current_key() const;

  struct Counters {
    std::size_t discovery = 0;
    std::size_t authorize = 0;
    std::size_t token = 0;
    std::size_t jwks = 0;
  };
  [[nodiscard]] Counters counters() const;

  void stop();

  struct State;

 private:
  TestOidcProvider() = default;
  std::shared_ptr<State> state_;
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace careerlink::test
