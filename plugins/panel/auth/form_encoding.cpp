#include "plugins/panel/auth/form_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace careerlink::panel::auth {

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

std::string append_query(std::string_view url, const FormFields& fields) {
  std::string out(url);
  if (fields.empty()) return out;
  const auto query = out.find('?');
  if (query == std::string::npos) {
    out += '?';
  } else if (query + 1 != out.size() && out.back() != '&') {
    out += '&';
  }
  return out + form_encode(fields);
}

std::optional<FormFields> form_decode(std::string_view text) {
  FormFields out;
  if (text.empty()) return out;
  if (!boost::urls::parse_query(text)) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  for (auto param : boost::urls::params_view(text, options)) {
    out.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return out;
}

std::optional<std::string> form_value(const FormFields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace careerlink::panel::auth
