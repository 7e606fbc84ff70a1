// The discovery document and token endpoint answers, read into values or into messages an IT
// technician can act on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugins/panel/auth/oidc_discovery.hpp"
#include "plugins/panel/auth/token_response.hpp"

namespace careerlink::panel::auth {
namespace {

using nlohmann::json;

json entra_like() {
  const std::string base = "https://login.microsoftonline.com/tenant-guid";
  return {{"issuer", base + "/v2.0"},
          {"authorization_endpoint", base + "/oauth2/v2.0/authorize"},
          {"token_endpoint", base + "/oauth2/v2.0/token"},
          {"jwks_uri", base + "/discovery/v2.0/keys"},
          {"token_endpoint_auth_methods_supported",
           {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
          {"id_token_signing_alg_values_supported", {"RS256"}}};
}

TEST(Discovery, Url) {
  EXPECT_EQ(discovery_url("https://accounts.google.com"),
            "https://accounts.google.com/.well-known/openid-configuration");
  EXPECT_EQ(discovery_url("https://idp.example/t/v2.0/"),
            "https://idp.example/t/v2.0/.well-known/openid-configuration");
}

TEST(Discovery, AcceptableEndpoints) {
  EXPECT_TRUE(acceptable_endpoint("https://login.microsoftonline.com/x/v2.0"));
  EXPECT_TRUE(acceptable_endpoint("http://127.0.0.1:8080/token"));
  EXPECT_TRUE(acceptable_endpoint("http://localhost/token"));
  EXPECT_TRUE(acceptable_endpoint("http://[::1]:9/token"));
  EXPECT_FALSE(acceptable_endpoint("http://idp.example/token"));
  EXPECT_FALSE(acceptable_endpoint("http://10.0.0.1/token"));
  EXPECT_FALSE(acceptable_endpoint("https://idp.example/token#frag"));
  EXPECT_FALSE(acceptable_endpoint("/relative"));
  EXPECT_FALSE(acceptable_endpoint("ftp://idp.example/"));
}

TEST(Discovery, ParsesEntraShape) {
  auto m = parse_provider_metadata(entra_like().dump(),
                                   "https://login.microsoftonline.com/tenant-guid/v2.0");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->token_endpoint, "https://login.microsoftonline.com/tenant-guid/oauth2/v2.0/token");
  EXPECT_TRUE(m->code_challenge_methods_supported.empty());  // absent: PKCE still used
  EXPECT_EQ(m->token_endpoint_auth_methods_supported.size(), 3u);
}

TEST(Discovery, IssuerMustMatchExactly) {
  auto m = parse_provider_metadata(entra_like().dump(),
                                   "https://login.microsoftonline.com/tenant-guid/v2.0/");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("names issuer \"https://login.microsoftonline.com/tenant-guid/v2.0\""),
            std::string::npos)
      << m.error();
  json common = entra_like();
  common["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0";
  auto c = parse_provider_metadata(common.dump(), "https://login.microsoftonline.com/common/v2.0");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("use your tenant's own issuer"), std::string::npos) << c.error();
}

TEST(Discovery, RefusesUnusableDocuments) {
  const std::string issuer = "https://login.microsoftonline.com/tenant-guid/v2.0";
  EXPECT_FALSE(parse_provider_metadata("<html>", issuer));
  json no_token = entra_like();
  no_token.erase("token_endpoint");
  auto e1 = parse_provider_metadata(no_token.dump(), issuer);
  ASSERT_FALSE(e1);
  EXPECT_NE(e1.error().find("no token_endpoint"), std::string::npos);
  json plain_http = entra_like();
  plain_http["jwks_uri"] = "http://login.microsoftonline.com/keys";
  auto e2 = parse_provider_metadata(plain_http.dump(), issuer);
  ASSERT_FALSE(e2);
  EXPECT_NE(e2.error().find("jwks_uri"), std::string::npos);
  json plain_pkce = entra_like();
  plain_pkce["code_challenge_methods_supported"] = {"plain"};
  EXPECT_FALSE(parse_provider_metadata(plain_pkce.dump(), issuer));
  json hs_only = entra_like();
  hs_only["id_token_signing_alg_values_supported"] = {"HS256"};
  EXPECT_FALSE(parse_provider_metadata(hs_only.dump(), issuer));
}

TEST(TokenResponse, Success) {
  auto r = parse_token_response(
      200, R"({"access_token":"at","token_type":"Bearer","expires_in":3599,"id_token":"a.b.c"})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->id_token, "a.b.c");
  EXPECT_EQ(r->token_type, "Bearer");
}

TEST(TokenResponse, OAuthErrorsBecomeAdvice) {
  auto grant = parse_token_response(
      400,
      R"({"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code has expired.\r\nTrace ID: 1"})");
  ASSERT_FALSE(grant);
  EXPECT_NE(grant.error().find("token request refused (invalid_grant)"), std::string::npos);
  EXPECT_NE(grant.error().find("sign in again"), std::string::npos);
  EXPECT_NE(grant.error().find("AADSTS70008"), std::string::npos);
  EXPECT_EQ(grant.error().find('\n'), std::string::npos);
  auto client = parse_token_response(401, R"({"error":"invalid_client"})");
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().find("client_secret"), std::string::npos);
  auto long_description = parse_token_response(
      400,
      json{{"error", "invalid_request"}, {"error_description", std::string(1000, 'x')}}.dump());
  ASSERT_FALSE(long_description);
  EXPECT_LT(long_description.error().size(), 500u);
}

TEST(TokenResponse, OtherFailures) {
  auto html = parse_token_response(502, "<html>Bad gateway</html>");
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error(), "the token endpoint answered HTTP 502 without an OAuth error code");
  auto no_id = parse_token_response(200, R"({"access_token":"at","token_type":"Bearer"})");
  ASSERT_FALSE(no_id);
  EXPECT_NE(no_id.error().find("openid"), std::string::npos);
  EXPECT_FALSE(parse_token_response(200, "not json"));
  auto error_with_200 = parse_token_response(200, R"({"error":"invalid_grant"})");
  EXPECT_FALSE(error_with_200);
}

}  // namespace
}  // namespace careerlink::panel::auth
