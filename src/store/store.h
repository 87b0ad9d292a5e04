// The store: the system of record in SQLite or PostgreSQL.
//
// Schema changes are numbered migrations applied in order (schema.cc). Every person,
// activity and indicator row is kept as a series of versions: an import that changes a
// row adds a version (with the import batch: who, when, from where) and moves the row's
// current-version pointer; no version is ever updated or deleted.
//
// Identity: a person by person_id; an activity by (person, activity_code, start_date);
// an indicator row by (person, academic_year).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "io/folder.h"
#include "store/db.h"

namespace pathways {

// Applies any migrations not yet applied. Safe to call on every start.
void migrate(Db& db);
// Now in UTC as "YYYY-MM-DDTHH:MM:SSZ", the form every stored timestamp takes.
std::string store_timestamp();

// The highest applied migration, 0 for an empty database.
int64_t schema_version(Db& db);
// The number of the newest migration this build knows.
int64_t latest_schema_version();

struct ImportSummary {
  int64_t batch_id = 0;  // 0 when nothing changed (no batch is recorded)
  int64_t people_added = 0, people_changed = 0, people_unchanged = 0;
  int64_t activities_added = 0, activities_changed = 0, activities_unchanged = 0;
  int64_t indicators_added = 0, indicators_changed = 0, indicators_unchanged = 0;
  bool changed() const {
    return people_added + people_changed + activities_added + activities_changed + indicators_added +
               indicators_changed > 0;
  }
};

// Writes a validated dataset into the store in one transaction, holding the writers'
// lock so concurrent imports run one after the other. New rows are added, changed rows
// get a new version, unchanged rows are left alone; importing the same data twice
// changes nothing. Either all of it is stored or none (any failure rolls back).
ImportSummary import_dataset(Db& db, const Dataset& ds, const Rules& rules, const std::string& source,
                             const std::string& imported_by);

// The same inside a transaction the caller opened with begin_exclusive() (and commits or
// rolls back): for writers that store a dataset together with other rows all or nothing.
// Reads the stored state through `db`, so it sees what the transaction wrote before.
ImportSummary import_dataset_locked(Db& db, const Dataset& ds, const Rules& rules, const std::string& source,
                                    const std::string& imported_by);

// Imports a canonical folder inside a transaction the caller opened with begin_exclusive(),
// streaming its large files: `people` holds people.csv, already read and checked with
// load_people() (the one file held whole); activities.csv and indicators.csv are read,
// checked and written `chunk_rows` rows at a time, so memory does not grow with their
// length (beyond the 16 bytes per row their duplicate checks keep, and the keys of rows
// already stored that an incremental import compares with). Problems go to `report`;
// after a problem nothing more is written, the rest of that file is still checked, and
// indicators.csv is not read once activities.csv has errors (as load_folder()).
// When `report` is not ok afterwards the caller must roll back. Stores the rows
// import_dataset_locked() stores for load_folder(dir) (activities are numbered in file
// order rather than grouped by person; load_store() reads them back in the same order).
ImportSummary import_folder_locked(Db& db, const std::string& dir, Dataset& people, const Rules& rules,
                                   LoadReport& report, const std::string& source, const std::string& imported_by,
                                   size_t chunk_rows = 65536);

// The SQL condition that picks which version of a versioned row to read: with
// `as_recorded` false, `{version_alias}.version = {owner_alias}.current_version`; with it,
// the newest version recorded by an import batch at or before the store timestamp bound as
// $1 (a row none of whose versions is that old then has no version to join). `versions` is
// the versions table, `seq` the sequence column shared by owner and versions.
std::string version_condition(const std::string& version_alias, const std::string& owner_alias,
                              const std::string& versions, const std::string& seq, bool as_recorded);

// Reads the current version of everything in the store into a Dataset, through the same
// validation as files. Order is the order rows were first stored, so reports from the
// store equal reports from the folder that was imported. All reads come from one
// snapshot (a read transaction of its own, unless `own_snapshot` is false because the
// caller already holds one).
Dataset load_store(Db& db, const Rules& rules, LoadReport& report, const LoadOptions& options = {},
                   bool own_snapshot = true);

// For every person whose current cohort status is a leaver status (not P or G): the date
// the store first recorded that status (the import of the first version of the latest
// unbroken run of versions with it), keyed by person_id. The monthly return reports a
// leaver once, in that month. Given `recorded_by` (a store timestamp), the same as the store
// held it then (LoadOptions::recorded_by).
std::unordered_map<std::string, Date> leaver_recorded_dates(Db& db, const std::string& recorded_by = "");

// The canonical text of each column of a stored row (formats.md column names and value
// spellings), used for storage, comparison and export.
std::vector<std::string> person_fields(const Dataset& ds, const Rules& rules, uint32_t p);
std::vector<std::string> activity_fields(const Dataset& ds, const Rules& rules, uint32_t a);
std::vector<std::string> indicator_fields(const Dataset& ds, uint32_t i);
const std::vector<std::string>& person_columns();     // matches person_fields(), without person_id
const std::vector<std::string>& activity_columns();   // end_date ... source
const std::vector<std::string>& indicator_columns();  // year_group ... attainment_band

}  // namespace pathways
