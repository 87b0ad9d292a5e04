// The fixed frame a synthetic data set is drawn in: the preset's dates and cohorts, the
// local authorities with their schools, colleges and providers, and the small
// vocabularies (names, ethnicity codes, postcodes). Built once, read by every thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/date.h"
#include "generate/generate.h"

namespace pathways::gen {

// A local authority as the generator sees it.
struct La {
  uint16_t code = 0;
  double weight = 0;           // relative size of a year group
  std::string postcode_area;   // e.g. "FY"
  int district_lo = 1, district_hi = 9;
  int diversity = 0;           // -1 (almost all White British) .. 2 (inner London)
  double deprivation = 0;      // mean of the latent disadvantage of its children
  double neet_factor = 1;      // local labour market: multiplies the NEET hazard
  double tracking = 1;         // quality of the tracking service: multiplies tracking failures
  int schools = 1;             // mainstream secondary schools: SCH...001 ..
  int sixth_form_schools = 1;  // the first n schools have a sixth form
  int colleges = 1;            // COL...001 is a general FE college, 002 a sixth form college
  int training_providers = 2;  // TP...
  int employers = 50;          // EMP...
};

// Kinds of provider_id / school_id.
enum class ProviderKind : uint8_t { kNone, kSchool, kPru, kCollege, kTraining, kEmployer };

struct Provider {
  ProviderKind kind = ProviderKind::kNone;
  uint16_t la = 0;    // index into World::las
  uint16_t number = 0;  // 1-based
  bool empty() const { return kind == ProviderKind::kNone; }
};

// One block of people who share a Year 12 start year.
struct Segment {
  int y12 = 0;             // academic year (start) in which they are in Year 12
  bool ehc_only = false;   // an older cohort kept only for the EHC plan 18-24 group
  int64_t first = 0;       // index of the first person
  int64_t count = 0;
};

struct World {
  bool national = false;
  uint64_t seed = 1;
  Date as_of = kNoDate;
  int as_of_year = 0;          // academic year containing as_of
  int history_year = 0;        // first academic year of the history
  Date history_start = kNoDate;
  int64_t per_year_group = 0;
  std::vector<La> las;
  std::vector<double> la_cumulative;  // cumulative weights for residence
  int home_la = -1;             // la preset: Blackpool; its schools serve everyone
  std::vector<Segment> segments;
  int64_t total_people = 0;
  int person_id_width = 7;
  // Engagement coaching programme (la preset): Year 11 pupils of these academic years join.
  bool coaching = false;
  int coaching_first_year = 0, coaching_last_year = 0;

  static World build(const GenerateOptions& options);

  // Index of a residence LA for a uniform u in [0, 1).
  int pick_la(double u) const;
  const Segment& segment_of(int64_t index) const;

  // "SCH001" (la preset) or "SCH886001" (national).
  std::string provider_id(const Provider& p) const;
};

// The first Monday-Friday on or after d: term starts, enrolment checks.
Date weekday_on_or_after(Date d);

// Vocabularies.
struct Names {
  static const std::vector<const char*>& given(char gender, int group);
  static const std::vector<const char*>& family(int group);
};

// DfE ethnicity codes with England's secondary-school shares; group: 0 White British/Irish,
// 1 other White, 2 Mixed, 3 Asian, 4 Black, 5 Chinese/other, 6 refused/not obtained.
struct Ethnicity {
  const char* code;
  double share;
  int group;
  double eal;  // probability of English as an additional language
};
const std::vector<Ethnicity>& ethnicities();

}  // namespace pathways::gen
