// Notes on a young person and their action plans (domain.md section 8: sessions 1 and 2 are
// the initial and detailed action plans; section 10: role-based access), in the store
// (migration 7: coaching_notes, action_plans, action_plan_steps).
//
//   note         a dated text about a young person, written by a user, optionally
//                confidential. Who reads what is the server's rule (server/access.h): a
//                confidential note is read by LA staff (admin, data officer) and by coaches
//                who may see the person (their caseload), never by a school, which sees the
//                rest of the coaching summary.
//   action plan  a goal for a young person, opened on a date (and closed on one when done),
//                with numbered steps: an action (what, due by a date, done on a date) or a
//                review (the plan reviewed on a date, with what was found).
//
// Notes, plans and steps are only added (and a step marked done, a plan closed); they are
// numbered by the store (note_id, plan_id; step_no within a plan). The records themselves
// (CoachingNote, ActionPlan) are in coaching/records.h: they also travel as the folder's
// coaching/notes.csv and coaching/action_plans.csv (imported by coaching/store.h, written by
// coaching/export.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coaching/records.h"
#include "domain/date.h"
#include "engine/dataset.h"
#include "store/db.h"

namespace pathways {

struct NotesAndPlans {
  std::vector<CoachingNote> notes;  // by person, date, id
  std::vector<ActionPlan> plans;    // by person, created, id
};

// Everything stored, person indexes into `people` (rows of other people are skipped).
NotesAndPlans load_notes_and_plans(Db& db, const Dataset& people);

// Each writes one row in its own transaction under the writers' lock; returns the new id.
int64_t add_note(Db& db, const std::string& person_id, Date date, bool confidential, const std::string& body,
                 const std::string& coach_id, const std::string& written_by);
int64_t add_action_plan(Db& db, const std::string& person_id, Date created, const std::string& goal,
                        const std::string& coach_id, const std::string& recorded_by);
// The next step of the plan (returns its step_no); throws std::invalid_argument for no such plan.
int add_plan_step(Db& db, int64_t plan_id, bool review, Date date, const std::string& body, const std::string& recorded_by);
// Marks an action done on `done`; false when there is no such step.
bool mark_step_done(Db& db, int64_t plan_id, int step_no, Date done, const std::string& recorded_by);

}  // namespace pathways
