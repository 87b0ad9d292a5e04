// The store on SQLite and PostgreSQL: the same tests against both. PostgreSQL runs when
// PATHWAYS_TEST_PG_URL names a server (scripts/test.sh starts one); each test gets a
// database of its own (testing::DatabaseTest) so tests can run in parallel.
#include "store/store.h"

#include <gtest/gtest.h>

#include <ctime>

#include "report/participation.h"
#include "report/render.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

class StoreTest : public testing::DatabaseTest {
 protected:
  TempDir dir_;
};

// Four people; B has two activities; C has indicators.
void write_folder(const TempDir& dir, const std::string& extra_people = "", const std::string& extra_acts = "",
                  const std::string& b_verified = "") {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A,Amy,Lee,2008-05-01,F,890,P,N,,S1\n"
                              "B,Bo,O'Neill,2007-06-01,M,890,P,K,110;200,S1\n"
                              "C,\"Cy, \"\"the\"\" Kid\",Ray,2008-01-10,X,890,P,E,,S2\n"
                              "D,Di,Smith-Jones,2007-02-02,F,888,P,N,,\n" +
                              extra_people);
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "A,230,2024-09-05,,,,COL1,,provider\n"
                                  "B,230,2024-09-05,2024-11-30,,,COL1,,provider\n"
                                  "B,619,2024-12-01,," + b_verified + ",,,supported,coach\n"
                                  "C,330,2024-09-01,,2024-12-01,,EMP9,,\n"
                                  "D,810,2024-06-01,,,,,,\n" +
                                  extra_acts);
  dir.write("indicators.csv",
            "person_id,academic_year,year_group,school_id,attendance_pct,suspensions,fsm,attainment_band\n"
            "C,2022,10,S2,87.5,2,Y,low\nC,2023,11,S2,91,0,N,middle\n");
}

std::string report_json(const Dataset& ds) {
  std::string out;
  for (int m : {10, 12}) out += to_json(statutory_report(ds, Rules::defaults(), 2024, m, {})).dump();
  out += to_json(annual_report(ds, Rules::defaults(), 2024, {})).dump();
  return out;
}

TEST_P(StoreTest, MigratesOnceAndKnowsItsVersion) {
  EXPECT_EQ(schema_version(db()), 0);
  migrate(db());
  migrate(db());
  EXPECT_EQ(schema_version(db()), latest_schema_version());
  EXPECT_EQ(count("schema_migrations"), latest_schema_version());
}

TEST_P(StoreTest, ReportsFromTheStoreEqualReportsFromTheFolder) {
  write_folder(dir_);
  const Dataset files = testing::load_valid(dir_);
  const ImportSummary s = import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
  EXPECT_EQ(s.batch_id, 1);
  EXPECT_EQ(s.people_added, 4);
  EXPECT_EQ(s.activities_added, 5);
  EXPECT_EQ(s.indicators_added, 2);
  const Dataset stored = from_store();
  ASSERT_EQ(stored.people.size(), 4u);
  EXPECT_EQ(stored.people.given_name[2], "Cy, \"the\" Kid");
  EXPECT_EQ(stored.people.family_name[1], "O'Neill");
  EXPECT_EQ(stored.indicators.size(), 2u);
  EXPECT_EQ(report_json(stored), report_json(files));
}

TEST_P(StoreTest, ImportingTheSameFolderAgainChangesNothing) {
  write_folder(dir_);
  const Dataset files = testing::load_valid(dir_);
  import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
  const ImportSummary again = import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.batch_id, 0);
  EXPECT_EQ(again.people_unchanged, 4);
  EXPECT_EQ(again.activities_unchanged, 5);
  EXPECT_EQ(again.indicators_unchanged, 2);
  EXPECT_EQ(count("import_batches"), 1);
  EXPECT_EQ(count("person_versions"), 4);
  EXPECT_EQ(count("activity_versions"), 5);
}

TEST_P(StoreTest, ChangedRowsBecomeNewVersionsAndHistoryIsKept) {
  write_folder(dir_);
  import_dataset(db(), testing::load_valid(dir_), Rules::defaults(), dir_.path(), "first");
  // B's NEET record is now verified; a new person E arrives with an activity.
  TempDir next;
  write_folder(next, "E,Ed,Ng,2008-03-03,M,890,P,N,,S1\n", "E,310,2024-10-01,,,,APP1,,provider\n", "2025-01-20");
  const Dataset files = testing::load_valid(next);
  const ImportSummary s = import_dataset(db(), files, Rules::defaults(), next.path(), "second");
  EXPECT_EQ(s.batch_id, 2);
  EXPECT_EQ(s.people_added, 1);
  EXPECT_EQ(s.people_changed, 0);
  EXPECT_EQ(s.activities_added, 1);
  EXPECT_EQ(s.activities_changed, 1);
  EXPECT_EQ(s.activities_unchanged, 4);  // 5 stored, B's 619 changed
  EXPECT_EQ(count("activity_versions"), 7);  // 5 + 1 new + 1 new version; nothing overwritten
  auto rows = db().query(
      "SELECT v.version, v.verified_date, b.imported_by FROM activity_versions v JOIN activities a ON a.activity_seq = "
      "v.activity_seq JOIN import_batches b ON b.batch_id = v.batch_id WHERE a.activity_code = $1 ORDER BY v.version",
      {std::string("619")});
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 1);
  EXPECT_TRUE(rows->is_null(1));
  EXPECT_EQ(rows->text(2), "first");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 2);
  EXPECT_EQ(rows->text(1), "2025-01-20");
  EXPECT_EQ(rows->text(2), "second");
  rows.reset();
  // The store now reports exactly what the new folder reports.
  EXPECT_EQ(report_json(from_store()), report_json(files));
}

TEST_P(StoreTest, TheStoreCanBeReadAsItWasAtAnEarlierMoment) {
  // Batch 1 on 10 January (four people), batch 2 on 3 February: B's NEET record verified
  // and E added. Read as at the end of 31 January the store gives exactly the first
  // folder's reports; now, the second's; before anything was imported, nothing.
  write_folder(dir_);
  const Dataset first = testing::load_valid(dir_);
  import_dataset(db(), first, Rules::defaults(), dir_.path(), "first");
  db().exec("UPDATE import_batches SET imported_at = '2025-01-10T09:00:00Z'");
  TempDir next;
  write_folder(next, "E,Ed,Ng,2008-03-03,M,890,P,N,,S1\n", "E,310,2024-10-01,,,,APP1,,provider\n", "2025-01-20");
  const Dataset second = testing::load_valid(next);
  import_dataset(db(), second, Rules::defaults(), next.path(), "second");
  db().exec("UPDATE import_batches SET imported_at = '2025-02-03T09:00:00Z' WHERE batch_id = 2");

  auto read = [&](const std::string& when) {
    LoadReport report;
    LoadOptions o;
    o.recorded_by = when;
    Dataset ds = load_store(db(), Rules::defaults(), report, o);
    EXPECT_TRUE(report.ok()) << testing::errors_of(report);
    return ds;
  };
  const Dataset january = read("2025-01-31T23:59:59Z");
  EXPECT_EQ(january.people.size(), 4u);
  EXPECT_EQ(january.activities.size(), 5u);
  EXPECT_EQ(january.indicators.size(), 2u);
  EXPECT_EQ(report_json(january), report_json(first));
  EXPECT_NE(report_json(first), report_json(second));
  EXPECT_EQ(report_json(read("")), report_json(second));
  EXPECT_EQ(report_json(read("2025-02-03T09:00:00Z")), report_json(second));
  EXPECT_EQ(read("2025-01-09T23:59:59Z").people.size(), 0u);
}

TEST_P(StoreTest, LeaverDatesCanBeReadAsTheStoreHeldThem) {
  // D: P on 10 January, transferred (T) on 3 February, back to P on 5 March.
  auto import_with_d = [&](const std::string& status, const std::string& when) {
    TempDir folder;
    write_folder(folder);
    std::string people = testing::read_file(folder / "people.csv");
    const std::string from = "D,Di,Smith-Jones,2007-02-02,F,888,P,N,,";
    people.replace(people.find(from), from.size(), "D,Di,Smith-Jones,2007-02-02,F,888," + status + ",N,,");
    folder.write("people.csv", people);
    const ImportSummary s = import_dataset(db(), testing::load_valid(folder), Rules::defaults(), folder.path(), "t");
    db().exec("UPDATE import_batches SET imported_at = '" + when + "' WHERE batch_id = " + std::to_string(s.batch_id));
  };
  import_with_d("P", "2025-01-10T09:00:00Z");
  import_with_d("T", "2025-02-03T09:00:00Z");
  import_with_d("P", "2025-03-05T09:00:00Z");
  EXPECT_TRUE(leaver_recorded_dates(db()).empty()) << "D is back in the cohort now";
  const auto february = leaver_recorded_dates(db(), "2025-02-28T23:59:59Z");
  ASSERT_EQ(february.size(), 1u);
  EXPECT_EQ(february.at("D"), make_date(2025, 2, 3));
  EXPECT_TRUE(leaver_recorded_dates(db(), "2025-01-31T23:59:59Z").empty());
}

TEST_P(StoreTest, HostileTextIsStoredAsText) {
  write_folder(dir_, "H,\"Robert'); DROP TABLE people;--\",\"=HYPERLINK(\"\"x\"\")\",2008-03-03,M,890,P,N,,\"S\\\\1\t\"\n");
  const Dataset files = testing::load_valid(dir_);
  import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
  const Dataset stored = from_store();
  ASSERT_EQ(stored.people.size(), 5u);
  EXPECT_EQ(stored.people.given_name[4], "Robert'); DROP TABLE people;--");
  EXPECT_EQ(stored.people.family_name[4], "=HYPERLINK(\"x\")");
  EXPECT_EQ(count("people"), 5);
}

TEST_P(StoreTest, LeaversAreDatedByTheImportThatRecordedThem) {
  write_folder(dir_);
  import_dataset(db(), testing::load_valid(dir_), Rules::defaults(), dir_.path(), "first");
  EXPECT_TRUE(leaver_recorded_dates(db()).empty()) << "nobody has left yet";
  // D (LA 888) is now recorded as transferred (T).
  TempDir next;
  write_folder(next);
  std::string people = testing::read_file(next / "people.csv");
  const std::string from = "D,Di,Smith-Jones,2007-02-02,F,888,P,N,,";
  people.replace(people.find(from), from.size(), "D,Di,Smith-Jones,2007-02-02,F,888,T,N,,");
  next.write("people.csv", people);
  import_dataset(db(), testing::load_valid(next), Rules::defaults(), next.path(), "second");
  const auto left = leaver_recorded_dates(db());
  ASSERT_EQ(left.size(), 1u);
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  EXPECT_EQ(left.at("D"), make_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
