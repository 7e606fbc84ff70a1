// application/x-www-form-urlencoded bodies and URL query strings for the OAuth requests.
// Encoding escapes everything but RFC 3986 unreserved characters, so '+', '&', '=' and spaces
// in a value (a login hint such as "ann+careers@school.org") survive both query-string and
// form decoders, which read '+' as a space.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careerlink::panel::auth {

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::string percent_encode(std::string_view text);
std::string form_encode(const FormFields& fields);  // "a=1&b=2"
// `url` with `fields` appended to its query ('?' or '&' as needed).
std::string append_query(std::string_view url, const FormFields& fields);
// Decodes a form body or query string ('+' is a space); nullopt when malformed.
std::optional<FormFields> form_decode(std::string_view text);
// The first value for `name`, if any.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);

}  // namespace careerlink::panel::auth
