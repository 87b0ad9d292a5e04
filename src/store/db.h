// A small database layer over SQLite and PostgreSQL, so the store's SQL runs unchanged on
// both. Statements are written with PostgreSQL-style numbered parameters ($1, $2, ...),
// always bound, never spliced into SQL text. Values travel as text or NULL (dates as
// 'YYYY-MM-DD', numbers in decimal), which both databases accept for every column type
// the schema uses (TEXT, INTEGER/BIGINT).
//
// A Db is used by one thread at a time. Errors throw DbError with the database's message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pathways {

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter value: text, or NULL when empty optional.
using DbValue = std::optional<std::string>;

// Rows of a query, read one at a time.
class DbRows {
 public:
  virtual ~DbRows() = default;
  virtual bool next() = 0;                             // false after the last row
  virtual size_t columns() const = 0;
  virtual std::string_view name(size_t column) const = 0;
  virtual bool is_null(size_t column) const = 0;
  virtual std::string_view text(size_t column) const = 0;  // "" for NULL; valid until next()
  int64_t integer(size_t column) const;                // parses text(); 0 for NULL
};

// A statement prepared once and run many times with different parameters.
class DbStatement {
 public:
  virtual ~DbStatement() = default;
  // Runs a statement that returns no rows; returns the number of rows affected.
  virtual int64_t run(const std::vector<DbValue>& params) = 0;
};

// A value for bulk loading: text (viewed, copied by the call) or NULL.
using DbField = std::optional<std::string_view>;

class DbBulk {
 public:
  virtual ~DbBulk() = default;
  // One row: exactly as many fields as columns. Any text is allowed (tabs, newlines,
  // backslashes, quotes, invalid UTF-8 is the caller's to reject beforehand).
  virtual void add(const std::vector<DbField>& row) = 0;
  // Ends the stream; rows are visible to later statements of the transaction.
  virtual void finish() = 0;
};

class Db {
 public:
  virtual ~Db() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view dialect() const = 0;

  // Runs one or more statements without parameters (schema changes, BEGIN, ...).
  virtual void exec(const std::string& sql) = 0;
  // Runs one statement with parameters; returns the rows it produces (possibly none).
  virtual std::unique_ptr<DbRows> query(const std::string& sql, const std::vector<DbValue>& params = {}) = 0;
  virtual std::unique_ptr<DbStatement> prepare(const std::string& sql) = 0;

  // Transactions. begin_exclusive() takes a lock that serialises writers: a second
  // process calling it waits (up to `timeout_ms`) until the first commits or rolls back.
  virtual void begin_exclusive(int timeout_ms = 600000) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // Streams rows into a table inside the current transaction, the fastest way the
  // database offers (PostgreSQL COPY FROM STDIN; SQLite a reused prepared INSERT).
  virtual std::unique_ptr<DbBulk> bulk(const std::string& table, const std::vector<std::string>& columns) = 0;
};

// Opens "sqlite:PATH" (created if missing) or "postgresql://..." / "postgres://...".
// Throws DbError for an unknown scheme or a failed connection (the message never
// includes a password).
std::unique_ptr<Db> open_db(const std::string& url);

// The URL with any password replaced by "***", for messages and logs.
std::string redact_url(const std::string& url);

}  // namespace pathways
