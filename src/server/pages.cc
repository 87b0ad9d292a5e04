// The web pages (GOV.UK Design System patterns, rendered on the server).
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "auth/password.h"
#include "export/xlsx.h"
#include "io/folder.h"
#include "report/render.h"
#include "report/table.h"
#include "server/internal.h"
#include "server/search.h"
#include "store/store.h"

namespace pathways::web {

namespace {

// Only local paths are followed after sign-in (no open redirects).
std::string safe_next(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) return "/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20) return "/";
  return next;
}

std::string school_of(const Dataset& ds, uint32_t p) {
  return ds.people.school[p] == kNoIndex ? "" : std::string(ds.schools[ds.people.school[p]]);
}

std::string date_text(Date d) { return d == kNoDate ? "" : long_date(format_date(d)); }

std::string code_label(const Rules& rules, uint16_t code_index) {
  const auto& c = rules.code(code_index);
  return fmt::format("{:03d} {}", c.code, c.label);
}

std::vector<std::pair<std::string, std::string>> activity_options(const Rules& rules) {
  std::vector<std::pair<std::string, std::string>> o = {{"", "Select an activity"}};
  for (size_t i = 0; i < rules.codes().size(); ++i) {
    const auto& c = rules.codes()[i];
    if (c.legacy) continue;
    o.push_back({fmt::format("{:03d}", c.code), code_label(rules, static_cast<uint16_t>(i))});
  }
  return o;
}

const std::vector<std::pair<std::string, std::string>>& neet_reason_options() {
  static const std::vector<std::pair<std::string, std::string>> o = {
      {"", "Not NEET, or not recorded"},
      {"awaiting_start", "Awaiting a start date"},
      {"applied", "Has applied"},
      {"supported", "Being supported"},
      {"not_ready", "Not ready for work or learning"},
      {"unwilling", "Not willing to engage"}};
  return o;
}

std::string current_month(Date today) { return month_name(latest_month_end(today)); }

}  // namespace

std::string Impl::problems_html(Ctx& ctx, const LoadReport& report, std::string_view subject) {
  std::string csv = "file,line,column,value,reason\n";
  TableSpec t{fmt::format("{} {} found{}", report.error_count, report.error_count == 1 ? "problem" : "problems",
                          report.error_count > report.errors.size() ? fmt::format(" (first {} shown)", report.errors.size()) : ""),
              {"File", "Line", "Column", "Value", "Reason"}, {false, true, false, false, false}, {}};
  for (const auto& e : report.errors) {
    csv += csv_cell(e.file) + "," + std::to_string(e.line) + "," + csv_cell(e.column) + "," + csv_cell(e.value) + "," + csv_cell(e.reason) + "\n";
    if (t.rows.size() < 200) t.rows.push_back({esc(e.file), std::to_string(e.line), esc(e.column), esc(e.value), esc(e.reason)});
  }
  const std::string id = random_token(16);
  {
    std::lock_guard lock(uploads_mutex);
    if (upload_reports.size() > 100) upload_reports.clear();
    upload_reports[id] = {ctx.user().id, csv};
  }
  return error_summary({{"", fmt::format("{} {} {}. Nothing was stored.", subject, report.error_count,
                                         report.error_count == 1 ? "problem" : "problems")}}) +
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/upload/errors/" + id +
         ".csv\">Download the error report (CSV)</a></p>" + table(t);
}

void Impl::register_pages() {
  // --- Public --------------------------------------------------------------------------
  auto sign_in_page = [](Ctx& ctx, const std::vector<FieldError>& errors, const std::string& username, int status) {
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">";
    main += error_summary(errors);
    main += heading("Sign in to Pathways");
    main += form_open(ctx, "/sign-in") + hidden("next", safe_next(ctx.param("next")));
    main += text_input("username", "Username", username, "", error_for(errors, "username"), "text", "govuk-!-width-two-thirds",
                       "autocomplete=\"username\" spellcheck=\"false\" autocapitalize=\"none\"");
    main += text_input("password", "Password", "", "", error_for(errors, "password"), "password", "govuk-!-width-two-thirds",
                       "autocomplete=\"current-password\"");
    main += button("Sign in") + "</form></div></div>";
    PageOptions o = ctx.page_options("Sign in", "");
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  route("GET", "/sign-in", Permission::kPublic, false, [sign_in_page](Ctx& ctx) {
    if (ctx.session) return ctx.redirect("/");
    sign_in_page(ctx, {}, "", 200);
  });
  route("POST", "/sign-in", Permission::kPublic, false, [this, sign_in_page](Ctx& ctx) {
    const std::string username = ctx.param("username"), password = ctx.param("password");
    std::vector<FieldError> errors;
    if (username.empty()) errors.push_back({"username", "Enter your username"});
    if (password.empty()) errors.push_back({"password", "Enter your password"});
    if (!errors.empty()) return sign_in_page(ctx, errors, username.substr(0, 64), 400);
    const SignInResult r = sign_in(ctx, username.substr(0, 200), password.substr(0, 1024));
    if (r.status == SignInStatus::throttled) {
      ctx.res.set_header("Retry-After", std::to_string(r.retry_after_seconds));
      return sign_in_page(ctx, {{"username", fmt::format("Too many failed attempts. Try again in {} minutes", (r.retry_after_seconds + 59) / 60)}},
                          username.substr(0, 64), 429);
    }
    if (r.status != SignInStatus::ok || !r.session)
      return sign_in_page(ctx, {{"username", "Enter a correct username and password"}}, username.substr(0, 64), 401);
    ctx.res.set_header("Set-Cookie", session_cookie(*this, r.session->token, false));
    ctx.redirect(r.session->user.must_change_password ? "/account/password" : safe_next(ctx.param("next")));
  });
  route("GET", "/accessibility", Permission::kPublic, false, [](Ctx& ctx) {
    ctx.html(200, ctx.page_options("Accessibility statement", ""),
             heading("Accessibility statement for Pathways") +
                 "<p class=\"govuk-body\">Pathways is built with the GOV.UK Design System and MOJ Frontend. Every page is "
                 "checked with axe-core in a real browser and must show no violations; every task can be done with a "
                 "keyboard alone, and pages work at 320 pixels wide and with text enlarged.</p>"
                 "<p class=\"govuk-body\">Charts on the dashboard are also given as tables.</p>"
                 "<p class=\"govuk-body\">If you find a problem, tell your Pathways administrator.</p>");
  });
  route("GET", "/privacy", Permission::kPublic, false, [](Ctx& ctx) {
    ctx.html(200, ctx.page_options("How Pathways uses personal data", ""),
             heading("How Pathways uses personal data") +
                 "<p class=\"govuk-body\">Pathways holds the personal data a local authority needs for its duty to track "
                 "young people's participation in education, employment or training. Staff see only the young people their "
                 "role allows: a school its own pupils, a coach their caseload. Every view and change of a young person's "
                 "record is written to an audit log that cannot be edited.</p>");
  });

  // --- Session -------------------------------------------------------------------------
  route("POST", "/sign-out", Permission::kSignedIn, false, [this](Ctx& ctx) {
    accounts->sign_out(session_token(ctx.req));
    ctx.audit("sign_out", "session", "");
    ctx.res.set_header("Set-Cookie", session_cookie(*this, "", true));
    ctx.redirect("/sign-in");
  });
  auto password_page = [](Ctx& ctx, const std::vector<FieldError>& errors, int status) {
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors);
    main += heading("Change your password");
    if (ctx.user().must_change_password)
      main += inset("You must choose a new password before you go on.");
    main += form_open(ctx, "/account/password");
    main += text_input("current_password", "Current password", "", "", error_for(errors, "current_password"), "password",
                       "govuk-!-width-two-thirds", "autocomplete=\"current-password\"");
    main += text_input("new_password", "New password", "", "At least 12 characters. A few unrelated words make a good password.",
                       error_for(errors, "new_password"), "password", "govuk-!-width-two-thirds", "autocomplete=\"new-password\"");
    main += button("Change password") + "</form></div></div>";
    PageOptions o = ctx.page_options("Change your password", "");
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  route("GET", "/account/password", Permission::kSignedIn, false, [password_page](Ctx& ctx) { password_page(ctx, {}, 200); });
  route("POST", "/account/password", Permission::kSignedIn, false, [this, password_page](Ctx& ctx) {
    const std::string current = ctx.param("current_password"), next = ctx.param("new_password");
    std::vector<FieldError> errors;
    if (current.empty()) errors.push_back({"current_password", "Enter your current password"});
    if (next.empty()) errors.push_back({"new_password", "Enter a new password"});
    if (errors.empty()) {
      try {
        accounts->change_password(ctx.user(), current, next, session_token(ctx.req));
      } catch (const AccountError& e) {
        const std::string msg = e.what();
        errors.push_back({msg.find("current") != std::string::npos ? "current_password" : "new_password", msg});
      }
    }
    if (!errors.empty()) return password_page(ctx, errors, 400);
    ctx.audit("change_password", "user", ctx.user().username);
    // Other sessions were signed out; this one carries on with a fresh flag.
    ctx.html(200, ctx.page_options("Password changed", ""),
             notification("Your password has been changed", "<p class=\"govuk-body\">Other sessions have been signed out.</p>", true) +
                 "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the dashboard</a></p>");
  });

  // --- Dashboard -----------------------------------------------------------------------
  route("GET", "/", Permission::kAggregates, false, [this](Ctx& ctx) {
    const auto d = nlohmann::json::parse(dashboard(ctx));
    const auto& h = d["headline"];
    const std::string month = d["month"].get<std::string>();
    std::string main = heading("Participation dashboard", "Academic age 16-17, " + month_text(month), "l");
    main += fmt::format("<p class=\"govuk-body\">Figures for the end of {} from data held on {}. {} young people in the cohort.</p>",
                        esc(month_text(month)), esc(long_date(d["as_of"].get<std::string>())), num(h["cohort"].get<long long>()));
    auto card = [&](const char* key, const char* label, bool lower_is_better) {
      const double v = h[key].get<double>();
      std::string extra;
      if (d["targets"].contains(key)) {
        const double t = d["targets"][key].get<double>();
        const bool met = lower_is_better ? v <= t : v >= t;
        extra += fmt::format("<p class=\"govuk-body-s govuk-!-margin-bottom-1\">Target {} {}</p>", pct(t),
                             met ? tag("Met", "green") : tag("Not met", "red"));
      }
      if (d["national"].contains(key))
        extra += fmt::format("<p class=\"govuk-body-s govuk-!-margin-bottom-0\">England {}</p>", pct(d["national"][key].get<double>()));
      return fmt::format(
          "<div class=\"govuk-grid-column-one-quarter app-card\"><h2 class=\"govuk-heading-s govuk-!-margin-bottom-1\">{}</h2>"
          "<p class=\"govuk-heading-l govuk-!-margin-bottom-1\">{}</p>{}</div>",
          label, pct(v), extra);
    };
    main += "<div class=\"govuk-grid-row app-cards\">" + card("neet_pct", "NEET", true) + card("not_known_pct", "Not known", true) +
            card("neet_nk_pct", "NEET or not known", true) + card("participation_pct", "Participating", false) + "</div>";
    if (d["targets"].contains("label") || d["national"].contains("label"))
      main += fmt::format("<p class=\"govuk-body-s\">{} {}</p>", esc(d["targets"].value("label", "")),
                          d["national"].contains("label") ? "· " + esc(d["national"].value("label", "")) : "");
    // Trend: a chart drawn by /assets/app.js from /api/dashboard, and the same figures as a table.
    main += "<h2 class=\"govuk-heading-m\">Trend over the last " + std::to_string(d["trend"].size()) + " months</h2>";
    main += "<div class=\"app-chart\"><canvas id=\"trend-chart\" role=\"img\" aria-label=\"Line chart of NEET, not known and "
            "combined percentages by month; the figures are in the table below\"></canvas></div>";
    TableSpec trend{"Monthly figures", {"Month", "Cohort", "NEET", "Not known", "NEET or not known", "Participating"},
                    {false, true, true, true, true, true}, {}};
    for (auto it = d["trend"].rbegin(); it != d["trend"].rend(); ++it) {
      const auto& t = *it;
      trend.rows.push_back({esc(t["month"].get<std::string>()), num(t["cohort"].get<long long>()), pct(t["neet_pct"]),
                            pct(t["not_known_pct"]), pct(t["neet_nk_pct"]), pct(t["participation_pct"])});
    }
    main += "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span class=\"govuk-details__summary-text\">"
            "Monthly figures as a table</span></summary><div class=\"govuk-details__text\">" + table(trend) + "</div></details>";
    auto rows_table = [&](const char* key, const char* caption, const char* first) {
      TableSpec t{caption, {first, "Cohort", "NEET", "Not known", "NEET or not known", "Participating"},
                  {false, true, true, true, true, true}, {}};
      for (const auto& r : d[key]) {
        if (r["cohort"].get<long long>() == 0) continue;
        t.rows.push_back({esc(r["label"].get<std::string>().empty() ? r["key"].get<std::string>() : r["label"].get<std::string>()),
                          num(r["cohort"].get<long long>()), pct(r["neet_pct"]), pct(r["not_known_pct"]), pct(r["neet_nk_pct"]),
                          pct(r["participation_pct"])});
      }
      return table(t);
    };
    main += rows_table("by_vulnerable_group", "Vulnerable groups", "Group");
    main += rows_table("by_school", "Schools", "School") +
            "<p class=\"govuk-body-s\">Schools are the school or setting each young person attended in Year 11.</p>";
    PageOptions o = ctx.page_options("Dashboard", "/");
    o.scripts.push_back("dashboard.js");
    ctx.html(200, o, main);
  });

  // --- People --------------------------------------------------------------------------
  route("GET", "/people", Permission::kPeople, false, [this](Ctx& ctx) {
    const std::string q = ctx.param("q");
    std::vector<FieldError> errors;
    if (q.size() > 200 || !valid_utf8(q)) errors.push_back({"q", "Enter at most 200 characters"});
    std::string main = error_summary(errors) + heading("Find a young person");
    main += "<form method=\"get\" action=\"/people\" role=\"search\">";
    main += text_input("q", "Name, UPN, ULN or date of birth", errors.empty() ? q : "",
                       "For example, Jon Smith, A123456789012 or 14/03/2009. Spelling mistakes in names are allowed.",
                       error_for(errors, "q"), "search", "govuk-!-width-two-thirds", "spellcheck=\"false\"");
    main += button("Search") + "</form>";
    if (ctx.user().role == Role::school) main += inset("You see the pupils of school " + esc(ctx.user().school_id) + ".");
    if (ctx.user().role == Role::coach) main += inset("You see the young people on your caseload.");
    if (!q.empty() && errors.empty()) {
      const auto hits = search_people(ctx.data->ds, q, [&](uint32_t p) { return ctx.may_see(p); });
      std::string ids;
      for (const auto& h : hits) ids += (ids.empty() ? "" : " ") + std::string(ctx.data->ds.people.id[h.person]);
      ctx.audit("search", "people", "", fmt::format("{} results: {}", hits.size(), ids));
      if (hits.empty()) {
        main += "<h2 class=\"govuk-heading-m\">No young people found</h2><p class=\"govuk-body\">Check the spelling, or "
                "search by date of birth or UPN.</p>";
      } else {
        TableSpec t{fmt::format("{} {} found", hits.size(), hits.size() == 1 ? "person" : "people"),
                    {"Name", "Date of birth", "UPN", "School", "Status"}, {}, {}};
        const Date on = today();
        for (const auto& h : hits) {
          const uint32_t p = h.person;
          const Status s = status_on(ctx.data->ds, rules, p, on);
          t.rows.push_back({person_link(ctx.data->ds, p), esc(long_date(format_date(ctx.data->ds.people.date_of_birth[p]))),
                            esc(ctx.data->ds.people.upn[p]), esc(school_of(ctx.data->ds, p)),
                            tag(status_label(ctx.data->ds, rules, s), status_colour(ctx.data->ds, rules, s))});
        }
        main += table(t);
      }
    }
    PageOptions o = ctx.page_options("Find a young person", "/people");
    o.has_error = !errors.empty();
    ctx.html(errors.empty() ? 200 : 400, o, main);
  });

  route("GET", R"(/people/([^/]+))", Permission::kPeople, false, [this](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const Dataset& ds = ctx.data->ds;
    const uint32_t p = ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("read_denied", "person", id.substr(0, 64));
      return ctx.not_found();
    }
    ctx.audit("read", "person", id);
    const Date on = today();
    const Status s = status_on(ds, rules, p, on);
    const std::string name = std::string(ds.people.given_name[p]) + " " + std::string(ds.people.family_name[p]);
    std::string main;
    if (ctx.param("recorded") == "1")
      main += notification("Activity recorded", "<p class=\"govuk-body\">The activity history below includes it.</p>", true);
    if (ctx.param("coaching") == "1")
      main += notification("Coaching recorded", "<p class=\"govuk-body\">It is in the coaching timeline below.</p>", true);
    if (ctx.param("confirmed") == "1")
      main += notification("Current activity confirmed", "<p class=\"govuk-body\">It was confirmed today.</p>", true);
    main += heading(name, "Young person", "l");
    // Current status.
    std::string status_html = tag(status_label(ds, rules, s), status_colour(ds, rules, s));
    std::vector<std::pair<std::string, std::string>> now;
    now.push_back({"Status today", status_html});
    if (s.known()) {
      now.push_back({"Current activity", esc(code_label(rules, ds.activities.code[s.activity]))});
      now.push_back({"Started", esc(date_text(ds.activities.start[s.activity]))});
      now.push_back({"Last confirmed", esc(date_text(s.last_verified))});
      now.push_back({"Lapses", s.lapse_date == kNoDate ? "Does not lapse"
                                                        : esc(date_text(s.lapse_date)) +
                                                              (s.lapse_date - on <= 30 ? " " + tag("Within 30 days", "yellow") : "")});
    }
    if (!s.known()) {
      // The latest activity that has started, and when it stopped counting.
      uint32_t last = kNoIndex;
      for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a)
        if (ds.activities.start[a] <= on && (last == kNoIndex || ds.activities.start[a] >= ds.activities.start[last])) last = a;
      if (last != kNoIndex) {
        now.push_back({"Last activity", esc(code_label(rules, ds.activities.code[last]))});
        const Date verified = ds.activities.verified[last] != kNoDate && ds.activities.verified[last] <= on
                                  ? std::max(ds.activities.verified[last], ds.activities.start[last])
                                  : ds.activities.start[last];
        const Date lapse = lapse_date(ds, rules, p, last, verified);
        const Date ended = ds.activities.end[last] != kNoDate && (lapse == kNoDate || ds.activities.end[last] < lapse)
                               ? ds.activities.end[last] + 1
                               : lapse;
        now.push_back({"Last confirmed", esc(date_text(verified))});
        if (ended != kNoDate) now.push_back({"Stopped counting", esc(date_text(ended))});
      } else {
        now.push_back({"Last activity", "None recorded"});
      }
    }
    main += "<h2 class=\"govuk-heading-m\">Current status</h2>" + summary_list(now);
    if (allowed(ctx.user().role, Permission::kRecord)) {
      main += "<div class=\"govuk-button-group\">" +
              link_button("/people/" + url_encode(id) + "/activities/new", "Record an activity", "");
      if (s.known())
        main += form_open(ctx, "/people/" + url_encode(id) + "/confirm") + button("Confirm current activity today", "govuk-button--secondary") +
                "</form>";
      main += "</div>";
    }
    // Details.
    std::vector<std::pair<std::string, std::string>> details;
    details.push_back({"Person ID", esc(id)});
    details.push_back({"Date of birth", esc(date_text(ds.people.date_of_birth[p])) + fmt::format(" (academic age {})", academic_age(ds.people.date_of_birth[p], on))});
    details.push_back({"UPN", esc(ds.people.upn[p])});
    details.push_back({"ULN", esc(ds.people.uln[p])});
    const Gender g = ds.people.gender[p];
    details.push_back({"Gender", g == Gender::kFemale ? "Female" : g == Gender::kMale ? "Male" : g == Gender::kOther ? "Other" : "Not known"});
    details.push_back({"Postcode", esc(ds.people.postcode[p])});
    details.push_back({"LA of residence", fmt::format("{:03d}", ds.people.la_code[p])});
    details.push_back({"Cohort status", esc(std::string(1, ds.people.cohort_status[p]))});
    details.push_back({"SEN", ds.people.sen_status[p] == SenStatus::kEhcPlan ? "EHC plan"
                              : ds.people.sen_status[p] == SenStatus::kSenSupport ? "SEN support" : "None"});
    details.push_back({"School", esc(school_of(ds, p))});
    const auto coach = ctx.data->coach_of.find(p);
    if (coach != ctx.data->coach_of.end()) details.push_back({"Engagement coach", esc(coach->second)});
    std::string chars;
    for (size_t i = 0; i < rules.characteristics().size(); ++i)
      if (ds.people.characteristics[p] & (1u << i))
        chars += fmt::format("<li>{} ({})</li>", esc(rules.characteristics()[i].label), rules.characteristics()[i].code);
    details.push_back({"Characteristics", chars.empty() ? "None recorded" : "<ul class=\"govuk-list\">" + chars + "</ul>"});
    main += "<h2 class=\"govuk-heading-m\">Details</h2>" + summary_list(details);
    // Activity history, newest first, as an MOJ timeline.
    main += "<h2 class=\"govuk-heading-m\">Activity history</h2>";
    std::vector<uint32_t> acts;
    for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) acts.push_back(a);
    std::stable_sort(acts.begin(), acts.end(), [&](uint32_t a, uint32_t b) { return ds.activities.start[a] > ds.activities.start[b]; });
    if (acts.empty()) main += "<p class=\"govuk-body\">No activities recorded.</p>";
    else main += "<div class=\"moj-timeline\">";
    for (uint32_t a : acts) {
      std::string desc;
      std::vector<std::string> bits;
      if (ds.activities.end[a] != kNoDate) bits.push_back("Ended " + date_text(ds.activities.end[a]));
      if (ds.activities.verified[a] != kNoDate) bits.push_back("Confirmed " + date_text(ds.activities.verified[a]));
      if (ds.activities.review[a] != kNoDate) bits.push_back("Review " + date_text(ds.activities.review[a]));
      if (ds.activities.provider[a] != kNoIndex) bits.push_back("Provider " + std::string(ds.providers[ds.activities.provider[a]]));
      if (ds.activities.neet_reason[a] != NeetReason::kNone) bits.push_back("NEET reason: " + std::string(neet_reason_name(ds.activities.neet_reason[a])));
      for (const auto& b : bits) desc += "<li>" + esc(b) + "</li>";
      const std::string source = ds.activities.source[a] == kNoIndex ? "" : std::string(ds.sources[ds.activities.source[a]]);
      main += fmt::format(
          "<div class=\"moj-timeline__item\"><div class=\"moj-timeline__header\"><h3 class=\"moj-timeline__title\">{}{}</h3>{}</div>"
          "<p class=\"moj-timeline__date\"><time datetime=\"{}\">{}</time></p><div class=\"moj-timeline__description\"><ul class=\"govuk-list\">{}</ul></div></div>",
          esc(code_label(rules, ds.activities.code[a])), a == s.activity ? " " + tag("Current", "green") : "",
          source.empty() ? "" : "<p class=\"moj-timeline__byline\">from " + esc(source) + "</p>", format_date(ds.activities.start[a]),
          esc(date_text(ds.activities.start[a])), desc);
    }
    if (!acts.empty()) main += "</div>";
    main += coaching_section(ctx, p);
    main += risk_section(ctx, p);
    PageOptions o = ctx.page_options(name, "/people");
    o.back_href = "/people";
    ctx.html(200, o, main);
  });

  auto activity_form = [this](Ctx& ctx, uint32_t p, const std::vector<FieldError>& errors, int status) {
    const Dataset& ds = ctx.data->ds;
    const std::string id(ds.people.id[p]);
    const std::string name = std::string(ds.people.given_name[p]) + " " + std::string(ds.people.family_name[p]);
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors);
    main += heading("Record an activity", name, "l");
    main += form_open(ctx, "/people/" + url_encode(id) + "/activities");
    main += select("activity_code", "Activity", activity_options(rules), ctx.param("activity_code"), "The DfE activity code",
                   error_for(errors, "activity_code"));
    auto date_value = [&](const std::string& f) {
      const std::string iso = iso_from_parts(ctx.param(f + "-day"), ctx.param(f + "-month"), ctx.param(f + "-year"));
      return iso;
    };
    main += date_input("start_date", "Start date", date_value("start_date"), "For example, 4 9 2026", error_for(errors, "start_date"));
    main += date_input("verified_date", "Date it was confirmed (optional)", date_value("verified_date"),
                       "When the young person, provider or employer last confirmed it", error_for(errors, "verified_date"));
    main += date_input("end_date", "End date (optional)", date_value("end_date"), "", error_for(errors, "end_date"));
    main += date_input("review_date", "Review date (optional)", date_value("review_date"), "", error_for(errors, "review_date"));
    main += text_input("provider_id", "Provider (optional)", ctx.param("provider_id"), "School, college, employer or training provider id",
                       error_for(errors, "provider_id"), "text", "govuk-!-width-one-half");
    main += select("neet_reason", "NEET reason (optional)", neet_reason_options(), ctx.param("neet_reason"), "",
                   error_for(errors, "neet_reason"));
    main += "<div class=\"govuk-button-group\">" + button("Save activity") +
            fmt::format("<a class=\"govuk-link\" href=\"/people/{}\">Cancel</a>", url_encode(id)) + "</div></form></div></div>";
    PageOptions o = ctx.page_options("Record an activity", "/people");
    o.back_href = "/people/" + url_encode(id);
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  route("GET", R"(/people/([^/]+)/activities/new)", Permission::kRecord, false, [activity_form](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) return ctx.not_found();
    ctx.audit("read", "person", id, "activity form");
    activity_form(ctx, p, {}, 200);
  });
  route("POST", R"(/people/([^/]+)/activities)", Permission::kRecord, false, [this, activity_form](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("change_denied", "person", id.substr(0, 64));
      return ctx.not_found();
    }
    std::map<std::string, std::string> fields;
    fields["activity_code"] = ctx.param("activity_code");
    std::vector<FieldError> errors;
    for (const char* f : {"start_date", "end_date", "verified_date", "review_date"}) {
      const std::string day = ctx.param(std::string(f) + "-day"), month = ctx.param(std::string(f) + "-month"),
                        year = ctx.param(std::string(f) + "-year");
      if (day.empty() && month.empty() && year.empty()) continue;
      const std::string iso = iso_from_parts(day, month, year);
      if (iso.empty()) {
        errors.push_back({std::string(f) + "-day", "Enter a real date, with a day, month and 4-digit year"});
        continue;
      }
      fields[f] = iso;
    }
    for (const char* f : {"provider_id", "neet_reason"})
      if (!ctx.param(f).empty()) fields[f] = ctx.param(f);
    if (errors.empty()) {
      for (auto e : record_activity(*this, ctx, p, fields)) {
        if (e.field.find("_date") != std::string::npos) e.field += "-day";
        errors.push_back(e);
      }
    }
    if (!errors.empty()) {
      ctx.audit("change_rejected", "person", id, "activity not valid");
      return activity_form(ctx, p, errors, 400);
    }
    ctx.audit("create", "activity", id, fmt::format("{} from {}", fields["activity_code"], fields["start_date"]));
    ctx.redirect("/people/" + url_encode(id) + "?recorded=1");
  });
  route("POST", R"(/people/([^/]+)/confirm)", Permission::kRecord, false, [this](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const Dataset& ds = ctx.data->ds;
    const uint32_t p = ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) return ctx.not_found();
    const Status s = status_on(ds, rules, p, today());
    if (!s.known()) return ctx.redirect("/people/" + url_encode(id));
    const uint32_t a = s.activity;
    std::map<std::string, std::string> fields = {
        {"activity_code", fmt::format("{:03d}", rules.code(ds.activities.code[a]).code)},
        {"start_date", format_date(ds.activities.start[a])},
        {"verified_date", format_date(today())}};
    if (ds.activities.end[a] != kNoDate) fields["end_date"] = format_date(ds.activities.end[a]);
    if (ds.activities.review[a] != kNoDate && ds.activities.review[a] > today()) fields["review_date"] = format_date(ds.activities.review[a]);
    if (ds.activities.provider[a] != kNoIndex) fields["provider_id"] = std::string(ds.providers[ds.activities.provider[a]]);
    if (ds.activities.neet_reason[a] != NeetReason::kNone) fields["neet_reason"] = std::string(neet_reason_name(ds.activities.neet_reason[a]));
    const auto errors = record_activity(*this, ctx, p, fields);
    if (!errors.empty()) throw std::runtime_error("confirming an activity failed validation: " + errors.front().message);
    ctx.audit("update", "activity", id, "confirmed " + fields["activity_code"]);
    ctx.redirect("/people/" + url_encode(id) + "?confirmed=1");
  });

  // --- Not-known queue -----------------------------------------------------------------
  route("GET", "/not-known", Permission::kPeople, false, [this](Ctx& ctx) {
    const Date on = today();
    const auto rows = not_known_queue(ctx, on);
    constexpr size_t kPerPage = 50;
    size_t page_no = 1;
    const std::string ps = ctx.param("page");
    if (!ps.empty() && ps.size() < 7 && std::all_of(ps.begin(), ps.end(), ::isdigit)) page_no = std::max<size_t>(1, std::stoul(ps));
    const size_t pages = std::max<size_t>(1, (rows.size() + kPerPage - 1) / kPerPage);
    page_no = std::min(page_no, pages);
    const size_t begin = (page_no - 1) * kPerPage, end = std::min(rows.size(), begin + kPerPage);
    std::string ids;
    for (size_t i = begin; i < end; ++i) ids += (ids.empty() ? "" : " ") + std::string(ctx.data->ds.people.id[rows[i].person]);
    ctx.audit("list", "not_known_queue", "", fmt::format("page {} of {}: {}", page_no, pages, ids));
    size_t nk = 0;
    for (const auto& r : rows) nk += r.not_known;
    std::string main = heading("Not known and lapsing soon");
    main += fmt::format(
        "<p class=\"govuk-body\">Young people of academic age 16-17 whose status is not known ({}) or whose current activity "
        "lapses within 30 days ({}), most vulnerable first, then longest since their status was last confirmed.</p>",
        num(static_cast<long long>(nk)), num(static_cast<long long>(rows.size() - nk)));
    TableSpec t{fmt::format("Page {} of {}", page_no, pages), {"Name", "School", "Status", "Vulnerable groups", "Last confirmed", "Lapses"},
                {false, false, false, true, false, false}, {}};
    const Dataset& ds = ctx.data->ds;
    for (size_t i = begin; i < end; ++i) {
      const auto& r = rows[i];
      t.rows.push_back({person_link(ds, r.person), esc(school_of(ds, r.person)),
                        r.not_known ? tag("Not known", "grey") : tag("Lapses soon", "yellow"), std::to_string(r.vulnerability),
                        r.last_confirmed == kNoDate ? "Never" : esc(date_text(r.last_confirmed)),
                        r.not_known || r.status.lapse_date == kNoDate ? "" : esc(date_text(r.status.lapse_date))});
    }
    if (rows.empty()) main += "<p class=\"govuk-body\">Nobody to chase.</p>";
    else main += table(t);
    if (pages > 1) {
      main += "<nav class=\"govuk-pagination\" aria-label=\"Pagination\">";
      if (page_no > 1)
        main += fmt::format("<div class=\"govuk-pagination__prev\"><a class=\"govuk-link govuk-pagination__link\" href=\"/not-known?page={}\" rel=\"prev\"><span class=\"govuk-pagination__link-title\">Previous<span class=\"govuk-visually-hidden\"> page</span></span></a></div>", page_no - 1);
      if (page_no < pages)
        main += fmt::format("<div class=\"govuk-pagination__next\"><a class=\"govuk-link govuk-pagination__link\" href=\"/not-known?page={}\" rel=\"next\"><span class=\"govuk-pagination__link-title\">Next<span class=\"govuk-visually-hidden\"> page</span></span></a></div>", page_no + 1);
      main += "</nav>";
    }
    PageOptions o = ctx.page_options("Not known and lapsing soon", "/not-known");
    o.wide = true;
    ctx.html(200, o, main);
  });

  // --- Reports -------------------------------------------------------------------------
  route("GET", "/reports", Permission::kAggregates, false, [this](Ctx& ctx) {
    std::string month = ctx.param("month");
    if (month.empty()) month = current_month(today());
    std::vector<FieldError> errors;
    std::string body;
    try {
      body = statutory_json(ctx, month);
    } catch (const std::invalid_argument&) {
      errors.push_back({"month", "Enter a month in the form YYYY-MM, for example 2026-01"});
    }
    std::string main = error_summary(errors) + heading("Reports");
    main += "<form method=\"get\" action=\"/reports\">" +
            text_input("month", "Month", errors.empty() ? month : ctx.param("month").substr(0, 20), "For example, 2026-01",
                       error_for(errors, "month"), "text", "govuk-input--width-10") +
            button("Show report") + "</form>";
    if (errors.empty()) {
      const auto r = nlohmann::json::parse(body);
      main += fmt::format("<h2 class=\"govuk-heading-m\">Statutory snapshot, end of {}</h2>", esc(month));
      TableSpec t{"Headline", {"Measure", "Number", "Percentage of cohort"}, {false, true, true}, {}};
      t.rows.push_back({"Cohort (academic age 16-17)", num(r["cohort"].get<long long>()), ""});
      t.rows.push_back({"Participating", num(r["participating"].get<long long>()), pct(r["participation_pct"])});
      t.rows.push_back({"NEET", num(r["neet"].get<long long>()), pct(r["neet_pct"])});
      t.rows.push_back({"Not known", num(r["not_known"].get<long long>()), pct(r["not_known_pct"])});
      t.rows.push_back({"NEET or not known", num(r["neet"].get<long long>() + r["not_known"].get<long long>()), pct(r["neet_nk_pct"])});
      t.rows.push_back({"Custody (not in the cohort)", num(r["custody"].get<long long>()), ""});
      main += table(t);
      main += "<p class=\"govuk-body\">Download: "
              "<a class=\"govuk-link\" href=\"/reports/statutory.csv?month=" + url_encode(month) + "\">CSV</a> · "
              "<a class=\"govuk-link\" href=\"/reports/statutory.xlsx?month=" + url_encode(month) + "\">Excel</a></p>";
      for (const auto& [name, rows] : r["breakdowns"].items()) {
        TableSpec b{"By " + name, {"Group", "Cohort", "NEET", "Not known", "Participating"}, {false, true, true, true, true}, {}};
        for (const auto& row : rows) {
          if (row["cohort"].get<long long>() == 0) continue;
          const std::string label = row.value("label", "").empty() ? row.value("key", "") : row.value("label", "");
          b.rows.push_back({esc(label), num(row["cohort"].get<long long>()), pct(row["neet_pct"]), pct(row["not_known_pct"]),
                            pct(row["participation_pct"])});
        }
        if (!b.rows.empty()) main += table(b);
      }
      const int year = academic_year_of(*parse_month_end(month));
      main += fmt::format("<h2 class=\"govuk-heading-m\">Annual figure {}</h2>", esc(academic_year_name(year - 1)));
      const auto a = nlohmann::json::parse(annual_json(ctx, std::to_string(year - 1)));
      main += summary_list({{"NEET (Dec-Feb average)", pct(a["neet_pct"])},
                            {"Not known (Dec-Feb average)", pct(a["not_known_pct"])},
                            {"NEET or not known", pct(a["neet_nk_pct"])},
                            {"Participation, " + a["participation_month"].get<std::string>(), pct(a["participation_pct"])}});
      main += "<p class=\"govuk-body\">Download: "
              "<a class=\"govuk-link\" href=\"/reports/annual.csv?year=" + std::to_string(year - 1) + "\">CSV</a> · "
              "<a class=\"govuk-link\" href=\"/reports/annual.xlsx?year=" + std::to_string(year - 1) + "\">Excel</a></p>";
    }
    PageOptions o = ctx.page_options("Reports", "/reports");
    o.has_error = !errors.empty();
    o.wide = true;
    ctx.html(errors.empty() ? 200 : 400, o, main);
  });
  auto download = [this](const std::string& kind, const std::string& ext) {
    return [this, kind, ext](Ctx& ctx) {
      const std::string key = kind == "statutory" ? ctx.param("month") : ctx.param("year");
      std::string csv;
      std::vector<Table> sheets;
      try {
        if (kind == "statutory") {
          statutory_json(ctx, key);  // validates the month
          const Ymd ymd = to_ymd(*parse_month_end(key));
          const auto r = statutory_report(ctx.data->ds, rules, ymd.year, ymd.month, scope);
          if (ext == "csv") csv = render(r, Format::kCsv);
          else sheets.push_back(long_table(r));
        } else {
          annual_json(ctx, key);
          const auto r = annual_report(ctx.data->ds, rules, std::stoi(key), scope);
          if (ext == "csv") csv = render(r, Format::kCsv);
          else sheets.push_back(long_table(r));
        }
      } catch (const std::invalid_argument&) {
        return ctx.html(400, ctx.page_options("Reports", "/reports"),
                        heading("Reports") + "<p class=\"govuk-body\">The month or year is not valid.</p>");
      }
      ctx.audit("export", "report", kind + " " + key, ext);
      const std::string filename = fmt::format("pathways-{}-{}.{}", kind, key, ext);
      ctx.res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
      if (ext == "csv") return ctx.res.set_content(csv, "text/csv; charset=utf-8");
      const auto path = std::filesystem::temp_directory_path() / ("pathways-" + random_token(12) + ".xlsx");
      write_xlsx(path.string(), sheets);
      std::ifstream in(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      std::filesystem::remove(path);
      ctx.res.set_content(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    };
  };
  route("GET", "/reports/statutory.csv", Permission::kAggregates, false, download("statutory", "csv"));
  route("GET", "/reports/statutory.xlsx", Permission::kAggregates, false, download("statutory", "xlsx"));
  route("GET", "/reports/annual.csv", Permission::kAggregates, false, download("annual", "csv"));
  route("GET", "/reports/annual.xlsx", Permission::kAggregates, false, download("annual", "xlsx"));

  // --- Upload --------------------------------------------------------------------------
  auto upload_page = [](Ctx& ctx, const std::vector<FieldError>& errors, const std::string& result, int status) {
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors) + result;
    main += heading("Upload canonical files");
    main += "<p class=\"govuk-body\">Upload people.csv and activities.csv in the canonical format. The files are checked "
            "first; if any row has a problem nothing is stored and you get a report of every problem. Uploading the same "
            "files again changes nothing; changed rows are kept as new versions.</p>";
    main += form_open(ctx, "/upload", true);
    main += file_upload("people", "people.csv", error_for(errors, "people")) +
            file_upload("activities", "activities.csv", error_for(errors, "activities"));
    main += button("Check and upload") + "</form></div></div>";
    PageOptions o = ctx.page_options("Upload canonical files", "/upload");
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  route("GET", "/upload", Permission::kUpload, false, [upload_page](Ctx& ctx) { upload_page(ctx, {}, "", 200); });
  route("POST", "/upload", Permission::kUpload, false, [this, upload_page](Ctx& ctx) {
    std::vector<FieldError> errors;
    if (!ctx.req.is_multipart_form_data()) errors.push_back({"people", "Select the files to upload"});
    for (const char* f : {"people", "activities"})
      if (errors.empty() && (!ctx.req.has_file(f) || ctx.req.get_file_value(f).content.empty()))
        errors.push_back({f, std::string("Select ") + f + ".csv"});
    if (!errors.empty()) return upload_page(ctx, errors, "", 400);
    const ScratchDir scratch("pathways-upload-");
    const std::filesystem::path& dir = scratch.path;
    for (const char* f : {"people", "activities"}) {
      std::ofstream out(dir / (std::string(f) + ".csv"), std::ios::binary);
      out << ctx.req.get_file_value(f).content;
    }
    LoadReport report;
    LoadOptions lo;
    lo.indicators = false;
    Dataset ds = load_folder(dir.string(), rules, report, lo);
    if (!report.ok()) {
      ctx.audit("import_rejected", "upload", "", fmt::format("{} problems", report.error_count));
      PageOptions o = ctx.page_options("Upload canonical files", "/upload");
      o.has_error = true;
      o.wide = true;
      return ctx.html(400, o,
                      heading("Upload canonical files") + problems_html(ctx, report, "The files have") +
                          "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/upload\">Upload corrected files</a></p>");
    }
    ImportSummary sum;
    {
      std::lock_guard lock(write_mutex);
      sum = import_dataset(*write_db, ds, rules, "web upload", ctx.user().username);
      reload();
    }
    ctx.audit("import", "upload", std::to_string(sum.batch_id),
              fmt::format("people +{} ~{}; activities +{} ~{}", sum.people_added, sum.people_changed, sum.activities_added,
                          sum.activities_changed));
    const std::string result = notification(
        sum.changed() ? "Files imported" : "Nothing changed",
        summary_list({{"People added", num(sum.people_added)},
                      {"People changed", num(sum.people_changed)},
                      {"People unchanged", num(sum.people_unchanged)},
                      {"Activities added", num(sum.activities_added)},
                      {"Activities changed", num(sum.activities_changed)},
                      {"Activities unchanged", num(sum.activities_unchanged)}}),
        true);
    upload_page(ctx, {}, result, 200);
  });
  route("GET", R"(/upload/errors/([A-Za-z0-9_-]+)\.csv)", Permission::kUpload, false, [this](Ctx& ctx) {
    std::lock_guard lock(uploads_mutex);
    const auto it = upload_reports.find(ctx.req.matches[1]);
    if (it == upload_reports.end() || it->second.first != ctx.user().id) return ctx.not_found();
    ctx.res.set_header("Content-Disposition", "attachment; filename=\"pathways-upload-errors.csv\"");
    ctx.res.set_content(it->second.second, "text/csv; charset=utf-8");
  });

  // --- Administration ------------------------------------------------------------------
  auto users_page = [this](Ctx& ctx, const std::vector<FieldError>& errors, const std::string& result, int status) {
    std::string main = error_summary(errors) + result + heading("Users");
    TableSpec t{"Accounts", {"Username", "Role", "School", "Coach", "Status", "Action"}, {}, {}};
    for (const auto& u : accounts->users()) {
      const std::string action = u.username == ctx.user().username
                                     ? ""
                                     : form_open(ctx, "/admin/users/" + url_encode(u.username) + (u.disabled ? "/enable" : "/disable")) +
                                           fmt::format("<button type=\"submit\" class=\"govuk-button govuk-button--secondary govuk-!-margin-bottom-0\" data-module=\"govuk-button\">{}<span class=\"govuk-visually-hidden\"> {}</span></button></form>",
                                                       u.disabled ? "Enable" : "Disable", esc(u.username));
      t.rows.push_back({esc(u.username), esc(role_name(u.role)), esc(u.school_id), esc(u.coach_id),
                        u.disabled ? tag("Disabled", "grey") : tag("Active", "green"), action});
    }
    main += table(t);
    main += "<h2 class=\"govuk-heading-m\">Add a user</h2>" + form_open(ctx, "/admin/users");
    main += text_input("username", "Username", errors.empty() ? "" : ctx.param("username"), "3 to 64 letters, digits, dots, hyphens, underscores or @",
                       error_for(errors, "username"), "text", "govuk-!-width-one-half", "spellcheck=\"false\" autocomplete=\"off\"");
    std::vector<std::pair<std::string, std::string>> roles = {{"", "Select a role"}};
    for (Role r : all_roles()) roles.push_back({std::string(role_name(r)), std::string(role_name(r))});
    main += select("role", "Role", roles, errors.empty() ? "" : ctx.param("role"), "", error_for(errors, "role"));
    main += text_input("school_id", "School id (school users)", errors.empty() ? "" : ctx.param("school_id"), "", error_for(errors, "school_id"),
                       "text", "govuk-input--width-10");
    main += text_input("coach_id", "Coach id (coaches)", errors.empty() ? "" : ctx.param("coach_id"), "", error_for(errors, "coach_id"), "text",
                       "govuk-input--width-10");
    main += button("Add user") + "</form>";
    PageOptions o = ctx.page_options("Users", "/admin/users");
    o.has_error = !errors.empty();
    o.wide = true;
    ctx.html(status, o, main);
  };
  route("GET", "/admin/users", Permission::kAdmin, false, [users_page](Ctx& ctx) { users_page(ctx, {}, "", 200); });
  route("POST", "/admin/users", Permission::kAdmin, false, [this, users_page](Ctx& ctx) {
    std::vector<FieldError> errors;
    const auto role = parse_role(ctx.param("role"));
    if (!role) errors.push_back({"role", "Select a role"});
    if (ctx.param("username").empty()) errors.push_back({"username", "Enter a username"});
    if (!errors.empty()) return users_page(ctx, errors, "", 400);
    NewUser u;
    u.username = ctx.param("username");
    u.role = *role;
    u.school_id = ctx.param("school_id");
    u.coach_id = ctx.param("coach_id");
    u.password = random_token(12);
    u.must_change_password = true;
    try {
      accounts->add_user(u, ctx.user().username);
    } catch (const AccountError& e) {
      const std::string msg = e.what();
      const std::string field = msg.find("school") != std::string::npos ? "school_id"
                                : msg.find("coach") != std::string::npos ? "coach_id" : "username";
      return users_page(ctx, {{field, msg}}, "", 400);
    }
    ctx.audit("create", "user", u.username, std::string(role_name(u.role)));
    users_page(ctx, {},
               notification("User added",
                            "<p class=\"govuk-body\">Give " + esc(u.username) + " this one-time password, in person or by phone: <strong class=\"app-secret\">" +
                                esc(u.password) + "</strong>. They must change it when they first sign in.</p>",
                            true),
               200);
  });
  for (const bool disable : {true, false}) {
    route("POST", disable ? R"(/admin/users/([^/]+)/disable)" : R"(/admin/users/([^/]+)/enable)", Permission::kAdmin, false,
          [this, disable](Ctx& ctx) {
            const std::string username = ctx.req.matches[1];
            if (username == ctx.user().username) return ctx.forbidden();
            if (!accounts->find_user(username)) return ctx.not_found();
            accounts->set_disabled(username, disable, ctx.user().username);
            ctx.audit(disable ? "disable" : "enable", "user", username);
            ctx.redirect("/admin/users");
          });
  }
  route("GET", "/admin/audit", Permission::kAdmin, false, [this](Ctx& ctx) {
    AuditQuery q;
    q.username = ctx.param("username").substr(0, 64);
    q.record_id = ctx.param("record_id").substr(0, 64);
    q.action = ctx.param("action").substr(0, 32);
    q.limit = 200;
    const auto entries = audit_log->search(q);
    ctx.audit("search", "audit_log", "");
    std::string main = heading("Audit log");
    main += "<p class=\"govuk-body\">Every view and change of a young person's record, sign-in and administrative action. "
            "Entries cannot be changed or deleted.</p>";
    main += "<form method=\"get\" action=\"/admin/audit\"><div class=\"govuk-grid-row\">"
            "<div class=\"govuk-grid-column-one-third\">" + text_input("username", "User", q.username) + "</div>"
            "<div class=\"govuk-grid-column-one-third\">" + text_input("record_id", "Record (person ID)", q.record_id) + "</div>"
            "<div class=\"govuk-grid-column-one-third\">" + text_input("action", "Action", q.action, "For example read, search, create") +
            "</div></div>" + button("Search", "govuk-button--secondary") + "</form>";
    TableSpec t{fmt::format("{} most recent matching entries", entries.size()), {"When (UTC)", "User", "Role", "Action", "Record", "From", "Detail"}, {}, {}};
    for (const auto& e : entries)
      t.rows.push_back({esc(e.at), esc(e.username), esc(e.role), esc(e.action), esc(e.record_type + (e.record_id.empty() ? "" : " " + e.record_id)),
                        esc(e.remote), esc(e.detail.substr(0, 200))});
    main += table(t);
    PageOptions o = ctx.page_options("Audit log", "/admin/audit");
    o.wide = true;
    ctx.html(200, o, main);
  });
}

}  // namespace pathways::web
