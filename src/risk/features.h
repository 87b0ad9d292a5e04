// The feature matrix of the learned risk-of-NEET model (docs/risk-model.md, "Features").
//
// One row per young person, built from their Year 11 indicators row (academic year Y) and
// what else the data hold about them at that point:
//  * Years 9, 10 and 11 (indicators.csv rows of the same person for years Y-2, Y-1 and Y):
//    whether a row exists, attendance % (missing when not recorded) and whether it is below
//    90% (DfE's persistent absence), suspensions, permanent
//    exclusions, each yes/no column, and the attainment band (1 low, 2 middle, 3 high);
//  * characteristics from people.csv: gender, SEN status, ethnicity major group, and the
//    characteristic codes that describe the person rather than a later event (looked after or
//    care leaver, youth justice, young carer, substance misuse, alternative provision,
//    mental health, refugee). Pregnancy and parenthood (120, 180, 190) are left out unless
//    asked for: people.csv holds them as they are today, without a date, and for a past
//    cohort they mostly record births after Year 11, which a model would learn as if it were
//    known in Year 11. level_of_need is never used: it is an assessment of need, not an
//    observation from school;
//  * school context in Year 11: the share of the school's pupils (all year groups of that
//    academic year) on free school meals, their mean attendance and their share with
//    attendance below 90%, computed from indicators rows only, never from outcomes.
// Values are floats; NaN marks a missing value (xgboost's missing marker). Every feature
// has a stable name and plain words for explanations ("Attendance in Year 11 was 84%").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"

namespace pathways::risk {

struct FeatureOptions {
  bool parenthood = false;  // add pregnancy / young parent (see above)
};

enum class FeatureKind : uint8_t {
  kPresence,  // 1 when a record for the year exists
  kPercent,   // attendance %
  kCount,     // suspensions, exclusions
  kFlag,      // yes/no
  kBand,      // attainment band 1-3
  kShare,     // a school's share of pupils, 0-100
  kMean,      // a school's mean attendance %
};

struct FeatureInfo {
  std::string name;  // stable key, e.g. "y11_attendance_pct"
  FeatureKind kind = FeatureKind::kFlag;
  std::string what;  // "attendance", "suspension", "free school meals", "Male"
  std::string when;  // "in Year 11", "" for people.csv
};

// The features for `options`, in matrix column order.
std::vector<FeatureInfo> feature_infos(const FeatureOptions& options = {});

// Plain words for a feature's value: "Attendance in Year 11 was 84.2%", "2 suspensions in
// Year 10", "Free school meals in Year 11", "No Year 9 record".
std::string describe(const FeatureInfo& f, float value);

struct FeatureMatrix {
  std::vector<std::string> names;
  size_t rows = 0, cols = 0;
  std::vector<float> values;  // row-major rows x cols, NaN = missing
  float at(size_t r, size_t c) const { return values[r * cols + c]; }
};

// Rows for the (person, Year 11 indicators row) pairs, in the order given.
FeatureMatrix build_features(const Dataset& ds, const Rules& rules, std::span<const uint32_t> person,
                             std::span<const uint32_t> year11_row, const FeatureOptions& options = {});

// Ethnicity major group of a DfE code: "White", "Mixed", "Asian", "Black", "Other" or
// "Unknown" (refused, not obtained or empty). Chinese (CHNE) counts as Other.
std::string_view ethnicity_group(std::string_view code);

// CSV of a matrix with leading columns: person_id, cohort (Year 11 academic year), neet
// (1/0), then one column per feature; missing values are empty cells.
std::string features_csv(const FeatureMatrix& m, const std::vector<std::string>& person_id,
                         const std::vector<int>& cohort, const std::vector<int>& y);

}  // namespace pathways::risk
