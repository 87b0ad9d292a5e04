// The engagement coaching programme of the la preset (domain.md section 8, seed 000:
// Blackpool's "Pathways for All"): coaches attached to schools take Year 11 pupils flagged
// at risk of NEET onto a caseload, run sessions 1-7 and assessments with them, keep in
// touch through Year 12, and record why each young person leaves the caseload.
#pragma once

#include <string_view>
#include <vector>

#include "generate/csv_out.h"
#include "generate/history.h"
#include "generate/person.h"
#include "generate/random.h"
#include "generate/world.h"

namespace pathways::gen {

struct CoachingOut {
  CsvOut caseload, sessions, assessments, contacts, referrals, notes, plans;
};

// Year 11 selection, made before the person's outcomes are drawn (coaching lowers the
// NEET hazard a little): high latent risk as a RONI list would see it, and consent.
void select_for_coaching(const World& world, Person& p, Rng& rng);

// Writes the coaching records of p (a Year 11 joiner, or a Year 12 joiner found NEET in
// the autumn), and p's referral to the NEET vulnerable group panel when their school refers
// them in Year 11 (coaching/panel_referrals.csv: pupils of the programme's schools at high
// latent risk, the schools prioritising those they see most at risk, RAG rated by it, with
// the panel's decision a few weeks later). Nothing for
// people outside the programme's schools. The referral and the leave reasons' extra variety
// draw from a generator of their own (keyed by person_id), so the other coaching records are
// the same as without them.
//
// Each young person on the caseload also has 1-3 notes by the coach over their first year
// on it (coaching/notes.csv; about one in ten confidential), and one with session 1 (the
// initial action plan) an action plan opened on that day (coaching/action_plans.csv): a goal,
// 2-3 actions due over the following weeks (most done by their due date or soon after, when
// that has come), and a review on the day of session 5 when there was one; the plan is
// closed when the young person leaves the caseload. Notes and plans draw from a further
// generator of their own, so every other file is the same as without them.
void write_coaching(const World& world, const Person& p, const std::vector<Spell>& spells, Rng& rng,
                    std::string_view person_id, CoachingOut& out);

}  // namespace pathways::gen
