// How Arbor's answers map to ok/retry/fail, and the small encodings the API needs.
#include "plugins/arbor/arbor_api.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace careerlink::arbor {
namespace {

using Kind = outbox::DeliveryResult::Kind;
using namespace std::chrono_literals;

http::HttpResponse response(int status, std::string body = {},
                            std::vector<http::Header> headers = {}) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 9h;

constexpr const char* kValidation =
    R"({"response":{"code":422,"reason":"Unprocessable Entity","errors":[{"exception":"V",)"
    R"("message":"Summary: must be no longer than 255 characters","trace":[]}]}})";

TEST(ArborApiEncoding, BasicAuthorizationIsRfc7617) {
  // RFC 7617 section 2's example.
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("a", "b"), "Basic YTpi");
  EXPECT_EQ(basic_authorization("ab", "c"), "Basic YWI6Yw==");
}

TEST(ArborApiEncoding, UrlEncodeLeavesOnlyUnreservedCharacters) {
  EXPECT_EQ(url_encode("%[careerlink 137942/"), "%25%5Bcareerlink%20137942%2F");
  EXPECT_EQ(url_encode("/rest-v2/students/12"), "%2Frest-v2%2Fstudents%2F12");
  EXPECT_EQ(url_encode("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(url_encode("é&="), "%C3%A9%26%3D");
}

TEST(ArborApiClassify, SuccessIsNoFailure) {
  EXPECT_FALSE(classify_response(response(200, R"({"pastoralNote":{}})"), kNow));
  EXPECT_FALSE(classify_response(response(201), kNow));
  EXPECT_FALSE(
      classify_response(response(200, R"({"response":{"code":200,"reason":"OK"}})"), kNow));
}

TEST(ArborApiClassify, A2xxWhoseBodySaysErrorIsTheBodysError) {
  // The PHP SDK takes `response.code` over the HTTP status.
  auto f = classify_response(response(200, kValidation), kNow);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, Kind::fail);
  EXPECT_EQ(f->status, 422);
}

TEST(ArborApiClassify, CredentialsAndPermissionsFailNamingWhatToCheck) {
  auto unauthorised = classify_response(response(401, "{}"), kNow);
  ASSERT_TRUE(unauthorised);
  EXPECT_EQ(unauthorised->kind, Kind::fail);
  EXPECT_NE(unauthorised->reason.find("HTTP 401 from Arbor"), std::string::npos);
  EXPECT_NE(unauthorised->reason.find("password_file/password_env"), std::string::npos);
  EXPECT_NE(unauthorised->reason.find("Partner Apps (API Users)"), std::string::npos);

  auto forbidden = classify_response(
      response(403, R"({"response":{"code":403,"reason":"Forbidden","errors":[{"message":)"
                    R"("Permission denied: PastoralNote create"}]}})"),
      kNow);
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->kind, Kind::fail);
  EXPECT_NE(forbidden->reason.find("pastoral notes"), std::string::npos);
  EXPECT_NE(forbidden->reason.find("Permission denied: PastoralNote create"), std::string::npos);
}

TEST(ArborApiClassify, ValidationFailsWithArborsOwnMessage) {
  auto f = classify_response(response(422, kValidation), kNow);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, Kind::fail);
  EXPECT_EQ(f->reason, "HTTP 422 from Arbor: Summary: must be no longer than 255 characters");
  auto plain = classify_response(response(400, "bad\nrequest"), kNow);
  EXPECT_EQ(plain->reason, "HTTP 400 from Arbor: bad request");
}

TEST(ArborApiClassify, BusyOrBrokenRetriesHonouringRetryAfter) {
  auto throttled = classify_response(response(429, "{}", {{"Retry-After", "30"}}), kNow);
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->kind, Kind::retry);
  EXPECT_EQ(throttled->retry_after, 30s);
  auto dated = classify_response(
      response(503, "", {{"retry-after", "Tue, 24 Nov 2026 09:02:00 GMT"}}), kNow);
  EXPECT_EQ(dated->kind, Kind::retry);
  EXPECT_EQ(dated->retry_after, 120s);
  EXPECT_EQ(classify_response(response(500, "oops"), kNow)->kind, Kind::retry);
  EXPECT_EQ(classify_response(response(408), kNow)->kind, Kind::retry);
  auto result = throttled->result();
  EXPECT_EQ(result.kind, Kind::retry);
  EXPECT_EQ(result.retry_after, 30s);
}

TEST(ArborApiClassify, NotFoundIsAFailureTheCallerMayReadAsGone) {
  auto f =
      classify_response(response(404, R"({"response":{"code":404,"reason":"Not Found"}})"), kNow);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->not_found());
  EXPECT_EQ(f->reason, "HTTP 404 from Arbor: Not Found");
}

TEST(ArborApiErrorMessage, JoinsEveryErrorOnOneShortLine) {
  EXPECT_EQ(arbor_error_message(
                R"({"response":{"errors":[{"message":"A is wrong"},{"message":"B too"}]}})"),
            "A is wrong; B too");
  EXPECT_EQ(arbor_error_message(std::string(500, 'z')).size(), 203U);
  EXPECT_EQ(arbor_error_message(""), "");
}

TEST(ArborApiOptions, RefusesAddressesThatWouldLeakOrMislead) {
  auto make = [](std::string url, std::string password = "pw") {
    return ArborApi(ArborApiOptions{std::move(url), "user", std::move(password), {}});
  };
  EXPECT_THROW(make("http://school.uk.arbor.sc"), std::invalid_argument);  // password in clear
  EXPECT_THROW(make("ftp://school.uk.arbor.sc"), std::invalid_argument);
  EXPECT_THROW(make("https://school.uk.arbor.sc/some/path"), std::invalid_argument);
  EXPECT_THROW(make("https://user:pw@school.uk.arbor.sc"), std::invalid_argument);
  EXPECT_THROW(make("https://school.uk.arbor.sc", ""), std::invalid_argument);
  EXPECT_EQ(make("https://school.uk.arbor.sc/rest-v2/").origin(), "https://school.uk.arbor.sc");
  EXPECT_EQ(make("http://127.0.0.1:9000").origin(), "http://127.0.0.1:9000");  // a test server
  EXPECT_EQ(make("http://localhost:9000/").origin(), "http://localhost:9000");
}

}  // namespace
}  // namespace careerlink::arbor
