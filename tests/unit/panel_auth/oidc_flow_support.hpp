// Shared by the OpenID Connect flow tests: "the browser" following the authorization URL to
// the test provider and back, as far as the redirect that carries the code.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "daemon/http/client/http_client.hpp"
#include "plugins/panel/auth/form_encoding.hpp"
#include "plugins/panel/auth/oidc_client.hpp"
#include "plugins/panel/auth/pkce.hpp"
#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::panel::auth::testing {

inline const char* const kRedirectUri = "http://127.0.0.1:9/panel/oidc/callback";

struct Attempt {
  std::string state = random_token(16);
  std::string nonce = random_token(16);
  Pkce pkce = make_pkce();
  std::string code;  // from the redirect; empty if there was none
  int status = 0;    // the provider's answer to /authorize
  std::string location;
};

// What a browser does with authorization_url(): GET it, expect a 302 to the redirect URI.
inline Attempt start_sign_in(OidcClient& client, http::HttpClient& browser,
                             const std::string& login_hint = {}) {
  Attempt a;
  auto url = client.authorization_url(a.state, a.nonce, a.pkce.challenge, login_hint);
  if (!url) {
    ADD_FAILURE() << url.error();
    return a;
  }
  auto response = browser.send({.method = "GET", .url = *url});
  if (!response) {
    ADD_FAILURE() << response.error().to_string();
    return a;
  }
  a.status = response->status;
  a.location = response->header("Location").value_or("");
  const std::string prefix = std::string(kRedirectUri) + "?";
  if (a.status != 302 || !a.location.starts_with(prefix)) return a;
  auto query = form_decode(std::string_view(a.location).substr(prefix.size()));
  if (!query) return a;
  EXPECT_EQ(form_value(*query, "state"), a.state) << "the provider must echo state";
  a.code = form_value(*query, "code").value_or("");
  return a;
}

}  // namespace careerlink::panel::auth::testing
