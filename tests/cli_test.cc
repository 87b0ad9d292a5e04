// The `pathways` command line as a user runs it: exit statuses, messages and output
// formats (formats.md "Command line").

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/db.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

// stdout and stderr together, and the exit status.
using Outcome = testing::ShellResult;

Outcome run(const std::string& args) { return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>&1"); }

void write_small_folder(const TempDir& dir) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A,Amy,Lee,2008-05-01,F,890,P,N,,S1\n"
                              "B,Bo,Ray,2007-06-01,M,890,P,N,,S1\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "A,230,2024-09-05,,,,,,\n"
                                  "B,619,2024-12-01,,,,,,\n");
}

TEST(Cli, StatutoryJsonAndCsvAndTable) {
  TempDir dir;
  write_small_folder(dir);
  const Outcome j = run("report statutory --data " + dir.path() + " --month 2025-01 --format json");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["cohort"], 2);
  EXPECT_EQ(doc["neet"], 1);
  EXPECT_DOUBLE_EQ(doc["neet_pct"].get<double>(), 50.0);
  const Outcome c = run("report statutory --data " + dir.path() + " --month 2025-01 --format csv");
  ASSERT_EQ(c.status, 0);
  EXPECT_NE(c.out.find("2025-01,2025-01-31,all,,Academic age 16-17,2,0,1,0,1,1,0,0,50.000000"), std::string::npos)
      << c.out;
  const Outcome t = run("report statutory --data " + dir.path() + " --month 2025-01");
  ASSERT_EQ(t.status, 0);
  EXPECT_NE(t.out.find("50.0%"), std::string::npos) << t.out;
}

TEST(Cli, ExcelWorkbookNeedsOutAndIsWritten) {
  TempDir dir, out;
  write_small_folder(dir);
  EXPECT_EQ(run("report statutory --data " + dir.path() + " --month 2025-01 --format xlsx").status, 2);
  const Outcome r = run("report annual --data " + dir.path() + " --year 2024 --format xlsx --out " + (out / "a.xlsx"));
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream in(out / "a.xlsx", std::ios::binary);
  std::string head(2, '\0');
  in.read(head.data(), 2);
  EXPECT_EQ(head, "PK") << "an XLSX file is a zip archive";
}

TEST(Cli, NccisReturnCarriesNamesFromFolderAndStore) {
  TempDir dir, out;
  write_small_folder(dir);
  const std::string db = "sqlite:" + (out / "s.db");
  ASSERT_EQ(run("import " + dir.path() + " --db " + db).status, 0);
  for (const std::string& source : {"--data " + dir.path(), "--db " + db}) {
    const Outcome r =
        run("export nccis " + source + " --la 890 --month 2025-01 --date-of-send 2025-02-03 --out " + (out / "n.xml"));
    ASSERT_EQ(r.status, 0) << source << "\n" << r.out;
    const std::string xml = testing::read_file(out / "n.xml");
    EXPECT_NE(xml.find("<GivenName>Amy</GivenName>"), std::string::npos) << source;
    EXPECT_NE(xml.find("<FamilyName>Ray</FamilyName>"), std::string::npos) << source;
  }
}

TEST(Cli, NccisReturnCanBeMadeAgainAsRecorded) {
  // Imported "on 1 February 2025"; on a later day Amy's family name is corrected. The
  // January return sent on 3 February, made again with --as-recorded, still says Lee; made
  // from the data as it is now, Smith.
  TempDir dir, out;
  write_small_folder(dir);
  const std::string db = "sqlite:" + (out / "s.db");
  ASSERT_EQ(run("import " + dir.path() + " --db " + db).status, 0);
  open_db(db)->exec("UPDATE import_batches SET imported_at = '2025-02-01T09:00:00Z'");
  std::string people = testing::read_file(dir / "people.csv");
  people.replace(people.find("Amy,Lee"), 7, "Amy,Smith");
  dir.write("people.csv", people);
  ASSERT_EQ(run("import " + dir.path() + " --db " + db).status, 0);
  const std::string common = " --db " + db + " --la 890 --month 2025-01 --date-of-send 2025-02-03 --out " + (out / "n.xml");
  ASSERT_EQ(run("export nccis" + common + " --as-recorded").status, 0);
  std::string xml = testing::read_file(out / "n.xml");
  EXPECT_NE(xml.find("<FamilyName>Lee</FamilyName>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<FamilyName>Smith</FamilyName>"), std::string::npos);
  ASSERT_EQ(run("export nccis" + common).status, 0);
  xml = testing::read_file(out / "n.xml");
  EXPECT_NE(xml.find("<FamilyName>Smith</FamilyName>"), std::string::npos);
  // Before anything was recorded there is nobody to send.
  const Outcome early = run("export nccis --db " + db +
                            " --la 890 --month 2025-01 --date-of-send 2025-01-31 --as-recorded --out " + (out / "e.xml"));
  EXPECT_EQ(early.status, 0);
  EXPECT_EQ(testing::read_file(out / "e.xml").find("<YoungPersonsRecord>"), std::string::npos);
  // A folder has no history.
  const Outcome bad = run("export nccis --data " + dir.path() + " --la 890 --month 2025-01 --as-recorded --out " +
                          (out / "f.xml"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("--as-recorded reads a store's history"), std::string::npos) << bad.out;
}

TEST(Cli, AnnualJson) {
  TempDir dir;
  write_small_folder(dir);
  const Outcome j = run("report annual --data " + dir.path() + " --year 2024 --format json");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["year"], "2024-25");
  // B's 619 from 2024-12-01 lapses 2025-03-01: NEET in Dec, Jan, Feb -> 50% each month.
  EXPECT_DOUBLE_EQ(doc["neet_pct"].get<double>(), 50.0);
  EXPECT_EQ(doc["monthly"].size(), 4u);
}

TEST(Cli, BadDataExitsTwoNamingFileLineColumn) {
  TempDir dir;
  write_small_folder(dir);
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) + "A,230,2024-09-31,,,,,,\n");
  const Outcome r = run("report statutory --data " + dir.path() + " --month 2025-01 --format json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("activities.csv:2: column start_date: '2024-09-31': not a real date"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("\"cohort\""), std::string::npos) << "nothing is computed from bad data";
}

TEST(Cli, BadArgumentsExitTwo) {
  TempDir dir;
  write_small_folder(dir);
  EXPECT_EQ(run("report statutory --data " + dir.path() + " --month 2025-13").status, 2);
  EXPECT_EQ(run("report statutory --data " + dir.path() + " --month 2025-01 --la 89").status, 2);
  EXPECT_EQ(run("report statutory --data /nonexistent --month 2025-01").status, 2);
  EXPECT_EQ(run("status --data " + dir.path() + " --person Z --date 2025-01-01").status, 2);
}

TEST(Cli, StatusOfOnePerson) {
  TempDir dir;
  write_small_folder(dir);
  const Outcome r = run("status --data " + dir.path() + " --person B --date 2025-01-15 --format json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["activity_code"], 619);
  EXPECT_EQ(doc["category"], "neet");
  EXPECT_EQ(doc["lapse_date"], "2025-03-01");
  EXPECT_EQ(doc["academic_age"], 17);
}

TEST(Cli, CheckValidatesAFolder) {
  TempDir dir;
  write_small_folder(dir);
  const Outcome ok = run("check --data " + dir.path());
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("2 people, 2 activities"), std::string::npos) << ok.out;
}

TEST(Cli, ImportWritesAnErrorReportThenImportsOnceFixed) {
  TempDir dir, store;
  write_small_folder(dir);
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) + "A,230,2024-09-05,,,,,,\nB,999,2024-12-01,,,,,,\n");
  const std::string db = "sqlite:" + (store / "p.db");
  const Outcome bad = run("import " + dir.path() + " --db " + db);
  EXPECT_EQ(bad.status, 2) << bad.out;
  const std::string report = testing::read_file(dir / "import-errors.csv");
  EXPECT_EQ(report, "file,line,column,value,reason\nactivities.csv,3,activity_code,999,unknown activity code\n");
  // Nothing was stored: reading the store gives an empty cohort.
  const Outcome empty = run("report statutory --db " + db + " --month 2025-01 --format json");
  ASSERT_EQ(empty.status, 0) << empty.out;
  EXPECT_EQ(nlohmann::json::parse(empty.out)["cohort"], 0);

  write_small_folder(dir);
  const Outcome ok = run("import " + dir.path() + " --db " + db + " --user officer");
  ASSERT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("imported as batch 1: people 2 added"), std::string::npos) << ok.out;
  EXPECT_FALSE(std::ifstream(dir / "import-errors.csv").good()) << "a stale error report is removed";
  const Outcome again = run("import " + dir.path() + " --db " + db);
  ASSERT_EQ(again.status, 0);
  EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;
  const Outcome from_db = run("report statutory --db " + db + " --month 2025-01 --format json");
  const Outcome from_dir = run("report statutory --data " + dir.path() + " --month 2025-01 --format json");
  EXPECT_EQ(from_db.out, from_dir.out);
}

TEST(Cli, UnreachableDatabaseIsAClearErrorWithoutThePassword) {
  const Outcome r = run("report statutory --db postgresql://u:sekret@127.0.0.1:1/x --month 2025-01");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out.find("sekret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error: database"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pathways
