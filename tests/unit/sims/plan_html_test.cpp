// The action-plan document: what it says, how it is built for screen readers and print, and
// that no text can become markup.
#include "plugins/sims/plan_html.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "tests/unit/sims/sims_test_support.hpp"

namespace careerlink::sims {
namespace {

PupilStatus status(const nlohmann::json& payload) {
  auto event = parse_event(payload.dump());
  EXPECT_TRUE(event) << event.error();
  return std::get<PupilStatus>(*event);
}

bool has(const std::string& html, const std::string& part) {
  return html.find(part) != std::string::npos;
}

TEST(SimsPlanHtml, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_html(R"(<a href="x" title='y'>&amp;</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain words, \xC3\xA9t\xC3\xA9"), "plain words, \xC3\xA9t\xC3\xA9");
}

TEST(SimsPlanHtml, SaysEverythingTheTutorNeeds) {
  const auto html = plan_document(status(test::status_payload()), "http://127.0.0.1:8470");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
  EXPECT_TRUE(has(html, "<title>Careers action plan: UPN B820432116017</title>"));
  EXPECT_TRUE(has(html, "<h1>Careers action plan</h1>"));
  EXPECT_TRUE(has(html, "School URN 137942"));
  EXPECT_TRUE(has(html, "Plan version 2"));
  EXPECT_TRUE(has(html, "Information as of 24/11/2026 09:00 UTC"));
  // RAG and flags in words, not colour alone.
  EXPECT_TRUE(has(html, "Overall: <span class=\"rag rag-amber\">Amber</span>"));
  EXPECT_TRUE(
      has(html, "<li><strong>Amber</strong>: No guidance interview yet; due by 31/03/2027</li>"));
  EXPECT_TRUE(has(html, "<dt>Interview date</dt><dd>01/10/2026</dd>"));
  EXPECT_TRUE(has(html, "<dt>Adviser</dt><dd>Sam Adviser</dd>"));
  EXPECT_TRUE(has(html, "<dt>Careers provider</dt><dd>north-careers</dd>"));
  EXPECT_TRUE(has(html, "<dt>Next review</dt><dd>15/01/2027</dd>"));
  EXPECT_TRUE(has(html,
                  "<dt>Intended destination</dt><dd>210 Full-time education - school sixth form "
                  "(Hillside Sixth Form)</dd>"));
  EXPECT_TRUE(has(html, "<p class=\"summary\">Wants to study engineering...</p>"));
  EXPECT_TRUE(has(html,
                  "<th scope=\"col\">Action</th><th scope=\"col\">Who</th>"
                  "<th scope=\"col\">Due</th><th scope=\"col\">Status</th>"));
  EXPECT_TRUE(has(html,
                  "<tr><td class=\"text\">Visit two sixth form open evenings</td>"
                  "<td>Pupil</td><td>01/12/2026</td><td>Open</td></tr>"));
  EXPECT_TRUE(has(html, "<a href=\"http://127.0.0.1:8470/panel/pupil?upn=B820432116017\">"));
}

TEST(SimsPlanHtml, IsSelfContainedAndPrintable) {
  const auto html = plan_document(status(test::status_payload()), "http://127.0.0.1:8470");
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "<link"));
  EXPECT_FALSE(has(html, "<img"));
  EXPECT_FALSE(has(html, "src="));
  EXPECT_FALSE(has(html, "@import"));
  EXPECT_TRUE(has(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(has(html, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
  EXPECT_TRUE(has(html, "@page { size: A4;"));
  EXPECT_TRUE(has(html, "@media print"));
  // Headings in order: one h1, then h2s only.
  std::regex heading("<h([1-6])[ >]");
  std::vector<std::string> levels;
  for (std::sregex_iterator it(html.begin(), html.end(), heading), end; it != end; ++it)
    levels.push_back((*it)[1]);
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), "1");
  EXPECT_EQ(std::count(levels.begin(), levels.end(), "1"), 1);
  for (std::size_t i = 1; i < levels.size(); ++i)
    EXPECT_EQ(levels[i], "2");
}

TEST(SimsPlanHtml, NoTextBecomesMarkup) {
  auto p = test::status_payload();
  p["plan"]["summary"] = "</p><script>fetch('//evil')</script>";
  p["plan"]["adviser"] = "<img src=x onerror=alert(1)>";
  p["plan"]["provider"] = "\"><svg onload=alert(1)>";
  p["plan"]["actions"][0]["text"] = "<a href='javascript:alert(1)'>go</a>";
  p["plan"]["actions"][0]["owner"] = "<b>tutor</b>";
  p["plan"]["actions"][0]["status"] = "<i>x</i>";
  p["flags"][0]["reason"] = "<style>body{display:none}</style>";
  p["intended_destination"]["provider"] = "<u>College</u>";
  p["intended_destination"]["description"] = "&lt;already escaped&gt;";
  const auto html = plan_document(status(p), "");
  for (const auto* tag :
       {"<script", "<img", "<svg", "<a href='", "<b>", "<i>", "<u>", "<style>body"})
    EXPECT_FALSE(has(html, tag)) << tag;
  EXPECT_TRUE(has(html, "&lt;/p&gt;&lt;script&gt;fetch(&#39;//evil&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(has(html, "&amp;lt;already escaped&amp;gt;"));
  // Only the document's own elements remain: the same tag list as a document with plain text.
  auto tags = [](const std::string& doc) {
    std::regex tag("<([a-zA-Z0-9!]+)");
    std::vector<std::string> out;
    for (std::sregex_iterator it(doc.begin(), doc.end(), tag), end; it != end; ++it)
      out.push_back((*it)[1]);
    return out;
  };
  EXPECT_EQ(tags(html), tags(plan_document(status(test::status_payload()), "")));
}

TEST(SimsPlanHtml, ControlCharactersAreBlankedAndLineBreaksKept) {
  auto p = test::status_payload();
  p["plan"]["summary"] = std::string("first line\r\nsecond\x01line\x7f");
  const auto html = plan_document(status(p), "");
  EXPECT_TRUE(has(html, "<p class=\"summary\">first line\nsecond line </p>"));
}

TEST(SimsPlanHtml, MissingPartsAreSaidInWords) {
  auto p = test::status_payload();
  p["flags"] = nlohmann::json::array();
  p["overall_rag"] = "green";
  p["intended_destination"] = nullptr;
  p["plan"] = {{"provider", "north-careers"}, {"external_id", "INT-2"}};
  const auto html = plan_document(status(p), "");
  EXPECT_TRUE(has(html, "<span class=\"rag rag-green\">Green</span>"));
  EXPECT_TRUE(has(html, "<p>No open follow-up flags.</p>"));
  EXPECT_TRUE(has(html, "<dt>Interview date</dt><dd>Not recorded</dd>"));
  EXPECT_TRUE(has(html, "<dt>Adviser</dt><dd>Not recorded</dd>"));
  EXPECT_TRUE(has(html, "<dt>Next review</dt><dd>Not set</dd>"));
  EXPECT_TRUE(has(html, "<dt>Intended destination</dt><dd>None recorded</dd>"));
  EXPECT_TRUE(has(html, "No summary recorded."));
  EXPECT_TRUE(has(html, "<p>No actions recorded.</p>"));
  EXPECT_FALSE(has(html, "Plan version"));
  EXPECT_FALSE(has(html, "href="));  // no panel_url, no link
}

TEST(SimsPlanHtml, FileNameIsTheUpn) {
  EXPECT_EQ(plan_file_name("B820432116017"), "B820432116017.html");
}

}  // namespace
}  // namespace careerlink::sims
