// Writing coaching records (coaching/records.h) back out as the canonical folder's coaching/
// files (formats.md, and the panel_referrals.csv extension of docs/coaching.md), so that
// `pathways import` of the folder reads back the same records: the export of a store is a
// folder's coaching/ part.
//
// Files: coaching/caseload.csv, sessions.csv, assessments.csv, contacts.csv and
// panel_referrals.csv, each with its header and every column (empty cell = no value), rows in
// the order given. Cells are quoted per RFC 4180 when they hold a comma, quote or line break;
// nothing else is changed (no spreadsheet formula guard: these are data files to be read
// back, not reports). Each file is written through a temporary file and a rename.
#pragma once

#include <cstdint>
#include <string>

#include "coaching/records.h"
#include "engine/dataset.h"

namespace pathways {

struct CoachingExportSummary {
  int64_t caseload = 0, sessions = 0, assessments = 0, contacts = 0, referrals = 0;
};

// Writes DIR/coaching/*.csv (creating the folders). Person indexes are into `people`.
CoachingExportSummary write_coaching_folder(const std::string& dir, const Dataset& people, const CoachingRecords& records);

}  // namespace pathways
