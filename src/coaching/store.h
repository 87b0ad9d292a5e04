// Engagement coaching records (coaching/records.h) in the store: caseload episodes in
// caseload_episodes (migration 4), sessions, assessments and contacts in coaching_sessions,
// coaching_assessments and coaching_contacts (migration 5), panel referrals, notes and action
// plans in panel_referrals, coaching_notes, action_plans and action_plan_steps (migration 7).
//
// Identity (records.h's duplicate rules): an episode by (person, coach_id, joined_date); a
// session by (person, session_number); an assessment by (person, assessment, date); a contact
// by (person, date, coach_id, contact_with, mode); a referral by (person, referred_date); a
// note by (person, date, coach_id, text), its confidential flag the value; a plan by (person,
// plan_date, goal) (the earliest stored plan of it; numbered by the store), its coach_id and
// closed_date the values; a step by (plan, step_no). A note or plan added by import is
// written_by / recorded_by the importing user.
//
// Unlike people, activities and indicators (store/store.h), coaching rows are NOT versioned:
// a changed row is updated in place (its recorded_by/recorded_at say who last changed it),
// e.g. an episode's left_date, leave_reason, school_id or programme recorded later, or a
// session's date, coach or mode. Rows absent from a later import are kept (an import only
// adds and updates). Importing the same records again changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coaching/import.h"
#include "coaching/records.h"
#include "engine/dataset.h"
#include "io/folder.h"
#include "store/db.h"

namespace pathways {

// Writes `records` (whose person indexes are into `people`) in one transaction under the
// writers' lock (db.begin_exclusive()): all of it or nothing. Applies migrations first.
CoachingImportSummary import_coaching(Db& db, const CoachingRecords& records, const Dataset& people,
                                      const std::string& imported_by);

// The same inside a transaction the caller opened with begin_exclusive() (after migrate())
// and commits or rolls back, e.g. together with import_dataset_locked() so a whole folder
// is stored all or nothing.
CoachingImportSummary import_coaching_locked(Db& db, const CoachingRecords& records, const Dataset& people,
                                             const std::string& imported_by);

// Only the caseload episodes (what coaching/caseload.h's import_caseload writes), inside a
// caller's begin_exclusive() transaction.
CoachingTableImport import_caseload_locked(Db& db, const std::vector<CaseloadEpisode>& episodes,
                                           const Dataset& people, const std::string& imported_by);

// Reads the stored coaching records back into the in-memory model, person indexes into
// `people` (e.g. load_store()'s dataset). Rows of people not in `people` are skipped with a
// warning in `report`. Rows come in key order (person_id, then the rest of the key), not
// the order of any file; `line` is the row's position in that order (1-based). One
// snapshot (a read transaction of its own).
CoachingRecords load_coaching(Db& db, const Dataset& people, LoadReport& report);

}  // namespace pathways
