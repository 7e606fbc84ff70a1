// A mock of a tracker's HTTPS JSON API as connectors/tracker/README.md documents it (careerlink's
// own HTTP server over real TLS), for the tracker-api uploader's tests:
//
//   POST /oauth/token   grant_type=client_credentials, client by HTTP Basic
//                       -> {"access_token","token_type":"Bearer","expires_in"}
//   POST /destinations/batch  Authorization: Bearer <token>
//        {"school_urn","records":[{"idempotency_key",...}]}
//        ->
//        {"results":[{"idempotency_key","status":"accepted"|"duplicate"|"rejected","id","reason"}]}
//
// It holds one record per record_id (the latest version wins) and remembers every idempotency
// key it accepted, answering "duplicate" for a key seen before, so a test can prove each
// destination version arrives once. It misbehaves as real trackers do, on request: tokens that
// expire (by count of uses, so no test waits for a clock), 401 for a revoked token, 429 with
// Retry-After, 5xx, partial acceptance (records whose UPN the test names are rejected), and
// answers that leave records out.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace careerlink::test {

struct MockTrackerOptions {
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::string client_id = "careerlink";
  std::string client_secret = "tracker-test-secret";
  std::string static_token = "static-test-token";  // accepted as a bearer token too
  int token_lifetime_seconds = 3600;               // what expires_in says
  std::size_t max_batch = 500;                     // a larger batch gets 413
};

class MockTracker {
 public:
  explicit MockTracker(MockTrackerOptions options);  // throws std::runtime_error
  ~MockTracker();
  MockTracker(const MockTracker&) = delete;
  MockTracker& operator=(const MockTracker&) = delete;

  [[nodiscard]] std::string url() const;  // "https://127.0.0.1:<port>"

  // Misbehaviour (each for the next N batch requests, after authentication).
  void fail_next(int count, int status = 503);
  void throttle_next(int count, std::string retry_after);
  // Every issued token stops working after this many batch requests (401 then).
  void expire_tokens_after(int uses);
  // Records with this UPN are rejected ("unknown school" style), the rest accepted.
  void reject_upn(std::string upn, std::string reason);
  void clear_rejections();
  // The next answer leaves out the last `count` records of its batch.
  void drop_from_next_answer(int count);

  // What it holds.
  [[nodiscard]] std::map<std::string, nlohmann::json> records() const;  // by record_id
  // How many times each idempotency key was accepted (must be 1 for each).
  [[nodiscard]] std::map<std::string, int> acceptances() const;
  [[nodiscard]] int batch_requests() const;                    // every POST to /destinations/batch
  [[nodiscard]] int token_requests() const;                    // every POST to /oauth/token
  [[nodiscard]] int unauthorised() const;                      // batch requests answered 401
  [[nodiscard]] std::vector<std::size_t> batch_sizes() const;  // of batches it processed

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace careerlink::test
