#include "risk/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "report/render.h"

namespace pathways::risk {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;  // two-sided 95% normal quantile

double ratio(int64_t num, int64_t den) { return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : kNaN; }

// NaN as null, other numbers as they are.
nlohmann::ordered_json number(double v) { return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); }

// A fraction as a percentage cell; empty when undefined.
Cell pct_cell(double v) { return std::isnan(v) ? Cell{} : Cell{v * 100.0}; }
Cell dec_cell(double v) { return std::isnan(v) ? Cell{} : Cell{v}; }

std::string pct_text(double v) { return std::isnan(v) ? "-" : fmt::format("{:.1f}%", v * 100.0); }
std::string dec_text(double v) { return std::isnan(v) ? "-" : fmt::format("{:.2f}", v); }

std::string cut_label(const std::string& cut, int red, int amber) {
  if (cut == "red") return fmt::format("Red (score >= {})", red);
  if (cut == "amber") return fmt::format("Amber or Red (score >= {})", amber);
  return "On the list (Amber, Red or an always-include group)";
}

}  // namespace

RelativeRisk relative_risk(int64_t a, int64_t n1, int64_t c, int64_t n0) {
  RelativeRisk r;
  if (n1 <= 0 || n0 <= 0 || a < 0 || c < 0 || a > n1 || c > n0) {
    r.rr = r.low = r.high = kNaN;
    return r;
  }
  double A = static_cast<double>(a), N1 = static_cast<double>(n1), C = static_cast<double>(c),
         N0 = static_cast<double>(n0);
  if (a == 0 || c == 0) {
    // Haldane-Anscombe: 0.5 added to each cell of the 2x2 table.
    A += 0.5;
    C += 0.5;
    N1 += 1.0;
    N0 += 1.0;
    r.corrected = true;
  }
  r.rr = (A / N1) / (C / N0);
  const double se = std::sqrt(std::max(0.0, 1.0 / A - 1.0 / N1 + 1.0 / C - 1.0 / N0));
  r.low = std::exp(std::log(r.rr) - kZ95 * se);
  r.high = std::exp(std::log(r.rr) + kZ95 * se);
  return r;
}

IndicatorAnalysis analyse_indicators(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                     const CohortOutcomes& cohort) {
  IndicatorAnalysis a;
  a.year11 = cohort.year11;
  a.snapshots = cohort.snapshots;
  a.observed = cohort.observed;
  a.criteria_version = criteria.version;
  a.red = criteria.red;
  a.amber = criteria.amber;
  a.cohort = static_cast<int64_t>(cohort.size());
  a.with_outcome = cohort.with_outcome();
  a.neet = cohort.neet;
  a.left_out_not_known = cohort.not_known;
  a.left_out_not_tracked = cohort.not_tracked;
  a.outcome = fmt::format("NEET in any of the Dec-Feb snapshots of Year 12 ({})", academic_year_name(cohort.year11 + 1));

  const size_t k = criteria.indicators.size();
  std::vector<int64_t> n_with(k, 0), neet_with(k, 0);
  int64_t flagged[3] = {0, 0, 0}, neet_flagged[3] = {0, 0, 0};
  const RowScorer scorer(ds, rules, criteria);
  for (size_t i = 0; i < cohort.size(); ++i) {
    const Outcome o = cohort.outcome[i];
    if (o != Outcome::kNeet && o != Outcome::kNotNeet) continue;
    const bool neet = o == Outcome::kNeet;
    const uint32_t row = cohort.indicator_row[i];
    for (const Fired& f : scorer.conditions(row)) {
      ++n_with[f.criterion];
      if (neet) ++neet_with[f.criterion];
    }
    const PupilScore s = scorer.score(row);
    const bool at[3] = {s.rag == Rag::kRed, s.rag != Rag::kGreen, s.on_list()};
    for (int c = 0; c < 3; ++c)
      if (at[c]) {
        ++flagged[c];
        if (neet) ++neet_flagged[c];
      }
  }

  for (size_t i = 0; i < k; ++i) {
    const Criterion& c = criteria.indicators[i];
    IndicatorStat s;
    s.criterion = static_cast<uint16_t>(i);
    s.id = c.id;
    s.label = c.label;
    s.points = c.points;
    s.n_with = n_with[i];
    s.neet_with = neet_with[i];
    s.n_without = a.with_outcome - n_with[i];
    s.neet_without = a.neet - neet_with[i];
    s.rate_with = ratio(s.neet_with, s.n_with);
    s.rate_without = ratio(s.neet_without, s.n_without);
    s.prevalence = ratio(s.n_with, a.with_outcome);
    s.share_of_neet_flagged = ratio(s.neet_with, a.neet);
    s.rr = relative_risk(s.neet_with, s.n_with, s.neet_without, s.n_without);
    a.indicators.push_back(std::move(s));
  }
  static const char* kCuts[3] = {"red", "amber", "on_list"};
  for (int c = 0; c < 3; ++c)
    a.roni.push_back({kCuts[c], flagged[c], neet_flagged[c], ratio(neet_flagged[c], a.neet), ratio(neet_flagged[c], flagged[c])});

  const std::string y11 = academic_year_name(a.year11), y12 = academic_year_name(a.year11 + 1);
  if (!a.observed) {
    a.summary = fmt::format("The Year 11 cohort of {} has no observed outcome yet: its last Year 12 snapshot is {}.", y11,
                            format_date(a.snapshots[2]));
  } else {
    const CutStat& on = a.roni[2];
    a.summary = fmt::format(
        "{} of {} young people NEET in Year 12 ({}) had been flagged in Year 11 ({}): on the at-risk list (Amber, Red "
        "or an always-include group) under criteria {}; {} of the {} flagged became NEET.",
        on.neet_flagged, a.neet, y12, y11, a.criteria_version, on.neet_flagged, on.flagged);
  }
  return a;
}

IndicatorAnalysis analyse_indicators(const Dataset& ds, const Rules& rules, const Criteria& criteria, int year11,
                                     Date as_of, const ReportScope& scope, unsigned threads) {
  return analyse_indicators(ds, rules, criteria, cohort_outcomes(ds, rules, year11, as_of, scope, threads));
}

nlohmann::ordered_json to_json(const IndicatorAnalysis& a) {
  nlohmann::ordered_json j;
  j["year11"] = academic_year_name(a.year11);
  j["outcome"] = a.outcome;
  j["snapshots"] = nlohmann::ordered_json::array();
  for (Date d : a.snapshots) j["snapshots"].push_back(format_date(d));
  j["observed"] = a.observed;
  j["criteria_version"] = a.criteria_version;
  j["red"] = a.red;
  j["amber"] = a.amber;
  j["cohort"] = a.cohort;
  j["with_outcome"] = a.with_outcome;
  j["neet"] = a.neet;
  j["left_out_not_known"] = a.left_out_not_known;
  j["left_out_not_tracked"] = a.left_out_not_tracked;
  j["indicators"] = nlohmann::ordered_json::array();
  for (const IndicatorStat& s : a.indicators) {
    nlohmann::ordered_json e;
    e["id"] = s.id;
    e["label"] = s.label;
    e["points"] = s.points;
    e["n_with"] = s.n_with;
    e["neet_with"] = s.neet_with;
    e["rate_with"] = number(s.rate_with);
    e["n_without"] = s.n_without;
    e["neet_without"] = s.neet_without;
    e["rate_without"] = number(s.rate_without);
    e["prevalence"] = number(s.prevalence);
    e["relative_risk"] = number(s.rr.rr);
    e["rr_ci_low"] = number(s.rr.low);
    e["rr_ci_high"] = number(s.rr.high);
    e["rr_continuity_corrected"] = s.rr.corrected;
    e["share_of_neet_flagged"] = number(s.share_of_neet_flagged);
    j["indicators"].push_back(std::move(e));
  }
  j["roni"] = nlohmann::ordered_json::array();
  for (const CutStat& c : a.roni) {
    nlohmann::ordered_json e;
    e["cut"] = c.cut;
    e["flagged"] = c.flagged;
    e["neet_flagged"] = c.neet_flagged;
    e["recall"] = number(c.recall);
    e["precision"] = number(c.precision);
    j["roni"].push_back(std::move(e));
  }
  j["summary"] = a.summary;
  return j;
}

std::vector<Table> to_tables(const IndicatorAnalysis& a) {
  const std::string data_date =
      fmt::format("{}, {}, {}", format_date(a.snapshots[0]), format_date(a.snapshots[1]), format_date(a.snapshots[2]));
  Table t;
  t.sheet_name = "Indicators";
  t.title = fmt::format("RONI indicators of the {} Year 11 cohort against its outcome: {}", academic_year_name(a.year11),
                        a.outcome);
  t.data_date = data_date;
  t.add("id", "Indicator id", ColumnKind::kText)
      .add("label", "Indicator", ColumnKind::kText)
      .add("points", "Points", ColumnKind::kCount)
      .add("n_with", "With", ColumnKind::kCount)
      .add("neet_with", "NEET with", ColumnKind::kCount)
      .add("rate_with", "NEET rate with %", ColumnKind::kPercent)
      .add("n_without", "Without", ColumnKind::kCount)
      .add("neet_without", "NEET without", ColumnKind::kCount)
      .add("rate_without", "NEET rate without %", ColumnKind::kPercent)
      .add("prevalence", "Prevalence %", ColumnKind::kPercent)
      .add("relative_risk", "Relative risk", ColumnKind::kDecimal)
      .add("rr_ci_low", "RR 95% CI low", ColumnKind::kDecimal)
      .add("rr_ci_high", "RR 95% CI high", ColumnKind::kDecimal)
      .add("share_of_neet_flagged", "Share of NEETs flagged %", ColumnKind::kPercent);
  for (const IndicatorStat& s : a.indicators)
    t.rows.push_back({s.id, s.label, int64_t{s.points}, s.n_with, s.neet_with, pct_cell(s.rate_with), s.n_without,
                      s.neet_without, pct_cell(s.rate_without), pct_cell(s.prevalence), dec_cell(s.rr.rr),
                      dec_cell(s.rr.low), dec_cell(s.rr.high), pct_cell(s.share_of_neet_flagged)});
  Table r;
  r.sheet_name = "RONI score";
  r.title = fmt::format("RONI score ({}) of the {} Year 11 cohort: {}", a.criteria_version, academic_year_name(a.year11),
                        a.summary);
  r.data_date = data_date;
  r.add("cut", "Cut", ColumnKind::kText)
      .add("label", "Flagged when", ColumnKind::kText)
      .add("cohort", "Cohort", ColumnKind::kCount)
      .add("with_outcome", "With an outcome", ColumnKind::kCount)
      .add("neet", "NEET", ColumnKind::kCount)
      .add("flagged", "Flagged", ColumnKind::kCount)
      .add("neet_flagged", "NEET among flagged", ColumnKind::kCount)
      .add("recall", "Recall %", ColumnKind::kPercent)
      .add("precision", "Precision %", ColumnKind::kPercent);
  for (const CutStat& c : a.roni)
    r.rows.push_back({c.cut, cut_label(c.cut, a.red, a.amber), a.cohort, a.with_outcome, a.neet, c.flagged,
                      c.neet_flagged, pct_cell(c.recall), pct_cell(c.precision)});
  return {t, r};
}

std::string render_table(const IndicatorAnalysis& a) {
  std::string out = fmt::format("RONI indicators: Year 11 cohort {} (criteria {})\n", academic_year_name(a.year11),
                                a.criteria_version);
  out += fmt::format("Outcome: {} ({}, {}, {})\n", a.outcome, format_date(a.snapshots[0]), format_date(a.snapshots[1]),
                     format_date(a.snapshots[2]));
  out += fmt::format("Cohort {}; with an outcome {}; NEET {}; left out: not known on all three dates {}, not tracked "
                     "(moved away, another LA, ...) {}\n\n",
                     a.cohort, a.with_outcome, a.neet, a.left_out_not_known, a.left_out_not_tracked);
  out += fmt::format("{:<44} {:>3} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6} {:>15} {:>8}\n", "Indicator", "pts", "with",
                     "NEET", "rate", "without", "rate", "RR", "95% CI", "of NEET");
  for (const IndicatorStat& s : a.indicators) {
    std::string label = s.label.size() > 44 ? s.label.substr(0, 43) + "~" : s.label;
    const std::string ci = std::isnan(s.rr.rr) ? "-" : fmt::format("{}-{}", dec_text(s.rr.low), dec_text(s.rr.high));
    out += fmt::format("{:<44} {:>3} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6} {:>15} {:>8}\n", label, s.points, s.n_with,
                       s.neet_with, pct_text(s.rate_with), s.n_without, pct_text(s.rate_without),
                       dec_text(s.rr.rr) + (s.rr.corrected ? "*" : ""), ci, pct_text(s.share_of_neet_flagged));
  }
  out += "(* zero cell: 0.5 added to each cell before RR and CI)\n\nRONI score as a whole\n";
  out += fmt::format("{:<52} {:>8} {:>8} {:>8} {:>10}\n", "Flagged when", "flagged", "NEET", "recall", "precision");
  for (const CutStat& c : a.roni)
    out += fmt::format("{:<52} {:>8} {:>8} {:>8} {:>10}\n", cut_label(c.cut, a.red, a.amber), c.flagged, c.neet_flagged,
                       pct_text(c.recall), pct_text(c.precision));
  out += "\n" + a.summary + "\n";
  return out;
}

ScoreSummary summarise(const std::vector<PupilScore>& scores) {
  ScoreSummary s;
  for (const PupilScore& p : scores) {
    ++s.pupils;
    if (p.rag == Rag::kRed) ++s.red;
    else if (p.rag == Rag::kAmber) ++s.amber;
    else ++s.green;
    if (p.on_list()) ++s.on_list;
  }
  return s;
}

std::string fired_source(const Fired& f) {
  return f.academic_year == 0 ? std::string("people.csv") : academic_year_name(f.academic_year);
}

nlohmann::ordered_json to_json(const Dataset& ds, const Criteria& criteria, const PupilScore& s) {
  nlohmann::ordered_json j;
  const People& P = ds.people;
  j["person_id"] = std::string(P.id[s.person]);
  if (s.person < P.given_name.size()) j["given_name"] = std::string(P.given_name[s.person]);
  if (s.person < P.family_name.size()) j["family_name"] = std::string(P.family_name[s.person]);
  j["school_id"] = s.school == kNoIndex ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(std::string(ds.schools[s.school]));
  j["year_group"] = s.year_group;
  j["score"] = s.score;
  j["rag"] = std::string(rag_name(s.rag));
  j["on_list"] = s.on_list();
  j["by_group"] = s.by_group;
  j["fired"] = nlohmann::ordered_json::array();
  for (const Fired& f : s.fired) {
    const Criterion& c = criteria.indicators[f.criterion];
    nlohmann::ordered_json e;
    e["id"] = c.id;
    e["label"] = c.label;
    e["points"] = c.points;
    e["value"] = f.value;
    e["source"] = fired_source(f);
    j["fired"].push_back(std::move(e));
  }
  return j;
}

Table pupils_table(const Dataset& ds, const Criteria& criteria, const std::vector<PupilScore>& scores,
                   int academic_year, const std::string& data_date) {
  const People& P = ds.people;
  const bool names = P.given_name.size() == P.size() && P.size() > 0;
  Table t;
  t.sheet_name = "RONI scores";
  t.title = fmt::format("Risk of NEET Indicators {} (criteria {})", academic_year_name(academic_year), criteria.version);
  t.data_date = data_date;
  t.add("person_id", "Person id", ColumnKind::kText);
  if (names) t.add("given_name", "Given name", ColumnKind::kText).add("family_name", "Family name", ColumnKind::kText);
  t.add("school_id", "School", ColumnKind::kText)
      .add("year_group", "Year group", ColumnKind::kCount)
      .add("score", "Score", ColumnKind::kCount)
      .add("rag", "RAG", ColumnKind::kText)
      .add("on_list", "On the list", ColumnKind::kText)
      .add("by_group", "Always-include group", ColumnKind::kText)
      .add("fired", "Indicators (value, source)", ColumnKind::kText);
  for (const PupilScore& s : scores) {
    std::vector<Cell> row;
    row.emplace_back(std::string(P.id[s.person]));
    if (names) {
      row.emplace_back(std::string(P.given_name[s.person]));
      row.emplace_back(std::string(P.family_name[s.person]));
    }
    row.emplace_back(s.school == kNoIndex ? std::string() : std::string(ds.schools[s.school]));
    row.emplace_back(int64_t{s.year_group});
    row.emplace_back(int64_t{s.score});
    row.emplace_back(std::string(rag_name(s.rag)));
    row.emplace_back(std::string(s.on_list() ? "yes" : "no"));
    row.emplace_back(std::string(s.by_group ? "yes" : "no"));
    std::string fired;
    for (const Fired& f : s.fired) {
      if (!fired.empty()) fired += "; ";
      fired += fmt::format("{}={} ({})", criteria.indicators[f.criterion].id, f.value, fired_source(f));
    }
    row.emplace_back(std::move(fired));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace pathways::risk
