// Numbered schema migrations. Append new ones; never edit one that has shipped.
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "store/store.h"

namespace pathways {

namespace {

struct Migration {
  int64_t version;
  const char* name;
  const char* sql;  // portable between SQLite and PostgreSQL
  // Run after `sql` on that database only (triggers and functions, whose SQL differs);
  // null when there is none.
  const char* sqlite_sql = nullptr;
  const char* postgres_sql = nullptr;
};

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "people, activities and indicators with versions; import batches", R"SQL(
CREATE TABLE import_batches (
  batch_id BIGINT PRIMARY KEY,
  source TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  people_added BIGINT NOT NULL,
  people_changed BIGINT NOT NULL,
  activities_added BIGINT NOT NULL,
  activities_changed BIGINT NOT NULL,
  indicators_added BIGINT NOT NULL,
  indicators_changed BIGINT NOT NULL
);
CREATE TABLE people (
  person_seq BIGINT PRIMARY KEY,
  person_id TEXT NOT NULL UNIQUE,
  current_version BIGINT NOT NULL
);
CREATE TABLE person_versions (
  person_seq BIGINT NOT NULL REFERENCES people (person_seq),
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
  row_hash TEXT NOT NULL,
  upn TEXT, uln TEXT, given_name TEXT NOT NULL, family_name TEXT NOT NULL,
  date_of_birth TEXT NOT NULL, gender TEXT, ethnicity TEXT, postcode TEXT, la_code TEXT NOT NULL,
  cohort_status TEXT, sen_status TEXT, characteristics TEXT, level_of_need TEXT, school_id TEXT,
  PRIMARY KEY (person_seq, version)
);
CREATE TABLE activities (
  activity_seq BIGINT PRIMARY KEY,
  person_seq BIGINT NOT NULL REFERENCES people (person_seq),
  activity_code TEXT NOT NULL,
  start_date TEXT NOT NULL,
  current_version BIGINT NOT NULL,
  UNIQUE (person_seq, activity_code, start_date)
);
CREATE TABLE activity_versions (
  activity_seq BIGINT NOT NULL REFERENCES activities (activity_seq),
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
  row_hash TEXT NOT NULL,
  end_date TEXT, verified_date TEXT, review_date TEXT, provider_id TEXT, neet_reason TEXT, source TEXT,
  PRIMARY KEY (activity_seq, version)
);
CREATE TABLE indicator_rows (
  indicator_seq BIGINT PRIMARY KEY,
  person_seq BIGINT NOT NULL REFERENCES people (person_seq),
  academic_year BIGINT NOT NULL,
  current_version BIGINT NOT NULL,
  UNIQUE (person_seq, academic_year)
);
CREATE TABLE indicator_versions (
  indicator_seq BIGINT NOT NULL REFERENCES indicator_rows (indicator_seq),
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
  row_hash TEXT NOT NULL,
  year_group TEXT, school_id TEXT, attendance_pct TEXT, suspensions TEXT, permanent_exclusions TEXT,
  fsm TEXT, eal TEXT, cin TEXT, cp_plan TEXT, young_carer TEXT, home_instability TEXT, mental_health TEXT,
  camhs TEXT, substance_misuse TEXT, physical_health TEXT, missed_education TEXT, ehe TEXT, ap_pru TEXT,
  attainment_band TEXT,
  PRIMARY KEY (indicator_seq, version)
);
CREATE INDEX activities_by_person ON activities (person_seq, activity_seq);
CREATE INDEX indicators_by_person ON indicator_rows (person_seq, academic_year);
)SQL"},
      {2, "partner feeds: intended destinations, September Guarantee offers, review queue, feed imports", R"SQL(
CREATE TABLE intended_destinations (
  destination_seq BIGINT PRIMARY KEY,
  person_seq BIGINT NOT NULL REFERENCES people (person_seq),
  academic_year BIGINT NOT NULL,
  current_version BIGINT NOT NULL,
  UNIQUE (person_seq, academic_year)
);
CREATE TABLE intended_destination_versions (
  destination_seq BIGINT NOT NULL REFERENCES intended_destinations (destination_seq),
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
  row_hash TEXT NOT NULL,
  activity_code TEXT NOT NULL, school_id TEXT, year_group TEXT, recorded_date TEXT,
  PRIMARY KEY (destination_seq, version)
);
CREATE TABLE september_guarantee_offers (
  offer_seq BIGINT PRIMARY KEY,
  person_seq BIGINT NOT NULL REFERENCES people (person_seq),
  guarantee_year BIGINT NOT NULL,
  current_version BIGINT NOT NULL,
  UNIQUE (person_seq, guarantee_year)
);
CREATE TABLE september_guarantee_offer_versions (
  offer_seq BIGINT NOT NULL REFERENCES september_guarantee_offers (offer_seq),
  version BIGINT NOT NULL,
  batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
  row_hash TEXT NOT NULL,
  offer_status TEXT NOT NULL, provider_id TEXT, offer_date TEXT, activity_code TEXT,
  PRIMARY KEY (offer_seq, version)
);
CREATE TABLE review_queue (
  review_id BIGINT PRIMARY KEY,
  feed TEXT NOT NULL,
  source TEXT NOT NULL,
  line BIGINT NOT NULL,
  row_key TEXT NOT NULL,
  identity_key TEXT NOT NULL,
  incoming TEXT NOT NULL,
  reason TEXT NOT NULL,
  candidates TEXT NOT NULL,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolution_person_id TEXT,
  resolved_by TEXT,
  resolved_at TEXT,
  resolution_note TEXT
);
CREATE INDEX review_queue_by_status ON review_queue (status, review_id);
CREATE INDEX review_queue_by_row ON review_queue (row_key);
CREATE INDEX review_queue_by_identity ON review_queue (identity_key);
CREATE TABLE partner_imports (
  import_id BIGINT PRIMARY KEY,
  feed TEXT NOT NULL,
  source TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  data_batch_id BIGINT,
  partner_batch_id BIGINT,
  rows_read BIGINT NOT NULL,
  matched_exact BIGINT NOT NULL,
  matched_score BIGINT NOT NULL,
  matched_by_review BIGINT NOT NULL,
  new_people BIGINT NOT NULL,
  to_review BIGINT NOT NULL,
  applied_rows BIGINT NOT NULL
);
)SQL"},
      {3, "accounts, sessions, sign-in failures and the append-only audit log", R"SQL(
CREATE TABLE users (
  user_id BIGINT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  school_id TEXT,
  coach_id TEXT,
  password_hash TEXT NOT NULL,
  must_change_password BIGINT NOT NULL,
  disabled BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  updated_at TEXT,
  updated_by TEXT
);
CREATE UNIQUE INDEX users_by_lower_username ON users (LOWER(username));
CREATE TABLE user_sessions (
  token_digest TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (user_id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  remote TEXT NOT NULL
);
CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
CREATE INDEX user_sessions_by_expiry ON user_sessions (expires_at);
CREATE TABLE login_failures (
  username TEXT NOT NULL,
  remote TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_remote ON login_failures (remote, at);
CREATE INDEX login_failures_by_at ON login_failures (at);
CREATE TABLE audit_log (
  audit_id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT,
  remote TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_username ON audit_log (username, audit_id);
CREATE INDEX audit_log_by_record ON audit_log (record_id, audit_id);
)SQL",
       // The audit log is append-only in the database itself, whatever the application does.
       R"SQL(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed');
END;
)SQL",
       R"SQL(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
)SQL"},
      {4, "engagement coaching caseloads", R"SQL(
CREATE TABLE caseload_episodes (
  person_id TEXT NOT NULL,
  coach_id TEXT NOT NULL,
  school_id TEXT,
  programme TEXT,
  joined_date TEXT NOT NULL,
  left_date TEXT,
  leave_reason TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (person_id, coach_id, joined_date)
);
CREATE INDEX caseload_episodes_by_coach ON caseload_episodes (coach_id, joined_date);
)SQL"},
      // Engagement coaching records (formats.md coaching/): sessions, assessments, contacts.
      // Keys are records.h's duplicate rules; each primary key starts with person_id, so it is
      // also the index by person. A contact's coach_id and mode are '' when not recorded (they
      // are part of its identity, and a key column cannot be NULL). Rows are updated in place
      // (coaching/store.h), like caseload_episodes, not versioned.
      {5, "engagement coaching sessions, assessments and contacts", R"SQL(
CREATE TABLE coaching_sessions (
  person_id TEXT NOT NULL,
  session_number INTEGER NOT NULL,
  session_date TEXT NOT NULL,
  coach_id TEXT,
  mode TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (person_id, session_number)
);
CREATE INDEX coaching_sessions_by_coach ON coaching_sessions (coach_id, session_date);
CREATE TABLE coaching_assessments (
  person_id TEXT NOT NULL,
  assessment TEXT NOT NULL,
  assessment_date TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (person_id, assessment, assessment_date)
);
CREATE TABLE coaching_contacts (
  person_id TEXT NOT NULL,
  contact_date TEXT NOT NULL,
  coach_id TEXT NOT NULL DEFAULT '',
  contact_with TEXT NOT NULL,
  mode TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (person_id, contact_date, coach_id, contact_with, mode)
);
CREATE INDEX coaching_contacts_by_coach ON coaching_contacts (coach_id, contact_date);
)SQL"},
      // Early identification (risk/register.h): frozen at-risk registers, their moderation by
      // schools, the schools' sign-off, and every model version and score kept for audit. A
      // register and its entries are written once; moderations, sign-offs, models and scores
      // are only ever added (the tables below have no UPDATE path in the application).
      {6, "risk of NEET registers, moderation, model versions and scores", R"SQL(
CREATE TABLE roni_registers (
  register_id BIGINT PRIMARY KEY,
  academic_year INTEGER NOT NULL,
  data_date TEXT NOT NULL,
  criteria_version TEXT NOT NULL,
  criteria TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE roni_register_entries (
  register_id BIGINT NOT NULL REFERENCES roni_registers (register_id),
  person_id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  year_group INTEGER NOT NULL,
  score INTEGER NOT NULL,
  rag TEXT NOT NULL,
  by_group INTEGER NOT NULL,
  indicators TEXT NOT NULL,
  PRIMARY KEY (register_id, person_id)
);
CREATE INDEX roni_register_entries_by_school ON roni_register_entries (register_id, school_id);
CREATE TABLE roni_moderations (
  moderation_id BIGINT PRIMARY KEY,
  register_id BIGINT NOT NULL REFERENCES roni_registers (register_id),
  person_id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  moderated_by TEXT NOT NULL,
  moderated_at TEXT NOT NULL
);
CREATE INDEX roni_moderations_by_register ON roni_moderations (register_id, school_id, moderation_id);
CREATE TABLE roni_signoffs (
  register_id BIGINT NOT NULL REFERENCES roni_registers (register_id),
  school_id TEXT NOT NULL,
  signed_off_by TEXT NOT NULL,
  signed_off_at TEXT NOT NULL,
  PRIMARY KEY (register_id, school_id)
);
CREATE TABLE risk_models (
  model_version TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL,
  metadata TEXT NOT NULL,
  model_card TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE risk_scores (
  score_batch BIGINT NOT NULL,
  model_version TEXT NOT NULL REFERENCES risk_models (model_version),
  person_id TEXT NOT NULL,
  academic_year INTEGER NOT NULL,
  probability TEXT NOT NULL,
  list_rank BIGINT NOT NULL,
  factors TEXT NOT NULL,
  data_date TEXT NOT NULL,
  scored_by TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  PRIMARY KEY (score_batch, person_id)
);
CREATE INDEX risk_scores_by_person ON risk_scores (person_id, score_batch);
)SQL"},
      // Engagement coaching, continued (coaching/records.h, coaching/notes.h): referrals to the
      // NEET vulnerable group panel with the panel's decision (identity (person_id,
      // referred_date), updated in place like the other coaching rows); notes on a young
      // person, some confidential; action plans with their goals, and the plans' actions and
      // reviews. Notes, plans and steps are numbered by the store.
      {7, "coaching panel, notes and action plans", R"SQL(
CREATE TABLE panel_referrals (
  person_id TEXT NOT NULL,
  referred_date TEXT NOT NULL,
  school_id TEXT NOT NULL,
  rag TEXT NOT NULL,
  reason TEXT NOT NULL,
  panel_date TEXT,
  decision TEXT,
  actions TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (person_id, referred_date)
);
CREATE INDEX panel_referrals_by_school ON panel_referrals (school_id, referred_date);
CREATE TABLE coaching_notes (
  note_id BIGINT PRIMARY KEY,
  person_id TEXT NOT NULL,
  note_date TEXT NOT NULL,
  confidential INTEGER NOT NULL,
  body TEXT NOT NULL,
  coach_id TEXT,
  written_by TEXT NOT NULL,
  written_at TEXT NOT NULL
);
CREATE INDEX coaching_notes_by_person ON coaching_notes (person_id, note_date);
CREATE TABLE action_plans (
  plan_id BIGINT PRIMARY KEY,
  person_id TEXT NOT NULL,
  created_date TEXT NOT NULL,
  goal TEXT NOT NULL,
  closed_date TEXT,
  coach_id TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX action_plans_by_person ON action_plans (person_id, created_date);
CREATE TABLE action_plan_steps (
  plan_id BIGINT NOT NULL REFERENCES action_plans (plan_id),
  step_no INTEGER NOT NULL,
  kind TEXT NOT NULL,
  step_date TEXT NOT NULL,
  body TEXT NOT NULL,
  done_date TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (plan_id, step_no)
);
)SQL"},
      // indicator_rows' UNIQUE (person_seq, academic_year) already indexes exactly those
      // columns: the second index only cost every import a B-tree insert per row.
      {8, "drop the index that repeats indicator_rows' unique key", R"SQL(
DROP INDEX indicators_by_person;
)SQL"},
  };
  return list;
}

}  // namespace

std::string store_timestamp() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t latest_schema_version() { return migrations().back().version; }

constexpr const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at TEXT NOT NULL)";

int64_t schema_version(Db& db) {
  // Outside a transaction a missing table is simply version 0.
  try {
    auto rows = db.query("SELECT MAX(version) FROM schema_migrations");
    return rows->next() ? rows->integer(0) : 0;
  } catch (const DbError&) {
    return 0;
  }
}

void migrate(Db& db) {
  if (schema_version(db) >= latest_schema_version()) return;  // the usual case: no lock taken
  // Under the writers' lock, so two processes starting at once apply each migration once.
  db.begin_exclusive();
  try {
    db.exec(kCreateMigrations);
    int64_t current = 0;
    {
      auto rows = db.query("SELECT MAX(version) FROM schema_migrations");
      if (rows->next()) current = rows->integer(0);
    }
    for (const auto& m : migrations()) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      const char* extra = db.dialect() == "postgresql" ? m.postgres_sql : m.sqlite_sql;
      if (extra) db.exec(extra);
      db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
               {std::to_string(m.version), std::string(m.name), store_timestamp()});
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}


}  // namespace pathways
