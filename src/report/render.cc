#include "report/render.h"

#include <fmt/format.h>

#include "report/table.h"

namespace pathways {

using nlohmann::ordered_json;

namespace {

// Copies the fields of `from` into `to` (an object), keeping their order.
void merge(ordered_json& to, const ordered_json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) to[it.key()] = it.value();
}

ordered_json counts_json(const Counts& c) {
  ordered_json j;
  j["cohort"] = c.cohort;
  j["custody"] = c.custody;
  j["participating"] = c.participating;
  j["eet_not_participating"] = c.eet_not_participating;
  j["neet"] = c.neet;
  j["neet_available"] = c.neet_available;
  j["neet_not_available"] = c.neet_not_available;
  j["not_known"] = c.not_known;
  j["neet_pct"] = c.neet_pct();
  j["not_known_pct"] = c.not_known_pct();
  j["neet_nk_pct"] = c.neet_nk_pct();
  j["participation_pct"] = c.participation_pct();
  return j;
}

ordered_json breakdowns_json(const Snapshot& s) {
  ordered_json b = ordered_json::object();
  for (const auto& bd : s.breakdowns) {
    ordered_json rows = ordered_json::array();
    for (const auto& row : bd.rows) {
      ordered_json j;
      j["key"] = row.key;
      j["label"] = row.label;
      merge(j, counts_json(row.counts));
      rows.push_back(std::move(j));
    }
    b[bd.name] = std::move(rows);
  }
  return b;
}

std::string pct1(double v) { return fmt::format("{:.1f}", v); }

void table_counts(std::string& out, const Counts& c) {
  out += fmt::format("  {:<34}{:>10}\n", "Cohort (denominator)", c.cohort);
  out += fmt::format("  {:<34}{:>10}\n", "Custody (excluded)", c.custody);
  out += fmt::format("  {:<34}{:>10}  {:>5}%\n", "Participating (RPA)", c.participating, pct1(c.participation_pct()));
  out += fmt::format("  {:<34}{:>10}  {:>5}%\n", "EET, not participating", c.eet_not_participating,
                     pct1(c.pct(c.eet_not_participating)));
  out += fmt::format("  {:<34}{:>10}  {:>5}%\n", "NEET", c.neet, pct1(c.neet_pct()));
  out += fmt::format("  {:<34}{:>10}  {:>5}%\n", "Not known", c.not_known, pct1(c.not_known_pct()));
  out += fmt::format("  {:<34}{:>10}  {:>5}%\n", "NEET and not known", c.neet + c.not_known, pct1(c.neet_nk_pct()));
}

void table_breakdowns(std::string& out, const Snapshot& s) {
  for (const auto& bd : s.breakdowns) {
    out += fmt::format("\nBy {}\n", bd.name);
    out += fmt::format("  {:<32}{:>8}{:>8}{:>8}{:>9}{:>8}{:>9}\n", "", "cohort", "NEET", "NEET %", "not known", "NK %",
                       "NEET+NK %");
    for (const auto& row : bd.rows) {
      std::string label = row.key.empty() ? row.label : (row.key == row.label ? row.key : row.key + " " + row.label);
      if (label.size() > 31) label = label.substr(0, 31);
      const Counts& c = row.counts;
      out += fmt::format("  {:<32}{:>8}{:>8}{:>8}{:>9}{:>8}{:>9}\n", label, c.cohort, c.neet, pct1(c.neet_pct()),
                         c.not_known, pct1(c.not_known_pct()), pct1(c.neet_nk_pct()));
    }
  }
}

}  // namespace

std::string academic_year_name(int y) { return fmt::format("{}-{:02}", y, (y + 1) % 100); }

std::string csv_cell(std::string_view s) {
  std::string v(s);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

ordered_json to_json(const StatutoryReport& r) {
  const Snapshot& s = r.snapshot;
  ordered_json j;
  j["month"] = r.month;
  j["snapshot_date"] = format_date(s.date);
  merge(j, counts_json(s.total));
  j["neet_joiners"] = r.neet_joiners;
  j["neet_leavers"] = r.neet_leavers;
  j["days_neet"] = r.days_neet;
  j["days_neet_per_person"] =
      s.total.cohort ? static_cast<double>(r.days_neet) / static_cast<double>(s.total.cohort) : 0.0;
  j["people_neet_in_month"] = r.people_neet_in_month;
  j["days_neet_per_neet_person"] =
      r.people_neet_in_month ? static_cast<double>(r.days_neet) / static_cast<double>(r.people_neet_in_month) : 0.0;
  j["breakdowns"] = breakdowns_json(s);
  j["send_18_24"] = counts_json(s.send_18_24);
  return j;
}

ordered_json to_json(const AnnualReport& r) {
  ordered_json j;
  j["year"] = academic_year_name(r.year);
  j["months"] = r.months;
  j["neet_pct"] = r.neet_pct;
  j["not_known_pct"] = r.not_known_pct;
  j["neet_nk_pct"] = r.neet_nk_pct;
  j["participation_month"] = r.participation_month;
  j["participation_pct"] = r.participation_pct;
  ordered_json monthly = ordered_json::array();
  for (const auto& s : r.snapshots) {
    ordered_json m;
    m["month"] = month_name(s.date);
    m["snapshot_date"] = format_date(s.date);
    merge(m, counts_json(s.total));
    m["send_18_24"] = counts_json(s.send_18_24);
    monthly.push_back(std::move(m));
  }
  j["monthly"] = std::move(monthly);
  // Breakdowns of the annual figure: each row's three monthly percentages averaged.
  ordered_json b = ordered_json::object();
  for (const auto& bd : r.breakdowns) {
    ordered_json rows = ordered_json::array();
    for (const auto& a : bd.rows) {
      ordered_json row;
      row["key"] = a.key;
      row["label"] = a.label;
      row["cohort"] = a.cohort;
      row["neet_pct"] = a.neet_pct;
      row["not_known_pct"] = a.not_known_pct;
      row["neet_nk_pct"] = a.neet_nk_pct;
      rows.push_back(std::move(row));
    }
    b[bd.name] = std::move(rows);
  }
  j["breakdowns"] = std::move(b);
  {
    double neet = 0, nk = 0;
    for (size_t k = 0; k < 3; ++k) {
      neet += r.snapshots[k].send_18_24.neet_pct();
      nk += r.snapshots[k].send_18_24.not_known_pct();
    }
    ordered_json s;
    s["neet_pct"] = neet / 3.0;
    s["not_known_pct"] = nk / 3.0;
    s["neet_nk_pct"] = (neet + nk) / 3.0;
    j["send_18_24"] = s;
  }
  return j;
}

std::string render(const StatutoryReport& r, Format f) {
  if (f == Format::kJson) return to_json(r).dump(2) + "\n";
  if (f == Format::kCsv) return to_csv(long_table(r));  // report/table.h
  std::string out = fmt::format("Statutory report for {} (snapshot {}), academic age 16-17\n\n", r.month,
                                format_date(r.snapshot.date));
  table_counts(out, r.snapshot.total);
  out += fmt::format("\n  {:<34}{:>10}\n", "Joined NEET in month", r.neet_joiners);
  out += fmt::format("  {:<34}{:>10}\n", "Left NEET in month", r.neet_leavers);
  out += fmt::format("  {:<34}{:>10.2f}\n", "Days NEET per person in cohort",
                     r.snapshot.total.cohort ? static_cast<double>(r.days_neet) / r.snapshot.total.cohort : 0.0);
  table_breakdowns(out, r.snapshot);
  out += "\nAcademic age 18-24 with an EHC plan (reported separately)\n";
  table_counts(out, r.snapshot.send_18_24);
  return out;
}

std::string render(const AnnualReport& r, Format f) {
  if (f == Format::kJson) return to_json(r).dump(2) + "\n";
  if (f == Format::kCsv) return to_csv(long_table(r));  // report/table.h
  std::string out = fmt::format("Annual report for {}, academic age 16-17\n\n", academic_year_name(r.year));
  out += fmt::format("  {:<10}{:>10}{:>8}{:>8}{:>8}{:>8}{:>10}{:>12}\n", "month", "cohort", "NEET", "NEET %", "NK",
                     "NK %", "NEET+NK %", "particip. %");
  for (const auto& s : r.snapshots) {
    const Counts& c = s.total;
    out += fmt::format("  {:<10}{:>10}{:>8}{:>8}{:>8}{:>8}{:>10}{:>12}\n", month_name(s.date), c.cohort, c.neet,
                       pct1(c.neet_pct()), c.not_known, pct1(c.not_known_pct()), pct1(c.neet_nk_pct()),
                       pct1(c.participation_pct()));
  }
  out += fmt::format("\n  Dec-Feb average: NEET {}%, not known {}%, NEET and not known {}%\n", pct1(r.neet_pct),
                     pct1(r.not_known_pct), pct1(r.neet_nk_pct));
  out += fmt::format("  Participation at end of {}: {}%\n", r.participation_month, pct1(r.participation_pct));
  return out;
}

}  // namespace pathways
