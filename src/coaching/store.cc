#include "coaching/store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

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

// Notes: identity (person_id, note_date, coach_id, body), the confidential flag updated in
// place. Stored notes written twice in the same words (a repeated form) count as one, the
// confidential flag set when any copy has it.
CoachingTableImport sync_notes(Db& db, const std::vector<CoachingNote>& notes, const Dataset& people,
                               const std::string& imported_by, const std::string& now) {
  CoachingTableImport result;
  if (notes.empty()) return result;
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, bool> stored;
  int64_t next_id = 1;
  {
    auto q = db.query("SELECT note_id, person_id, note_date, COALESCE(coach_id, ''), body, confidential FROM coaching_notes");
    while (q->next()) {
      next_id = std::max(next_id, q->integer(0) + 1);
      bool& c = stored.try_emplace(Key{q->text(1), q->text(2), q->text(3), q->text(4)}, false).first->second;
      c = c || q->integer(5) != 0;
    }
  }
  std::unique_ptr<DbStatement> insert, update;
  for (const CoachingNote& n : notes) {
    Key key{person_id(people, n.person), format_date(n.date), n.coach_id, n.body};
    auto it = stored.find(key);
    if (it == stored.end()) {
      if (!insert)
        insert = db.prepare(
            "INSERT INTO coaching_notes (note_id, person_id, note_date, confidential, body, coach_id, written_by, written_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
      insert->run({std::to_string(next_id++), std::get<0>(key), std::get<1>(key), n.confidential ? "1" : "0", n.body,
                   opt(n.coach_id), imported_by, now});
      stored.emplace(std::move(key), n.confidential);
      ++result.added;
    } else if (it->second == n.confidential) {
      ++result.unchanged;
    } else {
      if (!update)
        update = db.prepare(
            "UPDATE coaching_notes SET confidential = $1 WHERE person_id = $2 AND note_date = $3 AND COALESCE(coach_id, '') = $4 "
            "AND body = $5");
      update->run({n.confidential ? "1" : "0", std::get<0>(key), std::get<1>(key), n.coach_id, n.body});
      it->second = n.confidential;
      ++result.changed;
    }
  }
  return result;
}

// Action plans: a plan by (person_id, created_date, goal) (the earliest stored plan of that
// identity), its coach_id and closed_date updated in place; a step by (plan, step_no), its
// kind, date, text and done date updated in place.
void sync_plans(Db& db, const std::vector<ActionPlan>& plans, const Dataset& people, const std::string& imported_by,
                const std::string& now, CoachingImportSummary& sum) {
  if (plans.empty()) return;
  using Key = std::tuple<std::string, std::string, std::string>;
  struct StoredPlan {
    int64_t id;
    std::string coach_id, closed;
  };
  std::map<Key, StoredPlan> stored;
  int64_t next_id = 1;
  {
    auto q = db.query(
        "SELECT plan_id, person_id, created_date, goal, COALESCE(coach_id, ''), COALESCE(closed_date, '') FROM action_plans "
        "ORDER BY plan_id");
    while (q->next()) {
      next_id = std::max(next_id, q->integer(0) + 1);
      stored.try_emplace(Key{q->text(1), q->text(2), q->text(3)}, StoredPlan{q->integer(0), std::string(q->text(4)),
                                                                           std::string(q->text(5))});
    }
  }
  using StepValues = std::tuple<std::string, std::string, std::string, std::string>;  // kind, date, body, done
  std::map<std::pair<int64_t, int>, StepValues> steps;
  {
    auto q = db.query("SELECT plan_id, step_no, kind, step_date, body, COALESCE(done_date, '') FROM action_plan_steps");
    while (q->next())
      steps.emplace(std::make_pair(q->integer(0), static_cast<int>(q->integer(1))),
                    StepValues{q->text(2), q->text(3), q->text(4), q->text(5)});
  }
  std::unique_ptr<DbStatement> insert_plan, update_plan, insert_step, update_step;
  for (const ActionPlan& plan : plans) {
    Key key{person_id(people, plan.person), format_date(plan.created), plan.goal};
    const std::string closed = date_text(plan.closed);
    auto it = stored.find(key);
    if (it == stored.end()) {
      if (!insert_plan)
        insert_plan = db.prepare(
            "INSERT INTO action_plans (plan_id, person_id, created_date, goal, closed_date, coach_id, recorded_by, recorded_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
      insert_plan->run({std::to_string(next_id), std::get<0>(key), std::get<1>(key), plan.goal, opt(closed), opt(plan.coach_id),
                        imported_by, now});
      it = stored.emplace(std::move(key), StoredPlan{next_id++, plan.coach_id, closed}).first;
      ++sum.plans.added;
    } else if (it->second.coach_id == plan.coach_id && it->second.closed == closed) {
      ++sum.plans.unchanged;
    } else {
      if (!update_plan)
        update_plan = db.prepare(
            "UPDATE action_plans SET coach_id = $1, closed_date = $2, recorded_by = $3, recorded_at = $4 WHERE plan_id = $5");
      update_plan->run({opt(plan.coach_id), opt(closed), imported_by, now, std::to_string(it->second.id)});
      it->second.coach_id = plan.coach_id;
      it->second.closed = closed;
      ++sum.plans.changed;
    }
    const int64_t id = it->second.id;
    for (const ActionPlanStep& step : plan.steps) {
      StepValues values{step.review ? "review" : "action", format_date(step.date), step.body, date_text(step.done)};
      auto st = steps.find({id, step.step_no});
      if (st == steps.end()) {
        if (!insert_step)
          insert_step = db.prepare(
              "INSERT INTO action_plan_steps (plan_id, step_no, kind, step_date, body, done_date, recorded_by, recorded_at) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        insert_step->run({std::to_string(id), std::to_string(step.step_no), std::get<0>(values), std::get<1>(values), step.body,
                          opt(std::get<3>(values)), imported_by, now});
        steps.emplace(std::make_pair(id, step.step_no), std::move(values));
        ++sum.plan_steps.added;
      } else if (st->second == values) {
        ++sum.plan_steps.unchanged;
      } else {
        if (!update_step)
          update_step = db.prepare(
              "UPDATE action_plan_steps SET kind = $1, step_date = $2, body = $3, done_date = $4, recorded_by = $5, "
              "recorded_at = $6 WHERE plan_id = $7 AND step_no = $8");
        update_step->run({std::get<0>(values), std::get<1>(values), step.body, opt(std::get<3>(values)), imported_by, now,
                          std::to_string(id), std::to_string(step.step_no)});
        st->second = std::move(values);
        ++sum.plan_steps.changed;
      }
    }
  }
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
  sum.notes = sync_notes(db, records.notes, people, imported_by, now);
  sync_plans(db, records.plans, people, imported_by, now, sum);
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
    read("coaching_notes",
         "SELECT person_id, note_id, note_date, confidential, body, COALESCE(coach_id, ''), written_by FROM coaching_notes "
         "ORDER BY person_id, note_date, note_id",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           CoachingNote n;
           n.id = q.integer(1);
           n.person = p;
           n.date = date("coaching_notes", line, "note_date", q.text(2), true);
           n.confidential = q.integer(3) != 0;
           n.body = q.text(4);
           n.coach_id = q.text(5);
           n.written_by = q.text(6);
           r.notes.push_back(std::move(n));
         });
    std::map<int64_t, size_t> plan_index;
    read("action_plans",
         "SELECT person_id, plan_id, created_date, goal, COALESCE(coach_id, ''), COALESCE(closed_date, '') FROM action_plans "
         "ORDER BY person_id, created_date, plan_id",
         [&](uint32_t p, DbRows& q, uint32_t line) {
           ActionPlan plan;
           plan.id = q.integer(1);
           plan.person = p;
           plan.created = date("action_plans", line, "created_date", q.text(2), true);
           plan.goal = q.text(3);
           plan.coach_id = q.text(4);
           plan.closed = date("action_plans", line, "closed_date", q.text(5), false);
           plan_index[plan.id] = r.plans.size();
           r.plans.push_back(std::move(plan));
         });
    {
      auto q = db.query("SELECT plan_id, step_no, kind, step_date, body, COALESCE(done_date, '') FROM action_plan_steps "
                        "ORDER BY plan_id, step_no");
      uint32_t line = 0;
      while (q->next()) {
        ++line;
        const auto it = plan_index.find(q->integer(0));
        if (it == plan_index.end()) continue;  // a plan of someone not in `people`
        ActionPlanStep step;
        step.step_no = static_cast<int>(q->integer(1));
        if (q->text(2) != "action" && q->text(2) != "review") bad("action_plan_steps", line, "kind", q->text(2));
        step.review = q->text(2) == "review";
        step.date = date("action_plan_steps", line, "step_date", q->text(3), true);
        step.body = q->text(4);
        step.done = date("action_plan_steps", line, "done_date", q->text(5), false);
        r.plans[it->second].steps.push_back(std::move(step));
      }
    }
  } catch (...) {
    db.rollback();
    throw;
  }
  db.rollback();
  return r;
}

}  // namespace pathways
