// Which email address an ID token vouches for. Providers differ:
//  - Google: `email` plus `email_verified` (true for Google Workspace accounts).
//  - Microsoft Entra ID (v2.0): `email` only when the app asks for the optional claim or the
//    user is a guest, and Microsoft documents it as unverified; `preferred_username` is the
//    sign-in name (the UPN), usually the staff member's address, set by the school's admins.
//    Entra's optional `xms_edov` claim says the email's domain is verified by the tenant.
// The rule: take `email` when it looks like an address; otherwise `preferred_username` when it
// looks like one. "Looks like" is one '@', a non-empty local part, a dotted domain, no spaces
// and no '#' (which rules out Entra guest UPNs such as "ann_gmail.com#EXT#@school.org").
// `verified` is true only when the token says so (`email_verified` true, or Entra's
// `xms_edov` true, for the `email` claim); the panel decides what to accept (see README.md).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace careerlink::panel::auth {

enum class EmailSource { none, email, preferred_username };
std::string_view to_string(EmailSource source);

struct EmailChoice {
  std::string email;  // as given (not lower-cased); empty when source is none
  bool verified = false;
  EmailSource source = EmailSource::none;
};

EmailChoice choose_email(const nlohmann::json& claims);

bool looks_like_email(std::string_view text);

}  // namespace careerlink::panel::auth
