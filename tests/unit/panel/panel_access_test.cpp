// Who sees what in the careers panel, over real HTTP against `careerlink serve`: a table of
// role x page or API path x pupil -> status, every row run; then sign-in, sessions and CSRF.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/unit/panel/panel_fixture.hpp"

namespace careerlink {
namespace {

using test::Browser;
using test::PanelService;

// One service for the whole table (starting one per row would take minutes).
class PanelAccess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { service_ = new PanelService(); }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }
  static PanelService* service_;
};
PanelService* PanelAccess::service_ = nullptr;

struct Row {
  const char* who;  // an e-mail, or "" for nobody signed in
  const char* method;
  std::string path;
  int status;
};

std::vector<Row> access_table() {
  using namespace test;
  const std::string p11a = std::string("upn=") + kPupil11A;
  const std::string p11b = std::string("upn=") + kPupil11B;
  const std::string p10a = std::string("upn=") + kPupil10A;
  std::vector<Row> rows;
  // Pupil pages and the pupil API, for a pupil in 11A, in 11B (same year) and in 10A.
  for (const char* base : {"/panel/pupil?", "/panel/api/pupil?"}) {
    const std::string b = base;
    const int anon = b.find("/api/") != std::string::npos ? 401 : 302;
    rows.push_back({"", "GET", b + p11a, anon});
    rows.push_back({kTutor, "GET", b + p11a, 200});
    rows.push_back({kTutor, "GET", b + p11b, 403});
    rows.push_back({kTutor, "GET", b + p10a, 403});
    rows.push_back({kHeadOfYear, "GET", b + p11a, 200});
    rows.push_back({kHeadOfYear, "GET", b + p11b, 200});
    rows.push_back({kHeadOfYear, "GET", b + p10a, 403});
    rows.push_back({kLeader, "GET", b + p10a, 200});
    rows.push_back({kAdviser, "GET", b + p10a, 200});
    rows.push_back({kAdmin, "GET", b + p11a, 403});
    rows.push_back({kTutor, "GET", b + "upn=J820432116099", 403});  // no such pupil: no hint
    rows.push_back({kLeader, "GET", b + "upn=J820432116099", 404});
  }
  // Group pages.
  rows.push_back({"", "GET", "/panel/group?name=11A", 302});
  rows.push_back({kTutor, "GET", "/panel/group?name=11A", 200});
  rows.push_back({kTutor, "GET", "/panel/group?name=11a", 200});  // MIS names vary in case
  rows.push_back({kTutor, "GET", "/panel/group?name=11B", 403});
  rows.push_back({kTutor, "GET", "/panel/group?name=10A", 403});
  rows.push_back({kHeadOfYear, "GET", "/panel/group?name=11B", 200});
  rows.push_back({kHeadOfYear, "GET", "/panel/group?name=10A", 403});
  rows.push_back({kLeader, "GET", "/panel/group?name=10A", 200});
  rows.push_back({kAdviser, "GET", "/panel/group?name=7A", 200});
  rows.push_back({kAdmin, "GET", "/panel/group?name=10A", 403});
  // The whole-school page.
  rows.push_back({"", "GET", "/panel/school", 302});
  rows.push_back({kTutor, "GET", "/panel/school", 403});
  rows.push_back({kTutor, "GET", "/panel/school?year=11", 403});
  rows.push_back({kHeadOfYear, "GET", "/panel/school", 302});  // to their year
  rows.push_back({kHeadOfYear, "GET", "/panel/school?year=11", 200});
  rows.push_back({kHeadOfYear, "GET", "/panel/school?year=10", 403});
  rows.push_back({kLeader, "GET", "/panel/school", 200});
  rows.push_back({kLeader, "GET", "/panel/school?year=11&rag=amber", 200});
  rows.push_back({kAdviser, "GET", "/panel/school", 200});
  rows.push_back({kAdmin, "GET", "/panel/school", 403});
  // The Benchmark 8 report: the careers leader's.
  rows.push_back({"", "GET", "/panel/report/b8", 302});
  rows.push_back({kLeader, "GET", "/panel/report/b8", 200});
  rows.push_back({kAdviser, "GET", "/panel/report/b8", 403});
  rows.push_back({kHeadOfYear, "GET", "/panel/report/b8", 403});
  rows.push_back({kTutor, "GET", "/panel/report/b8", 403});
  rows.push_back({kAdmin, "GET", "/panel/report/b8", 403});
  // Home: everyone signed in; nobody else.
  rows.push_back({"", "GET", "/panel/", 302});
  for (const char* who : {kTutor, kHeadOfYear, kLeader, kAdviser, kAdmin}) {
    rows.push_back({who, "GET", "/panel/", 200});
  }
  // Changes: a follow-up note on a pupil in and out of scope (303: saved, back to the pupil).
  for (const auto& [who, upn, status] :
       std::vector<std::tuple<const char*, const char*, int>>{{kTutor, kPupil11A, 303},
                                                              {kTutor, kPupil11B, 403},
                                                              {kTutor, kPupil10A, 403},
                                                              {kHeadOfYear, kPupil11B, 303},
                                                              {kHeadOfYear, kPupil10A, 403},
                                                              {kLeader, kPupil10A, 303},
                                                              {kAdviser, kPupil10A, 303},
                                                              {kAdmin, kPupil11A, 403},
                                                              {"", kPupil11A, 302}}) {
    rows.push_back({who, "POST note", upn, status});
    rows.push_back({who, "POST action", upn, status == 303 ? 404 : status});  // no such action
  }
  return rows;
}

TEST_F(PanelAccess, EveryRoleSeesOnlyItsPupilsOnEveryPageAndApiPath) {
  std::map<std::string, Browser> browsers;
  browsers[""] = service_->anonymous();
  for (const char* who :
       {test::kTutor, test::kHeadOfYear, test::kLeader, test::kAdviser, test::kAdmin}) {
    browsers[who] = service_->sign_in(who);
    ASSERT_FALSE(browsers[who].session.empty()) << who << " could not sign in";
  }
  int checked = 0;
  for (const auto& row : access_table()) {
    const Browser& b = browsers[row.who];
    int status = 0;
    const std::string method = row.method;
    if (method == "GET") {
      status = b.get(row.path).status;
    } else if (method == "POST note") {
      status =
          b.post("/panel/pupil/note", {{"csrf", b.csrf}, {"upn", row.path}, {"text", "Chased up"}})
              .status;
    } else {
      status = b.post("/panel/pupil/action", {{"csrf", b.csrf},
                                              {"upn", row.path},
                                              {"action", "no-such-action"},
                                              {"status", "done"}})
                   .status;
    }
    EXPECT_EQ(status, row.status) << (*row.who ? row.who : "(nobody)") << " " << row.method << " "
                                  << row.path;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(access_table().size()));
}

TEST_F(PanelAccess, PlansShowOnlyWithThePupilsConsent) {
  Browser leader = service_->sign_in(test::kLeader);
  auto shared = leader.get(std::string("/panel/pupil?upn=") + test::kPupil11A);
  ASSERT_EQ(shared.status, 200);
  EXPECT_NE(shared.body.find("Attend the college open evening"), std::string::npos);
  // The adviser's words are text, never markup.
  EXPECT_NE(shared.body.find("Keen on &lt;b&gt;engineering&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(shared.body.find("<b>engineering</b>"), std::string::npos);
  auto unshared = leader.get(std::string("/panel/pupil?upn=") + test::kPupil11B);
  ASSERT_EQ(unshared.status, 200);
  EXPECT_EQ(unshared.body.find("Attend the college open evening"), std::string::npos);
  EXPECT_NE(unshared.body.find("did not agree to share"), std::string::npos);
  auto api = leader.get(std::string("/panel/api/pupil?upn=") + test::kPupil11B);
  ASSERT_EQ(api.status, 200);
  auto j = nlohmann::json::parse(api.body);
  EXPECT_TRUE(j["plan"].is_null());
  EXPECT_FALSE(j["plan_shared"].get<bool>());
  for (const auto& f : j["flags"])
    EXPECT_NE(f["kind"], "overdue_action");
}

TEST_F(PanelAccess, ChangesNeedTheSessionsCsrfToken) {
  Browser tutor = service_->sign_in(test::kTutor);
  auto no_token = tutor.post("/panel/pupil/note", {{"upn", test::kPupil11A}, {"text", "x"}});
  EXPECT_EQ(no_token.status, 400);
  Browser other = service_->sign_in(test::kTutor);  // a second session has its own token
  ASSERT_NE(other.csrf, tutor.csrf);
  auto wrong = tutor.post("/panel/pupil/note",
                          {{"csrf", other.csrf}, {"upn", test::kPupil11A}, {"text", "x"}});
  EXPECT_EQ(wrong.status, 400);
}

TEST_F(PanelAccess, SessionCookieIsHttpOnlyAndSameSiteAndSignOutEndsIt) {
  Browser b{service_->port(), {}, {}};
  auto form = b.get("/panel/login");
  auto done = b.post("/panel/login",
                     {{"csrf", test::hidden_value(form.body, "csrf")},
                      {"email", test::kAdviser},
                      {"password", test::kPassword},
                      {"next", "https://evil.example/"}},
                     "careerlink_login=" + test::cookie_from(form, "careerlink_login"));
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.header("Location").value_or(""), "/panel/");  // no open redirect
  std::string set_cookie;
  for (const auto& h : done.headers) {
    if (http::iequals(h.name, "Set-Cookie") && h.value.starts_with("careerlink_session=")) {
      set_cookie = h.value;
    }
  }
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/panel/"), std::string::npos);
  b.session = test::cookie_from(done, "careerlink_session");
  b.csrf = test::hidden_value(b.get("/panel/").body, "csrf");
  EXPECT_EQ(b.get("/panel/school").status, 200);
  EXPECT_EQ(b.post("/panel/logout", {{"csrf", b.csrf}}).status, 303);
  EXPECT_EQ(b.get("/panel/school").status, 302);
}

TEST_F(PanelAccess, LoginCsrfCookieMustMatchTheForm) {
  Browser b{service_->port(), {}, {}};
  auto form = b.get("/panel/login");
  auto forged = b.post("/panel/login", {{"csrf", test::hidden_value(form.body, "csrf")},
                                        {"email", test::kTutor},
                                        {"password", test::kPassword}});
  EXPECT_EQ(forged.status, 400);  // no cookie: a form posted from another site
  EXPECT_TRUE(test::cookie_from(forged, "careerlink_session").empty());
}

TEST(PanelSignIn, WrongPasswordsLockTheAccountAndResetUnlocksAndSignsOut) {
  PanelService service;
  Browser tutor = service.sign_in(test::kTutor);
  ASSERT_FALSE(tutor.session.empty());
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(service.sign_in(test::kTutor, "not the password at all").session.empty());
  }
  // Locked: even the right password is refused now.
  EXPECT_TRUE(service.sign_in(test::kTutor).session.empty());
  auto listed = nlohmann::json::parse(service.cl({"users", "list", "--format", "json"}).out);
  bool locked = false;
  for (const auto& u : listed) {
    if (u["email"] == test::kTutor) locked = u["locked"].get<bool>();
  }
  EXPECT_TRUE(locked);
  // reset: a new password, unlocked, and the old session ends.
  auto reset = service.cl({"users", "reset", test::kTutor});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  const std::string marker = "New password (shown once):\n\n  ";
  const auto at = reset.out.find(marker);
  ASSERT_NE(at, std::string::npos) << reset.out;
  const auto start = at + marker.size();
  const std::string fresh = reset.out.substr(start, reset.out.find('\n', start) - start);
  EXPECT_EQ(tutor.get("/panel/").status, 302);
  EXPECT_FALSE(service.sign_in(test::kTutor, fresh).session.empty());
  // remove: the account's sessions end at once.
  Browser leader = service.sign_in(test::kLeader);
  ASSERT_EQ(leader.get("/panel/school").status, 200);
  ASSERT_EQ(service.cl({"users", "remove", test::kLeader}).exit_code, 0);
  EXPECT_EQ(leader.get("/panel/school").status, 302);
  // An e-mail careerlink does not know gets no session.
  EXPECT_TRUE(service.sign_in("nobody@riverside.sch.uk").session.empty());
}

TEST(PanelSignIn, TickingAnActionStoresWhoAndWhenClearsTheFlagAndQueuesTheWriteBack) {
  PanelService service;
  Browser tutor = service.sign_in(test::kTutor);
  const std::string page = std::string("/panel/pupil?upn=") + test::kPupil11A;
  auto before = tutor.get(page);
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("Action overdue"), std::string::npos);  // due 05/02/2026
  auto ticked = tutor.post(
      "/panel/pupil/action",
      {{"csrf", tutor.csrf}, {"upn", test::kPupil11A}, {"action", "a1"}, {"status", "done"}});
  ASSERT_EQ(ticked.status, 303);
  auto after = tutor.get(page);
  EXPECT_NE(after.body.find(std::string("by ") + test::kTutor), std::string::npos);
  EXPECT_EQ(after.body.find("<li>" /* open flag list item */ "Action overdue"), std::string::npos);
  EXPECT_NE(after.body.find("Reopen"), std::string::npos);
  // The same tick again changes nothing (and sends nothing new).
  const auto queued = service.outbox_payloads().size();
  ASSERT_EQ(tutor
                .post("/panel/pupil/action", {{"csrf", tutor.csrf},
                                              {"upn", test::kPupil11A},
                                              {"action", "a1"},
                                              {"status", "done"}})
                .status,
            303);
  EXPECT_EQ(service.outbox_payloads().size(), queued);
  // The MIS write-back: the pupil's status with the action done, and the flag cleared.
  bool status_sent = false;
  bool flag_cleared = false;
  for (const auto& p : service.outbox_payloads()) {
    if (p["event"] == "pupil.status" && p["pupil"]["upn"] == test::kPupil11A &&
        p["plan"].is_object() && p["plan"]["actions"][0]["status"] == "done") {
      status_sent = true;
      EXPECT_EQ(p["panel_path"], std::string("/panel/pupil?upn=") + test::kPupil11A);
    }
    if (p["event"] == "flag.cleared" && p["flag"]["kind"] == "overdue_action") flag_cleared = true;
  }
  EXPECT_TRUE(status_sent);
  EXPECT_TRUE(flag_cleared);
  // The adviser sends the plan again (action still open in their system): the tick stays.
  auto resent = test::interview_for(test::kPupil11A, true, "2026-02-05");
  resent["plan"]["summary"] = "Keen on engineering; applying to Riverside College";
  ASSERT_EQ(service.put_interview("cc-11a", resent), 200);
  auto kept = tutor.get(page);
  EXPECT_NE(kept.body.find("applying to Riverside College"), std::string::npos);
  EXPECT_NE(kept.body.find(std::string("by ") + test::kTutor), std::string::npos);
}

TEST(PanelSignIn, EveryViewAndChangeIsAuditedWithWhoAndWhere) {
  PanelService service;
  Browser tutor = service.sign_in(test::kTutor);
  ASSERT_EQ(tutor.get(std::string("/panel/pupil?upn=") + test::kPupil11A).status, 200);
  ASSERT_EQ(tutor
                .post("/panel/pupil/note",
                      {{"csrf", tutor.csrf}, {"upn", test::kPupil11A}, {"text", "Rang home"}})
                .status,
            303);
  // Views are written in batches every 200 ms.
  nlohmann::json events;
  for (int i = 0; i < 50; ++i) {
    events = nlohmann::json::parse(
        service.cl({"audit", "list", "--pupil", test::kPupil11A, "--format", "json"}).out);
    bool viewed = false;
    for (const auto& e : events)
      viewed = viewed || e["action"] == "panel.view_pupil";
    if (viewed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::set<std::string> actions;
  for (const auto& e : events) {
    if (e["actor"] != test::kTutor) continue;
    actions.insert(e["action"].get<std::string>());
    EXPECT_EQ(e["origin"], "127.0.0.1");
    EXPECT_EQ(e["object"], std::string("pupil:") + test::kPupil11A);
    EXPECT_EQ(e["detail"].get<std::string>().find("Rang home"), std::string::npos);  // no notes
  }
  EXPECT_TRUE(actions.contains("panel.view_pupil"));
  EXPECT_TRUE(actions.contains("note.create"));
  // A pupil the tutor could not see is not audited as viewed, but the refusal is not silent.
  EXPECT_EQ(tutor.get(std::string("/panel/pupil?upn=") + test::kPupil10A).status, 403);
}

}  // namespace
}  // namespace careerlink
