// The report-table model (report/table.h) that the CSV and XLSX outputs are written from:
// sheet layout, column kinds and the hand-worked numbers of the cohorts of cohorts.h.
#include "report/table.h"

#include <gtest/gtest.h>

#include <set>

#include "cohorts.h"
#include "report/render.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

// The statutory cohort of cohorts.h, January 2025, LA 890, whose figures are worked out by
// hand in the comment there.
StatutoryReport statutory_fixture(const TempDir& dir, Dataset& ds) {
  testing::write_statutory_cohort(dir);
  ds = testing::load_valid(dir);
  ReportScope scope;
  scope.la = 890;
  return statutory_report(ds, Rules::defaults(), 2025, 1, scope);
}

// The annual cohort of cohorts.h, 2024-25, no LA, whose figures are worked out by hand in
// the comment there.
AnnualReport annual_fixture(const TempDir& dir, Dataset& ds) {
  testing::write_annual_cohort(dir);
  ds = testing::load_valid(dir);
  return annual_report(ds, Rules::defaults(), 2024, {});
}

const Table& sheet(const std::vector<Table>& tables, const std::string& name) {
  for (const auto& t : tables)
    if (t.sheet_name == name) return t;
  ADD_FAILURE() << "no sheet " << name;
  static Table none;
  return none;
}

size_t col(const Table& t, const std::string& key) {
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].key == key) return i;
  ADD_FAILURE() << "no column " << key << " in " << t.sheet_name;
  return 0;
}

// The row whose cells at the leading text columns equal `lead`.
const std::vector<Cell>& row(const Table& t, const std::vector<std::string>& lead) {
  for (const auto& r : t.rows) {
    bool match = r.size() >= lead.size();
    for (size_t i = 0; match && i < lead.size(); ++i) {
      const auto* s = std::get_if<std::string>(&r[i]);
      match = s && *s == lead[i];
    }
    if (match) return r;
  }
  ADD_FAILURE() << "no row starting " << (lead.empty() ? "" : lead[0]) << " in " << t.sheet_name;
  static std::vector<Cell> none(64);
  return none;
}

int64_t count(const std::vector<Cell>& r, size_t i) {
  const auto* v = std::get_if<int64_t>(&r.at(i));
  if (!v) ADD_FAILURE() << "cell " << i << " is not a count";
  return v ? *v : -1;
}

double number(const std::vector<Cell>& r, size_t i) {
  const auto* v = std::get_if<double>(&r.at(i));
  if (!v) ADD_FAILURE() << "cell " << i << " is not a fractional number";
  return v ? *v : -1;
}

bool empty(const std::vector<Cell>& r, size_t i) { return std::holds_alternative<std::monostate>(r.at(i)); }

// Shape rules every table keeps: a valid unique sheet name, a title and data date, every row
// as wide as the header, every cell of the column's kind (or empty), percent headers end in %.
void check_shape(const std::vector<Table>& tables) {
  std::set<std::string> names;
  for (const auto& t : tables) {
    SCOPED_TRACE(t.sheet_name);
    EXPECT_EQ(t.sheet_name, safe_sheet_name(t.sheet_name));
    EXPECT_TRUE(names.insert(t.sheet_name).second) << "duplicate sheet name";
    EXPECT_FALSE(t.title.empty());
    EXPECT_FALSE(t.data_date.empty());
    ASSERT_FALSE(t.columns.empty());
    for (const auto& c : t.columns) {
      EXPECT_FALSE(c.key.empty());
      EXPECT_FALSE(c.header.empty());
      if (c.kind == ColumnKind::kPercent) {
        EXPECT_EQ(c.header.back(), '%') << c.header;
      }
    }
    for (const auto& r : t.rows) {
      ASSERT_EQ(r.size(), t.columns.size());
      for (size_t i = 0; i < r.size(); ++i) {
        if (std::holds_alternative<std::monostate>(r[i])) continue;
        switch (t.columns[i].kind) {
          case ColumnKind::kText: EXPECT_TRUE(std::holds_alternative<std::string>(r[i])) << i; break;
          case ColumnKind::kCount: EXPECT_TRUE(std::holds_alternative<int64_t>(r[i])) << i; break;
          default: EXPECT_TRUE(std::holds_alternative<double>(r[i])) << i; break;
        }
      }
    }
  }
}

TEST(TableTest, StatutorySheets) {
  TempDir dir;
  Dataset ds;
  const auto tables = to_tables(statutory_fixture(dir, ds));
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.sheet_name);
  EXPECT_EQ(names, (std::vector<std::string>{"Summary", "Days NEET", "By age", "By gender", "By SEN status",
                                             "By ethnicity", "By characteristic", "By vulnerable group", "By school",
                                             "SEND 18-24"}));
  check_shape(tables);
  for (const auto& t : tables)
    EXPECT_EQ(t.data_date, t.sheet_name == "Days NEET" ? "2025-01-01 to 2025-01-31" : "2025-01-31") << t.sheet_name;
  EXPECT_NE(tables[0].title.find("2025-01"), std::string::npos) << tables[0].title;
}

TEST(TableTest, StatutorySummaryHasTheHandWorkedFigures) {
  TempDir dir;
  Dataset ds;
  const auto tables = to_tables(statutory_fixture(dir, ds));
  const Table& s = sheet(tables, "Summary");
  ASSERT_EQ(s.columns.size(), 3u);
  EXPECT_EQ(s.columns[0].kind, ColumnKind::kText);
  EXPECT_EQ(s.columns[1].kind, ColumnKind::kCount);
  EXPECT_EQ(s.columns[2].kind, ColumnKind::kPercent);
  auto check = [&](const char* measure, int64_t n, double pct) {
    const auto& r = row(s, {measure});
    EXPECT_EQ(count(r, 1), n) << measure;
    if (pct < 0) EXPECT_TRUE(empty(r, 2)) << measure;
    else EXPECT_DOUBLE_EQ(number(r, 2), pct) << measure;
  };
  check("Cohort (denominator)", 10, -1);
  check("Custody (excluded from the cohort)", 1, -1);
  check("Participating (RPA)", 2, 20.0);
  check("EET, not participating", 1, 10.0);
  check("NEET", 4, 40.0);
  check("NEET, available", 2, 20.0);
  check("NEET, not available", 2, 20.0);
  check("Not known", 3, 30.0);
  check("NEET and not known", 7, 70.0);
  check("Joined NEET in month", 1, -1);
  check("Left NEET in month", 1, -1);
  check("Days NEET in month", 117, -1);
  check("People NEET at any time in month", 5, -1);

  const Table& d = sheet(tables, "Days NEET");
  const auto& cohort = row(d, {"Cohort at month end"});
  EXPECT_EQ(count(cohort, 1), 10);
  EXPECT_EQ(count(cohort, 2), 117);
  EXPECT_DOUBLE_EQ(number(cohort, 3), 11.7);
  const auto& neet = row(d, {"People NEET at any time in month"});
  EXPECT_EQ(count(neet, 1), 5);
  EXPECT_DOUBLE_EQ(number(neet, 3), 117.0 / 5.0);

  const Table& send = sheet(tables, "SEND 18-24");
  EXPECT_EQ(count(row(send, {"Cohort (denominator)"}), 1), 1);
  EXPECT_EQ(count(row(send, {"NEET"}), 1), 1);
  EXPECT_DOUBLE_EQ(number(row(send, {"NEET"}), 2), 100.0);
}

TEST(TableTest, StatutoryBreakdownsAreUnroundedAndComplete) {
  TempDir dir;
  Dataset ds;
  const auto tables = to_tables(statutory_fixture(dir, ds));
  const Table& age = sheet(tables, "By age");
  std::vector<std::string> keys;
  for (const auto& c : age.columns) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"key", "label", "cohort", "custody", "participating",
                                            "eet_not_participating", "neet", "neet_available", "neet_not_available",
                                            "not_known", "neet_pct", "not_known_pct", "neet_nk_pct",
                                            "participation_pct"}));
  ASSERT_EQ(age.rows.size(), 2u);
  const auto& a16 = row(age, {"16", "Age 16"});
  EXPECT_EQ(count(a16, col(age, "cohort")), 7);
  EXPECT_EQ(count(a16, col(age, "custody")), 1);
  EXPECT_EQ(count(a16, col(age, "neet")), 1);
  EXPECT_EQ(count(a16, col(age, "not_known")), 3);
  EXPECT_DOUBLE_EQ(number(a16, col(age, "neet_pct")), 100.0 / 7.0);  // unrounded: 14.2857...
  EXPECT_DOUBLE_EQ(number(a16, col(age, "neet_nk_pct")), 400.0 / 7.0);
  const auto& a17 = row(age, {"17"});
  EXPECT_EQ(count(a17, col(age, "cohort")), 3);
  EXPECT_DOUBLE_EQ(number(a17, col(age, "neet_pct")), 100.0);

  const Table& gender = sheet(tables, "By gender");
  auto g = [&](const char* key, int64_t cohort, int64_t neet, int64_t nk) {
    const auto& r = row(gender, {key});
    EXPECT_EQ(count(r, col(gender, "cohort")), cohort) << key;
    EXPECT_EQ(count(r, col(gender, "neet")), neet) << key;
    EXPECT_EQ(count(r, col(gender, "not_known")), nk) << key;
    EXPECT_DOUBLE_EQ(number(r, col(gender, "not_known_pct")), 100.0 * nk / cohort) << key;
  };
  g("F", 4, 1, 1);
  g("M", 5, 3, 1);
  g("X", 1, 0, 1);

  const Table& school = sheet(tables, "By school");
  ASSERT_EQ(school.rows.size(), 4u);
  for (const char* s : {"S1", "S2", "S3"}) EXPECT_EQ(count(row(school, {s}), col(school, "cohort")), 3) << s;
  const auto& none = row(school, {"", "No school recorded"});
  EXPECT_EQ(count(none, col(school, "neet")), 1);

  const Table& vg = sheet(tables, "By vulnerable group");
  EXPECT_EQ(count(row(vg, {"yes"}), col(vg, "cohort")), 2);
  EXPECT_EQ(count(row(vg, {"no"}), col(vg, "cohort")), 8);
}

TEST(TableTest, AnnualSheets) {
  TempDir dir;
  Dataset ds;
  const auto tables = to_tables(annual_fixture(dir, ds));
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.sheet_name);
  EXPECT_EQ(names, (std::vector<std::string>{"Annual", "Monthly", "By age", "By gender", "By SEN status",
                                             "By ethnicity", "By characteristic", "By vulnerable group", "By school",
                                             "Annual by group", "SEND 18-24"}));
  check_shape(tables);
  for (const auto& t : tables) EXPECT_EQ(t.data_date, "2024-12-31, 2025-01-31, 2025-02-28, 2025-03-31");

  const Table& a = sheet(tables, "Annual");
  ASSERT_EQ(a.rows.size(), 4u);
  EXPECT_EQ(std::get<std::string>(a.rows[0][1]), "2024-12, 2025-01, 2025-02");
  EXPECT_NEAR(number(a.rows[0], 2), 50.0 / 3.0, 1e-9);
  EXPECT_NEAR(number(a.rows[1], 2), 100.0 / 3.0, 1e-9);
  EXPECT_NEAR(number(a.rows[2], 2), 50.0, 1e-9);
  EXPECT_EQ(std::get<std::string>(a.rows[3][1]), "2025-03");
  EXPECT_DOUBLE_EQ(number(a.rows[3], 2), 25.0);

  const Table& m = sheet(tables, "Monthly");
  ASSERT_EQ(m.rows.size(), 4u);
  const char* months[] = {"2024-12", "2025-01", "2025-02", "2025-03"};
  const int64_t neet[] = {1, 1, 0, 0}, nk[] = {1, 1, 2, 3};
  for (size_t k = 0; k < 4; ++k) {
    const auto& r = row(m, {months[k]});
    EXPECT_EQ(count(r, col(m, "cohort")), 4) << months[k];
    EXPECT_EQ(count(r, col(m, "neet")), neet[k]) << months[k];
    EXPECT_EQ(count(r, col(m, "not_known")), nk[k]) << months[k];
    EXPECT_DOUBLE_EQ(number(r, col(m, "not_known_pct")), 25.0 * static_cast<double>(nk[k])) << months[k];
  }
  EXPECT_DOUBLE_EQ(number(row(m, {"2025-03"}), col(m, "participation_pct")), 25.0);

  // Each breakdown sheet holds every month's rows, led by the month.
  const Table& age = sheet(tables, "By age");
  EXPECT_EQ(age.columns[0].key, "month");
  ASSERT_EQ(age.rows.size(), 8u);
  EXPECT_EQ(count(row(age, {"2025-02", "16"}), col(age, "not_known")), 1);
  EXPECT_EQ(count(row(age, {"2024-12", "17"}), col(age, "participating")), 1);

  const Table& mean = sheet(tables, "Annual by group");
  const auto& m16 = row(mean, {"age", "16"});
  EXPECT_DOUBLE_EQ(number(m16, col(mean, "cohort")), 2.0);
  EXPECT_NEAR(number(m16, col(mean, "neet_pct")), 100.0 / 3.0, 1e-9);
  EXPECT_NEAR(number(m16, col(mean, "not_known_pct")), 50.0 / 3.0, 1e-9);
  EXPECT_NEAR(number(m16, col(mean, "neet_nk_pct")), 50.0, 1e-9);
  const auto& m17 = row(mean, {"age", "17"});
  EXPECT_NEAR(number(m17, col(mean, "neet_pct")), 0.0, 1e-9);
  EXPECT_NEAR(number(m17, col(mean, "not_known_pct")), 50.0, 1e-9);

  EXPECT_EQ(sheet(tables, "SEND 18-24").rows.size(), 4u);
}

// The contract CSV is the long table written by to_csv: the statutory CSV's first lines by hand.
TEST(TableTest, CsvOfTheLongTable) {
  TempDir dir;
  Dataset ds;
  const StatutoryReport r = statutory_fixture(dir, ds);
  const std::string csv = to_csv(long_table(r));
  EXPECT_EQ(csv, render(r, Format::kCsv));
  EXPECT_EQ(csv.substr(0, csv.find('\n') + 1),
            "month,snapshot_date,breakdown,key,label,cohort,custody,participating,eet_not_participating,neet,"
            "neet_available,neet_not_available,not_known,neet_pct,not_known_pct,neet_nk_pct,participation_pct\n");
  EXPECT_NE(csv.find("\n2025-01,2025-01-31,all,,Academic age 16-17,10,1,2,1,4,2,2,3,40.000000,30.000000,"
                     "70.000000,20.000000\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\n2025-01,2025-01-31,age,16,Age 16,7,1,2,1,1,0,1,3,14.285714,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n2025-01,2025-01-31,send_18_24,,Academic age 18-24 with an EHC plan,1,"), std::string::npos);

  TempDir adir;
  Dataset ads;
  const AnnualReport a = annual_fixture(adir, ads);
  const std::string acsv = to_csv(long_table(a));
  EXPECT_EQ(acsv, render(a, Format::kCsv));
  EXPECT_EQ(acsv.substr(0, 30), "year,month,snapshot_date,break");
  EXPECT_NE(acsv.find("\n2024-25,2025-02,2025-02-28,all,,Academic age 16-17,4,0,1,1,0,0,0,2,0.000000,50.000000,"),
            std::string::npos)
      << acsv;
}

TEST(TableTest, CsvCellsAreQuotedAndDefused) {
  Table t;
  t.add("a", "A", ColumnKind::kText).add("n", "N", ColumnKind::kCount).add("p", "P %", ColumnKind::kPercent);
  t.rows.push_back({std::string("=cmd|' /C calc'!A0"), int64_t{1234567}, 100.0 / 3.0});
  t.rows.push_back({std::string("a,\"b\"\nc"), Cell(), Cell()});
  t.rows.push_back({std::string("-1"), int64_t{-2}, 0.0});
  EXPECT_EQ(to_csv(t),
            "a,n,p\n"
            "'=cmd|' /C calc'!A0,1234567,33.333333\n"
            "\"a,\"\"b\"\"\nc\",,\n"
            "'-1,-2,0.000000\n");
}

TEST(TableTest, RepairUtf8) {
  const std::string ok = "plain, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80";
  EXPECT_EQ(repair_utf8(ok), ok);
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(repair_utf8("a\xFF" "b"), "a" + fffd + "b");
  EXPECT_EQ(repair_utf8("a\xE2\x82"), "a" + fffd);               // truncated sequence
  EXPECT_EQ(repair_utf8("\xC0\xAF"), fffd + fffd);                // overlong '/'
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), fffd);                   // UTF-16 surrogate
  EXPECT_EQ(repair_utf8("\xF4\x90\x80\x80"), fffd);               // above U+10FFFF
  EXPECT_EQ(repair_utf8("\x80\x80x"), fffd + fffd + "x");         // stray continuation bytes
  EXPECT_EQ(repair_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));  // NUL is valid UTF-8
}

TEST(TableTest, SafeSheetName) {
  EXPECT_EQ(safe_sheet_name("By school"), "By school");
  EXPECT_EQ(safe_sheet_name("a[b]:c*?/\\d"), "a_b__c____d");
  EXPECT_EQ(safe_sheet_name(std::string(40, 'x')), std::string(31, 'x'));
  EXPECT_EQ(safe_sheet_name("'quoted'"), "quoted");
  EXPECT_EQ(safe_sheet_name(""), "Sheet");
  EXPECT_EQ(safe_sheet_name("''", "Other"), "Other");
  EXPECT_EQ(safe_sheet_name("History"), "History_");
  EXPECT_EQ(safe_sheet_name("bad\xFF"), "bad\xEF\xBF\xBD");
  // 31 units at most, counted as Excel does (UTF-16), never cutting a character in two.
  EXPECT_EQ(safe_sheet_name(std::string(30, 'x') + "\xC3\xA9" + "y"), std::string(30, 'x') + "\xC3\xA9");
  EXPECT_EQ(safe_sheet_name(std::string(30, 'x') + "\xF0\x9F\x98\x80"), std::string(30, 'x'));
}

}  // namespace
}  // namespace pathways
