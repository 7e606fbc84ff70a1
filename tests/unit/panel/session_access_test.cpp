// The panel's building blocks without a server: who may see what (access.hpp), and how long a
// session lives (session_table.hpp) against a real SQLite store, with the clock passed in.
#include <gtest/gtest.h>

#include "daemon/store/shared_store.hpp"
#include "plugins/panel/access.hpp"
#include "plugins/panel/auth/random_token.hpp"
#include "plugins/panel/panel_state.hpp"
#include "plugins/panel/session_table.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::panel {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

PupilView pupil(std::string urn, std::string year, std::string group) {
  PupilView p;
  p.upn = "B820432116017";
  p.school_urn = std::move(urn);
  p.nc_year = std::move(year);
  p.tutor_group = std::move(group);
  return p;
}

TEST(PanelAccessRules, MisAssignmentsMakeTutorsAndHeadsOfYear) {
  const std::vector<StaffAssignment> mis{{"137942", "tutor", "11A", "tutor"},
                                         {"137942", "year", "Year 10", "head_of_year"},
                                         {"137942", "class", "10x/Ma1", "teacher"}};
  const auto id = resolve_identity("a@school", std::nullopt, mis);
  EXPECT_TRUE(id.may_see_pupil(pupil("137942", "11", "11A")));
  EXPECT_TRUE(id.may_see_pupil(pupil("137942", "10", "10C")));  // head of Year 10
  EXPECT_FALSE(id.may_see_pupil(pupil("137942", "11", "11B")));
  EXPECT_FALSE(id.may_see_pupil(pupil("999999", "11", "11A")));  // another school's 11A
  EXPECT_FALSE(id.whole_school("137942"));                       // teaching a class is not enough
}

TEST(PanelAccessRules, GrantsAddWholeSchoolRolesAndADisabledAccountLosesEverything) {
  StaffAccount account;
  account.email = "lead@school";
  account.grants = {{"137942", "careers_leader", ""}, {"100001", "admin", ""}};
  const auto id = resolve_identity(account.email, account, {});
  EXPECT_TRUE(id.may_see_pupil(pupil("137942", "7", "7A")));
  EXPECT_FALSE(id.may_see_pupil(pupil("100001", "7", "7A")));  // admin sees no pupils
  EXPECT_EQ(id.schools(), std::vector<std::string>{"137942"});
  account.disabled = true;
  const std::vector<StaffAssignment> mis{{"137942", "tutor", "7A", "tutor"}};
  EXPECT_FALSE(
      resolve_identity(account.email, account, mis).may_see_pupil(pupil("137942", "7", "7A")));
}

TEST(PanelAccessRules, YearGroupNamesAsMisesWriteThem) {
  EXPECT_EQ(year_code_of("Year 11"), "11");
  EXPECT_EQ(year_code_of("Y11"), "11");
  EXPECT_EQ(year_code_of(" year  9 "), "9");
  EXPECT_EQ(year_code_of("11"), "11");
  EXPECT_EQ(year_code_of("Reception"), "R");
  EXPECT_EQ(year_code_of("Yellow"), "Yellow");  // not a year: kept, so it matches nothing
}

TEST(PanelSignInPolicy, GoogleAddressesMustBeVerifiedWorkspaceAddressesOfTheirOwnDomain) {
  auth::IdTokenClaims c;
  c.issuer = "https://accounts.google.com";
  c.email = "c.wright@riverside.sch.uk";
  c.email_verified = true;
  c.hosted_domain = "riverside.sch.uk";
  EXPECT_FALSE(untrusted_email(c));
  c.hosted_domain = "";  // a consumer Google account can carry any address
  EXPECT_TRUE(untrusted_email(c));
  c.hosted_domain = "elsewhere.example";
  EXPECT_TRUE(untrusted_email(c));
  c.hosted_domain = "riverside.sch.uk";
  c.email_verified = false;
  EXPECT_TRUE(untrusted_email(c));
  // Entra ID: the configured issuer is the school's own tenant, checked exactly by the client.
  c.issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
  c.hosted_domain = "";
  EXPECT_FALSE(untrusted_email(c));
}

class Sessions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::make_unique<SharedStore>(std::move(*opened));
    table_ = std::make_unique<SessionTable>(*store_);
    table_->set_limits(minutes(30), hours(12));
  }
  test::TempDir dir_;
  std::unique_ptr<SharedStore> store_;
  std::unique_ptr<SessionTable> table_;
  const TimePoint t0_ = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + hours(9);
};

TEST_F(Sessions, OnlyTheHashIsStoredAndTheCookieFindsTheSession) {
  auto made = table_->create("tutor@school", "password", "127.0.0.1", t0_);
  ASSERT_TRUE(made);
  EXPECT_EQ(made->cookie_value.size(), 43U);  // 256 random bits, base64url
  EXPECT_EQ(made->session.id_sha256, auth::sha256_hex(made->cookie_value));
  auto stored =
      store_->with([&](Store& s) { return s.live_sessions(t0_ - hours(1), t0_ - hours(1)); });
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1U);
  EXPECT_NE(stored->front().id_sha256, made->cookie_value);
  EXPECT_TRUE(table_->find(made->cookie_value, t0_ + minutes(1), false));
  EXPECT_FALSE(
      table_->find(made->session.id_sha256, t0_ + minutes(1), false));  // the hash is no key
  EXPECT_FALSE(table_->find("", t0_, false));
}

TEST_F(Sessions, IdleTimeoutEndsASessionAndUseKeepsItAliveUpToTheMaximum) {
  auto made = table_->create("tutor@school", "password", "127.0.0.1", t0_);
  ASSERT_TRUE(made);
  TimePoint t = t0_;
  for (int i = 0; i < 23; ++i) {  // in use every 29 minutes: alive for 11 h 7 min
    t += minutes(29);
    ASSERT_TRUE(table_->find(made->cookie_value, t, false)) << i;
  }
  t += minutes(29);  // 11 h 36 min
  EXPECT_TRUE(table_->find(made->cookie_value, t, false));
  EXPECT_FALSE(table_->find(made->cookie_value, t0_ + hours(12) + minutes(1), false));  // maximum
  auto idle = table_->create("tutor@school", "password", "127.0.0.1", t0_);
  ASSERT_TRUE(idle);
  EXPECT_FALSE(table_->find(idle->cookie_value, t0_ + minutes(31), false));
}

TEST_F(Sessions, ARestartKeepsSessionsAndARemovedAccountsSessionsEnd) {
  auto made = table_->create("tutor@school", "oidc", "127.0.0.1", t0_);
  ASSERT_TRUE(made);
  SessionTable after_restart(*store_);
  EXPECT_TRUE(after_restart.find(made->cookie_value, t0_ + minutes(5), false));
  StaffAccount a;
  a.email = "tutor@school";
  a.created_by = "test";
  ASSERT_TRUE(store_->with([&](Store& s) { return s.put_staff_account(a, t0_); }));
  ASSERT_TRUE(store_->with([&](Store& s) { return s.remove_staff_account("tutor@school"); }));
  // Until told the store changed, the cached session stands; told, it is gone.
  EXPECT_FALSE(after_restart.find(made->cookie_value, t0_ + minutes(6), true));
}

}  // namespace
}  // namespace careerlink::panel
