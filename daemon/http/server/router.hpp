// Beast-free request/response types and the router the HTTP server dispatches through. Handlers
// and later features (intake API, careers panel) only ever see these types.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careerlink::http {

// Header fields in arrival order, looked up case-insensitively (RFC 9110 field names).
class Headers {
 public:
  void add(std::string name, std::string value);
  void set(std::string name, std::string value);  // replaces every field of that name
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;  // first
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const {
    return fields_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // raw request-target, e.g. "/api/v1/status?verbose=1"
  std::string path;    // percent-decoded, dot segments removed, e.g. "/api/v1/status"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP, e.g. "127.0.0.1" or "::1"
  std::uint16_t remote_port = 0;
  bool tls = false;
  // Filled by the router before the handler runs:
  std::string route;        // the matched pattern ("/panel/" for a prefix route), for logs/metrics
  std::string path_suffix;  // for prefix routes, the part of `path` after the prefix

  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields

  static Response text(int status, std::string body);
  // `json_text` is already serialised JSON (keeps nlohmann out of this header).
  static Response json(int status, std::string json_text);
};

using Handler = std::function<Response(const Request&)>;

// Who may call a route. The server enforces `admin` (bearer token, see ServerOptions); `public`
// is open; `api` routes authenticate inside their own handler (intake API keys).
enum class Access { public_, admin, api };

struct Route {
  std::string method;
  std::string pattern;  // exact path, or a prefix for prefix routes
  bool prefix = false;
  Access access = Access::admin;
  Handler handler;
};

class Router {
 public:
  // Exact path. A GET route also answers HEAD (the server drops the body).
  Router& add(std::string method, std::string path, Access access, Handler handler);
  // Every path starting with `prefix` (include the trailing '/' to match whole segments).
  // Exact routes win over prefix routes; the longest matching prefix wins among prefixes.
  Router& add_prefix(std::string method, std::string prefix, Access access, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null: see `status`
    int status = 200;              // 404 (no path matches) or 405 (path matches, method doesn't)
    std::string allow;             // for 405: the methods that path does accept, e.g. "GET, HEAD"
    std::string path_suffix;
  };
  [[nodiscard]] Match match(std::string_view method, std::string_view path) const;
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Fills request.path and request.query from request.target (origin-form only). False on a
// malformed target, a path with an encoded NUL, or one that climbs above the root.
bool parse_target(Request& request);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z; false for anything else, names included.
bool is_loopback(std::string_view ip_address);

// The credentials in an Authorization header value "Bearer <credentials>" (scheme in any case,
// surrounding spaces dropped); empty when it is not one.
std::string_view bearer_credentials(std::string_view authorization);

// Checks an Authorization header value of the form "Bearer <token>" against `token`, comparing
// SHA-256 digests with CRYPTO_memcmp so neither content nor length leaks through timing.
bool bearer_token_matches(std::optional<std::string_view> authorization, std::string_view token);

}  // namespace careerlink::http
