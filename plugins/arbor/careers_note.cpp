#include "plugins/arbor/careers_note.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "daemon/domain/dates.hpp"

namespace careerlink::arbor {
namespace {

constexpr std::string_view kMarkerOpen = "[careerlink ";
constexpr std::string_view kPlanPart = "/plan/";
constexpr std::string_view kFollowUpPart = "/follow-up";
constexpr std::string_view kAsOf = "As of ";
constexpr std::string_view kSuperseded = "(superseded)";
constexpr std::string_view kWithdrawn = "(withdrawn)";

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string capitalised(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// One line of the note: newlines inside a value (a multi-line plan summary is fine) stay, but
// carriage returns and tabs do not.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\r') continue;
    out += c == '\t' ? ' ' : c;
  }
  return out;
}

std::string footer(Stamp as_of) {
  return "Kept up to date by careerlink: changes made here are replaced at the next update. " +
         std::string(kAsOf) + format_stamp(as_of) + ".";
}

std::string destination_line(const std::optional<Destination>& d) {
  if (!d) return "Intended destination: not recorded";
  std::string line = "Intended destination: ";
  line += d->description.empty() ? "activity code " + d->activity_code : clean(d->description);
  if (!d->description.empty() && !d->activity_code.empty()) line += " (" + d->activity_code + ")";
  if (d->course && !d->course->empty()) line += ", " + clean(*d->course);
  if (d->provider && !d->provider->empty()) line += ", " + clean(*d->provider);
  return line;
}

std::string flags_block(const PupilStatus& s) {
  if (s.flags.empty()) return "No open follow-up flags.\n";
  std::string out = "Open follow-up flags:\n";
  for (const auto& f : s.flags)
    out += "- " + capitalised(f.rag) + ": " + clean(f.reason) + "\n";
  return out;
}

std::string plan_block(const SharedPlan& p, std::size_t max_open) {
  std::string out = "Careers action plan from the guidance interview";
  if (!p.interview_date.empty()) out += " on " + uk_date(p.interview_date);
  if (!p.adviser.empty()) out += " with " + clean(p.adviser);
  std::string source;
  if (!p.provider.empty()) source = clean(p.provider);
  if (p.version > 0)
    source += (source.empty() ? "" : ", ") + ("version " + std::to_string(p.version));
  if (!source.empty()) out += " (" + source + ")";
  out += "\n";
  if (!p.summary.empty()) out += "Summary: " + clean(p.summary) + "\n";
  if (p.next_review) out += "Next review: " + uk_date(*p.next_review) + "\n";

  std::vector<const PlanAction*> open;
  std::size_t done = 0;
  std::size_t dropped = 0;
  for (const auto& a : p.actions) {
    if (a.status == "open") open.push_back(&a);
    if (a.status == "done") ++done;
    if (a.status == "dropped") ++dropped;
  }
  // Soonest due first; undated ones after the dated.
  std::ranges::stable_sort(open, [](const PlanAction* a, const PlanAction* b) {
    if (a->due.has_value() != b->due.has_value()) return a->due.has_value();
    return a->due && *a->due < *b->due;
  });
  if (open.empty()) {
    out += "No open actions.\n";
  } else {
    out += "Next actions:\n";
    for (std::size_t i = 0; i < open.size() && i < max_open; ++i) {
      const auto& a = *open[i];
      out += "- " + (a.due ? "due " + uk_date(*a.due) : std::string("no due date")) + ": " +
             clean(a.text);
      if (!a.owner.empty()) out += " (" + clean(a.owner) + ")";
      out += "\n";
    }
    if (open.size() > max_open)
      out += "- and " + std::to_string(open.size() - max_open) +
             " more open actions in the careers panel\n";
  }
  if (done > 0 || dropped > 0)
    out += "Done: " + std::to_string(done) + "; dropped: " + std::to_string(dropped) + ".\n";
  return out;
}

// Cuts `body` to fit `limit` at a line end, saying so, so the footer always fits.
std::string fit(std::string body, std::size_t limit) {
  if (body.size() <= limit) return body;
  static constexpr std::string_view kMore = "(more in the careers panel)\n";
  std::size_t keep = limit > kMore.size() ? limit - kMore.size() : 0;
  auto cut = body.rfind('\n', keep);
  body.resize(cut == std::string::npos ? 0 : cut + 1);  // at a newline: no UTF-8 cut in half
  return body + std::string(kMore);
}

std::string kind_words(const NoteMarker& m) {
  return m.interview_id ? "Careers plan" : "Careers follow-up";
}

}  // namespace

NoteMarker plan_marker(std::string school_urn, std::int64_t interview_id) {
  return NoteMarker{std::move(school_urn), interview_id};
}

NoteMarker marker_for(const PupilStatus& status) {
  if (status.plan) return plan_marker(status.pupil.school_urn, status.plan->interview_id);
  return NoteMarker{status.pupil.school_urn, std::nullopt};
}

std::string marker_text(const NoteMarker& m) {
  std::string out(kMarkerOpen);
  out += m.school_urn;
  if (m.interview_id) {
    out += kPlanPart;
    out += std::to_string(*m.interview_id);
  } else {
    out += kFollowUpPart;
  }
  out += ']';
  return out;
}

std::string marker_prefix(std::string_view school_urn) {
  return std::string(kMarkerOpen) + std::string(school_urn) + "/";
}

std::optional<NoteMarker> find_marker(std::string_view summary) {
  auto open = summary.rfind(kMarkerOpen);
  if (open == std::string_view::npos) return std::nullopt;
  auto rest = summary.substr(open + kMarkerOpen.size());
  auto close = rest.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  rest = rest.substr(0, close);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  NoteMarker m{std::string(rest.substr(0, slash)), std::nullopt};
  auto kind = rest.substr(slash);
  if (kind == kFollowUpPart) return m;
  if (!kind.starts_with(kPlanPart)) return std::nullopt;
  auto digits = kind.substr(kPlanPart.size());
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || id <= 0) return std::nullopt;
  m.interview_id = id;
  return m;
}

std::optional<NoteReading> read_note(std::string_view summary, std::string_view content) {
  auto marker = find_marker(summary);
  if (!marker) return std::nullopt;
  NoteReading r{std::move(*marker), NoteState::current, std::nullopt};
  if (summary.find(kWithdrawn) != std::string_view::npos) {
    r.state = NoteState::withdrawn;
  } else if (summary.find(kSuperseded) != std::string_view::npos) {
    r.state = NoteState::superseded;
  }
  // The last "As of " is the footer's: a plan summary above it may say anything.
  if (auto at = content.rfind(kAsOf); at != std::string_view::npos) {
    auto stamp = content.substr(at + kAsOf.size(), 20);
    r.as_of = parse_stamp(stamp);
  }
  return r;
}

NoteText status_note(const PupilStatus& s, const NoteStyle& style) {
  const auto marker = marker_for(s);
  NoteText t;
  t.summary = kind_words(marker) + ": " + upper(s.overall_rag) + " " + marker_text(marker);

  std::string body = "Careers RAG: " + upper(s.overall_rag) + "\n";
  body += flags_block(s);
  body += "Last guidance interview: " +
          (s.last_interview_date ? uk_date(*s.last_interview_date) : std::string("none recorded")) +
          "\n";
  body += destination_line(s.intended_destination) + "\n\n";
  if (s.plan) {
    body += plan_block(*s.plan, style.max_open_actions);
  } else {
    body += "No careers action plan is shared with staff.\n";
  }
  // The link and the stamp end the note whatever is cut to fit above them.
  std::string tail;
  if (auto link = deep_link(style.panel_url, s.panel_path); !link.empty())
    tail += "\nCareers panel: " + link + "\n";
  tail += "\n" + footer(s.as_of);
  auto limit = style.max_content > tail.size() ? style.max_content - tail.size() : 0;
  t.content = fit(std::move(body), limit) + tail;
  return t;
}

NoteText superseded_note(const NoteMarker& marker, Stamp as_of, std::string_view link) {
  NoteText t;
  t.summary = kind_words(marker) + " " + std::string(kSuperseded) + " " + marker_text(marker);
  t.content =
      "This careers note is no longer current: the pupil's careers RAG, flags and any shared plan "
      "are in their latest careerlink note.\n";
  if (!link.empty()) t.content += "Careers panel: " + std::string(link) + "\n";
  t.content += "\n" + footer(as_of);
  return t;
}

NoteText withdrawn_note(const NoteMarker& marker, Stamp as_of) {
  NoteText t;
  t.summary = kind_words(marker) + " " + std::string(kWithdrawn) + " " + marker_text(marker);
  t.content =
      "The pupil no longer agrees to share this careers plan with school staff, so careerlink "
      "has removed it from this note.\n\n" +
      footer(as_of);
  return t;
}

std::string deep_link(std::string_view panel_url, std::string_view panel_path) {
  if (panel_url.empty()) return {};
  std::string out(panel_url);
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  if (!panel_path.starts_with('/')) out += '/';
  out += panel_path;
  return out;
}

std::string uk_date(std::string_view iso_date) {
  auto ymd = parse_iso_date(iso_date);
  if (!ymd) return std::string(iso_date);
  auto iso = std::string(iso_date);
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

}  // namespace careerlink::arbor
