// careerlink's outbound HTTP(S) client: a synchronous facade (osquery's http_client shape) over
// Boost.Beast + OpenSSL, for the outbox workers and connectors. This header is Beast-free on
// purpose: Beast is slow to compile, so only http_client.cpp includes it.
//
// What it does: keep-alive connections pooled per (scheme, host, port); a timeout on every phase
// (resolve+connect, proxy CONNECT, TLS handshake, write, read); TLS with SNI and host-name
// verification on by default against the system CA store or a configured bundle; an optional
// client certificate; HTTP(S) proxies through CONNECT (from the options, else https_proxy /
// http_proxy and no_proxy in the environment).
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careerlink::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};    // DNS resolve + TCP connect (each)
  std::chrono::milliseconds handshake_timeout{10'000};  // proxy CONNECT and TLS handshake
  std::chrono::milliseconds write_timeout{30'000};      // sending the whole request
  std::chrono::milliseconds read_timeout{60'000};       // receiving the whole response
  // An idle pooled connection older than this is closed rather than reused: servers drop idle
  // keep-alive connections (often after 5-60 s), and a dead one costs a failed request.
  std::chrono::milliseconds idle_timeout{30'000};

  std::optional<std::filesystem::path> ca_bundle;    // PEM; unset: the system store
  std::optional<std::filesystem::path> client_cert;  // PEM chain, for mutual TLS
  std::optional<std::filesystem::path> client_key;   // PEM; defaults to client_cert's file
  // Off only through an explicit config key; the client logs a warning when it is off.
  bool verify_tls = true;

  // Proxy URL ("http://proxy.school.local:3128", optionally with user:password@). Unset: read
  // https_proxy/HTTPS_PROXY (https URLs), http_proxy/HTTP_PROXY (http URLs) and
  // no_proxy/NO_PROXY from the environment at construction, unless proxy_from_env is false.
  std::optional<std::string> proxy;
  bool proxy_from_env = true;
  std::vector<std::string> no_proxy;  // host suffixes that bypass the proxy ("*" = all)

  std::size_t max_idle_per_host = 4;
  std::size_t response_body_limit = std::size_t{8} * 1024 * 1024;
  std::string user_agent = "careerlink/0.1";
};

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: http://... or https://...
  std::vector<Header> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<Header> headers;
  std::string body;

  // First header with this name, compared case-insensitively.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

enum class HttpErrorKind {
  invalid_request,  // bad URL, unsupported scheme, bad proxy setting
  resolve,          // DNS
  connect,          // TCP connect (to the server or the proxy)
  proxy,            // the proxy refused the CONNECT or answered nonsense
  handshake,        // TLS handshake failed for a reason other than verification
  tls_verify,       // the server's certificate is untrusted or names another host
  write,            // sending the request failed (reset, broken pipe)
  read,             // receiving the response failed (reset, closed early, too large, garbled)
  timeout,          // a phase ran past its timeout; `phase` says which
};

// Which phase an error happened in (for a timeout, the phase that ran out of time).
enum class HttpPhase { setup, resolve, connect, proxy, handshake, write, read };

struct HttpError {
  HttpErrorKind kind = HttpErrorKind::invalid_request;
  HttpPhase phase = HttpPhase::setup;
  std::string message;  // for people and logs; never holds request bodies or credentials

  [[nodiscard]] std::string to_string() const;  // "timeout during read: ..."
};

std::string_view to_string(HttpErrorKind kind);
std::string_view to_string(HttpPhase phase);

using HttpResult = std::expected<HttpResponse, HttpError>;

// Thread-safe: any number of threads may call send() at once; each request uses its own
// connection, taken from the pool or newly opened, and returns it to the pool afterwards when the
// response allows keep-alive.
//
// Retry rule: a request sent on a pooled (reused) connection that fails while being WRITTEN is
// retried once on a fresh connection, because the server cannot have seen a whole request. A
// failure after the request was written (reading the response) is never retried here: the server
// may have processed it, and only the caller (with its idempotency key) can decide to resend.
class HttpClient {
 public:
  // Throws std::runtime_error when the TLS setup cannot be loaded (missing CA bundle, bad client
  // certificate or key) or the proxy URL is malformed: a config mistake to report at start-up.
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult send(const HttpRequest& request);

  // Idle connections currently pooled, over all hosts (for tests and metrics).
  [[nodiscard]] std::size_t idle_connections() const;
  // Connections opened since construction (for tests and metrics).
  [[nodiscard]] std::size_t connections_opened() const;
  // Closes every idle connection.
  void close_idle();

  // The proxy that send() would use for `url` (after the environment and no_proxy), if any.
  [[nodiscard]] std::optional<std::string> proxy_for(std::string_view url) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace careerlink::http
