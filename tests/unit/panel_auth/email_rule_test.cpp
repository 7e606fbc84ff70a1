// Which address an ID token vouches for (Google, Entra ID member and guest shapes).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugins/panel/auth/email_rule.hpp"

namespace careerlink::panel::auth {
namespace {

using nlohmann::json;

TEST(EmailRule, LooksLikeEmail) {
  for (const char* good : {"a@b.c", "ann.smith@school.example", "ann+careers@school.org.uk"})
    EXPECT_TRUE(looks_like_email(good)) << good;
  for (const char* bad :
       {"", "ann", "@school.example", "ann@", "ann@localhost", "ann@school.", "ann@@school.example",
        "a@b@c.d", "ann smith@school.example", "ann_gmail.com#EXT#@school.onmicrosoft.com",
        "ann@.example", "+447700900123"})
    EXPECT_FALSE(looks_like_email(bad)) << bad;
}

TEST(EmailRule, GoogleEmailAndVerified) {
  auto c = choose_email(json{{"email", "ann@school.example"}, {"email_verified", true}});
  EXPECT_EQ(c.email, "ann@school.example");
  EXPECT_TRUE(c.verified);
  EXPECT_EQ(c.source, EmailSource::email);
  EXPECT_FALSE(
      choose_email(json{{"email", "ann@school.example"}, {"email_verified", false}}).verified);
  EXPECT_TRUE(
      choose_email(json{{"email", "ann@school.example"}, {"email_verified", "true"}}).verified);
  EXPECT_FALSE(choose_email(json{{"email", "ann@school.example"}}).verified);
}

TEST(EmailRule, EntraPrefersEmailThenUpn) {
  auto both = choose_email(json{{"email", "ann.smith@school.example"},
                                {"preferred_username", "asmith@school.example"},
                                {"xms_edov", true}});
  EXPECT_EQ(both.email, "ann.smith@school.example");
  EXPECT_TRUE(both.verified);  // Entra: the email's domain is verified by the tenant
  auto upn = choose_email(json{{"preferred_username", "asmith@school.example"}});
  EXPECT_EQ(upn.email, "asmith@school.example");
  EXPECT_EQ(upn.source, EmailSource::preferred_username);
  EXPECT_FALSE(upn.verified);
  auto bad_email = choose_email(
      json{{"email", "not an address"}, {"preferred_username", "asmith@school.example"}});
  EXPECT_EQ(bad_email.source, EmailSource::preferred_username);
}

TEST(EmailRule, NothingUsable) {
  auto guest =
      choose_email(json{{"preferred_username", "ann_gmail.com#EXT#@school.onmicrosoft.com"}});
  EXPECT_EQ(guest.source, EmailSource::none);
  EXPECT_EQ(guest.email, "");
  EXPECT_EQ(choose_email(json{{"preferred_username", "+447700900123"}}).source, EmailSource::none);
  EXPECT_EQ(choose_email(json{{"email", 42}}).source, EmailSource::none);
  EXPECT_EQ(choose_email(json::array()).source, EmailSource::none);
}

}  // namespace
}  // namespace careerlink::panel::auth
