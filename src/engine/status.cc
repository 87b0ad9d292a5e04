#include "engine/status.h"

#include <algorithm>

#include "engine/parallel.h"

namespace pathways {

Date lapse_date(const Dataset& ds, const Rules& rules, uint32_t person, uint32_t a, Date last_verified) {
  const Activities& A = ds.activities;
  const LapseRule& rule = rules.code(A.code[a]).lapse;
  Date lapse = kNoDate;
  switch (rule.kind) {
    case LapseRule::Kind::kNever: break;
    case LapseRule::Kind::kNextSeptember: lapse = next_september_first(last_verified); break;
    case LapseRule::Kind::kMonths: lapse = add_months(last_verified, rule.value); break;
    case LapseRule::Kind::kAcademicAge:
      lapse = first_day_of_academic_age(ds.people.date_of_birth[person], rule.value);
      break;
  }
  // A review date not yet reached by a verification brings the lapse forward to the day
  // after it; it never extends a record beyond its code's own currency.
  const Date review = A.review[a];
  if (rules.review_date_rule() && review != kNoDate && last_verified < review && (lapse == kNoDate || review + 1 < lapse))
    lapse = review + 1;
  return lapse;
}

void derive(Dataset& ds, const Rules& rules) {
  People& P = ds.people;
  P.age_base.resize(P.size());
  for (size_t p = 0; p < P.size(); ++p) {
    const Ymd b = to_ymd(P.date_of_birth[p]);
    P.age_base[p] = static_cast<int16_t>(b.year + (b.month > 8 ? 1 : 0));
  }
  Activities& A = ds.activities;
  A.lapse_from_start.resize(A.size());
  A.lapse_from_verified.resize(A.size());
  parallel_ranges(P.size(), [&](unsigned, size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) {
        const Date s = lapse_date(ds, rules, static_cast<uint32_t>(p), a, A.start[a]);
        A.lapse_from_start[a] = s == kNoDate ? kNever : s;
        if (A.verified[a] != kNoDate) {
          const Date v = lapse_date(ds, rules, static_cast<uint32_t>(p), a, A.verified[a]);
          A.lapse_from_verified[a] = v == kNoDate ? kNever : v;
        } else {
          A.lapse_from_verified[a] = A.lapse_from_start[a];
        }
      }
    }
  });
}

namespace {

// The winner among person p's activities on date d (see the contract in status.h).
// Reads only columns and the derived lapse dates: no date arithmetic here.
inline Status evaluate(const Dataset& ds, const Rules&, uint32_t p, Date d) {
  const Activities& A = ds.activities;
  Status best;
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a) {
    const Date start = A.start[a];
    if (start > d) continue;
    const Date end = A.end[a];
    if (end != kNoDate && end < d) continue;
    const Date ver = A.verified[a];
    const bool by_verification = ver != kNoDate && ver <= d && ver > start;
    const Date last = by_verification ? ver : start;
    const Date lapse = by_verification ? A.lapse_from_verified[a] : A.lapse_from_start[a];
    if (d >= lapse) continue;
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
  Status s = evaluate(ds, rules, person, d);
  if (s.lapse_date == kNever) s.lapse_date = kNoDate;
  return s;
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
      const int base = ds.people.age_base[p];
      for (size_t k = 0; k < s.dates.size(); ++k) {
        const int age = years[k] - base;
        if (age < options.min_academic_age || age > options.max_academic_age) continue;
        s.activity[k * s.people + p] = evaluate(ds, rules, static_cast<uint32_t>(p), s.dates[k]).activity;
      }
    }
  }, options.threads);
  return s;
}

}  // namespace pathways
