#include "coaching/notes.h"

#include "store/transaction.h"

#include <stdexcept>

#include "store/store.h"

namespace pathways {

namespace {

std::string date_text(Date d) { return d == kNoDate ? std::string() : format_date(d); }
DbValue opt(const std::string& s) { return s.empty() ? DbValue() : DbValue(s); }

Date date_of(std::string_view s) {
  if (s.empty()) return kNoDate;
  const auto d = parse_date(s);
  return d ? *d : kNoDate;
}

int64_t next_id(Db& db, const char* sql) {
  auto q = db.query(sql);
  return q->next() && !q->is_null(0) ? q->integer(0) + 1 : 1;
}

}  // namespace

NotesAndPlans load_notes_and_plans(Db& db, const Dataset& people) {
  migrate(db);
  NotesAndPlans out;
  db.exec(db.dialect() == "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  try {
    {
      auto q = db.query(
          "SELECT note_id, person_id, note_date, confidential, body, COALESCE(coach_id, ''), written_by FROM coaching_notes "
          "ORDER BY person_id, note_date, note_id");
      while (q->next()) {
        const uint32_t p = people.find_person(q->text(1));
        if (p == kNoIndex) continue;
        out.notes.push_back({q->integer(0), p, date_of(q->text(2)), q->integer(3) != 0, std::string(q->text(4)),
                             std::string(q->text(5)), std::string(q->text(6))});
      }
    }
    std::unordered_map<int64_t, size_t> index;
    {
      auto q = db.query(
          "SELECT plan_id, person_id, created_date, goal, COALESCE(coach_id, ''), COALESCE(closed_date, '') FROM action_plans "
          "ORDER BY person_id, created_date, plan_id");
      while (q->next()) {
        const uint32_t p = people.find_person(q->text(1));
        if (p == kNoIndex) continue;
        ActionPlan plan;
        plan.id = q->integer(0);
        plan.person = p;
        plan.created = date_of(q->text(2));
        plan.goal = q->text(3);
        plan.coach_id = q->text(4);
        plan.closed = date_of(q->text(5));
        index[plan.id] = out.plans.size();
        out.plans.push_back(std::move(plan));
      }
    }
    {
      auto q = db.query(
          "SELECT plan_id, step_no, kind, step_date, body, COALESCE(done_date, '') FROM action_plan_steps ORDER BY plan_id, step_no");
      while (q->next()) {
        const auto it = index.find(q->integer(0));
        if (it == index.end()) continue;
        out.plans[it->second].steps.push_back({static_cast<int>(q->integer(1)), q->text(2) == "review", date_of(q->text(3)),
                                               std::string(q->text(4)), date_of(q->text(5))});
      }
    }
  } catch (...) {
    db.rollback();
    throw;
  }
  db.rollback();
  return out;
}

int64_t add_note(Db& db, const std::string& person_id, Date date, bool confidential, const std::string& body,
                 const std::string& coach_id, const std::string& written_by) {
  return write_transaction(db, [&] {
    const int64_t id = next_id(db, "SELECT MAX(note_id) FROM coaching_notes");
    db.query("INSERT INTO coaching_notes (note_id, person_id, note_date, confidential, body, coach_id, written_by, written_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {std::to_string(id), person_id, format_date(date), confidential ? "1" : "0", body, opt(coach_id), written_by,
              store_timestamp()});
    return id;
  });
}

int64_t add_action_plan(Db& db, const std::string& person_id, Date created, const std::string& goal,
                        const std::string& coach_id, const std::string& recorded_by) {
  return write_transaction(db, [&] {
    const int64_t id = next_id(db, "SELECT MAX(plan_id) FROM action_plans");
    db.query("INSERT INTO action_plans (plan_id, person_id, created_date, goal, closed_date, coach_id, recorded_by, recorded_at) "
             "VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)",
             {std::to_string(id), person_id, format_date(created), goal, opt(coach_id), recorded_by, store_timestamp()});
    return id;
  });
}

int add_plan_step(Db& db, int64_t plan_id, bool review, Date date, const std::string& body, const std::string& recorded_by) {
  return write_transaction(db, [&] {
    {
      auto q = db.query("SELECT COUNT(*) FROM action_plans WHERE plan_id = $1", {std::to_string(plan_id)});
      if (!q->next() || q->integer(0) == 0) throw std::invalid_argument("no such action plan");
    }
    int step = 1;
    {
      auto q = db.query("SELECT MAX(step_no) FROM action_plan_steps WHERE plan_id = $1", {std::to_string(plan_id)});
      if (q->next() && !q->is_null(0)) step = static_cast<int>(q->integer(0)) + 1;
    }
    db.query("INSERT INTO action_plan_steps (plan_id, step_no, kind, step_date, body, done_date, recorded_by, recorded_at) "
             "VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)",
             {std::to_string(plan_id), std::to_string(step), review ? "review" : "action", format_date(date), body, recorded_by,
              store_timestamp()});
    return step;
  });
}

bool mark_step_done(Db& db, int64_t plan_id, int step_no, Date done, const std::string& recorded_by) {
  return write_transaction(db, [&] {
    auto q = db.query("SELECT COUNT(*) FROM action_plan_steps WHERE plan_id = $1 AND step_no = $2 AND kind = 'action'",
                      {std::to_string(plan_id), std::to_string(step_no)});
    if (!q->next() || q->integer(0) == 0) return false;
    db.query("UPDATE action_plan_steps SET done_date = $1, recorded_by = $2, recorded_at = $3 WHERE plan_id = $4 AND step_no = $5",
             {format_date(done), recorded_by, store_timestamp(), std::to_string(plan_id), std::to_string(step_no)});
    return true;
  });
}

}  // namespace pathways
