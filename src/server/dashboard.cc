#include "server/dashboard.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/status.h"

namespace pathways::web {

extern const std::string_view kDefaultDashboardJson;

DashboardConfig DashboardConfig::load(const std::string& path) {
  std::string text;
  std::string origin = "built-in dashboard settings";
  if (path.empty()) {
    text = std::string(kDefaultDashboardJson);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    origin = path;
  }
  DashboardConfig c;
  try {
    const auto j = nlohmann::json::parse(text);
    c.targets = j.value("targets", nlohmann::json::object());
    c.national = j.value("national", nlohmann::json::object());
    c.trend_months = j.value("trend_months", 24);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(origin + ": " + e.what());
  }
  if (c.trend_months < 1 || c.trend_months > 120) throw std::runtime_error(origin + ": trend_months must be 1-120");
  for (const auto* block : {&c.targets, &c.national})
    for (const char* key : {"neet_pct", "not_known_pct", "neet_nk_pct", "participation_pct"})
      if (block->contains(key) && !(*block)[key].is_number())
        throw std::runtime_error(origin + ": " + key + " must be a number");
  return c;
}

Date latest_month_end(Date as_of) {
  const Ymd ymd = to_ymd(as_of);
  const Date end = month_end(ymd.year, ymd.month);
  if (end == as_of) return end;
  return make_date(ymd.year, ymd.month, 1) - 1;
}

namespace {

nlohmann::ordered_json rates(const Counts& c) {
  nlohmann::ordered_json j;
  j["cohort"] = c.cohort;
  j["neet"] = c.neet;
  j["not_known"] = c.not_known;
  j["participating"] = c.participating;
  j["neet_pct"] = c.neet_pct();
  j["not_known_pct"] = c.not_known_pct();
  j["neet_nk_pct"] = c.neet_nk_pct();
  j["participation_pct"] = c.participation_pct();
  return j;
}

nlohmann::ordered_json rows_of(const Snapshot& s, const std::string& name) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& b : s.breakdowns) {
    if (b.name != name) continue;
    for (const auto& row : b.rows) {
      nlohmann::ordered_json j;
      j["key"] = row.key;
      j["label"] = row.label;
      const auto r = rates(row.counts);
      for (auto& [k, v] : r.items()) j[k] = v;
      out.push_back(std::move(j));
    }
  }
  return out;
}

}  // namespace

nlohmann::ordered_json dashboard_json(const Dataset& ds, const Rules& rules, const ReportScope& scope,
                                      const DashboardConfig& config, Date as_of) {
  const Date latest = latest_month_end(as_of);
  const Ymd l = to_ymd(latest);
  std::vector<Date> dates;
  for (int k = config.trend_months - 1; k >= 0; --k) {
    int y = l.year, m = l.month - k;
    while (m < 1) {
      m += 12;
      --y;
    }
    dates.push_back(month_end(y, m));
  }
  SnapshotOptions opt;
  opt.min_academic_age = 16;
  opt.max_academic_age = 24;
  const Snapshots snaps = take_snapshots(ds, rules, dates, opt);
  const auto snapshots = aggregate_snapshots(ds, rules, snaps, scope);

  nlohmann::ordered_json j;
  j["as_of"] = format_date(as_of);
  j["month"] = month_name(latest);
  j["headline"] = rates(snapshots.back().total);
  j["targets"] = config.targets;
  j["national"] = config.national;
  nlohmann::ordered_json trend = nlohmann::ordered_json::array();
  for (const auto& s : snapshots) {
    nlohmann::ordered_json t;
    t["month"] = month_name(s.date);
    const auto r = rates(s.total);
    for (auto& [k, v] : r.items()) t[k] = v;
    trend.push_back(std::move(t));
  }
  j["trend"] = std::move(trend);
  j["by_school"] = rows_of(snapshots.back(), "school");
  j["by_vulnerable_group"] = rows_of(snapshots.back(), "vulnerable_group");
  return j;
}

}  // namespace pathways::web
