// Writing coaching records (coaching/records.h) back out as the canonical folder's coaching/
// files (formats.md, and the panel_referrals.csv extension of docs/coaching.md), so that
// `pathways import` of the folder reads back the same records: the export of a store is a
// folder's coaching/ part.
//
// Files: coaching/caseload.csv, sessions.csv, assessments.csv, contacts.csv,
// panel_referrals.csv, notes.csv and action_plans.csv, each with its header and every column
// (empty cell = no value). Rows of the first five in the order given; notes and plans in key
// order (person_id, date, coach_id, text; person_id, plan_date, goal, then step_no), a note
// recorded twice in the same words once (confidential when either copy is), two plans of the
// same identity as one (the later one's steps numbered on after the earlier one's), a plan
// without steps as one row with empty step cells; confidential as Y or N. Cells are quoted per
// RFC 4180 when they hold a comma, quote or line break; nothing else is changed (no
// spreadsheet formula guard: text starting with = + - @ is written as it is, these being data
// files to be read back, not reports). Each file is written through a temporary file and a
// rename.
#pragma once

#include <cstdint>
#include <string>

#include "coaching/records.h"
#include "engine/dataset.h"

namespace pathways {

struct CoachingExportSummary {
  int64_t caseload = 0, sessions = 0, assessments = 0, contacts = 0, referrals = 0;
  int64_t notes = 0, plans = 0, plan_steps = 0;
};

// Writes DIR/coaching/*.csv (creating the folders). Person indexes are into `people`.
CoachingExportSummary write_coaching_folder(const std::string& dir, const Dataset& people, const CoachingRecords& records);

}  // namespace pathways
