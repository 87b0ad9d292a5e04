#include "nccis/cohort.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "engine/status.h"

namespace pathways::nccis {

std::string_view return_dataset_name(ReturnDataset d) {
  switch (d) {
    case ReturnDataset::kYear11: return "year_11";
    case ReturnDataset::kAge16To17: return "age_16_17";
    case ReturnDataset::kSend18To24: return "send_18_24";
    case ReturnDataset::kGuarantee: return "guarantee";
    case ReturnDataset::kLeaver: return "leaver";
  }
  return "";
}

Date today_utc() {
  const auto now = std::chrono::system_clock::now();
  return static_cast<Date>(std::chrono::floor<std::chrono::days>(now).time_since_epoch().count());
}

Period make_period(int year, int month, const NccisOptions& options) {
  if (month < 1 || month > 12 || year < 1900 || year > 2199)
    throw std::invalid_argument(fmt::format("{:04}-{:02} is not a month", year, month));
  Period p;
  p.year = year;
  p.month = month;
  p.start = make_date(year, month, 1);
  p.end = month_end(year, month);
  p.academic_year = academic_year_of(p.end);
  p.academic_year_start = make_date(p.academic_year, 9, 1);
  p.date_of_send = options.date_of_send != kNoDate ? options.date_of_send : today_utc();
  return p;
}

namespace {

bool is_leaver_status(char cs) { return cs == 'A' || cs == 'T' || cs == 'E' || cs == 'M' || cs == 'D' || cs == 'L'; }

// The dataset a person with cohort status P or G is reported in at this age, if any.
std::optional<ReturnDataset> in_cohort(char cs, int age, bool ehc) {
  if (age == 15) return ReturnDataset::kYear11;
  if (age == 16 || age == 17) return ReturnDataset::kAge16To17;
  if (age >= 18 && age <= 24 && ehc) return ReturnDataset::kSend18To24;
  if (cs == 'G' && age == 18) return ReturnDataset::kGuarantee;
  return std::nullopt;
}

bool leaver_in_scope(char cs, int age, bool ehc) {
  if (age >= 15 && age <= 18) return true;
  return age >= 19 && age <= 25 && (ehc || cs == 'L');
}

}  // namespace

Selection select_return(const Dataset& ds, int year, int month, std::optional<uint16_t> la,
                        const NccisOptions& options) {
  Selection s;
  s.period = make_period(year, month, options);
  const Period& per = s.period;
  const People& P = ds.people;
  for (uint32_t p = 0; p < P.size(); ++p) {
    if (la && P.la_code[p] != *la) continue;
    const Date dob = P.date_of_birth[p];
    if (dob == kNoDate) {
      s.without_dob.push_back(p);
      continue;
    }
    const int age = academic_age_in_year(dob, per.academic_year);
    if (age < 15 || age > 25) continue;
    const bool ehc = P.sen_status[p] == SenStatus::kEhcPlan;
    const char cs = P.cohort_status[p];
    NccisRecord r;
    r.person = p;
    r.academic_age = age;
    r.cohort_status = cs;
    if (cs == 'P' || cs == 'G') {
      const auto d = in_cohort(cs, age, ehc);
      if (!d) continue;
      r.dataset = *d;
      s.records.push_back(r);
      continue;
    }
    if (!is_leaver_status(cs)) {
      // An unknown status cannot be reported; rule NC062 names it. Keep it visible in the
      // selection so validation sees it, as if it were P.
      if (const auto d = in_cohort('P', age, ehc)) {
        r.dataset = *d;
        s.records.push_back(r);
      }
      continue;
    }
    std::optional<Date> left;
    if (options.left_on) left = options.left_on(p);
    if (left) {
      if (*left < per.start) continue;  // reported in an earlier month
      if (*left > per.end) {
        // Still in the cohort at the period end: reported as it was then.
        const auto d = in_cohort('P', age, ehc);
        if (!d) continue;
        r.cohort_status = 'P';
        r.dataset = *d;
        s.records.push_back(r);
        continue;
      }
      if (!leaver_in_scope(cs, age, ehc)) continue;
      r.dataset = ReturnDataset::kLeaver;
      r.left_on = *left;
      s.records.push_back(r);
      continue;
    }
    if (!leaver_in_scope(cs, age, ehc)) continue;
    s.leavers_without_date.push_back(p);
    if (options.leavers_without_date == LeaverPolicy::kIncludeEveryMonth) {
      r.dataset = ReturnDataset::kLeaver;
      s.records.push_back(r);
    }
  }
  return s;
}

uint16_t reported_code(const Rules& rules, uint16_t code_index) {
  const ActivityCode& c = rules.code(code_index);
  return c.legacy && c.maps_to != 0 ? c.maps_to : c.code;
}

Category reported_category(const Rules& rules, uint16_t code_index) {
  const ActivityCode& c = rules.code(code_index);
  if (c.legacy && c.maps_to != 0) {
    if (const auto i = rules.code_index(c.maps_to)) return rules.category_of(*i);
  }
  return rules.category_of(code_index);
}

std::string young_persons_id(std::string_view person_id, std::string_view database_id, bool* formed) {
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const bool ok = database_id.size() == 3 && digits(database_id) && digits(person_id) && person_id.size() <= 10;
  if (formed) *formed = ok;
  if (!ok) return std::string(person_id);
  return std::string(database_id) + std::string(10 - person_id.size(), '0') + std::string(person_id);
}

namespace {

bool is_neet(const Rules& rules, uint16_t code_index) {
  return reported_category(rules, code_index) == Category::kNeet;
}

}  // namespace

ReportedActivity reported_activity(const Dataset& ds, const Rules& rules, const NccisRecord& r, Date period_end) {
  const Activities& A = ds.activities;
  const uint32_t p = r.person;
  const Date dob = ds.people.date_of_birth[p];
  ReportedActivity out;
  const Status st = status_on(ds, rules, p, period_end);
  if (st.known()) {
    const uint32_t a = st.activity;
    out.activity = a;
    out.code = reported_code(rules, A.code[a]);
    out.start = A.start[a];
    out.ascertained = A.start[a];
    out.verified = st.last_verified;
    out.review = A.review[a];
    out.due_to_lapse = st.lapse_date;
    out.predicted_end = A.end[a];
    if (is_neet(rules, A.code[a])) {
      out.neet = true;
      out.neet_reason = A.neet_reason[a] != NeetReason::kNone ? std::string(neet_reason_name(A.neet_reason[a]))
                                                              : rules.default_neet_reason(out.code);
      // Walk back over NEET activities that were current the day before each one started.
      Date spell = A.start[a];
      for (int guard = 0; guard < 64; ++guard) {
        const Status before = status_on(ds, rules, p, spell - 1);
        if (!before.known() || !is_neet(rules, A.code[before.activity]) || A.start[before.activity] >= spell) break;
        spell = A.start[before.activity];
      }
      out.neet_start = spell;
    }
    return out;
  }
  // Not known: since the last activity that started by D stopped counting.
  out.code = r.academic_age <= 15 ? 150 : 810;
  Date since = kNoDate;
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a) {
    const Date start = A.start[a];
    if (start == kNoDate || start > period_end) continue;
    const Date ver = A.verified[a];
    const Date last = (ver != kNoDate && ver <= period_end && ver > start) ? ver : start;
    Date stop = std::numeric_limits<Date>::max();
    if (A.end[a] != kNoDate) stop = std::min(stop, A.end[a] + 1);
    const Date lapse = lapse_date(ds, rules, p, a, last);
    if (lapse != kNoDate) stop = std::min(stop, lapse);
    if (stop <= period_end) since = std::max(since, stop);
  }
  if (since == kNoDate) since = std::min(first_day_of_academic_age(dob, 15), period_end);
  out.start = since;
  out.ascertained = since;
  if (out.code == 150) out.due_to_lapse = first_day_of_academic_age(dob, 16);
  return out;
}

}  // namespace pathways::nccis
