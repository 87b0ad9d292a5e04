// The streaming folder import (import_folder_locked, used by `pathways import`): the same
// rows as the in-memory import whatever the chunk size, a problem in a later chunk rolls
// everything back with a precise report, and a one-million-row activities file is
// imported in memory that does not grow with it. SQLite and PostgreSQL.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/participation.h"
#include "report/render.h"
#include "store/store.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

class StoreStreamTest : public testing::DatabaseTest {
 protected:
  // Imports `dir` the way the command line does, `chunk` rows at a time; the transaction
  // commits when the report is clean and rolls back otherwise.
  ImportSummary stream_import(const TempDir& dir, LoadReport& report, size_t chunk) {
    Dataset people = load_people(dir.path(), Rules::defaults(), report);
    if (!report.ok()) return {};
    migrate(db());
    db().begin_exclusive();
    ImportSummary s;
    try {
      s = import_folder_locked(db(), dir.path(), people, Rules::defaults(), report, dir.path(), "tester", chunk);
    } catch (...) {
      db().rollback();
      throw;
    }
    if (report.ok() && s.changed()) db().commit();
    else db().rollback();
    return s;
  }
  TempDir dir_;
};

// Activities interleaved across people (not grouped as people.csv orders them), so chunks
// of two rows cut through people's histories.
void write_folder(const TempDir& dir, const std::string& b_verified = "", const std::string& extra_acts = "") {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A,Amy,Lee,2008-05-01,F,890,P,N,,S1\n"
                              "B,Bo,O'Neill,2007-06-01,M,890,P,K,110;200,S1\n"
                              "C,Cy,Ray,2008-01-10,X,890,P,E,,S2\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "B,230,2024-09-05,2024-11-30,,,COL1,,provider\n"  // line 2
                                  "A,230,2024-09-05,,,,COL1,,provider\n"            // line 3
                                  "C,330,2024-09-01,,2024-12-01,,EMP9,,\n"           // line 4
                                  "B,619,2024-12-01,," + b_verified + ",,,supported,coach\n"  // line 5
                                  "A,540,2024-06-01,2024-09-04,,,,,\n" +             // line 6
                                  extra_acts);
  dir.write("indicators.csv",
            "person_id,academic_year,year_group,school_id,attendance_pct,suspensions,fsm,attainment_band\n"
            "C,2022,10,S2,87.5,2,Y,low\nA,2023,11,S1,91,0,N,middle\nC,2023,11,S2,95,0,N,high\n");
}

std::string reports(const Dataset& ds) {
  std::string out;
  for (int m : {10, 12}) out += to_json(statutory_report(ds, Rules::defaults(), 2024, m, {})).dump();
  out += to_json(annual_report(ds, Rules::defaults(), 2024, {})).dump();
  return out;
}

TEST_P(StoreStreamTest, ChunkedImportStoresWhatTheFolderHoldsAndIsIncremental) {
  write_folder(dir_);
  LoadReport report;
  const ImportSummary s = stream_import(dir_, report, 2);
  ASSERT_TRUE(report.ok()) << testing::errors_of(report);
  // 3 people, 5 activities, 3 indicator rows, all new.
  EXPECT_EQ(s.batch_id, 1);
  EXPECT_EQ(s.people_added, 3);
  EXPECT_EQ(s.activities_added, 5);
  EXPECT_EQ(s.indicators_added, 3);
  {
    auto rows = db().query("SELECT people_added, activities_added, indicators_added FROM import_batches");
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->integer(0), 3);
    EXPECT_EQ(rows->integer(1), 5);
    EXPECT_EQ(rows->integer(2), 3);
  }
  const Dataset files = testing::load_valid(dir_);
  const Dataset stored = from_store();
  EXPECT_EQ(reports(stored), reports(files));
  // The same store as the in-memory import gives.
  testing::TestDatabase other;
  other.create(GetParam());
  import_dataset(other.db(), files, Rules::defaults(), dir_.path(), "tester");
  EXPECT_EQ(reports(testing::load_valid(other.db())), reports(stored));

  // Importing it again, in chunks of one row, changes nothing and records no batch.
  LoadReport again_report;
  const ImportSummary again = stream_import(dir_, again_report, 1);
  ASSERT_TRUE(again_report.ok());
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.people_unchanged, 3);
  EXPECT_EQ(again.activities_unchanged, 5);
  EXPECT_EQ(again.indicators_unchanged, 3);
  EXPECT_EQ(count("import_batches"), 1);

  // B's NEET record (line 5) now verified and a new activity for C: in chunks of two,
  // 1 changed + 1 added + 4 unchanged activities.
  TempDir next;
  write_folder(next, "2025-01-20", "C,410,2025-02-01,,,,,,\n");
  LoadReport next_report;
  const ImportSummary n = stream_import(next, next_report, 2);
  ASSERT_TRUE(next_report.ok()) << testing::errors_of(next_report);
  EXPECT_EQ(n.batch_id, 2);
  EXPECT_EQ(n.people_unchanged, 3);
  EXPECT_EQ(n.activities_added, 1);
  EXPECT_EQ(n.activities_changed, 1);
  EXPECT_EQ(n.activities_unchanged, 4);
  EXPECT_EQ(n.indicators_unchanged, 3);
  EXPECT_EQ(count("activity_versions"), 7);  // 5 + 1 new + 1 new version
  EXPECT_EQ(reports(from_store()), reports(testing::load_valid(next)));
}

TEST_P(StoreStreamTest, AProblemInALaterChunkRollsEverythingBack) {
  // Line 7 repeats line 3 (A, 230, 2024-09-05); line 8 has an unknown code. With chunks
  // of two rows, lines 2-6 have been written before either is read.
  write_folder(dir_, "", "A,230,2024-09-05,,,,COL2,,provider\nC,999,2025-01-01,,,,,,\n");
  LoadReport report;
  stream_import(dir_, report, 2);
  const std::string errors = testing::errors_of(report);
  EXPECT_NE(errors.find("activities.csv:8: column activity_code: '999': unknown activity code"), std::string::npos)
      << errors;
  EXPECT_EQ(count("people"), 0);
  EXPECT_EQ(count("activities"), 0);
  EXPECT_EQ(count("import_batches"), 0);

  // Only the repeat: the store's unique key meets it first (SQLite, or PostgreSQL with rows
  // stored), yet the report names the two lines, and nothing is kept.
  write_folder(dir_, "", "A,230,2024-09-05,,,,COL2,,provider\n");
  LoadReport dup;
  stream_import(dir_, dup, 2);
  ASSERT_EQ(dup.errors.size(), 1u) << testing::errors_of(dup);
  EXPECT_EQ(format_issue(dup.errors[0]),
            "activities.csv:7: duplicate of the activity on line 3 (same person, activity_code and start_date)");
  EXPECT_EQ(count("people"), 0);
  EXPECT_EQ(count("activities"), 0);

  // The same into a store that has rows (no first-load shortcut): still one clean report.
  TempDir good;
  write_folder(good);
  LoadReport first;
  stream_import(good, first, 2);
  ASSERT_TRUE(first.ok());
  write_folder(dir_, "", "C,410,2025-02-01,,,,,,\nC,410,2025-02-01,,,,,,\n");
  LoadReport dup2;
  stream_import(dir_, dup2, 2);
  ASSERT_EQ(dup2.errors.size(), 1u) << testing::errors_of(dup2);
  EXPECT_EQ(format_issue(dup2.errors[0]),
            "activities.csv:8: duplicate of the activity on line 7 (same person, activity_code and start_date)");
  EXPECT_EQ(count("activities"), 5);
  EXPECT_EQ(count("import_batches"), 1);

  // Indicators: a second row for C in 2022 (line 5 repeats line 2).
  TempDir ind;
  write_folder(ind);
  ind.write("indicators.csv",
            "person_id,academic_year,year_group\nC,2022,10\nA,2023,11\nC,2023,11\nC,2022,10\n");
  LoadReport ir;
  stream_import(ind, ir, 1);
  ASSERT_EQ(ir.errors.size(), 1u) << testing::errors_of(ir);
  EXPECT_EQ(format_issue(ir.errors[0]),
            "indicators.csv:5: column academic_year: '2022': this person already has indicators for this year on "
            "line 2");
  EXPECT_EQ(count("indicator_rows"), 3);
}

// Peak resident memory of a `pathways import` run, in KiB.
long import_peak_kib(const std::string& dir, const std::string& url) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(PATHWAYS_BINARY, PATHWAYS_BINARY, "import", dir.c_str(), "--db", url.c_str(), nullptr);
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "import of " << dir << " failed";
  return usage.ru_maxrss;
}

// 20,000 people and `rows` activities spread over them (dates make each row's key unique).
void write_big_folder(const TempDir& dir, size_t rows) {
  std::string people = testing::kPeopleHeader;
  for (int p = 0; p < 20000; ++p) people += fmt::format("P{:05},Given,Family,2008-05-01,F,890,P,N,,S1\n", p);
  dir.write("people.csv", people);
  FILE* f = std::fopen((dir / "activities.csv").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(testing::kActivitiesHeader, f);
  for (size_t i = 0; i < rows; ++i) {
    const Date start = make_date(2000, 1, 1) + static_cast<Date>(i / 20000);
    std::fprintf(f, "P%05zu,230,%s,,,,COL1,,provider\n", i % 20000, format_date(start).c_str());
  }
  std::fclose(f);
}

TEST_P(StoreStreamTest, AMillionRowFileStreamsInBoundedMemory) {
  // The same 20,000 people with 250,000 and with 1,000,000 activity rows, each imported
  // into an empty store. The import holds the people whole and streams the activities,
  // keeping 16 bytes per row for the duplicate check: 750,000 more rows may cost it about
  // 12 MB. Holding the rows costs far more: `pathways check` (load_folder) peaks at 43 MB
  // and 83 MB on these two folders, +40 MB, before any import bookkeeping. On SQLite the
  // page cache (at most 128 MiB) grows with the database, so there the bound is checked
  // on the larger import alone: the cache plus 80 MiB (it peaked at 184 MiB; holding the
  // rows would add about 46 MiB to that).
  TempDir small, big;
  write_big_folder(small, 250000);
  write_big_folder(big, 1000000);
  testing::TestDatabase small_db;
  small_db.create(GetParam());
  const long small_kib = import_peak_kib(small.path(), small_db.url());
  const long big_kib = import_peak_kib(big.path(), url());
  EXPECT_EQ(count("activities"), 1000000);
  RecordProperty("peak_kib_250k", std::to_string(small_kib));
  RecordProperty("peak_kib_1m", std::to_string(big_kib));
  std::printf("peak memory of the import: %ld KiB for 250,000 activity rows, %ld KiB for 1,000,000\n", small_kib,
              big_kib);
  if (GetParam() == "postgresql") EXPECT_LT(big_kib - small_kib, 24 * 1024);
  else EXPECT_LT(big_kib, (128 + 80) * 1024);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreStreamTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
