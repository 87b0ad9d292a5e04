#include "coaching/store.h"

#include <map>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "store/store.h"

namespace pathways {

namespace {

// One table's import: its key columns and value columns (then recorded_by, recorded_at).
struct TableSpec {
  const char* table;
  std::vector<std::string> keys, values;
};

struct Row {
  std::vector<std::string> key;
  std::vector<DbValue> values;
};

DbValue opt(const std::string& s) { return s.empty() ? DbValue() : DbValue(s); }
std::string date_text(Date d) { return d == kNoDate ? std::string() : format_date(d); }

template <size_t N>
std::string name_of(const std::array<std::string_view, N>& names, size_t i) {
  return i < N ? std::string(names[i]) : std::string();
}

// Adds new rows, updates changed ones in place, leaves the rest; inside the caller's
// transaction.
CoachingTableImport sync_table(Db& db, const TableSpec& spec, const std::vector<Row>& rows,
                               const std::string& imported_by, const std::string& now) {
  CoachingTableImport result;
  std::map<std::vector<std::string>, std::vector<DbValue>> stored;
  {
    std::string sql = "SELECT ";
    bool first = true;
    for (const auto* cols : {&spec.keys, &spec.values})
      for (const auto& c : *cols) {
        sql += (first ? "" : ", ") + c;
        first = false;
      }
    sql += std::string(" FROM ") + spec.table;
    auto q = db.query(sql);
    const size_t nk = spec.keys.size(), nv = spec.values.size();
    while (q->next()) {
      std::vector<std::string> key(nk);
      for (size_t i = 0; i < nk; ++i) key[i] = std::string(q->text(i));
      std::vector<DbValue> values(nv);
      for (size_t i = 0; i < nv; ++i)
        if (!q->is_null(nk + i)) values[i] = std::string(q->text(nk + i));
      stored.emplace(std::move(key), std::move(values));
    }
  }
  std::vector<const Row*> fresh;
  std::unique_ptr<DbStatement> update;
  for (const Row& r : rows) {
    auto it = stored.find(r.key);
    if (it == stored.end()) {
      fresh.push_back(&r);
      it = stored.emplace(r.key, r.values).first;  // a repeat in `rows` is then unchanged
      continue;
    }
    if (it->second == r.values) {
      ++result.unchanged;
      continue;
    }
    if (!update) {
      std::string sql = std::string("UPDATE ") + spec.table + " SET ";
      size_t n = 0;
      for (const auto& c : spec.values) sql += fmt::format("{} = ${}, ", c, ++n);
      sql += fmt::format("recorded_by = ${}, recorded_at = ${} WHERE ", n + 1, n + 2);
      n += 2;
      for (size_t i = 0; i < spec.keys.size(); ++i) sql += fmt::format("{}{} = ${}", i ? " AND " : "", spec.keys[i], ++n);
      update = db.prepare(sql);
    }
    std::vector<DbValue> params = r.values;
    params.emplace_back(imported_by);
    params.emplace_back(now);
    for (const auto& k : r.key) params.emplace_back(k);
    update->run(params);
    it->second = r.values;
    ++result.changed;
  }
  update.reset();
  if (!fresh.empty()) {
    std::vector<std::string> cols = spec.keys;
    cols.insert(cols.end(), spec.values.begin(), spec.values.end());
    cols.push_back("recorded_by");
    cols.push_back("recorded_at");
    auto bulk = db.bulk(spec.table, cols);
    std::vector<DbField> fields;
    for (const Row* r : fresh) {
      fields.clear();
      for (const auto& k : r->key) fields.emplace_back(std::string_view(k));
      for (const auto& v : r->values) fields.push_back(v ? DbField(std::string_view(*v)) : DbField());
      fields.emplace_back(std::string_view(imported_by));
      fields.emplace_back(std::string_view(now));
      bulk->add(fields);
    }
    bulk->finish();
    result.added = static_cast<int64_t>(fresh.size());
  }
  return result;
}

const TableSpec kCaseload{"caseload_episodes",
                          {"person_id", "coach_id", "joined_date"},
                          {"school_id", "programme", "left_date", "leave_reason"}};
const TableSpec kSessions{"coaching_sessions", {"person_id", "session_number"}, {"session_date", "coach_id", "mode"}};
const TableSpec kAssessments{"coaching_assessments", {"person_id", "assessment", "assessment_date"}, {}};
const TableSpec kReferrals{"panel_referrals",
                           {"person_id", "referred_date"},
                           {"school_id", "rag", "reason", "panel_date", "decision", "actions"}};
const TableSpec kContacts{"coaching_contacts", {"person_id", "contact_date", "coach_id", "contact_with", "mode"}, {}};

std::string person_id(const Dataset& people, uint32_t p) { return std::string(people.people.id[p]); }

std::string mode_name(ContactMode m) {
  return m == ContactMode::kNone ? std::string() : name_of(kContactModeNames, static_cast<size_t>(m) - 1);
}

template <size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view v) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == v) return static_cast<int>(i);
  return -1;
}

}  // namespace

CoachingTableImport import_caseload_locked(Db& db, const std::vector<CaseloadEpisode>& episodes,
                                           const Dataset& people, const std::string& imported_by) {
  std::vector<Row> rows;
  rows.reserve(episodes.size());
  for (const auto& e : episodes) {
    const std::string reason = e.leave_reason == LeaveReason::kNone
                                   ? std::string()
                                   : name_of(kLeaveReasonNames, static_cast<size_t>(e.leave_reason) - 1);
    rows.push_back({{person_id(people, e.person), e.coach_id, format_date(e.joined)},
                    {opt(e.school_id), opt(e.programme), opt(date_text(e.left)), opt(reason)}});
  }
  return sync_table(db, kCaseload, rows, imported_by, store_timestamp());
}

CoachingImportSummary import_coaching_locked(Db& db, const CoachingRecords& records, const Dataset& people,
                                             const std::string& imported_by) {
  CoachingImportSummary sum;
  const std::string now = store_timestamp();
  sum.caseload = import_caseload_locked(db, records.caseload, people, imported_by);
  {
    std::vector<Row> rows;
    rows.reserve(records.sessions.size());
    for (const auto& s : records.sessions)
      rows.push_back({{person_id(people, s.person), std::to_string(s.number)},
                      {format_date(s.date), opt(s.coach_id), opt(mode_name(s.mode))}});
    sum.sessions = sync_table(db, kSessions, rows, imported_by, now);
  }
  {
    std::vector<Row> rows;
    rows.reserve(records.assessments.size());
    for (const auto& a : records.assessments)
      rows.push_back({{person_id(people, a.person), name_of(kAssessmentNames, static_cast<size_t>(a.kind)),
                       format_date(a.date)},
                      {}});
    sum.assessments = sync_table(db, kAssessments, rows, imported_by, now);
  }
  {
    std::vector<Row> rows;
    rows.reserve(records.contacts.size());
    for (const auto& c : records.contacts)
      rows.push_back({{person_id(people, c.person), format_date(c.date), c.coach_id,
                       name_of(kContactWithNames, static_cast<size_t>(c.with)), mode_name(c.mode)},
                      {}});
    sum.contacts = sync_table(db, kContacts, rows, imported_by, now);
  }
  {
    std::vector<Row> rows;
    rows.reserve(records.referrals.size());
    for (const auto& x : records.referrals)
      rows.push_back({{person_id(people, x.person), format_date(x.referred)},
                      {x.school_id, name_of(kRagNames, static_cast<size_t>(x.rag)), x.reason, opt(date_text(x.panel_date)),
                       opt(x.decision == PanelDecision::kNone ? std::string()
                                                              : name_of(kPanelDecisionNames, static_cast<size_t>(x.decision) - 1)),
                       opt(x.actions)}});
    sum.referrals = sync_table(db, kReferrals, rows, imported_by, now);
  }
  return sum;
}

CoachingImportSummary import_coaching(Db& db, const CoachingRecords& records, const Dataset& people,
                                      const std::string& imported_by) {
  migrate(db);
  db.begin_exclusive();
  try {
    const CoachingImportSummary sum = import_coaching_locked(db, records, people, imported_by);
    if (sum.changed()) db.commit();
    else db.rollback();
    return sum;
  } catch (...) {
    db.rollback();
    throw;
  }
}

std::optional<CoachingImportSummary> import_coaching_folder(Db& db, const std::string& dir, const Dataset& people,
                                                            const std::string& imported_by, LoadReport& report) {
  const auto records = load_coaching(dir, people, report);
  if (!records) return std::nullopt;
  return import_coaching(db, *records, people, imported_by);
}

CoachingRecords load_coaching(Db& db, const Dataset& people, LoadReport& report) {
  migrate(db);
  CoachingRecords r;
  // Reads one table in key order; `on_row` gets the person index and the row, and returns
  // false (after reporting) for a value the store should never hold.
  auto read = [&](const std::string& table, const std::string& sql, const auto& on_row) {
    auto q = db.query(sql);
    int64_t skipped = 0;
    std::string first_skipped;
    uint32_t line = 0;
    while (q->next()) {
      const uint32_t p = people.find_person(q->text(0));
      if (p == kNoIndex) {
        if (skipped++ == 0) first_skipped = std::string(q->text(0));
        continue;
      }
      ++line;
      on_row(p, *q, line);
    }
    if (skipped)
      report.warning({table, 0, "person_id", first_skipped,
                      fmt::format("{} stored row(s) of people not in the loaded people skipped", skipped)});
  };
  auto bad = [&](const std::string& table, uint32_t line, const char* column, std::string_view v) {
    report.error({table, line, column, std::string(v), "not a valid stored value"});
  };
  auto date = [&](const std::string& table, uint32_t line, const char* column, std::string_view v, bool required) {
    if (v.empty() && !required) return kNoDate;
    const auto d = parse_date(v);
    if (!d) {
      bad(table, line, column, v);
      return kNoDate;
    }
    return *d;
  };
  auto mode = [&](const std::string& table, uint32_t line, std::string_view v) {
    if (v.empty()) return ContactMode::kNone;
    const int i = index_of(kContactModeNames, v);
    if (i < 0) bad(table, line, "mode", v);
    return i < 0 ? ContactMode::kNone : static_cast<ContactMode>(i + 1);
  };

  db.exec(db.dialect() == "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  try {
    read("caseload_episodes",
         "SELECT person_id, coach_id, joined_date, COALESCE(school_id, ''), COALESCE(programme, ''), "
         "COALESCE(left_date, ''), COALESCE(leave_reason, '') FROM caseload_episodes "
         "ORDER BY person_id, joined_date, coach_id",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           const std::string t = "caseload_episodes";
           CaseloadEpisode e;
           e.person = p;
           e.coach_id = q.text(1);
           e.joined = date(t, line, "joined_date", q.text(2), true);
           e.school_id = q.text(3);
           e.programme = q.text(4);
           e.left = date(t, line, "left_date", q.text(5), false);
           if (!q.text(6).empty()) {
             const int i = index_of(kLeaveReasonNames, q.text(6));
             if (i < 0) bad(t, line, "leave_reason", q.text(6));
             else e.leave_reason = static_cast<LeaveReason>(i + 1);
           }
           e.line = line;
           r.caseload.push_back(std::move(e));
         });
    read("coaching_sessions",
         "SELECT person_id, session_number, session_date, COALESCE(coach_id, ''), COALESCE(mode, '') "
         "FROM coaching_sessions ORDER BY person_id, session_number",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           const std::string t = "coaching_sessions";
           CoachingSession s;
           s.person = p;
           s.number = static_cast<int>(q.integer(1));
           if (s.number < 1 || s.number > 7) bad(t, line, "session_number", q.text(1));
           s.date = date(t, line, "session_date", q.text(2), true);
           s.coach_id = q.text(3);
           s.mode = mode(t, line, q.text(4));
           s.line = line;
           r.sessions.push_back(std::move(s));
         });
    read("coaching_assessments",
         "SELECT person_id, assessment, assessment_date FROM coaching_assessments "
         "ORDER BY person_id, assessment_date, assessment",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           const std::string t = "coaching_assessments";
           AssessmentRecord a;
           a.person = p;
           const int i = index_of(kAssessmentNames, q.text(1));
           if (i < 0) bad(t, line, "assessment", q.text(1));
           else a.kind = static_cast<AssessmentKind>(i);
           a.date = date(t, line, "assessment_date", q.text(2), true);
           a.line = line;
           r.assessments.push_back(a);
         });
    read("coaching_contacts",
         "SELECT person_id, contact_date, coach_id, contact_with, mode FROM coaching_contacts "
         "ORDER BY person_id, contact_date, coach_id, contact_with, mode",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           const std::string t = "coaching_contacts";
           Contact c;
           c.person = p;
           c.date = date(t, line, "contact_date", q.text(1), true);
           c.coach_id = q.text(2);
           const int i = index_of(kContactWithNames, q.text(3));
           if (i < 0) bad(t, line, "contact_with", q.text(3));
           else c.with = static_cast<ContactWith>(i);
           c.mode = mode(t, line, q.text(4));
           c.line = line;
           r.contacts.push_back(std::move(c));
         });
    read("panel_referrals",
         "SELECT person_id, referred_date, school_id, rag, reason, COALESCE(panel_date, ''), COALESCE(decision, ''), "
         "COALESCE(actions, '') FROM panel_referrals ORDER BY person_id, referred_date",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           const std::string t = "panel_referrals";
           PanelReferral x;
           x.person = p;
           x.referred = date(t, line, "referred_date", q.text(1), true);
           x.school_id = q.text(2);
           const int rag = index_of(kRagNames, q.text(3));
           if (rag < 0) bad(t, line, "rag", q.text(3));
           else x.rag = static_cast<Rag>(rag);
           x.reason = q.text(4);
           x.panel_date = date(t, line, "panel_date", q.text(5), false);
           if (!q.text(6).empty()) {
             const int d = index_of(kPanelDecisionNames, q.text(6));
             if (d < 0) bad(t, line, "decision", q.text(6));
             else x.decision = static_cast<PanelDecision>(d + 1);
           }
           x.actions = q.text(7);
           x.line = line;
           r.referrals.push_back(std::move(x));
         });
  } catch (...) {
    db.rollback();
    throw;
  }
  db.rollback();
  return r;
}

}  // namespace pathways
