// The database layer (store/db.h): every case runs against SQLite (a temporary file) and,
// when PATHWAYS_TEST_PG_URL is set, against PostgreSQL (for example the throwaway server of
// scripts/pg-test-server.sh). Tables carry the process id, so several test processes can
// share one PostgreSQL database.
#include "store/db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "testing.h"

namespace pathways {
namespace {

using namespace std::chrono_literals;

using testing::TempDir;

// Values that break naive quoting in SQL, in COPY's text format, or in CSV-like splitting.
const std::vector<std::string>& hostile() {
  static const std::vector<std::string> v = {
      "O'Brien",
      "'; DROP TABLE x;--",
      "\"; DROP TABLE x;--",
      "Robert'); DROP TABLE students;--",
      "back\\slash",
      "trailing backslash\\",
      "\\",
      "\\\\",
      "\\N",
      "\\.",
      "tab\there",
      "new\nline",
      "carriage\rreturn",
      "\r\n",
      "\t\n\\\r",
      "a\tb\nc\\d\re\\N",
      "  leading and trailing spaces  ",
      "unicode: Zoë Łódź Ærø 日本語 🙂",
      "$1",
      "?1",
      "?",
      ":name @name",
      "%s %d %n",
      "NULL",
      "null",
      "-- not a comment",
      "/* not a comment */",
      "\x01\x7f control",
      std::string(10000, 'x') + "'\\\t\n",
  };
  return v;
}

class DbTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::skip_without_backend(GetParam());
    if (IsSkipped()) return;
    url_ = GetParam() == "sqlite" ? "sqlite:" + (dir_ / "test.db") : testing::pg_admin_url();
    db_ = open_db(url_);
  }

  void TearDown() override {
    if (!db_) return;
    try {
      db_->rollback();
      for (const auto& t : tables_) db_->exec("DROP TABLE IF EXISTS " + t);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cleanup: " << e.what();
    }
  }

  // A name for a table of this test's own (dropped first, and again at the end).
  std::string table(const std::string& base) {
    std::string name = "dbtest_" + base + "_" + std::to_string(::getpid());
    tables_.push_back(name);
    db_->exec("DROP TABLE IF EXISTS " + name);
    return name;
  }

  std::unique_ptr<Db> open() const { return open_db(url_); }

  static int64_t scalar(Db& db, const std::string& sql, const std::vector<DbValue>& params = {}) {
    auto rows = db.query(sql, params);
    EXPECT_TRUE(rows->next()) << sql;
    return rows->integer(0);
  }
  int64_t count(const std::string& t) { return scalar(*db_, "SELECT COUNT(*) FROM " + t); }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Db> db_;
  std::vector<std::string> tables_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DbTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(DbTest, Dialect) { EXPECT_EQ(db_->dialect(), GetParam()); }

TEST_P(DbTest, ExecAndQueryRoundTrip) {
  const auto t = table("roundtrip");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name TEXT, born TEXT)");
  db_->exec("INSERT INTO " + t + " (id, name, born) VALUES (1, 'Ada', '2008-12-10'), (2, 'Alan', '2009-06-23')");

  auto rows = db_->query("SELECT id, name, born FROM " + t + " ORDER BY id");
  ASSERT_EQ(rows->columns(), 3u);
  EXPECT_EQ(rows->name(0), "id");
  EXPECT_EQ(rows->name(1), "name");
  EXPECT_EQ(rows->name(2), "born");
  EXPECT_THROW(rows->text(0), DbError);  // no row yet
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 1);
  EXPECT_EQ(rows->text(0), "1");
  EXPECT_EQ(rows->text(1), "Ada");
  EXPECT_EQ(rows->text(2), "2008-12-10");
  EXPECT_THROW(rows->text(3), DbError);
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 2);
  EXPECT_EQ(rows->text(1), "Alan");
  EXPECT_FALSE(rows->next());
  EXPECT_FALSE(rows->next());

  // A query without rows still knows its columns.
  auto none = db_->query("SELECT id, name FROM " + t + " WHERE id > $1", {"100"});
  EXPECT_EQ(none->columns(), 2u);
  EXPECT_EQ(none->name(1), "name");
  EXPECT_FALSE(none->next());

  // A statement without rows run through query() runs even if next() is never called.
  db_->query("INSERT INTO " + t + " (id, name) VALUES ($1, $2)", {"3", "Grace"});
  EXPECT_EQ(count(t), 3);
}

TEST_P(DbTest, ExecRunsSeveralStatements) {
  const auto t = table("several");
  db_->exec("CREATE TABLE " + t + " (v TEXT); INSERT INTO " + t + " VALUES ('a'); INSERT INTO " + t +
            " VALUES ('b;c');");
  EXPECT_EQ(count(t), 2);
}

TEST_P(DbTest, NullAndEmptyStringAreDistinct) {
  const auto t = table("nulls");
  db_->exec("CREATE TABLE " + t + " (id BIGINT, v TEXT)");
  db_->query("INSERT INTO " + t + " VALUES ($1, $2)", {"1", std::nullopt});
  db_->query("INSERT INTO " + t + " VALUES ($1, $2)", {"2", ""});
  auto rows = db_->query("SELECT v, v IS NULL FROM " + t + " ORDER BY id");
  ASSERT_TRUE(rows->next());
  EXPECT_TRUE(rows->is_null(0));
  EXPECT_EQ(rows->text(0), "");
  EXPECT_EQ(rows->integer(0), 0);
  ASSERT_TRUE(rows->next());
  EXPECT_FALSE(rows->is_null(0));
  EXPECT_EQ(rows->text(0), "");
  EXPECT_FALSE(rows->next());
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM " + t + " WHERE v IS NULL"), 1);
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM " + t + " WHERE v = $1", {""}), 1);
}

TEST_P(DbTest, HostileParametersAreOnlyEverValues) {
  const auto t = table("hostile");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v TEXT)");
  const auto& h = hostile();
  for (size_t i = 0; i < h.size(); ++i) db_->query("INSERT INTO " + t + " (id, v) VALUES ($1, $2)", {std::to_string(i), h[i]});
  auto rows = db_->query("SELECT id, v FROM " + t + " ORDER BY id");
  for (size_t i = 0; i < h.size(); ++i) {
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->integer(0), static_cast<int64_t>(i));
    EXPECT_EQ(rows->text(1), h[i]) << "value " << i;
  }
  EXPECT_FALSE(rows->next());
  rows.reset();
  for (size_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM " + t + " WHERE v = $1", {h[i]}), 1) << "value " << i;
    EXPECT_EQ(scalar(*db_, "SELECT id FROM " + t + " WHERE v = $1", {h[i]}), static_cast<int64_t>(i));
  }
  EXPECT_EQ(count(t), static_cast<int64_t>(h.size()));  // nothing was dropped
}

TEST_P(DbTest, ParametersInsideLiteralsAndCommentsAreText) {
  auto rows = db_->query(
      "SELECT '$1 isn''t a $2' AS a, $1 AS b, $1 || $2 AS c /* $3 */ -- $4\n, 'x$2' AS d", {"one", "two"});
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "$1 isn't a $2");
  EXPECT_EQ(rows->text(1), "one");
  EXPECT_EQ(rows->text(2), "onetwo");
  EXPECT_EQ(rows->text(3), "x$2");
  EXPECT_EQ(rows->name(3), "d");
  // The parameter count must match.
  EXPECT_THROW(db_->query("SELECT $1 AS a", {"1", "2"}), DbError);
  EXPECT_THROW(db_->query("SELECT $1 AS a, $2 AS b", {"1"}), DbError);
  // One statement only: a second one smuggled into query() is refused, not run.
  const auto t = table("smuggle");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  EXPECT_THROW(db_->query("SELECT 1; DROP TABLE " + t), DbError);
  EXPECT_EQ(count(t), 0);
}

TEST_P(DbTest, Integers) {
  const auto t = table("ints");
  db_->exec("CREATE TABLE " + t + " (id BIGINT, n BIGINT, s TEXT)");
  const std::vector<std::string> values = {"0", "42", "-7", "9223372036854775807", "-9223372036854775808"};
  for (size_t i = 0; i < values.size(); ++i)
    db_->query("INSERT INTO " + t + " VALUES ($1, $2, $3)", {std::to_string(i), values[i], values[i]});
  db_->query("INSERT INTO " + t + " VALUES ($1, $2, $3)", {"99", std::nullopt, "12abc"});
  auto rows = db_->query("SELECT n, s FROM " + t + " ORDER BY id");
  for (const auto& v : values) {
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->integer(0), std::stoll(v));
    EXPECT_EQ(rows->integer(1), std::stoll(v));
  }
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 0);  // NULL
  EXPECT_THROW(rows->integer(1), DbError);
  rows.reset();
  EXPECT_EQ(count(t), 6);
  EXPECT_EQ(scalar(*db_, "SELECT SUM(n) FROM " + t + " WHERE n BETWEEN $1 AND $2", {"-10", "100"}), 35);
  EXPECT_EQ(scalar(*db_, "SELECT MAX(n) FROM " + t + " WHERE n < $1", {"0"}), -7);
}

TEST_P(DbTest, PreparedStatementsReportAffectedRows) {
  const auto t = table("prepared");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, grp TEXT, v TEXT)");
  {
    auto insert = db_->prepare("INSERT INTO " + t + " (id, grp, v) VALUES ($1, $2, $3)");
    for (int i = 0; i < 10; ++i)
      EXPECT_EQ(insert->run({std::to_string(i), i < 3 ? "a" : "b", hostile()[i]}), 1);
    EXPECT_EQ(insert->run({"100", std::nullopt, std::nullopt}), 1);
    EXPECT_THROW(insert->run({"1", "dup", "dup"}), DbError);  // primary key
    EXPECT_EQ(insert->run({"101", "c", "after an error"}), 1);
  }
  auto update = db_->prepare("UPDATE " + t + " SET v = $1 WHERE grp = $2");
  EXPECT_EQ(update->run({"changed", "a"}), 3);
  EXPECT_EQ(update->run({"changed", "b"}), 7);
  EXPECT_EQ(update->run({"changed", "nobody"}), 0);
  auto del = db_->prepare("DELETE FROM " + t + " WHERE id >= $1");
  EXPECT_EQ(del->run({"100"}), 2);
  EXPECT_EQ(del->run({"100"}), 0);
  // Statements that change no rows report none (not the previous statement's count).
  EXPECT_EQ(update->run({"x", "a"}), 3);
  const auto t2 = table("prepared_ddl");
  EXPECT_EQ(db_->prepare("CREATE TABLE " + t2 + " (v TEXT)")->run({}), 0);
  EXPECT_EQ(count(t), 10);
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM " + t + " WHERE v = $1", {"x"}), 3);
}

TEST_P(DbTest, RollbackDiscards) {
  const auto t = table("rollback");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  db_->rollback();  // nothing open: does nothing
  db_->begin_exclusive();
  db_->query("INSERT INTO " + t + " VALUES ($1)", {"gone"});
  auto bulk = db_->bulk(t, {"v"});
  bulk->add({DbField{"also gone"}});
  bulk->finish();
  EXPECT_EQ(count(t), 2);
  db_->rollback();
  EXPECT_EQ(count(t), 0);
  EXPECT_THROW(db_->commit(), DbError);  // nothing open
}

TEST_P(DbTest, CommitKeepsAndOthersSeeItOnlyThen) {
  const auto t = table("commit");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  auto other = open();
  db_->begin_exclusive();
  db_->query("INSERT INTO " + t + " VALUES ($1)", {"kept"});
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM " + t), 0);
  db_->commit();
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM " + t), 1);
  EXPECT_EQ(count(t), 1);
}

TEST_P(DbTest, FailedStatementDoomsTheTransaction) {
  const auto t = table("doomed");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY)");
  db_->begin_exclusive();
  db_->query("INSERT INTO " + t + " VALUES ($1)", {"1"});
  EXPECT_THROW(db_->query("INSERT INTO " + t + " VALUES ($1)", {"1"}), DbError);
  EXPECT_THROW(db_->commit(), DbError);
  EXPECT_EQ(count(t), 0);
  // The connection carries on.
  db_->begin_exclusive();
  db_->query("INSERT INTO " + t + " VALUES ($1)", {"2"});
  db_->commit();
  EXPECT_EQ(count(t), 1);
}

TEST_P(DbTest, ErrorsCarryTheDatabaseMessage) {
  try {
    db_->query("SELECT * FROM dbtest_no_such_table WHERE v = $1", {"x"});
    FAIL() << "no error";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("dbtest_no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_THROW(db_->exec("THIS IS NOT SQL"), DbError);
  EXPECT_THROW(db_->prepare("SELEC 1"), DbError);
  EXPECT_EQ(scalar(*db_, "SELECT 1"), 1);  // still usable
}

TEST_P(DbTest, NulBytesAreRefused) {
  const auto t = table("nul");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  EXPECT_THROW(db_->query("INSERT INTO " + t + " VALUES ($1)", {std::string("a\0b", 3)}), DbError);
  auto bulk = db_->bulk(t, {"v"});
  EXPECT_THROW(bulk->add({DbField{std::string_view("a\0b", 3)}}), DbError);
  bulk.reset();
  EXPECT_EQ(count(t), 0);
}

TEST_P(DbTest, BulkLoadsHostileTextAndNulls) {
  const auto t = table("bulk_hostile");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, a TEXT, b TEXT)");
  const auto& h = hostile();
  auto load = [&](int64_t base) {
    auto bulk = db_->bulk(t, {"id", "a", "b"});
    for (size_t i = 0; i < h.size(); ++i) {
      const std::string id = std::to_string(base + static_cast<int64_t>(i));
      bulk->add({DbField{id}, DbField{h[i]}, i % 2 ? DbField{} : DbField{h[i]}});
    }
    bulk->add({DbField{std::to_string(base + 1000)}, DbField{""}, DbField{}});
    bulk->finish();
    EXPECT_THROW(bulk->add({DbField{"1"}, DbField{}, DbField{}}), DbError);  // finished
  };
  load(0);  // outside a transaction: the load commits by itself
  EXPECT_EQ(scalar(*open(), "SELECT COUNT(*) FROM " + t), static_cast<int64_t>(h.size() + 1));
  db_->begin_exclusive();
  load(10000);
  db_->commit();

  for (int64_t base : {0, 10000}) {
    auto rows = db_->query("SELECT id, a, b FROM " + t + " WHERE id >= $1 AND id < $2 ORDER BY id",
                           {std::to_string(base), std::to_string(base + 10000)});
    for (size_t i = 0; i < h.size(); ++i) {
      ASSERT_TRUE(rows->next());
      EXPECT_EQ(rows->integer(0), base + static_cast<int64_t>(i));
      EXPECT_FALSE(rows->is_null(1));
      EXPECT_EQ(rows->text(1), h[i]) << "value " << i;
      EXPECT_EQ(rows->is_null(2), i % 2 == 1) << "value " << i;
      if (i % 2 == 0) {
        EXPECT_EQ(rows->text(2), h[i]) << "value " << i;
      }
    }
    ASSERT_TRUE(rows->next());
    EXPECT_FALSE(rows->is_null(1));
    EXPECT_EQ(rows->text(1), "");
    EXPECT_TRUE(rows->is_null(2));
    EXPECT_FALSE(rows->next());
  }
}

TEST_P(DbTest, BulkLoads100kRows) {
  const auto t = table("bulk_100k");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name TEXT, note TEXT, born TEXT)");
  constexpr int64_t kRows = 100000;
  const auto start = std::chrono::steady_clock::now();
  db_->begin_exclusive();
  auto bulk = db_->bulk(t, {"id", "name", "note", "born"});
  for (int64_t i = 1; i <= kRows; ++i) {
    const std::string id = std::to_string(i), name = "Person " + id + (i % 1000 == 0 ? "\t\\\n'" : "");
    bulk->add({DbField{id}, DbField{name}, i % 7 == 0 ? DbField{} : DbField{"note"}, DbField{"2008-09-01"}});
  }
  bulk->finish();
  db_->commit();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "[          ] " << GetParam() << ": " << kRows << " rows bulk-loaded in " << ms.count() << " ms\n";

  auto other = open();
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM " + t), kRows);
  EXPECT_EQ(scalar(*other, "SELECT SUM(id) FROM " + t), kRows * (kRows + 1) / 2);
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM " + t + " WHERE note IS NULL"), kRows / 7);
  auto rows = other->query("SELECT name FROM " + t + " WHERE id = $1", {"5000"});
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "Person 5000\t\\\n'");

  // Read back in full, streaming.
  int64_t n = 0, sum = 0;
  auto all = other->query("SELECT id, name FROM " + t + " ORDER BY id");
  while (all->next()) {
    ++n;
    sum += all->integer(0);
  }
  EXPECT_EQ(n, kRows);
  EXPECT_EQ(sum, kRows * (kRows + 1) / 2);
}

TEST_P(DbTest, BulkRefusesBadInput) {
  const auto t = table("bulk_bad");
  db_->exec("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, v TEXT)");
  EXPECT_THROW(db_->bulk(t + "; DROP TABLE " + t, {"id"}), DbError);
  EXPECT_THROW(db_->bulk(t, {"id", "v\" TEXT); --"}), DbError);
  EXPECT_THROW(db_->bulk(t, {}), DbError);
  EXPECT_THROW(db_->bulk("dbtest_no_such_table", {"id"}), DbError);
  {
    auto bulk = db_->bulk(t, {"id", "v"});
    bulk->add({DbField{"1"}, DbField{"ok"}});
    EXPECT_THROW(bulk->add({DbField{"2"}}), DbError);
    EXPECT_THROW(bulk->finish(), DbError);  // a bad row spoils the load
  }
  EXPECT_EQ(count(t), 0);
  {
    // SQLite reports the duplicate at its add(), PostgreSQL at finish().
    auto bulk = db_->bulk(t, {"id", "v"});
    EXPECT_THROW(
        {
          bulk->add({DbField{"1"}, DbField{"a"}});
          bulk->add({DbField{"1"}, DbField{"duplicate key"}});
          bulk->add({DbField{"3"}, DbField{"b"}});
          bulk->finish();
        },
        DbError);
  }
  EXPECT_EQ(count(t), 0);
}

TEST_P(DbTest, AbandonedBulkLoadKeepsNothing) {
  const auto t = table("bulk_abandoned");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  {
    auto bulk = db_->bulk(t, {"v"});
    bulk->add({DbField{"x"}});
  }
  EXPECT_EQ(count(t), 0);
  db_->begin_exclusive();
  db_->query("INSERT INTO " + t + " VALUES ($1)", {"before"});
  {
    auto bulk = db_->bulk(t, {"v"});
    bulk->add({DbField{"x"}});
  }
  EXPECT_THROW(db_->commit(), DbError);  // the transaction no longer holds the whole load
  EXPECT_EQ(count(t), 0);
  // rollback() in the middle of a load abandons it.
  db_->begin_exclusive();
  auto bulk = db_->bulk(t, {"v"});
  bulk->add({DbField{"x"}});
  db_->rollback();
  bulk.reset();
  EXPECT_EQ(count(t), 0);
}

TEST_P(DbTest, ReadingWhileWriting) {
  const auto t = table("interleave"), log = table("interleave_log");
  db_->exec("CREATE TABLE " + t + " (id BIGINT); CREATE TABLE " + log + " (id BIGINT)");
  {
    auto bulk = db_->bulk(t, {"id"});
    for (int i = 0; i < 1000; ++i) bulk->add({DbField{std::to_string(i)}});
    bulk->finish();
  }
  db_->begin_exclusive();
  auto insert = db_->prepare("INSERT INTO " + log + " VALUES ($1)");
  auto a = db_->query("SELECT id FROM " + t + " ORDER BY id");
  auto b = db_->query("SELECT id FROM " + t + " WHERE id < $1 ORDER BY id DESC", {"500"});
  int64_t seen_a = 0, seen_b = 0;
  for (int64_t i = 0;; ++i) {
    const bool more_a = a->next(), more_b = b->next();
    if (!more_a && !more_b) break;
    if (more_a) {
      EXPECT_EQ(a->integer(0), i);
      ++seen_a;
      if (i % 10 == 0) {
        EXPECT_EQ(insert->run({std::string(a->text(0))}), 1);
      }
    }
    if (more_b) {
      EXPECT_EQ(b->integer(0), 499 - i);
      ++seen_b;
    }
  }
  db_->commit();
  EXPECT_EQ(seen_a, 1000);
  EXPECT_EQ(seen_b, 500);
  EXPECT_EQ(count(log), 100);

  // Abandoning rows part-way leaves the connection usable.
  auto part = db_->query("SELECT id FROM " + t);
  ASSERT_TRUE(part->next());
  part.reset();
  EXPECT_EQ(count(t), 1000);
}

TEST_P(DbTest, BeginExclusiveSerialisesWriters) {
  const auto t = table("exclusive");
  db_->exec("CREATE TABLE " + t + " (v TEXT)");
  auto first = open(), second = open();
  first->begin_exclusive();
  first->query("INSERT INTO " + t + " VALUES ($1)", {"first"});

  std::atomic<bool> second_has_lock{false}, first_committing{false};
  bool second_saw_commit = false;
  int64_t second_count = -1;
  std::string second_error;
  std::thread writer([&] {
    try {
      second->begin_exclusive(60000);
      second_saw_commit = first_committing.load();
      second_has_lock = true;
      second_count = scalar(*second, "SELECT COUNT(*) FROM " + t);
      second->query("INSERT INTO " + t + " VALUES ($1)", {"second"});
      second->commit();
    } catch (const std::exception& e) {
      second_error = e.what();
    }
  });
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(second_has_lock.load()) << "the second writer did not wait";
  first_committing = true;
  first->commit();
  writer.join();
  EXPECT_EQ(second_error, "");
  EXPECT_TRUE(second_saw_commit);
  EXPECT_EQ(second_count, 1);  // it saw the first writer's row
  EXPECT_EQ(count(t), 2);
}

TEST_P(DbTest, BeginExclusiveTimesOut) {
  auto first = open(), second = open();
  first->begin_exclusive();
  const auto start = std::chrono::steady_clock::now();
  try {
    second->begin_exclusive(300);
    FAIL() << "no timeout";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 10s);
  EXPECT_THROW(second->begin_exclusive(0), DbError);  // no wait at all
  EXPECT_EQ(scalar(*second, "SELECT 1"), 1);          // not left in a transaction
  EXPECT_THROW(first->begin_exclusive(), DbError);    // already in one
  first->rollback();
  second->begin_exclusive(30000);
  second->commit();
}

TEST(SqliteDb, ConnectionSettings) {
  TempDir dir;
  const std::string path = dir.path() + "/settings.db";
  auto db = open_db("sqlite:" + path);
  EXPECT_TRUE(std::filesystem::exists(path));  // created on open
  auto value = [&](const std::string& sql) {
    auto rows = db->query(sql);
    EXPECT_TRUE(rows->next()) << sql;
    return std::string(rows->text(0));
  };
  EXPECT_EQ(value("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(value("PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_EQ(value("PRAGMA foreign_keys"), "1");
  EXPECT_NE(value("PRAGMA busy_timeout"), "0");
  db->exec("CREATE TABLE parent (id BIGINT PRIMARY KEY); CREATE TABLE child (p BIGINT REFERENCES parent (id))");
  EXPECT_THROW(db->query("INSERT INTO child VALUES ($1)", {"1"}), DbError);
}

TEST(OpenDb, RejectsUnknownSchemes) {
  for (const char* url : {"mysql://user:hunter2secret@localhost/db", "", "sqlite", "SQLITE:/tmp/x.db",
                          "postgresql:/tmp/x", "/tmp/x.db"}) {
    try {
      open_db(url);
      ADD_FAILURE() << "opened " << url;
    } catch (const DbError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("unknown database URL scheme"), std::string::npos) << m;
      EXPECT_NE(m.find("expected sqlite:PATH or postgresql://"), std::string::npos) << m;
      EXPECT_EQ(m.find("hunter2secret"), std::string::npos) << m;
    }
  }
  EXPECT_THROW(open_db("sqlite:"), DbError);
}

TEST(OpenDb, SqliteFailureNamesThePath) {
  try {
    open_db("sqlite:/nonexistent-pathways-dir/sub/x.db");
    FAIL() << "opened";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-pathways-dir/sub/x.db"), std::string::npos) << e.what();
  }
}

TEST(OpenDb, PostgresConnectionFailureHidesThePassword) {
  // Port 1 on loopback: nothing listens, so the connection is refused at once. The
  // malformed URLs fail in libpq's parser, whose messages quote the URL.
  for (const char* url : {"postgresql://pathways:hunter2secret@127.0.0.1:1/pathways",
                          "postgres://pathways:hunter2secret@127.0.0.1:1/pathways?connect_timeout=5",
                          "postgresql://pathways@127.0.0.1:1/pathways?password=hunter2secret",
                          "postgresql://pathways:hunter2secret@[::1/pathways",
                          "postgresql://pathways:hunter2secret@127.0.0.1:1/pathways?nonsense=1",
                          "postgresql://pathways:hunter2%73ecret@127.0.0.1:notaport/pathways"}) {
    try {
      open_db(url);
      ADD_FAILURE() << "connected to " << url;
    } catch (const DbError& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
      EXPECT_NE(m.find("***"), std::string::npos) << m;
      EXPECT_NE(m.find("cannot connect"), std::string::npos) << m;
    }
  }
}

TEST(RedactUrl, HidesPasswordsOnly) {
  const std::map<std::string, std::string> cases = {
      {"postgresql://user:secret@host:5432/db", "postgresql://user:***@host:5432/db"},
      {"postgres://user:p%40ss@host/db?sslmode=require", "postgres://user:***@host/db?sslmode=require"},
      {"postgresql://user:p@ss/w:rd@host/db", "postgresql://user:***@host/db"},
      {"postgresql://user@host:5432/db", "postgresql://user@host:5432/db"},
      {"postgresql://host/db", "postgresql://host/db"},
      {"postgresql://host:5432/db?user=u&password=secret&sslmode=require",
       "postgresql://host:5432/db?user=u&password=***&sslmode=require"},
      {"postgresql://u:a@h1:5432,h2:5433/db?sslpassword=k", "postgresql://u:***@h1:5432,h2:5433/db?sslpassword=***"},
      {"host=h user=u password='a b c' dbname=d", "host=h user=u password=*** dbname=d"},
      {"host=h PASSWORD = secret dbname=d", "host=h PASSWORD = *** dbname=d"},
      {"sqlite:/var/lib/pathways/store.db", "sqlite:/var/lib/pathways/store.db"},
      {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(redact_url(in), out) << in;
}

}  // namespace
}  // namespace pathways
