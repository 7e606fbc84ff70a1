// The mock Arbor server holds to the shapes it claims (auth, errors, validation, filters), so
// the sink's tests against it mean something.
#include "tests/mock_arbor/mock_arbor.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/http/client/http_client.hpp"
#include "plugins/arbor/arbor_api.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class MockArborTest : public ::testing::Test {
 protected:
  MockArborTest()
      : pki_(make_test_pki(dir_.path() / "pki")),
        arbor_(MockArborOptions{.tls_cert = pki_.server_cert, .tls_key = pki_.server_key}),
        client_(http::ClientOptions{
            .read_timeout = 5s, .ca_bundle = pki_.ca_cert, .proxy_from_env = false}) {}

  http::HttpResponse send(std::string method, const std::string& path, std::string body = {},
                          bool credentials = true) {
    http::HttpRequest req;
    req.method = std::move(method);
    req.url = arbor_.url() + path;
    if (credentials)
      req.headers.push_back(
          {"Authorization",
           arbor::basic_authorization(arbor_.options().username, arbor_.options().password)});
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.body = std::move(body);
    auto res = client_.send(req);
    EXPECT_TRUE(res) << (res ? "" : res.error().to_string());
    return res ? *res : http::HttpResponse{};
  }

  static std::string note_body(const std::string& student, const std::string& summary) {
    return json{{"request",
                 {{"pastoralNote",
                   {{"entityType", "PastoralNote"},
                    {"student", {{"entityType", "Student"}, {"href", student}}},
                    {"summary", summary},
                    {"content", "text"},
                    {"noteDate", {{"entityType", "date"}, {"date", "2026-11-24 00:00:00"}}}}}}}}
        .dump();
  }

  TempDir dir_;
  TestPki pki_;
  MockArbor arbor_;
  http::HttpClient client_;
};

TEST(MockArborLike, MatchesAsSqlLikeDoes) {
  EXPECT_TRUE(sql_like("Careers plan: RED [careerlink 1/plan/2]", "%[careerlink 1/%"));
  EXPECT_TRUE(sql_like("abc", "ABC"));
  EXPECT_TRUE(sql_like("abc", "a_c"));
  EXPECT_TRUE(sql_like("abc", "%"));
  EXPECT_TRUE(sql_like("", "%"));
  EXPECT_FALSE(sql_like("abc", "ab"));
  EXPECT_FALSE(sql_like("[careerlink 1/plan/12]", "%[careerlink 1/plan/1]%"));
  EXPECT_TRUE(sql_like("xaxbxc", "%a%b%c"));
}

TEST_F(MockArborTest, EveryRequestNeedsBasicCredentials) {
  auto none = send("GET", "/rest-v2/pastoral-notes", {}, false);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Basic realm=\"Arbor\"");
  EXPECT_EQ(json::parse(none.body)["response"]["code"], 401);

  http::HttpRequest wrong;
  wrong.url = arbor_.url() + "/rest-v2/pastoral-notes";
  wrong.headers.push_back(
      {"Authorization", arbor::basic_authorization(arbor_.options().username, "guess")});
  EXPECT_EQ(client_.send(wrong)->status, 401);
  EXPECT_EQ(send("GET", "/rest-v2/pastoral-notes").status, 200);
  auto seen = arbor_.requests();
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_FALSE(seen[0].authorised);
  EXPECT_FALSE(seen[1].authorised);
  EXPECT_TRUE(seen[2].authorised);
}

TEST_F(MockArborTest, FindsStudentsByUpnThroughLinksOnlyListings) {
  auto student = arbor_.add_student("A123456789012");
  auto list = json::parse(
      send("GET", "/rest-v2/uk-dfe_upn-assignments?filters.upn.equals=A123456789012").body);
  ASSERT_EQ(list["ukDfe_UpnAssignments"].size(), 1U);
  const auto& link = list["ukDfe_UpnAssignments"][0];
  EXPECT_FALSE(link.contains("student"));  // links only, as the docs describe listings
  auto one = json::parse(send("GET", link["href"].get<std::string>()).body);
  EXPECT_EQ(one["ukDfe_UpnAssignment"]["student"]["href"], student);
  EXPECT_TRUE(one["ukDfe_UpnAssignment"]["endDatetime"].is_null());
  EXPECT_EQ(send("GET", "/rest-v2/uk-dfe_upn-assignments?filters.nonsense.equals=1").status, 400);
}

TEST_F(MockArborTest, ValidatesNotesWithArborsErrorBody) {
  auto student = arbor_.add_student("A123456789012");
  auto missing = send("POST", "/rest-v2/pastoral-notes", note_body("/rest-v2/students/999", "s"));
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json::parse(missing.body)["response"]["errors"][0]["message"],
            "Student: the Student does not exist");
  auto long_summary =
      send("POST", "/rest-v2/pastoral-notes", note_body(student, std::string(256, 's')));
  EXPECT_EQ(long_summary.status, 422);
  EXPECT_EQ(send("POST", "/rest-v2/pastoral-notes", "{}").status, 400);
  EXPECT_TRUE(arbor_.notes().empty());

  auto made = send("POST", "/rest-v2/pastoral-notes", note_body(student, "Careers [m]"));
  ASSERT_EQ(made.status, 200);
  auto href = json::parse(made.body)["pastoralNote"]["href"].get<std::string>();
  auto found = json::parse(
      send("GET", "/rest-v2/pastoral-notes?filters.student.equals=" + arbor::url_encode(student) +
                      "&filters.summary.like=" + arbor::url_encode("%[m]%"))
          .body);
  ASSERT_EQ(found["pastoralNotes"].size(), 1U);
  EXPECT_EQ(found["pastoralNotes"][0]["href"], href);
  EXPECT_EQ(send("PUT", href, R"({"request":{"pastoralNote":{"content":"new"}}})").status, 200);
  EXPECT_EQ(arbor_.notes().at(0).content, "new");
  EXPECT_EQ(arbor_.notes().at(0).writes, 2);
  EXPECT_EQ(send("PUT", "/rest-v2/pastoral-notes/999", R"({"request":{"pastoralNote":{}}})").status,
            404);
}

TEST_F(MockArborTest, MisbehavesWhenTold) {
  arbor_.fail_next(1, 502);
  EXPECT_EQ(send("GET", "/rest-v2/pastoral-notes").status, 502);
  arbor_.throttle_next(1, "9");
  auto throttled = send("GET", "/rest-v2/pastoral-notes");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.header("Retry-After"), "9");
  EXPECT_EQ(send("GET", "/rest-v2/pastoral-notes").status, 200);

  auto student = arbor_.add_student("A123456789012");
  arbor_.lose_next_create(MockArbor::Lose::answer_500);
  EXPECT_EQ(send("POST", "/rest-v2/pastoral-notes", note_body(student, "made")).status, 500);
  EXPECT_EQ(arbor_.notes().size(), 1U);  // made all the same
}

}  // namespace
}  // namespace careerlink::test
