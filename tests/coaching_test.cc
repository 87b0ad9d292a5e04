// Engagement coaching records (coaching/records.h) and the monthly activity report
// (coaching/monthly.h, formats.md "report monthly-activity"), on a small hand-written cohort
// whose figures are worked out by hand below.
//
// The month is February 2026 (F = 2026-02-01, L = 2026-02-28), academic year 2025-26:
// Year 11 = academic age 15 = born 2009-09-01 .. 2010-08-31; Year 12 = academic age 16 = born
// 2008-09-01 .. 2009-08-31. Coaches C1, C2; schools S1, S2, S3.
//
// Year 11
//   Y11A  born 2009-09-01 (the youngest of Year 11)  C1/S1  joined 2025-10-01, still on
//         sessions 1 (2025-10-20), 2 (2026-02-28: L, counts), 3 (2026-03-01: after, not counted)
//         assessments roni 2025-10-05, pass 2026-03-02 (after, not counted)
//         contacts young_person 02-28 (L: engaged), post16_provider 02-10 (professional),
//                  parent_carer 02-11 (not professional, not engagement)
//   Y11B  born 2010-05-05  C1/S1  joined 2026-02-10 (joiner); session 1 2026-02-15
//         contacts young_person 2026-03-01 (next month: not engaged), other_professional 02-01
//         (F: professional)
//   Y11C  born 2010-01-01  C2/S2  joined 2025-09-20, left 2026-02-14 other_support (left
//         mid-month: still in February's caseload); sessions 1, 2 (autumn); roni 2025-09-25 and
//         again 2026-01-10 (one person), neet_tool 2025-12-01; contact young_person 02-03
//   Y11D  born 2010-03-03  C1/S1  joins 2026-03-01: not in February (its contact 02-20 and
//         session 1 in March do not count)
//   Y11E  born 2010-04-04  C1/S1  joined 2025-09-10, left 2026-01-31 disengaged: not in February
//   => caseload 3 (A B C), joined 1 (B), left 1 (C), engaged 2 (A C), professional 2 (A B)
//      session 1: A B C = 3/3 = 100%; session 2: A C = 2/3; sessions 3-7: 0
//      roni: A C = 2/3; pass: 0 (A's is in March); neet_tool: C = 1/3
//
// Year 12 (status from the activity current on 2026-02-28)
//   Y12A  born 2009-08-31 (the oldest of Year 12)  C1/S1  230 -> eet ft_education; contact yp 02-27
//   Y12B  C2/S2  610, no reason -> not_ready; contacts post16_provider 02-28 (counted), 03-01 (not)
//   Y12C  C2/S2  615, no reason -> awaiting_start
//   Y12D  C1/S1  616, no reason -> awaiting_start
//   Y12E  C1/S3  619, no reason -> supported
//   Y12F  C2/S2  619 with neet_reason unwilling -> unwilling
//   Y12G  C1/S1  no activity -> unknown
//   Y12H  C1/S1  left 2026-02-20 moved_to_eet; 310 from 02-16 -> eet apprenticeship
//   Y12I  C2/S2  joined 2026-02-01 (F: joiner); 330 -> eet employment_without_training
//   Y12J  C2/S2  left 2026-02-28 left_area (L: a leaver); 320 -> eet employment_with_training
//   Y12K  C1/S1  leaves 2026-03-01 (not a February leaver); 250 -> eet pt_education
//   Y12L  C2/S2  610 with neet_reason applied -> applied (a recorded reason beats the default)
//   Y12M  C1/S1  410 -> eet training; contacts young_person 02-05 and 02-06 (one person engaged)
//   Y12N  C2/S2  530 -> eet other
//   Y12O  C1/S1  710 custody -> in none of the status figures
//   Y12P  C2/S2  810 not known -> unknown
//   Y12Q  C1/S1  left 2026-01-15: not in February
//   Y12R  C1/S1 joined 2025-10-01 left 2026-02-10 (other), then C2/S2 from 2026-02-10 (a
//         hand-over): one person in the caseload, one joiner and one leaver; 240 -> ft_education
//   Z13   born 2008-08-31: academic age 17, on C1's caseload with a contact: in neither panel
//   => caseload 17 (A-P and R), joined 2 (I, R's second episode), left 3 (H, J, R's first)
//      eet 8: ft_education 2 (A R), pt_education 1 (K), apprenticeship 1 (H),
//             employment_with_training 1 (J), employment_without_training 1 (I), training 1 (M),
//             other 1 (N)
//      neet_by_reason: awaiting_start 2 (C D), applied 1 (L), supported 1 (E), not_ready 1 (B),
//             unwilling 1 (F); unknown 2 (G P); custody 1 (O): 8 + 6 + 2 + 1 = 17
//      engaged 2 (A M), professional 1 (B), left_by_reason: moved_to_eet 1, left_area 1, other 1
//
// --coach C1: Year 11 A B: caseload 2, joined 1, left 0, engaged 1, professional 2,
//               session 1 100%, session 2 50%, roni 50%
//             Year 12 A D E G H K M O R: caseload 9, joined 0, left 2 (H moved_to_eet, R other),
//               eet 5 (A R ft, K pt, H apprenticeship, M training), awaiting_start 1 (D),
//               supported 1 (E), unknown 1 (G), engaged 2 (A M), professional 0
// --school S2: Year 11 C: caseload 1, left 1, engaged 1, sessions 1-2 100%, roni and neet_tool 100%
//             Year 12 B C F I J L N P R: caseload 9, joined 2 (I R), left 1 (J left_area),
//               eet 4 (R ft, J ewt, I ewot, N other), not_ready 1, awaiting_start 1, unwilling 1,
//               applied 1, unknown 1 (P), engaged 0, professional 1 (B)
// --coach C1 --school S3: Year 12 E only (supported); Year 11 empty, its percentages 0.

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "coaching/monthly.h"
#include "coaching/records.h"
#include "coaching_cohort.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

using namespace testing::coaching_cohort;

struct Loaded {
  Dataset ds;
  CoachingRecords records;
};

Loaded load(const TempDir& dir) {
  Loaded l;
  l.ds = testing::load_valid(dir);
  LoadReport report;
  auto r = load_coaching(dir.path(), l.ds, report);
  EXPECT_TRUE(r.has_value()) << testing::errors_of(report);
  if (r) l.records = std::move(*r);
  return l;
}

MonthlyActivityReport february(const Loaded& l, MonthlyActivityFilter filter = {}) {
  return monthly_activity_report(l.ds, Rules::defaults(), l.records, 2026, 2, filter);
}

TEST(Coaching, LoadsTheFourFiles) {
  TempDir dir;
  write_folder(dir);
  const Loaded l = load(dir);
  EXPECT_EQ(l.records.caseload.size(), 25u);
  EXPECT_EQ(l.records.sessions.size(), 7u);
  EXPECT_EQ(l.records.assessments.size(), 5u);
  EXPECT_EQ(l.records.contacts.size(), 14u);
  const CaseloadEpisode& c = l.records.caseload[2];
  EXPECT_EQ(l.ds.people.id[c.person], "Y11C");
  EXPECT_EQ(c.coach_id, "C2");
  EXPECT_EQ(c.school_id, "S2");
  EXPECT_EQ(c.joined, make_date(2025, 9, 20));
  EXPECT_EQ(c.left, make_date(2026, 2, 14));
  EXPECT_EQ(c.leave_reason, LeaveReason::kOtherSupport);
  EXPECT_EQ(c.line, 4u);
  EXPECT_EQ(l.records.sessions[1].number, 2);
  EXPECT_EQ(l.records.sessions[1].mode, ContactMode::kVirtual);
  EXPECT_EQ(l.records.sessions[5].mode, ContactMode::kNone);
  EXPECT_EQ(l.records.assessments[4].kind, AssessmentKind::kNeetTool);
  EXPECT_EQ(l.records.contacts[2].with, ContactWith::kParentCarer);
  EXPECT_EQ(l.records.contacts[2].mode, ContactMode::kPhone);
}

TEST(Coaching, DefaultNeetReasonsAreThoseOfFormatsMd) {
  const Rules& rules = Rules::defaults();
  EXPECT_EQ(rules.default_neet_reason(610), "not_ready");
  EXPECT_EQ(rules.default_neet_reason(615), "awaiting_start");
  EXPECT_EQ(rules.default_neet_reason(616), "awaiting_start");
  EXPECT_EQ(rules.default_neet_reason(619), "supported");
  EXPECT_EQ(rules.default_neet_reason(640), "supported");
}

TEST(MonthlyActivity, Year11AllCoaches) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir));
  const ActivityPanel& p = r.year11;
  EXPECT_EQ(p.caseload, 3);
  EXPECT_EQ(p.joined, 1);
  EXPECT_EQ(p.left, 1);
  EXPECT_EQ(p.engaged, 2);
  EXPECT_EQ(p.professional_contacts, 2);
  EXPECT_EQ(p.sessions_completed, (std::array<int64_t, 7>{3, 2, 0, 0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(p.pct(p.sessions_completed[0]), 100.0);
  EXPECT_DOUBLE_EQ(p.pct(p.sessions_completed[1]), 200.0 / 3.0);
  EXPECT_EQ(p.assessments_completed, (std::array<int64_t, 3>{2, 0, 1}));
  EXPECT_EQ(r.first_day, make_date(2026, 2, 1));
  EXPECT_EQ(r.last_day, make_date(2026, 2, 28));
}

TEST(MonthlyActivity, Year12AllCoaches) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir));
  const ActivityPanel& p = r.year12;
  EXPECT_EQ(p.caseload, 17);
  EXPECT_EQ(p.joined, 2);
  EXPECT_EQ(p.left, 3);
  EXPECT_EQ(p.engaged, 2);
  EXPECT_EQ(p.professional_contacts, 1);
  EXPECT_EQ(p.eet, 8);
  EXPECT_EQ(p.eet_by_type, (std::array<int64_t, 7>{2, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(p.neet_by_reason, (std::array<int64_t, 5>{2, 1, 1, 1, 1}));  // awaiting, applied, supported, not_ready, unwilling
  EXPECT_EQ(p.unknown, 2);
  EXPECT_EQ(p.custody, 1);
  EXPECT_EQ(p.left_by_reason, (std::array<int64_t, 5>{1, 0, 1, 0, 1}));
}

TEST(MonthlyActivity, FilteredByCoach) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir), {"C1", ""});
  EXPECT_EQ(r.year11.caseload, 2);
  EXPECT_EQ(r.year11.joined, 1);
  EXPECT_EQ(r.year11.left, 0);
  EXPECT_EQ(r.year11.engaged, 1);
  EXPECT_EQ(r.year11.professional_contacts, 2);
  EXPECT_EQ(r.year11.sessions_completed, (std::array<int64_t, 7>{2, 1, 0, 0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(r.year11.pct(r.year11.sessions_completed[1]), 50.0);
  EXPECT_EQ(r.year11.assessments_completed, (std::array<int64_t, 3>{1, 0, 0}));
  const ActivityPanel& p = r.year12;
  EXPECT_EQ(p.caseload, 9);
  EXPECT_EQ(p.joined, 0);
  EXPECT_EQ(p.left, 2);
  EXPECT_EQ(p.left_by_reason, (std::array<int64_t, 5>{1, 0, 0, 0, 1}));
  EXPECT_EQ(p.eet, 5);
  EXPECT_EQ(p.eet_by_type, (std::array<int64_t, 7>{2, 1, 1, 0, 0, 1, 0}));
  EXPECT_EQ(p.neet_by_reason, (std::array<int64_t, 5>{1, 0, 1, 0, 0}));
  EXPECT_EQ(p.unknown, 1);
  EXPECT_EQ(p.custody, 1);
  EXPECT_EQ(p.engaged, 2);
  EXPECT_EQ(p.professional_contacts, 0);
}

TEST(MonthlyActivity, FilteredBySchool) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir), {"", "S2"});
  EXPECT_EQ(r.year11.caseload, 1);
  EXPECT_EQ(r.year11.joined, 0);
  EXPECT_EQ(r.year11.left, 1);
  EXPECT_EQ(r.year11.engaged, 1);
  EXPECT_EQ(r.year11.professional_contacts, 0);
  EXPECT_EQ(r.year11.sessions_completed, (std::array<int64_t, 7>{1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(r.year11.assessments_completed, (std::array<int64_t, 3>{1, 0, 1}));
  const ActivityPanel& p = r.year12;
  EXPECT_EQ(p.caseload, 9);
  EXPECT_EQ(p.joined, 2);
  EXPECT_EQ(p.left, 1);
  EXPECT_EQ(p.left_by_reason, (std::array<int64_t, 5>{0, 0, 1, 0, 0}));
  EXPECT_EQ(p.eet, 4);
  EXPECT_EQ(p.eet_by_type, (std::array<int64_t, 7>{1, 0, 0, 1, 1, 0, 1}));
  EXPECT_EQ(p.neet_by_reason, (std::array<int64_t, 5>{1, 1, 0, 1, 1}));
  EXPECT_EQ(p.unknown, 1);
  EXPECT_EQ(p.engaged, 0);
  EXPECT_EQ(p.professional_contacts, 1);
}

TEST(MonthlyActivity, FilteredByCoachAndSchool) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir), {"C1", "S3"});
  EXPECT_EQ(r.year11.caseload, 0);
  EXPECT_DOUBLE_EQ(r.year11.pct(r.year11.sessions_completed[0]), 0.0);
  EXPECT_EQ(r.year12.caseload, 1);
  EXPECT_EQ(r.year12.neet_by_reason, (std::array<int64_t, 5>{0, 0, 1, 0, 0}));
  const auto none = february(load(dir), {"C9", ""});
  EXPECT_EQ(none.year11.caseload + none.year12.caseload, 0);
}

TEST(MonthlyActivity, OtherMonths) {
  TempDir dir;
  write_folder(dir);
  const Loaded l = load(dir);
  // March 2026: Y11D joins on the 1st; K leaves on the 1st; session 3 of Y11A and the March
  // assessment now count.
  const auto march = monthly_activity_report(l.ds, Rules::defaults(), l.records, 2026, 3);
  EXPECT_EQ(march.year11.caseload, 3);  // A B D (C left in February)
  EXPECT_EQ(march.year11.joined, 1);
  EXPECT_EQ(march.year11.engaged, 1);  // B on 03-01
  EXPECT_EQ(march.year11.sessions_completed, (std::array<int64_t, 7>{3, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(march.year11.assessments_completed, (std::array<int64_t, 3>{1, 1, 0}));
  EXPECT_EQ(march.year12.left, 1);
  EXPECT_EQ(march.year12.left_by_reason[3], 1);  // K disengaged
  EXPECT_EQ(march.year12.professional_contacts, 1);  // B on 03-01
  // September 2026: everyone is a year older. Y11A, Y11B and Y11D, still on the caseload, are
  // now Year 12 (Y11A, born 1 September 2009, too); the Year 12 of 2025-26 is in neither panel.
  const auto september = monthly_activity_report(l.ds, Rules::defaults(), l.records, 2026, 9);
  EXPECT_EQ(september.year11.caseload, 0);
  EXPECT_EQ(september.year12.caseload, 3);
  EXPECT_EQ(september.year12.unknown, 3);  // no activities recorded for them
}

TEST(MonthlyActivity, JsonFollowsFormatsMd) {
  TempDir dir;
  write_folder(dir);
  const auto j = to_json(february(load(dir)));
  std::vector<std::string> top, y11, y12;
  for (const auto& [k, v] : j.items()) top.push_back(k);
  for (const auto& [k, v] : j["year11"].items()) y11.push_back(k);
  for (const auto& [k, v] : j["year12"].items()) y12.push_back(k);
  EXPECT_EQ(top, (std::vector<std::string>{"month", "year11", "year12"}));
  EXPECT_EQ(y11, (std::vector<std::string>{"caseload", "joined", "left", "engaged", "professional_contacts",
                                           "sessions_completed_pct", "assessments_completed_pct"}));
  EXPECT_EQ(y12, (std::vector<std::string>{"caseload", "joined", "left", "engaged", "professional_contacts", "eet",
                                           "neet_by_reason", "unknown", "eet_by_type", "left_by_reason"}));
  EXPECT_EQ(j["month"], "2026-02");
  EXPECT_DOUBLE_EQ(j["year11"]["sessions_completed_pct"]["2"].get<double>(), 200.0 / 3.0);
  EXPECT_DOUBLE_EQ(j["year11"]["assessments_completed_pct"]["neet_tool"].get<double>(), 100.0 / 3.0);
  EXPECT_EQ(j["year12"]["neet_by_reason"]["awaiting_start"], 2);
  EXPECT_EQ(j["year12"]["eet_by_type"]["employment_without_training"], 1);
  EXPECT_EQ(j["year12"]["left_by_reason"]["left_area"], 1);
}

TEST(MonthlyActivity, TableCsvAndWorkbook) {
  TempDir dir;
  write_folder(dir);
  const auto r = february(load(dir), {"C1", ""});
  const std::string text = render_table(r);
  EXPECT_NE(text.find("Engagement coach: C1"), std::string::npos) << text;
  EXPECT_NE(text.find("% completed Session 2 (Detailed Action Plan) to date:"), std::string::npos) << text;
  EXPECT_NE(text.find("50.0%"), std::string::npos) << text;
  const std::string csv = to_csv(long_table(r));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "month,coach,school,panel,measure,label,count,pct");
  EXPECT_NE(csv.find("2026-02,C1,all,year11,sessions_completed_pct.2,% completed Session 2 (Detailed Action Plan) to "
                     "date,1,50.000000"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("2026-02,C1,all,year12,caseload,Number on caseload in month,9,\n"), std::string::npos) << csv;
  const auto tables = to_tables(r);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].sheet_name, "Year 11");
  EXPECT_EQ(tables[1].sheet_name, "Year 12");
  EXPECT_EQ(tables[1].rows.size(), 5u + 1 + 5 + 1 + 7 + 5);
}

// --- malformed input: each error names the file, line, column and value ---------------

std::vector<std::string> errors_for(const Files& files) {
  TempDir dir;
  write_folder(dir, files);
  const Dataset ds = testing::load_valid(dir);
  LoadReport report;
  const auto r = load_coaching(dir.path(), ds, report);
  EXPECT_FALSE(r.has_value()) << "all or nothing: no records when there are errors";
  std::vector<std::string> out;
  for (const auto& e : report.errors) out.push_back(format_issue(e));
  return out;
}

bool has(const std::vector<std::string>& errors, const std::string& text) {
  return std::find(errors.begin(), errors.end(), text) != errors.end();
}

std::string all(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

TEST(Coaching, CaseloadErrors) {
  Files f;
  f.caseload = std::string(kCaseloadHeader) +
               "NOBODY,C1,S1,P,2025-10-01,,\n"                    // line 2
               "Y11A,C1,S1,P,2026-02-30,,\n"                      // 3
               "Y11B,C1,S1,P,2025-10-01,2025-09-30,other\n"       // 4
               "Y11C,C1,S1,P,2025-10-01,2025-12-01,moved\n"       // 5
               "Y11D,,S1,P,2025-10-01,,\n"                        // 6
               "Y11E,C1,S1,P,2025-10-01,,disengaged\n"            // 7
               "Y12A,C1,S1,P,2025-10-01,2025-12-01,other\n"       // 8
               "Y12A,C1,S1,P,2025-10-01,2025-12-01,other\n"       // 9 duplicate of 8
               "Y12B,C1,S1,P,2025-10-01,,\n"                      // 10
               "Y12B,C2,S2,P,2025-12-01,,\n"                      // 11 overlaps 10
               "Y12C,C1,S1,P,2025-10-01\n";                       // 12 too few fields
  const auto e = errors_for(f);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:2: column person_id: 'NOBODY': no such person in people.csv")) << all(e);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:3: column joined_date: '2026-02-30': not a real date in the form YYYY-MM-DD"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:4: column left_date: '2025-09-30': before joined_date 2025-10-01")) << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/caseload.csv:5: column leave_reason: 'moved': not one of moved_to_eet, other_support, "
                  "left_area, disengaged, other"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:6: column coach_id: a value is required")) << all(e);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:7: column leave_reason: 'disengaged': a leave_reason needs a left_date"))
      << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/caseload.csv:9: column joined_date: '2025-10-01': the same person, coach and joined_date "
                  "are on line 8"))
      << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/caseload.csv:11: column joined_date: '2025-12-01': overlaps the caseload episode on line 10 "
                  "(one caseload at a time)"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/caseload.csv:12: has 5 fields but the header has 7")) << all(e);
  EXPECT_EQ(e.size(), 9u) << all(e);
}

TEST(Coaching, SessionAssessmentAndContactErrors) {
  Files f;
  f.sessions = std::string(kSessionsHeader) +
               "Y11A,8,2025-10-20,C1,in_person\n"   // 2
               "Y11A,0,2025-10-20,C1,in_person\n"   // 3
               "Y11A,x,2025-10-20,C1,in_person\n"   // 4
               "Y11A,1,2025-10-20,C1,phone\n"       // 5: sessions are in person or virtual
               "Y11B,1,2025-10-20,C1,in_person\n"   // 6
               "Y11B,1,2025-11-20,C1,in_person\n"   // 7: session 1 twice
               "Y11C,2,,C1,in_person\n";            // 8
  f.assessments = std::string(kAssessmentsHeader) +
                  "Y11A,ronnie,2025-10-05\n"  // 2
                  "Y11A,roni,2025-13-05\n"    // 3
                  "Y11A,pass,2025-10-05\n"    // 4
                  "Y11A,pass,2025-10-05\n";   // 5: repeat of 4
  f.contacts = std::string(kContactsHeader) +
               "Y11A,2026-02-28,C1,teacher,in_person\n"        // 2
               "Y11A,2026-02-28,C1,young_person,fax\n"         // 3
               "Y11A,,C1,young_person,phone\n"                 // 4
               "GHOST,2026-02-28,C1,young_person,phone\n"      // 5
               "Y11B,2026-02-28,C1,young_person,phone\n"       // 6
               "Y11B,2026-02-28,C1,young_person,phone\n";      // 7: repeat of 6
  const auto e = errors_for(f);
  EXPECT_TRUE(has(e, "coaching/sessions.csv:2: column session_number: '8': not a session number 1-7")) << all(e);
  EXPECT_TRUE(has(e, "coaching/sessions.csv:3: column session_number: '0': not a session number 1-7")) << all(e);
  EXPECT_TRUE(has(e, "coaching/sessions.csv:4: column session_number: 'x': not a session number 1-7")) << all(e);
  EXPECT_TRUE(has(e, "coaching/sessions.csv:5: column mode: 'phone': not one of in_person, virtual")) << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/sessions.csv:7: column session_number: '1': session 1 of this person is already recorded "
                  "on line 6"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/sessions.csv:8: column date: a date is required")) << all(e);
  EXPECT_TRUE(has(e, "coaching/assessments.csv:2: column assessment: 'ronnie': not one of roni, pass, neet_tool"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/assessments.csv:3: column date: '2025-13-05': not a real date in the form YYYY-MM-DD"))
      << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/assessments.csv:5: column date: '2025-10-05': the same assessment of this person on this "
                  "date is on line 4"))
      << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/contacts.csv:2: column contact_with: 'teacher': not one of young_person, parent_carer, "
                  "post16_provider, other_professional"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/contacts.csv:3: column mode: 'fax': not one of in_person, virtual, phone, text, email"))
      << all(e);
  EXPECT_TRUE(has(e, "coaching/contacts.csv:4: column date: a date is required")) << all(e);
  EXPECT_TRUE(has(e, "coaching/contacts.csv:5: column person_id: 'GHOST': no such person in people.csv")) << all(e);
  EXPECT_TRUE(has(e,
                  "coaching/contacts.csv:7: column date: '2026-02-28': the same contact (person, date, coach, "
                  "contact_with, mode) is on line 6"))
      << all(e);
  EXPECT_EQ(e.size(), 14u) << all(e);
}

TEST(Coaching, HeaderAndFileErrors) {
  {
    Files f;
    f.sessions = "person_id,date,coach_id\nY11A,2025-10-20,C1\n";
    f.contacts = "person_id,date,contact_with,contact_with\nY11A,2026-02-01,young_person,young_person\n";
    const auto e = errors_for(f);
    EXPECT_TRUE(has(e, "coaching/sessions.csv:1: column session_number: required column is missing")) << all(e);
    EXPECT_TRUE(has(e, "coaching/contacts.csv:1: column contact_with: column appears twice in the header")) << all(e);
  }
  {
    TempDir dir;
    write_folder(dir);
    std::filesystem::remove(dir / "coaching/caseload.csv");
    std::filesystem::remove(dir / "coaching/contacts.csv");
    const Dataset ds = testing::load_valid(dir);
    LoadReport report;
    EXPECT_FALSE(load_coaching(dir.path(), ds, report).has_value());
    ASSERT_EQ(report.errors.size(), 1u) << testing::errors_of(report);
    EXPECT_EQ(format_issue(report.errors[0]),
              "coaching/caseload.csv: file not found: a folder's coaching records need coaching/caseload.csv");
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_EQ(format_issue(report.warnings[0]), "coaching/contacts.csv: file not found: read as no records");
  }
  {
    // Extra columns are ignored with a warning; a left_date without a reason counts as other.
    Files f;
    f.caseload = "person_id,coach_id,joined_date,left_date,notes\nY12A,C1,2025-10-01,2026-02-10,hello\n";
    TempDir dir;
    write_folder(dir, f);
    const Dataset ds = testing::load_valid(dir);
    LoadReport report;
    const auto r = load_coaching(dir.path(), ds, report);
    ASSERT_TRUE(r.has_value()) << testing::errors_of(report);
    ASSERT_EQ(report.warnings.size(), 2u);
    EXPECT_EQ(format_issue(report.warnings[0]), "coaching/caseload.csv:1: column notes: unknown column ignored");
    EXPECT_EQ(format_issue(report.warnings[1]),
              "coaching/caseload.csv:2: column leave_reason: left the caseload without a leave_reason: counted as other");
    const auto m = monthly_activity_report(ds, Rules::defaults(), *r, 2026, 2);
    EXPECT_EQ(m.year12.left_by_reason, (std::array<int64_t, 5>{0, 0, 0, 0, 1}));
  }
}

// --- the command line ----------------------------------------------------------------

testing::ShellResult run(const std::string& args) {
  return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>&1");
}

TEST(CoachingCli, MonthlyActivityJsonFieldNames) {
  TempDir dir;
  write_folder(dir);
  const auto j = run("report monthly-activity --data " + dir.path() + " --month 2026-02 --format json");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto doc = nlohmann::ordered_json::parse(j.out);
  // formats.md: { "month", "year11": { caseload, joined, left, engaged, professional_contacts,
  // sessions_completed_pct {"1".."7"}, assessments_completed_pct {roni, pass, neet_tool} },
  // "year12": { caseload, joined, left, engaged, professional_contacts, eet, neet_by_reason {...},
  // unknown, eet_by_type {...}, left_by_reason {...} } }
  const nlohmann::ordered_json expected_shape = nlohmann::ordered_json::parse(R"({
    "month": "2026-02",
    "year11": {"caseload": 3, "joined": 1, "left": 1, "engaged": 2, "professional_contacts": 2,
               "sessions_completed_pct": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 0},
               "assessments_completed_pct": {"roni": 0, "pass": 0, "neet_tool": 0}},
    "year12": {"caseload": 17, "joined": 2, "left": 3, "engaged": 2, "professional_contacts": 1, "eet": 8,
               "neet_by_reason": {"awaiting_start": 2, "applied": 1, "supported": 1, "not_ready": 1, "unwilling": 1},
               "unknown": 2,
               "eet_by_type": {"ft_education": 2, "pt_education": 1, "apprenticeship": 1, "employment_with_training": 1,
                               "employment_without_training": 1, "training": 1, "other": 1},
               "left_by_reason": {"moved_to_eet": 1, "other_support": 0, "left_area": 1, "disengaged": 0, "other": 1}}
  })");
  // Same keys in the same order, recursively; counts equal; percentages numbers.
  std::function<void(const nlohmann::ordered_json&, const nlohmann::ordered_json&, const std::string&)> same =
      [&](const auto& want, const auto& got, const std::string& path) {
        if (want.is_object()) {
          ASSERT_TRUE(got.is_object()) << path;
          std::vector<std::string> wk, gk;
          for (const auto& [k, v] : want.items()) wk.push_back(k);
          for (const auto& [k, v] : got.items()) gk.push_back(k);
          ASSERT_EQ(gk, wk) << path;
          for (const auto& [k, v] : want.items()) same(v, got[k], path + "." + k);
        } else if (path.find("_pct") != std::string::npos) {
          EXPECT_TRUE(got.is_number_float()) << path;
        } else {
          EXPECT_EQ(got, want) << path;
        }
      };
  same(expected_shape, doc, "");
  EXPECT_DOUBLE_EQ(doc["year11"]["sessions_completed_pct"]["1"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(doc["year11"]["assessments_completed_pct"]["roni"].get<double>(), 200.0 / 3.0);
}

TEST(CoachingCli, MonthlyActivityFormatsFiltersAndErrors) {
  TempDir dir, out;
  write_folder(dir);
  const std::string base = "report monthly-activity --data " + dir.path() + " --month 2026-02";
  const auto t = run(base + " --coach C1");
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_NE(t.out.find("Year 12"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Engagement coach: C1"), std::string::npos) << t.out;
  const auto c = run(base + " --school S2 --format csv");
  ASSERT_EQ(c.status, 0) << c.out;
  EXPECT_NE(c.out.find("2026-02,all,S2,year12,caseload,Number on caseload in month,9,"), std::string::npos) << c.out;
  const auto x = run(base + " --format xlsx --out " + (out / "m.xlsx"));
  ASSERT_EQ(x.status, 0) << x.out;
  EXPECT_EQ(testing::read_file(out / "m.xlsx").substr(0, 2), "PK");
  EXPECT_EQ(run(base + " --format xlsx").status, 2);
  EXPECT_EQ(run("report monthly-activity --data " + dir.path() + " --month 2026-13").status, 2);
  EXPECT_EQ(run("report monthly-activity --month 2026-02").status, 2) << "--data or --db is required";

  Files bad;
  bad.sessions = std::string(kSessionsHeader) + "Y11A,9,2025-10-20,C1,in_person\n";
  TempDir bad_dir;
  write_folder(bad_dir, bad);
  const auto e = run("report monthly-activity --data " + bad_dir.path() + " --month 2026-02 --format json --out " +
                     (out / "bad.json"));
  EXPECT_EQ(e.status, 2);
  EXPECT_NE(e.out.find("coaching/sessions.csv:2: column session_number: '9': not a session number 1-7"),
            std::string::npos)
      << e.out;
  EXPECT_FALSE(std::filesystem::exists(out / "bad.json")) << "nothing is written on failure";
}

}  // namespace
}  // namespace pathways
