// Private to src/store/db*.cc: the two backends behind open_db() and the helpers they share.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace pathways::db_detail {

// PATH as given after "sqlite:" (created if missing).
std::unique_ptr<Db> open_sqlite(const std::string& path);
// A full "postgresql://..." or "postgres://..." URL.
std::unique_ptr<Db> open_postgres(const std::string& url);

// The writers' lock of begin_exclusive() on PostgreSQL: one fixed advisory-lock key for
// every Pathways process ("pathways" in ASCII, as a signed 64-bit integer).
inline constexpr int64_t kImportLockKey = 0x7061746877617973;

// The busy timeout for ordinary SQLite statements (begin_exclusive() sets its own).
inline constexpr int kSqliteBusyTimeoutMs = 60000;

// Throws DbError when a text value contains a NUL byte: PostgreSQL text cannot hold one,
// so both backends refuse it rather than truncate silently.
void check_text(std::string_view value, const char* what);

// Throws DbError unless `name` is a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*), or for a
// table optionally "schema.table". Names in bulk() are written into SQL, so only these are
// allowed (unquoted, so they fold to lower case on PostgreSQL as in hand-written SQL).
void check_identifier(std::string_view name, bool allow_schema);

// "  [SQL: first 200 characters, whitespace collapsed]" for error messages. Values are
// always bound parameters, so SQL text never carries personal data.
std::string sql_context(std::string_view sql);

// Removes trailing whitespace (database messages end in a newline).
std::string trim_message(std::string_view message);

}  // namespace pathways::db_detail
