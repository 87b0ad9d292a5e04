// Imports under faults, through the real `pathways` binary: killed at any moment, the
// store holds either nothing of that import or all of it; two imports at once both land,
// one after the other. Runs on SQLite and, when PATHWAYS_TEST_PG_URL is set, PostgreSQL.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <thread>

#include <gtest/gtest.h>

#include "report/participation.h"
#include "report/render.h"
#include "store/store.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_status(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

class ImportFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::skip_without_backend(GetParam());
    if (IsSkipped()) return;
    // A generated LA of about 6,000 people: big enough that an import takes a while.
    ASSERT_EQ(wait_status(spawn({PATHWAYS_BINARY, "generate", "--out", data_.path(), "--preset", "la", "--people",
                                 "6000", "--seed", "7"})),
              0);
  }
  // A fresh, empty database URL, dropped at the end of the test.
  std::string fresh_db() {
    testing::TestDatabase& db = dbs_.emplace_back();
    db.create(GetParam());
    return db.url();
  }
  static int64_t batches(Db& db) {
    migrate(db);
    auto rows = db.query("SELECT COUNT(*) FROM import_batches");
    rows->next();
    return rows->integer(0);
  }
  static std::string annual(const Dataset& ds) {
    return to_json(annual_report(ds, Rules::defaults(), 2024, {})).dump();
  }

  TempDir data_;
  std::deque<testing::TestDatabase> dbs_;
};

TEST_P(ImportFaultTest, KilledAtAnyMomentLeavesNothingOrEverything) {
  LoadReport fr;
  const std::string expected = annual(load_folder(data_.path(), Rules::defaults(), fr));
  ASSERT_TRUE(fr.ok());
  // Time a full import, then kill imports at spread-out moments within that time.
  const std::string timing_db = fresh_db();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_status(spawn({PATHWAYS_BINARY, "import", data_.path(), "--db", timing_db})), 0);
  const auto full = std::chrono::steady_clock::now() - t0;
  int none = 0, all = 0;
  for (int i = 1; i <= 8; ++i) {
    const std::string url = fresh_db();
    const pid_t pid = spawn({PATHWAYS_BINARY, "import", data_.path(), "--db", url});
    std::this_thread::sleep_for(full * i / 8);
    ::kill(pid, SIGKILL);
    wait_status(pid);
    auto db = open_db(url);
    const int64_t n = batches(*db);
    ASSERT_LE(n, 1);
    LoadReport report;
    const Dataset stored = load_store(*db, Rules::defaults(), report);
    ASSERT_TRUE(report.ok());
    if (n == 0) {
      ++none;
      EXPECT_EQ(stored.people.size(), 0u) << "kill " << i << ": no batch but people stored";
    } else {
      ++all;
      EXPECT_EQ(annual(stored), expected) << "kill " << i << ": batch recorded but data incomplete";
    }
  }
  // Which kills land before or after the commit depends on timing; both outcomes are
  // correct. Record the split so a run that never interrupted anything is visible.
  RecordProperty("killed_before_commit", none);
  RecordProperty("completed_before_kill", all);
}

TEST_P(ImportFaultTest, TwoImportsAtOnceBothLandOneAfterTheOther) {
  const std::string url = fresh_db();
  const pid_t a = spawn({PATHWAYS_BINARY, "import", data_.path(), "--db", url, "--user", "first"});
  const pid_t b = spawn({PATHWAYS_BINARY, "import", data_.path(), "--db", url, "--user", "second"});
  EXPECT_EQ(wait_status(a), 0);
  EXPECT_EQ(wait_status(b), 0);
  auto db = open_db(url);
  // The same folder twice: whichever ran second found nothing new.
  EXPECT_EQ(batches(*db), 1);
  LoadReport report, fr;
  EXPECT_EQ(annual(load_store(*db, Rules::defaults(), report)),
            annual(load_folder(data_.path(), Rules::defaults(), fr)));
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportFaultTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
