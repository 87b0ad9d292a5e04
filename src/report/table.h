// A small report-table model shared by the spreadsheet outputs: the CSV of `--format csv`
// (render.cc) and the XLSX workbook (export/xlsx.h) are both written from Tables, so the
// two cannot drift apart.
//
// A Table is one sheet: a name, a title, the date(s) its figures describe, typed columns and
// rows of cells. Percentages are stored unrounded as percentage values (40.0 means 40%,
// the same scale as the JSON output and Counts::pct()), never as fractions; rounding is a
// display matter for the writer (XLSX number format "0.0", headers ending in "%").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "report/participation.h"

namespace pathways {

enum class ColumnKind {
  kText,     // written as a text cell, never as a formula
  kCount,    // whole number of people or days
  kPercent,  // percentage value, 0-100, unrounded
  kDecimal,  // any other fractional number (e.g. days per person)
};

struct Column {
  std::string key;     // machine name, the CSV header: "neet_pct"
  std::string header;  // for people, the XLSX header: "NEET %" (percent headers end in "%")
  ColumnKind kind = ColumnKind::kText;
};

// An empty cell, text, a count or a fractional number. The column's kind decides how a
// number is formatted; a cell's own type decides how it is stored.
using Cell = std::variant<std::monostate, std::string, int64_t, double>;

struct Table {
  std::string sheet_name;  // Excel-safe: see safe_sheet_name()
  std::string title;       // "Statutory report for 2025-01: by gender"
  std::string data_date;   // snapshot date(s) the figures describe: "2025-01-31"
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;

  // Appends a column; returns *this so columns can be chained.
  Table& add(std::string key, std::string header, ColumnKind kind);
};

// The workbook of a statutory (end-of-month) report:
//   "Summary"          headline counts and percentages of the 16-17 cohort, NEET joiners,
//                      leavers, days NEET and people NEET in the month
//   "Days NEET"        days NEET in the month per person (cohort, and people NEET in month)
//   "By age", "By gender", "By SEN status", "By ethnicity", "By characteristic",
//   "By vulnerable group", "By school"   one sheet per breakdown (all counts, 4 percentages)
//   "SEND 18-24"       the academic age 18-24 EHC-plan cohort, reported separately
std::vector<Table> to_tables(const StatutoryReport& r);

// The workbook of an annual report:
//   "Annual"           the Dec-Feb mean percentages and the end-of-March participation
//   "Monthly"          the four snapshots (Dec, Jan, Feb, Mar): all counts and percentages
//   "By age", ...      one sheet per breakdown, the rows of each of the four months in turn
//                      (a "Month" column first)
//   "SEND 18-24"       the 18-24 EHC-plan cohort in each of the four months
std::vector<Table> to_tables(const AnnualReport& r);

// The single long table of `--format csv`: one row per breakdown row ("all", each
// breakdown, "send_18_24"), led by month and snapshot_date (statutory) or year, month and
// snapshot_date (annual). to_csv() of these is the contract CSV of formats.md.
Table long_table(const StatutoryReport& r);
Table long_table(const AnnualReport& r);

// CSV of a table: a header line of the column keys, then one line per row. Text goes
// through csv_cell() (quoted when needed, formula-looking text prefixed with '), counts
// are whole numbers, percentages and decimals are written with six decimal places, empty
// cells are empty.
std::string to_csv(const Table& t);

// `s` with every byte that is not part of well-formed UTF-8 (stray continuation bytes,
// truncated or overlong sequences, surrogates, code points above U+10FFFF) replaced by
// U+FFFD. Valid input comes back unchanged.
std::string repair_utf8(std::string_view s);

// A name Excel accepts for a sheet: valid UTF-8, none of [ ] : * ? / \ (replaced by '_'),
// no apostrophe first or last, not empty (then `fallback`), not the reserved "History", at
// most 31 characters (cut at a character boundary).
std::string safe_sheet_name(std::string_view s, std::string_view fallback = "Sheet");

}  // namespace pathways
