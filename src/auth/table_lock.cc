#include "auth/table_lock.h"

#include <string>

namespace pathways::auth_detail {

void begin_table_write(Db& db, std::string_view table, int timeout_ms) {
  if (db.dialect() != "postgresql") {
    db.begin_exclusive(timeout_ms);
    return;
  }
  for (char c : table)
    if (!((c >= 'a' && c <= 'z') || c == '_')) throw DbError("begin_table_write(): not a table name");
  try {
    db.exec("BEGIN; SET LOCAL lock_timeout = " + std::to_string(timeout_ms > 0 ? timeout_ms : 1) + "; LOCK TABLE " +
            std::string(table) + " IN EXCLUSIVE MODE");
  } catch (...) {
    rollback_quietly(db);
    throw;
  }
}

void rollback_quietly(Db& db) noexcept {
  try {
    db.rollback();
  } catch (...) {
  }
}

}  // namespace pathways::auth_detail
