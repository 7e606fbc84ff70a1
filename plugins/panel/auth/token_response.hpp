// The token endpoint's answer (RFC 6749 sections 5.1 and 5.2): the tokens on success, else the
// OAuth error turned into a message an IT technician can act on. Token values never appear in
// messages.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace careerlink::panel::auth {

struct TokenResponse {
  std::string id_token;
  std::string access_token;
  std::string token_type;
};

std::expected<TokenResponse, std::string> parse_token_response(int http_status,
                                                               std::string_view body);

}  // namespace careerlink::panel::auth
