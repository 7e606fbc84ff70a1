#include "plugins/sims/plan_html.hpp"

#include "daemon/domain/html_text.hpp"
#include "plugins/sims/display_text.hpp"
#include "plugins/sims/udf_csv.hpp"

namespace careerlink::sims {

namespace {

// GOV.UK-like colours; each RAG is also spelled out, so colour is never the only signal.
constexpr std::string_view kStyle = R"(@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.35;
  color: #0b0c0c; background: #fff; margin: 0 auto; max-width: 50em; padding: 1em; }
h1 { font-size: 16pt; margin: 0 0 .2em; }
h2 { font-size: 12pt; margin: .9em 0 .3em; padding-bottom: .1em; border-bottom: 1px solid #b1b4b6; }
p { margin: .3em 0; }
.meta { color: #505a5f; font-size: 9.5pt; margin: 0; }
.rag { display: inline-block; padding: .05em .5em; border: 2px solid; font-weight: bold; }
.rag-red { color: #8e2210; border-color: #d4351c; background: #fbe9e7; }
.rag-amber { color: #5c3600; border-color: #f47738; background: #fff4e5; }
.rag-green { color: #005a30; border-color: #00703c; background: #e7f4ec; }
ul { margin: .3em 0; padding-left: 1.3em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.summary { white-space: pre-line; }
table { width: 100%; border-collapse: collapse; font-size: 10pt; }
th, td { text-align: left; vertical-align: top; padding: .25em .4em; border-bottom: 1px solid #b1b4b6; }
th { background: #f3f2f1; }
td.text { white-space: pre-line; }
a { color: #1d70b8; overflow-wrap: anywhere; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 1em; font-size: 9pt; color: #505a5f; }
@media print { body { padding: 0; font-size: 10pt; max-width: none; } a { color: #0b0c0c; }
  section, tr { break-inside: avoid; } }
)";

std::string text(std::string_view value) {
  return escape_html(clean_text(value));
}

std::string or_words(std::string_view value, std::string_view otherwise) {
  return value.empty() ? std::string(otherwise) : text(value);
}

std::string rag_class(rules::Rag rag) {
  std::string word(rag_word(rag));
  for (auto& c : word)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return "rag-" + word;
}

void append_term(std::string& out, std::string_view term, const std::string& value_html) {
  out.append("<dt>").append(term).append("</dt><dd>").append(value_html).append("</dd>\n");
}

void append_follow_up(std::string& out, const PupilStatus& s) {
  out += "<section aria-labelledby=\"follow-up\">\n<h2 id=\"follow-up\">Follow-up</h2>\n";
  out.append("<p>Overall: <span class=\"rag ")
      .append(rag_class(s.overall_rag))
      .append("\">")
      .append(rag_word(s.overall_rag))
      .append("</span></p>\n");
  if (s.flags.empty()) {
    out += "<p>No open follow-up flags.</p>\n";
  } else {
    out += "<ul>\n";
    for (const auto& f : s.flags) {
      out.append("<li><strong>").append(rag_word(f.rag)).append("</strong>: ");
      out += f.reason.empty() ? text(words_from_code(f.kind)) : text(f.reason);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
}

void append_interview(std::string& out, const PupilStatus& s, const Plan& p) {
  out += "<section aria-labelledby=\"interview\">\n<h2 id=\"interview\">Guidance interview</h2>\n";
  out += "<dl>\n";
  append_term(out, "Interview date",
              p.interview_date ? uk_date(*p.interview_date) : std::string("Not recorded"));
  append_term(out, "Adviser", or_words(p.adviser, "Not recorded"));
  append_term(out, "Careers provider", or_words(p.provider, "Not recorded"));
  append_term(out, "Next review", p.next_review ? uk_date(*p.next_review) : std::string("Not set"));
  append_term(out, "Intended destination", text(destination_words(s)));
  out += "</dl>\n</section>\n";
}

void append_actions(std::string& out, const Plan& p) {
  out += "<section aria-labelledby=\"actions\">\n<h2 id=\"actions\">Actions</h2>\n";
  if (p.actions.empty()) {
    out += "<p>No actions recorded.</p>\n</section>\n";
    return;
  }
  out +=
      "<table>\n<caption class=\"visually-hidden\">Actions agreed at the interview, with who "
      "does each, by when, and where it stands</caption>\n";
  out +=
      "<thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Who</th>"
      "<th scope=\"col\">Due</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n";
  for (const auto& a : p.actions) {
    out.append("<tr><td class=\"text\">").append(text(a.text)).append("</td><td>");
    out.append(or_words(words_from_code(a.owner), "Not set")).append("</td><td>");
    out.append(a.due ? uk_date(*a.due) : std::string("No date")).append("</td><td>");
    out.append(or_words(words_from_code(a.status), "Not set")).append("</td></tr>\n");
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string plan_file_name(std::string_view upn) {
  return std::string(upn) + ".html";
}

std::string escape_html(std::string_view value) {
  return html_escape(value);
}

std::string plan_document(const PupilStatus& s, std::string_view panel_url) {
  static const Plan kNoPlan;
  const Plan& p = s.plan ? *s.plan : kNoPlan;
  const auto upn = escape_html(s.pupil.upn);
  std::string out;
  out.reserve(8192);
  out += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Belt and braces: even text that escaped escaping could not run a script or fetch anything.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"robots\" content=\"noindex\">\n";
  out.append("<title>Careers action plan: UPN ").append(upn).append("</title>\n");
  out.append("<style>\n").append(kStyle).append("</style>\n</head>\n<body>\n<main>\n");
  out += "<h1>Careers action plan</h1>\n";
  out.append("<p class=\"meta\">UPN ").append(upn);
  out.append(" &middot; School URN ").append(escape_html(s.pupil.school_urn));
  if (p.version) out.append(" &middot; Plan version ").append(std::to_string(*p.version));
  const auto as_of = format_timestamp(s.as_of);
  out.append(" &middot; Information as of ")
      .append(uk_date(as_of.substr(0, 10)))
      .append(" ")
      .append(as_of.substr(11, 5))
      .append(" UTC</p>\n");
  append_follow_up(out, s);
  append_interview(out, s, p);
  out += "<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n";
  out.append("<p class=\"summary\">")
      .append(or_words(p.summary, "No summary recorded."))
      .append("</p>\n</section>\n");
  append_actions(out, p);
  if (!panel_url.empty()) {
    const auto link = escape_html(std::string(panel_url) + s.panel_path);
    out += "<section aria-labelledby=\"more\">\n<h2 id=\"more\">In careerlink</h2>\n";
    out.append("<p>The latest plan, notes and follow-up: <a href=\"")
        .append(link)
        .append("\">")
        .append(link)
        .append("</a></p>\n</section>\n");
  }
  out +=
      "</main>\n<footer>\n<p>Shared with school staff because the pupil agreed to it. "
      "careerlink replaces this document when the plan changes and removes it if the pupil "
      "withdraws that agreement; edits made here are lost.</p>\n"
      "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace careerlink::sims
