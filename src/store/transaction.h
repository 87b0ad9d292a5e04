// One short write transaction under the writers' lock, for the store's small writers
// (registers, moderation, scores, notes): migrate, begin_exclusive(), run, commit; on any
// exception roll back (ignoring a failed rollback) and rethrow, so nothing is half-written.
#pragma once

#include "store/db.h"
#include "store/store.h"

namespace pathways {

template <typename F>
auto write_transaction(Db& db, F&& body) {
  migrate(db);
  db.begin_exclusive();
  try {
    auto result = body();
    db.commit();
    return result;
  } catch (...) {
    try {
      db.rollback();
    } catch (...) {
    }
    throw;
  }
}

}  // namespace pathways
