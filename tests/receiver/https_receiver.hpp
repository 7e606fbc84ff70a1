// A misbehaving HTTPS receiver for tests, and a tiny CONNECT proxy, both on loopback with their
// own thread. Beast-free header: Beast stays in https_receiver.cpp (compiled once, in the
// careerlink_test_receiver library) so every test binary does not pay for it.
//
// The receiver speaks the webhook wire format (connectors/webhook/README.md): it verifies the
// HMAC signature when given the secret, and applies each idempotency key at most once (a key seen
// before is acknowledged 200 but not applied again), the way a careful real receiver would.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careerlink::test {

enum class ReceiverAction {
  ok,            // 200; applies new keys
  retry_later,   // 429 with Retry-After (ReceiverReply::retry_after)
  server_error,  // 500
  bad_request,   // 400 with ReceiverReply::body as the reason
  stall,         // reads the request and never answers (until the receiver stops)
  reset,         // starts a response, then resets the TCP connection (SO_LINGER 0)
};

struct ReceiverReply {
  ReceiverAction action = ReceiverAction::ok;
  std::string retry_after = "7";  // 429 only: the Retry-After value (seconds or an HTTP-date)
  std::string body;               // replaces the default body (200: e.g. a "results" document)
  // After answering (with keep-alive), close the connection as a server closing an idle
  // keep-alive connection would: the client must notice before reusing it.
  bool close_after = false;
};

struct ReceivedRequest {
  std::size_t connection = 0;  // 1-based number of the TCP connection it arrived on
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::string> keys;  // idempotency keys found in the body (or Idempotency-Key)
  bool signature_ok = false;      // only meaningful when the receiver has the secret
  ReceiverAction action = ReceiverAction::ok;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

struct ReceiverOptions {
  std::filesystem::path cert;  // server certificate chain (PEM); unused when tls is false
  std::filesystem::path key;
  bool tls = true;
  std::optional<std::filesystem::path> client_ca;  // set: require a client certificate
  std::optional<std::string> hmac_secret;  // set: a bad signature gets 401 and is not applied
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  // Set: each newly applied key is appended here as a line, flushed at once (for a receiver in
  // another process, e.g. the crash test).
  std::optional<std::filesystem::path> applied_log;
};

class HttpsReceiver {
 public:
  // Listens at once; throws std::runtime_error when it cannot (bad certificate, port taken).
  explicit HttpsReceiver(ReceiverOptions options);
  ~HttpsReceiver();
  HttpsReceiver(const HttpsReceiver&) = delete;
  HttpsReceiver& operator=(const HttpsReceiver&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "https://127.0.0.1:<port><path>" (http:// when tls is false).
  [[nodiscard]] std::string url(std::string_view path = "/hook") const;
  [[nodiscard]] std::string url_for_host(std::string_view host,
                                         std::string_view path = "/hook") const;

  // Replies used one per request, in order; when used up, the default reply (200) applies.
  void script(std::vector<ReceiverReply> replies);
  void set_default(ReceiverReply reply);

  [[nodiscard]] std::size_t connections() const;
  // Connections the receiver has finished with (closed or dropped).
  [[nodiscard]] std::size_t closed_connections() const;
  bool wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const;
  [[nodiscard]] std::vector<ReceivedRequest> requests() const;
  // Key -> times applied (never above 1: dedupe) and key -> times received (any reply).
  [[nodiscard]] std::map<std::string, int> applied() const;
  [[nodiscard]] std::map<std::string, int> received() const;
  // Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

  // Stops listening and drops every connection (stalled ones too). Idempotent.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A CONNECT proxy for tests (plain TCP on loopback): tunnels CONNECT host:port to the target,
// and answers any absolute-form request itself with 200 and "proxied <target>" as the body.
class ConnectProxy {
 public:
  ConnectProxy();
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string url() const;  // "http://127.0.0.1:<port>"
  // Request-targets seen, in order: "127.0.0.1:4431" for CONNECT, the full URL otherwise.
  [[nodiscard]] std::vector<std::string> targets() const;
  // Proxy-Authorization values seen (empty string when absent), one per request.
  [[nodiscard]] std::vector<std::string> authorizations() const;
  void refuse_with(int status);  // answer CONNECT with this status instead of tunnelling
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Hex HMAC-SHA256 of `data` under `secret`, computed independently of the webhook sink.
std::string receiver_hmac_hex(std::string_view secret, std::string_view data);

}  // namespace careerlink::test
