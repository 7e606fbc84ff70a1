// Text into HTML: the one escaper every page and document careerlink writes uses (the careers
// panel, the Benchmark 8 report, the SIMS action-plan documents), so an adviser's or tutor's
// words are always text, never markup.
#pragma once

#include <string>
#include <string_view>

namespace careerlink {

// & < > " ' as entities; safe in element content and in quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace careerlink
