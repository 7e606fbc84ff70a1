#include "plugins/panel/html.hpp"

#include "daemon/domain/html_text.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <array>
#include <utility>

namespace careerlink::panel {
namespace {

// Inline, so the page is one request and works inside an MIS iframe with no other origin.
// Colours meet WCAG 2.1 AA contrast (4.5:1) against their backgrounds; the RAG is also a word.
constexpr std::string_view kStyle = R"css(
:root{--ink:#1b1b1b;--muted:#505a5f;--line:#b1b4b6;--link:#1d4f91;--focus:#ffdd00;
--red:#a4141b;--amber:#8a4b00;--green:#1d6b34}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:var(--ink);background:#fff}
a{color:var(--link)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid var(--focus);outline-offset:0;box-shadow:0 0 0 5px var(--ink)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--focus);padding:4px}
header{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;padding:8px 16px;background:#0b0c0c;color:#fff}
header a{color:#fff}header form{display:inline}
header button{background:none;border:1px solid #fff;color:#fff;padding:2px 8px;cursor:pointer}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:16px}
main{padding:8px 16px 32px;max-width:72rem}
h1{font-size:1.6rem;margin:.6em 0 .3em}h2{font-size:1.25rem;margin:1.2em 0 .4em}
.crumbs{font-size:.9rem;color:var(--muted);margin-top:8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-weight:600}caption{text-align:left;font-weight:600;padding:4px 0}
.rag{display:inline-block;min-width:4.5em;padding:1px 6px;border-radius:3px;color:#fff;font-weight:600;text-align:center}
.rag-red{background:var(--red)}.rag-amber{background:var(--amber)}.rag-green{background:var(--green)}
.muted{color:var(--muted)}.notice{border-left:5px solid var(--link);padding:8px 12px;background:#f3f2f1}
.error{border-left:5px solid var(--red);padding:8px 12px;background:#fbeaea}
ul.flags{margin:0;padding-left:1.1em}
form.inline{display:inline}
button,input[type=submit]{font:inherit;padding:4px 10px;cursor:pointer}
label{display:block;font-weight:600;margin:8px 0 4px}
input[type=text],input[type=email],input[type=password],select,textarea{font:inherit;padding:6px;border:2px solid var(--ink);max-width:100%}
textarea{width:100%;min-height:5em}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
.filters label{margin:0}
@media (max-width:40rem){table.stack thead{display:none}table.stack tr{display:block;border-bottom:2px solid var(--line);padding:4px 0}
table.stack td,table.stack th[scope=row]{display:block;border:0;padding:2px 8px}table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
@media print{header,nav,.no-print,form,.history{display:none!important}main{padding:0;max-width:none}
body{font-size:11pt}h1{font-size:15pt}h2{font-size:12pt;margin:.6em 0 .2em}table{page-break-inside:auto}
tr{page-break-inside:avoid}.rag{color:#000;border:1px solid #000;background:none!important}
.print-only{display:block!important}}
.print-only{display:none}
)css";

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kFlagTitles{{
    {"no_interview", "No guidance interview yet"},
    {"no_second_interview", "Second guidance interview needed"},
    {"overdue_action", "Action overdue"},
    {"review_due", "Plan review due"},
    {"no_intended_destination", "No intended destination"},
    {"neet_risk", "Risk of NEET"},
}};

}  // namespace

std::string escape(std::string_view text) {
  return html_escape(text);
}

std::string url_encode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4U];
      out += kHex[c & 15U];
    }
  }
  return out;
}

std::string uk_date(std::string_view iso) {
  if (iso.size() == 10 && iso[4] == '-' && iso[7] == '-') {
    return fmt::format("{}/{}/{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
  }
  return std::string(iso);
}

std::string rag_badge(rules::Rag rag) {
  switch (rag) {
    case rules::Rag::red:
      return R"(<span class="rag rag-red">Red</span>)";
    case rules::Rag::amber:
      return R"(<span class="rag rag-amber">Amber</span>)";
    case rules::Rag::green:
      break;
  }
  return R"(<span class="rag rag-green">Green</span>)";
}

std::string_view flag_title(std::string_view kind) {
  for (const auto& [k, title] : kFlagTitles) {
    if (k == kind) return title;
  }
  return kind;
}

std::string page(const PageFrame& frame, std::string_view main_html) {
  std::string out;
  out.reserve(main_html.size() + kStyle.size() + 1024);
  out += R"(<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">)"
         R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"
         R"(<meta name="referrer" content="no-referrer"><title>)";
  out += escape(frame.title);
  out += " - careerlink</title><style>";
  out += kStyle;
  out += R"(</style></head><body><a class="skip" href="#main">Skip to content</a><header>)"
         R"(<strong>careerlink careers panel</strong>)";
  if (!frame.staff_name.empty()) {
    out += R"(<nav aria-label="Panel"><ul><li><a href="/panel/">My pupils</a></li>)";
    if (frame.careers_leader) {
      out += R"(<li><a href="/panel/school">Whole school</a></li>)";
    }
    out += "</ul></nav><div>";
    out += escape(frame.staff_name);
    out +=
        R"( <form method="post" action="/panel/logout"><input type="hidden" name="csrf" value=")";
    out += escape(frame.csrf_token);
    out += R"("><button type="submit">Sign out</button></form></div>)";
  }
  out += R"(</header><main id="main">)";
  if (!frame.breadcrumb.empty()) {
    out += R"(<p class="crumbs">)";
    out += frame.breadcrumb;
    out += "</p>";
  }
  out += "<h1>";
  out += escape(frame.title);
  out += "</h1>";
  out += main_html;
  out += "</main></body></html>";
  return out;
}

}  // namespace careerlink::panel
