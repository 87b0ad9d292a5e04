// The dashboard's figures: the latest month-end snapshot (NEET, not known, combined,
// participation), a trend over the preceding months, the same by school and by vulnerable
// group, set against the targets and national figures of a configuration file
// (data/dashboard.json; an LA passes its own with --dashboard).
//
// JSON (GET /api/dashboard), percentages unrounded:
//   { "as_of", "month", "headline": {cohort, neet, not_known, participating, neet_pct,
//     not_known_pct, neet_nk_pct, participation_pct}, "targets": {...}, "national": {...},
//     "trend": [{month, cohort, neet_pct, not_known_pct, neet_nk_pct, participation_pct}],
//     "by_school": [{key, label, cohort, ...}], "by_vulnerable_group": [...] }
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "report/participation.h"

namespace pathways::web {

struct DashboardConfig {
  nlohmann::json targets, national;
  int trend_months = 24;
  // Parses the file (built-in defaults when path is empty). Throws std::runtime_error.
  static DashboardConfig load(const std::string& path);
};

// The latest month end on or before `as_of` (as_of itself when it is a month end).
Date latest_month_end(Date as_of);

nlohmann::ordered_json dashboard_json(const Dataset& ds, const Rules& rules, const ReportScope& scope,
                                      const DashboardConfig& config, Date as_of);

}  // namespace pathways::web
