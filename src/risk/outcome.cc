#include "risk/outcome.h"

#include <algorithm>

#include "engine/status.h"

namespace pathways::risk {

std::vector<int> year11_cohorts(const Dataset& ds) {
  std::vector<int> years;
  const Indicators& I = ds.indicators;
  for (size_t r = 0; r < I.size(); ++r)
    if (I.year_group[r] == 11) years.push_back(I.academic_year[r]);
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

namespace {

std::array<Date, 3> snapshot_dates(int year11) {
  return {month_end(year11 + 1, 12), month_end(year11 + 2, 1), month_end(year11 + 2, 2)};
}

}  // namespace

int newest_observed_cohort(const Dataset& ds, Date as_of) {
  int best = 0;
  for (int y : year11_cohorts(ds))
    if (snapshot_dates(y)[2] <= as_of) best = y;
  return best;
}

Date data_date(const Dataset& ds, Date today) {
  Date best = kNoDate;
  const Activities& A = ds.activities;
  for (size_t a = 0; a < A.size(); ++a) {
    for (Date d : {A.start[a], A.end[a], A.verified[a]})
      if (d != kNoDate && d <= today && d > best) best = d;
  }
  return best == kNoDate ? today : best;
}

CohortOutcomes cohort_outcomes(const Dataset& ds, const Rules& rules, int year11, Date as_of,
                               const ReportScope& scope, unsigned threads) {
  CohortOutcomes c;
  c.year11 = year11;
  c.snapshots = snapshot_dates(year11);
  c.observed = c.snapshots[2] <= as_of;

  // Members: the first Year 11 row of each person for that year.
  const Indicators& I = ds.indicators;
  std::vector<uint32_t> row_of(ds.people.size(), kNoIndex);
  for (size_t r = 0; r < I.size(); ++r)
    if (I.year_group[r] == 11 && I.academic_year[r] == year11 && row_of[I.person[r]] == kNoIndex)
      row_of[I.person[r]] = static_cast<uint32_t>(r);
  for (uint32_t p = 0; p < row_of.size(); ++p)
    if (row_of[p] != kNoIndex) {
      c.person.push_back(p);
      c.indicator_row.push_back(row_of[p]);
    }
  c.outcome.assign(c.person.size(), Outcome::kNotKnown);
  if (c.person.empty()) return c;

  Snapshots snaps;
  if (c.observed) {
    SnapshotOptions options;
    options.threads = threads;
    snaps = take_snapshots(ds, rules, c.snapshots, options);
  }
  for (size_t i = 0; i < c.person.size(); ++i) {
    const uint32_t p = c.person[i];
    const char cs = ds.people.cohort_status[p];
    Outcome o = Outcome::kNotKnown;
    if ((cs != 'P' && cs != 'G') || (scope.la && ds.people.la_code[p] != *scope.la)) {
      o = Outcome::kNotTracked;
    } else if (c.observed) {
      bool known = false, neet = false;
      for (size_t k = 0; k < 3; ++k) {
        const uint32_t a = snaps.at(k, p);
        if (a == kNoIndex || a == Snapshots::kNotEvaluated) continue;
        const Category cat = rules.category_of(ds.activities.code[a]);
        if (cat == Category::kNotKnown || cat == Category::kPre16) continue;
        known = true;
        if (cat == Category::kNeet) neet = true;
      }
      o = neet ? Outcome::kNeet : known ? Outcome::kNotNeet : Outcome::kNotKnown;
    }
    c.outcome[i] = o;
    switch (o) {
      case Outcome::kNeet: ++c.neet; break;
      case Outcome::kNotNeet: ++c.not_neet; break;
      case Outcome::kNotKnown: ++c.not_known; break;
      case Outcome::kNotTracked: ++c.not_tracked; break;
    }
  }
  return c;
}

}  // namespace pathways::risk
