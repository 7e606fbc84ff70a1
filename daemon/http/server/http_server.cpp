// All Boost.Beast code of the server lives in this one translation unit (Beast is slow to
// compile). Shape follows Beast's async server examples: a listener with an accept loop, one
// session per connection on its own strand, expires_after before every phase.
#include "daemon/http/server/http_server.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "daemon/metrics/metrics.hpp"

namespace careerlink::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// How long a connection we are closing after an error may keep sending before we drop it; the
// drain lets the client read our 413/431 instead of getting a reset.
constexpr std::chrono::seconds kLingerTime{2};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void stop() = 0;
};

// State shared by the server object, the listener and every session.
struct Shared {
  ServerOptions options;
  Router router;
  bool enforce_token = false;
  std::optional<ssl::context> tls;
  metrics::Family<metrics::Histogram>* durations = nullptr;
  metrics::Family<metrics::Counter>* responses = nullptr;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable idle;  // signalled when the last session goes away
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;

  std::uint64_t add(std::weak_ptr<SessionBase> s) {
    std::lock_guard lock(mu);
    auto id = ++next_id;
    sessions.emplace(id, std::move(s));
    return id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mu);
    sessions.erase(id);
    if (sessions.empty()) idle.notify_all();
  }
};

std::string peer_ip(const net::ip::address& a) {
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; show them as plain IPv4.
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  return a.to_string();
}

bool header_safe(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos &&
         s.find('\0') == std::string_view::npos;
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... Args>
  Session(std::shared_ptr<Shared> shared, tcp::socket&& socket, Args&&... args)
      : shared_(std::move(shared)), stream_(std::move(socket), std::forward<Args>(args)...) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = peer_ip(ep.address());
      remote_port_ = ep.port();
    }
  }
  ~Session() override {
    if (id_ != 0) shared_->remove(id_);
  }

  void start(std::uint64_t id) {
    id_ = id;
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::on_start, this->shared_from_this()));
  }

  // From any thread: drop the connection if it is waiting for (or reading) a request; one that
  // is being handled or written finishes, then closes because `stopping` is set.
  void stop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->phase_ == Phase::reading) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  enum class Phase { reading, busy };

  const ServerOptions& opt() const { return shared_->options; }
  void expire(std::chrono::milliseconds t) { beast::get_lowest_layer(stream_).expires_after(t); }

  void on_start() {
    if constexpr (kTls) {
      expire(opt().read_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      spdlog::debug("http: TLS handshake with {} failed: {}", remote_address_, ec.message());
      return;  // the socket closes with the session
    }
    do_read();
  }

  void do_read() {
    if (shared_->stopping) return do_close(false);
    phase_ = Phase::reading;
    req_ = Request{};
    started_.reset();
    parser_.emplace();
    parser_->header_limit(opt().header_limit);
    parser_->body_limit(opt().body_limit);
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    // Wait for the first byte under the idle timeout (the read timeout for a new connection),
    // then give the whole request the read timeout.
    expire(first_ ? opt().read_timeout : opt().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return;  // idle timeout, peer closed, or server stopping: just close
    buffer_.commit(n);
    read_header();
  }

  void read_header() {
    expire(opt().read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    started_ = Clock::now();
    const auto& msg = parser_->get();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    for (const auto& field : msg)
      req_.headers.add(std::string(field.name_string()), std::string(field.value()));
    req_.remote_address = remote_address_;
    req_.remote_port = remote_port_;
    req_.tls = kTls;

    bool body_pending = !parser_->is_done();
    // Answers decided from the header alone are sent before any body is read; the connection
    // then closes if a body was announced, since we did not consume it.
    if (!parse_target(req_))
      return respond(Response::text(400, "bad request target\n"), "invalid",
                     keep_alive_ && !body_pending, body_pending);
    match_ = shared_->router.match(req_.method, req_.path);
    if (match_.route == nullptr) {
      Response r = match_.status == 405 ? Response::text(405, "method not allowed\n")
                                        : Response::text(404, "not found\n");
      if (match_.status == 405) r.headers.emplace_back("Allow", match_.allow);
      return respond(std::move(r), "unmatched", keep_alive_ && !body_pending, body_pending);
    }
    if (match_.route->access == Access::admin && shared_->enforce_token) {
      auto auth = req_.headers.get("Authorization");
      if (!bearer_token_matches(auth, *opt().admin_token)) {
        Response r = Response::text(401, "unauthorized\n");
        r.headers.emplace_back("WWW-Authenticate",
                               auth ? R"(Bearer realm="careerlink", error="invalid_token")"
                                    : R"(Bearer realm="careerlink")");
        return respond(std::move(r), match_.route->pattern, keep_alive_ && !body_pending,
                       body_pending);
      }
    }
    if (!body_pending) return run_handler();
    if (auto expect = req_.headers.get("Expect"); expect && iequals(*expect, "100-continue")) {
      expire(opt().write_timeout);
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(
          stream_, net::buffer(kContinue.data(), kContinue.size()),
          [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
            if (!wec) self->read_body();
          });
    }
    read_body();
  }

  void read_body() {
    expire(opt().read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    req_.body = std::move(parser_->get().body());
    run_handler();
  }

  void on_read_error(beast::error_code ec) {
    if (!started_) started_ = Clock::now();
    if (ec == bhttp::error::header_limit)
      return respond(Response::text(431, "request header fields too large\n"), "invalid", false,
                     true);
    if (ec == bhttp::error::body_limit)
      return respond(Response::text(413, "request body too large\n"), "invalid", false, true);
    // Other parse errors get a 400; timeouts, resets, a peer that went away mid-request and a
    // server stop just close.
    static const auto& http_category = bhttp::make_error_code(bhttp::error::bad_target).category();
    if (ec.category() == http_category && ec != bhttp::error::partial_message &&
        ec != bhttp::error::end_of_stream)
      return respond(Response::text(400, "bad request\n"), "invalid", false, true);
    spdlog::debug("http: closing connection from {}: {}", remote_address_, ec.message());
  }

  void run_handler() {
    phase_ = Phase::busy;
    req_.route = match_.route->pattern;
    req_.path_suffix = match_.path_suffix;
    Response r;
    try {
      r = match_.route->handler(req_);
    } catch (const std::exception& e) {
      spdlog::error("http: {} {} failed: {}", req_.method, req_.route, e.what());
      r = Response::text(500, "internal server error\n");
    } catch (...) {
      spdlog::error("http: {} {} failed with an unknown exception", req_.method, req_.route);
      r = Response::text(500, "internal server error\n");
    }
    respond(std::move(r), match_.route->pattern, keep_alive_, false);
  }

  void respond(Response r, std::string route_label, bool keep_alive, bool linger) {
    phase_ = Phase::busy;
    if (r.status < 100 || r.status > 599) {
      spdlog::error("http: handler for {} returned status {}", route_label, r.status);
      r = Response::text(500, "internal server error\n");
    }
    keep_alive = keep_alive && !shared_->stopping;
    bhttp::response<bhttp::string_body> res;
    res.version(version_);
    res.result(static_cast<unsigned>(r.status));
    res.set(bhttp::field::server, "careerlink");
    res.set(bhttp::field::content_type, r.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : r.headers) {
      if (header_safe(name) && header_safe(value) && !name.empty()) {
        res.insert(name, value);
      } else {
        spdlog::error("http: dropped a response header with CR/LF/NUL from {}", route_label);
      }
    }
    res.keep_alive(keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    if (req_.method == "HEAD") res.body().clear();  // Content-Length still describes the GET
    // Counted once the response is ready, before it is written: a client that has read it and
    // asks /metrics at once must see it counted (measured after the write, it raced).
    if (started_) {
      auto secs = std::chrono::duration<double>(Clock::now() - *started_).count();
      shared_->durations->labels({{"route", route_label}}).observe(secs);
    }
    shared_->responses->labels({{"route", route_label}, {"code", std::to_string(r.status)}}).inc();
    expire(opt().write_timeout);
    beast::async_write(stream_, bhttp::message_generator(std::move(res)),
                       beast::bind_front_handler(&Session::on_write, this->shared_from_this(),
                                                 keep_alive, linger));
  }

  void on_write(bool keep_alive, bool linger, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!keep_alive) return do_close(linger);
    first_ = false;
    do_read();
  }

  void do_close(bool linger) {
    phase_ = Phase::reading;  // a stop() may cut the closing short
    if constexpr (kTls) {
      (void)linger;
      expire(opt().write_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (!linger || ec) return;
      expire(std::chrono::duration_cast<std::chrono::milliseconds>(kLingerTime));
      drain();
    }
  }

  void drain() {
    if constexpr (!kTls) {
      stream_.async_read_some(net::buffer(drain_buf_),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                if (!ec) self->drain();
                              });
    }
  }

  std::shared_ptr<Shared> shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::uint64_t id_ = 0;
  std::string remote_address_;
  std::uint16_t remote_port_ = 0;
  Phase phase_ = Phase::reading;
  bool first_ = true;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  Request req_;
  Router::Match match_;
  std::optional<Clock::time_point> started_;
  char drain_buf_[4096];
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<Shared> shared)
      : ioc_(ioc),
        shared_(std::move(shared)),
        acceptor_(net::make_strand(ioc)),
        retry_(acceptor_.get_executor()) {}

  std::optional<std::string> open(const tcp::endpoint& ep) {
    beast::error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return ec.message();
    return std::nullopt;
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
  }

  void close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
    });
  }

 private:
  void do_accept() {
    if (!acceptor_.is_open()) return;
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      // E.g. out of file descriptors: back off briefly instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec) self->do_accept();
      });
      return;
    }
    if (shared_->stopping) return;
    // A response larger than one gather write goes out in two segments; with Nagle on, the
    // second waits for the client's delayed ACK of the first (about 40 ms a keep-alive request).
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    if (shared_->tls) {
      auto s = std::make_shared<Session<TlsStream>>(shared_, std::move(socket), *shared_->tls);
      s->start(shared_->add(s));
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(shared_, std::move(socket));
      s->start(shared_->add(s));
    }
    do_accept();
  }

  net::io_context& ioc_;
  std::shared_ptr<Shared> shared_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
};

std::expected<tcp::endpoint, std::string> parse_listen(const std::string& listen) {
  std::string host;
  std::string port;
  if (listen.starts_with('[')) {
    auto close = listen.find("]:");
    if (close == std::string::npos) return std::unexpected("expected [address]:port");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || listen.find(':') != colon)
      return std::unexpected("expected host:port (IPv6 as [address]:port)");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  unsigned port_number = 0;
  auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port.empty() || perr != std::errc() || end != port.data() + port.size() ||
      port_number > 65535)
    return std::unexpected("bad port '" + port + "'");
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return std::unexpected("host must be an IP address or localhost, not '" + host + "'");
  return tcp::endpoint(address, static_cast<std::uint16_t>(port_number));
}

std::expected<ssl::context, std::string> make_tls_context(const ServerOptions& o) {
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  ctx.use_certificate_chain_file(o.tls_cert_file->string(), ec);
  if (ec)
    return std::unexpected("cannot load TLS certificate " + o.tls_cert_file->string() + ": " +
                           ec.message());
  ctx.use_private_key_file(o.tls_key_file->string(), ssl::context::pem, ec);
  if (ec)
    return std::unexpected("cannot load TLS key " + o.tls_key_file->string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return std::unexpected("TLS key " + o.tls_key_file->string() + " does not match certificate " +
                           o.tls_cert_file->string());
  return ctx;
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<Shared> shared;
  net::io_context ioc;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  Endpoint local;
  std::mutex stop_mu;
  bool stopped = false;

  explicit Impl(int concurrency) : ioc(concurrency) {}
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) stop();
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::start(ServerOptions options,
                                                                          Router router) {
  auto endpoint = parse_listen(options.listen);
  if (!endpoint)
    return std::unexpected("bad listen address '" + options.listen + "': " + endpoint.error());
  if (options.threads == 0) return std::unexpected("http server needs at least one thread");
  if (options.admin_token && options.admin_token->empty())
    return std::unexpected("the admin token is empty: check serve.admin_token_file / _env");
  if (!options.admin_token && !is_loopback(endpoint->address().to_string()))
    return std::unexpected("listen address " + options.listen +
                           " is not loopback: set serve.admin_token_file or serve.admin_token_env");
  if (options.tls_cert_file.has_value() != options.tls_key_file.has_value())
    return std::unexpected("TLS needs both a certificate and a key file");

  auto shared = std::make_shared<Shared>();
  if (options.tls_cert_file) {
    auto ctx = make_tls_context(options);
    if (!ctx) return std::unexpected(ctx.error());
    shared->tls.emplace(std::move(*ctx));
  }
  auto& registry = options.metrics != nullptr ? *options.metrics : metrics::default_registry();
  shared->durations = &registry.histogram(
      metrics::names::http_request_duration,
      "Time from request header to response ready to send, by route.", {"route"});
  shared->responses =
      &registry.counter("careerlink_http_responses_total",
                        "HTTP responses, by route and status code.", {"route", "code"});
  shared->enforce_token = options.admin_token.has_value();
  shared->options = std::move(options);
  shared->router = std::move(router);

  auto impl = std::make_unique<Impl>(static_cast<int>(shared->options.threads));
  impl->shared = shared;
  impl->listener = std::make_shared<Listener>(impl->ioc, shared);
  if (auto err = impl->listener->open(*endpoint))
    return std::unexpected("cannot listen on " + shared->options.listen + ": " + *err);
  auto local = impl->listener->local_endpoint();
  impl->local = {peer_ip(local.address()), local.port()};
  impl->listener->run();
  for (std::size_t i = 0; i < shared->options.threads; ++i) {
    impl->threads.emplace_back([&ioc = impl->ioc] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: worker caught: {}", e.what());
        }
      }
    });
  }
  spdlog::info("http server listening on {}{}:{}{}", local.address().is_v6() ? "[" : "",
               impl->local.address, local.address().is_v6() ? "]" : "", impl->local.port,
               shared->tls ? " (TLS)" : "");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Endpoint HttpServer::local_endpoint() const {
  return impl_->local;
}
bool HttpServer::tls() const {
  return impl_->shared->tls.has_value();
}
bool HttpServer::stopping() const {
  return impl_->shared->stopping;
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  std::lock_guard guard(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  auto& shared = *impl_->shared;
  auto deadline = Clock::now() + grace;
  shared.stopping = true;
  impl_->listener->close();
  {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(shared.mu);
      for (auto& [id, weak] : shared.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live)
      s->stop();
  }  // drop our references before waiting, or the sessions could never finish
  {
    std::unique_lock lock(shared.mu);
    shared.idle.wait_until(lock, deadline, [&] { return shared.sessions.empty(); });
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  spdlog::info("http server stopped");
}

}  // namespace careerlink::http
