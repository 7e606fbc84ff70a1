// tracker-api: a tracker's HTTPS JSON API (the contract is in connectors/tracker/README.md).
// Records go in batches of batch_size, each with its idempotency key; the answer says per
// record accepted, duplicate (held already: as good as accepted) or rejected. 429, 408 and 5xx
// are retried in the run (Retry-After honoured, up to kAttempts), a 401 fetches a new OAuth2
// token once, and what still fails is left for the next run.
#pragma once

#include <memory>

#include "connectors/tracker/oauth2_token.hpp"
#include "connectors/tracker/tracker_uploader.hpp"
#include "daemon/http/client/http_client.hpp"

namespace careerlink::tracker {

struct TrackerApiOptions {
  std::string name;
  std::string url;  // base URL; batches go to <url>/destinations/batch
  std::size_t batch_size = 100;
  std::string bearer_token;              // auth = bearer
  std::optional<OAuth2Settings> oauth2;  // auth = oauth2
  http::ClientOptions http;
  int attempts = 4;                   // per batch, for 429 / 408 / 5xx / network errors
  std::chrono::seconds max_wait{60};  // longest Retry-After waited for in a run
};

class TrackerApiUploader final : public Uploader {
 public:
  explicit TrackerApiUploader(TrackerApiOptions options);
  std::expected<std::vector<RecordOutcome>, std::string> upload(
      std::string_view school_urn, std::span<const TrackerRecord> records,
      const UploadContext& context) override;

 private:
  // One batch, retried as the rules above say; fills `out` for the batch's records.
  void send_batch(std::string_view school_urn, std::span<const TrackerRecord> batch,
                  std::span<RecordOutcome> out, const UploadContext& context);
  std::expected<std::string, std::string> authorization();

  TrackerApiOptions options_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<OAuth2Token> token_;
};

std::expected<std::unique_ptr<Uploader>, std::string> make_tracker_api_uploader(
    const SinkConfig& sink, const UploaderEnvironment& environment);

}  // namespace careerlink::tracker
