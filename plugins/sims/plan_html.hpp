// A pupil's action plan as one HTML document for SIMS Linked Documents:
// <folder>/<URN>/plans/<UPN>.html. Self-contained (inline CSS, no scripts, no images, and a
// Content-Security-Policy that forbids them), printable on one A4 page, with real headings and
// table headers for screen readers. Every piece of text is escaped: adviser text is data.
#pragma once

#include <string>
#include <string_view>

#include "plugins/sims/sims_events.hpp"

namespace careerlink::sims {

inline constexpr std::string_view kPlansFolder = "plans";

// "B820432116017.html" (the UPN is checked for shape when the event is read).
std::string plan_file_name(std::string_view upn);

// & < > " ' as character references, so text can go in element content and in attributes.
std::string escape_html(std::string_view text);

// The document for `status`, whose plan must be present. `panel_url` ("http://host:port", no
// trailing slash) makes the deep link to careerlink's panel; "" leaves the link out.
std::string plan_document(const PupilStatus& status, std::string_view panel_url);

}  // namespace careerlink::sims
