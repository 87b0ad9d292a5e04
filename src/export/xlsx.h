// Excel workbooks (.xlsx) of report tables (report/table.h), written with libxlsxwriter.
//
// Each Table becomes one worksheet:
//   row 1  the title, bold
//   row 2  "Data date: <the snapshot date(s)>"
//   row 3  the column headers, bold, with an autofilter; the pane is frozen below this row
//   row 4+ the data rows
// Counts are numbers formatted "#,##0". Percentages are stored unrounded as the percentage
// value (40.0 means 40%, as in the JSON output), formatted "0.0", and their headers end in
// "%"; they are never stored as fractions with a "0.0%" format. Decimals use "#,##0.00".
// Column widths follow the longest header or cell (bounded).
//
// Text is always written as a string cell (never a formula, whatever it starts with; the
// apostrophe prefix of csv_cell() is a CSV-only defence and is not added here). Before
// writing, text is made safe for the XML inside the file: invalid UTF-8 bytes become U+FFFD,
// NUL and the non-characters U+FFFE/U+FFFF become U+FFFD, literal "_xHHHH_" sequences are
// escaped so Excel shows them as typed, and text longer than Excel's 32,767-character cell
// limit is cut there. Sheet names are made Excel-safe and unique.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/table.h"

namespace pathways {

// Writes `sheets` to `path` as an .xlsx workbook. The workbook is written to
// `path + ".tmp"` and renamed over `path` only when complete, so a failed export leaves
// `path` as it was (absent, or the previous file) and removes the temporary file.
// Throws std::runtime_error naming the path and libxlsxwriter's (and the system's) error
// on failure, e.g. a directory that does not exist or cannot be written (libxlsxwriter also
// prints its own "[ERROR] ..." line to stderr then). Sheet names are made safe and unique
// ("Summary", "summary (2)"); an empty `sheets` gives a workbook with one empty "Sheet1".
void write_xlsx(const std::string& path, const std::vector<Table>& sheets);

// The text written for a string cell (see above); exposed for tests.
std::string xlsx_text(std::string_view s);

}  // namespace pathways
