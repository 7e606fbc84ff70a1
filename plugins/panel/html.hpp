// The panel's HTML building blocks: escaping (every piece of text from a record goes through
// escape(); advisers' and tutors' words are never markup), the page frame, and the small
// vocabulary pages share (RAG badges, UK dates, flag kinds in words).
#pragma once

#include <string>
#include <string_view>

#include "daemon/rules/rules.hpp"

namespace careerlink::panel {

std::string escape(std::string_view text);
// For a query-string value in an href (then escaped as an attribute by the caller's escape()).
std::string url_encode(std::string_view text);

// "2026-11-24" -> "24/11/2026"; anything else as given.
std::string uk_date(std::string_view iso);

// The RAG as a badge: colour and the word, so it reads without colour too.
std::string rag_badge(rules::Rag rag);
// "no_interview" -> "No guidance interview yet".
std::string_view flag_title(std::string_view kind);

struct PageFrame {
  std::string title;            // the <title> and the page's <h1>
  std::string staff_name;       // empty: not signed in (no navigation)
  std::string csrf_token;       // for the sign-out form
  bool careers_leader = false;  // shows the whole-school link
  std::string breadcrumb;       // HTML, already escaped
};

// A whole document: <head> with the inline style sheet, a skip link, the header with the
// staff member's name and sign-out, then `main_html` inside <main>.
std::string page(const PageFrame& frame, std::string_view main_html);

}  // namespace careerlink::panel
