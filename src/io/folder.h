// Reading a canonical data folder (formats.md) into a Dataset, with full validation.
//
// Every problem is reported with the file, line, column, offending value and reason.
// A folder with any error yields no dataset: callers must check `report.ok()` and
// compute nothing from bad data. Reading stops collecting after kMaxErrors errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "io/record.h"

namespace pathways {

struct Issue {
  std::string file;    // e.g. "people.csv"
  uint64_t line = 0;   // 1-based physical line; 0 = the file as a whole
  std::string column;  // column name, or "" when the issue is about a whole row/file
  std::string value;   // the offending text (shortened, made printable)
  std::string reason;
};

// "people.csv:12: column date_of_birth: '2023-02-30': not a real date".
std::string format_issue(const Issue& issue);

struct LoadReport {
  static constexpr size_t kMaxErrors = 1000;
  std::vector<Issue> errors;
  std::vector<Issue> warnings;
  size_t error_count = 0;  // may exceed errors.size() when capped
  bool ok() const { return error_count == 0; }
  void error(Issue issue);
  void warning(Issue issue);
};

struct LoadOptions {
  bool indicators = true;  // read indicators.csv when present
  // Keep names and postcodes. Aggregate reports do not need them: they are still
  // validated but not held in memory (less personal data in memory, a faster load).
  bool names = true;
};

// Reads DIR/people.csv, DIR/activities.csv and (when present) DIR/indicators.csv.
// On error returns an empty dataset and fills report.errors.
Dataset load_folder(const std::string& dir, const Rules& rules, LoadReport& report,
                    const LoadOptions& options = {});

// The same from any record sources (e.g. rows read back from the store). `indicators`
// may be null.
Dataset load_records(RecordSource& people, RecordSource& activities, RecordSource* indicators, const Rules& rules,
                     LoadReport& report, const LoadOptions& options = {});

// Cell checks shared by every reader of canonical or partner files. Each returns "" when
// the cell is acceptable, otherwise the reason to report.
std::string text_cell_problem(std::string_view value, bool required, size_t max_len);
// On success stores the date (kNoDate for an empty optional cell) in `out`.
std::string date_cell_problem(std::string_view value, bool required, Date& out);

// Printable, bounded copy of a cell for messages: control bytes and invalid UTF-8 are
// escaped and the text is cut at 60 characters.
std::string printable(std::string_view value);

// True when `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace pathways
