// The tracking engine: what each young person was doing on a given date, under the
// currency rules of domain.md section 4 (as configured in Rules).
//
// Contract, for person p and date D:
//  * an activity is current on D when start <= D, (no end or end >= D) and it has not
//    lapsed by D;
//  * its last verification as of D is the latest of start and verified that is <= D
//    (a verification dated after D never changes D's answer);
//  * it lapses (stops being current) on lapse_date(): by the code's rule (next
//    1 September, N months later clamped, the 1 September of an academic age, or never),
//    or earlier, the day after review_date, when a review date is set and the last
//    verification is before it;
//  * among current activities the latest start wins, then the latest last verification,
//    then the later row in the file;
//  * no current activity = not known.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"

namespace pathways {

struct Status {
  uint32_t activity = kNoIndex;  // index into Dataset::activities; kNoIndex = not known
  Date last_verified = kNoDate;  // as of the date asked about
  Date lapse_date = kNoDate;     // first day it no longer counts; kNoDate = never lapses
  bool known() const { return activity != kNoIndex; }
};

// The first day on which activity `a` no longer counts, given its last verification.
// kNoDate when it never lapses.
Date lapse_date(const Dataset& ds, const Rules& rules, uint32_t person, uint32_t a, Date last_verified);

// Computes the derived columns the engine reads (people.age_base, activities'
// lapse_from_start / lapse_from_verified) for `rules`. The loaders call it; call it again
// after changing columns by hand.
void derive(Dataset& ds, const Rules& rules);

// Status of one person on one date.
Status status_on(const Dataset& ds, const Rules& rules, uint32_t person, Date d);

// Winning activity of every person on each of several dates, computed in one pass over
// the data and split over threads. Result: activity[k * people + p] for date k, kNoIndex
// when not known, kNotEvaluated when the person's academic age on that date is outside
// [min_age, max_age].
struct Snapshots {
  static constexpr uint32_t kNotEvaluated = UINT32_MAX - 1;
  std::vector<Date> dates;
  size_t people = 0;
  std::vector<uint32_t> activity;
  uint32_t at(size_t k, uint32_t p) const { return activity[k * people + p]; }
};

struct SnapshotOptions {
  int min_academic_age = 0;
  int max_academic_age = 200;
  unsigned threads = 0;  // 0 = hardware concurrency
};

Snapshots take_snapshots(const Dataset& ds, const Rules& rules, std::span<const Date> dates,
                         const SnapshotOptions& options = {});

}  // namespace pathways
