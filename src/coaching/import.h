// Importing a folder's coaching/ records into the store, for callers that cannot include
// coaching/records.h (its Session clashes with auth/accounts.h's). The rest is in
// coaching/store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/dataset.h"
#include "io/folder.h"
#include "store/db.h"

namespace pathways {

struct CoachingTableImport {
  int64_t added = 0, changed = 0, unchanged = 0;
};

struct CoachingImportSummary {
  CoachingTableImport caseload, sessions, assessments, contacts, referrals;
  CoachingTableImport notes, plans, plan_steps;  // coaching/notes.csv, action_plans.csv (plans, their steps)
  bool changed() const {
    for (const auto* t : {&caseload, &sessions, &assessments, &contacts, &referrals, &notes, &plans, &plan_steps})
      if (t->added + t->changed > 0) return true;
    return false;
  }
};

// Reads DIR/coaching/ (coaching/records.h load_coaching, problems to `report`) and, when it
// has no errors, imports it with import_coaching(); nullopt, storing nothing, otherwise.
std::optional<CoachingImportSummary> import_coaching_folder(Db& db, const std::string& dir, const Dataset& people,
                                                            const std::string& imported_by, LoadReport& report);

}  // namespace pathways
