// The SQLite backend (C API).
//
// Connection settings, applied on open:
//   journal_mode=WAL     readers never block the writer nor the writer readers, and a
//                        commit is one append to the write-ahead log.
//   synchronous=NORMAL   with WAL, the log is synced at checkpoints rather than at every
//                        commit. The database can never be corrupted by a crash; a power
//                        failure (not a process crash) may lose the last few committed
//                        transactions. Imports are all-or-nothing and can simply be run
//                        again, so that trade buys much faster commits at no risk to
//                        consistency.
//   foreign_keys=ON      SQLite leaves REFERENCES unenforced otherwise.
//   page_size=16384      for a new database only; fewer pages and splits for large imports.
//   busy timeout         a statement that finds the database locked by another process's
//                        writer retries for kSqliteBusyTimeoutMs before failing.
//
// Behaviour made to match PostgreSQL, so code tested on one works on the other:
//   - a statement that fails inside a transaction dooms it: commit() then rolls back and
//     throws (PostgreSQL aborts the transaction on any error);
//   - text values may not contain NUL bytes;
//   - rollback() with no open transaction does nothing; commit() with none throws.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>

#include "store/db_backends.h"

namespace pathways::db_detail {
namespace {

// The connection, shared by the Db and the rows, statements and bulk loads it hands out
// (closed by sqlite3_close_v2 once the last of them is gone).
struct Conn {
  sqlite3* db = nullptr;
  bool failed = false;  // a statement failed inside the open transaction

  ~Conn() { sqlite3_close_v2(db); }

  std::string message() const { return sqlite3_errmsg(db); }

  // Called at the start of every operation: outside a transaction nothing is doomed.
  void settle() {
    if (sqlite3_get_autocommit(db)) failed = false;
  }

  [[noreturn]] void raise(const std::string& message, std::string_view sql = {}) {
    if (!sqlite3_get_autocommit(db)) failed = true;
    throw DbError(sql.empty() ? message : message + sql_context(sql));
  }

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : message();
      sqlite3_free(err);
      raise(m, sql);
    }
  }
};

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// $N -> ?N outside string literals, quoted identifiers and comments. (SQLite's ?N binds
// the Nth parameter, so a number used twice binds the same value, as in PostgreSQL.)
std::string convert_params(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  const size_t n = sql.size();
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    size_t j = i + 1;
    if (c == '\'' || c == '"') {
      while (j < n) {
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) {  // doubled quote: an escaped quote
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
    } else if (c == '-' && j < n && sql[j] == '-') {
      while (j < n && sql[j] != '\n') ++j;
    } else if (c == '/' && j < n && sql[j] == '*') {
      const size_t end = sql.find("*/", j + 1);
      j = end == std::string_view::npos ? n : end + 2;
    } else if (c == '$' && j < n && std::isdigit(static_cast<unsigned char>(sql[j])) &&
               (i == 0 || !ident_char(sql[i - 1]))) {
      out += '?';
      i = j;
      continue;
    }
    out.append(sql.substr(i, j - i));
    i = j;
  }
  return out;
}

// Prepares exactly one statement (persistent when it will be reused).
sqlite3_stmt* prepare_one(Conn& c, const std::string& sql, bool persistent) {
  const std::string converted = convert_params(sql);
  sqlite3_stmt* st = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(c.db, converted.c_str(), static_cast<int>(converted.size() + 1),
                         persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, &tail) != SQLITE_OK)
    c.raise(c.message(), sql);
  if (!st) c.raise("empty statement", sql);
  if (tail && *tail) {
    sqlite3_stmt* more = nullptr;
    const int rc = sqlite3_prepare_v2(c.db, tail, -1, &more, nullptr);
    sqlite3_finalize(more);
    if (rc != SQLITE_OK || more) {
      sqlite3_finalize(st);
      c.raise("only one statement is allowed here (exec() runs several)", sql);
    }
  }
  return st;
}

// Binds all parameters; `copy` when the values must outlive this call (lazy stepping).
void bind_all(Conn& c, sqlite3_stmt* st, const std::vector<DbValue>& params, bool copy, const std::string& sql) {
  const int expected = sqlite3_bind_parameter_count(st);
  if (static_cast<int>(params.size()) != expected)
    c.raise("statement takes " + std::to_string(expected) + " parameters, " + std::to_string(params.size()) +
                " given",
            sql);
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    int rc;
    if (!params[i]) {
      rc = sqlite3_bind_null(st, index);
    } else {
      check_text(*params[i], "parameter value");
      rc = sqlite3_bind_text64(st, index, params[i]->data(), params[i]->size(),
                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) c.raise(c.message(), sql);
  }
}

class Rows : public DbRows {
 public:
  // The statement has been stepped once: `first` is that step's result.
  Rows(std::shared_ptr<Conn> c, sqlite3_stmt* st, bool has_row) : c_(std::move(c)), st_(st), pending_(has_row) {
    if (!has_row) finish();
  }
  ~Rows() override { sqlite3_finalize(st_); }

  bool next() override {
    if (pending_) {
      pending_ = false;
      row_ = true;
      return true;
    }
    row_ = false;
    if (done_) return false;
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) {
      row_ = true;
      return true;
    }
    const std::string m = c_->message();
    finish();
    if (rc != SQLITE_DONE) c_->raise(m, sqlite3_sql(st_));
    return false;
  }
  size_t columns() const override { return static_cast<size_t>(sqlite3_column_count(st_)); }
  std::string_view name(size_t column) const override {
    check_column(column);
    const char* n = sqlite3_column_name(st_, static_cast<int>(column));
    return n ? n : "";
  }
  bool is_null(size_t column) const override {
    check_row(column);
    return sqlite3_column_type(st_, static_cast<int>(column)) == SQLITE_NULL;
  }
  std::string_view text(size_t column) const override {
    check_row(column);
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, static_cast<int>(column)));
    if (!p) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(st_, static_cast<int>(column)))};
  }

 private:
  void finish() {
    done_ = true;
    sqlite3_reset(st_);  // releases the statement's locks; column names stay readable
  }
  void check_column(size_t column) const {
    if (column >= columns())
      throw DbError("column " + std::to_string(column) + " out of range (" + std::to_string(columns()) + " columns)");
  }
  void check_row(size_t column) const {
    if (!row_) throw DbError("no current row: call next() first");
    check_column(column);
  }

  std::shared_ptr<Conn> c_;
  sqlite3_stmt* st_;
  bool pending_;
  bool row_ = false;
  bool done_ = false;
};

class Statement : public DbStatement {
 public:
  Statement(std::shared_ptr<Conn> c, sqlite3_stmt* st, std::string sql)
      : c_(std::move(c)), st_(st), sql_(std::move(sql)) {}
  ~Statement() override { sqlite3_finalize(st_); }

  int64_t run(const std::vector<DbValue>& params) override {
    c_->settle();
    sqlite3_reset(st_);
    bind_all(*c_, st_, params, false, sql_);  // stepped to the end before returning
    const int64_t before = sqlite3_total_changes64(c_->db);
    int rc;
    while ((rc = sqlite3_step(st_)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      const std::string m = c_->message();
      sqlite3_reset(st_);
      c_->raise(m, sql_);
    }
    // sqlite3_changes64() keeps the count of the last INSERT/UPDATE/DELETE, so a statement
    // that changed nothing at all (DDL, SELECT) must not report it.
    const int64_t n = sqlite3_total_changes64(c_->db) != before ? sqlite3_changes64(c_->db) : 0;
    sqlite3_reset(st_);
    return n;
  }

 private:
  std::shared_ptr<Conn> c_;
  sqlite3_stmt* st_;
  std::string sql_;
};

// Rows are buffered and inserted many at a time with one multi-row INSERT ... VALUES
// statement: a statement opens its table and index cursors once per step, so a step per
// row spends more time opening and closing cursors than inserting. A failed step rolls
// back only that statement (SQLite's statement journal) and dooms the transaction.
class Bulk : public DbBulk {
 public:
  Bulk(std::shared_ptr<Conn> c, const std::string& table, const std::vector<std::string>& columns)
      : c_(std::move(c)), table_(table), n_(columns.size()) {
    check_identifier(table, true);
    if (columns.empty()) throw DbError("bulk(): no columns given");
    head_ = "INSERT INTO " + table + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      check_identifier(columns[i], false);
      head_ += (i ? ", " : "") + columns[i];
    }
    head_ += ") VALUES ";
    const int limit = sqlite3_limit(c_->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    batch_ = std::max<size_t>(1, std::min<size_t>(kMaxBatch, static_cast<size_t>(limit > 0 ? limit : 999) / n_));
    // Outside a transaction the load gets its own, so it is all-or-nothing (and fast).
    if (sqlite3_get_autocommit(c_->db)) {
      c_->exec("BEGIN");
      own_ = true;
    }
    try {
      full_ = prepare_batch(batch_);  // also checks the table and columns now
    } catch (...) {
      abandon();
      throw;
    }
    offsets_.reserve(batch_ * n_);
  }
  ~Bulk() override {
    if (!finished_) abandon();
  }

  void add(const std::vector<DbField>& row) override {
    if (finished_) throw DbError("bulk load of '" + table_ + "' already finished");
    try {
      if (row.size() != n_)
        throw DbError("bulk load row has " + std::to_string(row.size()) + " fields, expected " + std::to_string(n_));
      for (const auto& f : row)
        if (f) check_text(*f, "bulk load field");
    } catch (const DbError& e) {
      fail(e.what(), rows_ + pending_ + 1, rows_ + pending_ + 1);
    }
    for (const auto& f : row) {
      if (!f) {
        offsets_.push_back({0, kNull});
      } else {
        offsets_.push_back({data_.size(), f->size()});
        data_.append(*f);
      }
    }
    if (++pending_ == batch_) flush();
  }

  void finish() override {
    if (finished_) throw DbError("bulk load of '" + table_ + "' already finished");
    if (broken_) {
      abandon();
      throw DbError("bulk load of '" + table_ + "' failed earlier");
    }
    flush();
    sqlite3_finalize(full_);
    full_ = nullptr;
    finished_ = true;
    if (own_ && sqlite3_exec(c_->db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string m = c_->message();
      if (!sqlite3_get_autocommit(c_->db)) sqlite3_exec(c_->db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw DbError("bulk load of '" + table_ + "' failed to commit, nothing was loaded: " + m);
    }
  }

 private:
  static constexpr size_t kMaxBatch = 64;
  static constexpr size_t kNull = static_cast<size_t>(-1);
  struct Span {
    size_t offset, size;
  };

  sqlite3_stmt* prepare_batch(size_t rows) {
    std::string sql = head_;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (size_t i = 0; i < n_; ++i) sql += i ? ",?" : "?";
      sql += ')';
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(c_->db, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &st,
                           nullptr) != SQLITE_OK)
      throw DbError(c_->message() + sql_context(head_));
    return st;
  }

  // Inserts the buffered rows with one step.
  void flush() {
    if (pending_ == 0) return;
    const int64_t first = rows_ + 1, last = rows_ + static_cast<int64_t>(pending_);
    sqlite3_stmt* st = full_;
    sqlite3_stmt* partial = nullptr;
    try {
      if (pending_ != batch_) st = partial = prepare_batch(pending_);
    } catch (const DbError& e) {
      fail(e.what(), first, last);
    }
    int rc = SQLITE_OK;
    for (size_t k = 0; k < offsets_.size() && rc == SQLITE_OK; ++k) {
      const int index = static_cast<int>(k) + 1;
      const Span s = offsets_[k];
      // Static: the statement is stepped and reset before the buffer changes.
      rc = s.size == kNull ? sqlite3_bind_null(st, index)
                           : sqlite3_bind_text64(st, index, data_.data() + s.offset, s.size, SQLITE_STATIC,
                                                 SQLITE_UTF8);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    const std::string m = rc == SQLITE_OK ? "" : c_->message();
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_finalize(partial);
    data_.clear();
    offsets_.clear();
    pending_ = 0;
    if (rc != SQLITE_OK) fail(m, first, last);
    rows_ = last;
  }

  [[noreturn]] void fail(const std::string& message, int64_t first, int64_t last) {
    broken_ = true;
    if (!sqlite3_get_autocommit(c_->db)) c_->failed = true;
    throw DbError(message + " (bulk load of '" + table_ + "', " +
                  (first == last ? "row " + std::to_string(first)
                                 : "rows " + std::to_string(first) + "-" + std::to_string(last)) +
                  ")");
  }

  void abandon() {
    finished_ = true;
    sqlite3_finalize(full_);
    full_ = nullptr;
    if (sqlite3_get_autocommit(c_->db)) return;
    if (own_)
      sqlite3_exec(c_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    else
      c_->failed = true;  // the caller's transaction no longer holds the whole load
  }

  std::shared_ptr<Conn> c_;
  std::string table_;
  size_t n_;
  std::string head_;
  size_t batch_ = 1;
  sqlite3_stmt* full_ = nullptr;  // inserts batch_ rows
  std::string data_;              // the buffered rows' text
  std::vector<Span> offsets_;     // one per buffered field
  size_t pending_ = 0;            // rows buffered
  bool own_ = false;
  bool finished_ = false;
  bool broken_ = false;
  int64_t rows_ = 0;              // rows inserted
};

class SqliteDb : public Db {
 public:
  explicit SqliteDb(std::shared_ptr<Conn> c) : c_(std::move(c)) {}

  std::string_view dialect() const override { return "sqlite"; }

  void exec(const std::string& sql) override {
    c_->settle();
    c_->exec(sql);
  }

  std::unique_ptr<DbRows> query(const std::string& sql, const std::vector<DbValue>& params) override {
    c_->settle();
    sqlite3_stmt* st = prepare_one(*c_, sql, false);
    try {
      bind_all(*c_, st, params, true, sql);
    } catch (...) {
      sqlite3_finalize(st);
      throw;
    }
    // Stepped once now, so a statement that returns no rows runs even if the caller never
    // calls next(), and errors surface here.
    const int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      const std::string m = c_->message();
      sqlite3_finalize(st);
      c_->raise(m, sql);
    }
    return std::make_unique<Rows>(c_, st, rc == SQLITE_ROW);
  }

  std::unique_ptr<DbStatement> prepare(const std::string& sql) override {
    c_->settle();
    return std::make_unique<Statement>(c_, prepare_one(*c_, sql, true), sql);
  }

  void begin_exclusive(int timeout_ms) override {
    c_->settle();
    if (!sqlite3_get_autocommit(c_->db)) throw DbError("begin_exclusive(): a transaction is already open");
    // BEGIN IMMEDIATE takes the write lock now, waiting for another writer through the
    // busy handler (readers do not block it in WAL mode).
    sqlite3_busy_timeout(c_->db, timeout_ms > 0 ? timeout_ms : 0);
    const int rc = sqlite3_exec(c_->db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    const std::string m = c_->message();
    sqlite3_busy_timeout(c_->db, kSqliteBusyTimeoutMs);
    if ((rc & 0xff) == SQLITE_BUSY)
      throw DbError("timed out after " + std::to_string(timeout_ms) +
                    " ms waiting for another writer to finish (database is locked)");
    if (rc != SQLITE_OK) throw DbError(m);
    c_->failed = false;
  }

  void commit() override {
    c_->settle();
    if (sqlite3_get_autocommit(c_->db)) throw DbError("commit(): no transaction is open");
    if (c_->failed) {
      sqlite3_exec(c_->db, "ROLLBACK", nullptr, nullptr, nullptr);
      c_->failed = false;
      throw DbError("commit(): the transaction was rolled back because a statement in it failed");
    }
    if (sqlite3_exec(c_->db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string m = c_->message();
      if (!sqlite3_get_autocommit(c_->db)) sqlite3_exec(c_->db, "ROLLBACK", nullptr, nullptr, nullptr);
      c_->failed = false;
      throw DbError("commit failed, transaction rolled back: " + m);
    }
  }

  void rollback() override {
    c_->failed = false;
    if (sqlite3_get_autocommit(c_->db)) return;
    if (sqlite3_exec(c_->db, "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw DbError("rollback failed: " + c_->message());
  }

  std::unique_ptr<DbBulk> bulk(const std::string& table, const std::vector<std::string>& columns) override {
    c_->settle();
    return std::make_unique<Bulk>(c_, table, columns);
  }

 private:
  std::shared_ptr<Conn> c_;
};

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::string& path) {
  check_text(path, "SQLite path");
  // PATH is always a file name: Debian's SQLite would read "file:..." as a URI.
  const std::string file = path.starts_with("file:") ? "./" + path : path;
  // Memory statistics make every SQLite allocation take a global mutex; nothing reads them.
  // (Only possible before SQLite initialises, so done once, before the first open.)
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto c = std::make_shared<Conn>();
  const int rc = sqlite3_open_v2(file.c_str(), &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string m = c->db ? c->message() : "out of memory";
    throw DbError("cannot open SQLite database '" + path + "': " + m);
  }
  sqlite3_busy_timeout(c->db, kSqliteBusyTimeoutMs);
  try {
    // A 128 MiB page cache (allocated only as used) keeps the B-trees of a large import in
    // memory instead of re-reading pages for every row. A new database gets 16 KiB pages
    // (the page size of an existing one cannot change): a national import writes a fifth
    // fewer pages and B-tree splits than with the default 4 KiB (bench/README.md).
    c->exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-131072");
  } catch (const DbError& e) {
    throw DbError("cannot open SQLite database '" + path + "': " + e.what());
  }
  return std::make_unique<SqliteDb>(std::move(c));
}

}  // namespace pathways::db_detail
