#include "plugins/panel/auth/email_rule.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace careerlink::panel::auth {
namespace {

// JSON true, or the string "true" (some providers send booleans as strings).
bool claim_is_true(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && it->get_ref<const std::string&>() == "true";
}

std::string string_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string_view to_string(EmailSource source) {
  switch (source) {
    case EmailSource::none:
      return "none";
    case EmailSource::email:
      return "email";
    case EmailSource::preferred_username:
      return "preferred_username";
  }
  return "?";
}

bool looks_like_email(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = text.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
           static_cast<unsigned char>(c) < 0x20;
  });
}

EmailChoice choose_email(const nlohmann::json& claims) {
  EmailChoice choice;
  if (!claims.is_object()) return choice;
  if (std::string email = string_claim(claims, "email"); looks_like_email(email)) {
    choice.email = std::move(email);
    choice.source = EmailSource::email;
    choice.verified = claim_is_true(claims, "email_verified") || claim_is_true(claims, "xms_edov");
    return choice;
  }
  if (std::string upn = string_claim(claims, "preferred_username"); looks_like_email(upn)) {
    choice.email = std::move(upn);
    choice.source = EmailSource::preferred_username;
  }
  return choice;
}

}  // namespace careerlink::panel::auth
