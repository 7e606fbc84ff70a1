#include "daemon/http/server/router.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cstring>

namespace careerlink::http {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
  add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : fields_) {
    if (iequals(k, name)) out.emplace_back(v);
  }
  return out;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::json(int status, std::string json_text) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(json_text);
  return r;
}

Router& Router::add(std::string method, std::string path, Access access, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), false, access, std::move(handler)});
  return *this;
}

Router& Router::add_prefix(std::string method, std::string prefix, Access access, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, access, std::move(handler)});
  return *this;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  // Pick the best pattern first (exact beats prefix, longer prefix beats shorter), then the
  // method among the routes sharing that pattern, so a 405 names the right Allow set.
  const Route* best = nullptr;
  for (const auto& r : routes_) {
    bool hit = r.prefix ? path.starts_with(r.pattern) : path == r.pattern;
    if (!hit) continue;
    if (best == nullptr || (best->prefix && !r.prefix) ||
        (best->prefix == r.prefix && r.pattern.size() > best->pattern.size()))
      best = &r;
  }
  Match m;
  if (best == nullptr) {
    m.status = 404;
    return m;
  }
  const Route* get_route = nullptr;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    if (r.prefix != best->prefix || r.pattern != best->pattern) continue;
    if (r.method == method) {
      m.route = &r;
    } else if (r.method == "GET") {
      get_route = &r;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
      allowed.push_back(r.method);
    if (r.method == "GET" && std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end())
      allowed.emplace_back("HEAD");
  }
  if (m.route == nullptr && method == "HEAD") m.route = get_route;
  if (m.route == nullptr) {
    m.status = 405;
    for (const auto& a : allowed) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += a;
    }
    return m;
  }
  if (best->prefix) m.path_suffix = std::string(path.substr(best->pattern.size()));
  return m;
}

namespace {
// RFC 3986 remove_dot_segments on the decoded path, so "%2e%2e" is caught too. ".." above the
// root stays at the root, as the RFC says.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);
    bool last = next == path.size();
    if (seg == ".") {
      if (last) out.emplace_back();
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      if (last) out.emplace_back();
    } else {
      out.push_back(seg);
    }
    pos = next + 1;
  }
  std::string result;
  for (auto seg : out) {
    result += '/';
    result += seg;
  }
  return result.empty() ? "/" : result;
}
}  // namespace

bool parse_target(Request& request) {
  auto parsed = boost::urls::parse_origin_form(request.target);
  if (!parsed) return false;
  std::string decoded = parsed->path();
  if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string::npos)
    return false;
  // Routing (and so authorisation) sees "/panel/../metrics" as "/metrics".
  request.path = remove_dot_segments(decoded);
  request.query.clear();
  for (auto param : parsed->params()) {
    request.query.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return true;
}

bool is_loopback(std::string_view ip_address) {
  std::string ip(ip_address);
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, ip.c_str(), buf) != 1) return false;
  static constexpr unsigned char loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(buf, loopback6, 16) == 0) return true;
  return std::memcmp(buf, mapped_prefix, 12) == 0 && buf[12] == 127;
}

namespace {
bool sha256(std::string_view data, unsigned char (&out)[32]) {
  unsigned int len = 0;
  return EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr) == 1 && len == 32;
}
}  // namespace

std::string_view bearer_credentials(std::string_view authorization) {
  std::string_view v = authorization;
  constexpr std::string_view scheme = "bearer";
  if (v.size() <= scheme.size() || !iequals(v.substr(0, scheme.size()), scheme) ||
      v[scheme.size()] != ' ')
    return {};
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ')
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return v;
}

bool bearer_token_matches(std::optional<std::string_view> authorization, std::string_view token) {
  if (!authorization || token.empty()) return false;
  const std::string_view v = bearer_credentials(*authorization);
  if (v.empty()) return false;
  unsigned char got[32];
  unsigned char want[32];
  if (!sha256(v, got) || !sha256(token, want)) return false;
  return CRYPTO_memcmp(got, want, sizeof got) == 0;
}

}  // namespace careerlink::http
