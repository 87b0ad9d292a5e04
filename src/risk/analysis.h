// Which indicators matter: each RONI indicator, and the RONI score as a whole, checked
// against what later happened to a Year 11 cohort (docs/roni.md).
//
// Method, for the cohort in Year 11 in academic year Y (risk/outcome.h):
//  * outcome: NEET in any of the December, January and February month-end snapshots of
//    Year 12 (Y+1); people not known on all three dates (kNotKnown) and people outside the
//    reporting scope then (kNotTracked: moved away, died, another LA) are left out of every
//    figure and counted;
//  * each member's indicators are read from their Year 11 row of indicators.csv (and
//    people.csv): "with" an indicator means its condition holds on that row, before any
//    "supersedes" (so "attendance below 90%" includes those below 70%);
//  * per indicator: n and NEET with and without, NEET rates, prevalence (n_with /
//    with_outcome), relative risk RR = rate_with / rate_without with a 95% confidence
//    interval by the Katz log method, exp(ln RR +- 1.96 sqrt(1/a - 1/n1 + 1/c - 1/n0)),
//    a = NEET with, n1 = n with, c = NEET without, n0 = n without. When a or c is 0, 0.5 is
//    added to each of the four cells (a, n1-a, c, n0-c: so n1 and n0 grow by 1) before
//    both RR and the interval are computed, and `corrected` says so. With nobody with (or
//    nobody without) the indicator RR is undefined (NaN; null in JSON);
//  * share of NEETs flagged = NEET with / all NEET (the indicator's recall);
//  * the score as a whole (score_row, after supersedes) at three cuts: "red" (score >= red),
//    "amber" (score >= amber: Amber or Red), "on_list" (Amber or Red, or an always-include
//    group): flagged, NEET among flagged, recall = NEET flagged / NEET, precision = NEET
//    flagged / flagged.
// Rates, prevalence, shares, recall and precision are fractions from 0 to 1 (NaN when the
// denominator is 0; null in JSON).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "report/participation.h"
#include "report/table.h"
#include "risk/criteria.h"
#include "risk/outcome.h"

namespace pathways::risk {

struct RelativeRisk {
  double rr = 0, low = 0, high = 0;  // NaN when undefined
  bool corrected = false;            // the 0.5 continuity correction was applied
};

// Katz log-method relative risk of `events_with` of `n_with` against `events_without` of
// `n_without`, with its 95% confidence interval (see above).
RelativeRisk relative_risk(int64_t events_with, int64_t n_with, int64_t events_without, int64_t n_without);

struct IndicatorStat {
  uint16_t criterion = 0;  // index into Criteria::indicators
  std::string id, label;
  int points = 0;
  int64_t n_with = 0, neet_with = 0, n_without = 0, neet_without = 0;
  double rate_with = 0, rate_without = 0, prevalence = 0, share_of_neet_flagged = 0;
  RelativeRisk rr;
};

struct CutStat {
  std::string cut;  // "red", "amber", "on_list"
  int64_t flagged = 0, neet_flagged = 0;
  double recall = 0, precision = 0;
};

struct IndicatorAnalysis {
  int year11 = 0;
  std::array<Date, 3> snapshots{};
  bool observed = false;
  std::string criteria_version;
  int red = 0, amber = 0;  // the cut-offs used
  int64_t cohort = 0, with_outcome = 0, neet = 0, left_out_not_known = 0, left_out_not_tracked = 0;
  std::vector<IndicatorStat> indicators;  // criteria order
  std::vector<CutStat> roni;              // red, amber, on_list
  std::string outcome;  // "NEET in any of the Dec-Feb snapshots of Year 12 (2025-26)"
  std::string summary;  // "35 of 60 young people NEET in Year 12 (2025-26) had been flagged in Year 11 (2024-25) ..."
};

IndicatorAnalysis analyse_indicators(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                     const CohortOutcomes& cohort);
IndicatorAnalysis analyse_indicators(const Dataset& ds, const Rules& rules, const Criteria& criteria, int year11,
                                     Date as_of, const ReportScope& scope = {}, unsigned threads = 0);

// The JSON of `roni indicators --format json` (docs/roni.md); NaN becomes null.
nlohmann::ordered_json to_json(const IndicatorAnalysis& a);
// "Indicators" (one row per indicator) and "RONI score" (one row per cut), percentages as
// percentage values (report/table.h).
std::vector<Table> to_tables(const IndicatorAnalysis& a);
// Plain text for people.
std::string render_table(const IndicatorAnalysis& a);

// ---- Score lists (`roni score`) -------------------------------------------------------

struct ScoreSummary {
  int64_t pupils = 0, red = 0, amber = 0, green = 0, on_list = 0;
};
ScoreSummary summarise(const std::vector<PupilScore>& scores);

// What an output says about where a fired indicator came from: "2024-25" or "people.csv".
std::string fired_source(const Fired& f);

// One pupil as in `roni score --format json`: person_id, given_name, family_name (when the
// dataset holds names), school_id, year_group, score, rag, on_list, by_group, fired
// [{id, label, points, value, source}].
nlohmann::ordered_json to_json(const Dataset& ds, const Criteria& criteria, const PupilScore& s);

// The pupils as one table (one row per pupil; the fired indicators in one cell, e.g.
// "attendance_below_90=84.2% (2024-25); looked_after=110 (people.csv)").
Table pupils_table(const Dataset& ds, const Criteria& criteria, const std::vector<PupilScore>& scores,
                   int academic_year, const std::string& data_date);

}  // namespace pathways::risk
