// careerlink's HTTP(S) listener: admin endpoints now, the intake API and careers panel later, all
// routed through one Router. Beast-free on purpose: Boost.Beast lives only in http_server.cpp.
//
// Threading: the server owns its io_context and `threads` worker threads. Each connection runs
// on its own strand; handlers are called synchronously on a worker thread, so a handler that
// blocks (a store query) holds one worker: keep handlers short or raise `threads`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "daemon/http/server/admin_routes.hpp"
#include "daemon/http/server/router.hpp"

namespace careerlink::metrics {
class Registry;
}

namespace careerlink::http {

struct ServerOptions {
  // "host:port" or "[v6]:port"; host is an IP literal or "localhost". Port 0 picks a free port.
  std::string listen = "127.0.0.1:8470";
  std::size_t threads = 2;
  std::uint32_t header_limit = 8 * 1024;                  // request line + fields; over it: 431
  std::uint64_t body_limit = std::uint64_t{1024} * 1024;  // over it: 413
  std::chrono::milliseconds read_timeout{15'000};  // TLS handshake, and each request once begun
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};
  // TLS (1.2+) when both are set: PEM certificate chain and PEM private key.
  std::optional<std::filesystem::path> tls_cert_file;
  std::optional<std::filesystem::path> tls_key_file;
  // Bearer token for Access::admin routes. Enforced whenever set; REQUIRED (start() fails
  // without it) when `listen` is not a loopback address.
  std::optional<std::string> admin_token;
  // Where careerlink_http_request_duration_seconds{route} goes; not owned, must outlive the
  // server. nullptr: metrics::default_registry().
  metrics::Registry* metrics = nullptr;
};

struct Endpoint {
  std::string address;
  std::uint16_t port = 0;
};

class HttpServer {
 public:
  // Validates the options, loads TLS material, binds, and starts serving. The error string is
  // meant for the operator (it names the option to fix).
  static std::expected<std::unique_ptr<HttpServer>, std::string> start(ServerOptions options,
                                                                       Router router);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // stop() with the default grace

  [[nodiscard]] Endpoint local_endpoint() const;  // the real port when listening on port 0
  [[nodiscard]] bool tls() const;
  [[nodiscard]] bool stopping() const;

  // Stops accepting, closes idle and half-read connections, lets requests already being
  // handled or written finish (responses then carry Connection: close) for up to `grace`,
  // then closes whatever is left and joins the worker threads. Idempotent; blocks.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace careerlink::http
