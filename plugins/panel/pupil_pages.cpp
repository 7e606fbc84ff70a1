// The pupil page: prints on one page (the plan first; history and forms drop out in print).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "daemon/guidance/nccis_codes.hpp"
#include "plugins/panel/pages.hpp"

namespace careerlink::panel {
namespace {

std::string name_of(const PupilView& p) {
  const std::string fore = p.preferred_forename.value_or(p.forename.value_or(""));
  const std::string sur = p.preferred_surname.value_or(p.surname.value_or(""));
  std::string name = fore + (fore.empty() || sur.empty() ? "" : " ") + sur;
  return name.empty() ? p.upn : name;
}

std::string activity_words(std::string_view code) {
  const auto* a = guidance::find_activity(code);
  return a ? fmt::format("{} ({})", a->description, code) : std::string(code);
}

std::string tick_form(const Viewer& viewer, const PupilView& p, const guidance::Action& a,
                      std::string_view status, std::string_view label) {
  return fmt::format(
      R"(<form class="inline" method="post" action="/panel/pupil/action">)"
      R"(<input type="hidden" name="csrf" value="{}"><input type="hidden" name="upn" value="{}">)"
      R"(<input type="hidden" name="action" value="{}"><input type="hidden" name="status" value="{}">)"
      R"(<button type="submit" aria-label="{}: {}">{}</button></form> )",
      escape(viewer.csrf_token), escape(p.upn), escape(a.id), status, escape(label), escape(a.text),
      escape(label));
}

std::string plan_section(const Viewer& viewer, const PupilRecord& r) {
  const auto& p = r.row.pupil;
  if (!r.plan) {
    if (r.has_unshared_plan) {
      return R"(<h2>Action plan</h2><p class="notice">This pupil has an action plan but did not )"
             R"(agree to share it with school staff. Their adviser holds it.</p>)";
    }
    return R"(<h2>Action plan</h2><p class="muted">No action plan yet.</p>)";
  }
  const CurrentPlan& c = *r.plan;
  std::string out = "<h2>Action plan</h2>";
  out += fmt::format(R"(<p><strong>From the interview on {}</strong> with {} (version {}).</p>)",
                     uk_date(c.interview_date), escape(c.adviser_name), c.version);
  out += fmt::format("<p>{}</p>", escape(c.plan.summary));
  if (c.plan.intended_destination) {
    const auto& d = *c.plan.intended_destination;
    out += fmt::format(
        "<p><strong>Intends:</strong> {}{}{}</p>", escape(activity_words(d.activity_code)),
        d.provider ? " at " + escape(*d.provider) : "", d.course ? ", " + escape(*d.course) : "");
  }
  if (c.plan.next_review) {
    out += fmt::format("<p><strong>Review by:</strong> {}</p>", uk_date(*c.plan.next_review));
  }
  out += R"(<table class="stack"><caption>Actions</caption><thead><tr><th scope="col">Action</th>)"
         R"(<th scope="col">Who</th><th scope="col">Due</th><th scope="col">Status</th>)"
         R"(<th scope="col" class="no-print">Update</th></tr></thead><tbody>)";
  for (const auto& a : c.plan.actions) {
    std::string status = a.status;
    if (a.status != "open" && a.done_on) status += " on " + uk_date(*a.done_on);
    if (a.status != "open" && a.done_by) status += " by " + *a.done_by;
    std::string forms;
    if (a.status == "open") {
      forms =
          tick_form(viewer, p, a, "done", "Mark done") + tick_form(viewer, p, a, "dropped", "Drop");
    } else {
      forms = tick_form(viewer, p, a, "open", "Reopen");
    }
    out += fmt::format(
        R"(<tr><td data-label="Action">{}</td><td data-label="Who">{}</td><td data-label="Due">{}</td>)"
        R"(<td data-label="Status">{}</td><td class="no-print">{}</td></tr>)",
        escape(a.text), escape(a.owner), a.due ? uk_date(*a.due) : "", escape(status), forms);
  }
  if (c.plan.actions.empty()) out += R"(<tr><td colspan="5">No actions.</td></tr>)";
  out += "</tbody></table>";
  return out;
}

std::string notes_section(const Viewer& viewer, const PupilRecord& r) {
  std::string out = "<h2>Follow-up notes</h2>";
  out += fmt::format(
      R"(<form class="no-print" method="post" action="/panel/pupil/note">)"
      R"(<input type="hidden" name="csrf" value="{}"><input type="hidden" name="upn" value="{}">)"
      R"(<label for="note">Add a follow-up note</label>)"
      R"(<textarea id="note" name="text" maxlength="4000" required></textarea>)"
      R"(<p><button type="submit">Save note</button></p></form>)",
      escape(viewer.csrf_token), escape(r.row.pupil.upn));
  if (r.notes.empty()) return out + R"(<p class="muted">No notes yet.</p>)";
  out += "<ul>";
  for (const auto& n : r.notes) {
    out += fmt::format(
        "<li><p>{}</p><p class=\"muted\"><small>{} on {:%d/%m/%Y %H:%M} UTC</small></p></li>",
        escape(n.text), escape(n.author), std::chrono::floor<std::chrono::minutes>(n.at));
  }
  return out + "</ul>";
}

std::string history_sections(const PupilRecord& r) {
  std::string out = R"(<div class="history"><h2>Guidance interviews</h2>)";
  if (r.interviews.empty()) {
    out += R"(<p class="muted">None recorded.</p>)";
  } else {
    out +=
        R"(<table class="stack"><thead><tr><th scope="col">Date</th><th scope="col">From</th></tr></thead><tbody>)";
    for (const auto& i : r.interviews) {
      out += fmt::format(R"(<tr><td data-label="Date">{}</td><td data-label="From">{}</td></tr>)",
                         uk_date(i.date), escape(i.provider));
    }
    out += "</tbody></table>";
  }
  out += "<h2>Destinations</h2>";
  if (r.destinations.empty()) {
    out += R"(<p class="muted">None recorded.</p>)";
  } else {
    out += "<ul>";
    for (const auto& d : r.destinations) {
      out += fmt::format(
          "<li>{}: {}{} <small class=\"muted\">({})</small></li>",
          d.destination.type == "actual" ? "Actual" : "Intended",
          escape(activity_words(d.destination.activity_code)),
          d.destination.provider_name ? " at " + escape(*d.destination.provider_name) : "",
          escape(d.source));
    }
    out += "</ul>";
  }
  out += "<h2>Follow-up flag history</h2>";
  if (r.flag_history.empty()) return out + R"(<p class="muted">No flags.</p></div>)";
  out +=
      R"(<table class="stack"><thead><tr><th scope="col">Follow-up</th><th scope="col">RAG</th>)"
      R"(<th scope="col">Why</th><th scope="col">Raised</th><th scope="col">Cleared</th></tr></thead><tbody>)";
  for (const auto& f : r.flag_history) {
    out += fmt::format(
        R"(<tr><td data-label="Follow-up">{}</td><td data-label="RAG">{}</td><td data-label="Why">{}</td>)"
        R"(<td data-label="Raised">{:%d/%m/%Y}</td><td data-label="Cleared">{}</td></tr>)",
        escape(flag_title(f.flag.kind)), rag_badge(f.flag.rag), escape(f.flag.reason),
        std::chrono::floor<std::chrono::days>(f.flag.raised_at),
        f.flag.cleared_at
            ? fmt::format("{:%d/%m/%Y}", std::chrono::floor<std::chrono::days>(*f.flag.cleared_at))
            : "open");
  }
  return out + "</tbody></table></div>";
}

}  // namespace

std::string pupil_page(const Viewer& viewer, const PupilRecord& r, std::string_view message) {
  const auto& p = r.row.pupil;
  std::string main;
  if (!message.empty()) {
    main += fmt::format(R"(<div class="notice" role="status"><p>{}</p></div>)", escape(message));
  }
  main += fmt::format(R"(<p>UPN {} &middot; Year {} &middot; Tutor group {} &middot; {}</p>)",
                      escape(p.upn), escape(p.nc_year.value_or("?")),
                      escape(p.tutor_group.value_or("none")), rag_badge(r.row.rag));
  if (!r.row.flags.empty()) {
    main += R"(<h2>Follow-up needed</h2><ul class="flags">)";
    for (const auto& f : r.row.flags) {
      main += fmt::format("<li>{} <strong>{}</strong>: {}</li>", rag_badge(f.rag),
                          escape(flag_title(f.kind)), escape(f.reason));
    }
    main += "</ul>";
  }
  main += plan_section(viewer, r);
  main += notes_section(viewer, r);
  main += history_sections(r);
  std::string crumbs = R"(<a href="/panel/">My pupils</a>)";
  if (p.tutor_group) {
    crumbs += fmt::format(R"( &rsaquo; <a href="/panel/group?name={}">{}</a>)",
                          escape(url_encode(*p.tutor_group)), escape(*p.tutor_group));
  }
  return page(viewer.frame(name_of(p), crumbs), main);
}

}  // namespace careerlink::panel
