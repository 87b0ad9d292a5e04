// One synthetic young person: who they are, their Years 9-11 (school placements and the
// risk-of-NEET indicators of each year) and the latent propensities that drive their
// later outcome (NEET risk) and how well the tracking service keeps up with them.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/date.h"
#include "generate/random.h"
#include "generate/world.h"

namespace pathways::gen {

// A pre-16 placement: 110 at a school or PRU, 120 home education, 130 custody,
// 140 missing education, 150 not known. end = last day, kNoDate while it goes on.
struct Placement {
  uint16_t code = 110;
  Date start = kNoDate;
  Date end = kNoDate;
  Provider where;
};

// One row of indicators.csv (Years 9, 10, 11).
struct SchoolYear {
  int year = 0;        // academic year (start year)
  int year_group = 0;  // 9, 10, 11
  Provider school;     // main school placement of the year; empty when never at school
  int attendance10 = -1;  // attendance in tenths of a percent; -1 = no school sessions
  int suspensions = 0, exclusions = 0;
  bool fsm = false, cin = false, cp_plan = false, young_carer = false, home_instability = false,
       mental_health = false, camhs = false, substance_misuse = false, physical_health = false,
       missed_education = false, ehe = false, ap_pru = false;
  bool in_history = false;  // falls within the history window: written out
};

enum class Sen : uint8_t { kNone, kSupport, kEhcPlan };

struct Person {
  int64_t index = 0;
  int y12 = 0;            // academic year in which the person is in Year 12 (academic age 16)
  bool ehc_only = false;  // member of an older cohort kept for the EHC 18-24 group
  Date dob = kNoDate;
  char gender = 'U';
  int la = 0;              // residence LA (index into World::las)
  int school_la = 0;       // LA whose schools the person attends
  int ethnicity = 0;       // index into ethnicities()
  bool eal = false;
  const char* given_name = "";
  const char* family_name = "";
  char postcode[10] = {};  // e.g. "FY1 4QZ"

  // Latent traits: disadvantage, engagement with school, emotional wellbeing (all ~N(0,1)).
  double disadvantage = 0, engagement = 0, wellbeing = 0;

  bool fsm = false;
  Sen sen = Sen::kNone;
  bool looked_after = false, youth_offending = false, young_carer = false, mental_health = false,
       substance_misuse = false, refugee = false, alternative_provision = false, child_in_need = false,
       protection_plan = false, home_instability = false, physical_health = false;
  // Teenage parenthood: the child's birth and the start of the pregnancy (kNoDate if none).
  Date pregnancy = kNoDate, birth = kNoDate;
  bool caring_for_child = true;  // 120 rather than 190
  int attainment = 1;            // 0 low, 1 middle, 2 high

  Date arrive = kNoDate;  // first day known to the LA
  Date leave = kNoDate;   // moved away / died (cohort status T, E, D), kNoDate otherwise
  char cohort_status = 'P';
  bool mobile = false;

  Provider school;                  // Year 11 school (current school for Years 9-11)
  std::vector<Placement> placements;  // pre-16, in date order
  SchoolYear years[3];              // Years 9, 10, 11 (whether or not inside the history)

  double risk = 0;       // log of the NEET hazard multiplier
  double tracking = 0;   // log of the tracking-failure multiplier
  bool coached = false;  // on the engagement coaching caseload

  bool male() const { return gender == 'M'; }
  bool female() const { return gender == 'F'; }
  Date year12_start() const { return make_date(y12, 9, 1); }
  // Last day the LA tracks the person: end of Year 13, or of academic age 24 with an EHC plan.
  Date tracking_end() const;
};

// Draws person `index` (its own random stream, so any split over threads gives the same
// person) into `p`, reusing p's storage.
void make_person(const World& world, int64_t index, Rng& rng, Person& p);

// Characteristic codes (domain.md section 5) as written in people.csv, e.g. "110;160".
std::string characteristics_text(const World& world, const Person& p);

}  // namespace pathways::gen
