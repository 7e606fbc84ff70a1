// A minimal blocking HTTP/1.1 client over raw sockets (optionally OpenSSL), for the server
// tests. Deliberately not Beast, so the test binary stays quick to build. Every socket has a
// 10 s receive timeout as a safety net: a test never hangs, it fails.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace careerlink::test {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct TlsClientOptions {
  std::string ca_file;  // trust anchor; empty: trust nothing
  std::string host = "localhost";
  std::string client_cert;
  std::string client_key;
  int max_version = 0;  // e.g. TLS1_1_VERSION to play an outdated client (security level 0)
};

class TestConnection {
 public:
  TestConnection() = default;
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;
  ~TestConnection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Plain TCP to 127.0.0.1:port. Empty string on success, else what failed.
  std::string connect(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return "socket failed";
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return "connect failed";
    return {};
  }

  // TCP then a TLS handshake with peer verification against opts.ca_file and host name check.
  std::string connect_tls(std::uint16_t port, const TlsClientOptions& opts) {
    if (auto err = connect(port); !err.empty()) return err;
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (!opts.ca_file.empty() &&
        SSL_CTX_load_verify_locations(ctx_, opts.ca_file.c_str(), nullptr) != 1)
      return "cannot load CA";
    if (!opts.client_cert.empty()) {
      SSL_CTX_use_certificate_chain_file(ctx_, opts.client_cert.c_str());
      SSL_CTX_use_PrivateKey_file(ctx_, opts.client_key.c_str(), SSL_FILETYPE_PEM);
    }
    if (opts.max_version != 0) {
      SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx_, opts.max_version);
      SSL_CTX_set_security_level(ctx_, 0);
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    // SSL_set_tlsext_host_name is a macro with a C cast; call what it expands to.
    SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(opts.host.c_str()));
    SSL_set1_host(ssl_, opts.host.c_str());
    if (SSL_connect(ssl_) != 1) {
      unsigned long e = ERR_get_error();
      char buf[256] = "handshake failed";
      if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
      ERR_clear_error();
      return buf;
    }
    return {};
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ != nullptr ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                               : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; nullopt when the connection closed or timed out first. `head` when the
  // request was HEAD (no body follows whatever Content-Length says).
  std::optional<ClientResponse> read_response(bool head = false) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    ClientResponse r;
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    auto line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) return std::nullopt;
    const auto [end_of_code, code_ec] =
        std::from_chars(status_line.data() + 9, status_line.data() + 12, r.status);
    if (code_ec != std::errc{} || end_of_code != status_line.data() + 12) return std::nullopt;
    std::size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      auto next = head_text.find("\r\n", pos);
      if (next == std::string::npos) next = head_text.size();
      std::string line = head_text.substr(pos, next - pos);
      pos = next + 2;
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      r.headers[name] = value;
    }
    if (r.status / 100 == 1) return r;  // interim response, no body
    std::size_t length = 0;
    if (auto it = r.headers.find("content-length"); it != r.headers.end())
      length = std::strtoull(it->second.c_str(), nullptr, 10);
    if (head) length = 0;
    while (buf_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (EOF or reset); false if it is still open when
  // the 10 s safety timeout expires, or if it sends more data instead.
  bool wait_closed() {
    char c;
    long n = ssl_ != nullptr ? SSL_read(ssl_, &c, 1) : ::recv(fd_, &c, 1, 0);
    if (n > 0) return false;
    if (ssl_ != nullptr) {
      int err = SSL_get_error(ssl_, static_cast<int>(n));
      ERR_clear_error();
      return err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno != EAGAIN);
    }
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool fill() {
    char chunk[4096];
    long n =
        ssl_ != nullptr ? SSL_read(ssl_, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      if (ssl_ != nullptr) ERR_clear_error();
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
};

inline std::string get_request(const std::string& path, const std::string& extra_headers = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n";
}

// One request on a fresh plain connection.
inline std::optional<ClientResponse> fetch(std::uint16_t port, const std::string& request) {
  TestConnection c;
  if (!c.connect(port).empty() || !c.send(request)) return std::nullopt;
  return c.read_response(request.starts_with("HEAD "));
}

}  // namespace careerlink::test
