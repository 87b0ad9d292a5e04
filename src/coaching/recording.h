// The monthly recording day (domain.md section 8: coaches record on a fixed day each month,
// by default the 23rd): for one coach and one month, who is on the caseload and what needs
// confirming for the month's return. Definitions (docs/coaching.md says the same for people),
// for the month M with first day F and last day L:
//
//   recording date R  the recording day of M (default 23), or L when M is shorter.
//   as at A           R; but when today is in M and after R (the return is late), today.
//                     A past month is always as at its R.
//   rows              the coach's caseload episodes open on A (joined_date <= A, and no
//                     left_date or left_date >= A), one row per person: each needs the
//                     month's status confirmed.
//   joined            the row's episode has F <= joined_date <= A.
//   leavers           the coach's episodes with F <= left_date < A: they left before the
//                     recording date and need nothing more (their leave_reason is the record).
//                     Listed apart from the rows. A hand-over is a leaver of the old coach and
//                     a joiner (a row) of the new one.
//   status            engine status on A (status_on): the activity, its lapse date and, for a
//                     NEET activity, its neet_reason (or Rules::default_neet_reason, marked as
//                     the default).
//   confirmed         the status on A is known, not a not-known code (810-830), and was last
//                     confirmed on or after F (a verification, or the start of an activity
//                     that began in the month):
//                     recording a new status or confirming the current one both count, and
//                     the activity history stays the one source of truth.
//   engaged           at least one contact with contact_with = young_person dated F..A.
//   no contact        not engaged. last_contact: the latest contact with the young person
//                     dated <= A (any month).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coaching/records.h"
#include "domain/rules.h"
#include "engine/dataset.h"
#include "engine/status.h"

namespace pathways {

inline constexpr int kDefaultRecordingDay = 23;

struct RecordingRow {
  uint32_t person = kNoIndex;
  Date joined = kNoDate;
  Date left = kNoDate;        // a left_date on or after A (kNoDate: none)
  bool joined_this_month = false;
  Status status;              // on A
  bool neet = false;
  NeetReason neet_reason = NeetReason::kNone;  // recorded, or the default when neet_reason_default
  bool neet_reason_default = false;
  bool confirmed = false;
  bool engaged = false;
  Date last_contact = kNoDate;  // with the young person, dated <= A
};

struct RecordingLeaver {
  uint32_t person = kNoIndex;
  Date left = kNoDate;
  LeaveReason reason = LeaveReason::kNone;
};

struct RecordingDay {
  std::string coach;
  int year = 0, month = 0;
  int recording_day = kDefaultRecordingDay;
  Date first_day = kNoDate, last_day = kNoDate;
  Date recording_date = kNoDate;  // R
  Date as_at = kNoDate;           // A
  std::vector<RecordingRow> rows;  // by person_id
  std::vector<RecordingLeaver> leavers;
  int64_t confirmed = 0, engaged = 0, joined = 0;
  int64_t no_contact() const { return static_cast<int64_t>(rows.size()) - engaged; }
};

// The recording date of a month: `day` (1-31), or the month's last day when it is shorter.
Date recording_date(int year, int month, int day);

// A of the month whose recording day is `day`, given today (see above).
Date recording_as_at(int year, int month, int day, Date today);

// The recording list of `coach` for the month, as at A (see above; `today` decides A).
RecordingDay recording_day(const Dataset& ds, const Rules& rules, const CoachingRecords& records,
                           const std::string& coach, int year, int month, int day, Date today);

}  // namespace pathways
