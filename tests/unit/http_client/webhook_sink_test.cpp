// The webhook sink end to end against the loopback receiver: signature, response mapping,
// dedupe by idempotency key.
#include "connectors/webhook/webhook_sink.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/receiver/https_receiver.hpp"
#include "tests/unit/support/test_support.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink::webhook {
namespace {

using outbox::DeliveryResult;
using test::HttpsReceiver;
using test::ReceiverAction;
using namespace std::chrono_literals;

constexpr const char* kSecret = "s3cret-for-tests-only";

OutboxMessage message(std::string key, std::string payload) {
  OutboxMessage m;
  m.sink = "hook";
  m.idempotency_key = std::move(key);
  m.payload = std::move(payload);
  return m;
}

class WebhookSinkTest : public ::testing::Test {
 protected:
  WebhookSinkTest() : pki_(test::make_test_pki(dir_.path() / "pki")) {}

  std::unique_ptr<HttpsReceiver> receiver(std::optional<std::string> secret = kSecret) {
    test::ReceiverOptions o;
    o.cert = pki_.server_cert;
    o.key = pki_.server_key;
    o.hmac_secret = std::move(secret);
    return std::make_unique<HttpsReceiver>(o);
  }

  WebhookOptions options(const HttpsReceiver& r, std::string secret = kSecret) const {
    WebhookOptions o;
    o.name = "hook";
    o.url = r.url("/careers");
    o.secret = std::move(secret);
    o.http.ca_bundle = pki_.ca_cert;
    o.http.proxy_from_env = false;
    o.http.read_timeout = 5s;
    return o;
  }

  static outbox::DeliveryContext context() {
    outbox::DeliveryContext c;
    c.now = std::chrono::system_clock::now();
    return c;
  }

  test::TempDir dir_;
  test::TestPki pki_;
  std::vector<OutboxMessage> batch_{message("dest-1", R"({"upn":"A1","n":1.50})"),
                                    message("dest-2", R"({"upn":"B2","n":[1,2]})")};
};

TEST(WebhookSignature, ReceiverHmacMatchesRfc4231) {
  // RFC 4231 test case 2, so the receiver's check is itself known to be right.
  EXPECT_EQ(test::receiver_hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, SignsTimestampDotBody) {
  EXPECT_EQ(sign("key", "1700000000", R"({"messages":[]})"),
            "sha256=" + test::receiver_hmac_hex("key", R"(1700000000.{"messages":[]})"));
  EXPECT_NE(sign("key", "1700000000", "a"), sign("key", "1700000001", "a"));
}

TEST(WebhookRetryAfter, ParsesSecondsAndHttpDates) {
  auto now = std::chrono::sys_days{std::chrono::year{2015} / 10 / 21} + 7h + 27min;
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), 60s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), 0s);  // past: now
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST_F(WebhookSinkTest, DeliversASignedBatchTheReceiverVerifies) {
  auto r = receiver();
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  ASSERT_EQ(results.size(), 2u);
  for (const auto& res : results)
    EXPECT_EQ(res.kind, DeliveryResult::Kind::ok) << res.reason;

  auto requests = r->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].signature_ok);
  EXPECT_EQ(requests[0].target, "/careers");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_FALSE(requests[0].header("Idempotency-Key").has_value());  // two messages: body only
  // Payloads go out byte for byte as stored.
  EXPECT_EQ(requests[0].body,
            R"({"messages":[{"idempotency_key":"dest-1","payload":{"upn":"A1","n":1.50}},)"
            R"({"idempotency_key":"dest-2","payload":{"upn":"B2","n":[1,2]}}]})");
  EXPECT_EQ(r->applied(), (std::map<std::string, int>{{"dest-1", 1}, {"dest-2", 1}}));
}

TEST_F(WebhookSinkTest, OneMessageAlsoCarriesTheIdempotencyKeyHeader) {
  auto r = receiver();
  WebhookSink sink(options(*r));
  auto results = sink.deliver(std::span(batch_).first(1), context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::ok);
  EXPECT_EQ(r->requests().at(0).header("Idempotency-Key"), "dest-1");
}

TEST_F(WebhookSinkTest, WrongSecretIsRejectedByTheReceiverAndFails) {
  auto r = receiver();
  WebhookSink sink(options(*r, "not-the-secret"));
  auto results = sink.deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::fail);  // 401: permanent
  EXPECT_NE(results.at(0).reason.find("401"), std::string::npos);
  EXPECT_FALSE(r->requests().at(0).signature_ok);
  EXPECT_TRUE(r->applied().empty());
}

TEST_F(WebhookSinkTest, TooManyRequestsRetriesAfterTheAskedDelay) {
  auto r = receiver();
  r->script({{ReceiverAction::retry_later, "42"}});
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  for (const auto& res : results) {
    EXPECT_EQ(res.kind, DeliveryResult::Kind::retry);
    EXPECT_EQ(res.retry_after, 42s);
    EXPECT_NE(res.reason.find("429"), std::string::npos);
  }
  EXPECT_TRUE(r->applied().empty());
}

TEST_F(WebhookSinkTest, ServerErrorRetries) {
  auto r = receiver();
  r->script({{ReceiverAction::server_error}});
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::retry);
  EXPECT_EQ(results.at(0).retry_after, std::nullopt);
  EXPECT_NE(results.at(0).reason.find("500"), std::string::npos);
}

TEST_F(WebhookSinkTest, BadRequestFailsAndKeepsTheReason) {
  auto r = receiver();
  r->script({{ReceiverAction::bad_request, "", R"({"error":"unknown UPN"})"}});
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  for (const auto& res : results) {
    EXPECT_EQ(res.kind, DeliveryResult::Kind::fail);
    EXPECT_NE(res.reason.find("HTTP 400"), std::string::npos) << res.reason;
    EXPECT_NE(res.reason.find("unknown UPN"), std::string::npos) << res.reason;
  }
}

TEST_F(WebhookSinkTest, ResetConnectionRetries) {
  auto r = receiver();
  r->script({{ReceiverAction::reset}});
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::retry);
  EXPECT_EQ(results.at(1).kind, DeliveryResult::Kind::retry);
  EXPECT_TRUE(r->applied().empty());
}

TEST_F(WebhookSinkTest, StalledReceiverTimesOutAndRetries) {
  auto r = receiver();
  r->script({{ReceiverAction::stall}});
  auto o = options(*r);
  o.http.read_timeout = 300ms;
  WebhookSink sink(o);
  auto results = sink.deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::retry);
  EXPECT_NE(results.at(0).reason.find("timeout"), std::string::npos) << results.at(0).reason;
}

TEST_F(WebhookSinkTest, RedeliveryAfterAFailureIsDedupedByKey) {
  auto r = receiver();
  WebhookSink sink(options(*r));
  // Delivered, but (say) the ack was lost in a crash: the outbox sends the batch again.
  ASSERT_EQ(sink.deliver(batch_, context()).at(0).kind, DeliveryResult::Kind::ok);
  ASSERT_EQ(sink.deliver(batch_, context()).at(0).kind, DeliveryResult::Kind::ok);
  EXPECT_EQ(r->received(), (std::map<std::string, int>{{"dest-1", 2}, {"dest-2", 2}}));
  EXPECT_EQ(r->applied(), (std::map<std::string, int>{{"dest-1", 1}, {"dest-2", 1}}));
}

TEST_F(WebhookSinkTest, PerMessageResultsInA200BodyAreHonoured) {
  auto r = receiver();
  r->script({{ReceiverAction::ok, "",
              R"({"results":[{"idempotency_key":"dest-2","status":"retry","reason":"busy",)"
              R"("retry_after":9}]})"}});
  WebhookSink sink(options(*r));
  auto results = sink.deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::ok);
  EXPECT_EQ(results.at(1).kind, DeliveryResult::Kind::retry);
  EXPECT_EQ(results.at(1).reason, "busy");
  EXPECT_EQ(results.at(1).retry_after, 9s);
}

TEST_F(WebhookSinkTest, NonJsonPayloadFailsAloneAndTheRestIsSent) {
  auto r = receiver();
  WebhookSink sink(options(*r));
  std::vector<OutboxMessage> batch{message("good", R"({"a":1})"), message("bad", "not json{")};
  auto results = sink.deliver(batch, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::ok);
  EXPECT_EQ(results.at(1).kind, DeliveryResult::Kind::fail);
  EXPECT_EQ(r->applied(), (std::map<std::string, int>{{"good", 1}}));
}

TEST_F(WebhookSinkTest, ShutdownAnswersRetryWithoutSending) {
  auto r = receiver();
  WebhookSink sink(options(*r));
  std::stop_source stop;
  stop.request_stop();
  auto c = context();
  c.stop = stop.get_token();
  auto results = sink.deliver(batch_, c);
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::retry);
  EXPECT_TRUE(r->requests().empty());
}

TEST_F(WebhookSinkTest, FactoryReadsTheSecretByReference) {
  auto r = receiver();
  test::write_file(dir_.path() / "secret", std::string(kSecret) + "\n");  // newline trimmed
  outbox::SinkSettings settings;
  settings.name = "la-nightly";
  settings.values = {{"url", r->url("/careers")},
                     {"secret_file", (dir_.path() / "secret").string()},
                     {"ca_file", pki_.ca_cert.string()},
                     {"proxy", ""},
                     {"timeout_seconds", "5"}};
  ::setenv("no_proxy", "127.0.0.1", 1);  // an environment proxy must not catch loopback
  register_webhook_sink();
  register_webhook_sink();  // twice is harmless
  auto sink = outbox::make_sink("webhook", settings);
  ASSERT_TRUE(sink.has_value()) << sink.error();
  EXPECT_EQ((*sink)->name(), "la-nightly");
  auto results = (*sink)->deliver(batch_, context());
  EXPECT_EQ(results.at(0).kind, DeliveryResult::Kind::ok) << results.at(0).reason;
  EXPECT_TRUE(r->requests().at(0).signature_ok);

  ::setenv("CAREERLINK_TEST_WEBHOOK_SECRET", kSecret, 1);
  settings.values.erase("secret_file");
  settings.values["secret_env"] = "CAREERLINK_TEST_WEBHOOK_SECRET";
  auto from_env = make_webhook_sink(settings);
  ASSERT_TRUE(from_env.has_value()) << from_env.error();
  EXPECT_EQ((*from_env)->deliver(batch_, context()).at(0).kind, DeliveryResult::Kind::ok);
  ::unsetenv("CAREERLINK_TEST_WEBHOOK_SECRET");
  ::unsetenv("no_proxy");
}

TEST_F(WebhookSinkTest, FactoryRefusesAMissingOrEmptySecret) {
  outbox::SinkSettings settings;
  settings.name = "hook";
  settings.values = {{"url", "https://example.org/hook"}};
  auto none = make_webhook_sink(settings);
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().find("secret"), std::string::npos);

  test::write_file(dir_.path() / "empty", "\n");
  settings.values["secret_file"] = (dir_.path() / "empty").string();
  auto empty = make_webhook_sink(settings);
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().find("empty"), std::string::npos);

  settings.values["secret_file"] = (dir_.path() / "missing").string();
  EXPECT_FALSE(make_webhook_sink(settings).has_value());

  settings.values.erase("secret_file");
  settings.values["secret_env"] = "CAREERLINK_TEST_UNSET_VARIABLE_XYZ";
  EXPECT_FALSE(make_webhook_sink(settings).has_value());

  settings.values.erase("url");
  EXPECT_FALSE(make_webhook_sink(settings).has_value());
}

TEST_F(WebhookSinkTest, SecretNeverAppearsInErrors) {
  test::write_file(dir_.path() / "secret", kSecret);
  outbox::SinkSettings settings;
  settings.name = "hook";
  settings.values = {{"url", "ftp://example.org/"},
                     {"secret_file", (dir_.path() / "secret").string()}};
  auto bad = make_webhook_sink(settings);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace careerlink::webhook
