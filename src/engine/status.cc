#include "engine/status.h"

#include <algorithm>

#include "engine/parallel.h"

namespace pathways {

Date lapse_date(const Dataset& ds, const Rules& rules, uint32_t person, uint32_t a, Date last_verified) {
  const Activities& A = ds.activities;
  const Date review = A.review[a];
  if (rules.review_date_rule() && review != kNoDate && last_verified < review) return review + 1;
  const LapseRule& rule = rules.code(A.code[a]).lapse;
  switch (rule.kind) {
    case LapseRule::Kind::kNever: return kNoDate;
    case LapseRule::Kind::kNextSeptember: return next_september_first(last_verified);
    case LapseRule::Kind::kMonths: return add_months(last_verified, rule.value);
    case LapseRule::Kind::kAcademicAge:
      return first_day_of_academic_age(ds.people.date_of_birth[person], rule.value);
  }
  return kNoDate;
}

namespace {

// The winner among person p's activities on date d (see the contract in status.h).
inline Status evaluate(const Dataset& ds, const Rules& rules, uint32_t p, Date d) {
  const Activities& A = ds.activities;
  Status best;
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a) {
    const Date start = A.start[a];
    if (start > d) continue;
    const Date end = A.end[a];
    if (end != kNoDate && end < d) continue;
    const Date ver = A.verified[a];
    const Date last = (ver != kNoDate && ver <= d && ver > start) ? ver : start;
    const Date lapse = lapse_date(ds, rules, p, a, last);
    if (lapse != kNoDate && d >= lapse) continue;
    // Later rows win ties, so ">=" on the full key.
    if (!best.known() || start > A.start[best.activity] ||
        (start == A.start[best.activity] && last >= best.last_verified)) {
      best.activity = a;
      best.last_verified = last;
      best.lapse_date = lapse;
    }
  }
  return best;
}

}  // namespace

Status status_on(const Dataset& ds, const Rules& rules, uint32_t person, Date d) {
  return evaluate(ds, rules, person, d);
}

Snapshots take_snapshots(const Dataset& ds, const Rules& rules, std::span<const Date> dates,
                         const SnapshotOptions& options) {
  Snapshots s;
  s.dates.assign(dates.begin(), dates.end());
  s.people = ds.people.size();
  s.activity.assign(s.dates.size() * s.people, Snapshots::kNotEvaluated);
  if (s.people == 0 || s.dates.empty()) return s;

  // Academic ages depend only on the academic year of each date.
  std::vector<int> years;
  for (Date d : s.dates) years.push_back(academic_year_of(d));

  parallel_ranges(s.people, [&](unsigned, size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      const Date dob = ds.people.date_of_birth[p];
      for (size_t k = 0; k < s.dates.size(); ++k) {
        const int age = academic_age_in_year(dob, years[k]);
        if (age < options.min_academic_age || age > options.max_academic_age) continue;
        s.activity[k * s.people + p] = evaluate(ds, rules, static_cast<uint32_t>(p), s.dates[k]).activity;
      }
    }
  }, options.threads);
  return s;
}

}  // namespace pathways
