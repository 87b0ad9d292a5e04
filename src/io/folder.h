// Reading a canonical data folder (formats.md) into a Dataset, with full validation.
//
// Every problem is reported with the file, line, column, offending value and reason.
// A folder with any error yields no dataset: callers must check `report.ok()` and
// compute nothing from bad data. Reading stops collecting after kMaxErrors errors.
#pragma once

#include <cstdint>
#include <memory>
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
  // The store only (load_store; folders ignore it): read each row as the store held it at
  // this store timestamp ("YYYY-MM-DDTHH:MM:SSZ"), the newest version an import had
  // recorded by then, leaving out rows first recorded later. "" reads the current versions.
  std::string recorded_by;
};

// Reads DIR/people.csv, DIR/activities.csv and (when present) DIR/indicators.csv.
// On error returns an empty dataset and fills report.errors.
Dataset load_folder(const std::string& dir, const Rules& rules, LoadReport& report,
                    const LoadOptions& options = {});

// The same from any record sources (e.g. rows read back from the store). `indicators`
// may be null.
Dataset load_records(RecordSource& people, RecordSource& activities, RecordSource* indicators, const Rules& rules,
                     LoadReport& report, const LoadOptions& options = {});

// Reads DIR/people.csv only, with the same checks as load_folder() (activities.csv must
// exist too): a dataset of people and its person index, no activities or indicators.
// Callers then stream the other files with ActivityStream and IndicatorStream.
Dataset load_people(const std::string& dir, const Rules& rules, LoadReport& report,
                    const LoadOptions& options = {});

// Rows of activities.csv, checked as load_folder() checks them, in file order.
struct ActivityChunk {
  Activities rows;              // the lapse columns are not filled
  std::vector<uint32_t> person;  // each row's person (index in the dataset)
  size_t size() const { return person.size(); }
  void clear();
};

// Reads activities.csv a chunk at a time, for loaders that must not hold the whole file
// (the store's folder import). `ds` holds the people the rows refer to (load_people);
// providers and sources are added to its dictionaries. Bad rows go to `report` and are
// left out of the chunks. finish(), after the last chunk, reports rows that repeat an
// earlier row's person, activity_code and start_date: to do so the stream keeps 16 bytes
// per row read, the only memory that grows with the file.
class ActivityStream {
 public:
  ActivityStream(RecordSource& csv, const Rules& rules, Dataset& ds, LoadReport& report);
  ~ActivityStream();
  // Fills `out` (cleared first) with up to `max_rows` good rows; false when it got none
  // (end of file, a bad header, or the report's error cap reached).
  bool next(ActivityChunk& out, size_t max_rows);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Rows of indicators.csv, checked as load_folder() checks them, in file order.
struct IndicatorChunk {
  Indicators rows;
  std::vector<uint32_t> line;  // each row's line in the file
  size_t size() const { return line.size(); }
  void clear();
};

// The same for indicators.csv; finish() reports a second row for the same person and
// academic year (16 bytes kept per row read).
class IndicatorStream {
 public:
  IndicatorStream(RecordSource& csv, Dataset& ds, LoadReport& report);
  ~IndicatorStream();
  bool next(IndicatorChunk& out, size_t max_rows);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

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
