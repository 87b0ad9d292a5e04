// The PostgreSQL backend (libpq C API).
//
// - Parameters go out-of-line (PQexecParams / PQprepare + PQexecPrepared, text format);
//   the server infers their types from context.
// - Queries run in single-row mode: rows arrive one at a time, so reading a national-scale
//   table keeps memory bounded. A connection carries one result stream at a time, so when
//   another statement is issued on the Db while a query's rows are still arriving, the
//   rest of them are first read into that query's DbRows (it stays usable). Destroying a
//   DbRows before its last row reads and discards the remainder (cancelling would abort
//   the surrounding transaction).
// - bulk() is COPY ... FROM STDIN in text format, sent in ~1 MiB chunks. While it is open
//   the connection can do nothing else: other calls on the Db throw until finish(), except
//   rollback(), which abandons the load.
// - begin_exclusive() is BEGIN plus a transaction-scoped advisory lock on one fixed key,
//   waited for under SET LOCAL lock_timeout (which then stays in force for the
//   transaction, so its other lock waits are bounded too).
#include <libpq-fe.h>

#include <deque>
#include <string>

#include "store/db_backends.h"

namespace pathways::db_detail {
namespace {

struct ClearResult {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

class Rows;
class Bulk;

// The connection, shared by the Db and the rows, statements and bulk loads it hands out.
struct Conn {
  PGconn* pg = nullptr;
  Rows* streaming = nullptr;  // the query whose rows are still arriving
  Bulk* copying = nullptr;    // the open COPY
  int64_t statements = 0;     // names prepared statements
  std::vector<std::string> to_deallocate;

  ~Conn() { PQfinish(pg); }

  std::string message() const {
    std::string m = trim_message(PQerrorMessage(pg));
    return m.empty() ? "unknown PostgreSQL error" : m;
  }
  std::string message(const PGresult* r) const {
    std::string m = r ? trim_message(PQresultErrorMessage(r)) : "";
    return m.empty() ? message() : m;
  }

  // Makes the connection free for a new command (defined after Rows and Bulk).
  void settle();
};

// Reads and drops whatever the server still sends for the current command.
void drain(PGconn* pg) {
  while (PGresult* r = PQgetResult(pg)) {
    const ExecStatusType s = PQresultStatus(r);
    PQclear(r);
    if (s == PGRES_COPY_IN) {
      PQputCopyEnd(pg, "not expected here");
    } else if (s == PGRES_COPY_OUT) {
      char* buf = nullptr;
      while (PQgetCopyData(pg, &buf, 0) > 0) PQfreemem(buf);
    } else if (s == PGRES_COPY_BOTH) {
      break;  // never started by this code
    }
  }
}

bool is_error(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR || s == PGRES_FATAL_ERROR;
}

std::string sqlstate(const PGresult* r) {
  const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

// Runs a command without parameters (possibly several statements); throws on failure.
Result exec_command(Conn& c, const std::string& sql) {
  Result r(PQexec(c.pg, sql.c_str()));
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY) return r;
  if (s == PGRES_COPY_IN || s == PGRES_COPY_OUT) {
    if (s == PGRES_COPY_IN) PQputCopyEnd(c.pg, "use bulk() to load data");
    drain(c.pg);
    throw DbError("COPY cannot be run through exec(); use bulk()" + sql_context(sql));
  }
  throw DbError(c.message(r.get()) + sql_context(sql));
}

// Parameter values as C strings (text format: the server parses them by type).
std::vector<const char*> param_values(const std::vector<DbValue>& params) {
  std::vector<const char*> v;
  v.reserve(params.size());
  for (const auto& p : params) {
    if (p) check_text(*p, "parameter value");
    v.push_back(p ? p->c_str() : nullptr);
  }
  return v;
}

class Rows : public DbRows {
 public:
  Rows(std::shared_ptr<Conn> c, std::string sql) : c_(std::move(c)), sql_(std::move(sql)) {
    streaming_ = true;
    c_->streaming = this;
  }
  ~Rows() override {
    if (streaming_) {
      drain(c_->pg);
      stop_streaming();
    }
  }

  // Reads up to the first row (or the end), so statements without rows complete and
  // errors surface in query().
  void prime() { pending_ = advance(); }

  bool next() override {
    if (pending_) {
      pending_ = false;
      row_ = true;
      return true;
    }
    row_ = false;
    row_ = advance();
    return row_;
  }
  size_t columns() const override { return meta_ ? static_cast<size_t>(PQnfields(meta_.get())) : 0; }
  std::string_view name(size_t column) const override {
    check_column(column);
    return PQfname(meta_.get(), static_cast<int>(column));
  }
  bool is_null(size_t column) const override {
    check_row(column);
    return PQgetisnull(cur_.get(), index_, static_cast<int>(column));
  }
  std::string_view text(size_t column) const override {
    check_row(column);
    const int col = static_cast<int>(column);
    return {PQgetvalue(cur_.get(), index_, col), static_cast<size_t>(PQgetlength(cur_.get(), index_, col))};
  }

  // Reads the rest of the stream into memory, freeing the connection.
  void buffer_rest() {
    while (streaming_) {
      Result r(PQgetResult(c_->pg));
      if (!r) {
        stop_streaming();
        break;
      }
      queued_.push_back(std::move(r));
    }
  }

 private:
  void stop_streaming() {
    streaming_ = false;
    if (c_->streaming == this) c_->streaming = nullptr;
  }

  Result fetch() {
    if (!queued_.empty()) {
      Result r = std::move(queued_.front());
      queued_.pop_front();
      return r;
    }
    if (!streaming_) return nullptr;
    Result r(PQgetResult(c_->pg));
    if (!r) stop_streaming();
    return r;
  }

  // Moves to the next row, fetching results as needed; false at the end.
  bool advance() {
    if (cur_ && index_ + 1 < PQntuples(cur_.get())) {
      ++index_;
      return true;
    }
    cur_.reset();
    index_ = 0;
    while (!done_) {
      Result r = fetch();
      if (!r) {
        done_ = true;
        break;
      }
      const ExecStatusType s = PQresultStatus(r.get());
      if (s == PGRES_SINGLE_TUPLE || s == PGRES_TUPLES_OK) {
        if (!meta_) meta_.reset(PQcopyResult(r.get(), PG_COPYRES_ATTRS));
        if (PQntuples(r.get()) > 0) {
          cur_ = std::move(r);
          return true;
        }
      } else if (s != PGRES_COMMAND_OK) {
        const std::string m = s == PGRES_EMPTY_QUERY ? "empty statement" : c_->message(r.get());
        r.reset();
        if (streaming_) {
          drain(c_->pg);
          stop_streaming();
        }
        queued_.clear();
        done_ = true;
        throw DbError(m + sql_context(sql_));
      }
    }
    return false;
  }

  void check_column(size_t column) const {
    if (column >= columns())
      throw DbError("column " + std::to_string(column) + " out of range (" + std::to_string(columns()) + " columns)");
  }
  void check_row(size_t column) const {
    if (!row_ || !cur_) throw DbError("no current row: call next() first");
    check_column(column);
  }

  std::shared_ptr<Conn> c_;
  std::string sql_;
  Result meta_;  // column names and types only
  Result cur_;   // holds the current row
  int index_ = 0;
  std::deque<Result> queued_;
  bool streaming_ = false;
  bool pending_ = false;
  bool row_ = false;
  bool done_ = false;
};

class Statement : public DbStatement {
 public:
  Statement(std::shared_ptr<Conn> c, std::string sql) : c_(std::move(c)), sql_(std::move(sql)) {
    c_->settle();
    name_ = "pathways_stmt_" + std::to_string(++c_->statements);
    Result r(PQprepare(c_->pg, name_.c_str(), sql_.c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw DbError(c_->message(r.get()) + sql_context(sql_));
  }
  ~Statement() override {
    // A prepared statement lives for the session: drop it now if the connection can take
    // a command, or queue it for the next moment it can.
    c_->to_deallocate.push_back(name_);
    try {
      c_->settle();
    } catch (...) {
    }
  }

  int64_t run(const std::vector<DbValue>& params) override {
    c_->settle();
    const auto values = param_values(params);
    Result r(PQexecPrepared(c_->pg, name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                            0));
    const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) throw DbError(c_->message(r.get()) + sql_context(sql_));
    const char* n = PQcmdTuples(r.get());
    return n && *n ? std::stoll(n) : 0;
  }

 private:
  std::shared_ptr<Conn> c_;
  std::string sql_;
  std::string name_;
};

// COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N.
void append_copy_text(std::string& out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (!esc) continue;
    out.append(s.substr(start, i - start));
    out.append(esc);
    start = i + 1;
  }
  out.append(s.substr(start));
}

class Bulk : public DbBulk {
 public:
  static constexpr size_t kChunk = 1 << 20;

  Bulk(std::shared_ptr<Conn> c, const std::string& table, const std::vector<std::string>& columns)
      : c_(std::move(c)), table_(table), n_(columns.size()) {
    check_identifier(table, true);
    if (columns.empty()) throw DbError("bulk(): no columns given");
    std::string sql = "COPY " + table + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      check_identifier(columns[i], false);
      sql += (i ? ", " : "") + columns[i];
    }
    sql += ") FROM STDIN";
    c_->settle();
    Result r(PQexec(c_->pg, sql.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) {
      const std::string m = c_->message(r.get());
      r.reset();
      drain(c_->pg);
      throw DbError(m + sql_context(sql));
    }
    c_->copying = this;
    buffer_.reserve(kChunk + 64 * 1024);
  }
  ~Bulk() override {
    if (!finished_) abort("bulk load abandoned before finish()");
  }

  void add(const std::vector<DbField>& row) override {
    if (finished_) throw DbError("bulk load of '" + table_ + "' already finished");
    try {
      if (row.size() != n_)
        throw DbError("bulk load row has " + std::to_string(row.size()) + " fields, expected " + std::to_string(n_));
      for (const auto& f : row)
        if (f) check_text(*f, "bulk load field");
    } catch (const DbError& e) {
      broken_ = true;
      throw DbError(std::string(e.what()) + " (bulk load of '" + table_ + "', row " + std::to_string(rows_ + 1) + ")");
    }
    for (size_t i = 0; i < n_; ++i) {
      if (i) buffer_ += '\t';
      if (row[i])
        append_copy_text(buffer_, *row[i]);
      else
        buffer_ += "\\N";
    }
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= kChunk) flush();
  }

  void finish() override {
    if (finished_) throw DbError("bulk load of '" + table_ + "' already finished");
    if (broken_) {
      abort("bulk load failed earlier");
      throw DbError("bulk load of '" + table_ + "' failed earlier");
    }
    flush();
    finished_ = true;
    c_->copying = nullptr;
    const bool sent = PQputCopyEnd(c_->pg, nullptr) == 1;
    Result r(PQgetResult(c_->pg));
    const bool ok = sent && r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
    const std::string m = ok ? "" : c_->message(r.get());
    r.reset();
    drain(c_->pg);
    if (!ok) throw DbError("bulk load of '" + table_ + "' failed: " + m);
  }

  // Ends the COPY with an error, so nothing of it is kept (and an enclosing transaction
  // is aborted, as any failed statement aborts it).
  void abort(const char* why) {
    if (finished_) return;
    finished_ = true;
    c_->copying = nullptr;
    PQputCopyEnd(c_->pg, why);
    drain(c_->pg);
  }

 private:
  void flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(c_->pg, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      // The server may have ended the COPY with an error: report that one.
      broken_ = true;
      finished_ = true;
      c_->copying = nullptr;
      std::string m = c_->message();
      PQputCopyEnd(c_->pg, "send failed");
      if (Result r{PQgetResult(c_->pg)}; r && is_error(r.get())) m = c_->message(r.get());
      drain(c_->pg);
      throw DbError("bulk load of '" + table_ + "' failed: " + m);
    }
    buffer_.clear();
  }

  std::shared_ptr<Conn> c_;
  std::string table_;
  size_t n_;
  std::string buffer_;
  int64_t rows_ = 0;
  bool finished_ = false;
  bool broken_ = false;
};

void Conn::settle() {
  if (copying) throw DbError("a bulk load is in progress on this connection: finish() it first");
  if (streaming) streaming->buffer_rest();
  if (!to_deallocate.empty() && PQtransactionStatus(pg) != PQTRANS_INERROR) {
    std::string sql;
    for (const auto& n : to_deallocate) sql += "DEALLOCATE " + n + ";";
    to_deallocate.clear();
    PQclear(PQexec(pg, sql.c_str()));
  }
}

class PostgresDb : public Db {
 public:
  explicit PostgresDb(std::shared_ptr<Conn> c) : c_(std::move(c)) {}
  ~PostgresDb() override {
    if (c_->copying) c_->copying->abort("connection closed");
  }

  std::string_view dialect() const override { return "postgresql"; }

  void exec(const std::string& sql) override {
    c_->settle();
    exec_command(*c_, sql);
  }

  std::unique_ptr<DbRows> query(const std::string& sql, const std::vector<DbValue>& params) override {
    c_->settle();
    const auto values = param_values(params);
    if (!PQsendQueryParams(c_->pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, 0))
      throw DbError(c_->message() + sql_context(sql));
    PQsetSingleRowMode(c_->pg);  // if refused, results simply arrive whole
    auto rows = std::make_unique<Rows>(c_, sql);
    rows->prime();
    return rows;
  }

  std::unique_ptr<DbStatement> prepare(const std::string& sql) override {
    return std::make_unique<Statement>(c_, sql);
  }

  void begin_exclusive(int timeout_ms) override {
    c_->settle();
    if (PQtransactionStatus(c_->pg) != PQTRANS_IDLE) throw DbError("begin_exclusive(): a transaction is already open");
    const std::string key = std::to_string(kImportLockKey);
    // One round trip. timeout_ms <= 0: do not wait at all.
    const std::string sql =
        timeout_ms > 0 ? "BEGIN; SET LOCAL lock_timeout = " + std::to_string(timeout_ms) +
                             "; SELECT pg_advisory_xact_lock(" + key + ")"
                       : "BEGIN; SELECT pg_try_advisory_xact_lock(" + key + ")";
    Result r(PQexec(c_->pg, sql.c_str()));
    const bool ok = r && PQresultStatus(r.get()) == PGRES_TUPLES_OK &&
                    (timeout_ms > 0 || std::string_view(PQgetvalue(r.get(), 0, 0)) == "t");
    if (ok) return;
    const bool timed_out = !is_error(r.get()) || sqlstate(r.get()) == "55P03";  // lock_not_available
    const std::string m = c_->message(r.get());
    r.reset();
    if (PQtransactionStatus(c_->pg) != PQTRANS_IDLE) PQclear(PQexec(c_->pg, "ROLLBACK"));
    if (timed_out)
      throw DbError("timed out after " + std::to_string(timeout_ms) +
                    " ms waiting for another writer to finish (pathways import lock)");
    throw DbError("begin_exclusive(): " + m);
  }

  void commit() override {
    c_->settle();
    if (PQtransactionStatus(c_->pg) == PQTRANS_IDLE) throw DbError("commit(): no transaction is open");
    Result r(PQexec(c_->pg, "COMMIT"));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw DbError("commit failed: " + c_->message(r.get()));
    // COMMIT of a transaction aborted by an earlier error "succeeds" as a ROLLBACK.
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
      throw DbError("commit(): the transaction was rolled back because a statement in it failed");
  }

  void rollback() override {
    if (c_->copying) c_->copying->abort("rolled back");
    c_->settle();
    if (PQtransactionStatus(c_->pg) == PQTRANS_IDLE) return;
    Result r(PQexec(c_->pg, "ROLLBACK"));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw DbError("rollback failed: " + c_->message(r.get()));
  }

  std::unique_ptr<DbBulk> bulk(const std::string& table, const std::vector<std::string>& columns) override {
    return std::make_unique<Bulk>(c_, table, columns);
  }

 private:
  std::shared_ptr<Conn> c_;
};

// Every form the URL's password can take, to scrub from libpq's messages (some of which
// quote the whole URL).
std::vector<std::string> secrets(const std::string& url) {
  std::vector<std::string> out;
  if (const size_t scheme = url.find("://"); scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = std::min(url.find_first_of("?#", start), url.size());
    const size_t at = end > start ? url.rfind('@', end - 1) : std::string::npos;
    if (at != std::string::npos && at >= start) {
      const size_t colon = url.find(':', start);
      if (colon < at && at > colon + 1) out.push_back(url.substr(colon + 1, at - colon - 1));
    }
  }
  if (PQconninfoOption* opts = PQconninfoParse(url.c_str(), nullptr)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o)
      if (o->val && *o->val && std::string_view(o->keyword).ends_with("password")) out.emplace_back(o->val);
    PQconninfoFree(opts);
  }
  return out;
}

std::string scrub(std::string message, const std::string& url) {
  auto replace_all = [&](const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (size_t p = message.find(from); p != std::string::npos; p = message.find(from, p + to.size()))
      message.replace(p, from.size(), to);
  };
  replace_all(url, redact_url(url));
  for (const auto& s : secrets(url)) replace_all(s, "***");
  return message;
}

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url) {
  check_text(url, "database URL");
  // Keywords before "dbname" are defaults the URL may override; those after it win.
  const char* keys[] = {"connect_timeout", "dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* values[] = {"10", url.c_str(), "pathways", "UTF8", nullptr};
  auto c = std::make_shared<Conn>();
  c->pg = PQconnectdbParams(keys, values, 1);
  if (!c->pg) throw DbError("cannot connect to " + redact_url(url) + ": out of memory");
  if (PQstatus(c->pg) != CONNECTION_OK)
    throw DbError("cannot connect to " + redact_url(url) + ": " + scrub(c->message(), url));
  try {
    exec_command(*c, "SET client_min_messages = warning");
  } catch (const DbError& e) {
    throw DbError("cannot connect to " + redact_url(url) + ": " + scrub(e.what(), url));
  }
  return std::make_unique<PostgresDb>(std::move(c));
}

}  // namespace pathways::db_detail
