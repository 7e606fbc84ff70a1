// PKCE against RFC 7636 Appendix B, and the form/query encoding the OAuth requests use.
#include <gtest/gtest.h>

#include "plugins/panel/auth/form_encoding.hpp"
#include "plugins/panel/auth/pkce.hpp"

namespace careerlink::panel::auth {
namespace {

TEST(Pkce, Rfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, MakePkceIsFreshAndConsistent) {
  const Pkce a = make_pkce();
  const Pkce b = make_pkce();
  EXPECT_EQ(a.verifier.size(), 43u);
  EXPECT_TRUE(valid_pkce_verifier(a.verifier));
  EXPECT_EQ(a.challenge, pkce_challenge(a.verifier));
  EXPECT_NE(a.verifier, b.verifier);
  EXPECT_NE(a.challenge, b.challenge);
}

TEST(Pkce, VerifierSyntax) {
  EXPECT_TRUE(valid_pkce_verifier(std::string(43, 'a')));
  EXPECT_TRUE(valid_pkce_verifier(std::string(124, 'a') + "-._~"));
  EXPECT_FALSE(valid_pkce_verifier(std::string(42, 'a')));
  EXPECT_FALSE(valid_pkce_verifier(std::string(129, 'a')));
  EXPECT_FALSE(valid_pkce_verifier(std::string(42, 'a') + "+"));
  EXPECT_FALSE(valid_pkce_verifier(std::string(42, 'a') + "="));
}

TEST(FormEncoding, EscapesAllButUnreserved) {
  EXPECT_EQ(percent_encode("a b+c&d=e/f?g#h"), "a%20b%2Bc%26d%3De%2Ff%3Fg%23h");
  EXPECT_EQ(percent_encode("é"), "%C3%A9");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(form_encode({{"scope", "openid email"}, {"x", ""}}), "scope=openid%20email&x=");
}

TEST(FormEncoding, AppendQuery) {
  EXPECT_EQ(append_query("https://idp/authorize", {{"a", "1"}}), "https://idp/authorize?a=1");
  EXPECT_EQ(append_query("https://idp/authorize?p=x", {{"a", "1"}}),
            "https://idp/authorize?p=x&a=1");
  EXPECT_EQ(append_query("https://idp/authorize?", {{"a", "1"}}), "https://idp/authorize?a=1");
}

TEST(FormEncoding, DecodeRoundTripAndPlus) {
  const FormFields fields{{"login_hint", "ann+careers@school.example"}, {"q", "a b&c=d"}};
  auto decoded = form_decode(form_encode(fields));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, fields);
  auto plus = form_decode("name=Ann+Smith&empty=&flag");
  ASSERT_TRUE(plus);
  EXPECT_EQ(form_value(*plus, "name"), "Ann Smith");
  EXPECT_EQ(form_value(*plus, "empty"), "");
  EXPECT_EQ(form_value(*plus, "flag"), "");
  EXPECT_EQ(form_value(*plus, "missing"), std::nullopt);
  EXPECT_EQ(form_decode("a=%zz"), std::nullopt);
}

}  // namespace
}  // namespace careerlink::panel::auth
