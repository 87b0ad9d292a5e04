// The coaches' monthly activity report (coaching/monthly.h) as a page laid out like the
// Pathways for All report (Year 11 and Year 12 panels) and as JSON. Figures only, no names.
// A coach sees their own caseload's figures and a school its own; others choose freely.
#include <fmt/format.h>

#include <algorithm>

#include "coaching/monthly.h"
#include "coaching/notes.h"
#include "io/folder.h"
#include "coaching/store.h"
#include "server/internal.h"

namespace pathways::web {

namespace {


// The filter the user may use: a coach or school user is held to their own.
MonthlyActivityFilter filter_for(const Ctx& ctx) {
  MonthlyActivityFilter f;
  f.coach = ctx.param("coach").substr(0, 64);
  f.school = ctx.param("school").substr(0, 64);
  if (ctx.user().role == Role::coach) f.coach = ctx.user().coach_id;
  if (ctx.user().role == Role::school) f.school = ctx.user().school_id;
  return f;
}

// The coach and school fields of a filter form, for the users who may choose them.
std::string filter_inputs(const Ctx& ctx, const MonthlyActivityFilter& f) {
  std::string html;
  if (ctx.user().role != Role::coach)
    html += "<div class=\"govuk-grid-column-one-third\">" +
            text_input("coach", "Coach (optional)", f.coach, "A coach id, for example C03", "", "text", "govuk-input--width-10") + "</div>";
  if (ctx.user().role != Role::school)
    html += "<div class=\"govuk-grid-column-one-third\">" +
            text_input("school", "School (optional)", f.school, "A school id", "", "text", "govuk-input--width-10") + "</div>";
  return html;
}

std::optional<std::pair<int, int>> parse_month(const std::string& m) {
  const auto end = parse_month_end(m);
  if (!end || m.size() != 7) return std::nullopt;
  const Ymd ymd = to_ymd(*end);
  if (ymd.year < 1990 || ymd.year > 2100) return std::nullopt;
  return std::make_pair(ymd.year, ymd.month);
}

std::string count_pct(const ActivityPanel& p, int64_t n) {
  return fmt::format("{} ({})", num(n), pct(p.pct(n)));
}

std::string panel_html(const ActivityPanel& p, bool year12, const Programmes::Names& session_names) {
  const std::string y = year12 ? "Year 12: " : "Year 11: ";
  std::vector<std::pair<std::string, std::string>> rows = {
      {"On the caseload in the month", num(p.caseload)},
      {"Joined in the month", num(p.joined)},
      {"Left in the month", num(p.left)},
      {"Engaged (contact with the young person)", count_pct(p, p.engaged)},
      {"Contacts with post-16 providers and other professionals", num(p.professional_contacts)}};
  std::string html = summary_list(rows);
  TableSpec sessions{y + "Sessions completed to date", {"Session", "Young people", "Share of caseload"}, {false, true, true}, {}};
  for (size_t i = 0; i < 7; ++i)
    sessions.rows.push_back({fmt::format("{}. {}", i + 1, esc(session_names[i])), num(p.sessions_completed[i]),
                             pct(p.pct(p.sessions_completed[i]))});
  html += table(sessions);
  TableSpec assessments{y + "Assessments completed to date", {"Assessment", "Young people", "Share of caseload"}, {false, true, true}, {}};
  const char* names[] = {"RONI", "PASS", "NEET assessment tool"};
  for (size_t i = 0; i < 3; ++i)
    assessments.rows.push_back({names[i], num(p.assessments_completed[i]), pct(p.pct(p.assessments_completed[i]))});
  html += table(assessments);
  if (year12) {
    int64_t neet = 0;
    for (auto n : p.neet_by_reason) neet += n;
    html += summary_list({{"In education, employment or training", count_pct(p, p.eet)},
                          {"NEET", count_pct(p, neet)},
                          {"Not known", count_pct(p, p.unknown)}});
    TableSpec by_type{y + "EET by type", {"Type", "Young people"}, {false, true}, {}};
    const char* types[] = {"Full-time education", "Part-time education", "Apprenticeship", "Employment with training",
                           "Employment without training", "Training", "Other"};
    for (size_t i = 0; i < 7; ++i) by_type.rows.push_back({types[i], num(p.eet_by_type[i])});
    html += table(by_type);
    TableSpec by_reason{y + "NEET by reason", {"Reason", "Young people"}, {false, true}, {}};
    const char* reasons[] = {"Awaiting a start date", "Has applied", "Being supported", "Not ready", "Not willing to engage"};
    for (size_t i = 0; i < 5; ++i) by_reason.rows.push_back({reasons[i], num(p.neet_by_reason[i])});
    html += table(by_reason);
    TableSpec left{y + "Left the caseload, by reason", {"Reason", "Young people"}, {false, true}, {}};
    const char* why[] = {"Moved into EET", "Other support", "Left the area", "Disengaged", "Other"};
    for (size_t i = 0; i < 5; ++i) left.rows.push_back({why[i], num(p.left_by_reason[i])});
    html += table(left);
  }
  return html;
}

bool records_coaching(Role r) { return r == Role::admin || r == Role::data_officer || r == Role::coach; }

std::string mode_label(ContactMode m) {
  switch (m) {
    case ContactMode::kInPerson: return "in person";
    case ContactMode::kVirtual: return "virtual";
    case ContactMode::kPhone: return "phone";
    case ContactMode::kText: return "text";
    case ContactMode::kEmail: return "email";
    case ContactMode::kNone: return "";
  }
  return "";
}

const char* with_label(ContactWith w) {
  switch (w) {
    case ContactWith::kYoungPerson: return "the young person";
    case ContactWith::kParentCarer: return "a parent or carer";
    case ContactWith::kPost16Provider: return "a post-16 provider";
    case ContactWith::kOtherProfessional: return "another professional";
  }
  return "";
}

// The date fields `name`-day/-month/-year as a date, or an error message.
std::pair<Date, std::string> form_date(const Ctx& ctx, const std::string& name, Date today) {
  const std::string iso = iso_from_parts(ctx.param(name + "-day"), ctx.param(name + "-month"), ctx.param(name + "-year"));
  const auto d = iso.empty() ? std::nullopt : parse_date(iso);
  if (!d) return {kNoDate, "Enter a real date, with a day, month and 4-digit year"};
  if (*d > today) return {kNoDate, "The date must be today or in the past"};
  return {*d, ""};
}


// A confidential note is for LA staff and for coaches who may see the young person; a
// school never reads one (it sees the rest of the coaching summary).
bool may_read_note(const Ctx& ctx, const CoachingNote& n) {
  if (!n.confidential) return true;
  const Role r = ctx.user().role;
  return r == Role::admin || r == Role::data_officer || r == Role::coach;
}

// Notes and action plans of the person page, with forms for the roles that record.
std::string notes_and_plans_html(const Ctx& ctx, uint32_t p, bool can_record) {
  const std::string id(ctx.data->ds.people.id[p]);
  const std::string base = "/people/" + url_encode(id);
  const std::string csrf = can_record ? hidden("csrf_token", ctx.session->csrf_token) : "";
  std::string html = "<h3 class=\"govuk-heading-s\" id=\"notes\">Notes</h3>";
  std::vector<const CoachingNote*> notes;
  for (const auto& n : ctx.data->notes.notes)
    if (n.person == p && may_read_note(ctx, n)) notes.push_back(&n);
  std::stable_sort(notes.begin(), notes.end(), [](const CoachingNote* a, const CoachingNote* b) { return a->date > b->date; });
  if (notes.empty()) html += "<p class=\"govuk-body\">No notes.</p>";
  for (const CoachingNote* n : notes)
    html += fmt::format("<div class=\"govuk-inset-text app-note\"><p class=\"govuk-body-s govuk-!-margin-bottom-1\"><time datetime=\"{}\">{}</time>, {}{}</p><p class=\"govuk-body govuk-!-margin-bottom-0\">{}</p></div>",
                        format_date(n->date), esc(long_date(format_date(n->date))), esc(n->written_by),
                        n->confidential ? " " + tag("Confidential", "red") : "", esc(n->body));
  if (can_record)
    html += "<form method=\"post\" action=\"" + base + "/notes\" novalidate>" + csrf +
            textarea("note_body", "Add a note", "", "Up to 2,000 characters", "", 3) +
            "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\" data-module=\"govuk-checkboxes\"><div class=\"govuk-checkboxes__item\">"
            "<input class=\"govuk-checkboxes__input\" id=\"note_confidential\" name=\"note_confidential\" type=\"checkbox\" value=\"1\">"
            "<label class=\"govuk-label govuk-checkboxes__label\" for=\"note_confidential\">Confidential: not shown to the school</label></div></div></div>" +
            button("Save note", "govuk-button--secondary") + "</form>";
  html += "<h3 class=\"govuk-heading-s\" id=\"plans\">Action plans</h3>";
  bool any = false;
  for (const auto& pl : ctx.data->notes.plans) {
    if (pl.person != p) continue;
    any = true;
    html += fmt::format("<div class=\"app-plan\"><p class=\"govuk-body\"><strong>Goal:</strong> {} <span class=\"govuk-body-s\">(opened {}{})</span></p>",
                        esc(pl.goal), esc(long_date(format_date(pl.created))),
                        pl.closed == kNoDate ? "" : ", closed " + esc(long_date(format_date(pl.closed))));
    if (!pl.steps.empty()) {
      TableSpec t{"Actions and reviews", {"Step", "Date", "What", "Done"}, {}, {}};
      for (const auto& st : pl.steps)
        t.rows.push_back({st.review ? "Review" : "Action", esc(long_date(format_date(st.date))), esc(st.body),
                          st.review ? "" : st.done == kNoDate ? tag("Open", "yellow") : esc(long_date(format_date(st.done)))});
      html += table(t);
    }
    if (can_record && pl.closed == kNoDate)
      html += fmt::format("<form method=\"post\" action=\"{}/plans/{}/steps\" novalidate>{}", base, pl.id, csrf) +
              radios(fmt::format("step_kind_{}", pl.id), "Add to this plan", {{"action", "An action"}, {"review", "A review"}}, "action", "", "", true) +
              date_input(fmt::format("step_date_{}", pl.id), "Due date, or date of the review", "", "For example, 20 10 2026", "") +
              text_input(fmt::format("step_body_{}", pl.id), "What", "", "", "", "text", "govuk-!-width-two-thirds") +
              button("Add to the plan", "govuk-button--secondary") + "</form></div>";
    else html += "</div>";
  }
  if (!any) html += "<p class=\"govuk-body\">No action plan.</p>";
  if (can_record)
    html += "<form method=\"post\" action=\"" + base + "/plans\" novalidate>" + csrf +
            text_input("plan_goal", "Start an action plan: the goal", "", "For example, a college place in September", "", "text",
                       "govuk-!-width-two-thirds") +
            button("Start the plan", "govuk-button--secondary") + "</form>";
  return html;
}

}  // namespace

std::string coaching_section(Ctx& ctx, uint32_t p) {
  const CoachingRecords& c = ctx.data->coaching;
  struct Item {
    Date date;
    std::string title, detail;
  };
  std::vector<Item> items;
  int in_person = 0, virtual_ = 0;
  auto count = [&](ContactMode m) {
    if (m == ContactMode::kInPerson) ++in_person;
    else if (m != ContactMode::kNone) ++virtual_;
  };
  for (const auto& e : c.caseload)
    if (e.person == p) {
      items.push_back({e.joined, "Joined the caseload of coach " + e.coach_id, e.school_id.empty() ? "" : "At " + e.school_id});
      if (e.left != kNoDate)
        items.push_back({e.left, "Left the caseload of coach " + e.coach_id,
                         e.leave_reason == LeaveReason::kNone ? "" : "Reason: " + std::string(kLeaveReasonNames[static_cast<size_t>(e.leave_reason) - 1])});
    }
  // Session names of the person's programme (the newest caseload episode's).
  std::string programme;
  Date newest = kNoDate;
  for (const auto& e : c.caseload)
    if (e.person == p && e.joined > newest) newest = e.joined, programme = e.programme;
  const Programmes::Names& session_names = ctx.app.programmes.sessions(programme);
  for (const auto& x : c.sessions)
    if (x.person == p) {
      count(x.mode);
      items.push_back({x.date, fmt::format("Session {}: {}", x.number, session_names[static_cast<size_t>(x.number - 1)]),
                       x.mode == ContactMode::kNone ? "" : "Held " + mode_label(x.mode)});
    }
  for (const auto& x : c.contacts)
    if (x.person == p) {
      count(x.mode);
      items.push_back({x.date, std::string("Contact with ") + with_label(x.with), x.mode == ContactMode::kNone ? "" : "By " + mode_label(x.mode)});
    }
  const char* kinds[] = {"RONI", "PASS", "NEET assessment tool"};
  for (const auto& x : c.assessments)
    if (x.person == p) items.push_back({x.date, std::string(kinds[static_cast<size_t>(x.kind)]) + " assessment", ""});
  const bool can_record = records_coaching(ctx.user().role);
  bool has_notes = false;
  for (const auto& n : ctx.data->notes.notes) has_notes |= n.person == p && may_read_note(ctx, n);
  for (const auto& pl : ctx.data->notes.plans) has_notes |= pl.person == p;
  if (items.empty() && !can_record && !has_notes) return "";
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.date > b.date; });
  const std::string id(ctx.data->ds.people.id[p]);
  std::string html = "<h2 class=\"govuk-heading-m\">Engagement coaching</h2>";
  html += summary_list({{"Touchpoints in person", std::to_string(in_person)}, {"Touchpoints virtual (video, phone, text, email)", std::to_string(virtual_)}});
  if (items.empty()) html += "<p class=\"govuk-body\">No coaching recorded.</p>";
  else {
    html += "<div class=\"moj-timeline\">";
    for (size_t i = 0; i < items.size() && i < 60; ++i)
      html += fmt::format(
          "<div class=\"moj-timeline__item\"><div class=\"moj-timeline__header\"><h3 class=\"moj-timeline__title\">{}</h3></div>"
          "<p class=\"moj-timeline__date\"><time datetime=\"{}\">{}</time></p><div class=\"moj-timeline__description\">{}</div></div>",
          esc(items[i].title), format_date(items[i].date), esc(long_date(format_date(items[i].date))), esc(items[i].detail));
    html += "</div>";
  }
  html += notes_and_plans_html(ctx, p, can_record);
  if (can_record) {
    const std::string csrf = hidden("csrf_token", ctx.session->csrf_token);
    html += "<h3 class=\"govuk-heading-s\">Record a contact</h3>";
    html += "<form method=\"post\" action=\"/people/" + url_encode(id) + "/contacts\" novalidate>" + csrf +
            date_input("contact_date", "Date of the contact", "", "For example, 20 10 2026", "") +
            select("contact_with", "Contact with", {{"young_person", "The young person"}, {"parent_carer", "Parent or carer"},
                                                   {"post16_provider", "Post-16 provider"}, {"other_professional", "Another professional"}},
                   "young_person") +
            select("contact_mode", "How", {{"in_person", "In person"}, {"virtual", "Video call"}, {"phone", "Phone"}, {"text", "Text message"}, {"email", "Email"}},
                   "in_person") +
            button("Save contact", "govuk-button--secondary") + "</form>";
    html += "<h3 class=\"govuk-heading-s\">Record a session</h3>";
    std::vector<std::pair<std::string, std::string>> sessions;
    for (int n = 1; n <= 7; ++n) sessions.push_back({std::to_string(n), fmt::format("{}. {}", n, session_names[static_cast<size_t>(n - 1)])});
    html += "<form method=\"post\" action=\"/people/" + url_encode(id) + "/sessions\" novalidate>" + csrf +
            select("session_number", "Session", sessions, "1") +
            date_input("session_date", "Date of the session", "", "For example, 20 10 2026", "") +
            select("session_mode", "How", {{"in_person", "In person"}, {"virtual", "Virtual"}}, "in_person") +
            button("Save session", "govuk-button--secondary") + "</form>";
    html += "<h3 class=\"govuk-heading-s\">Record an assessment</h3>";
    html += "<form method=\"post\" action=\"/people/" + url_encode(id) + "/assessments\" novalidate>" + csrf +
            select("assessment_kind", "Assessment", {{"roni", "RONI"}, {"pass", "PASS"}, {"neet_tool", "NEET assessment tool"}}, "roni") +
            date_input("assessment_date", "Date of the assessment", "", "For example, 20 10 2026", "") +
            button("Save assessment", "govuk-button--secondary") + "</form>";
  }
  return html;
}

void Impl::register_coaching_pages() {
  // Recording a contact or a session: one row through the store's coaching import.
  auto record = [this](Ctx& ctx, bool session, bool assessment = false) {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("change_denied", "person", id.substr(0, 64));
      return ctx.not_found();
    }
    if (!records_coaching(ctx.user().role)) return ctx.forbidden();
    const std::string date_field = assessment ? "assessment_date" : session ? "session_date" : "contact_date";
    const auto [date, problem] = form_date(ctx, date_field, today());
    CoachingRecords one;
    std::string coach = ctx.user().role == Role::coach ? ctx.user().coach_id : "";
    if (coach.empty()) {
      const auto it = ctx.data->coach_of.find(p);
      if (it != ctx.data->coach_of.end()) coach = it->second;
    }
    std::string what;
    if (problem.empty() && assessment) {
      const std::string k = ctx.param("assessment_kind");
      const auto ki = std::find(kAssessmentNames.begin(), kAssessmentNames.end(), k);
      if (ki == kAssessmentNames.end())
        return ctx.html(400, ctx.page_options("Record an assessment", "/people"), heading("Record an assessment") + error_summary({{"", "Select an assessment from the list"}}));
      AssessmentRecord x;
      x.person = p;
      x.kind = static_cast<AssessmentKind>(ki - kAssessmentNames.begin());
      x.date = date;
      one.assessments.push_back(x);
      what = "assessment " + k;
    } else if (problem.empty()) {
      if (session) {
        const std::string n = ctx.param("session_number");
        if (n.size() != 1 || n[0] < '1' || n[0] > '7') return ctx.html(400, ctx.page_options("Record a session", "/people"), heading("Record a session") + error_summary({{"", "Select a session from the list"}}));
        CoachingSession x;
        x.person = p;
        x.number = n[0] - '0';
        x.date = date;
        x.coach_id = coach;
        x.mode = ctx.param("session_mode") == "virtual" ? ContactMode::kVirtual : ContactMode::kInPerson;
        one.sessions.push_back(x);
        what = "session " + n;
      } else {
        Contact x;
        x.person = p;
        x.date = date;
        x.coach_id = coach;
        const std::string w = ctx.param("contact_with"), m = ctx.param("contact_mode");
        const auto wi = std::find(kContactWithNames.begin(), kContactWithNames.end(), w);
        const auto mi = std::find(kContactModeNames.begin(), kContactModeNames.end(), m);
        if (wi == kContactWithNames.end() || mi == kContactModeNames.end())
          return ctx.html(400, ctx.page_options("Record a contact", "/people"), heading("Record a contact") + error_summary({{"", "Select who the contact was with and how"}}));
        x.with = static_cast<ContactWith>(wi - kContactWithNames.begin());
        x.mode = static_cast<ContactMode>(mi - kContactModeNames.begin() + 1);
        one.contacts.push_back(x);
        what = "contact " + w + " " + m;
      }
    }
    if (!problem.empty()) {
      const std::string field = date_field;
      const std::string title = assessment ? "Record an assessment" : session ? "Record a session" : "Record a contact";
      PageOptions o = ctx.page_options(title, "/people");
      o.has_error = true;
      o.back_href = "/people/" + url_encode(id);
      return ctx.html(400, o,
                      error_summary({{field + "-day", problem}}) + heading(title) +
                          "<form method=\"post\" action=\"/people/" + url_encode(id) + (assessment ? "/assessments" : session ? "/sessions" : "/contacts") +
                          "\" novalidate>" + hidden("csrf_token", ctx.session->csrf_token) +
                          (assessment ? hidden("assessment_kind", ctx.param("assessment_kind"))
                           : session ? hidden("session_number", ctx.param("session_number")) + hidden("session_mode", ctx.param("session_mode"))
                                   : hidden("contact_with", ctx.param("contact_with")) + hidden("contact_mode", ctx.param("contact_mode"))) +
                          date_input(field, "Date", "", "For example, 20 10 2026", problem) + button("Save") + "</form>");
    }
    {
      std::lock_guard lock(write_mutex);
      import_coaching(*write_db, one, ctx.data->ds, ctx.user().username);
      reload();
    }
    ctx.audit("create", assessment ? "coaching_assessment" : session ? "coaching_session" : "coaching_contact", id,
              what + " on " + format_date(date));
    ctx.redirect("/people/" + url_encode(id) + "?coaching=1");
  };
  route("POST", R"(/people/([^/]+)/contacts)", Permission::kRecord, false, [record](Ctx& ctx) { record(ctx, false); });
  route("POST", R"(/people/([^/]+)/sessions)", Permission::kRecord, false, [record](Ctx& ctx) { record(ctx, true); });
  route("POST", R"(/people/([^/]+)/assessments)", Permission::kRecord, false, [record](Ctx& ctx) { record(ctx, false, true); });

  // Notes and action plans (coaching/notes.h): written by coaches and LA staff.
  auto person_to_record = [](Ctx& ctx) -> uint32_t {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("change_denied", "person", id.substr(0, 64));
      ctx.not_found();
      return kNoIndex;
    }
    if (!records_coaching(ctx.user().role)) {
      ctx.forbidden();
      return kNoIndex;
    }
    return p;
  };
  auto coach_for_person = [](const Ctx& ctx, uint32_t p) {
    if (ctx.user().role == Role::coach) return ctx.user().coach_id;
    const auto it = ctx.data->coach_of.find(p);
    return it == ctx.data->coach_of.end() ? std::string() : it->second;
  };
  auto problem_page = [](Ctx& ctx, const std::string& id, const std::string& title, const std::string& message) {
    PageOptions o = ctx.page_options(title, "/people");
    o.has_error = true;
    o.back_href = "/people/" + url_encode(id);
    ctx.html(400, o, error_summary({{"", message}}) + heading(title) +
                         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/people/" + url_encode(id) +
                         "\">Go back to the young person's page</a></p>");
  };
  auto trimmed = [](std::string v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(0, 1);
    return v;
  };
  route("POST", R"(/people/([^/]+)/notes)", Permission::kRecord, false, [this, person_to_record, coach_for_person, problem_page, trimmed](Ctx& ctx) {
    const uint32_t p = person_to_record(ctx);
    if (p == kNoIndex) return;
    const std::string id(ctx.data->ds.people.id[p]);
    const std::string body = trimmed(ctx.param("note_body"));
    if (body.empty() || body.size() > 2000 || !valid_utf8(body))
      return problem_page(ctx, id, "Add a note", body.empty() ? "Enter the note" : "The note must be 2,000 characters or fewer");
    const bool confidential = ctx.param("note_confidential") == "1";
    {
      std::lock_guard lock(write_mutex);
      add_note(*write_db, id, today(), confidential, body, coach_for_person(ctx, p), ctx.user().username);
      reload();
    }
    ctx.audit("create", "coaching_note", id, confidential ? "confidential" : "");
    ctx.redirect("/people/" + url_encode(id) + "?coaching=1#notes");
  });
  route("POST", R"(/people/([^/]+)/plans)", Permission::kRecord, false, [this, person_to_record, coach_for_person, problem_page, trimmed](Ctx& ctx) {
    const uint32_t p = person_to_record(ctx);
    if (p == kNoIndex) return;
    const std::string id(ctx.data->ds.people.id[p]);
    const std::string goal = trimmed(ctx.param("plan_goal"));
    if (goal.empty() || goal.size() > 500 || !valid_utf8(goal))
      return problem_page(ctx, id, "Start an action plan", goal.empty() ? "Enter the plan's goal" : "The goal must be 500 characters or fewer");
    int64_t plan = 0;
    {
      std::lock_guard lock(write_mutex);
      plan = add_action_plan(*write_db, id, today(), goal, coach_for_person(ctx, p), ctx.user().username);
      reload();
    }
    ctx.audit("create", "action_plan", id, "plan " + std::to_string(plan));
    ctx.redirect("/people/" + url_encode(id) + "?coaching=1#plans");
  });
  route("POST", R"(/people/([^/]+)/plans/(\d{1,12})/steps)", Permission::kRecord, false, [this, person_to_record, problem_page, trimmed](Ctx& ctx) {
    const uint32_t p = person_to_record(ctx);
    if (p == kNoIndex) return;
    const std::string id(ctx.data->ds.people.id[p]);
    const int64_t plan = std::stoll(ctx.req.matches[2]);
    const ActionPlan* found = nullptr;
    for (const auto& pl : ctx.data->notes.plans)
      if (pl.id == plan && pl.person == p) found = &pl;
    if (!found) return ctx.not_found();
    const std::string n = std::to_string(plan);
    const std::string body = trimmed(ctx.param("step_body_" + n));
    const std::string iso = iso_from_parts(ctx.param("step_date_" + n + "-day"), ctx.param("step_date_" + n + "-month"), ctx.param("step_date_" + n + "-year"));
    const auto d = iso.empty() ? std::nullopt : parse_date(iso);
    const bool review = ctx.param("step_kind_" + n) == "review";
    if (!d) return problem_page(ctx, id, "Add to the action plan", "Enter a real date, with a day, month and 4-digit year");
    if (body.empty() || body.size() > 500 || !valid_utf8(body))
      return problem_page(ctx, id, "Add to the action plan", body.empty() ? "Enter what the action or review is" : "Enter 500 characters or fewer");
    {
      std::lock_guard lock(write_mutex);
      add_plan_step(*write_db, plan, review, *d, body, ctx.user().username);
      reload();
    }
    ctx.audit("create", "action_plan_step", id, fmt::format("plan {} {}", plan, review ? "review" : "action"));
    ctx.redirect("/people/" + url_encode(id) + "?coaching=1#plans");
  });

  // A coach's caseload (others choose a coach): who is on it, their status, and who has had
  // no contact this month.
  // The caseload dashboard: the monthly figures over the last 12 months, for a coach or a
  // school or everyone (a coach or school user is held to their own).
  route("GET", "/coaching/dashboard", Permission::kAggregates, false, [this](Ctx& ctx) {
    const MonthlyActivityFilter f = filter_for(ctx);
    const Ymd now = to_ymd(latest_month_end(today()));
    std::string main = heading("Engagement coaching: caseload over the year");
    main += "<form method=\"get\" action=\"/coaching/dashboard\"><div class=\"govuk-grid-row\">";
    main += filter_inputs(ctx, f);
    main += "</div>" + button("Show", "govuk-button--secondary") + "</form>";
    for (const bool y12 : {false, true}) {
      TableSpec t{y12 ? "Year 12" : "Year 11",
                  y12 ? std::vector<std::string>{"Month", "Caseload", "Joined", "Left", "Engaged", "EET", "NEET", "Not known"}
                      : std::vector<std::string>{"Month", "Caseload", "Joined", "Left", "Engaged", "Initial action plan", "RONI done"},
                  {false, true, true, true, true, true, true, true}, {}};
      for (int k = 11; k >= 0; --k) {
        int y = now.year, m = now.month - k;
        while (m < 1) {
          m += 12;
          --y;
        }
        const auto r = monthly_activity_report(ctx.data->ds, rules, ctx.data->coaching, y, m, f);
        const ActivityPanel& p = y12 ? r.year12 : r.year11;
        std::vector<std::string> row = {esc(month_text(fmt::format("{}-{:02d}", y, m))), num(p.caseload), num(p.joined), num(p.left),
                                        pct(p.pct(p.engaged))};
        if (y12) {
          int64_t neet = 0;
          for (auto n : p.neet_by_reason) neet += n;
          row.push_back(pct(p.pct(p.eet)));
          row.push_back(pct(p.pct(neet)));
          row.push_back(pct(p.pct(p.unknown)));
        } else {
          row.push_back(pct(p.pct(p.sessions_completed[0])));
          row.push_back(pct(p.pct(p.assessments_completed[0])));
        }
        t.rows.push_back(std::move(row));
      }
      main += fmt::format("<h2 class=\"govuk-heading-m\">{}</h2><div class=\"app-chart\"><canvas class=\"app-coaching-chart\" "
                          "data-table=\"{}\" role=\"img\" aria-label=\"{}: caseload by month (bars) with the share engaged{} "
                          "(lines). The same figures are in the table below.\"></canvas></div>",
                          y12 ? "Year 12" : "Year 11", y12 ? "Year 12" : "Year 11", y12 ? "Year 12" : "Year 11",
                          y12 ? " and in education, employment or training" : " and with an initial action plan");
      main += table(t);
    }
    main += "<p class=\"govuk-body-s\">Engaged: at least one contact with the young person in the month. Percentages are of the "
            "month's caseload. Initial action plan and RONI: completed on or before the month's last day.</p>";
    ctx.audit("report", "coaching_dashboard", f.coach + " " + f.school);
    PageOptions o = ctx.page_options("Coaching dashboard", "/coaching/monthly");
    o.wide = true;
    o.scripts.push_back("coaching.js");
    ctx.html(200, o, main);
  });

  route("GET", "/coaching/caseload", Permission::kPeople, false, [this](Ctx& ctx) {
    const std::string coach = ctx.user().role == Role::coach ? ctx.user().coach_id : ctx.param("coach").substr(0, 64);
    const Date on = today();
    const Date first = make_date(to_ymd(on).year, to_ymd(on).month, 1);
    std::string main = heading("Caseload", coach.empty() ? "" : "Coach " + coach);
    if (ctx.user().role != Role::coach)
      main += "<form method=\"get\" action=\"/coaching/caseload\">" +
              text_input("coach", "Coach", coach, "A coach id, for example C03", "", "text", "govuk-input--width-10") +
              button("Show caseload", "govuk-button--secondary") + "</form>";
    const auto it = ctx.data->caseloads.find(coach);
    std::vector<uint32_t> people;
    if (it != ctx.data->caseloads.end())
      for (uint32_t p : it->second)
        if (ctx.may_see(p)) people.push_back(p);
    std::sort(people.begin(), people.end(), [&](uint32_t a, uint32_t b) {
      return ctx.data->ds.people.family_name[a] < ctx.data->ds.people.family_name[b];
    });
    // Last contact with the young person, by person.
    std::unordered_map<uint32_t, Date> last_contact;
    for (const auto& x : ctx.data->coaching.contacts)
      if (x.with == ContactWith::kYoungPerson && x.date <= on) last_contact[x.person] = std::max(last_contact[x.person], x.date);
    size_t without = 0;
    TableSpec t{fmt::format("{} young people", people.size()), {"Name", "School", "Status today", "Last contact", "This month", "Action"}, {}, {}};
    std::string ids;
    for (uint32_t p : people) {
      const Status st = status_on(ctx.data->ds, rules, p, on);
      const auto lc = last_contact.find(p);
      const bool this_month = lc != last_contact.end() && lc->second >= first;
      if (!this_month) ++without;
      t.rows.push_back({fmt::format("<a class=\"govuk-link\" href=\"/people/{}\">{} {}</a>", url_encode(ctx.data->ds.people.id[p]),
                                    esc(ctx.data->ds.people.given_name[p]), esc(ctx.data->ds.people.family_name[p])),
                        esc(ctx.data->ds.people.school[p] == kNoIndex ? "" : std::string(ctx.data->ds.schools[ctx.data->ds.people.school[p]])),
                        tag(status_label(ctx.data->ds, rules, st), status_colour(ctx.data->ds, rules, st)),
                        lc == last_contact.end() ? "None" : esc(long_date(format_date(lc->second))),
                        this_month ? tag("Contacted", "green") : tag("No contact yet", "yellow"),
                        fmt::format("<a class=\"govuk-link\" href=\"/people/{}/activities/new\">Record status<span class=\"govuk-visually-hidden\"> of {} {}</span></a>",
                                    url_encode(ctx.data->ds.people.id[p]), esc(ctx.data->ds.people.given_name[p]), esc(ctx.data->ds.people.family_name[p]))});
      ids += (ids.empty() ? "" : " ") + std::string(ctx.data->ds.people.id[p]);
    }
    if (!coach.empty()) ctx.audit("list", "caseload", coach, ids);
    if (!coach.empty())
      main += fmt::format("<p class=\"govuk-body\">{} of {} have had no contact with their coach in {} so far.</p>", without,
                          people.size(), esc(month_text(month_name(on).substr(0, 7))));
    if (!people.empty()) main += table(t);
    else if (!coach.empty()) main += "<p class=\"govuk-body\">Nobody is on this caseload today.</p>";
    PageOptions o = ctx.page_options("Caseload", "/coaching/caseload");
    o.wide = true;
    ctx.html(200, o, main);
  });

  route("GET", "/api/caseload", Permission::kPeople, true, [this](Ctx& ctx) {
    const std::string coach = ctx.user().role == Role::coach ? ctx.user().coach_id : ctx.param("coach").substr(0, 64);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const auto it = ctx.data->caseloads.find(coach);
    std::string ids;
    if (it != ctx.data->caseloads.end()) {
      std::vector<uint32_t> people(it->second.begin(), it->second.end());
      std::sort(people.begin(), people.end());
      for (uint32_t p : people) {
        if (!ctx.may_see(p)) continue;
        list.push_back(person_brief_json(*ctx.data, rules, p, today()));
        ids += (ids.empty() ? "" : " ") + std::string(ctx.data->ds.people.id[p]);
      }
    }
    ctx.audit("list", "caseload", coach, ids);
    nlohmann::ordered_json j;
    j["coach_id"] = coach;
    j["people"] = std::move(list);
    ctx.json(200, j);
  });

  route("GET", "/api/reports/monthly-activity", Permission::kAggregates, true, [this](Ctx& ctx) {
    const auto ym = parse_month(ctx.param("month"));
    if (!ym) return ctx.json_error(400, "month must be YYYY-MM");
    const auto r = monthly_activity_report(ctx.data->ds, rules, ctx.data->coaching, ym->first, ym->second, filter_for(ctx));
    ctx.json(200, to_json(r));
  });

  route("GET", "/coaching/monthly", Permission::kAggregates, false, [this](Ctx& ctx) {
    std::string month = ctx.param("month");
    if (month.empty()) month = month_name(latest_month_end(today()));
    const auto ym = parse_month(month);
    std::vector<FieldError> errors;
    if (!ym) errors.push_back({"month", "Enter a month in the form YYYY-MM, for example 2026-02"});
    const MonthlyActivityFilter f = filter_for(ctx);
    std::string main = error_summary(errors) + heading("Engagement coaching: monthly activity");
    main += "<form method=\"get\" action=\"/coaching/monthly\"><div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-third\">" +
            text_input("month", "Month", errors.empty() ? month : ctx.param("month").substr(0, 20), "For example, 2026-02",
                       error_for(errors, "month"), "text", "govuk-input--width-10") +
            "</div>";
    main += filter_inputs(ctx, f);
    main += "</div>" + button("Show report", "govuk-button--secondary") + "</form>";
    main += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/coaching/dashboard\">See the caseload over the last 12 months</a></p>";
    if (errors.empty()) {
      const auto r = monthly_activity_report(ctx.data->ds, rules, ctx.data->coaching, ym->first, ym->second, f);
      std::string scope = "all coaches and schools";
      if (!f.coach.empty() && !f.school.empty()) scope = "coach " + f.coach + " at " + f.school;
      else if (!f.coach.empty()) scope = "coach " + f.coach;
      else if (!f.school.empty()) scope = "school " + f.school;
      main += fmt::format("<p class=\"govuk-body\">{}, {}. Young people on a caseload at any time in the month; sessions and "
                          "assessments completed on or before its last day; status on its last day.</p>",
                          esc(month_text(month)), esc(scope));
      main += "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-half\"><h2 class=\"govuk-heading-m\">Year 11</h2>" +
              panel_html(r.year11, false, programmes.sessions("")) +
              "</div><div class=\"govuk-grid-column-one-half\"><h2 class=\"govuk-heading-m\">Year 12</h2>" +
              panel_html(r.year12, true, programmes.sessions("")) + "</div></div>";
      ctx.audit("report", "monthly_activity", month, scope);
    }
    PageOptions o = ctx.page_options("Engagement coaching", "/coaching/monthly");
    o.wide = true;
    o.has_error = !errors.empty();
    ctx.html(errors.empty() ? 200 : 400, o, main);
  });
}

}  // namespace pathways::web
