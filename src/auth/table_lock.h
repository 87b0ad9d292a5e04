// Short write transactions for the accounts and audit tables, private to src/auth.
#pragma once

#include <string_view>

#include "store/db.h"

namespace pathways::auth_detail {

// Begins a transaction in which this connection is the only writer of `table` (a plain
// identifier), so "MAX(id) + 1" allocates ids safely across threads and processes, without
// the import lock of begin_exclusive() on PostgreSQL (an import holds that for minutes):
//   SQLite      BEGIN IMMEDIATE: the database's single writer lock (an import running on
//               SQLite therefore delays these writes until it commits, up to `timeout_ms`);
//   PostgreSQL  BEGIN and LOCK TABLE ... IN EXCLUSIVE MODE (reads carry on), waited for
//               under SET LOCAL lock_timeout.
// Throws DbError when the lock is not had within `timeout_ms`; no transaction is then open.
void begin_table_write(Db& db, std::string_view table, int timeout_ms = 60000);

// Rolls back whatever transaction is open, ignoring failures (for catch blocks).
void rollback_quietly(Db& db) noexcept;

}  // namespace pathways::auth_detail
