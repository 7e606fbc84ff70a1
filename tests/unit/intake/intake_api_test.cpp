// The intake API over real HTTP on loopback, against `careerlink serve` as a process holding the
// sample school, with a real webhook receiver as the MIS write-back sink: every status code the
// API promises, idempotent PUT, key scope, validation messages, and consent deciding what
// reaches the receiver.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/http/client/http_client.hpp"
#include "tests/receiver/https_receiver.hpp"
#include "tests/unit/support/test_service.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using nlohmann::json;
using test::run_careerlink;
using test::TempDir;
using test::write_file;

constexpr const char* kUrn = "137942";
constexpr const char* kY11 = "B820432116017";
constexpr const char* kY11Other = "Q820432116018";

// The body from the issue, for one of the sample school's pupils. The action was due long ago
// (overdue whenever the test runs) and the interview is in the past.
json interview_body(const std::string& upn, bool share_with_staff) {
  json body = json::parse(R"({"school_urn":"137942","date":"2026-01-12","minutes":45,
    "kind":"one_to_one","adviser":{"name":"Jo Patel","organisation":"Career Connect",
    "qualification_level":6},"provider_type":"external",
    "consent":{"share_with_staff":true,"share_with_trackers":true,"recorded_on":"2026-01-12"},
    "plan":{"summary":"Keen on engineering; needs a college place","intended_destination":
    {"activity_code":"230","provider":"Riverside College","course":"Level 3 Engineering"},
    "actions":[{"id":"a1","text":"Attend the college open evening","owner":"pupil",
    "due":"2026-02-05"}],"next_review":"2026-03-20"}})");
  body["pupil"] = {{"upn", upn}};
  body["consent"]["share_with_staff"] = share_with_staff;
  return body;
}

class IntakeApi : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    auto imported = run_careerlink({"--data-dir", data_.string(), "import", "ctf",
                                    test::sample_school("8204321_CTF_8204321_001.xml").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    key_ = create_key({kUrn});
    ASSERT_FALSE(key_.empty());
  }

  // `careerlink keys create`, and the key it printed once.
  std::string create_key(const std::vector<std::string>& schools) {
    std::vector<std::string> args{"--data-dir", data_.string(), "keys",
                                  "create",     "--name",       "Career Connect"};
    for (const auto& s : schools) {
      args.push_back("--school");
      args.push_back(s);
    }
    auto made = run_careerlink(args);
    EXPECT_EQ(made.exit_code, 0) << made.out << made.err;
    const auto at = made.out.find("clk_");
    if (at == std::string::npos) return {};
    return made.out.substr(at, made.out.find_first_of(" \n", at) - at);
  }

  void start(const std::string& extra_config = {}) {
    test::ReceiverOptions options;
    options.tls = false;
    options.hmac_secret = "writeback-secret";
    receiver_ = std::make_unique<test::HttpsReceiver>(options);
    write_file(dir_ / "secret", "writeback-secret\n");
    port_ = test::free_port();
    const auto config = dir_ / "careerlink.toml";
    write_file(config, "[serve]\nlisten = \"127.0.0.1:" + std::to_string(port_) +
                           "\"\nshutdown_grace_seconds = 2\n"
                           "[outbox]\npoll_interval_ms = 50\n"
                           "[[sink]]\nname = \"mis\"\ntype = \"webhook\"\nurl = \"" +
                           receiver_->url() + "\"\nsecret_file = \"" + (dir_ / "secret").string() +
                           "\"\n" + extra_config);
    service_ = std::make_unique<test::ServiceProcess>(config, data_, dir_ / "serve.log");
    ASSERT_TRUE(service_->wait_for_log("careerlink ready")) << service_->log();
  }

  http::HttpResponse call(const std::string& method, const std::string& path,
                          const std::string& body = {}, const std::optional<std::string>& key = {},
                          const std::string& content_type = "application/json") {
    http::HttpClient client;
    http::HttpRequest request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    const std::string k = key.value_or(key_);
    if (!k.empty()) request.headers.push_back({"Authorization", "Bearer " + k});
    if (!body.empty()) request.headers.push_back({"Content-Type", content_type});
    request.body = body;
    auto response = client.send(request);
    EXPECT_TRUE(response) << response.error().to_string();
    return response ? *response : http::HttpResponse{};
  }

  http::HttpResponse put(const std::string& id, const json& body,
                         const std::optional<std::string>& key = {}) {
    return call("PUT", "/api/v1/interviews/" + id, body.dump(), key);
  }

  // Every write-back event the receiver has been sent so far: "event" or "event kind".
  std::vector<std::string> received_events() {
    std::vector<std::string> out;
    for (const auto& r : receiver_->requests()) {
      auto batch = json::parse(r.body, nullptr, false);
      if (!batch.is_object()) continue;
      for (const auto& m : batch["messages"]) {
        const auto& p = m["payload"];
        std::string e = p["event"].get<std::string>();
        if (p.contains("flag")) e += " " + p["flag"]["kind"].get<std::string>();
        out.push_back(e);
      }
    }
    return out;
  }

  // Waits (bounded) until the receiver has seen `event`.
  bool wait_for_event(const std::string& event) {
    for (int i = 0; i < 200; ++i) {
      const auto seen = received_events();
      if (std::ranges::find(seen, event) != seen.end()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  json flags_of(const std::string& upn) {
    auto listed =
        run_careerlink({"--data-dir", data_.string(), "flags", "list", "--format", "json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.out << listed.err;
    json out = json::array();
    for (const auto& f : json::parse(listed.out)) {
      if (f["upn"] == upn) out.push_back(f);
    }
    return out;
  }

  static std::optional<json> flag(const json& flags, const std::string& kind) {
    for (const auto& f : flags) {
      if (f["kind"] == kind) return f;
    }
    return std::nullopt;
  }

  TempDir dir_;
  std::filesystem::path data_;
  std::string key_;
  std::unique_ptr<test::HttpsReceiver> receiver_;
  std::unique_ptr<test::ServiceProcess> service_;
  int port_ = 0;
};

TEST_F(IntakeApi, PutCreatesThenTheSameBodyIsUnchangedAndGetReturnsIt) {
  start();
  const json body = interview_body(kY11, true);
  auto created = put("cc-1001", body);
  ASSERT_EQ(created.status, 201) << created.body;
  auto answer = json::parse(created.body);
  EXPECT_EQ(answer["status"], "created");
  EXPECT_EQ(answer["plan_version"], 1);
  EXPECT_EQ(answer["sharing"], "shared with staff");

  auto again = put("cc-1001", body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["status"], "unchanged");

  json changed = body;
  changed["plan"]["actions"][0]["status"] = "done";
  changed["plan"]["actions"][0]["done_on"] = "2026-02-04";
  auto updated = put("cc-1001", changed);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["status"], "updated");
  EXPECT_EQ(json::parse(updated.body)["plan_version"], 2);

  auto got = call("GET", "/api/v1/interviews/cc-1001");
  ASSERT_EQ(got.status, 200) << got.body;
  auto held = json::parse(got.body);
  EXPECT_EQ(held["plan_version"], 2);
  EXPECT_EQ(held["interview"]["plan"]["actions"][0]["status"], "done");
  EXPECT_EQ(held["interview"]["pupil"]["upn"], kY11);

  EXPECT_EQ(call("GET", "/api/v1/interviews/cc-nope").status, 404);
}

TEST_F(IntakeApi, KeysAreCheckedAndScoped) {
  start();
  const json body = interview_body(kY11, true);
  EXPECT_EQ(put("cc-1", body, std::string()).status, 401) << "no key";
  auto unknown = put("cc-1", body, std::string("clk_not-a-key-at-all"));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(std::ranges::find_if(unknown.headers,
                                 [](const http::Header& h) {
                                   return h.name == "WWW-Authenticate" ||
                                          h.name == "www-authenticate";
                                 }),
            unknown.headers.end());

  const std::string other = create_key({"100001"});
  auto outside = put("cc-1", body, other);
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_NE(outside.body.find("137942"), std::string::npos);

  const std::string revoked = create_key({kUrn});
  EXPECT_EQ(put("cc-2", body, revoked).status, 201);
  auto listed = run_careerlink({"--data-dir", data_.string(), "keys", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out.find(revoked), std::string::npos) << "a key is never shown again";
  const std::string prefix = revoked.substr(0, 12);
  auto revoke = run_careerlink({"--data-dir", data_.string(), "keys", "revoke", prefix});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.out << revoke.err;
  EXPECT_EQ(put("cc-2", body, revoked).status, 401);
}

TEST_F(IntakeApi, ValidationErrorsNameEveryField) {
  start();
  json body = interview_body(kY11, true);
  body["plan"]["actions"][0]["due"] = "05/02/2026";
  body["kind"] = "chat";
  auto refused = put("cc-2001", body);
  ASSERT_EQ(refused.status, 422) << refused.body;
  const auto errors = json::parse(refused.body)["errors"];
  std::vector<std::string> fields;
  for (const auto& e : errors)
    fields.push_back(e["field"].get<std::string>());
  EXPECT_NE(std::ranges::find(fields, "plan.actions[0].due"), fields.end()) << refused.body;
  EXPECT_NE(std::ranges::find(fields, "kind"), fields.end()) << refused.body;

  // A well-formed UPN no pupil at the school has: named, never created.
  auto unknown = put("cc-2002", interview_body("J820432116099", true));
  ASSERT_EQ(unknown.status, 422) << unknown.body;
  const auto e = json::parse(unknown.body)["errors"][0];
  EXPECT_EQ(e["field"], "pupil.upn");
  EXPECT_NE(e["message"].get<std::string>().find("J820432116099"), std::string::npos);
  auto pupils = run_careerlink({"--data-dir", data_.string(), "pupils", "show", "J820432116099"});
  EXPECT_NE(pupils.exit_code, 0);

  EXPECT_EQ(call("PUT", "/api/v1/interviews/cc-2003", "{\"school_urn\":").status, 400);
  EXPECT_EQ(call("PUT", "/api/v1/interviews/cc-2003", body.dump(), {}, "text/plain").status, 415);
}

TEST_F(IntakeApi, BodiesOverTheLimitAre413AndFastCallersGet429) {
  start("[intake]\nmax_body_kb = 1\nrate_limit_per_minute = 5\n");
  json big = interview_body(kY11, true);
  big["plan"]["summary"] = std::string(1500, 'x');
  EXPECT_EQ(put("cc-3001", big).status, 413);
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 8; ++i) {
    auto r = call("GET", "/api/v1/interviews/cc-none");
    if (r.status == 429) {
      ++limited;
      for (const auto& h : r.headers) {
        if (h.name == "Retry-After" || h.name == "retry-after") retry_after = h.value;
      }
    }
  }
  EXPECT_GE(limited, 3);  // 5 a minute, one already spent on the 413
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
}

TEST_F(IntakeApi, DestinationsAreAddedOnceAndCodesChecked) {
  start();
  const json d{{"school_urn", kUrn},
               {"pupil", {{"upn", kY11Other}}},
               {"type", "intended"},
               {"activity_code", "310"},
               {"provider", {{"name", "Acme Engineering"}}}};
  auto added = call("POST", "/api/v1/destinations", d.dump());
  ASSERT_EQ(added.status, 201) << added.body;
  auto again = call("POST", "/api/v1/destinations", d.dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["status"], "unchanged");
  json bad = d;
  bad["activity_code"] = "999";
  auto refused = call("POST", "/api/v1/destinations", bad.dump());
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["errors"][0]["field"], "activity_code");
}

TEST_F(IntakeApi, NothingUnconsentedReachesTheMisAndWithdrawalTakesItBack) {
  start();
  // Not shared: the plan and its overdue action stay inside careerlink.
  auto kept = put("cc-4001", interview_body(kY11, false));
  ASSERT_EQ(kept.status, 201) << kept.body;
  EXPECT_EQ(json::parse(kept.body)["sharing"], "not shared");
  const auto overdue = flag(flags_of(kY11), "overdue_action");
  ASSERT_TRUE(overdue);
  EXPECT_EQ((*overdue)["sharing"], "not shared");
  auto shown = run_careerlink({"--data-dir", data_.string(), "pupils", "show", kY11});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("not shared (the pupil did not agree"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("[not shared]"), std::string::npos) << shown.out;

  // Another pupil's shared plan reaches the receiver: after it, nothing of the first had.
  auto shared = put("cc-4002", interview_body(kY11Other, true));
  ASSERT_EQ(shared.status, 201) << shared.body;
  ASSERT_TRUE(wait_for_event("plan.shared"));
  ASSERT_TRUE(wait_for_event("flag.raised overdue_action"));
  for (const auto& r : receiver_->requests()) {
    EXPECT_EQ(r.body.find(kY11), std::string::npos) << "the unshared pupil left careerlink";
  }

  // The second pupil withdraws: the receiver is told to remove the plan and the flag.
  auto withdrawn = put("cc-4002", interview_body(kY11Other, false));
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_TRUE(wait_for_event("plan.withdrawn"));
  EXPECT_TRUE(wait_for_event("flag.cleared overdue_action"));
}

TEST_F(IntakeApi, AnInterviewChangesThePupilsFlags) {
  // The no_interview date is the first day of the academic year, so every Y11 pupil without
  // an interview is flagged whenever this runs.
  const std::string rules =
      "[[school]]\nurn = \"137942\"\nlaestab = \"8204321\"\n[school.rules]\n"
      "no_interview_by = \"09-01\"\nno_interview_warn_days = 365\n";
  write_file(dir_ / "cli.toml", rules);
  auto updated = run_careerlink(
      {"--config", (dir_ / "cli.toml").string(), "--data-dir", data_.string(), "flags", "update"});
  ASSERT_EQ(updated.exit_code, 0) << updated.out << updated.err;
  ASSERT_TRUE(flag(flags_of(kY11), "no_interview"));
  start(rules);
  auto taken = put("cc-5001", interview_body(kY11, true));
  ASSERT_EQ(taken.status, 201) << taken.body;
  for (const auto& f : json::parse(taken.body)["flags"])
    EXPECT_NE(f["kind"], "no_interview");
  EXPECT_FALSE(flag(flags_of(kY11), "no_interview"));
  EXPECT_TRUE(wait_for_event("flag.cleared no_interview"));
}

}  // namespace
}  // namespace careerlink
