#include "report/participation.h"

#include <array>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/parallel.h"

namespace pathways {

Counts& Counts::operator+=(const Counts& o) {
  cohort += o.cohort;
  custody += o.custody;
  participating += o.participating;
  eet_not_participating += o.eet_not_participating;
  neet += o.neet;
  neet_available += o.neet_available;
  neet_not_available += o.neet_not_available;
  not_known += o.not_known;
  return *this;
}

std::string month_name(Date d) {
  const Ymd v = to_ymd(d);
  return fmt::format("{:04}-{:02}", v.year, v.month);
}

namespace {

// How a winning activity counts, decided once per code so the per-person loop is a table
// lookup and a switch.
enum Outcome : uint8_t { kParticipating, kEetNotParticipating, kNeetAvailable, kNeetNotAvailable, kCustody, kNotKnown };

std::vector<uint8_t> outcome_of_codes(const Rules& rules) {
  std::vector<uint8_t> out(rules.codes().size());
  for (uint16_t c = 0; c < out.size(); ++c) {
    switch (rules.category_of(c)) {
      case Category::kCustody: out[c] = kCustody; break;
      case Category::kEet: out[c] = rules.participating(c) ? kParticipating : kEetNotParticipating; break;
      case Category::kNeet:
        out[c] = rules.group_of(c).name == "neet_not_available" ? kNeetNotAvailable : kNeetAvailable;
        break;
      case Category::kNotKnown:
      case Category::kPre16:  // a pre-16 record still current at 16+ cannot happen by the rules
        out[c] = kNotKnown;
        break;
    }
  }
  return out;
}

inline void count(Counts& c, uint8_t outcome) {
  switch (outcome) {
    case kCustody: ++c.custody; return;
    case kParticipating: ++c.participating; break;
    case kEetNotParticipating: ++c.eet_not_participating; break;
    case kNeetAvailable: ++c.neet; ++c.neet_available; break;
    case kNeetNotAvailable: ++c.neet; ++c.neet_not_available; break;
    default: ++c.not_known; break;
  }
  ++c.cohort;
}

inline bool in_scope(const Dataset& ds, const ReportScope& scope, uint32_t p) {
  const char cs = ds.people.cohort_status[p];
  if (cs != 'P' && cs != 'G') return false;
  return !scope.la || ds.people.la_code[p] == *scope.la;
}

// The layout of all breakdown rows in one flat array, so per-thread accumulators are a
// single vector of Counts.
struct Layout {
  enum Kind { kAge, kGender, kSen, kEthnicity, kCharacteristic, kVulnerable, kSchool, kKinds };
  std::array<size_t, kKinds + 1> offset{};
  size_t ethnicities = 0, schools = 0, characteristics = 0;

  Layout(const Dataset& ds, const Rules& rules) {
    ethnicities = ds.ethnicities.size();
    schools = ds.schools.size();
    characteristics = rules.characteristics().size();
    const std::array<size_t, kKinds> sizes = {2, 4, 3, ethnicities + 1, characteristics, 2, schools + 1};
    for (size_t k = 0; k < kKinds; ++k) offset[k + 1] = offset[k] + sizes[k];
  }
  size_t size() const { return offset[kKinds]; }
};

// Counting categories: uint8 tag per winning activity, precomputed per code.
void accumulate(const Dataset& ds, const Rules& rules, const Layout& L, uint32_t p, int age, uint8_t outcome,
                Counts* rows) {
  const People& P = ds.people;
  auto add = [&](size_t i) { count(rows[i], outcome); };
  add(L.offset[Layout::kAge] + static_cast<size_t>(age - 16));
  add(L.offset[Layout::kGender] + static_cast<size_t>(P.gender[p]));
  add(L.offset[Layout::kSen] + static_cast<size_t>(P.sen_status[p]));
  add(L.offset[Layout::kEthnicity] + (P.ethnicity[p] == kNoIndex ? L.ethnicities : P.ethnicity[p]));
  uint32_t chars = P.characteristics[p];
  while (chars) {
    const int bit = __builtin_ctz(chars);
    add(L.offset[Layout::kCharacteristic] + static_cast<size_t>(bit));
    chars &= chars - 1;
  }
  add(L.offset[Layout::kVulnerable] + ((P.characteristics[p] & rules.vulnerable_mask()) ? 0 : 1));
  add(L.offset[Layout::kSchool] + (P.school[p] == kNoIndex ? L.schools : P.school[p]));
}

}  // namespace

namespace {

// Turns summed counters into the report's breakdown rows.
Snapshot build_snapshot_impl(const Dataset& ds, const Rules& rules, const Layout& L, Date date, const Counts& total,
                             const Counts& send, const Counts* rows) {
  Snapshot s;
  s.date = date;
  s.total = total;
  s.send_18_24 = send;
  auto rows_of = [&](Layout::Kind kind) { return &rows[L.offset[kind]]; };
  auto nonempty = [](const Counts& c) { return c.cohort + c.custody > 0; };
  {
    Breakdown b{"age", {}};
    for (int i = 0; i < 2; ++i) b.rows.push_back({std::to_string(16 + i), fmt::format("Age {}", 16 + i), rows_of(Layout::kAge)[i]});
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"gender", {}};
    const char* labels[] = {"Unknown", "Female", "Male", "Other"};
    for (int i : {1, 2, 3, 0}) {
      const Counts& c = rows_of(Layout::kGender)[i];
      if (nonempty(c) || i == 1 || i == 2)
        b.rows.push_back({std::string(gender_code(static_cast<Gender>(i))), labels[i], c});
    }
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"sen_status", {}};
    const char* labels[] = {"No SEN", "SEN support", "EHC plan"};
    for (int i = 0; i < 3; ++i)
      b.rows.push_back({std::string(sen_code(static_cast<SenStatus>(i))), labels[i], rows_of(Layout::kSen)[i]});
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"ethnicity", {}};
    for (size_t i = 0; i <= L.ethnicities; ++i) {
      const Counts& c = rows_of(Layout::kEthnicity)[i];
      if (!nonempty(c)) continue;
      std::string key = i == L.ethnicities ? "" : std::string(ds.ethnicities[static_cast<uint32_t>(i)]);
      b.rows.push_back({key, key.empty() ? "Not recorded" : key, c});
    }
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"characteristic", {}};
    for (size_t i = 0; i < L.characteristics; ++i) {
      const auto& ch = rules.characteristics()[i];
      b.rows.push_back({std::to_string(ch.code), ch.label, rows_of(Layout::kCharacteristic)[i]});
    }
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"vulnerable_group", {}};
    b.rows.push_back({"yes", "In the vulnerable group", rows_of(Layout::kVulnerable)[0]});
    b.rows.push_back({"no", "Not in the vulnerable group", rows_of(Layout::kVulnerable)[1]});
    s.breakdowns.push_back(std::move(b));
  }
  {
    Breakdown b{"school", {}};
    for (size_t i = 0; i <= L.schools; ++i) {
      const Counts& c = rows_of(Layout::kSchool)[i];
      if (!nonempty(c)) continue;
      std::string key = i == L.schools ? "" : std::string(ds.schools[static_cast<uint32_t>(i)]);
      b.rows.push_back({key, key.empty() ? "No school recorded" : key, c});
    }
    s.breakdowns.push_back(std::move(b));
  }
  return s;
}

}  // namespace

std::vector<Snapshot> aggregate_snapshots(const Dataset& ds, const Rules& rules, const Snapshots& snaps,
                                          const ReportScope& scope) {
  const Layout L(ds, rules);
  const size_t K = snaps.dates.size();
  const std::vector<uint8_t> outcome_of = outcome_of_codes(rules);
  std::vector<int> years;
  for (Date d : snaps.dates) years.push_back(academic_year_of(d));
  // Per thread and date: totals and every breakdown row, merged at the end. One pass over
  // people serves all dates, so each person's columns are read once.
  struct Acc {
    std::vector<Counts> total, send, rows;
  };
  std::vector<Acc> acc(8);
  for (auto& a : acc) {
    a.total.resize(K);
    a.send.resize(K);
    a.rows.resize(K * L.size());
  }
  const unsigned used = parallel_ranges(ds.people.size(), [&](unsigned t, size_t begin, size_t end) {
    Acc& me = acc[t];
    for (size_t i = begin; i < end; ++i) {
      const auto p = static_cast<uint32_t>(i);
      if (!in_scope(ds, scope, p)) continue;
      const int base = ds.people.age_base[p];
      for (size_t k = 0; k < K; ++k) {
        const uint32_t a = snaps.at(k, p);
        if (a == Snapshots::kNotEvaluated) continue;
        const uint8_t outcome = a == kNoIndex ? uint8_t{kNotKnown} : outcome_of[ds.activities.code[a]];
        const int age = years[k] - base;
        if (age == 16 || age == 17) {
          count(me.total[k], outcome);
          accumulate(ds, rules, L, p, age, outcome, &me.rows[k * L.size()]);
        } else if (age >= 18 && age <= 24 && ds.people.sen_status[p] == SenStatus::kEhcPlan) {
          count(me.send[k], outcome);
        }
      }
    }
  }, 8);
  for (unsigned t = 1; t < used; ++t) {
    for (size_t k = 0; k < K; ++k) {
      acc[0].total[k] += acc[t].total[k];
      acc[0].send[k] += acc[t].send[k];
    }
    for (size_t i = 0; i < acc[0].rows.size(); ++i) acc[0].rows[i] += acc[t].rows[i];
  }
  std::vector<Snapshot> out;
  for (size_t k = 0; k < K; ++k) out.push_back(build_snapshot_impl(ds, rules, L, snaps.dates[k], acc[0].total[k],
                                                              acc[0].send[k], &acc[0].rows[k * L.size()]));
  return out;
}

Snapshot aggregate_snapshot(const Dataset& ds, const Rules& rules, const Snapshots& snaps, size_t k,
                            const ReportScope& scope) {
  return aggregate_snapshots(ds, rules, snaps, scope).at(k);
}


StatutoryReport statutory_report(const Dataset& ds, const Rules& rules, int year, int month,
                                 const ReportScope& scope) {
  StatutoryReport r;
  const Date end = month_end(year, month);
  const Date first = make_date(year, month, 1);
  const Date prev_end = first - 1;
  r.month = month_name(end);
  const Date dates[] = {end};
  SnapshotOptions opt;
  opt.min_academic_age = 16;
  opt.max_academic_age = 24;
  const Snapshots snaps = take_snapshots(ds, rules, dates, opt);
  r.snapshot = aggregate_snapshot(ds, rules, snaps, 0, scope);

  // Movement within the month for the month-end cohort: day-by-day status.
  const int year_now = academic_year_of(end);
  const int year_prev = academic_year_of(prev_end);
  struct Acc { int64_t joiners = 0, leavers = 0, days = 0, people = 0; };
  std::vector<Acc> acc(8);
  const unsigned used = parallel_ranges(ds.people.size(), [&](unsigned t, size_t begin, size_t stop) {
    Acc& me = acc[t];
    for (size_t i = begin; i < stop; ++i) {
      const auto p = static_cast<uint32_t>(i);
      const uint32_t a_end = snaps.at(0, p);
      if (a_end == Snapshots::kNotEvaluated || !in_scope(ds, scope, p)) continue;
      const int age = year_now - ds.people.age_base[p];
      if (age != 16 && age != 17) continue;
      auto is_neet = [&](uint32_t a) { return a != kNoIndex && rules.category_of(ds.activities.code[a]) == Category::kNeet; };
      auto is_custody = [&](uint32_t a) { return a != kNoIndex && rules.category_of(ds.activities.code[a]) == Category::kCustody; };
      if (is_custody(a_end)) continue;
      const int age_prev = year_prev - ds.people.age_base[p];
      const uint32_t a_prev = status_on(ds, rules, p, prev_end).activity;
      const bool prev_in = (age_prev == 16 || age_prev == 17) && !is_custody(a_prev);
      const bool neet_now = is_neet(a_end), neet_prev = prev_in && is_neet(a_prev);
      if (neet_now && !neet_prev) ++me.joiners;
      if (!neet_now && neet_prev) ++me.leavers;
      int64_t days = 0;
      for (Date d = first; d <= end; ++d) days += is_neet(d == end ? a_end : status_on(ds, rules, p, d).activity);
      me.days += days;
      if (days) ++me.people;
    }
  }, 8);
  for (unsigned t = 0; t < used; ++t) {
    r.neet_joiners += acc[t].joiners;
    r.neet_leavers += acc[t].leavers;
    r.days_neet += acc[t].days;
    r.people_neet_in_month += acc[t].people;
  }
  return r;
}

AnnualReport annual_report(const Dataset& ds, const Rules& rules, int year, const ReportScope& scope) {
  AnnualReport r;
  r.year = year;
  const Date dates[] = {month_end(year, 12), month_end(year + 1, 1), month_end(year + 1, 2), month_end(year + 1, 3)};
  SnapshotOptions opt;
  opt.min_academic_age = 16;
  opt.max_academic_age = 24;
  const Snapshots snaps = take_snapshots(ds, rules, dates, opt);
  r.snapshots = aggregate_snapshots(ds, rules, snaps, scope);
  for (size_t k = 0; k < 3; ++k) {
    r.months.push_back(month_name(dates[k]));
    r.neet_pct += r.snapshots[k].total.neet_pct();
    r.not_known_pct += r.snapshots[k].total.not_known_pct();
    r.neet_nk_pct += r.snapshots[k].total.neet_nk_pct();
  }
  r.neet_pct /= 3.0;
  r.not_known_pct /= 3.0;
  r.neet_nk_pct /= 3.0;
  for (size_t i = 0; i < r.snapshots[0].breakdowns.size(); ++i) {
    AnnualBreakdown b{r.snapshots[0].breakdowns[i].name, {}};
    std::unordered_map<std::string, size_t> index;
    for (size_t k = 0; k < 3; ++k) {
      for (const auto& row : r.snapshots[k].breakdowns[i].rows) {
        auto [it, fresh] = index.emplace(row.key, b.rows.size());
        if (fresh) b.rows.push_back({row.key, row.label});
        AnnualRow& a = b.rows[it->second];
        a.cohort += static_cast<double>(row.counts.cohort) / 3.0;
        a.neet_pct += row.counts.neet_pct() / 3.0;
        a.not_known_pct += row.counts.not_known_pct() / 3.0;
      }
    }
    for (auto& a : b.rows) a.neet_nk_pct = a.neet_pct + a.not_known_pct;
    r.breakdowns.push_back(std::move(b));
  }
  r.participation_month = month_name(dates[3]);
  r.participation_pct = r.snapshots[3].total.participation_pct();
  return r;
}

}  // namespace pathways
