// The NEET vulnerable group panel (coaching/panel.h): schools refer Year 11 pupils at risk,
// LA staff record the panel's decisions and actions, and a report follows the referred
// pupils' progression into EET.
//
//   GET  /panel                               referrals of a year: a school its own pupils',
//                                             a coach their caseload's, LA staff everyone's
//   GET  /panel/refer, POST /panel/refer      refer a Year 11 pupil (schools, for their own
//                                             pupils; LA staff for anyone)
//   GET  /panel/referrals/ID/DATE, POST ...   the panel's decision and actions (LA staff)
//   GET  /panel/report                        progression into EET, overall and by RAG
//   GET  /api/reports/panel                   the same as JSON
#include <fmt/format.h>

#include <algorithm>

#include "coaching/panel.h"
#include "coaching/store.h"
#include "io/folder.h"
#include "server/internal.h"

namespace pathways::web {

namespace {

bool is_la_staff(Role r) { return r == Role::admin || r == Role::data_officer; }
bool may_refer(Role r) { return r == Role::school || is_la_staff(r); }

std::string name_of(const Dataset& ds, uint32_t p) {
  return std::string(ds.people.given_name[p]) + " " + std::string(ds.people.family_name[p]);
}

std::string date_text(Date d) { return d == kNoDate ? "" : long_date(format_date(d)); }

std::string year_name(int y) { return fmt::format("{}-{:02d}", y, (y + 1) % 100); }

std::string rag_tag(Rag r) {
  switch (r) {
    case Rag::kRed: return tag("Red", "red");
    case Rag::kAmber: return tag("Amber", "orange");
    case Rag::kGreen: return tag("Green", "green");
  }
  return "";
}

const char* decision_label(PanelDecision d) {
  switch (d) {
    case PanelDecision::kAllocateCoach: return "Allocate an engagement coach";
    case PanelDecision::kCommissionedService: return "Refer to a commissioned service";
    case PanelDecision::kSchoolSupport: return "School to support";
    case PanelDecision::kMonitor: return "Monitor";
    case PanelDecision::kNoFurtherAction: return "No further action";
    case PanelDecision::kNone: return "";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> rag_options() {
  return {{"red", "Red: high risk of not progressing"}, {"amber", "Amber: some risk"}, {"green", "Green: low risk, for information"}};
}

// "2025" -> 2025 (a referral year); nullopt when malformed.
std::optional<int> parse_year(const std::string& y) {
  if (y.size() != 4 || !std::all_of(y.begin(), y.end(), ::isdigit)) return std::nullopt;
  const int v = std::stoi(y);
  if (v < 2000 || v > 2100) return std::nullopt;
  return v;
}

// The year's referrals the user may see, newest first.
std::vector<const PanelReferral*> visible_referrals(const Ctx& ctx, int year) {
  const Date first = make_date(year, 9, 1), last = make_date(year + 1, 8, 31);
  std::vector<const PanelReferral*> out;
  for (const auto& x : ctx.data->coaching.referrals) {
    if (x.referred < first || x.referred > last || !ctx.may_see(x.person)) continue;
    if (ctx.user().role == Role::school && x.school_id != ctx.user().school_id) continue;
    out.push_back(&x);
  }
  std::stable_sort(out.begin(), out.end(), [&](const PanelReferral* a, const PanelReferral* b) {
    if (a->referred != b->referred) return a->referred > b->referred;
    return ctx.data->ds.people.id[a->person] < ctx.data->ds.people.id[b->person];
  });
  return out;
}

const PanelReferral* find_referral(const Ctx& ctx, uint32_t p, Date d) {
  for (const auto& x : ctx.data->coaching.referrals)
    if (x.person == p && x.referred == d) return &x;
  return nullptr;
}

}  // namespace

void Impl::register_panel_pages() {
  route("GET", "/panel", Permission::kPeople, false, [this](Ctx& ctx) {
    const Date on = today();
    std::vector<FieldError> errors;
    int year = academic_year_of(on);
    if (!ctx.param("year").empty()) {
      const auto y = parse_year(ctx.param("year"));
      if (y) year = *y;
      else errors.push_back({"year", "Enter the year the referrals were made in as 4 digits, for example 2026 for 2026-27"});
    }
    const Dataset& ds = ctx.data->ds;
    std::string main;
    if (const std::string id = ctx.param("referred"); !id.empty()) {
      const uint32_t p = ds.find_person(id);
      if (p != kNoIndex && ctx.may_see(p))
        main += notification("Referral made", "<p class=\"govuk-body\">" + esc(name_of(ds, p)) + " is referred to the panel.</p>", true);
    }
    if (const std::string id = ctx.param("decided"); !id.empty()) {
      const uint32_t p = ds.find_person(id);
      if (p != kNoIndex && ctx.may_see(p))
        main += notification("Panel decision recorded", "<p class=\"govuk-body\">For " + esc(name_of(ds, p)) + ".</p>", true);
    }
    main += error_summary(errors) + heading("NEET vulnerable group panel", "Referrals of " + year_name(year));
    main += "<p class=\"govuk-body\">Schools refer Year 11 pupils at risk of not progressing into education, employment or "
            "training after Year 11, with a RAG rating and a reason. The panel records a decision and actions for each.</p>";
    const Role role = ctx.user().role;
    if (role == Role::school) main += inset("You see the referrals of pupils of school " + esc(ctx.user().school_id) + ".");
    main += "<div class=\"govuk-button-group\">";
    if (may_refer(role)) main += link_button("/panel/refer", "Refer a pupil", "");
    main += "<a class=\"govuk-link\" href=\"/panel/report\">Progression report</a></div>";
    main += "<form method=\"get\" action=\"/panel\">" +
            text_input("year", "Year of referral", errors.empty() ? std::to_string(year) : ctx.param("year").substr(0, 10),
                       "The start of the academic year, for example 2026 for 2026-27", error_for(errors, "year"), "text",
                       "govuk-input--width-4", "inputmode=\"numeric\"") +
            button("Show", "govuk-button--secondary") + "</form>";
    PageOptions o = ctx.page_options("NEET vulnerable group panel", "/panel");
    o.wide = true;
    o.has_error = !errors.empty();
    if (!errors.empty()) return ctx.html(400, o, main);
    const auto refs = visible_referrals(ctx, year);
    std::string ids;
    TableSpec t{fmt::format("{} {}", refs.size(), refs.size() == 1 ? "referral" : "referrals"),
                {"Pupil", "School", "Referred", "RAG", "Reason", "Panel", "Decision and actions"}, {}, {}};
    for (const PanelReferral* x : refs) {
      const std::string id(ds.people.id[x->person]);
      ids += (ids.empty() ? "" : " ") + id;
      std::string decision;
      if (x->panel_date != kNoDate)
        decision = "<strong>" + esc(decision_label(x->decision)) + "</strong>" +
                   (x->actions.empty() ? "" : "<br><span class=\"govuk-body-s\">" + esc(x->actions) + "</span>");
      else decision = tag("Awaiting the panel", "grey");
      if (is_la_staff(role))
        decision += fmt::format("<br><a class=\"govuk-link\" href=\"/panel/referrals/{}/{}\">Record the decision<span class=\"govuk-visually-hidden\"> for {}</span></a>",
                                url_encode(id), format_date(x->referred), esc(name_of(ds, x->person)));
      t.rows.push_back({fmt::format("<a class=\"govuk-link\" href=\"/people/{}\">{}</a>", url_encode(id), esc(name_of(ds, x->person))),
                        esc(x->school_id), esc(date_text(x->referred)), rag_tag(x->rag), esc(x->reason),
                        esc(date_text(x->panel_date)), decision});
    }
    if (refs.empty()) main += "<p class=\"govuk-body\">No referrals in this year.</p>";
    else main += table(t);
    ctx.audit("list", "panel_referrals", std::to_string(year), ids);
    ctx.html(200, o, main);
  });

  // Referring a pupil.
  auto refer_page = [this](Ctx& ctx, const std::vector<FieldError>& errors, int status) {
    const Dataset& ds = ctx.data->ds;
    const Date on = today();
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors);
    main += heading("Refer a pupil to the panel", "NEET vulnerable group panel");
    main += form_open(ctx, "/panel/refer");
    if (ctx.user().role == Role::school) {
      // The school's Year 11 pupils, by name.
      std::vector<uint32_t> pupils;
      for (uint32_t p = 0; p < ds.people.size(); ++p)
        if (ctx.may_see(p) && academic_age(ds.people.date_of_birth[p], on) == 15) pupils.push_back(p);
      std::sort(pupils.begin(), pupils.end(), [&](uint32_t a, uint32_t b) {
        return std::make_pair(ds.people.family_name[a], ds.people.given_name[a]) < std::make_pair(ds.people.family_name[b], ds.people.given_name[b]);
      });
      std::vector<std::pair<std::string, std::string>> opts = {{"", "Select a pupil"}};
      for (uint32_t p : pupils)
        opts.push_back({std::string(ds.people.id[p]), std::string(ds.people.family_name[p]) + ", " + std::string(ds.people.given_name[p]) +
                                                          " (born " + date_text(ds.people.date_of_birth[p]) + ")"});
      main += select("person_id", "Pupil", opts, ctx.param("person_id"), "Your Year 11 pupils", error_for(errors, "person_id"));
    } else {
      main += text_input("person_id", "Pupil's person ID", ctx.param("person_id").substr(0, 64), "A Year 11 pupil, for example P0000123",
                         error_for(errors, "person_id"), "text", "govuk-input--width-10", "spellcheck=\"false\"");
    }
    main += radios("rag", "RAG rating", rag_options(), ctx.param("rag"), "How likely the pupil is not to progress into education or training",
                   error_for(errors, "rag"));
    main += textarea("reason", "Reason for the referral", ctx.param("reason").substr(0, 600),
                     "What puts the pupil at risk, and what the school has done so far. Up to 500 characters.", error_for(errors, "reason"));
    main += "<div class=\"govuk-button-group\">" + button("Refer the pupil") +
            "<a class=\"govuk-link\" href=\"/panel\">Cancel</a></div></form></div></div>";
    PageOptions o = ctx.page_options("Refer a pupil to the panel", "/panel");
    o.back_href = "/panel";
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  route("GET", "/panel/refer", Permission::kRecord, false, [refer_page](Ctx& ctx) {
    if (!may_refer(ctx.user().role)) return ctx.forbidden();
    ctx.audit("read", "panel_referral_form", ctx.user().school_id);
    refer_page(ctx, {}, 200);
  });
  route("POST", "/panel/refer", Permission::kRecord, false, [this, refer_page](Ctx& ctx) {
    if (!may_refer(ctx.user().role)) return ctx.forbidden();
    const Dataset& ds = ctx.data->ds;
    const Date on = today();
    std::vector<FieldError> errors;
    const std::string id = ctx.param("person_id");
    uint32_t p = kNoIndex;
    if (id.empty()) errors.push_back({"person_id", "Select the pupil to refer"});
    else {
      p = ds.find_person(id);
      if (p == kNoIndex || !ctx.may_see(p)) {
        ctx.audit("change_denied", "person", id.substr(0, 64), "panel referral");
        errors.push_back({"person_id", ctx.user().role == Role::school ? "Select one of your Year 11 pupils" : "Enter the person ID of a young person"});
        p = kNoIndex;
      } else if (academic_age(ds.people.date_of_birth[p], on) != 15) {
        errors.push_back({"person_id", "Only Year 11 pupils can be referred to the panel"});
      } else if (find_referral(ctx, p, on)) {
        errors.push_back({"person_id", "This pupil has already been referred today"});
      }
    }
    const std::string rag = ctx.param("rag");
    const auto ri = std::find(kRagNames.begin(), kRagNames.end(), rag);
    if (ri == kRagNames.end()) errors.push_back({"rag", "Select a RAG rating"});
    std::string reason = ctx.param("reason");
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.front()))) reason.erase(0, 1);
    if (reason.empty()) errors.push_back({"reason", "Enter the reason for the referral"});
    else if (reason.size() > 500 || !valid_utf8(reason)) errors.push_back({"reason", "The reason must be 500 characters or fewer"});
    if (!errors.empty()) {
      ctx.audit("change_rejected", "panel_referral", id.substr(0, 64), "referral not valid");
      return refer_page(ctx, errors, 400);
    }
    CoachingRecords one;
    PanelReferral x;
    x.person = p;
    x.referred = on;
    x.rag = static_cast<Rag>(ri - kRagNames.begin());
    x.reason = reason;
    x.school_id = ctx.user().role == Role::school ? ctx.user().school_id
                  : ds.people.school[p] != kNoIndex ? std::string(ds.schools[ds.people.school[p]])
                                                    : std::string("unknown");
    one.referrals.push_back(x);
    {
      std::lock_guard lock(write_mutex);
      import_coaching(*write_db, one, ds, ctx.user().username);
      reload();
    }
    ctx.audit("create", "panel_referral", id, rag + " on " + format_date(on));
    ctx.redirect("/panel?referred=" + url_encode(id));
  });

  // The panel's decision.
  auto decision_page = [](Ctx& ctx, const PanelReferral& x, const std::vector<FieldError>& errors, int status) {
    const Dataset& ds = ctx.data->ds;
    const std::string id(ds.people.id[x.person]);
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors);
    main += heading("Panel decision", name_of(ds, x.person));
    main += summary_list({{"School", esc(x.school_id)},
                          {"Referred", esc(date_text(x.referred))},
                          {"RAG rating", rag_tag(x.rag)},
                          {"Reason", esc(x.reason)}});
    const bool posted = ctx.req.method == "POST";
    std::string panel_iso = posted ? iso_from_parts(ctx.param("panel_date-day"), ctx.param("panel_date-month"), ctx.param("panel_date-year"))
                                   : (x.panel_date != kNoDate ? format_date(x.panel_date) : format_date(ctx.today()));
    std::vector<std::pair<std::string, std::string>> decisions = {{"", "Select a decision"}};
    for (size_t i = 0; i < kPanelDecisionNames.size(); ++i)
      decisions.push_back({std::string(kPanelDecisionNames[i]), decision_label(static_cast<PanelDecision>(i + 1))});
    const std::string current = x.decision == PanelDecision::kNone ? "" : std::string(kPanelDecisionNames[static_cast<size_t>(x.decision) - 1]);
    main += form_open(ctx, "/panel/referrals/" + url_encode(id) + "/" + format_date(x.referred));
    main += date_input("panel_date", "Date of the panel meeting", panel_iso, "For example, 20 3 2026", error_for(errors, "panel_date-day"));
    main += select("decision", "Decision", decisions, posted ? ctx.param("decision") : current, "", error_for(errors, "decision"));
    main += textarea("actions", "Actions", posted ? ctx.param("actions").substr(0, 2100) : x.actions,
                     "Who will do what, by when. Up to 2,000 characters.", error_for(errors, "actions"));
    main += "<div class=\"govuk-button-group\">" + button("Save the decision") +
            "<a class=\"govuk-link\" href=\"/panel\">Cancel</a></div></form></div></div>";
    PageOptions o = ctx.page_options("Panel decision", "/panel");
    o.back_href = "/panel";
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  // The referral of a /panel/referrals/ID/DATE route, or null (the response is then sent).
  auto referral_for = [](Ctx& ctx) -> const PanelReferral* {
    if (!is_la_staff(ctx.user().role)) {
      ctx.forbidden();
      return nullptr;
    }
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    const auto d = parse_date(std::string(ctx.req.matches[2]));
    const PanelReferral* x = p == kNoIndex || !d ? nullptr : find_referral(ctx, p, *d);
    if (!x) ctx.not_found();
    return x;
  };
  route("GET", R"(/panel/referrals/([^/]+)/(\d{4}-\d{2}-\d{2}))", Permission::kRecord, false, [referral_for, decision_page](Ctx& ctx) {
    const PanelReferral* x = referral_for(ctx);
    if (!x) return;
    ctx.audit("read", "panel_referral", std::string(ctx.data->ds.people.id[x->person]), format_date(x->referred));
    decision_page(ctx, *x, {}, 200);
  });
  route("POST", R"(/panel/referrals/([^/]+)/(\d{4}-\d{2}-\d{2}))", Permission::kRecord, false, [this, referral_for, decision_page](Ctx& ctx) {
    const PanelReferral* found = referral_for(ctx);
    if (!found) return;
    PanelReferral x = *found;
    const std::string id(ctx.data->ds.people.id[x.person]);
    std::vector<FieldError> errors;
    const std::string iso = iso_from_parts(ctx.param("panel_date-day"), ctx.param("panel_date-month"), ctx.param("panel_date-year"));
    const auto d = iso.empty() ? std::nullopt : parse_date(iso);
    if (!d) errors.push_back({"panel_date-day", "Enter a real date, with a day, month and 4-digit year"});
    else if (*d < x.referred) errors.push_back({"panel_date-day", "The panel date must be on or after the date of the referral"});
    else if (*d > today()) errors.push_back({"panel_date-day", "The panel date must be today or in the past"});
    const std::string decision = ctx.param("decision");
    const auto di = std::find(kPanelDecisionNames.begin(), kPanelDecisionNames.end(), decision);
    if (di == kPanelDecisionNames.end()) errors.push_back({"decision", "Select the panel's decision"});
    std::string actions = ctx.param("actions");
    while (!actions.empty() && std::isspace(static_cast<unsigned char>(actions.back()))) actions.pop_back();
    if (actions.size() > 2000 || !valid_utf8(actions)) errors.push_back({"actions", "The actions must be 2,000 characters or fewer"});
    if (!errors.empty()) return decision_page(ctx, x, errors, 400);
    x.panel_date = *d;
    x.decision = static_cast<PanelDecision>(di - kPanelDecisionNames.begin() + 1);
    x.actions = actions;
    CoachingRecords one;
    one.referrals.push_back(x);
    {
      std::lock_guard lock(write_mutex);
      import_coaching(*write_db, one, ctx.data->ds, ctx.user().username);
      reload();
    }
    ctx.audit("update", "panel_referral", id, decision + " on " + iso);
    ctx.redirect(fmt::format("/panel?year={}&decided={}", academic_year_of(x.referred), url_encode(id)));
  });

  // The progression report: figures only. A school sees its own referrals' figures.
  auto report_for = [this](Ctx& ctx, int year, bool& provisional) {
    const Date on = today();
    Date when = default_progression_date(year);
    provisional = when > on;
    if (provisional) when = on;
    const std::string school = ctx.user().role == Role::school ? ctx.user().school_id : ctx.param("school").substr(0, 64);
    return panel_report(ctx.data->ds, rules, ctx.data->coaching.referrals, year, when, school);
  };
  route("GET", "/panel/report", Permission::kAggregates, false, [report_for](Ctx& ctx) {
    std::vector<FieldError> errors;
    int year = academic_year_of(ctx.today()) - 1;
    if (!ctx.param("year").empty()) {
      const auto y = parse_year(ctx.param("year"));
      if (y) year = *y;
      else errors.push_back({"year", "Enter the year the referrals were made in as 4 digits, for example 2025 for 2025-26"});
    }
    std::string main = error_summary(errors) + heading("Panel referrals: progression into EET");
    main += "<form method=\"get\" action=\"/panel/report\"><div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-third\">" +
            text_input("year", "Year of referral", errors.empty() ? std::to_string(year) : ctx.param("year").substr(0, 10),
                       "When the pupils were in Year 11, for example 2025 for 2025-26", error_for(errors, "year"), "text",
                       "govuk-input--width-4", "inputmode=\"numeric\"") +
            "</div>";
    if (ctx.user().role != Role::school)
      main += "<div class=\"govuk-grid-column-one-third\">" +
              text_input("school", "School (optional)", ctx.param("school").substr(0, 64), "A school id", "", "text", "govuk-input--width-10") +
              "</div>";
    main += "</div>" + button("Show report", "govuk-button--secondary") + "</form>";
    PageOptions o = ctx.page_options("Panel progression", "/panel");
    o.has_error = !errors.empty();
    if (!errors.empty()) return ctx.html(400, o, main);
    bool provisional = false;
    const PanelReport r = report_for(ctx, year, provisional);
    main += fmt::format("<p class=\"govuk-body\">Pupils referred in {}{} (when they were in Year 11), and whether they were in "
                        "education, employment or training on {}.{}</p>",
                        esc(year_name(year)), r.school.empty() ? "" : " by school " + esc(r.school), esc(date_text(r.progression_date)),
                        provisional ? " Progression is measured on 31 December of Year 12; until then this report uses today, so the "
                                      "figures are provisional."
                                    : "");
    main += fmt::format("<p class=\"govuk-heading-l\" id=\"progression\">{} progressed into EET</p>", pct(r.all.progression_pct()));
    TableSpec t{"Progression by RAG rating", {"RAG rating", "Referred", "Discussed at the panel", "EET", "NEET", "Not known", "Custody", "Progressed into EET"},
                {false, true, true, true, true, true, true, true}, {}};
    const char* labels[] = {"Red", "Amber", "Green"};
    auto row = [&](const std::string& label, const PanelOutcomes& x) {
      t.rows.push_back({label, num(x.referred), num(x.discussed), num(x.eet), num(x.neet), num(x.not_known), num(x.custody), pct(x.progression_pct())});
    };
    for (size_t i = 0; i < 3; ++i) row(labels[i], r.by_rag[i]);
    row("<strong>All</strong>", r.all);
    main += table(t);
    TableSpec d{"Panel decisions", {"Decision", "Pupils"}, {false, true}, {}};
    d.rows.push_back({"Not yet decided", num(r.by_decision[0])});
    for (size_t i = 1; i < r.by_decision.size(); ++i) d.rows.push_back({esc(decision_label(static_cast<PanelDecision>(i))), num(r.by_decision[i])});
    main += table(d);
    main += "<p class=\"govuk-body-s\">A pupil referred more than once in the year counts once, with their latest referral's RAG "
            "rating and decision. Progression: 100 × pupils in EET on the date ÷ pupils referred.</p>";
    ctx.audit("report", "panel_progression", std::to_string(year), r.school);
    o.wide = true;
    ctx.html(200, o, main);
  });
  route("GET", "/api/reports/panel", Permission::kAggregates, true, [report_for](Ctx& ctx) {
    const auto y = parse_year(ctx.param("year"));
    if (!y) return ctx.json_error(400, "year must be YYYY (the referral year's start)");
    bool provisional = false;
    auto j = to_json(report_for(ctx, *y, provisional));
    j["provisional"] = provisional;
    ctx.audit("report", "panel_progression", std::to_string(*y), j["school"].is_null() ? "" : j["school"].get<std::string>());
    ctx.json(200, j);
  });
}

}  // namespace pathways::web
