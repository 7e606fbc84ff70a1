// How values read to SIMS users: UK dates (dd/mm/yyyy), RAG and codes in words. Shared by the
// UDF file and the plan documents so both say the same thing the same way.
#pragma once

#include <string>
#include <string_view>

#include "daemon/rules/rules.hpp"

namespace careerlink::sims {

// "2026-10-01" -> "01/10/2026"; "" for "" (the value is checked as a date when it is read).
std::string uk_date(std::string_view iso);

// "Red", "Amber", "Green".
std::string_view rag_word(rules::Rag rag);

// A machine word as words: "no_interview" -> "No interview", "in_progress" -> "In progress".
std::string words_from_code(std::string_view code);

// Text from advisers and other systems made safe to show: control characters (other than line
// breaks and tabs) become spaces, and "\r\n" becomes "\n".
std::string clean_text(std::string_view text);

}  // namespace careerlink::sims
