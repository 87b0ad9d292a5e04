#include "coaching/recording.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace pathways {

Date recording_date(int year, int month, int day) {
  return make_date(year, month, std::clamp(day, 1, days_in_month(year, month)));
}

Date recording_as_at(int year, int month, int day, Date today) {
  const Date r = recording_date(year, month, day);
  return today > r && today <= month_end(year, month) ? today : r;
}

RecordingDay recording_day(const Dataset& ds, const Rules& rules, const CoachingRecords& records,
                           const std::string& coach, int year, int month, int day, Date today) {
  RecordingDay r;
  r.coach = coach;
  r.year = year;
  r.month = month;
  r.recording_day = std::clamp(day, 1, 31);
  r.first_day = make_date(year, month, 1);
  r.last_day = month_end(year, month);
  r.recording_date = recording_date(year, month, r.recording_day);
  r.as_at = recording_as_at(year, month, r.recording_day, today);
  const Date F = r.first_day, A = r.as_at;

  // One row per person with an episode of this coach open on A (episodes of one person do
  // not overlap, except on a hand-over day, when both are the same person's).
  std::map<std::string_view, RecordingRow> by_id;
  for (const auto& e : records.caseload) {
    if (e.coach_id != coach) continue;
    if (e.left != kNoDate && e.left >= F && e.left < A) {
      r.leavers.push_back({e.person, e.left, e.leave_reason == LeaveReason::kNone ? LeaveReason::kOther : e.leave_reason});
      continue;
    }
    if (e.joined > A || (e.left != kNoDate && e.left < A)) continue;
    RecordingRow& row = by_id[ds.people.id[e.person]];
    row.person = e.person;
    row.joined = e.joined;
    row.left = e.left;
    row.joined_this_month = e.joined >= F;
  }
  std::unordered_map<uint32_t, RecordingRow*> rows_of;
  for (auto& [id, row] : by_id) rows_of[row.person] = &row;
  for (const auto& c : records.contacts) {
    if (c.with != ContactWith::kYoungPerson || c.date > A) continue;
    const auto it = rows_of.find(c.person);
    if (it == rows_of.end()) continue;
    RecordingRow& row = *it->second;
    if (row.last_contact == kNoDate || c.date > row.last_contact) row.last_contact = c.date;
    if (c.date >= F) row.engaged = true;
  }
  for (auto& [id, row] : by_id) {
    row.status = status_on(ds, rules, row.person, A);
    if (row.status.known()) {
      const uint16_t code = ds.activities.code[row.status.activity];
      // A not-known code (810-830) is no status to confirm: it needs a new one recorded.
      row.confirmed = rules.category_of(code) != Category::kNotKnown && row.status.last_verified != kNoDate &&
                      row.status.last_verified >= F;
      if (rules.category_of(code) == Category::kNeet) {
        row.neet = true;
        row.neet_reason = ds.activities.neet_reason[row.status.activity];
        if (row.neet_reason == NeetReason::kNone) {
          const std::string def = rules.default_neet_reason(rules.code(code).code);
          for (const NeetReason n : {NeetReason::kAwaitingStart, NeetReason::kApplied, NeetReason::kSupported,
                                     NeetReason::kNotReady, NeetReason::kUnwilling})
            if (neet_reason_name(n) == def) row.neet_reason = n;
          row.neet_reason_default = true;
        }
      }
    }
    r.confirmed += row.confirmed;
    r.engaged += row.engaged;
    r.joined += row.joined_this_month;
    r.rows.push_back(row);
  }
  std::sort(r.leavers.begin(), r.leavers.end(), [&](const RecordingLeaver& a, const RecordingLeaver& b) {
    return std::make_pair(a.left, ds.people.id[a.person]) < std::make_pair(b.left, ds.people.id[b.person]);
  });
  return r;
}

}  // namespace pathways
