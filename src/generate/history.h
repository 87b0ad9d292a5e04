// What young people actually do after Year 11 (the outcome process) and what the LA's
// tracking service gets to record of it (the recording process).
//
// The two are kept apart on purpose (calibration.md: "not known is a tracking failure,
// not an outcome"): the outcome process draws spells of education, apprenticeship,
// employment, training, NEET and custody from the person's latent risk; the recording
// process then decides when each spell was first seen and re-verified, which it misses,
// and where the LA wrote an explicit 8xx "not known", using a tracking difficulty that is
// mostly independent of the outcome. The currency rules (domain.md section 4) applied to
// the recorded rows then produce not known where the records have lapsed.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/date.h"
#include "generate/person.h"
#include "generate/random.h"
#include "generate/world.h"

namespace pathways::gen {

enum class Kind : uint8_t {
  kEducation,           // 2xx
  kApprenticeship,      // 310
  kEmploymentTraining,  // 320 381 550
  kEmployment,          // 330 340 350 360 380
  kTraining,            // 4xx
  kOther,               // 530 re-engagement, 260 gap year
  kNeet,                // 540 6xx
  kCustody,             // 710
};

// NEET reasons of formats.md; kNone = not recorded.
enum class Reason : uint8_t { kNone, kAwaitingStart, kApplied, kSupported, kNotReady, kUnwilling };

// One true spell after Year 11. end = last day; kNoDate = still going when the
// simulation stops (the as-of date, the end of tracking or a move away).
struct Spell {
  uint16_t code = 0;
  Kind kind = Kind::kNeet;
  Date start = kNoDate;
  Date end = kNoDate;
  Date planned_end = kNoDate;  // end of course, apprenticeship, programme or sentence
  Date review = kNoDate;
  Provider provider;
  Reason reason = Reason::kNone;
};

enum class Source : uint8_t { kNone, kSchool, kProvider, kLa, kYoungPerson, kDwp, kCoach, kEmployer, kYot };

// One row of activities.csv.
struct ActivityRow {
  uint16_t code = 0;
  Date start = kNoDate, end = kNoDate, verified = kNoDate, review = kNoDate;
  Provider provider;
  Reason reason = Reason::kNone;
  Source source = Source::kNone;
};

// The true post-16 spells of p, in date order (empty when Year 12 starts after the as-of date).
void simulate_outcomes(const World& world, const Person& p, Rng& rng, std::vector<Spell>& spells);

// The rows the tracking service recorded: pre-16 placements and post-16 spells with their
// verifications, delays, gaps and explicit not-known records, in start-date order.
void record_activities(const World& world, const Person& p, const std::vector<Spell>& spells, Rng& rng,
                       std::vector<ActivityRow>& rows);

bool is_eet(Kind k);
const char* reason_name(Reason r);
const char* source_name(Source s);

}  // namespace pathways::gen
