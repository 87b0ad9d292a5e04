// Notes and action plans as coaching files (docs/coaching.md): coaching/notes.csv and
// coaching/action_plans.csv read with every cell checked (coaching/records.h), imported into
// the store idempotently on SQLite and PostgreSQL (coaching/store.h), written back by the
// export (coaching/export.h), and drawn by the generator (generate/coaching.h).
//
// Folder: people N1, N2 (school S1); N1 on coach C1's caseload from 2025-10-01.
//   notes: N1 2025-10-05 C1 "=HYPERLINK(...)" (formula-like text, kept as it is), N1
//     2025-10-05 C1 a different note (same day), N1 2025-11-01 confidential with a comma and a
//     line break, N2 2025-10-10 without a coach.
//   plans: N1 2025-10-06 "Start college" with steps 2 (review, written first) and 1 (action,
//     done 2025-10-20); N2 2025-10-10 "-Find work" with no steps yet.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "coaching/export.h"
#include "coaching/notes.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "generate/generate.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

constexpr const char* kNotesHeader = "person_id,date,coach_id,text,confidential\n";
constexpr const char* kPlansHeader =
    "person_id,plan_date,goal,coach_id,closed_date,step_no,step_type,step_date,text,done_date\n";

constexpr const char* kNotes =
    "N1,2025-10-05,C1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",N\n"
    "N1,2025-10-05,C1,+Met at school; talked about college,no\n"
    "N1,2025-11-01,C1,\"Worried about home, passed on.\nSecond line\",Y\n"
    "N2,2025-10-10,,@ phoned the college,0\n";
constexpr const char* kPlans =
    "N1,2025-10-06,Start college,C1,,2,review,2025-12-01,-Reviewed: going well,\n"
    "N1,2025-10-06,Start college,C1,,1,action,2025-10-31,Complete the application,2025-10-20\n"
    "N2,2025-10-10,-Find work,,,,,,,\n";

void write_base(const TempDir& dir) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "N1,A,N,2010-01-01,F,890,P,N,,S1\n"
                              "N2,B,N,2010-02-01,M,890,P,N,,S1\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) + "N1,110,2025-09-01,,,,,,\n");
  dir.write("coaching/caseload.csv", "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n"
                                     "N1,C1,S1,,2025-10-01,,\n");
}

void write_folder(const TempDir& dir, const std::string& notes = std::string(kNotesHeader) + kNotes,
                  const std::string& plans = std::string(kPlansHeader) + kPlans) {
  write_base(dir);
  dir.write("coaching/notes.csv", notes);
  dir.write("coaching/action_plans.csv", plans);
}

struct Loaded {
  Dataset ds;
  CoachingRecords records;
};

Loaded load(const TempDir& dir) {
  Loaded l;
  l.ds = testing::load_valid(dir);
  LoadReport report;
  auto r = load_coaching(dir.path(), l.ds, report);
  EXPECT_TRUE(r) << testing::errors_of(report);
  if (r) l.records = std::move(*r);
  return l;
}

// The (file, line, column) of every error of a folder that must not load.
std::set<std::tuple<std::string, uint64_t, std::string>> errors(const TempDir& dir, LoadReport& report) {
  const Dataset ds = testing::load_valid(dir);
  EXPECT_FALSE(load_coaching(dir.path(), ds, report));
  std::set<std::tuple<std::string, uint64_t, std::string>> got;
  for (const auto& e : report.errors) got.insert({e.file, e.line, e.column});
  return got;
}

// --- Reading ------------------------------------------------------------------------------

TEST(CoachingNotesFiles, ReadAsWrittenWithFormulaLikeTextKept) {
  TempDir dir;
  write_folder(dir);
  const Loaded l = load(dir);
  ASSERT_EQ(l.records.notes.size(), 4u);
  EXPECT_EQ(l.records.notes[0].body, "=HYPERLINK(\"http://x\",\"y\")");
  EXPECT_EQ(l.records.notes[1].body, "+Met at school; talked about college");
  EXPECT_FALSE(l.records.notes[1].confidential);
  EXPECT_EQ(l.records.notes[2].body, "Worried about home, passed on.\nSecond line");
  EXPECT_TRUE(l.records.notes[2].confidential);
  EXPECT_EQ(l.records.notes[3].body, "@ phoned the college");
  EXPECT_EQ(l.records.notes[3].coach_id, "");
  ASSERT_EQ(l.records.plans.size(), 2u);
  const ActionPlan& a = l.records.plans[0];
  EXPECT_EQ(l.ds.people.id[a.person], "N1");
  EXPECT_EQ(a.goal, "Start college");
  ASSERT_EQ(a.steps.size(), 2u);
  EXPECT_EQ(a.steps[0].step_no, 1) << "steps by step_no";
  EXPECT_FALSE(a.steps[0].review);
  EXPECT_EQ(a.steps[0].done, make_date(2025, 10, 20));
  EXPECT_TRUE(a.steps[1].review);
  EXPECT_EQ(a.steps[1].body, "-Reviewed: going well");
  EXPECT_EQ(l.records.plans[1].goal, "-Find work");
  EXPECT_TRUE(l.records.plans[1].steps.empty());
}

TEST(CoachingNotesFiles, AbsentFilesAreNoRecordsWithoutWarnings) {
  TempDir dir;
  write_base(dir);
  const Dataset ds = testing::load_valid(dir);
  LoadReport report;
  const auto r = load_coaching(dir.path(), ds, report);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->notes.empty());
  EXPECT_TRUE(r->plans.empty());
  for (const auto& w : report.warnings) EXPECT_EQ(w.file.find("notes"), std::string::npos) << format_issue(w);
  for (const auto& w : report.warnings) EXPECT_EQ(w.file.find("action_plans"), std::string::npos) << format_issue(w);
}

TEST(CoachingNotesFiles, EveryBadNoteCellIsReportedWithFileLineAndColumn) {
  TempDir dir;
  write_folder(dir, std::string(kNotesHeader) +
                        "N1,2025-10-05,C1,Fine,N\n"                              // line 2
                        "NOPE,2025-10-05,C1,Who?,N\n"                            // line 3: person
                        "N1,2025-02-30,C1,Bad date,N\n"                          // line 4: date
                        "N1,2025-10-06,C1,,N\n"                                  // line 5: empty text
                        "N1,2025-10-07,C1," + std::string(4001, 'x') + ",N\n"    // line 6: too long
                        "N1,2025-10-08,C1,caf\xe9 latin-1,N\n"                   // line 7: not UTF-8
                        "N1,2025-10-05,C1,Fine,Y\n"                              // line 8: repeat of line 2
                        "N1,2025-10-09,C1,Maybe,perhaps\n"                       // line 9: yes/no
                        "N1,2025-10-09,C1,No flag,\n"                            // line 10: flag required
                        "N1,2025-10-10,C1," + std::string(4000, 'y') + ",N\n"    // 4,000 is allowed
                        "N1,2025-10-11,C1," + std::string(3998, 'x') + "\xc3\xa9\xc3\xa9,true\n");  // characters, not bytes
  LoadReport report;
  const auto got = errors(dir, report);
  const std::string f = "coaching/notes.csv";
  EXPECT_EQ(got, (std::set<std::tuple<std::string, uint64_t, std::string>>{{f, 3, "person_id"},
                                                                          {f, 4, "date"},
                                                                          {f, 5, "text"},
                                                                          {f, 6, "text"},
                                                                          {f, 7, "text"},
                                                                          {f, 8, "text"},
                                                                          {f, 9, "confidential"},
                                                                          {f, 10, "confidential"}}))
      << testing::errors_of(report);
  std::string all = testing::errors_of(report);
  EXPECT_NE(all.find("coaching/notes.csv:3"), std::string::npos) << all;
  EXPECT_NE(all.find("no such person in people.csv"), std::string::npos) << all;
  EXPECT_NE(all.find("longer than 4000 characters"), std::string::npos) << all;
  EXPECT_NE(all.find("not valid UTF-8"), std::string::npos) << all;
  EXPECT_NE(all.find("is on line 2"), std::string::npos) << all;
  EXPECT_NE(all.find("'perhaps'"), std::string::npos) << all;

  // The confidential column is required: a note's confidentiality is never assumed.
  TempDir no_flag;
  write_folder(no_flag, "person_id,date,coach_id,text\nN1,2025-10-05,C1,Fine\n");
  LoadReport r2;
  EXPECT_EQ(errors(no_flag, r2), (std::set<std::tuple<std::string, uint64_t, std::string>>{{f, 1, "confidential"}}))
      << testing::errors_of(r2);
}

TEST(CoachingNotesFiles, EveryBadPlanCellIsReportedWithFileLineAndColumn) {
  TempDir dir;
  write_folder(dir, std::string(kNotesHeader),
               std::string(kPlansHeader) +
                   "N1,2025-10-06,Goal,C1,,1,action,2025-10-31,Do it,\n"                  // line 2: fine
                   "N1,2025-10-06,Goal,C1,,1,action,2025-11-30,Again,\n"                  // line 3: step 1 again
                   "N1,2025-10-06,Goal,C2,,2,action,2025-11-30,Other coach,\n"            // line 4: coach differs
                   "N1,2025-10-06,Goal,C1,2025-12-01,3,action,2025-11-30,Closed,\n"       // line 5: closed differs
                   "N1,2025-10-06,Goal,C1,,,,,,\n"                                        // line 6: stepless, plan has steps
                   "N1,2025-10-07,Goal,C1,2025-10-01,1,action,2025-10-31,x,\n"            // line 7: closed before plan
                   "N1,2025-10-08,Goal,C1,,1,meeting,2025-10-31,x,\n"                     // line 8: step_type
                   "N1,2025-10-09,Goal,C1,,0,action,2025-10-31,x,\n"                      // line 9: step_no
                   "N1,2025-10-10,Goal,C1,,1,review,2025-10-31,x,2025-11-01\n"            // line 10: done on a review
                   "N1,2025-10-11,Goal,C1,,1,action,,x,\n"                                // line 11: step_date required
                   "N1,2025-10-12,Goal,C1,,1,action,2025-10-31,,\n"                       // line 12: text required
                   "N1,2025-10-13," + std::string(501, 'g') + ",C1,,1,action,2025-10-31,x,\n"  // line 13: goal too long
                   "N1,2025-10-14,,C1,,1,action,2025-10-31,x,\n"                          // line 14: goal required
                   "N2,2025-13-01,Goal,,,,,,,\n"                                          // line 15: plan_date
                   "ZZ,2025-10-01,Goal,,,,,,,\n"                                          // line 16: person
                   "N2,2025-10-01,Goal,,,1,action,2025-10-31," + std::string(2001, 's') + ",\n"  // line 17: text too long
                   "N2,2025-10-02,Goal,,,,,,,\n"                                          // a plan without steps: fine
                   "N2,2025-10-02,Goal,,,1,action,2025-10-31,x,\n");                      // line 19: after its stepless row
  LoadReport report;
  const std::string f = "coaching/action_plans.csv";
  EXPECT_EQ(errors(dir, report), (std::set<std::tuple<std::string, uint64_t, std::string>>{{f, 3, "step_no"},
                                                                                          {f, 4, "coach_id"},
                                                                                          {f, 5, "closed_date"},
                                                                                          {f, 6, "step_no"},
                                                                                          {f, 7, "closed_date"},
                                                                                          {f, 8, "step_type"},
                                                                                          {f, 9, "step_no"},
                                                                                          {f, 10, "done_date"},
                                                                                          {f, 11, "step_date"},
                                                                                          {f, 12, "text"},
                                                                                          {f, 13, "goal"},
                                                                                          {f, 14, "goal"},
                                                                                          {f, 15, "plan_date"},
                                                                                          {f, 16, "person_id"},
                                                                                          {f, 17, "text"},
                                                                                          {f, 19, "step_no"}}))
      << testing::errors_of(report);
  const std::string all = testing::errors_of(report);
  EXPECT_NE(all.find("coaching/action_plans.csv:3: column step_no: '1': step 1 of this plan is already on line 2"),
            std::string::npos)
      << all;
}

// --- Store ---------------------------------------------------------------------------------

class CoachingNotesStore : public testing::DatabaseTest {
 protected:
  void import_folder(const Loaded& l) {
    import_dataset(db(), l.ds, Rules::defaults(), "test", "tester");
    const CoachingImportSummary s = import_coaching(db(), l.records, l.ds, "tester");
    EXPECT_EQ(s.notes.added, 4);
    EXPECT_EQ(s.plans.added, 2);
    EXPECT_EQ(s.plan_steps.added, 2);
  }
  std::string stamps() {
    std::string all;
    for (const char* sql : {"SELECT MAX(written_at) FROM coaching_notes", "SELECT MAX(recorded_at) FROM action_plans",
                            "SELECT MAX(recorded_at) FROM action_plan_steps"}) {
      auto q = db().query(sql);
      q->next();
      all += std::string(q->text(0)) + ";";
    }
    return all;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, CoachingNotesStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(CoachingNotesStore, ImportedOnceAndReimportChangesNothing) {
  TempDir dir;
  write_folder(dir);
  const Loaded l = load(dir);
  import_folder(l);
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plans"), 2);
  EXPECT_EQ(count("action_plan_steps"), 2);
  const std::string before = stamps();
  const CoachingImportSummary again = import_coaching(db(), l.records, l.ds, "someone else");
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.notes.unchanged, 4);
  EXPECT_EQ(again.plans.unchanged, 2);
  EXPECT_EQ(again.plan_steps.unchanged, 2);
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plans"), 2);
  EXPECT_EQ(count("action_plan_steps"), 2);
  EXPECT_EQ(stamps(), before);

  // Read back as the people page sees them (coaching/notes.h), with the importer as writer.
  const Dataset stored = from_store();
  const NotesAndPlans np = load_notes_and_plans(db(), stored);
  ASSERT_EQ(np.notes.size(), 4u);
  int confidential = 0;
  for (const auto& n : np.notes) {
    confidential += n.confidential;
    EXPECT_EQ(n.written_by, "tester");
  }
  EXPECT_EQ(confidential, 1);
  ASSERT_EQ(np.plans.size(), 2u);
  EXPECT_EQ(np.plans[0].steps.size(), 2u);
  EXPECT_EQ(np.plans[0].steps[1].body, "-Reviewed: going well");

  // A note made confidential later, a step done, a new step: updated and added in place.
  CoachingRecords later = l.records;
  later.notes[1].confidential = true;
  later.plans[1].steps.push_back({1, false, make_date(2025, 11, 15), "Register with an agency", kNoDate});
  later.plans[0].closed = make_date(2026, 1, 31);
  const CoachingImportSummary s = import_coaching(db(), later, l.ds, "second");
  EXPECT_EQ(s.notes.changed, 1);
  EXPECT_EQ(s.notes.unchanged, 3);
  EXPECT_EQ(s.plans.changed, 1);
  EXPECT_EQ(s.plan_steps.added, 1);
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plans"), 2);
  EXPECT_EQ(count("action_plan_steps"), 3);
  EXPECT_FALSE(import_coaching(db(), later, l.ds, "third").changed());

  // A note added on the web after the import gets the next number; the folder again adds nothing.
  add_note(db(), "N2", make_date(2026, 1, 5), false, "Typed on the page", "", "coach1");
  EXPECT_FALSE(import_coaching(db(), later, l.ds, "fourth").changed());
  EXPECT_EQ(count("coaching_notes"), 5);
}

// `pathways import` stores the notes and plans with the rest of the folder (one transaction):
// a second import of the same folder changes nothing; export, then import of the export into a
// fresh store and export again give the same bytes; a folder with a bad note stores nothing.
TEST_P(CoachingNotesStore, CommandLineImportExportRoundTrip) {
  TempDir dir;
  write_folder(dir);
  const auto bin = std::string(PATHWAYS_BINARY);
  auto r = testing::shell(bin + " import " + dir.path() + " --db '" + url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plan_steps"), 2);
  r = testing::shell(bin + " import " + dir.path() + " --db '" + url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("nothing new"), std::string::npos) << r.out;
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plans"), 2);
  EXPECT_EQ(count("action_plan_steps"), 2);

  TempDir out;
  r = testing::shell(bin + " export coaching --db '" + url() + "' --out " + out.path() + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("4 notes, 2 action plans (2 steps)"), std::string::npos) << r.out;
  // Key order, formula-like text as it is, RFC 4180 quoting only.
  EXPECT_EQ(testing::read_file(out / "coaching/notes.csv"),
            std::string(kNotesHeader) +
                "N1,2025-10-05,C1,+Met at school; talked about college,N\n"
                "N1,2025-10-05,C1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",N\n"
                "N1,2025-11-01,C1,\"Worried about home, passed on.\nSecond line\",Y\n"
                "N2,2025-10-10,,@ phoned the college,N\n");
  EXPECT_EQ(testing::read_file(out / "coaching/action_plans.csv"),
            std::string(kPlansHeader) +
                "N1,2025-10-06,Start college,C1,,1,action,2025-10-31,Complete the application,2025-10-20\n"
                "N1,2025-10-06,Start college,C1,,2,review,2025-12-01,-Reviewed: going well,\n"
                "N2,2025-10-10,-Find work,,,,,,,\n");
  std::filesystem::copy_file(dir / "people.csv", out / "people.csv");
  std::filesystem::copy_file(dir / "activities.csv", out / "activities.csv");
  r = testing::shell(bin + " import " + out.path() + " --db '" + url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(count("coaching_notes"), 4);
  EXPECT_EQ(count("action_plan_steps"), 2);

  testing::TestDatabase second;
  second.create(GetParam());
  r = testing::shell(bin + " import " + out.path() + " --db '" + second.url() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  TempDir again;
  r = testing::shell(bin + " export coaching --db '" + second.url() + "' --out " + again.path() + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* f : {"notes.csv", "action_plans.csv", "caseload.csv"})
    EXPECT_EQ(testing::read_file(again / (std::string("coaching/") + f)), testing::read_file(out / (std::string("coaching/") + f)))
        << f;

  // One bad note: nothing of the folder is stored.
  TempDir bad;
  write_folder(bad, std::string(kNotesHeader) + kNotes + "N2,2025-10-11,,,N\n");
  testing::TestDatabase third;
  third.create(GetParam());
  migrate(third.db());
  r = testing::shell(bin + " import " + bad.path() + " --db '" + third.url() + "' 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("coaching/notes.csv:7: column text"), std::string::npos) << r.out;
  EXPECT_EQ(third.count("people"), 0);
}

// --- Generator -----------------------------------------------------------------------------

// The la preset's notes and plans: the same bytes for the same seed; valid; 1-3 notes for each
// young person on the caseload, about one in ten confidential; a plan opened at session 1 for
// each young person who had it, with 2-3 actions and a review at session 5 when there was one.
TEST(CoachingNotesGenerator, NotesAndPlansAreDeterministicAndValid) {
  TempDir a, b;
  for (const TempDir* d : {&a, &b}) {
    GenerateOptions o;
    o.out_dir = d->path();
    o.preset = "la";
    o.people = 3000;
    o.seed = 11;
    generate(o);
  }
  for (const char* f : {"coaching/notes.csv", "coaching/action_plans.csv", "coaching/caseload.csv", "coaching/sessions.csv"})
    EXPECT_EQ(testing::read_file(a / f), testing::read_file(b / f)) << f;
  const Loaded l = load(a);
  std::map<uint32_t, int> on_caseload, notes;
  for (const auto& e : l.records.caseload) on_caseload[e.person]++;
  std::map<uint32_t, Date> session1, session5;
  for (const auto& s : l.records.sessions) {
    if (s.number == 1) session1[s.person] = s.date;
    if (s.number == 5) session5[s.person] = s.date;
  }
  int confidential = 0;
  for (const auto& n : l.records.notes) {
    EXPECT_TRUE(on_caseload.count(n.person)) << l.ds.people.id[n.person];
    notes[n.person]++;
    confidential += n.confidential;
  }
  EXPECT_EQ(notes.size(), on_caseload.size()) << "every young person on the caseload has notes";
  for (const auto& [p, n] : notes) EXPECT_TRUE(n >= 1 && n <= 3) << l.ds.people.id[p];
  const double share = static_cast<double>(confidential) / static_cast<double>(l.records.notes.size());
  EXPECT_GT(share, 0.03);
  EXPECT_LT(share, 0.2);
  EXPECT_EQ(l.records.plans.size(), session1.size()) << "a plan for each young person with session 1";
  int reviews = 0;
  for (const auto& plan : l.records.plans) {
    ASSERT_TRUE(session1.count(plan.person));
    EXPECT_EQ(plan.created, session1[plan.person]);
    int actions = 0;
    for (const auto& s : plan.steps) {
      if (s.review) {
        ++reviews;
        EXPECT_EQ(s.date, session5[plan.person]);
      } else {
        ++actions;
        EXPECT_GT(s.date, plan.created);
      }
    }
    EXPECT_TRUE(actions == 2 || actions == 3);
  }
  EXPECT_EQ(static_cast<size_t>(reviews), session5.size());
  // The export of the imported records gives the generated bytes back.
  testing::TestDatabase store;
  store.create("sqlite");
  import_dataset(store.db(), l.ds, Rules::defaults(), "test", "tester");
  import_coaching(store.db(), l.records, l.ds, "tester");
  LoadReport report;
  const Dataset stored = testing::load_valid(store.db());
  const CoachingRecords back = load_coaching(store.db(), stored, report);
  TempDir out;
  write_coaching_folder(out.path(), stored, back);
  for (const char* f : {"coaching/notes.csv", "coaching/action_plans.csv"})
    EXPECT_EQ(testing::read_file(out / f), testing::read_file(a / f)) << f;
}

}  // namespace
}  // namespace pathways
