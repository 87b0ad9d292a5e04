// The statutory participation measures (domain.md section 5): the end-of-month snapshot
// with its breakdowns, and the annual figure (mean of the December, January and February
// snapshots, participation at the end of March).
//
// Cohort on date D: academic age 16 or 17 on D, cohort status P or G, resident in the
// reporting LA (everyone when no LA is given). People whose current activity is custody
// (710) are counted in `custody` and left out of `cohort`, the denominator of every rate.
// Young people aged 18-24 with an EHC plan are reported separately (send_18_24), never in
// the 16-17 headline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "engine/status.h"

namespace pathways {

struct Counts {
  int64_t cohort = 0;  // denominator: custody excluded
  int64_t custody = 0;
  int64_t participating = 0;
  int64_t eet_not_participating = 0;
  int64_t neet = 0;
  int64_t neet_available = 0;
  int64_t neet_not_available = 0;
  int64_t not_known = 0;

  double pct(int64_t part) const { return cohort ? 100.0 * static_cast<double>(part) / static_cast<double>(cohort) : 0.0; }
  double neet_pct() const { return pct(neet); }
  double not_known_pct() const { return pct(not_known); }
  double neet_nk_pct() const { return pct(neet + not_known); }
  double participation_pct() const { return pct(participating); }
  Counts& operator+=(const Counts& o);
};

struct BreakdownRow {
  std::string key;
  std::string label;
  Counts counts;
};

struct Breakdown {
  std::string name;  // age, gender, sen_status, ethnicity, characteristic, vulnerable_group, school
  std::vector<BreakdownRow> rows;
};

// Counts for one snapshot date.
struct Snapshot {
  Date date = kNoDate;
  Counts total;
  std::vector<Breakdown> breakdowns;
  Counts send_18_24;  // academic age 18-24 with an EHC plan, resident, status P/G
};

struct ReportScope {
  std::optional<uint16_t> la;  // reporting LA; nullopt = everyone counts as resident
};

struct StatutoryReport {
  std::string month;  // YYYY-MM
  Snapshot snapshot;
  // Movement in the month, over people in the cohort at the month's end.
  int64_t neet_joiners = 0;  // not NEET at the previous month's end, NEET at this month's end
  int64_t neet_leavers = 0;  // in the cohort at both ends, NEET before, not NEET now
  int64_t days_neet = 0;     // person-days NEET during the month, cohort at month end
  int64_t people_neet_in_month = 0;  // NEET on at least one day of the month
};

// A breakdown row of the annual figure: the three monthly percentages averaged, and the
// mean cohort. Rows are matched by key across the months (a school may have nobody in one
// month); a month without the row counts as 0%.
struct AnnualRow {
  std::string key, label;
  double cohort = 0, neet_pct = 0, not_known_pct = 0, neet_nk_pct = 0;
};
struct AnnualBreakdown {
  std::string name;
  std::vector<AnnualRow> rows;  // in order of first appearance
};

struct AnnualReport {
  int year = 0;  // academic year start, e.g. 2024 for 2024-25
  std::vector<std::string> months;  // the three averaged months, YYYY-MM
  std::vector<Snapshot> snapshots;  // Dec, Jan, Feb, Mar
  double neet_pct = 0, not_known_pct = 0, neet_nk_pct = 0;
  std::string participation_month;
  double participation_pct = 0;
  std::vector<AnnualBreakdown> breakdowns;  // the averaged rows, one per snapshot breakdown
};

// Builds the counts of every snapshot date from engine output computed with ages 16-24,
// in one pass over people.
std::vector<Snapshot> aggregate_snapshots(const Dataset& ds, const Rules& rules, const Snapshots& snaps,
                                          const ReportScope& scope);
// The same for one of the dates.
Snapshot aggregate_snapshot(const Dataset& ds, const Rules& rules, const Snapshots& snaps, size_t k,
                            const ReportScope& scope);

StatutoryReport statutory_report(const Dataset& ds, const Rules& rules, int year, int month,
                                 const ReportScope& scope);
AnnualReport annual_report(const Dataset& ds, const Rules& rules, int year, const ReportScope& scope);

std::string month_name(Date d);  // "YYYY-MM"

}  // namespace pathways
