// Early identification pages (risk/register.h): the at-risk registers the LA produces twice a
// year and on demand, each school's list with its moderation (add or remove a pupil with a
// reason, then sign the list off), and the export a school shares once it has moderated.
//
// Who sees what (on top of access.h): the LA's admin and data officers see every school's
// list and may moderate on a school's behalf; a school user sees and moderates only its own
// school's list; managers, coaches and viewers see the registers' counts, never names.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "report/render.h"
#include "risk/analysis.h"
#include "risk/outcome.h"
#include "risk/register.h"
#include "risk/score_store.h"
#include "server/internal.h"
#include "store/store.h"

namespace pathways::web {

namespace {

bool la_staff(const Ctx& ctx) {
  const Role r = ctx.user().role;
  return r == Role::admin || r == Role::data_officer;
}

// True when the user may see (and moderate) the named school's list.
bool may_see_school_list(const Ctx& ctx, const std::string& school) {
  if (la_staff(ctx)) return true;
  return ctx.user().role == Role::school && !school.empty() && ctx.user().school_id == school;
}

std::optional<int64_t> parse_id(const std::string& s) {
  if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), ::isdigit)) return std::nullopt;
  return std::stoll(s);
}

std::string year_label(int y) { return fmt::format("{}-{:02d}", y, (y + 1) % 100); }

std::string rag_tag(const std::string& rag) {
  if (rag == "red") return tag("Red", "govuk-tag--red");
  if (rag == "amber") return tag("Amber", "govuk-tag--orange");
  return tag("Green", "govuk-tag--green");
}

// The fired indicators of an entry as a list in plain words.
std::string indicators_html(const std::string& json_text) {
  const auto fired = nlohmann::json::parse(json_text, nullptr, false);
  if (!fired.is_array() || fired.empty()) return "<span class=\"govuk-hint\">None</span>";
  std::string html = "<ul class=\"govuk-list govuk-!-font-size-16\">";
  for (const auto& f : fired)
    html += fmt::format("<li>{} ({} {}): {} <span class=\"govuk-hint\">{}</span></li>",
                        esc(f.value("label", "")), f.value("points", 0), f.value("points", 0) == 1 ? "point" : "points",
                        esc(f.value("value", "")), esc(f.value("source", "")));
  return html + "</ul>";
}

// The data with indicators, read from the store on its own connection (the loaded data
// the pages share carries no indicators).
Dataset load_with_indicators(Impl& app) {
  auto db = open_db(app.options.db_url);
  LoadReport report;
  LoadOptions lo;
  lo.indicators = true;
  Dataset ds = load_store(*db, app.rules, report, lo);
  if (!report.ok()) throw std::runtime_error("the store's data does not pass validation");
  return ds;
}

// The indicator analysis of the Year 11 cohort of `year11` (0 = the newest with an observed
// outcome) as JSON, cached with the loaded data. Throws std::invalid_argument for a year
// without an observed outcome.
std::string analysis_json(Ctx& ctx, int year11) {
  Impl& app = ctx.app;
  const std::string key = "roni-indicators:" + std::to_string(year11);
  {
    std::lock_guard lock(ctx.data->cache_mutex);
    if (auto it = ctx.data->cache.find(key); it != ctx.data->cache.end()) return it->second;
  }
  const Dataset ds = load_with_indicators(app);
  const Date on = app.today();
  const int year = year11 ? year11 : risk::newest_observed_cohort(ds, on);
  const auto cohorts = risk::year11_cohorts(ds);
  if (year == 0 || std::find(cohorts.begin(), cohorts.end(), year) == cohorts.end())
    throw std::invalid_argument("no Year 11 cohort with an observed outcome");
  const auto a = risk::analyse_indicators(ds, app.rules, app.roni_criteria, year, on, app.scope);
  if (!a.observed) throw std::invalid_argument("the outcome of that cohort is not yet known");
  nlohmann::ordered_json j = risk::to_json(a);
  nlohmann::ordered_json years = nlohmann::ordered_json::array();
  // Cohorts whose February snapshot of Year 12 has passed, leaving out fragments (a history
  // that starts part-way through a cohort's Years 9-11 gives a handful of Year 11 rows).
  std::map<int, int64_t> members;
  for (size_t r = 0; r < ds.indicators.size(); ++r)
    if (ds.indicators.year_group[r] == 11) ++members[ds.indicators.academic_year[r]];
  int64_t largest = 0;
  for (const auto& [y, n] : members) largest = std::max(largest, n);
  for (int y : cohorts)
    if (month_end(y + 2, 2) <= on && members[y] * 10 >= largest) years.push_back(y);
  j["observed_cohorts"] = years;
  std::string text = j.dump();
  std::lock_guard lock(ctx.data->cache_mutex);
  return ctx.data->cache.emplace(key, std::move(text)).first->second;
}

std::string fraction_pct(const nlohmann::json& v) {
  return v.is_number() ? pct(100.0 * v.get<double>()) : "-";
}

std::string ratio(const nlohmann::json& v) {
  return v.is_number() ? fmt::format("{:.2f}", v.get<double>()) : "-";
}

const char* kSafeguard =
    "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
    "<strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning</span>"
    "A score is a prompt for a conversation, not a decision. It never decides who gets support. School staff "
    "check every list against what they know before it is shared.</strong></div>";

}  // namespace

std::string risk_section(Ctx& ctx, uint32_t p) {
  const std::string id(ctx.data->ds.people.id[p]);
  auto db = open_db(ctx.app.options.db_url);
  const auto entry = risk::latest_entry_of(*db, id);
  const auto scores = risk::scores_of(*db, id);
  if (!entry && scores.empty()) return "";
  std::string html = "<h2 class=\"govuk-heading-m\">Early identification</h2>";
  html += kSafeguard;
  if (entry) {
    const auto& e = entry->entry;
    std::string decision = e.added_by_school ? "Added by the school: " + esc(e.reason)
                           : !e.listed        ? "Removed by the school: " + esc(e.reason)
                           : e.by_group       ? "Listed (always-included group)"
                                              : "Listed by score";
    html += summary_list({{"At-risk register", fmt::format("Register {} ({}), data as of {}", entry->info.id,
                                                           year_label(entry->info.academic_year), esc(long_date(entry->info.data_date)))},
                          {"RONI score", e.added_by_school ? "Not listed by score" : std::to_string(e.score) + " " + rag_tag(e.rag)},
                          {"Indicators", indicators_html(e.indicators)},
                          {"Moderation", decision}});
  }
  if (!scores.empty()) {
    const auto& s = scores.front();
    std::string factors = "<ul class=\"govuk-list\">";
    const auto j = nlohmann::json::parse(s.factors, nullptr, false);
    if (j.is_array())
      for (const auto& f : j)
        factors += "<li>" + esc(f.value("text", "")) + (f.value("contribution", 0.0) >= 0 ? " (raises the score)" : " (lowers the score)") + "</li>";
    factors += "</ul>";
    html += summary_list({{"Learned model", fmt::format("{:.0f}% estimated chance of NEET in Year 12; rank {} in the year group",
                                                        100.0 * s.probability, num(s.rank))},
                          {"Main factors", factors},
                          {"Scored", esc(fmt::format("{} by {}, data as of {}, model {}", s.scored_at, s.scored_by,
                                                     long_date(s.data_date), s.model_version.substr(0, 12)))}});
  }
  return html;
}

void Impl::freeze_due_register() {
  const Date now = today();
  Date last = now - 366;
  for (const auto& r : risk::list_registers(*write_db))
    if (r.kind == "scheduled") {
      if (auto d = parse_date(r.data_date); d && *d > last) last = *d;
    }
  const auto due = risk::due_register_dates(roni_criteria, last, now);
  if (due.empty()) return;
  const Date when = due.back();
  Dataset ds = load_with_indicators(*this);
  try {
    const int64_t id = risk::freeze_register(*write_db, ds, rules, roni_criteria, roni_criteria_text,
                                             academic_year_of(when), when, "scheduled", "system");
    AuditEntry e;
    e.username = "system";
    e.role = "system";
    e.action = "create";
    e.record_type = "roni_register";
    e.record_id = std::to_string(id);
    e.remote = "server";
    e.detail = "scheduled register of " + format_date(when);
    audit_log->record(std::move(e));
  } catch (const risk::RegisterError&) {
    // No pupils with indicators for that year (for example an empty store): nothing to list.
  }
}

void Impl::register_risk_pages() {
  // --- Overview: the registers ---------------------------------------------------------
  route("GET", "/risk", Permission::kAggregates, false, [this](Ctx& ctx) {
    {
      std::lock_guard lock(write_mutex);
      freeze_due_register();
    }
    auto db = open_db(options.db_url);
    const auto registers = risk::list_registers(*db);
    if (ctx.user().role == Role::school && !registers.empty())
      return ctx.redirect(fmt::format("/risk/registers/{}/schools/{}", registers.front().id, url_encode(ctx.user().school_id)));
    std::string main = heading("Early identification", "Risk of NEET indicators");
    main += "<p class=\"govuk-body\">The at-risk register lists the pupils in Years " +
            fmt::format("{}-{}", roni_criteria.year_groups.front(), roni_criteria.year_groups.back()) +
            " whose Risk of NEET Indicators (RONI) score is Amber or Red, and everyone in a group that is always "
            "included. Registers are produced on " + esc(fmt::format("{}", fmt::join(roni_criteria.register_dates, " and "))) +
            " (month-day) each year and whenever the LA asks for one. Each school moderates its own list.</p>";
    main += kSafeguard;
    main += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/risk/indicators\">Which indicators predict NEET locally</a></p>";
    if (la_staff(ctx)) {
      main += form_open(ctx, "/risk/registers") +
              button("Produce a register now", "govuk-button--secondary") + "</form>";
    }
    if (registers.empty()) {
      main += "<p class=\"govuk-body\">No register has been produced yet.</p>";
    } else {
      TableSpec t{"Registers", {"Register", "Academic year", "Data as of", "Produced", "Criteria", "Pupils listed"},
                  {false, false, false, false, false, true}, {}};
      for (const auto& r : registers)
        t.rows.push_back({fmt::format("<a class=\"govuk-link\" href=\"/risk/registers/{}\">Register {}</a>", r.id, r.id),
                          year_label(r.academic_year), esc(long_date(r.data_date)),
                          esc(r.kind == "scheduled" ? "Scheduled" : "On request by " + r.created_by),
                          esc(r.criteria_version), num(r.entries)});
      main += table(t);
    }
    ctx.html(200, ctx.page_options("Early identification", "/risk"), main);
  });

  // --- Which indicators matter ----------------------------------------------------------
  auto year_param = [](const Ctx& ctx) {
    const std::string y = ctx.param("year");
    return y.size() == 4 && std::all_of(y.begin(), y.end(), ::isdigit) ? std::stoi(y) : 0;
  };
  route("GET", "/api/risk/indicators", Permission::kAggregates, true, [year_param](Ctx& ctx) {
    try {
      const std::string body = analysis_json(ctx, year_param(ctx));
      ctx.res.set_header("Cache-Control", "no-store");
      ctx.res.set_content(body, "application/json");
    } catch (const std::invalid_argument& e) {
      ctx.json_error(404, e.what());
    }
  });
  route("GET", "/risk/indicators", Permission::kAggregates, false, [year_param](Ctx& ctx) {
    PageOptions o = ctx.page_options("Which indicators predict NEET", "/risk");
    o.back_href = "/risk";
    o.wide = true;
    nlohmann::json a;
    try {
      a = nlohmann::json::parse(analysis_json(ctx, year_param(ctx)));
    } catch (const std::invalid_argument& e) {
      return ctx.html(404, o, heading("Which indicators predict NEET") +
                                  "<p class=\"govuk-body\">There is no Year 11 cohort with a known Year 12 outcome for that year.</p>");
    }
    const int year = std::stoi(a.value("year11", "0000").substr(0, 4));
    std::string main = heading("Which indicators predict NEET", "Early identification");
    std::vector<std::pair<std::string, std::string>> years;
    for (const auto& y : a["observed_cohorts"]) years.push_back({std::to_string(y.get<int>()), "Year 11 in " + year_label(y.get<int>())});
    main += "<form method=\"get\" action=\"/risk/indicators\" class=\"app-filter\">" +
            select("year", "Cohort", years, std::to_string(year)) + button("Show", "govuk-button--secondary") + "</form>";
    main += inset("<p class=\"govuk-body\"><strong>" + esc(a.value("summary", "")) + "</strong></p>");
    main += summary_list({{"Outcome", esc(a.value("outcome", ""))},
                          {"Year 11 cohort", num(a.value("cohort", 0))},
                          {"With a known outcome", num(a.value("with_outcome", 0))},
                          {"NEET", num(a.value("neet", 0))},
                          {"Left out: not known on all three dates", num(a.value("left_out_not_known", 0))},
                          {"Left out: moved away or outside the LA", num(a.value("left_out_not_tracked", 0))},
                          {"Criteria", esc(a.value("criteria_version", ""))}});
    main += "<h2 class=\"govuk-heading-m\">The RONI score as a whole</h2>";
    TableSpec cuts{"The RONI score at its cut-offs", {"List", "Pupils flagged", "Later NEET among them", "Share of later NEETs found (recall)", "Share of flagged later NEET (precision)"},
                   {false, true, true, true, true}, {}};
    for (const auto& c : a["roni"]) {
      const std::string cut = c.value("cut", "");
      cuts.rows.push_back({cut == "red" ? "Red only" : cut == "amber" ? "Amber or Red" : "On the list (Amber, Red or an always-included group)",
                           num(c.value("flagged", 0)), num(c.value("neet_flagged", 0)), fraction_pct(c["recall"]), fraction_pct(c["precision"])});
    }
    main += table(cuts);
    main += "<h2 class=\"govuk-heading-m\">Each indicator</h2>"
            "<p class=\"govuk-body\">Relative risk is the NEET rate of pupils with the indicator divided by the rate of those "
            "without. An interval that includes 1 means the cohort is too small to tell.</p>";
    main += "<div class=\"app-chart\"><canvas id=\"rr-chart\" role=\"img\" aria-label=\"Relative risk of NEET for each indicator, "
            "with its 95% confidence interval. The same figures are in the table below.\" data-year=\"" + std::to_string(year) + "\"></canvas></div>";
    TableSpec t{"Indicators in Year 11 and NEET in Year 12",
                {"Indicator", "Points", "Pupils with it", "Prevalence", "NEET rate with", "NEET rate without", "Relative risk", "95% interval", "Share of later NEETs flagged"},
                {false, true, true, true, true, true, true, false, true}, {}};
    for (const auto& i : a["indicators"])
      t.rows.push_back({esc(i.value("label", "")), std::to_string(i.value("points", 0)), num(i.value("n_with", 0)), fraction_pct(i["prevalence"]),
                        fraction_pct(i["rate_with"]), fraction_pct(i["rate_without"]), ratio(i["relative_risk"]),
                        ratio(i["rr_ci_low"]) + " to " + ratio(i["rr_ci_high"]), fraction_pct(i["share_of_neet_flagged"])});
    main += table(t);
    o.scripts.push_back("risk.js");
    ctx.html(200, o, main);
  });

  route("POST", "/risk/registers", Permission::kUpload, false, [this](Ctx& ctx) {
    int64_t id = 0;
    {
      std::lock_guard lock(write_mutex);
      Dataset ds = load_with_indicators(*this);
      const Date now = today();
      try {
        id = risk::freeze_register(*write_db, ds, rules, roni_criteria, roni_criteria_text, academic_year_of(now), now,
                                   "on_demand", ctx.user().username);
      } catch (const risk::RegisterError& e) {
        return ctx.html(422, ctx.page_options("Early identification", "/risk"),
                        heading("Early identification") + notification("The register was not produced", esc(e.what()), false));
      }
    }
    ctx.audit("create", "roni_register", std::to_string(id), "on request");
    ctx.redirect(fmt::format("/risk/registers/{}", id));
  });

  // --- One register: counts by school --------------------------------------------------
  route("GET", R"(/risk/registers/(\d+))", Permission::kAggregates, false, [this](Ctx& ctx) {
    const auto id = parse_id(ctx.req.matches[1]);
    auto db = open_db(options.db_url);
    const auto info = id ? risk::find_register(*db, *id) : std::nullopt;
    if (!info) return ctx.not_found();
    if (ctx.user().role == Role::school)
      return ctx.redirect(fmt::format("/risk/registers/{}/schools/{}", *id, url_encode(ctx.user().school_id)));
    const auto view = risk::view_register(*db, *id);
    struct Row {
      int64_t listed = 0, red = 0, amber = 0, groups = 0, added = 0, removed = 0;
    };
    std::map<std::string, Row> by_school;
    for (const auto& e : view.entries) {
      Row& r = by_school[e.school_id];
      if (e.added_by_school) ++r.added;
      else if (!e.listed) ++r.removed;
      if (!e.listed) continue;
      ++r.listed;
      if (e.rag == "red") ++r.red;
      else if (e.rag == "amber") ++r.amber;
      else if (e.by_group) ++r.groups;
    }
    ctx.audit("read", "roni_register", std::to_string(*id), "counts by school");
    std::string main = heading(fmt::format("Register {}", *id), "Early identification");
    main += summary_list({{"Academic year", year_label(info->academic_year)},
                          {"Data as of", esc(long_date(info->data_date))},
                          {"Produced", esc(info->created_at + (info->kind == "scheduled" ? " (scheduled)" : " by " + info->created_by))},
                          {"Criteria", esc(info->criteria_version)}});
    main += kSafeguard;
    TableSpec t{"Lists by school",
                {"School", "Listed", "Red", "Amber", "Group only", "Added by school", "Removed by school", "Moderation"},
                {false, true, true, true, true, true, true, false}, {}};
    for (const auto& [school, r] : by_school) {
      const std::string name = school.empty() ? "No school recorded" : school;
      t.rows.push_back({la_staff(ctx) ? fmt::format("<a class=\"govuk-link\" href=\"/risk/registers/{}/schools/{}\">{}</a>", *id,
                                                    url_encode(school), esc(name))
                                      : esc(name),
                        num(r.listed), num(r.red), num(r.amber), num(r.groups), num(r.added), num(r.removed),
                        view.signed_off(school) ? tag("Signed off", "govuk-tag--green") : tag("Not yet moderated", "govuk-tag--grey")});
    }
    main += table(t);
    PageOptions o = ctx.page_options(fmt::format("Register {}", *id), "/risk");
    o.back_href = "/risk";
    o.wide = true;
    ctx.html(200, o, main);
  });

  // --- A school's list ------------------------------------------------------------------
  auto school_page = [this](Ctx& ctx, int64_t id, const std::string& school, const std::vector<FieldError>& errors,
                            const std::string& done) {
    auto db = open_db(options.db_url);
    const auto view = risk::view_register(*db, id, school);
    const Dataset& ds = ctx.data->ds;
    std::string ids;
    for (const auto& e : view.entries) ids += (ids.empty() ? "" : " ") + e.person_id;
    ctx.audit("read", "roni_register", fmt::format("{}/{}", id, school), ids);
    const bool signed_off = view.signed_off(school);
    std::string main;
    if (!errors.empty()) main += error_summary(errors);
    if (!done.empty()) main += notification("Saved", esc(done), true);
    main += heading(school.empty() ? "Pupils with no school recorded" : "At-risk list: " + school,
                    fmt::format("Register {} ({}), data as of {}", id, year_label(view.info.academic_year),
                                long_date(view.info.data_date)));
    main += kSafeguard;
    if (signed_off) {
      const auto& s = *std::find_if(view.signoffs.begin(), view.signoffs.end(), [&](const auto& x) { return x.school_id == school; });
      main += inset(fmt::format("This list was moderated and signed off by {} on {}. It can now be shared: "
                                "<a class=\"govuk-link\" href=\"/risk/registers/{}/schools/{}/list.csv\">download the list (CSV)</a>.",
                                esc(s.by), esc(s.at), id, url_encode(school)));
    } else {
      main += inset("Check each pupil against what the school knows. Remove a pupil who should not be on the list, or "
                    "add one the score missed, giving your reason. When the list is right, sign it off: only then can it "
                    "be downloaded and shared.");
    }
    int64_t listed = 0;
    TableSpec t{"Pupils", {"Pupil", "Year", "Score", "RAG", "Indicators", "Moderation"}, {false, true, true, false, false, false}, {}};
    std::vector<std::pair<std::string, std::string>> removable;
    for (const auto& e : view.entries) {
      const uint32_t p = ds.find_person(e.person_id);
      const std::string who = p == kNoIndex ? esc(e.person_id) : person_link(ds, p);
      std::string status;
      if (e.added_by_school) status = tag("Added by school", "govuk-tag--blue") + "<p class=\"govuk-body-s\">" + esc(e.reason) + "</p>";
      else if (!e.listed) status = tag("Removed", "govuk-tag--grey") + "<p class=\"govuk-body-s\">" + esc(e.reason) + "</p>";
      else status = e.by_group ? "Always included (group)" : "Listed by score";
      if (e.listed) {
        ++listed;
        if (p != kNoIndex)
          removable.push_back({e.person_id, fmt::format("{} {} ({})", ds.people.given_name[p], ds.people.family_name[p], e.person_id)});
      }
      t.rows.push_back({who, e.year_group ? std::to_string(e.year_group) : "", std::to_string(e.score),
                        e.added_by_school ? "" : rag_tag(e.rag), indicators_html(e.indicators), status});
    }
    main += fmt::format("<p class=\"govuk-body\">{} pupils on the list.</p>", num(listed));
    main += table(t);
    if (!signed_off) {
      const std::string base = fmt::format("/risk/registers/{}/schools/{}", id, url_encode(school));
      // Remove a pupil.
      main += "<h2 class=\"govuk-heading-m\">Remove a pupil from the list</h2>" + form_open(ctx, base + "/moderations") +
              hidden("action", "remove") +
              select("remove-person", "Pupil", removable, ctx.param("action") == "remove" ? ctx.param("person_id") : "", "",
                     error_for(errors, "remove-person")) +
              "<div class=\"govuk-form-group" + std::string(error_for(errors, "remove-reason").empty() ? "" : " govuk-form-group--error") +
              "\"><label class=\"govuk-label\" for=\"remove-reason\">Why should this pupil not be on the list?</label>" +
              (error_for(errors, "remove-reason").empty() ? "" : "<p id=\"remove-reason-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> " + esc(error_for(errors, "remove-reason")) + "</p>") +
              "<textarea class=\"govuk-textarea\" id=\"remove-reason\" name=\"reason\" rows=\"3\"></textarea></div>" +
              button("Remove from the list", "govuk-button--warning") + "</form>";
      // Add a pupil of the school not on the list.
      std::vector<std::pair<std::string, std::string>> addable;
      {
        std::set<std::string> on;
        for (const auto& e : view.entries)
          if (e.listed) on.insert(e.person_id);
        for (uint32_t p = 0; p < ds.people.size(); ++p) {
          if (ds.people.school[p] == kNoIndex || ds.schools[ds.people.school[p]] != school) continue;
          const int age = academic_age_in_year(ds.people.date_of_birth[p], view.info.academic_year);
          if (age < 12 || age > 15) continue;  // Years 8-11
          const std::string pid(ds.people.id[p]);
          if (on.count(pid)) continue;
          addable.push_back({pid, fmt::format("{} {} ({}, Year {})", ds.people.given_name[p], ds.people.family_name[p], pid, age - 4)});
        }
      }
      main += "<h2 class=\"govuk-heading-m\">Add a pupil the score missed</h2>" + form_open(ctx, base + "/moderations") +
              hidden("action", "add") +
              select("add-person", "Pupil", addable, ctx.param("action") == "add" ? ctx.param("person_id") : "", "",
                     error_for(errors, "add-person")) +
              "<div class=\"govuk-form-group" + std::string(error_for(errors, "add-reason").empty() ? "" : " govuk-form-group--error") +
              "\"><label class=\"govuk-label\" for=\"add-reason\">What does the school know that puts this pupil at risk?</label>" +
              (error_for(errors, "add-reason").empty() ? "" : "<p id=\"add-reason-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> " + esc(error_for(errors, "add-reason")) + "</p>") +
              "<textarea class=\"govuk-textarea\" id=\"add-reason\" name=\"reason\" rows=\"3\"></textarea></div>" +
              button("Add to the list", "govuk-button--secondary") + "</form>";
      main += "<h2 class=\"govuk-heading-m\">Sign off the list</h2><p class=\"govuk-body\">Sign off when every pupil has been "
              "checked. The list can then be downloaded and shared, and no further changes can be made to it.</p>" +
              form_open(ctx, base + "/signoff") + button("Sign off this list") + "</form>";
    }
    if (!view.moderations.empty()) {
      TableSpec h{"Moderation history", {"When", "Who", "Pupil", "Decision", "Reason"}, {false, false, false, false, false}, {}};
      for (const auto& m : view.moderations)
        h.rows.push_back({esc(m.at), esc(m.by), esc(m.person_id), m.action == "add" ? "Added" : "Removed", esc(m.reason)});
      main += table(h);
    }
    PageOptions o = ctx.page_options(school.empty() ? "At-risk list" : "At-risk list: " + school, "/risk");
    o.back_href = ctx.user().role == Role::school ? "/" : fmt::format("/risk/registers/{}", id);
    o.wide = true;
    o.has_error = !errors.empty();
    ctx.html(errors.empty() ? 200 : 422, o, main);
  };

  auto resolve = [this](Ctx& ctx) -> std::optional<std::pair<int64_t, std::string>> {
    const auto id = parse_id(ctx.req.matches[1]);
    const std::string school = ctx.req.matches[2];
    if (!id || !may_see_school_list(ctx, school)) {
      ctx.not_found();
      return std::nullopt;
    }
    auto db = open_db(options.db_url);
    if (!risk::find_register(*db, *id)) {
      ctx.not_found();
      return std::nullopt;
    }
    return std::make_pair(*id, school);
  };

  route("GET", R"(/risk/registers/(\d+)/schools/([^/]*))", Permission::kPeople, false, [resolve, school_page](Ctx& ctx) {
    const auto r = resolve(ctx);
    if (!r) return;
    school_page(ctx, r->first, r->second, {}, ctx.param("saved") == "1" ? "Your decision has been recorded." : ctx.param("saved") == "signed" ? "The list has been signed off." : "");
  });

  route("POST", R"(/risk/registers/(\d+)/schools/([^/]*)/moderations)", Permission::kRecord, false,
        [this, resolve, school_page](Ctx& ctx) {
          const auto r = resolve(ctx);
          if (!r) return;
          const std::string action = ctx.param("action");
          const std::string field = action == "add" ? "add" : "remove";
          const std::string person = ctx.param(field + "-person");
          const std::string reason = ctx.param("reason");
          std::vector<FieldError> errors;
          if (person.empty()) errors.push_back({field + "-person", "Select a pupil"});
          {
            std::string t = reason;
            t.erase(0, t.find_first_not_of(" \t\r\n"));
            if (t.size() < 10) errors.push_back({field + "-reason", "Enter the reason for the decision (at least 10 characters)"});
          }
          if (errors.empty()) {
            try {
              std::lock_guard lock(write_mutex);
              // Only an addition needs the indicators (to check the pupil's school that year).
              Dataset with_indicators;
              const Dataset* ds = &ctx.data->ds;
              if (action == "add") ds = &(with_indicators = load_with_indicators(*this));
              risk::moderate(*write_db, *ds, r->first, person, r->second, action, reason, ctx.user().username);
            } catch (const risk::RegisterError& e) {
              errors.push_back({field + "-person", e.what()});
            }
          }
          if (!errors.empty()) return school_page(ctx, r->first, r->second, errors, "");
          ctx.audit("moderate", "person", person,
                    fmt::format("register {} school {}: {}: {}", r->first, r->second, action, reason.substr(0, 500)));
          ctx.redirect(fmt::format("/risk/registers/{}/schools/{}?saved=1", r->first, url_encode(r->second)));
        });

  route("POST", R"(/risk/registers/(\d+)/schools/([^/]*)/signoff)", Permission::kRecord, false, [this, resolve, school_page](Ctx& ctx) {
    const auto r = resolve(ctx);
    if (!r) return;
    try {
      std::lock_guard lock(write_mutex);
      risk::sign_off(*write_db, r->first, r->second, ctx.user().username);
    } catch (const risk::RegisterError& e) {
      return school_page(ctx, r->first, r->second, {{"remove-person", e.what()}}, "");
    }
    ctx.audit("sign_off", "roni_register", fmt::format("{}/{}", r->first, r->second));
    ctx.redirect(fmt::format("/risk/registers/{}/schools/{}?saved=signed", r->first, url_encode(r->second)));
  });

  // The export a school shares: only once the list has been moderated and signed off.
  route("GET", R"(/risk/registers/(\d+)/schools/([^/]*)/list.csv)", Permission::kPeople, false, [this, resolve](Ctx& ctx) {
    const auto r = resolve(ctx);
    if (!r) return;
    auto db = open_db(options.db_url);
    const auto view = risk::view_register(*db, r->first, r->second);
    if (!view.signed_off(r->second))
      return ctx.html(409, ctx.page_options("The list has not been moderated", "/risk"),
                      heading("The list has not been moderated") +
                          "<p class=\"govuk-body\">A list can be downloaded only after the school has checked it and signed it off.</p>");
    const std::string csv = risk::register_csv(view, ctx.data->ds);
    std::string ids;
    for (const auto& e : view.entries) ids += (ids.empty() ? "" : " ") + e.person_id;
    ctx.audit("export", "roni_register", fmt::format("{}/{}", r->first, r->second), ids);
    ctx.res.set_header("Content-Disposition",
                       fmt::format("attachment; filename=\"at-risk-register-{}-{}.csv\"", r->first, r->second));
    ctx.res.set_header("Cache-Control", "no-store");
    ctx.res.set_content(csv, "text/csv; charset=utf-8");
  });
}

}  // namespace pathways::web
