#include "report/table.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "report/render.h"

namespace pathways {

namespace {

// The columns every count row carries, in the order of the contract CSV (formats.md).
void add_count_columns(Table& t) {
  t.add("cohort", "Cohort", ColumnKind::kCount)
      .add("custody", "Custody (excluded)", ColumnKind::kCount)
      .add("participating", "Participating", ColumnKind::kCount)
      .add("eet_not_participating", "EET, not participating", ColumnKind::kCount)
      .add("neet", "NEET", ColumnKind::kCount)
      .add("neet_available", "NEET, available", ColumnKind::kCount)
      .add("neet_not_available", "NEET, not available", ColumnKind::kCount)
      .add("not_known", "Not known", ColumnKind::kCount)
      .add("neet_pct", "NEET %", ColumnKind::kPercent)
      .add("not_known_pct", "Not known %", ColumnKind::kPercent)
      .add("neet_nk_pct", "NEET and not known %", ColumnKind::kPercent)
      .add("participation_pct", "Participation %", ColumnKind::kPercent);
}

void append_counts(std::vector<Cell>& row, const Counts& c) {
  for (int64_t v : {c.cohort, c.custody, c.participating, c.eet_not_participating, c.neet, c.neet_available,
                    c.neet_not_available, c.not_known})
    row.emplace_back(v);
  for (double v : {c.neet_pct(), c.not_known_pct(), c.neet_nk_pct(), c.participation_pct()}) row.emplace_back(v);
}

// Measure | Count | % of cohort, one row per headline count.
Table counts_table(std::string sheet, std::string title, std::string data_date, const Counts& c) {
  Table t;
  t.sheet_name = safe_sheet_name(sheet);
  t.title = std::move(title);
  t.data_date = std::move(data_date);
  t.add("measure", "Measure", ColumnKind::kText)
      .add("count", "Count", ColumnKind::kCount)
      .add("pct_of_cohort", "Share of cohort %", ColumnKind::kPercent);
  auto row = [&](const char* m, int64_t n, bool with_pct) {
    t.rows.push_back({std::string(m), n, with_pct ? Cell(c.pct(n)) : Cell()});
  };
  row("Cohort (denominator)", c.cohort, false);
  row("Custody (excluded from the cohort)", c.custody, false);
  row("Participating (RPA)", c.participating, true);
  row("EET, not participating", c.eet_not_participating, true);
  row("NEET", c.neet, true);
  row("NEET, available", c.neet_available, true);
  row("NEET, not available", c.neet_not_available, true);
  row("Not known", c.not_known, true);
  row("NEET and not known", c.neet + c.not_known, true);
  return t;
}

std::string breakdown_sheet_name(const std::string& name) {
  if (name == "age") return "By age";
  if (name == "gender") return "By gender";
  if (name == "sen_status") return "By SEN status";
  if (name == "ethnicity") return "By ethnicity";
  if (name == "characteristic") return "By characteristic";
  if (name == "vulnerable_group") return "By vulnerable group";
  if (name == "school") return "By school";
  std::string s = "By " + name;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string breakdown_title(const std::string& name) {
  std::string s = breakdown_sheet_name(name);
  s[0] = 'b';
  return s;
}

double ratio(int64_t a, int64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

std::string annual_dates(const AnnualReport& r) {
  std::string s;
  for (const auto& snap : r.snapshots) s += (s.empty() ? "" : ", ") + format_date(snap.date);
  return s;
}

const Breakdown* find_breakdown(const Snapshot& s, const std::string& name) {
  for (const auto& b : s.breakdowns)
    if (b.name == name) return &b;
  return nullptr;
}

// The long-table rows of one snapshot, each led by `lead`.
void long_rows(Table& t, const std::vector<Cell>& lead, const Snapshot& s) {
  auto add = [&](std::string_view breakdown, const std::string& key, const std::string& label, const Counts& c) {
    std::vector<Cell> row = lead;
    row.emplace_back(std::string(breakdown));
    row.emplace_back(key);
    row.emplace_back(label);
    append_counts(row, c);
    t.rows.push_back(std::move(row));
  };
  add("all", "", "Academic age 16-17", s.total);
  for (const auto& bd : s.breakdowns)
    for (const auto& row : bd.rows) add(bd.name, row.key, row.label, row.counts);
  add("send_18_24", "", "Academic age 18-24 with an EHC plan", s.send_18_24);
}

void add_long_columns(Table& t) {
  t.add("breakdown", "Breakdown", ColumnKind::kText)
      .add("key", "Code", ColumnKind::kText)
      .add("label", "Group", ColumnKind::kText);
  add_count_columns(t);
}

}  // namespace

Table& Table::add(std::string key, std::string header, ColumnKind kind) {
  columns.push_back({std::move(key), std::move(header), kind});
  return *this;
}

std::vector<Table> to_tables(const StatutoryReport& r) {
  const Snapshot& s = r.snapshot;
  const std::string date = format_date(s.date);
  const std::string head = fmt::format("Statutory report for {}, academic age 16-17", r.month);
  std::vector<Table> out;

  Table summary = counts_table("Summary", head, date, s.total);
  summary.rows.push_back({std::string("Joined NEET in month"), r.neet_joiners, Cell()});
  summary.rows.push_back({std::string("Left NEET in month"), r.neet_leavers, Cell()});
  summary.rows.push_back({std::string("Days NEET in month"), r.days_neet, Cell()});
  summary.rows.push_back({std::string("People NEET at any time in month"), r.people_neet_in_month, Cell()});
  out.push_back(std::move(summary));

  Table days;
  days.sheet_name = safe_sheet_name("Days NEET");
  days.title = head + ": days NEET in the month";
  days.data_date = fmt::format("{} to {}", r.month + "-01", date);
  days.add("group", "Group", ColumnKind::kText)
      .add("people", "People", ColumnKind::kCount)
      .add("days_neet", "Days NEET", ColumnKind::kCount)
      .add("days_neet_per_person", "Days NEET per person", ColumnKind::kDecimal);
  days.rows.push_back(
      {std::string("Cohort at month end"), s.total.cohort, r.days_neet, ratio(r.days_neet, s.total.cohort)});
  days.rows.push_back({std::string("People NEET at any time in month"), r.people_neet_in_month, r.days_neet,
                       ratio(r.days_neet, r.people_neet_in_month)});
  out.push_back(std::move(days));

  for (const auto& bd : s.breakdowns) {
    Table t;
    t.sheet_name = safe_sheet_name(breakdown_sheet_name(bd.name));
    t.title = head + ", " + breakdown_title(bd.name);
    t.data_date = date;
    t.add("key", "Code", ColumnKind::kText).add("label", "Group", ColumnKind::kText);
    add_count_columns(t);
    for (const auto& row : bd.rows) {
      std::vector<Cell> cells{row.key, row.label};
      append_counts(cells, row.counts);
      t.rows.push_back(std::move(cells));
    }
    out.push_back(std::move(t));
  }

  out.push_back(counts_table("SEND 18-24",
                             fmt::format("Statutory report for {}, academic age 18-24 with an EHC plan "
                                         "(reported separately)",
                                         r.month),
                             date, s.send_18_24));
  return out;
}

std::vector<Table> to_tables(const AnnualReport& r) {
  const std::string head = fmt::format("Annual report for {}, academic age 16-17", academic_year_name(r.year));
  const std::string all_dates = annual_dates(r);
  std::vector<Table> out;

  Table annual;
  annual.sheet_name = safe_sheet_name("Annual");
  annual.title = head;
  annual.data_date = all_dates;
  annual.add("measure", "Measure", ColumnKind::kText)
      .add("months", "Months", ColumnKind::kText)
      .add("pct", "%", ColumnKind::kPercent);
  std::string months;
  for (const auto& m : r.months) months += (months.empty() ? "" : ", ") + m;
  annual.rows.push_back({std::string("NEET (mean of December to February)"), months, r.neet_pct});
  annual.rows.push_back({std::string("Not known (mean of December to February)"), months, r.not_known_pct});
  annual.rows.push_back({std::string("NEET and not known (mean of December to February)"), months, r.neet_nk_pct});
  annual.rows.push_back({std::string("Participation (end of March)"), r.participation_month, r.participation_pct});
  out.push_back(std::move(annual));

  Table monthly;
  monthly.sheet_name = safe_sheet_name("Monthly");
  monthly.title = head + ", monthly snapshots";
  monthly.data_date = all_dates;
  monthly.add("month", "Month", ColumnKind::kText).add("snapshot_date", "Snapshot date", ColumnKind::kText);
  add_count_columns(monthly);
  for (const auto& snap : r.snapshots) {
    std::vector<Cell> row{month_name(snap.date), format_date(snap.date)};
    append_counts(row, snap.total);
    monthly.rows.push_back(std::move(row));
  }
  out.push_back(std::move(monthly));

  // One sheet per breakdown (named as in the first snapshot), every month's rows in turn.
  if (!r.snapshots.empty()) {
    for (const auto& first : r.snapshots[0].breakdowns) {
      Table t;
      t.sheet_name = safe_sheet_name(breakdown_sheet_name(first.name));
      t.title = head + ", " + breakdown_title(first.name) + ", monthly snapshots";
      t.data_date = all_dates;
      t.add("month", "Month", ColumnKind::kText)
          .add("key", "Code", ColumnKind::kText)
          .add("label", "Group", ColumnKind::kText);
      add_count_columns(t);
      for (const auto& snap : r.snapshots) {
        const Breakdown* bd = find_breakdown(snap, first.name);
        if (!bd) continue;
        for (const auto& row : bd->rows) {
          std::vector<Cell> cells{month_name(snap.date), row.key, row.label};
          append_counts(cells, row.counts);
          t.rows.push_back(std::move(cells));
        }
      }
      out.push_back(std::move(t));
    }

    // The annual figure of every breakdown row: its three monthly percentages averaged (as
    // in the JSON "breakdowns" of the annual report), rows matched by key across months.
    Table mean;
    mean.sheet_name = safe_sheet_name("Annual by group");
    mean.title = head + ", each group's mean of December to February";
    mean.data_date = all_dates;
    mean.add("breakdown", "Breakdown", ColumnKind::kText)
        .add("key", "Code", ColumnKind::kText)
        .add("label", "Group", ColumnKind::kText)
        .add("cohort", "Mean cohort", ColumnKind::kDecimal)
        .add("neet_pct", "NEET %", ColumnKind::kPercent)
        .add("not_known_pct", "Not known %", ColumnKind::kPercent)
        .add("neet_nk_pct", "NEET and not known %", ColumnKind::kPercent);
    for (const auto& bd : r.breakdowns)
      for (const auto& a : bd.rows)
        mean.rows.push_back({bd.name, a.key, a.label, a.cohort, a.neet_pct, a.not_known_pct, a.neet_nk_pct});
    out.push_back(std::move(mean));
  }

  Table send;
  send.sheet_name = safe_sheet_name("SEND 18-24");
  send.title = fmt::format("Annual report for {}, academic age 18-24 with an EHC plan (reported separately)",
                           academic_year_name(r.year));
  send.data_date = all_dates;
  send.add("month", "Month", ColumnKind::kText).add("snapshot_date", "Snapshot date", ColumnKind::kText);
  add_count_columns(send);
  for (const auto& snap : r.snapshots) {
    std::vector<Cell> row{month_name(snap.date), format_date(snap.date)};
    append_counts(row, snap.send_18_24);
    send.rows.push_back(std::move(row));
  }
  out.push_back(std::move(send));
  return out;
}

Table long_table(const StatutoryReport& r) {
  Table t;
  t.sheet_name = safe_sheet_name("All rows");
  t.title = fmt::format("Statutory report for {}, every breakdown row", r.month);
  t.data_date = format_date(r.snapshot.date);
  t.add("month", "Month", ColumnKind::kText).add("snapshot_date", "Snapshot date", ColumnKind::kText);
  add_long_columns(t);
  long_rows(t, {r.month, format_date(r.snapshot.date)}, r.snapshot);
  return t;
}

Table long_table(const AnnualReport& r) {
  Table t;
  const std::string year = academic_year_name(r.year);
  t.sheet_name = safe_sheet_name("All rows");
  t.title = fmt::format("Annual report for {}, every breakdown row of every month", year);
  t.data_date = annual_dates(r);
  t.add("year", "Academic year", ColumnKind::kText)
      .add("month", "Month", ColumnKind::kText)
      .add("snapshot_date", "Snapshot date", ColumnKind::kText);
  add_long_columns(t);
  for (const auto& s : r.snapshots) long_rows(t, {year, month_name(s.date), format_date(s.date)}, s);
  return t;
}

std::string to_csv(const Table& t) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(t.columns[i].key);
  }
  out += '\n';
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      const Cell& c = row[i];
      if (const auto* s = std::get_if<std::string>(&c)) out += csv_cell(*s);
      else if (const auto* n = std::get_if<int64_t>(&c)) fmt::format_to(std::back_inserter(out), "{}", *n);
      else if (const auto* d = std::get_if<double>(&c)) fmt::format_to(std::back_inserter(out), "{:.6f}", *d);
    }
    out += '\n';
  }
  return out;
}

std::string repair_utf8(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    size_t k = 1;
    if (len) {
      for (; k < len && i + k < n; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) break;
        cp = (cp << 6) | (d & 0x3F);
      }
    }
    if (len && k == len && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      // One replacement per bad lead byte; the continuation bytes that followed it are
      // consumed with it (at least one byte is always consumed).
      out += kReplacement;
      i += len ? std::max<size_t>(1, k) : 1;
    }
  }
  return out;
}

std::string safe_sheet_name(std::string_view s, std::string_view fallback) {
  std::string v = repair_utf8(s);
  for (char& c : v)
    if (c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20)
      c = '_';
  // At most 31 UTF-16 units (Excel's limit), cut at a character boundary.
  size_t units = 0, end = 0;
  while (end < v.size()) {
    const auto c = static_cast<unsigned char>(v[end]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    const size_t u = len == 4 ? 2 : 1;
    if (units + u > 31) break;
    units += u;
    end += len;
  }
  v.resize(end);
  while (!v.empty() && v.front() == '\'') v.erase(v.begin());
  while (!v.empty() && v.back() == '\'') v.pop_back();
  if (v.empty()) return fallback.empty() ? std::string("Sheet") : safe_sheet_name(fallback, "Sheet");
  std::string lower = v;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "history") v += '_';
  return v;
}

}  // namespace pathways
