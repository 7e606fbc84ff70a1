// The Beast + OpenSSL side of HttpClient (the only file that includes Beast).
//
// Shape: each pooled connection owns a small io_context, and every phase is an async operation
// run to completion on the calling thread with `expires_after` set first (the Beast client
// examples' way to time out each phase; sync Beast calls cannot time out). A connection is used
// by one thread at a time: it is taken out of the pool under the lock and put back afterwards.
#include "daemon/http/client/http_client.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

namespace careerlink::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

HttpError make_error(HttpErrorKind kind, HttpPhase phase, std::string message) {
  return HttpError{kind, phase, std::move(message)};
}

// Where a URL points. `host` is bare (no IPv6 brackets).
struct Endpoint {
  bool tls = false;
  std::string host;
  std::uint16_t port = 0;
  std::string target;  // origin-form: path and query

  [[nodiscard]] bool default_port() const { return port == (tls ? 443 : 80); }
  [[nodiscard]] std::string host_for_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h;
  }
  [[nodiscard]] std::string authority() const {
    return host_for_header() + ":" + std::to_string(port);
  }
  [[nodiscard]] std::string host_header() const {
    return default_port() ? host_for_header() : authority();
  }
  [[nodiscard]] std::string pool_key() const {
    return (tls ? "https://" : "http://") + authority();
  }
};

// The URL itself is kept out of messages: a webhook URL may carry a token in its query.
std::expected<Endpoint, std::string> parse_endpoint(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::unexpected("not an absolute URL");
  auto scheme = lower(parsed->scheme());
  if (scheme != "http" && scheme != "https")
    return std::unexpected("unsupported URL scheme \"" + scheme + "\" (use http or https)");
  Endpoint e;
  e.tls = scheme == "https";
  e.host = lower(parsed->host_address());
  if (e.host.empty()) return std::unexpected("URL has no host");
  if (parsed->has_port()) {
    if (parsed->port().empty() || parsed->port_number() == 0)
      return std::unexpected("URL has an invalid port");
    e.port = parsed->port_number();
  } else {
    e.port = e.tls ? 443 : 80;
  }
  e.target = std::string(parsed->encoded_path());
  if (e.target.empty()) e.target = "/";
  if (parsed->has_query()) e.target += "?" + std::string(parsed->encoded_query());
  return e;
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct Proxy {
  Endpoint endpoint;
  std::string authorization;  // "Basic ..." or empty; never logged
  std::string display;        // host:port, for logs
};

Proxy parse_proxy(std::string text, std::string_view origin) {
  if (text.find("://") == std::string::npos) text = "http://" + text;  // "proxy:3128" in env
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) throw std::runtime_error(std::string(origin) + ": proxy is not a URL");
  if (lower(parsed->scheme()) != "http")
    throw std::runtime_error(std::string(origin) +
                             ": proxy must be an http:// URL (TLS to the proxy is not supported)");
  Proxy p;
  p.endpoint.host = lower(parsed->host_address());
  if (p.endpoint.host.empty())
    throw std::runtime_error(std::string(origin) + ": proxy has no host");
  p.endpoint.port = parsed->has_port() ? parsed->port_number() : std::uint16_t{80};
  if (parsed->has_userinfo())
    p.authorization = "Basic " + base64(parsed->user() + ":" + parsed->password());
  p.display = p.endpoint.authority();
  return p;
}

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at construction
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find_first_of(", ", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.push_back(std::string(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

// curl's no_proxy rules, simplified: "*" matches all; an entry matches the host itself and its
// subdomains; a leading dot and a ":port" suffix are ignored.
bool bypasses_proxy(const std::vector<std::string>& no_proxy, const std::string& host) {
  for (auto entry : no_proxy) {
    entry = lower(entry);
    if (entry == "*") return true;
    if (entry.starts_with('[')) {
      auto close = entry.find(']');
      entry = entry.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    } else if (auto colon = entry.find(':');
               colon != std::string::npos && entry.find(':', colon + 1) == std::string::npos) {
      entry.resize(colon);
    }
    while (entry.starts_with('.'))
      entry.erase(0, 1);
    if (entry.empty()) continue;
    if (host == entry) return true;
    if (host.size() > entry.size() && host.ends_with(entry) &&
        host[host.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

// Runs the io_context until the operation started by `start` completes; returns its error.
template <class Start>
beast::error_code run_phase(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

std::string describe(const beast::error_code& ec) {
  if (ec.category() == asio::error::get_ssl_category()) {
    char buf[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), buf, sizeof buf);
    return buf;
  }
  return ec.message();
}

}  // namespace

struct Connection {
  asio::io_context ioc{1};
  // Exactly one of these is set. A TLS stream is created before connecting so that a CONNECT
  // tunnel can be set up on its lowest layer first.
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  std::optional<beast::tcp_stream> plain;
  beast::flat_buffer buffer;
  bool absolute_form = false;  // plain HTTP through a proxy: request-target is the full URL
  Clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct HttpClient::Impl {
  ClientOptions options;
  ssl::context ctx{ssl::context::tls_client};
  std::optional<Proxy> https_proxy;
  std::optional<Proxy> http_proxy;
  std::vector<std::string> no_proxy;

  mutable std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::atomic<std::size_t> opened{0};

  explicit Impl(ClientOptions opts);
  const Proxy* proxy_for(const Endpoint& e) const;
  std::unique_ptr<Connection> take_idle(const std::string& key);
  void put_idle(const std::string& key, std::unique_ptr<Connection> conn);
  std::expected<std::unique_ptr<Connection>, HttpError> open(const Endpoint& e, const Proxy* proxy);
};

HttpClient::Impl::Impl(ClientOptions opts) : options(std::move(opts)) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  try {
    if (options.verify_tls) {
      ctx.set_verify_mode(ssl::verify_peer);
      if (options.ca_bundle) {
        ctx.load_verify_file(options.ca_bundle->string());
      } else if (SSL_CTX_set_default_verify_paths(ctx.native_handle()) != 1) {
        throw std::runtime_error("cannot load the system CA store");
      }
    } else {
      ctx.set_verify_mode(ssl::verify_none);
      spdlog::warn(
          "http client: TLS certificate verification is OFF (verify_tls = false); any server, "
          "or anyone in the path, can impersonate the far side");
    }
    if (options.client_cert) {
      ctx.use_certificate_chain_file(options.client_cert->string());
      ctx.use_private_key_file(options.client_key.value_or(*options.client_cert).string(),
                               ssl::context::pem);
      if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
        throw std::runtime_error("client key does not match the client certificate");
    } else if (options.client_key) {
      throw std::runtime_error("client_key is set without client_cert");
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string("http client TLS setup: ") + describe(e.code()));
  }

  if (options.proxy) {
    https_proxy = parse_proxy(*options.proxy, "proxy");
    http_proxy = https_proxy;
  } else if (options.proxy_from_env) {
    if (auto p = env("https_proxy").or_else([] { return env("HTTPS_PROXY"); }))
      https_proxy = parse_proxy(*p, "https_proxy");
    // Only lower-case http_proxy, as curl does: HTTP_PROXY can be set by a CGI request header.
    if (auto p = env("http_proxy")) http_proxy = parse_proxy(*p, "http_proxy");
  }
  no_proxy = options.no_proxy;
  if (options.proxy_from_env) {
    if (auto v = env("no_proxy").or_else([] { return env("NO_PROXY"); })) {
      auto more = split_list(*v);
      no_proxy.insert(no_proxy.end(), more.begin(), more.end());
    }
  }
  if (https_proxy)
    spdlog::info("http client: https requests go through proxy {}", https_proxy->display);
  if (http_proxy && (!https_proxy || http_proxy->display != https_proxy->display))
    spdlog::info("http client: http requests go through proxy {}", http_proxy->display);
}

const Proxy* HttpClient::Impl::proxy_for(const Endpoint& e) const {
  const auto& p = e.tls ? https_proxy : http_proxy;
  if (!p || bypasses_proxy(no_proxy, e.host)) return nullptr;
  return &*p;
}

namespace {

// A pooled connection may have been closed by the server while idle. A readable idle socket
// (FIN, RST, or bytes nobody asked for) is not reusable; a non-blocking peek tells, portably.
bool still_usable(Connection& c, std::chrono::milliseconds idle_timeout) {
  if (Clock::now() - c.idle_since > idle_timeout) return false;
  auto& sock = c.lowest().socket();
  if (!sock.is_open() || c.buffer.size() != 0) return false;
  beast::error_code ec;
  sock.non_blocking(true, ec);
  if (ec) return false;
  char byte = 0;
  sock.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  auto peek = ec;  // kept: the next call overwrites ec
  sock.non_blocking(false, ec);
  return peek == asio::error::would_block;
}

void close_connection(Connection& c, bool graceful) {
  beast::error_code ec;
  if (c.tls && graceful && c.lowest().socket().is_open()) {
    // Send close_notify; a peer that just closes TCP gives stream_truncated, which is harmless
    // here because the whole response was already read.
    c.lowest().expires_after(std::chrono::seconds(2));
    run_phase(c.ioc, [&](auto handler) { c.tls->async_shutdown(std::move(handler)); });
  }
  c.lowest().socket().close(ec);
}

}  // namespace

std::unique_ptr<Connection> HttpClient::Impl::take_idle(const std::string& key) {
  std::vector<std::unique_ptr<Connection>> stale;
  std::unique_ptr<Connection> found;
  {
    std::lock_guard lock(mutex);
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    while (!list.empty() && !found) {
      auto conn = std::move(list.back());  // most recently used first: likeliest still open
      list.pop_back();
      if (still_usable(*conn, options.idle_timeout))
        found = std::move(conn);
      else
        stale.push_back(std::move(conn));
    }
  }
  for (auto& c : stale)
    close_connection(*c, false);
  return found;
}

void HttpClient::Impl::put_idle(const std::string& key, std::unique_ptr<Connection> conn) {
  conn->idle_since = Clock::now();
  {
    std::lock_guard lock(mutex);
    auto& list = idle[key];
    if (list.size() < options.max_idle_per_host) {
      list.push_back(std::move(conn));
      return;
    }
  }
  close_connection(*conn, true);
}

std::expected<std::unique_ptr<Connection>, HttpError> HttpClient::Impl::open(const Endpoint& e,
                                                                             const Proxy* proxy) {
  auto conn = std::make_unique<Connection>();
  if (e.tls)
    conn->tls.emplace(conn->ioc, ctx);
  else
    conn->plain.emplace(conn->ioc);
  conn->absolute_form = proxy != nullptr && !e.tls;
  const Endpoint& first_hop = proxy != nullptr ? proxy->endpoint : e;

  // Resolve on a throw-away io_context: asio runs getaddrinfo on a helper thread per
  // io_context, and that thread should not live as long as a pooled connection.
  tcp::resolver::results_type addresses;
  {
    asio::io_context rctx{1};
    tcp::resolver resolver(rctx);
    asio::steady_timer timer(rctx);
    bool timed_out = false;
    beast::error_code rec;
    timer.expires_after(options.connect_timeout);
    timer.async_wait([&](beast::error_code ec) {
      if (!ec) {
        timed_out = true;
        resolver.cancel();
      }
    });
    resolver.async_resolve(first_hop.host, std::to_string(first_hop.port),
                           [&](beast::error_code ec, tcp::resolver::results_type r) {
                             rec = ec;
                             addresses = std::move(r);
                             timer.cancel();
                           });
    rctx.run();
    if (timed_out)
      return std::unexpected(make_error(HttpErrorKind::timeout, HttpPhase::resolve,
                                        "resolving " + first_hop.host + " timed out"));
    if (rec)
      return std::unexpected(make_error(HttpErrorKind::resolve, HttpPhase::resolve,
                                        "cannot resolve " + first_hop.host + ": " + rec.message()));
  }

  auto& stream = conn->lowest();
  stream.expires_after(options.connect_timeout);
  auto ec = run_phase(conn->ioc,
                      [&](auto handler) { stream.async_connect(addresses, std::move(handler)); });
  if (ec == beast::error::timeout)
    return std::unexpected(make_error(HttpErrorKind::timeout, HttpPhase::connect,
                                      "connecting to " + first_hop.authority() + " timed out"));
  if (ec)
    return std::unexpected(
        make_error(HttpErrorKind::connect, HttpPhase::connect,
                   "cannot connect to " + first_hop.authority() + ": " + ec.message()));
  ++opened;
  stream.socket().set_option(tcp::no_delay(true), ec);

  if (proxy != nullptr && e.tls) {
    // CONNECT tunnel: the proxy sees only host:port; TLS then runs end to end through it.
    bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, e.authority(), 11};
    req.set(bhttp::field::host, e.authority());
    req.set(bhttp::field::user_agent, options.user_agent);
    if (!proxy->authorization.empty())
      req.set(bhttp::field::proxy_authorization, proxy->authorization);
    stream.expires_after(options.handshake_timeout);
    ec = run_phase(conn->ioc,
                   [&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); });
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body, whatever its headers say
    if (!ec) {
      stream.expires_after(options.handshake_timeout);
      ec = run_phase(conn->ioc, [&](auto handler) {
        bhttp::async_read_header(stream, buf, parser, std::move(handler));
      });
    }
    if (ec == beast::error::timeout)
      return std::unexpected(make_error(HttpErrorKind::timeout, HttpPhase::proxy,
                                        "proxy " + proxy->display + " did not answer CONNECT"));
    if (ec)
      return std::unexpected(
          make_error(HttpErrorKind::proxy, HttpPhase::proxy,
                     "CONNECT through proxy " + proxy->display + " failed: " + ec.message()));
    auto status = parser.get().result_int();
    if (status / 100 != 2)
      return std::unexpected(make_error(HttpErrorKind::proxy, HttpPhase::proxy,
                                        "proxy " + proxy->display + " refused CONNECT to " +
                                            e.authority() + ": HTTP " + std::to_string(status) +
                                            " " + std::string(parser.get().reason())));
    if (buf.size() != 0)
      return std::unexpected(
          make_error(HttpErrorKind::proxy, HttpPhase::proxy,
                     "proxy " + proxy->display + " sent data after its CONNECT answer"));
  }

  if (e.tls) {
    SSL* ssl_handle = conn->tls->native_handle();
    beast::error_code addr_ec;
    auto ip = asio::ip::make_address(e.host, addr_ec);
    bool is_ip = !addr_ec;
    // SNI carries names only (RFC 6066 forbids address literals). This is what the
    // SSL_set_tlsext_host_name macro expands to, minus its old-style cast.
    if (!is_ip && SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                           const_cast<char*>(e.host.c_str())) != 1)
      return std::unexpected(make_error(HttpErrorKind::handshake, HttpPhase::handshake,
                                        "cannot set SNI for " + e.host));
    if (options.verify_tls) {
      // OpenSSL's own host check (what ssl::host_name_verification wraps): it records
      // X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH, so the error can say why.
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ip.to_string().c_str())
                     : X509_VERIFY_PARAM_set1_host(param, e.host.c_str(), e.host.size());
      if (ok != 1)
        return std::unexpected(make_error(HttpErrorKind::handshake, HttpPhase::handshake,
                                          "cannot set the expected host " + e.host));
    }
    stream.expires_after(options.handshake_timeout);
    ec = run_phase(conn->ioc, [&](auto handler) {
      conn->tls->async_handshake(ssl::stream_base::client, std::move(handler));
    });
    if (ec) {
      long verify = SSL_get_verify_result(ssl_handle);
      if (options.verify_tls && verify != X509_V_OK)
        return std::unexpected(make_error(HttpErrorKind::tls_verify, HttpPhase::handshake,
                                          "certificate of " + e.authority() + " not accepted: " +
                                              X509_verify_cert_error_string(verify)));
      if (ec == beast::error::timeout)
        return std::unexpected(make_error(HttpErrorKind::timeout, HttpPhase::handshake,
                                          "TLS handshake with " + e.authority() + " timed out"));
      return std::unexpected(
          make_error(HttpErrorKind::handshake, HttpPhase::handshake,
                     "TLS handshake with " + e.authority() + " failed: " + describe(ec)));
    }
  }
  return conn;
}

namespace {

struct Exchange {
  HttpResult result;
  bool keep_alive = false;
  bool write_failed = false;
};

template <class Stream>
Exchange exchange(Connection& conn, Stream& stream, const ClientOptions& options, const Endpoint& e,
                  const HttpRequest& request, const std::string& absolute_url, const Proxy* proxy) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(conn.absolute_form ? absolute_url : e.target);
  req.version(11);
  req.set(bhttp::field::host, e.host_header());
  req.set(bhttp::field::user_agent, options.user_agent);
  if (conn.absolute_form && proxy != nullptr && !proxy->authorization.empty())
    req.set(bhttp::field::proxy_authorization, proxy->authorization);
  for (const auto& h : request.headers)
    req.set(h.name, h.value);
  req.body() = request.body;
  req.prepare_payload();

  auto& lowest = conn.lowest();
  lowest.expires_after(options.write_timeout);
  auto ec = run_phase(conn.ioc,
                      [&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); });
  if (ec) {
    Exchange x{std::unexpected(make_error(
        ec == beast::error::timeout ? HttpErrorKind::timeout : HttpErrorKind::write,
        HttpPhase::write, "sending the request to " + e.authority() + " failed: " + describe(ec)))};
    x.write_failed = true;
    return x;
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.response_body_limit);
  if (iequals(request.method, "HEAD")) parser.skip(true);
  lowest.expires_after(options.read_timeout);
  ec = run_phase(conn.ioc, [&](auto handler) {
    bhttp::async_read(stream, conn.buffer, parser, std::move(handler));
  });
  if (ec) {
    std::string why;
    if (ec == bhttp::error::body_limit)
      why = "response body larger than " + std::to_string(options.response_body_limit) + " bytes";
    else if (ec == bhttp::error::end_of_stream || ec == ssl::error::stream_truncated)
      why = "connection closed before a complete response";
    else
      why = describe(ec);
    return Exchange{std::unexpected(make_error(
        ec == beast::error::timeout ? HttpErrorKind::timeout : HttpErrorKind::read, HttpPhase::read,
        "reading the response from " + e.authority() + " failed: " + why))};
  }

  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  for (const auto& field : res)
    out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  out.body = std::move(res.body());
  Exchange x{std::move(out)};
  x.keep_alive = res.keep_alive() && parser.is_done();
  return x;
}

}  // namespace

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() {
  close_idle();
}

HttpResult HttpClient::send(const HttpRequest& request) {
  auto endpoint = parse_endpoint(request.url);
  if (!endpoint)
    return std::unexpected(
        make_error(HttpErrorKind::invalid_request, HttpPhase::setup, endpoint.error()));
  if (request.method.empty() || request.method.find_first_of(" \t\r\n") != std::string::npos)
    return std::unexpected(
        make_error(HttpErrorKind::invalid_request, HttpPhase::setup, "invalid HTTP method"));
  const Proxy* proxy = impl_->proxy_for(*endpoint);
  auto key = endpoint->pool_key();

  for (int attempt = 0;; ++attempt) {
    auto conn = attempt == 0 ? impl_->take_idle(key) : nullptr;
    bool reused = conn != nullptr;
    if (!conn) {
      auto opened = impl_->open(*endpoint, proxy);
      if (!opened) return std::unexpected(std::move(opened.error()));
      conn = std::move(*opened);
    }
    auto x =
        conn->tls
            ? exchange(*conn, *conn->tls, impl_->options, *endpoint, request, request.url, proxy)
            : exchange(*conn, *conn->plain, impl_->options, *endpoint, request, request.url, proxy);
    if (x.keep_alive) {
      impl_->put_idle(key, std::move(conn));
    } else {
      close_connection(*conn, x.result.has_value());
    }
    // Only a write failure on a reused connection is retried: the server cannot have received
    // a whole request. Anything later may have been processed, so it goes back to the caller.
    if (!x.result && x.write_failed && reused && attempt == 0) {
      spdlog::debug("http client: pooled connection to {} was closed; retrying on a new one",
                    endpoint->authority());
      continue;
    }
    return std::move(x.result);
  }
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& [key, list] : impl_->idle)
    n += list.size();
  return n;
}

std::size_t HttpClient::connections_opened() const {
  return impl_->opened.load();
}

void HttpClient::close_idle() {
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> all;
  {
    std::lock_guard lock(impl_->mutex);
    all.swap(impl_->idle);
  }
  for (auto& [key, list] : all)
    for (auto& c : list)
      close_connection(*c, true);
}

std::optional<std::string> HttpClient::proxy_for(std::string_view url) const {
  auto e = parse_endpoint(url);
  if (!e) return std::nullopt;
  const Proxy* p = impl_->proxy_for(*e);
  if (p == nullptr) return std::nullopt;
  return p->display;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::string_view to_string(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::invalid_request:
      return "invalid request";
    case HttpErrorKind::resolve:
      return "resolve";
    case HttpErrorKind::connect:
      return "connect";
    case HttpErrorKind::proxy:
      return "proxy";
    case HttpErrorKind::handshake:
      return "handshake";
    case HttpErrorKind::tls_verify:
      return "tls-verify";
    case HttpErrorKind::write:
      return "write";
    case HttpErrorKind::read:
      return "read";
    case HttpErrorKind::timeout:
      return "timeout";
  }
  return "unknown";
}

std::string_view to_string(HttpPhase phase) {
  switch (phase) {
    case HttpPhase::setup:
      return "setup";
    case HttpPhase::resolve:
      return "resolve";
    case HttpPhase::connect:
      return "connect";
    case HttpPhase::proxy:
      return "proxy";
    case HttpPhase::handshake:
      return "handshake";
    case HttpPhase::write:
      return "write";
    case HttpPhase::read:
      return "read";
  }
  return "unknown";
}

std::string HttpError::to_string() const {
  if (kind == HttpErrorKind::timeout)
    return "timeout during " + std::string(http::to_string(phase)) + ": " + message;
  return std::string(http::to_string(kind)) + " error: " + message;
}

}  // namespace careerlink::http
