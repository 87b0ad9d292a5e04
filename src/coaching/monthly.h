// The engagement coaches' monthly activity report (domain.md section 8; seed 000's "Monthly
// activity report" with its Year 11 and Year 12 panels; JSON contract in formats.md
// "report monthly-activity --format json"). Definitions, for the month M with first day F
// and last day L (docs/coaching.md says the same for people):
//
//   panel       Year 11 = academic age 15 on L, Year 12 = academic age 16 on L (domain.md
//               section 2; a 31 August birthday is the older year, 1 September the younger).
//               Caseload episodes of people of any other academic age are in neither panel.
//   caseload    distinct people with a caseload episode overlapping F..L (joined <= L and no
//               left_date or left_date >= F): someone who left mid-month is in the month's
//               caseload, and so is someone who joined on L.
//   joined      episodes with F <= joined_date <= L.
//   left        episodes with F <= left_date <= L; left_by_reason splits them by leave_reason
//               (an episode with a left_date but no reason counts as "other").
//   engaged     people of the caseload with at least one contact with contact_with =
//               young_person dated F..L. Contacts with parents/carers do not count.
//   professional_contacts
//               contacts (rows, not people) dated F..L with contact_with = post16_provider or
//               other_professional, about people of the caseload. Seed 000 reports
//               "professional contacts with post-16" separately from "engagement with pupil and
//               parents/carers", so parent_carer contacts are excluded: they are neither
//               professional nor post-16.
//   sessions_completed_pct["n"], assessments_completed_pct[a]
//               100 * (people of the caseload with session n / assessment a dated <= L) /
//               caseload; 0 when the caseload is empty. Unrounded. A session or assessment
//               dated after L does not count, whenever it was recorded.
//   eet, eet_by_type, neet_by_reason, unknown (Year 12)
//               from the activity current on L (engine/status.h status_on): EET codes count
//               in eet and under their eet_type (an EET code without one counts as other);
//               NEET codes count under their neet_reason, or, when none is recorded, under
//               Rules::default_neet_reason (awaiting_start for 615/616, not_ready for 610,
//               otherwise supported; a legacy code uses the code it maps to); no current
//               activity, or a not-known code (810-830), counts as unknown. A custody code
//               (710) is in none of these, so caseload = eet + NEET + unknown + custody.
//
// Filters: a coach and/or a school restrict the caseload episodes considered (the episode's
// coach_id and school_id); the people, contacts, sessions and assessments follow from those
// episodes' people. Contacts, sessions and assessments are counted by the young person they
// are about, whoever recorded them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coaching/records.h"
#include "domain/rules.h"
#include "engine/dataset.h"
#include "report/table.h"

namespace pathways {

struct MonthlyActivityFilter {
  std::string coach;   // "" = all coaches
  std::string school;  // "" = all schools
};

struct ActivityPanel {
  int64_t caseload = 0, joined = 0, left = 0, engaged = 0, professional_contacts = 0;
  std::array<int64_t, 7> sessions_completed{};   // people with session n+1 dated <= L
  std::array<int64_t, 3> assessments_completed{};  // by AssessmentKind
  // Year 12 (also computed for Year 11; not part of its JSON).
  int64_t eet = 0, unknown = 0, custody = 0;
  std::array<int64_t, 5> neet_by_reason{};  // by NeetReason - 1: awaiting_start .. unwilling
  std::array<int64_t, 7> eet_by_type{};     // by kEetTypeNames
  std::array<int64_t, 5> left_by_reason{};  // by kLeaveReasonNames

  double pct(int64_t part) const {
    return caseload ? 100.0 * static_cast<double>(part) / static_cast<double>(caseload) : 0.0;
  }
};

inline constexpr std::array<std::string_view, 7> kEetTypeNames = {
    "ft_education", "pt_education", "apprenticeship", "employment_with_training", "employment_without_training",
    "training", "other"};
inline constexpr std::array<std::string_view, 5> kNeetReasonNames = {"awaiting_start", "applied", "supported",
                                                                      "not_ready", "unwilling"};

struct MonthlyActivityReport {
  int year = 0, month = 0;
  Date first_day = kNoDate, last_day = kNoDate;
  MonthlyActivityFilter filter;
  ActivityPanel year11, year12;
};

// `ds` is the folder's dataset (people and activities) the records were checked against.
MonthlyActivityReport monthly_activity_report(const Dataset& ds, const Rules& rules, const CoachingRecords& records,
                                              int year, int month, const MonthlyActivityFilter& filter = {});

// The JSON of formats.md, exactly: {"month", "year11": {...}, "year12": {...}}.
nlohmann::ordered_json to_json(const MonthlyActivityReport& r);
// A readable text report in seed 000's layout (the Year 11 panel, then Year 12), percentages
// rounded to one decimal place.
std::string render_table(const MonthlyActivityReport& r);
// One row per figure: month, coach, school, panel, measure (the JSON path, e.g.
// "sessions_completed_pct.1"), label, count, pct (percent measures: count = people with it).
Table long_table(const MonthlyActivityReport& r);
// The workbook: sheets "Year 11" and "Year 12" (measure, label, count, %).
std::vector<Table> to_tables(const MonthlyActivityReport& r);

}  // namespace pathways
