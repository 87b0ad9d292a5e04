// Helpers shared by the tests: temporary folders, small hand-written CSV files, shell
// commands, and a database of a test's own on SQLite or PostgreSQL.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "io/folder.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pathways-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(*this / name).parent_path());
    std::ofstream(*this / name, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

// A whole file's bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline constexpr const char* kPeopleHeader =
    "person_id,given_name,family_name,date_of_birth,gender,la_code,cohort_status,sen_status,characteristics,school_id\n";
inline constexpr const char* kActivitiesHeader =
    "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source\n";

// The errors of a load, one a line, for a failure message.
inline std::string errors_of(const LoadReport& report) {
  std::string all;
  for (const auto& e : report.errors) all += format_issue(e) + "\n";
  return all;
}

// Loads a folder that must be valid; fails the calling test otherwise.
inline Dataset load_valid(const TempDir& dir, const Rules& rules = Rules::defaults()) {
  LoadReport report;
  Dataset ds = load_folder(dir.path(), rules, report);
  if (!report.ok()) ADD_FAILURE() << "unexpected load errors:\n" << errors_of(report);
  return ds;
}

// Loads the current contents of a store that must be valid; fails the calling test otherwise.
inline Dataset load_valid(Db& db, const Rules& rules = Rules::defaults()) {
  LoadReport report;
  Dataset ds = load_store(db, rules, report);
  EXPECT_TRUE(report.ok()) << errors_of(report);
  return ds;
}

// A shell command's exit status (-1 when it did not exit normally) and standard output.
struct ShellResult {
  int status = -1;
  std::string out;
};

inline ShellResult shell(const std::string& command) {
  ShellResult r;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// --- Databases -------------------------------------------------------------------------
//
// Store tests run on each backend, "sqlite" and "postgresql". PostgreSQL runs only when
// PATHWAYS_TEST_PG_URL names a server (scripts/pg-test-server.sh start prints one).

// The PostgreSQL server to test against, or "" when PATHWAYS_TEST_PG_URL is not set.
inline std::string pg_admin_url() {
  const char* url = std::getenv("PATHWAYS_TEST_PG_URL");
  return url ? url : "";
}

// Skips the running test when `backend` is postgresql and there is no server to test
// against. GTEST_SKIP only returns from this function: a caller that goes on to set things up
// checks ::testing::Test::IsSkipped() first.
inline void skip_without_backend(const std::string& backend) {
  if (backend == "postgresql" && pg_admin_url().empty())
    GTEST_SKIP() << "PATHWAYS_TEST_PG_URL is not set: no PostgreSQL server to test against "
                    "(scripts/pg-test-server.sh start prints one)";
}

// A fresh, empty database of one test's own, so tests can run in parallel: a file in a
// temporary folder on SQLite, a database made with CREATE DATABASE on the PostgreSQL server
// of PATHWAYS_TEST_PG_URL, dropped again when this object goes.
class TestDatabase {
 public:
  TestDatabase() = default;
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase() {
    db_.reset();  // PostgreSQL drops no database that has connections
    if (name_.empty()) return;
    try {
      open_db(pg_admin_url())->exec("DROP DATABASE IF EXISTS " + name_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping test database " << name_ << ": " << e.what();
    }
  }

  // Makes the database on `backend` ("sqlite" or "postgresql"), or skips the running test
  // as skip_without_backend does: from SetUp, return when ::testing::Test::IsSkipped().
  void create(const std::string& backend) {
    skip_without_backend(backend);
    if (::testing::Test::IsSkipped()) return;
    if (backend == "sqlite") {
      dir_.emplace();
      url_ = "sqlite:" + (*dir_ / "store.db");
      return;
    }
    static int made = 0;  // in this process
    std::random_device rd;
    name_ = "pathways_t_" + std::to_string(::getpid()) + "_" + std::to_string(++made) + "_" +
            std::to_string(rd() % 1000000);
    const std::string admin = pg_admin_url();
    open_db(admin)->exec("CREATE DATABASE " + name_);
    url_ = admin.substr(0, admin.rfind('/') + 1) + name_;
  }

  const std::string& url() const { return url_; }
  // A connection to the database, opened on first use; the file or database is untouched
  // until then.
  Db& db() {
    if (!db_) db_ = open_db(url_);
    return *db_;
  }
  int64_t count(const std::string& table) {
    auto rows = db().query("SELECT COUNT(*) FROM " + table);
    rows->next();
    return rows->integer(0);
  }

 private:
  std::optional<TempDir> dir_;
  std::string url_, name_;
  std::unique_ptr<Db> db_;
};

// A test fixture on one TestDatabase per test, the backend its parameter:
//   class MyTest : public testing::DatabaseTest {};
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::Values("sqlite", "postgresql"),
//                            [](const auto& info) { return info.param; });
// A SetUp of its own calls DatabaseTest::SetUp() first and returns when IsSkipped().
class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_.create(GetParam());
    if (IsSkipped()) return;
    database_.db();
  }
  const std::string& url() const { return database_.url(); }
  Db& db() { return database_.db(); }
  int64_t count(const std::string& table) { return database_.count(table); }
  Dataset from_store() { return load_valid(db()); }

 private:
  TestDatabase database_;
};

}  // namespace pathways::testing
