// Engagement coaching records in the store (coaching/store.h, migration 5), on SQLite and
// PostgreSQL, with the hand-made cohort of tests/coaching_test.cc (coaching_cohort.h).

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "coaching/caseload.h"
#include "coaching/monthly.h"
#include "coaching/notes.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "coaching_cohort.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;
using namespace testing::coaching_cohort;

struct Folder {
  Dataset ds;
  CoachingRecords records;
};

Folder load_folder_records(const TempDir& dir) {
  Folder f;
  f.ds = testing::load_valid(dir);
  LoadReport report;
  auto r = load_coaching(dir.path(), f.ds, report);
  EXPECT_TRUE(r.has_value()) << testing::errors_of(report);
  if (r) f.records = std::move(*r);
  return f;
}

// Every record as text with its person_id, sorted: equal for the same records whatever the
// order and the person indexes.
std::vector<std::string> canonical(const Dataset& ds, const CoachingRecords& r) {
  std::vector<std::string> out;
  auto id = [&](uint32_t p) { return std::string(ds.people.id[p]); };
  for (const auto& e : r.caseload)
    out.push_back("E " + id(e.person) + "," + e.coach_id + "," + e.school_id + "," + e.programme + "," +
                  format_date(e.joined) + "," + (e.left == kNoDate ? "" : format_date(e.left)) + "," +
                  std::to_string(static_cast<int>(e.leave_reason)));
  for (const auto& s : r.sessions)
    out.push_back("S " + id(s.person) + "," + std::to_string(s.number) + "," + format_date(s.date) + "," + s.coach_id +
                  "," + std::to_string(static_cast<int>(s.mode)));
  for (const auto& a : r.assessments)
    out.push_back("A " + id(a.person) + "," + std::to_string(static_cast<int>(a.kind)) + "," + format_date(a.date));
  for (const auto& c : r.contacts)
    out.push_back("C " + id(c.person) + "," + format_date(c.date) + "," + c.coach_id + "," +
                  std::to_string(static_cast<int>(c.with)) + "," + std::to_string(static_cast<int>(c.mode)));
  std::sort(out.begin(), out.end());
  return out;
}

struct Counts {
  int64_t caseload, sessions, assessments, contacts;
  bool operator==(const Counts&) const = default;
};

class CoachingStore : public testing::DatabaseTest {
 protected:
  void import_folder(const Folder& f) {
    import_dataset(db(), f.ds, Rules::defaults(), "test", "tester");
    import_coaching(db(), f.records, f.ds, "tester");
  }
  Counts counts() {
    return {count("caseload_episodes"), count("coaching_sessions"), count("coaching_assessments"),
            count("coaching_contacts")};
  }
  Folder from_store_records() {
    Folder f;
    f.ds = from_store();
    LoadReport report;
    f.records = load_coaching(db(), f.ds, report);
    EXPECT_TRUE(report.ok()) << testing::errors_of(report);
    EXPECT_TRUE(report.warnings.empty());
    return f;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, CoachingStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(CoachingStore, ImportThenLoadGivesTheSameRecords) {
  TempDir dir;
  write_folder(dir);
  const Folder folder = load_folder_records(dir);
  import_folder(folder);
  EXPECT_EQ(counts(), (Counts{25, 7, 5, 14}));
  const Folder stored = from_store_records();
  EXPECT_EQ(canonical(stored.ds, stored.records), canonical(folder.ds, folder.records));
  // Absent optional values come back absent (session 2 of Y11C has no mode).
  bool found = false;
  for (const auto& s : stored.records.sessions)
    if (stored.ds.people.id[s.person] == "Y11C" && s.number == 2) {
      found = true;
      EXPECT_EQ(s.mode, ContactMode::kNone);
      EXPECT_EQ(s.coach_id, "C2");
    }
  EXPECT_TRUE(found);
}

TEST_P(CoachingStore, ReimportChangesNothing) {
  TempDir dir;
  write_folder(dir);
  const Folder folder = load_folder_records(dir);
  import_folder(folder);
  const Counts before = counts();
  std::string stamp;
  {
    auto rows = db().query("SELECT MAX(recorded_at) FROM coaching_contacts");
    rows->next();
    stamp = std::string(rows->text(0));
  }
  const CoachingImportSummary again = import_coaching(db(), folder.records, folder.ds, "someone else");
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.caseload.unchanged, 25);
  EXPECT_EQ(again.sessions.unchanged, 7);
  EXPECT_EQ(again.assessments.unchanged, 5);
  EXPECT_EQ(again.contacts.unchanged, 14);
  EXPECT_EQ(counts(), before);
  auto rows = db().query("SELECT COUNT(*) FROM caseload_episodes WHERE recorded_by <> 'tester'");
  rows->next();
  EXPECT_EQ(rows->integer(0), 0);
  rows = db().query("SELECT MAX(recorded_at) FROM coaching_contacts");
  rows->next();
  EXPECT_EQ(rows->text(0), stamp);
}

TEST_P(CoachingStore, ChangedEpisodeIsUpdatedInPlaceAndNewRowsAdded) {
  TempDir dir;
  write_folder(dir);
  import_folder(load_folder_records(dir));

  // Y11A leaves in February; Y11B gets session 2; Y11A a new contact; one episode's school
  // and programme change.
  Files f;
  std::string caseload = f.caseload;
  auto replace = [](std::string& s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
  };
  replace(caseload, "Y11A,C1,S1,Pathways,2025-10-01,,\n", "Y11A,C1,S1,Pathways,2025-10-01,2026-02-20,moved_to_eet\n");
  replace(caseload, "Y12G,C1,S1,Pathways,2025-12-01,,\n", "Y12G,C1,S3,Mentoring,2025-12-01,,\n");
  f.caseload = caseload;
  f.sessions += "Y11B,2,2026-02-25,C1,virtual\n";
  f.contacts += "Y11A,2026-02-12,C1,young_person,phone\n";
  TempDir dir2;
  write_folder(dir2, f);
  const Folder changed = load_folder_records(dir2);
  const CoachingImportSummary s = import_coaching(db(), changed.records, changed.ds, "second");
  EXPECT_EQ(s.caseload.added, 0);
  EXPECT_EQ(s.caseload.changed, 2);
  EXPECT_EQ(s.caseload.unchanged, 23);
  EXPECT_EQ(s.sessions.added, 1);
  EXPECT_EQ(s.contacts.added, 1);
  EXPECT_EQ(s.assessments.added + s.assessments.changed, 0);
  EXPECT_EQ(counts(), (Counts{25, 8, 5, 15}));

  const Folder stored = from_store_records();
  EXPECT_EQ(canonical(stored.ds, stored.records), canonical(changed.ds, changed.records));
  auto rows = db().query(
      "SELECT left_date, leave_reason, recorded_by FROM caseload_episodes WHERE person_id = 'Y11A'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "2026-02-20");
  EXPECT_EQ(rows->text(1), "moved_to_eet");
  EXPECT_EQ(rows->text(2), "second");
  EXPECT_FALSE(rows->next());

  // And the left_date can be taken back off (an episode reopened).
  const Folder original = load_folder_records(dir);
  const CoachingImportSummary back = import_coaching(db(), original.records, original.ds, "third");
  EXPECT_EQ(back.caseload.changed, 2);
  rows = db().query("SELECT COALESCE(left_date, 'none') FROM caseload_episodes WHERE person_id = 'Y11A'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "none");
}

TEST_P(CoachingStore, ReportFromTheStoreEqualsTheReportFromTheFolder) {
  TempDir dir;
  write_folder(dir);
  const Folder folder = load_folder_records(dir);
  import_folder(folder);
  const Folder stored = from_store_records();
  const Rules& rules = Rules::defaults();
  for (const auto& [year, month] : std::vector<std::pair<int, int>>{{2025, 10}, {2026, 1}, {2026, 2}, {2026, 3}})
    for (const MonthlyActivityFilter& filter :
         std::vector<MonthlyActivityFilter>{{}, {"C1", ""}, {"", "S2"}, {"C1", "S3"}}) {
      const auto want = to_json(monthly_activity_report(folder.ds, rules, folder.records, year, month, filter));
      const auto got = to_json(monthly_activity_report(stored.ds, rules, stored.records, year, month, filter));
      EXPECT_EQ(got, want) << year << "-" << month << " " << filter.coach << "/" << filter.school;
    }
  // The hand-worked figures, to be sure the comparison is not of two empty reports.
  const auto feb = to_json(monthly_activity_report(stored.ds, rules, stored.records, 2026, 2));
  EXPECT_EQ(feb["year11"]["caseload"], 3);
  EXPECT_EQ(feb["year12"]["caseload"], 17);
  EXPECT_EQ(feb["year12"]["eet"], 8);
}

TEST_P(CoachingStore, RowsOfPeopleNotLoadedAreSkippedWithAWarning) {
  TempDir dir;
  write_folder(dir);
  import_folder(load_folder_records(dir));
  // A dataset without Y11A.
  TempDir fewer;
  std::string people = std::string(kPeople);
  people.erase(0, people.find('\n') + 1);
  fewer.write("people.csv", std::string(testing::kPeopleHeader) + people);
  fewer.write("activities.csv", std::string(testing::kActivitiesHeader) + kActivities);
  const Dataset ds = testing::load_valid(fewer);
  LoadReport report;
  const CoachingRecords r = load_coaching(db(), ds, report);
  EXPECT_TRUE(report.ok());
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_EQ(report.warnings[0].file, "caseload_episodes");
  EXPECT_EQ(r.caseload.size(), 24u);
  EXPECT_EQ(r.sessions.size(), 4u);     // Y11A's three are skipped
  EXPECT_EQ(r.assessments.size(), 3u);  // and its two assessments
  EXPECT_EQ(r.contacts.size(), 11u);    // and its three contacts
}

TEST_P(CoachingStore, ImportCaseloadSharesTheWriter) {
  TempDir dir;
  write_folder(dir);
  const Folder folder = load_folder_records(dir);
  import_dataset(db(), folder.ds, Rules::defaults(), "test", "tester");
  LoadReport report;
  const auto cl = import_caseload(db(), dir / "coaching/caseload.csv", "coaching/caseload.csv", folder.ds, "tester", report);
  ASSERT_TRUE(cl.has_value()) << testing::errors_of(report);
  EXPECT_EQ(cl->added, 25);
  const auto again = import_caseload(db(), dir / "coaching/caseload.csv", "coaching/caseload.csv", folder.ds, "tester", report);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, 25);
  const CoachingImportSummary s = import_coaching(db(), folder.records, folder.ds, "tester");
  EXPECT_EQ(s.caseload.unchanged, 25) << "the same rows, whichever importer wrote them";
  EXPECT_EQ(s.sessions.added, 7);
}

// --- the command line -------------------------------------------------------------------

testing::ShellResult run(const std::string& args) {
  return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>&1");
}

TEST_P(CoachingStore, CliImportsTheFolderAndReportsFromTheStore) {
  TempDir dir;
  write_folder(dir);
  const auto imp = run("import " + dir.path() + " --db '" + url() + "' --user tester");
  ASSERT_EQ(imp.status, 0) << imp.out;
  EXPECT_NE(imp.out.find("coaching: caseload episodes 25 added"), std::string::npos) << imp.out;
  EXPECT_EQ(count("people"), 24);
  EXPECT_EQ(counts(), (Counts{25, 7, 5, 14}));
  for (const std::string extra : {"", " --coach C1", " --school S2", " --coach C1 --school S3"})
    for (const std::string month : {"2026-01", "2026-02", "2026-03"}) {
      const auto from_data = run("report monthly-activity --data " + dir.path() + " --month " + month + extra + " --format json");
      const auto from_db = run("report monthly-activity --db '" + url() + "' --month " + month + extra + " --format json");
      ASSERT_EQ(from_data.status, 0) << from_data.out;
      ASSERT_EQ(from_db.status, 0) << from_db.out;
      EXPECT_EQ(from_db.out, from_data.out) << month << extra;
    }
  const auto again = run("import " + dir.path() + " --db '" + url() + "' --user tester");
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("caseload episodes 0 added, 0 changed, 25 unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(counts(), (Counts{25, 7, 5, 14}));
}

TEST_P(CoachingStore, CliImportWithABadSessionsFileStoresNothing) {
  TempDir dir;
  Files bad;
  bad.sessions = std::string(kSessionsHeader) + "Y11A,9,2025-10-20,C1,in_person\n";
  write_folder(dir, bad);
  const auto imp = run("import " + dir.path() + " --db '" + url() + "' --user tester");
  EXPECT_EQ(imp.status, 2) << imp.out;
  EXPECT_NE(imp.out.find("coaching/sessions.csv:2: column session_number: '9': not a session number 1-7"),
            std::string::npos)
      << imp.out;
  EXPECT_NE(testing::read_file(dir / "import-errors.csv").find("coaching/sessions.csv"), std::string::npos);
  migrate(db());
  EXPECT_EQ(count("people"), 0) << "not even the people are stored";
  EXPECT_EQ(count("activities"), 0);
  EXPECT_EQ(counts(), (Counts{0, 0, 0, 0}));
}

TEST_P(CoachingStore, CliImportOfAFolderWithoutCoachingStillWorks) {
  TempDir dir;
  write_folder(dir);
  std::filesystem::remove_all(dir / "coaching");
  const auto imp = run("import " + dir.path() + " --db '" + url() + "' --user tester");
  ASSERT_EQ(imp.status, 0) << imp.out;
  EXPECT_EQ(imp.out.find("coaching:"), std::string::npos) << imp.out;
  EXPECT_EQ(count("people"), 24);
  EXPECT_EQ(counts(), (Counts{0, 0, 0, 0}));
}

}  // namespace
}  // namespace pathways

namespace pathways {
namespace {

// Notes and action plans (coaching/notes.h, migration 7): numbered by the store, read back
// with their person, confidentiality and steps; a review is never "done"; a step needs a plan.
TEST_P(CoachingStore, NotesAndActionPlansAreNumberedAndReadBack) {
  TempDir dir;
  write_folder(dir);
  const Folder folder = load_folder_records(dir);
  import_folder(folder);
  EXPECT_EQ(add_note(db(), "Y11A", make_date(2026, 2, 10), false, "Visited the college open day", "C1", "coach1"), 1);
  EXPECT_EQ(add_note(db(), "Y11A", make_date(2026, 2, 3), true, "Worried about home; see the safeguarding lead", "C1", "coach1"), 2);
  EXPECT_EQ(add_note(db(), "Y12B", make_date(2026, 2, 1), false, "Phoned, no answer", "", "officer1"), 3);
  const int64_t plan = add_action_plan(db(), "Y11A", make_date(2025, 10, 20), "A college place in September", "C1", "coach1");
  EXPECT_EQ(plan, 1);
  EXPECT_EQ(add_plan_step(db(), plan, false, make_date(2026, 1, 31), "Apply to two colleges", "coach1"), 1);
  EXPECT_EQ(add_plan_step(db(), plan, true, make_date(2026, 2, 28), "Applications sent; interview booked", "coach1"), 2);
  EXPECT_TRUE(mark_step_done(db(), plan, 1, make_date(2026, 1, 25), "coach1"));
  EXPECT_FALSE(mark_step_done(db(), plan, 2, make_date(2026, 3, 1), "coach1")) << "a review is not an action";
  EXPECT_FALSE(mark_step_done(db(), plan, 9, make_date(2026, 3, 1), "coach1"));
  EXPECT_THROW(add_plan_step(db(), 99, false, make_date(2026, 1, 1), "x", "coach1"), std::invalid_argument);
  EXPECT_EQ(count("coaching_notes"), 3);
  EXPECT_EQ(count("action_plan_steps"), 2);

  const Dataset ds = from_store();
  const NotesAndPlans np = load_notes_and_plans(db(), ds);
  ASSERT_EQ(np.notes.size(), 3u);
  // By person, then date: Y11A's confidential note of 02-03 first.
  EXPECT_EQ(ds.people.id[np.notes[0].person], "Y11A");
  EXPECT_EQ(np.notes[0].id, 2);
  EXPECT_TRUE(np.notes[0].confidential);
  EXPECT_EQ(np.notes[0].date, make_date(2026, 2, 3));
  EXPECT_EQ(np.notes[1].body, "Visited the college open day");
  EXPECT_FALSE(np.notes[1].confidential);
  EXPECT_EQ(np.notes[2].coach_id, "");
  EXPECT_EQ(np.notes[2].written_by, "officer1");
  ASSERT_EQ(np.plans.size(), 1u);
  const ActionPlan& p = np.plans[0];
  EXPECT_EQ(ds.people.id[p.person], "Y11A");
  EXPECT_EQ(p.goal, "A college place in September");
  EXPECT_EQ(p.closed, kNoDate);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_FALSE(p.steps[0].review);
  EXPECT_EQ(p.steps[0].done, make_date(2026, 1, 25));
  EXPECT_TRUE(p.steps[1].review);
  EXPECT_EQ(p.steps[1].done, kNoDate);
  EXPECT_EQ(p.steps[1].body, "Applications sent; interview booked");
}

}  // namespace
}  // namespace pathways
