// Beast side of the test receiver and proxy. One io_context thread each, C++20 coroutines (one
// per connection), so a stalled connection costs nothing and stop() ends everything at once.
#include "tests/receiver/https_receiver.hpp"

#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace careerlink::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// Constant-time enough for a test; a real receiver should use CRYPTO_memcmp / hmac.compare_digest.
bool same(std::string_view a, std::string_view b) {
  return a == b;
}

}  // namespace

std::string receiver_hmac_hex(std::string_view secret, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += digits[mac[i] >> 4];
    hex += digits[mac[i] & 0xf];
  }
  return hex;
}

std::optional<std::string> ReceivedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

struct HttpsReceiver::Impl {
  ReceiverOptions options;
  ssl::context ctx{ssl::context::tls_server};
  std::optional<asio::io_context> ioc{std::in_place, 1};
  std::optional<tcp::acceptor> acceptor{std::in_place, *ioc};
  std::thread thread;
  std::uint16_t port = 0;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::deque<ReceiverReply> scripted;
  ReceiverReply fallback;
  std::size_t connections = 0;
  std::size_t closed = 0;
  std::vector<ReceivedRequest> requests;
  std::map<std::string, int> applied;
  std::map<std::string, int> received;
  bool stopped = false;

  awaitable<void> listen();
  template <class Stream>
  awaitable<void> serve(Stream& stream, std::size_t connection);
  awaitable<void> session(tcp::socket socket, std::size_t connection);
  bhttp::response<bhttp::string_body> handle(const bhttp::request<bhttp::string_body>& req,
                                             std::size_t connection, ReceiverReply& reply);
};

namespace {

std::vector<std::string> keys_of(const bhttp::request<bhttp::string_body>& req) {
  std::vector<std::string> keys;
  auto doc = nlohmann::json::parse(req.body(), nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("messages") &&
      doc["messages"].is_array()) {
    for (const auto& m : doc["messages"])
      if (m.is_object() && m.contains("idempotency_key") && m["idempotency_key"].is_string())
        keys.push_back(m["idempotency_key"].get<std::string>());
  }
  if (keys.empty()) {
    auto it = req.find("Idempotency-Key");
    if (it != req.end()) keys.emplace_back(it->value());
  }
  return keys;
}

}  // namespace

bhttp::response<bhttp::string_body> HttpsReceiver::Impl::handle(
    const bhttp::request<bhttp::string_body>& req, std::size_t connection, ReceiverReply& chosen) {
  ReceivedRequest rec;
  rec.connection = connection;
  rec.method = std::string(req.method_string());
  rec.target = std::string(req.target());
  for (const auto& f : req)
    rec.headers.emplace_back(f.name_string(), f.value());
  rec.body = req.body();
  rec.keys = keys_of(req);
  if (options.hmac_secret) {
    auto sig = rec.header("X-Careerlink-Signature").value_or("");
    auto ts = rec.header("X-Careerlink-Timestamp").value_or("");
    rec.signature_ok = !ts.empty() && same(sig, "sha256=" + receiver_hmac_hex(*options.hmac_secret,
                                                                              ts + "." + rec.body));
  }

  bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, "application/json");
  std::lock_guard lock(mutex);
  ReceiverReply reply = fallback;
  if (!scripted.empty()) {
    reply = std::move(scripted.front());
    scripted.pop_front();
  }
  rec.action = reply.action;
  for (const auto& k : rec.keys)
    ++received[k];
  switch (reply.action) {
    case ReceiverAction::ok:
      if (options.hmac_secret && !rec.signature_ok) {
        res.result(bhttp::status::unauthorized);
        res.body() = R"({"error":"bad signature"})";
        break;
      }
      for (const auto& k : rec.keys) {
        if (applied[k]++ > 0) {
          applied[k] = 1;  // seen before: acknowledged, not applied again
          continue;
        }
        if (options.applied_log) {
          std::ofstream log(*options.applied_log, std::ios::app);
          log << k << '\n' << std::flush;
        }
      }
      res.body() = reply.body.empty() ? R"({"status":"ok"})" : reply.body;
      break;
    case ReceiverAction::retry_later:
      res.result(bhttp::status::too_many_requests);
      if (!reply.retry_after.empty()) res.set(bhttp::field::retry_after, reply.retry_after);
      res.body() = reply.body.empty() ? R"({"error":"slow down"})" : reply.body;
      break;
    case ReceiverAction::server_error:
      res.result(bhttp::status::internal_server_error);
      res.body() = reply.body.empty() ? R"({"error":"boom"})" : reply.body;
      break;
    case ReceiverAction::bad_request:
      res.result(bhttp::status::bad_request);
      res.body() = reply.body.empty() ? R"({"error":"bad request"})" : reply.body;
      break;
    case ReceiverAction::stall:
    case ReceiverAction::reset:
      break;
  }
  requests.push_back(std::move(rec));
  chosen = reply;
  changed.notify_all();
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

template <class Stream>
awaitable<void> HttpsReceiver::Impl::serve(Stream& stream, std::size_t connection) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    co_await bhttp::async_read(stream, buffer, req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    ReceiverReply reply;
    auto res = handle(req, connection, reply);
    const auto action = reply.action;
    if (action == ReceiverAction::stall) {
      asio::steady_timer forever(co_await asio::this_coro::executor);
      forever.expires_at(asio::steady_timer::time_point::max());
      co_await forever.async_wait(asio::redirect_error(use_awaitable, ec));
      co_return;
    }
    if (action == ReceiverAction::reset) {
      // Half a response, then RST: the client must not mistake it for an answer.
      static constexpr std::string_view partial =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"st";
      co_await asio::async_write(stream, asio::buffer(partial.data(), partial.size()),
                                 asio::redirect_error(use_awaitable, ec));
      auto& sock = beast::get_lowest_layer(stream).socket();
      sock.set_option(asio::socket_base::linger(true, 0), ec);
      sock.close(ec);
      co_return;
    }
    co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !res.keep_alive() || reply.close_after) co_return;
  }
}

awaitable<void> HttpsReceiver::Impl::session(tcp::socket socket, std::size_t connection) {
  // Counted when the session ends, however it ends (after the socket is closed).
  struct CountClosed {
    Impl& self;
    ~CountClosed() {
      std::lock_guard lock(self.mutex);
      ++self.closed;
      self.changed.notify_all();
    }
  } count_closed{*this};
  beast::error_code ec;
  if (!options.tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve(stream, connection);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  co_await stream.async_handshake(ssl::stream_base::server,
                                  asio::redirect_error(use_awaitable, ec));
  beast::get_lowest_layer(stream).expires_never();
  if (ec) co_return;  // e.g. the client rejected our certificate: that is the test's point
  co_await serve(stream, connection);
  if (beast::get_lowest_layer(stream).socket().is_open()) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
    beast::get_lowest_layer(stream).socket().close(ec);
  }
}

awaitable<void> HttpsReceiver::Impl::listen() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor->is_open()) co_return;
      continue;
    }
    std::size_t n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++connections;
    }
    asio::co_spawn(*ioc, session(std::move(socket), n), asio::detached);
  }
}

HttpsReceiver::HttpsReceiver(ReceiverOptions options) : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.options = std::move(options);
  try {
    if (d.options.tls) {
      d.ctx.use_certificate_chain_file(d.options.cert.string());
      d.ctx.use_private_key_file(d.options.key.string(), ssl::context::pem);
      if (d.options.client_ca) {
        d.ctx.load_verify_file(d.options.client_ca->string());
        d.ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      }
    }
    tcp::endpoint ep(asio::ip::make_address(d.options.address), d.options.port);
    d.acceptor->open(ep.protocol());
    d.acceptor->set_option(asio::socket_base::reuse_address(true));
    d.acceptor->bind(ep);
    d.acceptor->listen();
    d.port = d.acceptor->local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string("test receiver: ") + e.what());
  }
  asio::co_spawn(*d.ioc, d.listen(), asio::detached);
  d.thread = std::thread([&d] { d.ioc->run(); });
}

HttpsReceiver::~HttpsReceiver() {
  stop();
}

void HttpsReceiver::stop() {
  auto& d = *impl_;
  {
    std::lock_guard lock(d.mutex);
    if (d.stopped) return;
    d.stopped = true;
  }
  d.ioc->stop();
  if (d.thread.joinable()) d.thread.join();
  // Destroying the io_context destroys the suspended coroutines, which closes their sockets
  // (stalled connections included). The recorded results stay in Impl.
  d.acceptor.reset();
  d.ioc.reset();
}

std::uint16_t HttpsReceiver::port() const {
  return impl_->port;
}

std::string HttpsReceiver::url(std::string_view path) const {
  return url_for_host("127.0.0.1", path);
}

std::string HttpsReceiver::url_for_host(std::string_view host, std::string_view path) const {
  return std::string(impl_->options.tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(impl_->port) + std::string(path);
}

void HttpsReceiver::script(std::vector<ReceiverReply> replies) {
  std::lock_guard lock(impl_->mutex);
  for (auto& r : replies)
    impl_->scripted.push_back(std::move(r));
}

void HttpsReceiver::set_default(ReceiverReply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->fallback = std::move(reply);
}

std::size_t HttpsReceiver::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::size_t HttpsReceiver::closed_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->closed;
}

bool HttpsReceiver::wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->closed >= n; });
}

std::vector<ReceivedRequest> HttpsReceiver::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::map<std::string, int> HttpsReceiver::applied() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->applied;
}

std::map<std::string, int> HttpsReceiver::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

bool HttpsReceiver::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

// ---- CONNECT proxy ----

struct ConnectProxy::Impl {
  std::optional<asio::io_context> ioc{std::in_place, 1};
  std::optional<tcp::acceptor> acceptor{std::in_place, *ioc};
  std::thread thread;
  std::uint16_t port = 0;
  mutable std::mutex mutex;
  std::vector<std::string> targets;
  std::vector<std::string> authorizations;
  int refuse_status = 0;
  bool stopped = false;

  awaitable<void> listen();
  awaitable<void> session(tcp::socket socket);
};

namespace {

awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  std::array<char, 16384> data{};
  beast::error_code ec;
  for (;;) {
    auto n =
        co_await from->async_read_some(asio::buffer(data), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(*to, asio::buffer(data.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  to->shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

awaitable<void> ConnectProxy::Impl::session(tcp::socket socket) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  bhttp::request_parser<bhttp::empty_body> parser;
  co_await bhttp::async_read_header(socket, buffer, parser,
                                    asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  const auto& req = parser.get();
  std::string target(req.target());
  int refuse = 0;
  {
    std::lock_guard lock(mutex);
    targets.push_back(target);
    auto it = req.find(bhttp::field::proxy_authorization);
    authorizations.push_back(it == req.end() ? "" : std::string(it->value()));
    refuse = refuse_status;
  }
  if (req.method() != bhttp::verb::connect) {
    // Absolute-form request: answer it ourselves, so the test sees it reached the proxy.
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.body() = "proxied " + target;
    res.keep_alive(false);
    res.prepare_payload();
    co_await bhttp::async_write(socket, res, asio::redirect_error(use_awaitable, ec));
    socket.shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }
  if (refuse != 0) {
    std::string answer =
        "HTTP/1.1 " + std::to_string(refuse) + " Refused\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(answer),
                               asio::redirect_error(use_awaitable, ec));
    co_return;
  }
  auto colon = target.rfind(':');
  if (colon == std::string::npos) co_return;
  auto upstream = std::make_shared<tcp::socket>(*ioc);
  tcp::resolver resolver(*ioc);
  auto results = co_await resolver.async_resolve(target.substr(0, colon), target.substr(colon + 1),
                                                 asio::redirect_error(use_awaitable, ec));
  if (!ec)
    co_await asio::async_connect(*upstream, results, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    std::string_view answer = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(answer.data(), answer.size()),
                               asio::redirect_error(use_awaitable, ec));
    co_return;
  }
  std::string_view ok = "HTTP/1.1 200 Connection established\r\n\r\n";
  co_await asio::async_write(socket, asio::buffer(ok.data(), ok.size()),
                             asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  auto client = std::make_shared<tcp::socket>(std::move(socket));
  if (buffer.size() != 0) {  // bytes the client sent right after CONNECT
    co_await asio::async_write(*upstream, buffer.data(), asio::redirect_error(use_awaitable, ec));
    buffer.consume(buffer.size());
  }
  asio::co_spawn(*ioc, pump(client, upstream), asio::detached);
  co_await pump(upstream, client);
}

awaitable<void> ConnectProxy::Impl::listen() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor->is_open()) co_return;
      continue;
    }
    asio::co_spawn(*ioc, session(std::move(socket)), asio::detached);
  }
}

ConnectProxy::ConnectProxy() : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  d.acceptor->open(ep.protocol());
  d.acceptor->bind(ep);
  d.acceptor->listen();
  d.port = d.acceptor->local_endpoint().port();
  asio::co_spawn(*d.ioc, d.listen(), asio::detached);
  d.thread = std::thread([&d] { d.ioc->run(); });
}

ConnectProxy::~ConnectProxy() {
  stop();
}

void ConnectProxy::stop() {
  auto& d = *impl_;
  {
    std::lock_guard lock(d.mutex);
    if (d.stopped) return;
    d.stopped = true;
  }
  d.ioc->stop();
  if (d.thread.joinable()) d.thread.join();
  d.acceptor.reset();
  d.ioc.reset();
}

std::uint16_t ConnectProxy::port() const {
  return impl_->port;
}
std::string ConnectProxy::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<std::string> ConnectProxy::targets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->targets;
}

std::vector<std::string> ConnectProxy::authorizations() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->authorizations;
}

void ConnectProxy::refuse_with(int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->refuse_status = status;
}

}  // namespace careerlink::test
