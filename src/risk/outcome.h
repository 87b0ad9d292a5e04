// The outcome an early-identification score tries to foresee (domain.md section 7):
// NEET in any of the December, January and February month-end snapshots of Year 12.
//
// Contract, for a cohort named by the academic year Y in which it was in Year 11:
//  * members are the people with an indicators.csv row for academic year Y and year group
//    11 (one member per person; the first such row is used);
//  * the snapshots are the last days of December Y+1, January Y+2 and February Y+2, taken
//    by the tracking engine (engine/status.h) exactly as the statutory report takes them;
//  * kNeet: NEET on at least one of the three dates;
//    kNotNeet: known on at least one date and NEET on none (EET or custody);
//    kNotKnown: not known on all three dates. Not known is a tracking failure, not an
//      outcome: these people are left out of every rate and model, and counted;
//    kNotTracked: outside the reporting scope when the outcome was measured: cohort status
//      other than P or G (moved away, died, ...) or, with scope.la, living in another LA;
//      also left out and counted;
//  * the cohort is `observed` when the February snapshot is on or before `as_of`; before
//    that every outcome is reported as kNotKnown and no rate is meaningful.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "report/participation.h"

namespace pathways::risk {

enum class Outcome : uint8_t { kNotNeet = 0, kNeet = 1, kNotKnown = 2, kNotTracked = 3 };

struct CohortOutcomes {
  int year11 = 0;                 // academic year (start) in Year 11
  std::array<Date, 3> snapshots{};  // Dec Y+1, Jan Y+2, Feb Y+2 month ends
  bool observed = false;
  std::vector<uint32_t> person;         // cohort members, in person order
  std::vector<uint32_t> indicator_row;  // each member's Year 11 row in Dataset::indicators
  std::vector<Outcome> outcome;         // parallel to person
  int64_t neet = 0, not_neet = 0, not_known = 0, not_tracked = 0;

  size_t size() const { return person.size(); }
  int64_t with_outcome() const { return neet + not_neet; }
};

// Year 11 members of academic year `year11` and their Year 12 outcome. Needs the dataset
// loaded with indicators. `threads` as in SnapshotOptions (0 = all cores).
CohortOutcomes cohort_outcomes(const Dataset& ds, const Rules& rules, int year11, Date as_of,
                               const ReportScope& scope = {}, unsigned threads = 0);

// Academic years (start) that have Year 11 indicator rows, ascending.
std::vector<int> year11_cohorts(const Dataset& ds);

// The newest Year 11 cohort whose outcome is observed on `as_of` (0 when none): the test
// cohort of a temporal backtest.
int newest_observed_cohort(const Dataset& ds, Date as_of);

// The last date any record in the dataset speaks of (latest activity start, end or
// verification that is not in the future of `today`), used as the data date when the
// caller gives none.
Date data_date(const Dataset& ds, Date today);

}  // namespace pathways::risk
