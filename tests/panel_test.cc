// The NEET vulnerable group panel: coaching/panel_referrals.csv (coaching/records.h), the
// progression report (coaching/panel.h), referrals in the store and the export of the
// coaching files (coaching/store.h, coaching/export.h) on SQLite and PostgreSQL, and the
// panel pages (server/panel_pages.cc).
//
// Library cohort: referral year 2025 (2025-26, 1 Sep 2025 .. 31 Aug 2026), progression date
// 31 December 2026. Schools S1, S2.
//
// id  referrals (latest counts)                       activities                   on 2026-12-31
// K1  S1 red 2025-11-10                               230 from 2026-09-03          EET
// K2  S1 red 2025-11-10 (panel 2025-12-01             619 from 2026-11-01          NEET
//     allocate_coach), amber 2026-03-01 (latest,
//     not yet discussed)
// K3  S2 amber 2026-01-15, panel 2026-02-01           320 from 2026-10-01          EET
//     school_support
// K4  S2 green 2025-10-01, panel 2025-10-20 monitor   (none)                       not known
// K5  S1 red 2025-12-01, panel 2026-01-10             710 from 2026-12-01          custody
//     commissioned_service
// K6  S1 green 2026-06-30                             310 from 2026-09-10          EET
// K7  S1 red 2026-09-05: referral year 2026, not in 2025's report
// K8  S2 red 2025-08-31: referral year 2024, not in 2025's report
// K9  S1 red 2025-09-01 (the year's first day),       230 2026-09-03 .. 2026-10-15 not known
//     panel 2025-10-01 allocate_coach
//
// => referred 7 (K1-K6, K9); eet 3 (K1 K3 K6), neet 1 (K2), not_known 2 (K4 K9), custody 1 (K5)
//    progression 3/7 = 42.857...%
//    red K1 K5 K9: 3, eet 1 (K1) = 33.3%; amber K2 K3: 2, eet 1 (K3) = 50%; green K4 K6: 2,
//    eet 1 (K6) = 50%
//    discussed (latest referral has a panel_date): K3 K4 K5 K9 = 4
//    decisions: not decided K1 K2 K6 = 3, allocate_coach K9, commissioned_service K5,
//    school_support K3, monitor K4 = 1 each
// --school S2: K3 K4: referred 2, eet 1 = 50%
// --on 2026-10-01: K1 EET, K2 not known (619 starts 11-01), K3 EET (320 from 10-01), K4 not
//    known, K5 not known (710 starts 12-01), K6 EET, K9 EET (230 until 10-15) => 4/7 = 57.14%
#include <httplib.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "coaching/export.h"
#include "coaching/panel.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "coaching_cohort.h"
#include "coaching_server.h"
#include "generate/generate.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

constexpr const char* kReferralsHeader = "person_id,school_id,referred_date,rag,reason,panel_date,decision,actions\n";
constexpr const char* kReferrals =
    "K1,S1,2025-11-10,red,\"Poor attendance, no post-16 plan\",,,\n"
    "K2,S1,2025-11-10,red,Young carer,2025-12-01,allocate_coach,Coach to meet weekly\n"
    "K2,S1,2026-03-01,amber,Still no application,,,\n"
    "K3,S2,2026-01-15,amber,\"Anxiety; says \"\"won't go\"\" to college\",2026-02-01,school_support,\"Mentor, then review\"\n"
    "K4,S2,2025-10-01,green,For information,2025-10-20,monitor,\n"
    "K5,S1,2025-12-01,red,Youth offending,2026-01-10,commissioned_service,\n"
    "K6,S1,2026-06-30,green,Late joiner,,,\n"
    "K7,S1,2026-09-05,red,Next year,,,\n"
    "K8,S2,2025-08-31,red,Last year,,,\n"
    "K9,S1,2025-09-01,red,Excluded,2025-10-01,allocate_coach,=SUM(1)\n";

void write_panel_folder(const TempDir& dir, const std::string& referrals = std::string(kReferralsHeader) + kReferrals) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "K1,A,K,2009-10-01,F,890,P,N,,S1\n"
                              "K2,B,K,2009-11-01,M,890,P,N,,S1\n"
                              "K3,C,K,2010-01-01,F,890,P,N,,S2\n"
                              "K4,D,K,2010-02-01,M,890,P,N,,S2\n"
                              "K5,E,K,2010-03-01,F,890,P,N,,S1\n"
                              "K6,F,K,2010-04-01,M,890,P,N,,S1\n"
                              "K7,G,K,2010-10-01,F,890,P,N,,S1\n"
                              "K8,H,K,2009-05-01,M,890,P,N,,S2\n"
                              "K9,I,K,2010-05-01,F,890,P,N,,S1\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "K1,230,2026-09-03,,,,,,\n"
                                  "K2,619,2026-11-01,,,,,,\n"
                                  "K3,320,2026-10-01,,,,,,\n"
                                  "K5,710,2026-12-01,,,,,,\n"
                                  "K6,310,2026-09-10,,,,,,\n"
                                  "K9,230,2026-09-03,2026-10-15,,,,,\n");
  dir.write("coaching/caseload.csv", "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n"
                                     "K2,C1,S1,,2025-12-01,,\n");
  dir.write("coaching/panel_referrals.csv", referrals);
}

struct Loaded {
  Dataset ds;
  CoachingRecords records;
};

Loaded load_panel(const TempDir& dir) {
  Loaded l;
  l.ds = testing::load_valid(dir);
  LoadReport report;
  auto r = load_coaching(dir.path(), l.ds, report);
  EXPECT_TRUE(r) << testing::errors_of(report);
  if (r) l.records = std::move(*r);
  return l;
}

TEST(PanelReport, ProgressionOverallByRagAndByDecision) {
  TempDir dir;
  write_panel_folder(dir);
  const Loaded l = load_panel(dir);
  ASSERT_EQ(l.records.referrals.size(), 10u);
  EXPECT_EQ(l.records.referrals[3].reason, "Anxiety; says \"won't go\" to college") << "read in file order";
  EXPECT_EQ(default_progression_date(2025), make_date(2026, 12, 31));
  const PanelReport r = panel_report(l.ds, Rules::defaults(), l.records.referrals, 2025, default_progression_date(2025));
  EXPECT_EQ(r.all.referred, 7);
  EXPECT_EQ(r.all.eet, 3);
  EXPECT_EQ(r.all.neet, 1);
  EXPECT_EQ(r.all.not_known, 2);
  EXPECT_EQ(r.all.custody, 1);
  EXPECT_EQ(r.all.discussed, 4);
  EXPECT_DOUBLE_EQ(r.all.progression_pct(), 300.0 / 7.0);
  const auto& red = r.by_rag[static_cast<size_t>(Rag::kRed)];
  const auto& amber = r.by_rag[static_cast<size_t>(Rag::kAmber)];
  const auto& green = r.by_rag[static_cast<size_t>(Rag::kGreen)];
  EXPECT_EQ(red.referred, 3);
  EXPECT_EQ(red.eet, 1);
  EXPECT_EQ(red.custody, 1);
  EXPECT_EQ(red.not_known, 1);
  EXPECT_DOUBLE_EQ(red.progression_pct(), 100.0 / 3.0);
  EXPECT_EQ(amber.referred, 2);
  EXPECT_EQ(amber.eet, 1);
  EXPECT_EQ(amber.neet, 1);
  EXPECT_DOUBLE_EQ(amber.progression_pct(), 50.0);
  EXPECT_EQ(green.referred, 2);
  EXPECT_EQ(green.eet, 1);
  EXPECT_DOUBLE_EQ(green.progression_pct(), 50.0);
  EXPECT_EQ(r.by_decision, (std::array<int64_t, 6>{3, 1, 1, 1, 1, 0}));
  const auto j = to_json(r);
  EXPECT_EQ(j.at("year"), "2025-26");
  EXPECT_EQ(j.at("progression_date"), "2026-12-31");
  EXPECT_EQ(j.at("referred"), 7);
  EXPECT_EQ(j.at("by_rag").at("amber").at("eet"), 1);
  EXPECT_EQ(j.at("by_decision").at("not_decided"), 3);
  EXPECT_NE(render_table(r).find("42.9%"), std::string::npos) << render_table(r);
  EXPECT_NE(to_csv(r).find("2025-26,2026-12-31,,all,7,3,1,2,1,4,"), std::string::npos) << to_csv(r);
}

TEST(PanelReport, BySchoolAndOnAnotherDate) {
  TempDir dir;
  write_panel_folder(dir);
  const Loaded l = load_panel(dir);
  const PanelReport s2 = panel_report(l.ds, Rules::defaults(), l.records.referrals, 2025, make_date(2026, 12, 31), "S2");
  EXPECT_EQ(s2.all.referred, 2);
  EXPECT_EQ(s2.all.eet, 1);
  EXPECT_DOUBLE_EQ(s2.all.progression_pct(), 50.0);
  const PanelReport oct = panel_report(l.ds, Rules::defaults(), l.records.referrals, 2025, make_date(2026, 10, 1));
  EXPECT_EQ(oct.all.eet, 4);
  EXPECT_EQ(oct.all.not_known, 3);
  EXPECT_DOUBLE_EQ(oct.all.progression_pct(), 400.0 / 7.0);
  const PanelReport none = panel_report(l.ds, Rules::defaults(), l.records.referrals, 2030, make_date(2031, 12, 31));
  EXPECT_EQ(none.all.referred, 0);
  EXPECT_EQ(none.all.progression_pct(), 0.0);
}

TEST(PanelReferralsFile, IsOptionalAndCheckedCellByCell) {
  TempDir dir;
  write_panel_folder(dir);
  std::filesystem::remove(dir / "coaching/panel_referrals.csv");
  {
    const Loaded l = load_panel(dir);
    EXPECT_TRUE(l.records.referrals.empty());
    LoadReport report;
    load_coaching(dir.path(), l.ds, report);
    for (const auto& w : report.warnings) EXPECT_EQ(w.file.find("panel_referrals"), std::string::npos) << "no warning for an absent extension";
  }
  write_panel_folder(dir, std::string(kReferralsHeader) +
                              "K1,S1,2025-11-10,purple,x,,,\n"                    // line 2: rag
                              "K2,S1,2025-11-10,red,,,,\n"                        // line 3: reason required
                              "K3,S2,2026-01-15,red,x,,monitor,\n"               // line 4: decision without panel_date
                              "K4,S2,2025-10-01,red,x,2025-09-01,monitor,\n"     // line 5: panel before referral
                              "K5,S1,2025-12-01,red,x,,,\n"
                              "K5,S1,2025-12-01,amber,y,,,\n"                    // line 7: repeat
                              "NOPE,S1,2025-12-01,red,x,,,\n"                    // line 8: person
                              "K6,S1,2026-06-30,red," + std::string(501, 'x') + ",,,\n");  // line 9: too long
  const Dataset ds = testing::load_valid(dir);
  LoadReport report;
  EXPECT_FALSE(load_coaching(dir.path(), ds, report));
  std::set<std::pair<uint64_t, std::string>> got;
  for (const auto& e : report.errors) {
    EXPECT_EQ(e.file, "coaching/panel_referrals.csv");
    got.insert({e.line, e.column});
  }
  EXPECT_EQ(got, (std::set<std::pair<uint64_t, std::string>>{{2, "rag"},
                                                              {3, "reason"},
                                                              {4, "decision"},
                                                              {5, "panel_date"},
                                                              {7, "referred_date"},
                                                              {8, "person_id"},
                                                              {9, "reason"}}))
      << testing::errors_of(report);
}

// --- Store and export ---------------------------------------------------------------------

std::vector<std::string> canonical_referrals(const Dataset& ds, const CoachingRecords& r) {
  std::vector<std::string> out;
  for (const auto& x : r.referrals)
    out.push_back(std::string(ds.people.id[x.person]) + "|" + x.school_id + "|" + format_date(x.referred) + "|" +
                  std::to_string(static_cast<int>(x.rag)) + "|" + x.reason + "|" +
                  (x.panel_date == kNoDate ? "" : format_date(x.panel_date)) + "|" + std::to_string(static_cast<int>(x.decision)) + "|" +
                  x.actions);
  std::sort(out.begin(), out.end());
  return out;
}

class PanelStore : public testing::DatabaseTest {};

TEST_P(PanelStore, ReferralsAreStoredUpdatedInPlaceAndReadBack) {
  TempDir dir;
  write_panel_folder(dir);
  const Loaded l = load_panel(dir);
  import_dataset(db(), l.ds, Rules::defaults(), "test", "tester");
  auto sum = import_coaching(db(), l.records, l.ds, "tester");
  EXPECT_EQ(sum.referrals.added, 10);
  EXPECT_EQ(count("panel_referrals"), 10);
  sum = import_coaching(db(), l.records, l.ds, "tester");
  EXPECT_EQ(sum.referrals.unchanged, 10);
  EXPECT_FALSE(sum.changed());
  // The panel meets about K6: its row changes in place.
  CoachingRecords one;
  PanelReferral k6 = l.records.referrals[6];
  ASSERT_EQ(l.ds.people.id[k6.person], "K6");
  k6.panel_date = make_date(2026, 7, 10);
  k6.decision = PanelDecision::kNoFurtherAction;
  k6.actions = "None";
  one.referrals.push_back(k6);
  sum = import_coaching(db(), one, l.ds, "tester");
  EXPECT_EQ(sum.referrals.changed, 1);
  EXPECT_EQ(count("panel_referrals"), 10);
  const Dataset stored = from_store();
  LoadReport report;
  const CoachingRecords back = load_coaching(db(), stored, report);
  EXPECT_TRUE(report.ok()) << testing::errors_of(report);
  CoachingRecords expected = l.records;
  expected.referrals[6] = k6;
  EXPECT_EQ(canonical_referrals(stored, back), canonical_referrals(l.ds, expected));
  const PanelReport r = panel_report(stored, Rules::defaults(), back.referrals, 2025, make_date(2026, 12, 31));
  EXPECT_EQ(r.all.referred, 7);
  EXPECT_EQ(r.all.eet, 3);
  EXPECT_EQ(r.all.discussed, 5) << "K6 now discussed";
}

// Export of a store's coaching records: importing the exported folder into a fresh store gives
// the same records, and exporting that store again gives the same bytes.
TEST_P(PanelStore, ExportedCoachingFilesImportBackIdentically) {
  TempDir dir;
  write_panel_folder(dir);
  TempDir src;
  {
    // One folder with the coaching cohort's records and the panel's people and referrals.
    src.write("people.csv", std::string(testing::kPeopleHeader) + testing::coaching_cohort::kPeople +
                                testing::read_file(dir / "people.csv").substr(std::string(testing::kPeopleHeader).size()));
    src.write("activities.csv", std::string(testing::kActivitiesHeader) + testing::coaching_cohort::kActivities +
                                    testing::read_file(dir / "activities.csv").substr(std::string(testing::kActivitiesHeader).size()));
    testing::coaching_cohort::Files f;
    src.write("coaching/caseload.csv", f.caseload);
    src.write("coaching/sessions.csv", f.sessions);
    src.write("coaching/assessments.csv", f.assessments);
    src.write("coaching/contacts.csv", f.contacts + "Y12G,2026-02-07,,young_person,\n");
    src.write("coaching/panel_referrals.csv", std::string(kReferralsHeader) + kReferrals);
    // Notes and action plans, text starting with = + - @ among them: written back as it is.
    src.write("coaching/notes.csv", "person_id,date,coach_id,text,confidential\n"
                                    "K2,2025-12-02,C1,=1+2,N\n"
                                    "K2,2025-12-03,C1,\"Young carer, school told\",true\n"
                                    "K1,2025-11-11,,@coach: phoned,0\n");
    src.write("coaching/action_plans.csv",
              "person_id,plan_date,goal,coach_id,closed_date,step_no,step_type,step_date,text,done_date\n"
              "K2,2025-12-05,+Start college,C1,,1,action,2026-01-15,-Apply online,2026-01-10\n"
              "K2,2025-12-05,+Start college,C1,,2,review,2026-03-01,Going well,\n"
              "K1,2025-11-20,Find an apprenticeship,,,,,,,\n");
  }
  const Loaded l = load_panel(src);
  import_dataset(db(), l.ds, Rules::defaults(), "test", "tester");
  import_coaching(db(), l.records, l.ds, "tester");
  const auto bin = std::string(PATHWAYS_BINARY);
  TempDir out;
  auto r = testing::shell(bin + " export coaching --db '" + url() + "' --out " + out.path() + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("10 panel referrals, 3 notes, 2 action plans (2 steps)"), std::string::npos) << r.out;
  // The exported folder: the same people and activities, the exported coaching/ files.
  std::filesystem::copy_file(src / "people.csv", out / "people.csv");
  std::filesystem::copy_file(src / "activities.csv", out / "activities.csv");
  const Loaded back = load_panel(out);
  auto canonical_all = [](const Loaded& x) {
    std::vector<std::string> v = canonical_referrals(x.ds, x.records);
    for (const auto& e : x.records.caseload)
      v.push_back("E" + std::string(x.ds.people.id[e.person]) + e.coach_id + e.school_id + e.programme + format_date(e.joined) +
                  (e.left == kNoDate ? "" : format_date(e.left)) + std::to_string(static_cast<int>(e.leave_reason)));
    for (const auto& s : x.records.sessions)
      v.push_back("S" + std::string(x.ds.people.id[s.person]) + std::to_string(s.number) + format_date(s.date) + s.coach_id +
                  std::to_string(static_cast<int>(s.mode)));
    for (const auto& a : x.records.assessments)
      v.push_back("A" + std::string(x.ds.people.id[a.person]) + std::to_string(static_cast<int>(a.kind)) + format_date(a.date));
    for (const auto& c : x.records.contacts)
      v.push_back("C" + std::string(x.ds.people.id[c.person]) + format_date(c.date) + "|" + c.coach_id + "|" +
                  std::to_string(static_cast<int>(c.with)) + std::to_string(static_cast<int>(c.mode)));
    for (const auto& n : x.records.notes)
      v.push_back("N" + std::string(x.ds.people.id[n.person]) + format_date(n.date) + "|" + n.coach_id + "|" + n.body + "|" +
                  (n.confidential ? "Y" : "N"));
    for (const auto& p : x.records.plans) {
      std::string plan = "P" + std::string(x.ds.people.id[p.person]) + format_date(p.created) + "|" + p.goal + "|" + p.coach_id +
                         "|" + (p.closed == kNoDate ? "" : format_date(p.closed));
      for (const auto& st : p.steps)
        plan += "|" + std::to_string(st.step_no) + (st.review ? "R" : "A") + format_date(st.date) + st.body +
                (st.done == kNoDate ? "" : format_date(st.done));
      v.push_back(plan);
    }
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(canonical_all(back), canonical_all(l));
  EXPECT_NE(testing::read_file(out / "coaching/notes.csv").find("\nK2,2025-12-02,C1,=1+2,N\n"), std::string::npos);
  EXPECT_NE(testing::read_file(out / "coaching/action_plans.csv").find(",+Start college,C1,,1,action,2026-01-15,-Apply online,"),
            std::string::npos);
  // `pathways import` of the exported folder into the same store: nothing new.
  r = testing::shell(bin + " import " + out.path() + " --db '" + url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("nothing new"), std::string::npos) << r.out;
  EXPECT_EQ(import_coaching(db(), back.records, back.ds, "tester").changed(), false);
  // Into a fresh store, and out again: the same bytes.
  testing::TestDatabase second;
  second.create(GetParam());
  r = testing::shell(bin + " import " + out.path() + " --db '" + second.url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  TempDir again;
  r = testing::shell(bin + " export coaching --db '" + second.url() + "' --out " + again.path() + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* f : {"caseload.csv", "sessions.csv", "assessments.csv", "contacts.csv", "panel_referrals.csv", "notes.csv",
                        "action_plans.csv"})
    EXPECT_EQ(testing::read_file(again / (std::string("coaching/") + f)), testing::read_file(out / (std::string("coaching/") + f))) << f;
  // And the panel report from the store.
  r = testing::shell(bin + " report panel --year 2025 --db '" + second.url() + "' --format json 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("referred"), 7);
  EXPECT_EQ(j.at("eet"), 3);
  r = testing::shell(bin + " report panel --year 2025 --data " + src.path() + " --on 2026-10-01 --format json 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("eet"), 4);
  r = testing::shell(bin + " report panel --year 2025 --data " + src.path() + " --on 2026-02-30 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, PanelStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// --- Generator ---------------------------------------------------------------------------

// The la preset's referrals: the same bytes for the same seed, valid, RAG rated, some decided;
// and caseload leave reasons of all five kinds.
TEST(PanelGenerator, ReferralsAreDeterministicAndValid) {
  TempDir a, b;
  for (const TempDir* d : {&a, &b}) {
    GenerateOptions o;
    o.out_dir = d->path();
    o.preset = "la";
    o.people = 3000;
    o.seed = 11;
    generate(o);
  }
  for (const char* f : {"coaching/panel_referrals.csv", "coaching/caseload.csv", "coaching/contacts.csv"})
    EXPECT_EQ(testing::read_file(a / f), testing::read_file(b / f)) << f;
  const Loaded l = load_panel(a);
  ASSERT_GT(l.records.referrals.size(), 10u);
  std::set<Rag> rags;
  int64_t decided = 0;
  for (const auto& x : l.records.referrals) {
    rags.insert(x.rag);
    decided += x.decision != PanelDecision::kNone;
    EXPECT_EQ(academic_age(l.ds.people.date_of_birth[x.person], x.referred), 15) << "referred in Year 11";
  }
  EXPECT_EQ(rags.size(), 3u);
  EXPECT_GT(decided, 0);
  std::set<LeaveReason> reasons;
  for (const auto& e : l.records.caseload)
    if (e.left != kNoDate) reasons.insert(e.leave_reason);
  EXPECT_EQ(reasons, (std::set<LeaveReason>{LeaveReason::kMovedToEet, LeaveReason::kOtherSupport, LeaveReason::kLeftArea,
                                            LeaveReason::kDisengaged, LeaveReason::kOther}));
}

// --- Pages -------------------------------------------------------------------------------
//
// The server's data (tests/coaching_server.h) on 2026-11-15: Year 11 pupils Y1, Y2 (SCH1) and
// Y3 (SCH2); P1 is in Year 12.

class PanelPages : public testing::CoachingServerTest {};

TEST_P(PanelPages, ASchoolRefersItsOwnYear11PupilsOnly) {
  const auto school = as("school1");
  auto page = get("/panel/refer", school);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("value=\"Y1\""), std::string::npos);
  EXPECT_NE(page->body.find("value=\"Y2\""), std::string::npos);
  EXPECT_EQ(page->body.find("value=\"Y3\""), std::string::npos) << "another school's pupil";
  EXPECT_EQ(page->body.find("value=\"P1\""), std::string::npos) << "Year 12";

  auto r = form("/panel/refer", {{"person_id", "Y3"}, {"rag", "red"}, {"reason", "x"}}, school);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Select one of your Year 11 pupils"), std::string::npos);
  r = form("/panel/refer", {{"person_id", "P1"}, {"rag", "red"}, {"reason", "x"}}, school);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Only Year 11 pupils"), std::string::npos);
  r = form("/panel/refer", {{"person_id", "Y1"}, {"reason", "  "}}, school);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("govuk-error-summary"), std::string::npos);
  EXPECT_NE(r->body.find("href=\"#rag\""), std::string::npos);
  EXPECT_NE(r->body.find("href=\"#reason\""), std::string::npos);
  EXPECT_NE(r->body.find("<title>Error: "), std::string::npos);
  EXPECT_EQ(count("panel_referrals"), 0);

  r = form("/panel/refer", {{"person_id", "Y1"}, {"rag", "red"}, {"reason", "Attendance 60%, <b>no</b> plan"}}, school);
  ASSERT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), "/panel?referred=Y1");
  EXPECT_EQ(count("panel_referrals"), 1);
  EXPECT_EQ(audits("create", "panel_referral"), 1);
  auto list = get("/panel", school);
  EXPECT_NE(list->body.find("Eve Young"), std::string::npos);
  EXPECT_NE(list->body.find("&lt;b&gt;no&lt;/b&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(list->body.find("Record the decision"), std::string::npos) << "schools do not record decisions";
  EXPECT_EQ(get("/panel", as("school2"))->body.find("Eve Young"), std::string::npos);
  // Same pupil, same day: refused.
  r = form("/panel/refer", {{"person_id", "Y1"}, {"rag", "amber"}, {"reason", "again"}}, school);
  EXPECT_EQ(r->status, 400);
  // A school does not record the panel's decision; a coach does not refer.
  EXPECT_EQ(get("/panel/referrals/Y1/2026-11-15", school)->status, 403);
  EXPECT_EQ(form("/panel/referrals/Y1/2026-11-15", {{"decision", "monitor"}}, school)->status, 403);
  EXPECT_EQ(get("/panel/refer", as("coach1"))->status, 403);
  EXPECT_EQ(get("/panel/refer", as("manager1"))->status, 403);
}

TEST_P(PanelPages, LaStaffRecordTheDecisionAndTheReportFollowsProgression) {
  ASSERT_EQ(form("/panel/refer", {{"person_id", "Y3"}, {"rag", "amber"}, {"reason", "Low attendance"}}, as("school2"))->status, 303);
  const auto officer = as("data_officer1");
  auto page = get("/panel/referrals/Y3/2026-11-15", officer);
  ASSERT_EQ(page->status, 200);
  auto r = form("/panel/referrals/Y3/2026-11-15",
                {{"panel_date-day", "1"}, {"panel_date-month", "11"}, {"panel_date-year", "2026"}, {"decision", "monitor"}}, officer);
  EXPECT_EQ(r->status, 400) << "before the referral";
  r = form("/panel/referrals/Y3/2026-11-15",
           {{"panel_date-day", "15"}, {"panel_date-month", "11"}, {"panel_date-year", "2026"}, {"decision", "allocate_coach"},
            {"actions", "Coach C1 to meet the pupil"}},
           officer);
  ASSERT_EQ(r->status, 303) << r->body;
  auto rows = db().query("SELECT panel_date, decision, actions, school_id FROM panel_referrals WHERE person_id = 'Y3'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "2026-11-15");
  EXPECT_EQ(rows->text(1), "allocate_coach");
  EXPECT_EQ(rows->text(2), "Coach C1 to meet the pupil");
  EXPECT_EQ(rows->text(3), "SCH2");
  EXPECT_EQ(audits("update", "panel_referral"), 1);
  EXPECT_EQ(get("/panel/referrals/Y3/2026-10-01", officer)->status, 404);
  // The report for 2026-27 referrals: provisional (31 December 2027 is still to come).
  auto api = get("/api/reports/panel?year=2026", as("manager1"));
  ASSERT_EQ(api->status, 200);
  const auto j = nlohmann::json::parse(api->body);
  EXPECT_EQ(j.at("referred"), 1);
  EXPECT_EQ(j.at("discussed"), 1);
  EXPECT_EQ(j.at("provisional"), true);
  EXPECT_EQ(j.at("progression_date"), "2026-11-15");
  EXPECT_EQ(j.at("by_rag").at("amber").at("referred"), 1);
  const auto mine = nlohmann::json::parse(get("/api/reports/panel?year=2026&school=SCH2", as("school1"))->body);
  EXPECT_EQ(mine.at("school"), "SCH1") << "a school's report is its own";
  EXPECT_EQ(mine.at("referred"), 0);
  auto report = get("/panel/report?year=2026", as("viewer1"));
  ASSERT_EQ(report->status, 200);
  EXPECT_NE(report->body.find("provisional"), std::string::npos);
  EXPECT_EQ(report->body.find("Gil Old"), std::string::npos) << "figures only";
}

INSTANTIATE_TEST_SUITE_P(Backends, PanelPages, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
