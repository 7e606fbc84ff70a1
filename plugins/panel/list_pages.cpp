// The list pages (my groups, a group, the whole school), the sign-in page and problem pages.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <algorithm>

#include "plugins/panel/pages.hpp"

namespace careerlink::panel {
namespace {

std::string pupil_name(const PupilView& p) {
  const std::string fore = p.preferred_forename.value_or(p.forename.value_or(""));
  const std::string sur = p.preferred_surname.value_or(p.surname.value_or(""));
  std::string name = fore + (fore.empty() || sur.empty() ? "" : " ") + sur;
  return name.empty() ? p.upn : name;
}

std::string flags_cell(const PupilRow& r) {
  if (r.flags.empty()) return R"(<span class="muted">None</span>)";
  std::string out = R"(<ul class="flags">)";
  for (const auto& f : r.flags) {
    out += fmt::format("<li>{}</li>", escape(flag_title(f.kind)));
  }
  return out + "</ul>";
}

std::string next_action_cell(const PupilRow& r) {
  if (!r.has_plan) return R"(<span class="muted">No plan yet</span>)";
  if (!r.plan_shared) return R"(<span class="muted">Plan not shared</span>)";
  if (!r.next_action) return R"(<span class="muted">No open actions</span>)";
  std::string out = escape(r.next_action->text);
  if (r.next_action->due)
    out += fmt::format("<br><small>Due {}</small>", uk_date(*r.next_action->due));
  return out;
}

std::string rows_table(const std::vector<PupilRow>& rows, std::string_view caption,
                       bool show_group) {
  std::string out = fmt::format(R"(<table class="stack"><caption>{}</caption><thead><tr>)"
                                R"(<th scope="col">Pupil</th>)",
                                escape(caption));
  if (show_group) out += R"(<th scope="col">Year</th><th scope="col">Tutor group</th>)";
  out +=
      R"(<th scope="col">RAG</th><th scope="col">Follow-up needed</th>)"
      R"(<th scope="col">Next action</th><th scope="col">Last interview</th></tr></thead><tbody>)";
  for (const auto& r : rows) {
    out += fmt::format(
        R"(<tr><th scope="row" data-label="Pupil"><a href="/panel/pupil?upn={}">{}</a></th>)",
        escape(url_encode(r.pupil.upn)), escape(pupil_name(r.pupil)));
    if (show_group) {
      out += fmt::format(R"(<td data-label="Year">{}</td><td data-label="Tutor group">{}</td>)",
                         escape(r.pupil.nc_year.value_or("")),
                         escape(r.pupil.tutor_group.value_or("")));
    }
    out += fmt::format(
        R"(<td data-label="RAG">{}</td><td data-label="Follow-up">{}</td><td data-label="Next action">{}</td><td data-label="Last interview">{}</td></tr>)",
        rag_badge(r.rag), flags_cell(r), next_action_cell(r),
        r.last_interview ? uk_date(*r.last_interview) : R"(<span class="muted">None</span>)");
  }
  if (rows.empty()) out += R"(<tr><td colspan="7">No pupils.</td></tr>)";
  return out + "</tbody></table>";
}

std::string counts(const std::vector<PupilRow>& rows) {
  int red = 0;
  int amber = 0;
  int green = 0;
  for (const auto& r : rows) {
    (r.rag == rules::Rag::red ? red : r.rag == rules::Rag::amber ? amber : green) += 1;
  }
  return fmt::format(R"(<p>{} pupils: {} red, {} amber, {} green.</p>)", rows.size(), red, amber,
                     green);
}

}  // namespace

PageFrame Viewer::frame(std::string title, std::string breadcrumb) const {
  PageFrame f;
  f.title = std::move(title);
  f.breadcrumb = std::move(breadcrumb);
  f.csrf_token = csrf_token;
  if (identity != nullptr) {
    f.staff_name = identity->display_name.empty() ? identity->email : identity->display_name;
    f.careers_leader = std::ranges::any_of(identity->reach, [](const Reach& r) {
      return r.role == Role::careers_leader || r.role == Role::adviser ||
             r.role == Role::head_of_year;
    });
  }
  return f;
}

std::string my_groups_page(const Viewer& viewer) {
  const StaffIdentity& who = *viewer.identity;
  std::string main;
  std::string tutor;
  std::string years;
  std::string schools;
  for (const auto& r : who.reach) {
    const bool several_schools = who.schools().size() > 1;
    const std::string school_part =
        several_schools ? "&amp;school=" + escape(url_encode(r.school_urn)) : "";
    switch (r.role) {
      case Role::tutor:
        tutor += fmt::format(R"(<li><a href="/panel/group?name={}{}">Tutor group {}</a></li>)",
                             escape(url_encode(r.scope)), school_part, escape(r.scope));
        break;
      case Role::head_of_year:
        years += fmt::format(R"(<li><a href="/panel/school?year={}{}">Year {}</a></li>)",
                             escape(url_encode(r.scope)), school_part, escape(r.scope));
        break;
      case Role::careers_leader:
      case Role::adviser:
        schools += fmt::format(R"(<li><a href="/panel/school?school={}">School {} ({})</a></li>)",
                               escape(url_encode(r.school_urn)), escape(r.school_urn),
                               r.role == Role::adviser ? "adviser" : "careers leader");
        if (r.role == Role::careers_leader) {
          schools += fmt::format(
              R"(<li><a href="/panel/report/b8?school={}">Benchmark 8 report, school {}</a></li>)",
              escape(url_encode(r.school_urn)), escape(r.school_urn));
        }
        break;
      case Role::admin:
        break;
    }
  }
  if (!tutor.empty()) main += "<h2>Tutor groups</h2><ul>" + tutor + "</ul>";
  if (!years.empty()) main += "<h2>Year groups</h2><ul>" + years + "</ul>";
  if (!schools.empty()) main += "<h2>Whole school</h2><ul>" + schools + "</ul>";
  if (main.empty()) {
    main = R"(<p class="notice">careerlink does not know of any pupils you look after. )"
           R"(Tutor groups come from the school's MIS staff export, matched by your e-mail )"
           R"(address; ask the careers leader or IT to check it, or to give you a role.</p>)";
  }
  return page(viewer.frame("My pupils"), main);
}

std::string group_body(std::string_view group, const std::vector<PupilRow>& rows) {
  std::string main = counts(rows);
  main += rows_table(rows, fmt::format("Pupils in {}", group), false);
  return main;
}

std::string group_page(const Viewer& viewer, std::string_view group, std::string_view body) {
  return page(
      viewer.frame(fmt::format("Tutor group {}", group), R"(<a href="/panel/">My pupils</a>)"),
      body);
}

std::string school_page(const Viewer& viewer, std::string_view school_urn, std::string_view body) {
  return page(
      viewer.frame(fmt::format("School {}", school_urn), R"(<a href="/panel/">My pupils</a>)"),
      body);
}

std::string school_body(std::string_view school_urn, const SchoolFilter& filter,
                        const std::vector<PupilRow>& rows) {
  std::string main = fmt::format(
      R"(<form class="filters no-print" method="get" action="/panel/school">)"
      R"(<input type="hidden" name="school" value="{}">)"
      R"(<div><label for="f-year">Year</label><input type="text" id="f-year" name="year" size="4" value="{}"></div>)"
      R"(<div><label for="f-rag">RAG</label><select id="f-rag" name="rag">)",
      escape(school_urn), escape(filter.year));
  for (std::string_view rag : {"", "red", "amber", "green"}) {
    main += fmt::format(R"(<option value="{}"{}>{}</option>)", rag,
                        filter.rag == rag ? " selected" : "", rag.empty() ? "Any" : rag);
  }
  main +=
      R"(</select></div><div><label for="f-flag">Follow-up</label><select id="f-flag" name="flag"><option value="">Any</option>)";
  for (std::string_view kind : {"no_interview", "no_second_interview", "overdue_action",
                                "review_due", "no_intended_destination", "neet_risk"}) {
    main += fmt::format(R"(<option value="{}"{}>{}</option>)", kind,
                        filter.flag == kind ? " selected" : "", escape(flag_title(kind)));
  }
  main += R"(</select></div><div><button type="submit">Filter</button></div></form>)";
  main += counts(rows);
  // By year group, in year order as the MIS codes them.
  std::vector<std::string> years;
  for (const auto& r : rows) {
    const std::string y = r.pupil.nc_year.value_or("?");
    if (std::ranges::find(years, y) == years.end()) years.push_back(y);
  }
  std::ranges::sort(years, [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  for (const auto& y : years) {
    std::vector<PupilRow> in_year;
    for (const auto& r : rows) {
      if (r.pupil.nc_year.value_or("?") == y) in_year.push_back(r);
    }
    main += fmt::format("<h2>Year {}</h2>", escape(y));
    main += rows_table(in_year, fmt::format("Year {}", y), true);
  }
  if (years.empty()) main += "<p>No pupils match.</p>";
  return main;
}

std::string sign_in_page(std::string_view next, std::string_view error, bool local_accounts,
                         std::string_view oidc_label, std::string_view csrf_token) {
  std::string main;
  if (!error.empty()) {
    main += fmt::format(R"(<div class="error" role="alert"><p>{}</p></div>)", escape(error));
  }
  if (!oidc_label.empty()) {
    main += fmt::format(R"(<p><a class="button" href="/panel/oidc/start?next={}">{}</a></p>)",
                        escape(url_encode(next)), escape(oidc_label));
  }
  if (local_accounts) {
    main += fmt::format(
        R"(<form method="post" action="/panel/login"><input type="hidden" name="csrf" value="{}">)"
        R"(<input type="hidden" name="next" value="{}">)"
        R"(<label for="email">E-mail address</label><input type="email" id="email" name="email" autocomplete="username" required>)"
        R"(<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>)"
        R"(<p><button type="submit">Sign in</button></p></form>)",
        escape(csrf_token), escape(next));
  }
  if (oidc_label.empty() && !local_accounts) {
    main += R"(<p class="notice">No sign-in method is configured: set [panel.oidc] or )"
            R"([panel] local_accounts in careerlink.toml.</p>)";
  }
  // Inside an MIS frame from another site the browser keeps no session (SameSite cookies), so
  // the way on is a tab of its own.
  main += fmt::format(
      R"(<p class="muted">Opened inside your MIS? <a href="/panel/login?next={}" target="_blank" )"
      R"(rel="noopener">Open the careers panel in a new tab</a>.</p>)",
      escape(url_encode(next)));
  PageFrame f;
  f.title = "Sign in";
  return page(f, main);
}

std::string problem_page(const Viewer& viewer, std::string_view title, std::string_view text) {
  return page(viewer.frame(std::string(title), R"(<a href="/panel/">My pupils</a>)"),
              fmt::format("<p>{}</p>", escape(text)));
}

}  // namespace careerlink::panel
