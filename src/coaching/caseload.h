// Engagement coaches' caseloads (formats.md coaching/caseload.csv): which young people each
// coach works with, from when to when, and why they left the caseload.
//
// Identity of an episode: (person_id, coach_id, joined_date). Loading the same file again
// changes nothing; a changed episode (a left_date or reason recorded later) replaces the
// stored one's end and reason. The whole file is checked before anything is written; one
// bad row stores nothing.
#pragma once

#include <cstdint>
#include <string>

#include "engine/dataset.h"
#include "io/folder.h"
#include "store/db.h"

namespace pathways {

struct CaseloadImport {
  int64_t added = 0, changed = 0, unchanged = 0;
};

// Reads `path` (its problems go to `report`, named `display_name`), checking each person
// exists in `people`. On success writes the episodes in one transaction under the
// writers' lock. Returns nullopt, writing nothing, when the file has errors.
std::optional<CaseloadImport> import_caseload(Db& db, const std::string& path, const std::string& display_name,
                                              const Dataset& people, const std::string& imported_by, LoadReport& report);

}  // namespace pathways
