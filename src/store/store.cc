#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "io/csv.h"

namespace pathways {


namespace {

// FNV-1a over the fields with a separator that cannot occur in validated text.
uint64_t hash_fields(const std::vector<std::string>& fields) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& f : fields) {
    for (unsigned char c : f) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0x1F) * 1099511628211ull;
  }
  return h;
}

std::string hex(uint64_t h) { return fmt::format("{:016x}", h); }

DbField field(const std::string& s) { return s.empty() ? DbField{} : DbField{s}; }

// Rows of a query presented as records: the header first, then the rows (NULL = "").
// The query runs on the first next(), so several sources can be handed to the loader
// while only one result is open on the connection at a time.
class DbRowsSource : public RecordSource {
 public:
  DbRowsSource(std::string name, Db& db, std::string sql, std::vector<DbValue> params = {})
      : RecordSource(std::move(name)), db_(db), sql_(std::move(sql)), params_(std::move(params)) {}
  bool next() override {
    fields_.clear();
    if (!rows_) rows_ = db_.query(sql_, params_);
    if (!header_done_) {
      header_done_ = true;
      for (size_t i = 0; i < rows_->columns(); ++i) fields_.push_back(rows_->name(i));
      line_ = 1;
      return true;
    }
    if (!rows_->next()) return false;
    for (size_t i = 0; i < rows_->columns(); ++i) fields_.push_back(rows_->text(i));
    ++line_;
    return true;
  }

 private:
  Db& db_;
  std::string sql_;
  std::vector<DbValue> params_;
  std::unique_ptr<DbRows> rows_;
  bool header_done_ = false;
};

struct Existing {
  int64_t seq;
  int64_t version;
  uint64_t hash;
};

uint64_t parse_hash(std::string_view s) {
  uint64_t h = 0;
  for (char c : s) h = (h << 4) | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  return h;
}

// The tables an import writes.
constexpr const char* kImportTables[] = {"people",         "person_versions",   "activities",
                                         "activity_versions", "indicator_rows", "indicator_versions"};

// A first load into an empty PostgreSQL store: the import tables' foreign keys, the
// primary and unique keys nothing else references and their plain indexes are dropped
// inside the import's transaction and built again, from the loaded rows, before it commits. An
// index built once from sorted rows costs a fraction of one maintained row by row, and a
// foreign key added to a full table is checked by one join instead of a trigger per row.
// All of it is transactional DDL: a failure or a kill rolls back to the schema as it was,
// and the commit holds every constraint (re-adding one validates every row).
// Dropping a constraint locks the tables until the commit, so readers of the (empty) store
// wait for the first load instead of seeing it empty; later imports, which find rows
// stored, never do this. (SQLite gains nothing from it: its keys arrive in order, its
// constraint indexes cannot be dropped, and it checks a foreign key with one cheap lookup
// in a page it has cached, not with a trigger.)
class IndexWindow {
 public:
  explicit IndexWindow(Db& db) : db_(db) {
    {
      std::string regclasses;
      for (const char* t : kImportTables)
        regclasses += std::string(regclasses.empty() ? "" : ", ") + "'" + t + "'::regclass";
      // Foreign keys first: a key they reference cannot be dropped while they exist.
      collect("SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM "
              "pg_constraint c WHERE c.contype = 'f' AND c.conrelid IN (" + regclasses + ") ORDER BY c.oid",
              fkeys_);
      for (const auto& k : fkeys_) db.exec("ALTER TABLE " + k.table + " DROP CONSTRAINT " + k.name);
      // Primary and unique keys no remaining foreign key references.
      collect("SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM "
              "pg_constraint c WHERE c.contype IN ('p', 'u') AND c.conrelid IN (" + regclasses + ") AND NOT EXISTS "
              "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.conrelid AND f.conindid = "
              "c.conindid) ORDER BY c.oid",
              keys_);
      for (const auto& k : keys_) db.exec("ALTER TABLE " + k.table + " DROP CONSTRAINT " + k.name);
      // Plain indexes.
      collect("SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM "
              "pg_index i WHERE i.indrelid IN (" + regclasses + ") AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
              "WHERE c.conindid = i.indexrelid) ORDER BY i.indexrelid",
              indexes_);
      for (const auto& k : indexes_) db.exec("DROP INDEX " + k.name);
      // Index builds, and the joins that check the foreign keys again, sort and hash in
      // memory up to this much (for this transaction only).
      db.exec("SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL work_mem = '256MB'");
    }
  }

  // Builds everything again (inside the same transaction).
  void restore() {
    for (const auto& k : indexes_) db_.exec(k.definition);
    for (const auto& k : keys_) db_.exec("ALTER TABLE " + k.table + " ADD CONSTRAINT " + k.name + " " + k.definition);
    for (const auto& k : fkeys_) db_.exec("ALTER TABLE " + k.table + " ADD CONSTRAINT " + k.name + " " + k.definition);
  }

 private:
  struct Dropped {
    std::string table, name, definition;
  };
  void collect(const std::string& sql, std::vector<Dropped>& out) {
    auto rows = db_.query(sql);
    while (rows->next())
      out.push_back({std::string(rows->text(0)), std::string(rows->text(1)), std::string(rows->text(2))});
  }

  Db& db_;
  std::vector<Dropped> fkeys_, keys_, indexes_;
};

}  // namespace

const std::vector<std::string>& person_columns() {
  static const std::vector<std::string> c = {"upn", "uln", "given_name", "family_name", "date_of_birth", "gender",
                                             "ethnicity", "postcode", "la_code", "cohort_status", "sen_status",
                                             "characteristics", "level_of_need", "school_id"};
  return c;
}

const std::vector<std::string>& activity_columns() {
  static const std::vector<std::string> c = {"end_date", "verified_date", "review_date", "provider_id", "neet_reason",
                                             "source"};
  return c;
}

const std::vector<std::string>& indicator_columns() {
  static const std::vector<std::string> c = [] {
    std::vector<std::string> v = {"year_group", "school_id", "attendance_pct", "suspensions", "permanent_exclusions"};
    for (auto f : indicator_flag_names()) v.emplace_back(f);
    v.emplace_back("attainment_band");
    return v;
  }();
  return c;
}

std::vector<std::string> person_fields(const Dataset& ds, const Rules& rules, uint32_t p) {
  const People& P = ds.people;
  std::string chars;
  for (size_t i = 0; i < rules.characteristics().size(); ++i) {
    if (!(P.characteristics[p] & (1u << i))) continue;
    if (!chars.empty()) chars += ';';
    chars += std::to_string(rules.characteristics()[i].code);
  }
  return {std::string(P.upn[p]),
          std::string(P.uln[p]),
          std::string(P.given_name[p]),
          std::string(P.family_name[p]),
          format_date(P.date_of_birth[p]),
          std::string(gender_code(P.gender[p])),
          P.ethnicity[p] == kNoIndex ? "" : std::string(ds.ethnicities[P.ethnicity[p]]),
          std::string(P.postcode[p]),
          fmt::format("{:03}", P.la_code[p]),
          std::string(1, P.cohort_status[p]),
          std::string(sen_code(P.sen_status[p])),
          chars,
          P.level_of_need[p] ? std::to_string(P.level_of_need[p]) : "",
          P.school[p] == kNoIndex ? "" : std::string(ds.schools[P.school[p]])};
}

namespace {

// The fields of row `a` of `A` (the dataset's activities, or a chunk streamed from a file
// whose providers and sources are in `ds`'s dictionaries).
std::vector<std::string> activity_row_fields(const Activities& A, const Dataset& ds, uint32_t a) {
  return {format_date(A.end[a]),
          format_date(A.verified[a]),
          format_date(A.review[a]),
          A.provider[a] == kNoIndex ? "" : std::string(ds.providers[A.provider[a]]),
          std::string(neet_reason_name(A.neet_reason[a])),
          A.source[a] == kNoIndex ? "" : std::string(ds.sources[A.source[a]])};
}

std::vector<std::string> indicator_row_fields(const Indicators& I, const Dataset& ds, uint32_t i) {
  std::vector<std::string> f = {
      std::to_string(I.year_group[i]),
      I.school[i] == kNoIndex ? "" : std::string(ds.schools[I.school[i]]),
      std::isnan(I.attendance_pct[i]) ? "" : fmt::format("{}", I.attendance_pct[i]),
      std::to_string(I.suspensions[i]),
      std::to_string(I.permanent_exclusions[i])};
  for (size_t k = 0; k < indicator_flag_names().size(); ++k) f.push_back((I.flags[i] >> k) & 1 ? "Y" : "N");
  static const char* bands[] = {"", "low", "middle", "high"};
  f.emplace_back(bands[I.attainment_band[i]]);
  return f;
}

}  // namespace

std::vector<std::string> activity_fields(const Dataset& ds, const Rules&, uint32_t a) {
  return activity_row_fields(ds.activities, ds, a);
}

std::vector<std::string> indicator_fields(const Dataset& ds, uint32_t i) {
  return indicator_row_fields(ds.indicators, ds, i);
}

namespace {

// One version row at a time, into buffers reused from row to row (a national import writes
// 15 million of them).
class VersionWriter {
 public:
  VersionWriter(Db& db, const char* table, const char* seq_column, const std::vector<std::string>& columns,
                const std::string& batch)
      : batch_(batch) {
    std::vector<std::string> cols = {seq_column, "version", "batch_id", "row_hash"};
    cols.insert(cols.end(), columns.begin(), columns.end());
    bulk_ = db.bulk(table, cols);
    row_.resize(cols.size());
  }
  void add(int64_t seq, int64_t version, uint64_t hash, const std::vector<std::string>& fields) {
    seq_ = std::to_string(seq);
    version_ = std::to_string(version);
    hash_ = hex(hash);
    row_[0] = DbField{seq_};
    row_[1] = DbField{version_};
    row_[2] = DbField{batch_};
    row_[3] = DbField{hash_};
    for (size_t i = 0; i < fields.size(); ++i) row_[4 + i] = field(fields[i]);
    bulk_->add(row_);
  }
  void finish() { bulk_->finish(); }

 private:
  const std::string& batch_;
  std::unique_ptr<DbBulk> bulk_;
  std::vector<DbField> row_;
  std::string seq_, version_, hash_;
};

// A stored row that changed: its sequence number and the version to add.
struct Change {
  uint32_t row;  // index in the dataset or chunk
  int64_t seq, version;
};

// Compares incoming rows with what is stored and writes the difference, in stages:
// people() once, then activities() and indicators() once or chunk by chunk, then finish().
// The stored state it compares with is read once, compactly (keys, current version and
// hash), before any write. Nothing is written before there is something to write; the
// batch row is added then, and its counts filled in by finish().
class Importer {
 public:
  Importer(Db& db, const Rules& rules, std::string source, std::string imported_by)
      : db_(db), rules_(rules), source_(std::move(source)), imported_by_(std::move(imported_by)) {}

  // All the people. Keeps each person's sequence number for the rows that follow.
  void people(const Dataset& ds) {
    TextColumn stored_ids;
    TextIndex stored_index;
    std::vector<Existing> stored;
    int64_t max_seq = 0;
    {
      auto rows = db_.query(
          "SELECT p.person_id, p.person_seq, p.current_version, v.row_hash FROM people p "
          "JOIN person_versions v ON v.person_seq = p.person_seq AND v.version = p.current_version");
      while (rows->next()) {
        stored_ids.push(rows->text(0));
        stored_index.insert(stored_ids, static_cast<uint32_t>(stored_ids.size() - 1));
        stored.push_back({rows->integer(1), rows->integer(2), parse_hash(rows->text(3))});
        max_seq = std::max(max_seq, rows->integer(1));
      }
    }
    store_empty_ = stored.empty() && !any_rows("activities") && !any_rows("indicator_rows");
    // New people take consecutive sequence numbers after the highest stored, in dataset
    // order, so only their indexes are kept (fields and hashes are computed again on writing).
    const size_t np = ds.people.size();
    person_seq_.assign(np, 0);
    std::vector<uint32_t> added;
    std::vector<Change> changed;
    for (uint32_t p = 0; p < np; ++p) {
      const uint32_t s = stored_index.find(stored_ids, ds.people.id[p]);
      if (s == kNoIndex) {
        person_seq_[p] = max_seq + 1 + static_cast<int64_t>(added.size());
        added.push_back(p);
      } else {
        person_seq_[p] = stored[s].seq;
        if (stored[s].hash != hash_fields(person_fields(ds, rules_, p)))
          changed.push_back({p, stored[s].seq, stored[s].version + 1});
        else ++sum_.people_unchanged;
      }
    }
    stored = {};
    stored_ids = {};
    stored_index = {};
    sum_.people_added = static_cast<int64_t>(added.size());
    sum_.people_changed = static_cast<int64_t>(changed.size());
    if (added.empty() && changed.empty()) return;
    start_writing();
    write_rows(
        "people", {"person_seq", "person_id"}, "person_versions", person_columns(), added, changed,
        [&](size_t k) { return person_seq_[added[k]]; },
        [&](size_t k, std::vector<std::string>& key) { key = {std::string(ds.people.id[added[k]])}; },
        [&](uint32_t p) { return person_fields(ds, rules_, p); });
  }

  // Activity rows `A` (person[k] is row k's person in `ds`), in the order they are to be
  // stored: all of them, or the next chunk of a file.
  void activities(const Dataset& ds, const Activities& A, const std::vector<uint32_t>& person) {
    if (!acts_loaded_) load_stored_activities();
    std::vector<uint32_t> added;
    std::vector<Change> changed;
    for (uint32_t a = 0; a < A.size(); ++a) {
      if (stored_acts_.empty()) {  // nothing to compare with
        added.push_back(a);
        continue;
      }
      const ActKey key{person_seq_[person[a]], rules_.code(A.code[a]).code, A.start[a]};
      auto it = std::lower_bound(stored_acts_.begin(), stored_acts_.end(), key,
                                 [](auto& e, const ActKey& k) { return e.first < k; });
      if (it == stored_acts_.end() || key < it->first) added.push_back(a);
      else if (it->second.hash != hash_fields(activity_row_fields(A, ds, a)))
        changed.push_back({a, it->second.seq, it->second.version + 1});
      else ++sum_.activities_unchanged;
    }
    if (added.empty() && changed.empty()) return;
    start_writing();
    const int64_t first = next_act_seq_;
    next_act_seq_ += static_cast<int64_t>(added.size());
    sum_.activities_added += static_cast<int64_t>(added.size());
    sum_.activities_changed += static_cast<int64_t>(changed.size());
    write_rows(
        "activities", {"activity_seq", "person_seq", "activity_code", "start_date"}, "activity_versions",
        activity_columns(), added, changed, [&](size_t k) { return first + static_cast<int64_t>(k); },
        [&](size_t k, std::vector<std::string>& key) {
          const uint32_t a = added[k];
          key = {std::to_string(person_seq_[person[a]]), std::to_string(rules_.code(A.code[a]).code),
                 format_date(A.start[a])};
        },
        [&](uint32_t a) { return activity_row_fields(A, ds, a); });
  }

  // Indicator rows: all of them, or the next chunk of a file.
  void indicators(const Dataset& ds, const Indicators& I) {
    if (!ind_loaded_) load_stored_indicators();
    std::vector<uint32_t> added;
    std::vector<Change> changed;
    for (uint32_t i = 0; i < I.size(); ++i) {
      if (stored_ind_.empty()) {
        added.push_back(i);
        continue;
      }
      const std::pair<int64_t, int64_t> key{person_seq_[I.person[i]], I.academic_year[i]};
      auto it = std::lower_bound(stored_ind_.begin(), stored_ind_.end(), key,
                                 [](auto& e, const auto& k) { return e.first < k; });
      if (it == stored_ind_.end() || key < it->first) added.push_back(i);
      else if (it->second.hash != hash_fields(indicator_row_fields(I, ds, i)))
        changed.push_back({i, it->second.seq, it->second.version + 1});
      else ++sum_.indicators_unchanged;
    }
    if (added.empty() && changed.empty()) return;
    start_writing();
    const int64_t first = next_ind_seq_;
    next_ind_seq_ += static_cast<int64_t>(added.size());
    sum_.indicators_added += static_cast<int64_t>(added.size());
    sum_.indicators_changed += static_cast<int64_t>(changed.size());
    write_rows(
        "indicator_rows", {"indicator_seq", "person_seq", "academic_year"}, "indicator_versions", indicator_columns(),
        added, changed, [&](size_t k) { return first + static_cast<int64_t>(k); },
        [&](size_t k, std::vector<std::string>& key) {
          const uint32_t i = added[k];
          key = {std::to_string(person_seq_[I.person[i]]), std::to_string(I.academic_year[i])};
        },
        [&](uint32_t i) { return indicator_row_fields(I, ds, i); });
  }

  // Rebuilds what a first load set aside and records the batch's counts.
  ImportSummary finish() {
    if (window_) window_->restore();
    window_.reset();
    if (sum_.batch_id != 0)
      db_.query(
          "UPDATE import_batches SET people_added = $1, people_changed = $2, activities_added = $3, "
          "activities_changed = $4, indicators_added = $5, indicators_changed = $6 WHERE batch_id = $7",
          {std::to_string(sum_.people_added), std::to_string(sum_.people_changed),
           std::to_string(sum_.activities_added), std::to_string(sum_.activities_changed),
           std::to_string(sum_.indicators_added), std::to_string(sum_.indicators_changed),
           std::to_string(sum_.batch_id)});
    return sum_;
  }

 private:
  // An activity's identity: person, code and start date.
  struct ActKey {
    int64_t person_seq;
    int code;
    Date start;
    bool operator<(const ActKey& o) const {
      return std::tie(person_seq, code, start) < std::tie(o.person_seq, o.code, o.start);
    }
  };

  // Writes the rows of one table pair: for each added row (index added[k]) its identity
  // row in `table` (the sequence number seq_of(k), then the key columns key_of fills, then
  // current_version 1) and its first version; for each changed row its new version, and
  // moves its current_version. `fields` gives a row's versioned columns (`columns`).
  template <class SeqOf, class KeyOf, class Fields>
  void write_rows(const char* table, const std::vector<std::string>& identity_columns, const char* versions,
                  const std::vector<std::string>& columns, const std::vector<uint32_t>& added,
                  const std::vector<Change>& changed, SeqOf seq_of, KeyOf key_of, Fields fields) {
    {
      std::vector<std::string> cols = identity_columns;
      cols.emplace_back("current_version");
      auto bulk = db_.bulk(table, cols);
      std::vector<std::string> key;
      std::vector<DbField> row;
      for (size_t k = 0; k < added.size(); ++k) {
        seq_ = std::to_string(seq_of(k));
        key_of(k, key);
        row.assign({DbField{seq_}});
        for (const auto& v : key) row.emplace_back(v);
        row.emplace_back("1");
        bulk->add(row);
      }
      bulk->finish();
    }
    VersionWriter bv(db_, versions, identity_columns[0].c_str(), columns, batch_);
    for (size_t k = 0; k < added.size(); ++k) {
      const auto f = fields(added[k]);
      bv.add(seq_of(k), 1, hash_fields(f), f);
    }
    for (const auto& c : changed) {
      const auto f = fields(c.row);
      bv.add(c.seq, c.version, hash_fields(f), f);
    }
    bv.finish();
    auto up = db_.prepare(fmt::format("UPDATE {} SET current_version = $1 WHERE {} = $2", table, identity_columns[0]));
    for (const auto& c : changed) up->run({std::to_string(c.version), std::to_string(c.seq)});
  }

  bool any_rows(const char* table) {
    auto rows = db_.query(std::string("SELECT 1 FROM ") + table + " LIMIT 1");
    return rows->next();
  }

  // The batch row (who, when, from where) before the first write, and on a first load
  // into an empty PostgreSQL store the index window.
  void start_writing() {
    if (sum_.batch_id != 0) return;
    {
      auto rows = db_.query("SELECT COALESCE(MAX(batch_id), 0) FROM import_batches");
      rows->next();
      sum_.batch_id = rows->integer(0) + 1;
    }
    batch_ = std::to_string(sum_.batch_id);
    db_.query(
        "INSERT INTO import_batches (batch_id, source, imported_by, imported_at, people_added, people_changed, "
        "activities_added, activities_changed, indicators_added, indicators_changed) "
        "VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, 0)",
        {batch_, source_, imported_by_, store_timestamp()});
    if (store_empty_ && db_.dialect() == "postgresql") window_.emplace(db_);
  }

  void load_stored_activities() {
    acts_loaded_ = true;
    auto rows = db_.query(
        "SELECT a.person_seq, a.activity_code, a.start_date, a.activity_seq, a.current_version, v.row_hash "
        "FROM activities a JOIN activity_versions v ON v.activity_seq = a.activity_seq AND v.version = "
        "a.current_version");
    int64_t max_seq = 0;
    while (rows->next()) {
      const auto start = parse_date(rows->text(2));
      stored_acts_.push_back({{rows->integer(0), static_cast<int>(rows->integer(1)), start ? *start : kNoDate},
                              {rows->integer(3), rows->integer(4), parse_hash(rows->text(5))}});
      max_seq = std::max(max_seq, rows->integer(3));
    }
    std::sort(stored_acts_.begin(), stored_acts_.end(), [](auto& a, auto& b) { return a.first < b.first; });
    next_act_seq_ = max_seq + 1;
  }

  void load_stored_indicators() {
    ind_loaded_ = true;
    auto rows = db_.query(
        "SELECT i.person_seq, i.academic_year, i.indicator_seq, i.current_version, v.row_hash "
        "FROM indicator_rows i JOIN indicator_versions v ON v.indicator_seq = i.indicator_seq AND v.version = "
        "i.current_version");
    int64_t max_seq = 0;
    while (rows->next()) {
      stored_ind_.push_back({{rows->integer(0), rows->integer(1)},
                             {rows->integer(2), rows->integer(3), parse_hash(rows->text(4))}});
      max_seq = std::max(max_seq, rows->integer(2));
    }
    std::sort(stored_ind_.begin(), stored_ind_.end(), [](auto& a, auto& b) { return a.first < b.first; });
    next_ind_seq_ = max_seq + 1;
  }

  Db& db_;
  const Rules& rules_;
  std::string source_, imported_by_, batch_;
  ImportSummary sum_;
  bool store_empty_ = false;
  std::optional<IndexWindow> window_;
  std::vector<int64_t> person_seq_;
  bool acts_loaded_ = false, ind_loaded_ = false;
  std::vector<std::pair<ActKey, Existing>> stored_acts_;
  std::vector<std::pair<std::pair<int64_t, int64_t>, Existing>> stored_ind_;
  int64_t next_act_seq_ = 1, next_ind_seq_ = 1;
  std::string seq_;
};

ImportSummary import_locked(Db& db, const Dataset& ds, const Rules& rules, const std::string& source,
                            const std::string& imported_by) {
  Importer imp(db, rules, source, imported_by);
  imp.people(ds);
  std::vector<uint32_t> person(ds.activities.size());
  for (uint32_t p = 0; p < ds.people.size(); ++p)
    for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) person[a] = p;
  imp.activities(ds, ds.activities, person);
  person = {};
  imp.indicators(ds, ds.indicators);
  return imp.finish();
}

}  // namespace

ImportSummary import_dataset(Db& db, const Dataset& ds, const Rules& rules, const std::string& source,
                             const std::string& imported_by) {
  migrate(db);
  db.begin_exclusive();
  try {
    const ImportSummary sum = import_locked(db, ds, rules, source, imported_by);
    if (sum.changed()) db.commit();
    else db.rollback();  // records nothing
    return sum;
  } catch (...) {
    db.rollback();
    throw;
  }
}

ImportSummary import_dataset_locked(Db& db, const Dataset& ds, const Rules& rules, const std::string& source,
                                    const std::string& imported_by) {
  return import_locked(db, ds, rules, source, imported_by);
}

ImportSummary import_folder_locked(Db& db, const std::string& dir, Dataset& people, const Rules& rules,
                                   LoadReport& report, const std::string& source, const std::string& imported_by,
                                   size_t chunk_rows) {
  Importer imp(db, rules, source, imported_by);
  imp.people(people);
  // A row repeated in a file reaches the database before the stream's finish() can name
  // it: the store's unique key refuses it. Writing then stops, the files are still checked,
  // and the database's complaint is passed on only if the checks found nothing to report.
  std::optional<std::string> write_failed;
  auto write = [&](auto&& step) {
    if (!report.ok() || write_failed) return;  // only check the rest
    try {
      step();
    } catch (const DbError& e) {
      write_failed = e.what();
    }
  };
  try {
    {
      CsvReader csv(dir + "/activities.csv", "activities.csv");
      ActivityStream stream(csv, rules, people, report);
      ActivityChunk chunk;
      while (stream.next(chunk, chunk_rows)) write([&] { imp.activities(people, chunk.rows, chunk.person); });
      stream.finish();
    }
    if (report.ok() && std::filesystem::exists(dir + "/indicators.csv")) {
      CsvReader csv(dir + "/indicators.csv", "indicators.csv");
      IndicatorStream stream(csv, people, report);
      IndicatorChunk chunk;
      while (stream.next(chunk, chunk_rows)) write([&] { imp.indicators(people, chunk.rows); });
      stream.finish();
    }
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
  if (write_failed && report.ok()) throw DbError(*write_failed);
  if (!report.ok()) return {};  // the caller rolls back what was written
  return imp.finish();
}

std::string version_condition(const std::string& version_alias, const std::string& owner_alias,
                              const std::string& versions, const std::string& seq, bool as_recorded) {
  if (!as_recorded) return fmt::format("{}.version = {}.current_version", version_alias, owner_alias);
  return fmt::format(
      "{0}.version = (SELECT MAX(w.version) FROM {2} w JOIN import_batches wb ON wb.batch_id = w.batch_id "
      "WHERE w.{3} = {1}.{3} AND wb.imported_at <= $1)",
      version_alias, owner_alias, versions, seq);
}

std::unordered_map<std::string, Date> leaver_recorded_dates(Db& db, const std::string& recorded_by) {
  migrate(db);
  std::unordered_map<std::string, Date> out;
  // The version that counts as a person's status: the current one, or the newest recorded
  // by `recorded_by` ($1), whose history is then read only up to that moment as well.
  const bool as_recorded = !recorded_by.empty();
  const std::string current = version_condition("cur", "p", "person_versions", "person_seq", as_recorded);
  auto rows = db.query(
      "SELECT p.person_id, v.cohort_status, b.imported_at FROM people p "
      "JOIN person_versions cur ON cur.person_seq = p.person_seq AND " + current +
          " JOIN person_versions v ON v.person_seq = p.person_seq "
          "JOIN import_batches b ON b.batch_id = v.batch_id "
          "WHERE cur.cohort_status NOT IN ('P', 'G')" + (as_recorded ? " AND b.imported_at <= $1" : "") +
          " ORDER BY p.person_seq, v.version",
      as_recorded ? std::vector<DbValue>{recorded_by} : std::vector<DbValue>{});
  std::string person, status;
  Date run_start = kNoDate;
  auto flush = [&] {
    if (!person.empty() && run_start != kNoDate) out[person] = run_start;
  };
  while (rows->next()) {
    const std::string_view id = rows->text(0), st = rows->text(1);
    const auto when = parse_date(rows->text(2).substr(0, 10));
    if (id != person) {
      flush();
      person = std::string(id);
      status.clear();
      run_start = kNoDate;
    }
    if (st != status) {  // a new run of versions with this status starts here
      status = std::string(st);
      run_start = when ? *when : kNoDate;
    }
  }
  flush();
  return out;
}

Dataset load_store(Db& db, const Rules& rules, LoadReport& report, const LoadOptions& options, bool own_snapshot) {
  migrate(db);
  // The current versions, or those recorded by options.recorded_by ($1).
  const bool as_recorded = !options.recorded_by.empty();
  auto version = [&](const char* alias, const char* versions, const char* seq) {
    return version_condition("v", alias, versions, seq, as_recorded);
  };
  std::vector<DbValue> params;
  if (as_recorded) params.push_back(options.recorded_by);
  std::string people_sql = "SELECT p.person_id";
  for (const auto& c : person_columns()) people_sql += ", v." + c;
  people_sql += " FROM people p JOIN person_versions v ON v.person_seq = p.person_seq AND " +
                version("p", "person_versions", "person_seq") + " ORDER BY p.person_seq";
  std::string act_sql = "SELECT p.person_id, a.activity_code, a.start_date";
  for (const auto& c : activity_columns()) act_sql += ", v." + c;
  act_sql += " FROM activities a JOIN people p ON p.person_seq = a.person_seq JOIN activity_versions v ON v.activity_seq = "
             "a.activity_seq AND " +
             version("a", "activity_versions", "activity_seq") + " ORDER BY a.person_seq, a.activity_seq";
  std::string ind_sql = "SELECT p.person_id, i.academic_year";
  for (const auto& c : indicator_columns()) ind_sql += ", v." + c;
  ind_sql += " FROM indicator_rows i JOIN people p ON p.person_seq = i.person_seq JOIN indicator_versions v ON "
             "v.indicator_seq = i.indicator_seq AND " +
             version("i", "indicator_versions", "indicator_seq") + " ORDER BY i.person_seq, i.academic_year";
  DbRowsSource people("store people", db, people_sql, params);
  DbRowsSource activities("store activities", db, act_sql, params);
  DbRowsSource indicators("store indicators", db, ind_sql, params);
  // The queries run one after another; inside one read transaction they all see the same
  // committed state, even while an import commits in between.
  if (own_snapshot) db.exec(db.dialect() == "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  Dataset ds;
  try {
    ds = load_records(people, activities, options.indicators ? &indicators : nullptr, rules, report, options);
  } catch (...) {
    if (own_snapshot) db.rollback();
    throw;
  }
  if (own_snapshot) db.rollback();
  return ds;
}

}  // namespace pathways
