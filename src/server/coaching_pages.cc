// The coaches' monthly activity report (coaching/monthly.h) as a page laid out like the
// Pathways for All report (Year 11 and Year 12 panels) and as JSON. Figures only, no names.
// A coach sees their own caseload's figures and a school its own; others choose freely.
#include <fmt/format.h>

#include "coaching/monthly.h"
#include "server/internal.h"

namespace pathways::web {

namespace {

// Default session names of the Pathways for All programme (seed 000).
constexpr std::array<const char*, 7> kSessionNames = {
    "Initial action plan",       "Detailed action plan", "Post-16 or career work experience",
    "Group session on key themes", "Review against plan",  "Post-16 or career work experience",
    "End of term review"};

// The filter the user may use: a coach or school user is held to their own.
MonthlyActivityFilter filter_for(const Ctx& ctx) {
  MonthlyActivityFilter f;
  f.coach = ctx.param("coach").substr(0, 64);
  f.school = ctx.param("school").substr(0, 64);
  if (ctx.user().role == Role::coach) f.coach = ctx.user().coach_id;
  if (ctx.user().role == Role::school) f.school = ctx.user().school_id;
  return f;
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

std::string panel_html(const ActivityPanel& p, bool year12) {
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
    sessions.rows.push_back({fmt::format("{}. {}", i + 1, esc(kSessionNames[i])), num(p.sessions_completed[i]),
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

}  // namespace

void Impl::register_coaching_pages() {
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
    if (ctx.user().role != Role::coach)
      main += "<div class=\"govuk-grid-column-one-third\">" +
              text_input("coach", "Coach (optional)", f.coach, "A coach id, for example C03", "", "text", "govuk-input--width-10") + "</div>";
    if (ctx.user().role != Role::school)
      main += "<div class=\"govuk-grid-column-one-third\">" +
              text_input("school", "School (optional)", f.school, "A school id", "", "text", "govuk-input--width-10") + "</div>";
    main += "</div>" + button("Show report", "govuk-button--secondary") + "</form>";
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
              panel_html(r.year11, false) +
              "</div><div class=\"govuk-grid-column-one-half\"><h2 class=\"govuk-heading-m\">Year 12</h2>" +
              panel_html(r.year12, true) + "</div></div>";
      ctx.audit("report", "monthly_activity", month, scope);
    }
    PageOptions o = ctx.page_options("Engagement coaching", "/coaching/monthly");
    o.wide = true;
    o.has_error = !errors.empty();
    ctx.html(errors.empty() ? 200 : 400, o, main);
  });
}

}  // namespace pathways::web
