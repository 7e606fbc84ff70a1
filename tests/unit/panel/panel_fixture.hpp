// `careerlink serve` holding the sample school, with staff accounts in every role, and a small
// browser-like client for the panel (cookies, forms, CSRF tokens) over real HTTP on loopback.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/http/client/http_client.hpp"
#include "daemon/http/server/router.hpp"
#include "tests/unit/support/test_service.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::test {

inline constexpr const char* kPassword = "correct horse battery staple";
inline constexpr const char* kTutor = "c.wright@riverside.sch.uk";         // tutor of 11A (MIS)
inline constexpr const char* kHeadOfYear = "m.thompson@riverside.sch.uk";  // Year 11 (MIS)
inline constexpr const char* kLeader = "lead@riverside.sch.uk";
inline constexpr const char* kAdviser = "adviser@riverside.sch.uk";
inline constexpr const char* kAdmin = "it@riverside.sch.uk";
inline constexpr const char* kPupil11A = "B820432116017";  // Harry, 11A
inline constexpr const char* kPupil11B = "Q820432116018";  // Freya, 11B
inline constexpr const char* kPupil10A = "F820432117013";  // 10A

// One signed-in (or not) browser.
struct Browser {
  int port = 0;
  std::string session;  // the careerlink_session cookie value; empty: signed out
  std::string csrf;     // the session's form token, read from a page

  http::HttpResponse get(const std::string& path) const;
  http::HttpResponse post(const std::string& path,
                          const std::vector<std::pair<std::string, std::string>>& form,
                          const std::string& cookies = {}) const;
};

std::string cookie_from(const http::HttpResponse& r, const std::string& name);
std::string hidden_value(const std::string& html, const std::string& name);

class PanelService {
 public:
  // Imports the sample school, works out flags, adds the accounts above, and (with an API key)
  // gives pupil 11A a shared plan with one open action due long ago ("a1") and pupil 11B an
  // unshared one. `extra_config` is appended to the config file.
  explicit PanelService(const std::string& extra_config = {});

  [[nodiscard]] Browser sign_in(const std::string& email,
                                const std::string& password = kPassword) const;
  [[nodiscard]] Browser anonymous() const { return Browser{port_, {}, {}}; }
  CommandResult cl(std::vector<std::string> args) const;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  // PUT /api/v1/interviews/{id}; the status.
  int put_interview(const std::string& id, const nlohmann::json& body) const;
  // Outbox payloads (parsed), oldest first.
  [[nodiscard]] std::vector<nlohmann::json> outbox_payloads() const;

 private:
  TempDir dir_;
  std::filesystem::path data_;
  std::string key_;
  int port_ = 0;
  std::unique_ptr<ServiceProcess> service_;
};

nlohmann::json interview_for(const std::string& upn, bool share, const std::string& due);

}  // namespace careerlink::test
