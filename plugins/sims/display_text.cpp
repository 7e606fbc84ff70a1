#include "plugins/sims/display_text.hpp"

namespace careerlink::sims {

std::string uk_date(std::string_view iso) {
  if (iso.size() != 10) return std::string(iso);
  std::string out;
  out.reserve(10);
  out.append(iso.substr(8, 2)).append("/").append(iso.substr(5, 2)).append("/");
  out.append(iso.substr(0, 4));
  return out;
}

std::string_view rag_word(rules::Rag rag) {
  switch (rag) {
    case rules::Rag::red:
      return "Red";
    case rules::Rag::amber:
      return "Amber";
    case rules::Rag::green:
      return "Green";
  }
  return "Green";
}

std::string words_from_code(std::string_view code) {
  std::string out(code);
  for (auto& c : out)
    if (c == '_' || c == '-') c = ' ';
  if (!out.empty() && out.front() >= 'a' && out.front() <= 'z')
    out.front() = static_cast<char>(out.front() - 'a' + 'A');
  return out;
}

std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += '\n';
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace careerlink::sims
