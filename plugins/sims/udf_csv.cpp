#include "plugins/sims/udf_csv.hpp"

#include "plugins/sims/display_text.hpp"

namespace careerlink::sims {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kLineEnd = "\r\n";

void append_row(std::string& out, std::initializer_list<std::string_view> values) {
  bool first = true;
  for (auto v : values) {
    if (!first) out += ',';
    out += v;
    first = false;
  }
  out += kLineEnd;
}

}  // namespace

std::string csv_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : clean_text(text)) {
    if (c == ',')
      out += ';';
    else if (c == '"')
      out += '\'';
    else if (c == '\n' || c == '\t')
      out += ' ';
    else
      out += c;
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  out = out.substr(first, out.find_last_not_of(' ') - first + 1);
  // Excel runs a cell starting with = + - @ as a formula (CSV injection); the apostrophe is
  // Excel's own "this is text" mark.
  if (out.front() == '=' || out.front() == '+' || out.front() == '-' || out.front() == '@')
    out.insert(0, 1, '\'');
  return out;
}

std::string destination_words(const PupilStatus& status) {
  if (!status.intended_destination) return std::string(kNoDestination);
  const auto& d = *status.intended_destination;
  std::string words = d.activity_code;
  if (!d.description.empty()) words += (words.empty() ? "" : " ") + d.description;
  if (!d.provider.empty()) words += (words.empty() ? "" : " ") + ("(" + d.provider + ")");
  return words;
}

std::string udf_csv(const SchoolState& state) {
  std::string out(kByteOrderMark);
  append_row(out, {kUdfColumns[0], kUdfColumns[1], kUdfColumns[2], kUdfColumns[3]});
  for (const auto& [upn, record] : state.pupils) {
    if (!record.status) continue;
    const auto& s = *record.status;
    const auto date = s.last_interview_date ? uk_date(*s.last_interview_date) : std::string();
    auto destination = csv_value(destination_words(s));
    if (destination.empty()) destination = kNoDestination;
    append_row(out, {csv_value(upn), rag_word(s.overall_rag), date, destination});
  }
  return out;
}

std::string removed_plans_csv(const SchoolState& state) {
  std::string out(kByteOrderMark);
  append_row(out, {"UPN", "Plan removed on"});
  for (const auto& [upn, record] : state.pupils) {
    if (!record.plan_removed_at) continue;
    const auto when = format_timestamp(*record.plan_removed_at);
    append_row(out, {csv_value(upn), uk_date(std::string_view(when).substr(0, 10))});
  }
  return out;
}

}  // namespace careerlink::sims
