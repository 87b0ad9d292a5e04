#include "cli/roni_cmd.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "domain/rules.h"
#include "export/xlsx.h"
#include "io/folder.h"
#include "report/render.h"
#include "report/table.h"
#include "risk/analysis.h"
#include "risk/criteria.h"
#include "risk/outcome.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using cli::BadInput;

struct RoniArgs {
  std::string data, db, la, format = "table", out, rules, criteria;
  std::string year, school, as_of;
  int year_group = 0;
};

risk::Criteria load_criteria(const RoniArgs& a) {
  try {
    return risk::Criteria::load(a.criteria);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }
}

int parse_year(const std::string& option, const std::string& v) {
  if (v.size() != 4 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1990 ||
      std::stoi(v) > 2199)
    throw BadInput(fmt::format("{}: '{}' is not the start year of an academic year, e.g. 2024 for 2024-25", option, v));
  return std::stoi(v);
}

// Reads the folder or the store with indicators (and names when asked).
Dataset load_or_fail(const RoniArgs& a, const Rules& rules, bool names) {
  LoadOptions options;
  options.indicators = true;
  options.names = names;
  return cli::load_or_fail(a.data, a.db, rules, options);
}

std::string years_text(const std::vector<int>& years) {
  if (years.empty()) return "none";
  std::string s;
  for (int y : years) s += (s.empty() ? "" : ", ") + academic_year_name(y);
  return s;
}

// ---- roni score --------------------------------------------------------------------------

std::string score_table_text(const Dataset& ds, const risk::Criteria& criteria, std::vector<risk::PupilScore> scores,
                             int year, const std::string& data_date, const risk::ScoreSummary& sum) {
  // Most at risk first: Red, then Amber, then the always-include groups, then by score.
  std::stable_sort(scores.begin(), scores.end(), [](const risk::PupilScore& x, const risk::PupilScore& y) {
    if (x.rag != y.rag) return x.rag > y.rag;
    if (x.by_group != y.by_group) return x.by_group;
    return x.score > y.score;
  });
  std::string out = fmt::format("Risk of NEET Indicators {} (criteria {}; Red >= {}, Amber >= {}); data date {}\n",
                                academic_year_name(year), criteria.version, criteria.red, criteria.amber, data_date);
  out += fmt::format("Pupils {}: Red {}, Amber {}, Green {}; on the list {} (Red, Amber or an always-include group)\n\n",
                     sum.pupils, sum.red, sum.amber, sum.green, sum.on_list);
  const bool names = ds.people.given_name.size() == ds.people.size();
  out += fmt::format("{:<12} {:<28} {:<10} {:>2} {:>5} {:<5} {:<4} {}\n", "Person", "Name", "School", "YG", "Score", "RAG",
                     "List", "Indicators (value, from)");
  for (const auto& s : scores) {
    std::string name = names ? fmt::format("{} {}", ds.people.given_name[s.person], ds.people.family_name[s.person]) : "";
    if (name.size() > 28) name = name.substr(0, 27) + "~";
    std::string fired;
    for (const auto& f : s.fired) {
      if (!fired.empty()) fired += "; ";
      fired += fmt::format("{} ({}, {})", criteria.indicators[f.criterion].label, f.value, risk::fired_source(f));
    }
    out += fmt::format("{:<12} {:<28} {:<10} {:>2} {:>5} {:<5} {:<4} {}\n", ds.people.id[s.person], name,
                       s.school == kNoIndex ? "" : std::string(ds.schools[s.school]), s.year_group, s.score,
                       risk::rag_name(s.rag), s.on_list() ? (s.by_group && s.rag == risk::Rag::kGreen ? "grp" : "yes") : "",
                       fired);
  }
  return out;
}

void run_score(const RoniArgs& a) {
  const int year = parse_year("--year", a.year);
  if (a.format == "xlsx" && a.out.empty()) throw BadInput("--format xlsx needs --out FILE");
  const Rules rules = cli::load_rules(a.rules);
  const risk::Criteria criteria = load_criteria(a);
  const ReportScope scope = cli::parse_la(a.la);
  risk::ScoreFilter filter;
  if (a.year_group != 0) {
    if (std::find(criteria.year_groups.begin(), criteria.year_groups.end(), a.year_group) == criteria.year_groups.end())
      throw BadInput(fmt::format("--year-group: {} is not one of the year groups the criteria {} cover ({})", a.year_group,
                                 criteria.version, fmt::join(criteria.year_groups, ", ")));
    filter.year_group = a.year_group;
  }
  const Dataset ds = load_or_fail(a, rules, /*names=*/true);
  if (!a.school.empty()) {
    const uint32_t s = ds.schools.find(a.school);
    if (s == kNoIndex) throw BadInput(fmt::format("--school: no school '{}' in the data", a.school));
    filter.school = s;
  }
  std::vector<risk::PupilScore> scores = risk::score_year(ds, rules, criteria, year, filter);
  if (scope.la)
    std::erase_if(scores, [&](const risk::PupilScore& s) { return ds.people.la_code[s.person] != *scope.la; });
  if (scores.empty()) {
    std::vector<int> years;
    for (size_t r = 0; r < ds.indicators.size(); ++r) years.push_back(ds.indicators.academic_year[r]);
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());
    std::cerr << fmt::format("warning: no pupils to score in {} (indicators.csv has rows for: {})\n",
                             academic_year_name(year), years_text(years));
  }
  const std::string data_date = format_date(risk::data_date(ds, cli::today_utc()));
  const risk::ScoreSummary sum = risk::summarise(scores);

  if (a.format == "xlsx") {
    Table summary;
    summary.sheet_name = "Summary";
    summary.title = fmt::format("Risk of NEET Indicators {} (criteria {})", academic_year_name(year), criteria.version);
    summary.data_date = data_date;
    summary.add("measure", "Measure", ColumnKind::kText).add("count", "Count", ColumnKind::kCount);
    summary.rows = {{std::string("Pupils"), sum.pupils},
                    {fmt::format("Red (score >= {})", criteria.red), sum.red},
                    {fmt::format("Amber (score >= {})", criteria.amber), sum.amber},
                    {std::string("Green"), sum.green},
                    {std::string("On the list (Red, Amber or an always-include group)"), sum.on_list}};
    write_xlsx(a.out, {summary, risk::pupils_table(ds, criteria, scores, year, data_date)});
    std::cerr << fmt::format("wrote {}\n", a.out);
    return;
  }
  std::string out;
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["academic_year"] = academic_year_name(year);
    j["criteria_version"] = criteria.version;
    j["red"] = criteria.red;
    j["amber"] = criteria.amber;
    j["data_date"] = data_date;
    j["summary"] = {{"pupils", sum.pupils}, {"red", sum.red}, {"amber", sum.amber}, {"green", sum.green},
                    {"on_list", sum.on_list}};
    j["pupils"] = nlohmann::ordered_json::array();
    for (const auto& s : scores) j["pupils"].push_back(risk::to_json(ds, criteria, s));
    out = j.dump(2) + "\n";
  } else if (a.format == "csv") {
    out = to_csv(risk::pupils_table(ds, criteria, scores, year, data_date));
  } else {
    out = score_table_text(ds, criteria, scores, year, data_date, sum);
  }
  cli::emit(a.out, out);
}

// ---- roni indicators ---------------------------------------------------------------------

void run_indicators(const RoniArgs& a) {
  std::optional<int> year;
  if (!a.year.empty()) year = parse_year("--year", a.year);
  std::optional<Date> as_of;
  if (!a.as_of.empty()) {
    as_of = parse_date(a.as_of);
    if (!as_of) throw BadInput(fmt::format("--as-of: '{}' is not a real date in the form YYYY-MM-DD", a.as_of));
  }
  if (a.format == "xlsx" && a.out.empty()) throw BadInput("--format xlsx needs --out FILE");
  const Rules rules = cli::load_rules(a.rules);
  const risk::Criteria criteria = load_criteria(a);
  const ReportScope scope = cli::parse_la(a.la);
  const Dataset ds = load_or_fail(a, rules, /*names=*/false);
  // The outcome is only observed once the data covers it: by default the data date.
  const Date when = as_of ? *as_of : risk::data_date(ds, cli::today_utc());
  const std::vector<int> cohorts = risk::year11_cohorts(ds);
  if (!year) {
    const int newest = risk::newest_observed_cohort(ds, when);
    if (newest == 0)
      throw BadInput(fmt::format("no Year 11 cohort has an observed outcome on {} (Year 11 cohorts in indicators.csv: "
                                 "{}); a cohort's outcome is known after February of its Year 12",
                                 format_date(when), years_text(cohorts)));
    year = newest;
  } else if (std::find(cohorts.begin(), cohorts.end(), *year) == cohorts.end()) {
    throw BadInput(fmt::format("--year: no Year 11 rows in indicators.csv for {} (Year 11 cohorts: {})",
                               academic_year_name(*year), years_text(cohorts)));
  }
  const risk::IndicatorAnalysis r = risk::analyse_indicators(ds, rules, criteria, *year, when, scope);
  if (!r.observed)
    throw BadInput(fmt::format("--year: the {} Year 11 cohort has no observed outcome on {}: its last Year 12 snapshot "
                               "is {} (use --as-of to say the data is later)",
                               academic_year_name(*year), format_date(when), format_date(r.snapshots[2])));
  if (a.format == "xlsx") {
    write_xlsx(a.out, risk::to_tables(r));
    std::cerr << fmt::format("wrote {}\n", a.out);
    return;
  }
  std::string out;
  if (a.format == "json") {
    out = risk::to_json(r).dump(2) + "\n";
  } else if (a.format == "csv") {
    out = to_csv(risk::to_tables(r)[0]);
  } else {
    out = risk::render_table(r);
  }
  cli::emit(a.out, out);
}

void add_common(CLI::App* cmd, RoniArgs& a) {
  auto* data = cmd->add_option("--data", a.data, "canonical data folder with indicators.csv (formats.md)");
  auto* db = cmd->add_option("--db", a.db, "store: sqlite:PATH or postgresql://... (instead of --data)");
  data->excludes(db);
  cmd->add_option("--la", a.la, "3-digit code of the reporting LA; without it everyone counts as resident");
  cmd->add_option("--criteria", a.criteria, "RONI criteria file (default: the built-in data/roni.json; docs/roni.md)");
  cmd->add_option("--format", a.format, "table, json, csv or xlsx (xlsx needs --out)")
      ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
  cmd->add_option("--out", a.out, "file to write instead of standard output (required for xlsx)");
  cmd->add_option("--rules", a.rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
}

}  // namespace

void add_roni_commands(CLI::App& app) {
  auto* roni = app.add_subcommand("roni", "Risk of NEET Indicators: pupils' scores and which indicators matter (docs/roni.md)");
  roni->require_subcommand(1);

  auto s = std::make_shared<RoniArgs>();
  auto* score = roni->add_subcommand(
      "score", "each pupil's RONI score, RAG and the indicators that fired, for one academic year");
  score->add_option("--year", s->year, "academic year (start year, e.g. 2026 for 2026-27)")->required();
  score->add_option("--school", s->school, "only pupils of this school_id (the school on their indicators row)");
  score->add_option("--year-group", s->year_group, "only this year group (one of the criteria's year groups)");
  add_common(score, *s);
  score->callback([s] { cli::guarded([s] { run_score(*s); }); });

  auto i = std::make_shared<RoniArgs>();
  auto* ind = roni->add_subcommand(
      "indicators",
      "which indicators matter: each indicator and the score against the Year 12 NEET outcome of a Year 11 cohort");
  ind->add_option("--year", i->year,
                  "academic year (start) the cohort was in Year 11 (default: the newest with an observed outcome)");
  ind->add_option("--as-of", i->as_of, "YYYY-MM-DD: the date the data speaks of (default: its latest record)");
  add_common(ind, *i);
  ind->callback([i] { cli::guarded([i] { run_indicators(*i); }); });
}

}  // namespace pathways
