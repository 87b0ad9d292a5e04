#include "coaching/monthly.h"

#include <optional>

#include <fmt/format.h>

#include "engine/status.h"

namespace pathways {

namespace {

constexpr uint8_t kOutside = 0, kYear11 = 1, kYear12 = 2;

size_t eet_type_index(std::string_view type) {
  for (size_t i = 0; i < kEetTypeNames.size(); ++i)
    if (kEetTypeNames[i] == type) return i;
  return kEetTypeNames.size() - 1;  // other
}

size_t neet_reason_index(const Rules& rules, const ActivityCode& code, NeetReason recorded) {
  if (recorded != NeetReason::kNone) return static_cast<size_t>(recorded) - 1;
  const std::string name = rules.default_neet_reason(code.legacy ? code.maps_to : code.code);
  for (size_t i = 0; i < kNeetReasonNames.size(); ++i)
    if (kNeetReasonNames[i] == name) return i;
  return 2;  // supported
}

// One figure of a panel, in the order of the JSON contract (and of seed 000's layout).
struct Figure {
  std::string section;  // heading in the text table
  std::string measure;  // JSON path: "caseload" or "sessions_completed_pct.1"
  std::string label;    // seed 000's wording
  int64_t count = 0;
  std::optional<double> pct;  // percent measures: the share; count = people with it
};

constexpr const char* kSessionNames[7] = {"Initial Action Plan",
                                          "Detailed Action Plan",
                                          "Post 16/career work experience",
                                          "Group session based on key themes",
                                          "Review progress against action plan/goals",
                                          "Post 16/career work experience",
                                          "End of Term Review"};
constexpr const char* kAssessmentLabels[3] = {"RONI", "PASS", "NEET assessment tool"};
constexpr const char* kNeetReasonLabels[5] = {"enrolled in college/awaiting start date", "applied to college/other EET",
                                              "currently being supported towards EET", "not ready",
                                              "unwilling to engage"};
constexpr const char* kEetTypeLabels[7] = {"FT education",
                                           "PT education",
                                           "apprenticeship",
                                           "employment with training",
                                           "employment without training",
                                           "training",
                                           "other EET"};
constexpr const char* kLeftLabels[5] = {"positively moved to EET", "positively moved to other support", "left area",
                                        "disengaged", "left for other reasons"};

std::vector<Figure> figures(const ActivityPanel& p, bool year12) {
  std::vector<Figure> f;
  auto add = [&](const char* section, std::string measure, std::string label, int64_t count,
                 std::optional<double> pct = std::nullopt) {
    f.push_back({section, std::move(measure), std::move(label), count, pct});
  };
  add("Caseload", "caseload", "Number on caseload in month", p.caseload);
  add("Caseload", "joined", "Joined caseload in month", p.joined);
  add("Caseload", "left", "Left caseload in month", p.left);
  add("Engagement", "engaged", "No. pupils engaged in month", p.engaged);
  add("Engagement", "professional_contacts", "No. professional contacts with post-16 in month",
      p.professional_contacts);
  if (!year12) {
    for (int n = 0; n < 7; ++n)
      add("Sessions", fmt::format("sessions_completed_pct.{}", n + 1),
          fmt::format("% completed Session {} ({}) to date", n + 1, kSessionNames[n]), p.sessions_completed[n],
          p.pct(p.sessions_completed[n]));
    for (size_t a = 0; a < 3; ++a)
      add("Assessments", fmt::format("assessments_completed_pct.{}", kAssessmentNames[a]),
          fmt::format("% completed {} to date", kAssessmentLabels[a]), p.assessments_completed[a],
          p.pct(p.assessments_completed[a]));
    return f;
  }
  add("EET status", "eet", "No. EET in month", p.eet);
  for (size_t i = 0; i < 5; ++i)
    add("EET status", fmt::format("neet_by_reason.{}", kNeetReasonNames[i]),
        fmt::format("No. NEET ({}) in month", kNeetReasonLabels[i]), p.neet_by_reason[i]);
  add("EET status", "unknown", "No. Unknown in month", p.unknown);
  for (size_t i = 0; i < 7; ++i)
    add("Type of EET", fmt::format("eet_by_type.{}", kEetTypeNames[i]), fmt::format("No. in {} in month", kEetTypeLabels[i]),
        p.eet_by_type[i]);
  for (size_t i = 0; i < 5; ++i)
    add("Left caseload", fmt::format("left_by_reason.{}", kLeaveReasonNames[i]), fmt::format("No. {}", kLeftLabels[i]),
        p.left_by_reason[i]);
  return f;
}

std::string month_name(const MonthlyActivityReport& r) { return fmt::format("{:04}-{:02}", r.year, r.month); }

std::string filter_text(const std::string& value) { return value.empty() ? "all" : value; }

nlohmann::ordered_json panel_json(const ActivityPanel& p, bool year12) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Figure& f : figures(p, year12)) {
    const size_t dot = f.measure.find('.');
    nlohmann::ordered_json value = f.pct ? nlohmann::ordered_json(*f.pct) : nlohmann::ordered_json(f.count);
    if (dot == std::string::npos) j[f.measure] = std::move(value);
    else j[f.measure.substr(0, dot)][f.measure.substr(dot + 1)] = std::move(value);
  }
  return j;
}

}  // namespace

MonthlyActivityReport monthly_activity_report(const Dataset& ds, const Rules& rules, const CoachingRecords& records,
                                              int year, int month, const MonthlyActivityFilter& filter) {
  MonthlyActivityReport r;
  r.year = year;
  r.month = month;
  r.first_day = make_date(year, month, 1);
  r.last_day = month_end(year, month);
  r.filter = filter;
  const Date first = r.first_day, last = r.last_day;
  auto in_month = [&](Date d) { return d != kNoDate && d >= first && d <= last; };

  // The month's caseload: each person's panel (Year 11 or 12 by academic age on the last day).
  std::vector<uint8_t> panel_of(ds.people.size(), kOutside);
  std::vector<uint32_t> people;
  auto panel = [&](uint8_t which) -> ActivityPanel& { return which == kYear11 ? r.year11 : r.year12; };
  for (const CaseloadEpisode& e : records.caseload) {
    if (!filter.coach.empty() && e.coach_id != filter.coach) continue;
    if (!filter.school.empty() && e.school_id != filter.school) continue;
    if (!e.overlaps(first, last)) continue;
    const int age = academic_age(ds.people.date_of_birth[e.person], last);
    const uint8_t which = age == 15 ? kYear11 : age == 16 ? kYear12 : kOutside;
    if (which == kOutside) continue;
    if (panel_of[e.person] == kOutside) {
      panel_of[e.person] = which;
      people.push_back(e.person);
    }
    ActivityPanel& p = panel(which);
    if (in_month(e.joined)) ++p.joined;
    if (in_month(e.left)) {
      ++p.left;
      const size_t reason = e.leave_reason == LeaveReason::kNone ? 4 : static_cast<size_t>(e.leave_reason) - 1;
      ++p.left_by_reason[reason];
    }
  }

  // Status on the last day.
  for (const uint32_t person : people) {
    ActivityPanel& p = panel(panel_of[person]);
    ++p.caseload;
    const Status s = status_on(ds, rules, person, last);
    if (!s.known()) {
      ++p.unknown;
      continue;
    }
    const uint16_t ci = ds.activities.code[s.activity];
    switch (rules.category_of(ci)) {
      case Category::kEet:
        ++p.eet;
        ++p.eet_by_type[eet_type_index(rules.code(ci).eet_type)];
        break;
      case Category::kNeet:
        ++p.neet_by_reason[neet_reason_index(rules, rules.code(ci), ds.activities.neet_reason[s.activity])];
        break;
      case Category::kCustody:
        ++p.custody;
        break;
      case Category::kNotKnown:
      case Category::kPre16:
        ++p.unknown;
        break;
    }
  }

  // Engagement in the month.
  std::vector<uint8_t> engaged(ds.people.size(), 0);
  for (const Contact& c : records.contacts) {
    if (panel_of[c.person] == kOutside || !in_month(c.date)) continue;
    ActivityPanel& p = panel(panel_of[c.person]);
    if (c.with == ContactWith::kYoungPerson) {
      if (!engaged[c.person]) ++p.engaged;
      engaged[c.person] = 1;
    } else if (c.with == ContactWith::kPost16Provider || c.with == ContactWith::kOtherProfessional) {
      ++p.professional_contacts;
    }
  }

  // Sessions and assessments to date (sessions are unique per person and number; the same
  // assessment may be repeated, so count people, not records).
  for (const CoachingSession& s : records.sessions) {
    if (panel_of[s.person] == kOutside || s.date > last) continue;
    ++panel(panel_of[s.person]).sessions_completed[s.number - 1];
  }
  std::vector<uint8_t> assessed(ds.people.size(), 0);  // bit per AssessmentKind
  for (const AssessmentRecord& a : records.assessments) {
    if (panel_of[a.person] == kOutside || a.date > last) continue;
    const uint8_t bit = static_cast<uint8_t>(1u << static_cast<unsigned>(a.kind));
    if (assessed[a.person] & bit) continue;
    assessed[a.person] |= bit;
    ++panel(panel_of[a.person]).assessments_completed[static_cast<size_t>(a.kind)];
  }
  return r;
}

nlohmann::ordered_json to_json(const MonthlyActivityReport& r) {
  nlohmann::ordered_json j;
  j["month"] = month_name(r);
  j["year11"] = panel_json(r.year11, false);
  j["year12"] = panel_json(r.year12, true);
  return j;
}

std::string render_table(const MonthlyActivityReport& r) {
  std::string out = fmt::format("Monthly activity report for {} ({} to {})\n", month_name(r), format_date(r.first_day),
                                format_date(r.last_day));
  out += fmt::format("Engagement coach: {}\nSchool: {}\n",
                     r.filter.coach.empty() ? "All coaches" : r.filter.coach,
                     r.filter.school.empty() ? "All schools" : r.filter.school);
  for (const bool year12 : {false, true}) {
    const ActivityPanel& p = year12 ? r.year12 : r.year11;
    out += fmt::format("\n{}\n", year12 ? "Year 12" : "Year 11");
    std::string section;
    for (const Figure& f : figures(p, year12)) {
      if (f.section != section) {
        section = f.section;
        out += fmt::format("  {}\n", section);
      }
      const std::string value = f.pct ? fmt::format("{:.1f}%", *f.pct) : fmt::format("{}", f.count);
      out += fmt::format("    {:<76} {:>7}\n", f.label + ":", value);
    }
    if (year12 && p.custody)
      out += fmt::format("  (in custody on {}, in none of the EET status figures: {})\n", format_date(r.last_day),
                         p.custody);
  }
  return out;
}

Table long_table(const MonthlyActivityReport& r) {
  Table t;
  t.sheet_name = "Monthly activity";
  t.title = fmt::format("Monthly activity report for {}", month_name(r));
  t.data_date = fmt::format("{} to {}", format_date(r.first_day), format_date(r.last_day));
  t.add("month", "Month", ColumnKind::kText)
      .add("coach", "Engagement coach", ColumnKind::kText)
      .add("school", "School", ColumnKind::kText)
      .add("panel", "Panel", ColumnKind::kText)
      .add("measure", "Measure", ColumnKind::kText)
      .add("label", "Label", ColumnKind::kText)
      .add("count", "Count", ColumnKind::kCount)
      .add("pct", "Completed to date %", ColumnKind::kPercent);
  for (const bool year12 : {false, true}) {
    for (const Figure& f : figures(year12 ? r.year12 : r.year11, year12)) {
      t.rows.push_back({month_name(r), filter_text(r.filter.coach), filter_text(r.filter.school),
                        std::string(year12 ? "year12" : "year11"), f.measure, f.label, f.count,
                        f.pct ? Cell(*f.pct) : Cell()});
    }
  }
  return t;
}

std::vector<Table> to_tables(const MonthlyActivityReport& r) {
  std::vector<Table> tables;
  for (const bool year12 : {false, true}) {
    Table t;
    t.sheet_name = year12 ? "Year 12" : "Year 11";
    t.title = fmt::format("Monthly activity report for {}: {} (engagement coach: {}, school: {})", month_name(r),
                          t.sheet_name, r.filter.coach.empty() ? "all coaches" : r.filter.coach,
                          r.filter.school.empty() ? "all schools" : r.filter.school);
    t.data_date = fmt::format("{} to {}", format_date(r.first_day), format_date(r.last_day));
    t.add("section", "Section", ColumnKind::kText)
        .add("measure", "Measure", ColumnKind::kText)
        .add("label", "Label", ColumnKind::kText)
        .add("count", "Count", ColumnKind::kCount);
    if (!year12) t.add("pct", "Completed to date %", ColumnKind::kPercent);
    for (const Figure& f : figures(year12 ? r.year12 : r.year11, year12)) {
      std::vector<Cell> row = {f.section, f.measure, f.label, f.count};
      if (!year12) row.push_back(f.pct ? Cell(*f.pct) : Cell());
      t.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

}  // namespace pathways
