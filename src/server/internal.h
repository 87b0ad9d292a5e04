// Shared between the server's source files: the loaded data, the request context and the
// helpers handlers use. Not part of the library's interface.
#pragma once

#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "coaching/notes.h"
#include "coaching/programmes.h"
#include "coaching/records.h"
#include "domain/rules.h"
#include "engine/dataset.h"
#include "engine/status.h"
#include "report/participation.h"
#include "risk/criteria.h"
#include "server/access.h"
#include "server/app.h"
#include "server/dashboard.h"
#include "server/html.h"
#include "store/db.h"

namespace pathways::web {

// One consistent view of the store, replaced as a whole after every change.
struct Loaded {
  Dataset ds;
  Caseloads caseloads;
  std::unordered_map<uint32_t, std::string> coach_of;  // person -> current coach_id
  CoachingRecords coaching;                            // caseloads, sessions, assessments, contacts
  NotesAndPlans notes;                                 // notes and action plans (coaching/notes.h)
  int64_t version = 0;
  std::vector<std::string> schools;  // school ids, sorted
  // The dashboard, computed on first use.
  mutable std::once_flag dashboard_once;
  mutable std::string dashboard;
  // Report JSON by request ("statutory:2026-01"), computed on first use.
  mutable std::mutex cache_mutex;
  mutable std::map<std::string, std::string> cache;
};

struct Impl;

// One request on its way through a handler.
struct Ctx {
  Impl& app;
  const httplib::Request& req;
  httplib::Response& res;
  std::optional<Session> session;  // set for every route but kPublic ones (and those when signed in)
  std::shared_ptr<const Loaded> data;
  const User& user() const { return session->user; }
  std::string remote() const;
  // A form field or query parameter ("" when absent).
  std::string param(const std::string& name) const;
  // Records an audit entry for the signed-in user (blocks until committed).
  void audit(const std::string& action, const std::string& record_type, const std::string& record_id,
             const std::string& detail = "");
  // Responses.
  void json(int status, const nlohmann::ordered_json& body);
  void json_error(int status, const std::string& message, const nlohmann::ordered_json& errors = nullptr);
  void html(int status, const PageOptions& options, const std::string& main);
  void redirect(const std::string& location);
  // Page options with navigation for the signed-in user; `current` is the nav href to mark.
  PageOptions page_options(const std::string& title, const std::string& current) const;
  // A page saying the thing was not found (also used when the user may not see it).
  void not_found();
  void forbidden();
  bool may_see(uint32_t p) const;
  Date today() const;
};

using Handler = std::function<void(Ctx&)>;

struct Impl {
  explicit Impl(ServerOptions o);

  ServerOptions options;
  Rules rules;
  DashboardConfig dashboard_config;
  ReportScope scope;
  Programmes programmes;           // session names per coaching programme
  risk::Criteria roni_criteria;   // the RONI criteria registers are scored with
  std::string roni_criteria_text;  // the criteria file as read, frozen with each register
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<AuditLog> audit_log;
  httplib::Server server;
  int bound_port = 0;
  int listen_socket = -1;

  std::mutex write_mutex;  // one writer at a time through the application
  std::unique_ptr<Db> write_db;

  std::mutex data_mutex;
  std::shared_ptr<const Loaded> data_;
  std::atomic<int64_t> version{0};
  std::shared_ptr<const Loaded> data() {
    std::lock_guard lock(data_mutex);
    return data_;
  }
  // Reads the store into a new Loaded and swaps it in. Call with write_mutex held.
  void reload();
  // reload(), for after a change is committed: "" when it worked, otherwise why not (the
  // pages then show the data as before the change until the next reload).
  std::string try_reload();

  // Error reports of uploads, kept for download for a while (by random id).
  std::mutex uploads_mutex;
  std::map<std::string, std::pair<int64_t, std::string>> upload_reports;  // id -> (user id, csv)

  Date today() const;
  // Signs in and writes the audit record of the attempt (sign_in or sign_in_failed).
  SignInResult sign_in(Ctx& ctx, const std::string& username, const std::string& password);
  // The dashboard JSON of the loaded data, computed on first use.
  const std::string& dashboard(const Ctx& ctx);
  void route(const std::string& method, const std::string& pattern, Permission permission, bool api, Handler handler);
  void register_api();
  void register_pages();
  void register_coaching_pages();
  void register_risk_pages();
  // Freezes the register of the latest scheduled date (Criteria::register_dates) that has
  // passed since the last scheduled register, if any. Call with write_mutex held.
  void freeze_due_register();
  void register_recording_pages();  // server/recording_pages.cc
  void register_panel_pages();      // server/panel_pages.cc
  void register_partner_pages();    // server/partner_pages.cc
  // A problem report for a rejected file: an error summary ("<subject> N problems. Nothing
  // was stored."), a link to the problems as CSV (kept for this user) and a table of them.
  std::string problems_html(Ctx& ctx, const LoadReport& report, std::string_view subject);
};

// The session cookie of a request ("" when none), and a Set-Cookie value that sets or
// clears it.
std::string session_token(const httplib::Request& req);
std::string session_cookie(const Impl& app, const std::string& token, bool clear);

// A temporary folder of its own, removed with everything in it when this goes.
struct ScratchDir {
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path path;
};

// --- Shared views --------------------------------------------------------------------

// A POST form's opening tag with the session's CSRF token.
std::string form_open(const Ctx& ctx, const std::string& action, bool multipart = false);
// The person's name as a link to their page.
std::string person_link(const Dataset& ds, uint32_t p);

// The person as JSON (details, characteristics, status on `on`, activity history).
nlohmann::ordered_json person_json(const Loaded& data, const Rules& rules, uint32_t p, Date on);
// One line about a person for search results.
nlohmann::ordered_json person_brief_json(const Loaded& data, const Rules& rules, uint32_t p, Date on);
// "NEET", "Not known", "Education", ... for the status of person p on a date.
std::string status_label(const Dataset& ds, const Rules& rules, const Status& s);
std::string status_colour(const Dataset& ds, const Rules& rules, const Status& s);

// The not-known queue: people in the cohort (academic age 16-17 on `on`, resident, status
// P or G) whom the user may see, whose status is not known or lapses within 30 days,
// most vulnerable first, then longest since their status was last confirmed.
struct QueueRow {
  uint32_t person = 0;
  Status status;
  int vulnerability = 0;       // vulnerable characteristics, plus one for an EHC plan
  Date last_confirmed = kNoDate;
  bool not_known = false;      // false: known now, but lapses within 30 days
};
std::vector<QueueRow> not_known_queue(const Ctx& ctx, Date on);
nlohmann::ordered_json queue_row_json(const Ctx& ctx, const QueueRow& row, Date on);

// Report JSON for the API and the pages, cached per loaded version. Throws
// std::invalid_argument for a malformed month or year.
std::string statutory_json(Ctx& ctx, const std::string& month);
std::string annual_json(Ctx& ctx, const std::string& year);

// The coaching part of the person page: touchpoint counts, a timeline of sessions,
// contacts and assessments, and (for roles that record) forms to add a contact or a session.
std::string coaching_section(Ctx& ctx, uint32_t p);

// The early-identification part of the person page: the newest register entry (score, RAG,
// the indicators behind it, the school's decision) and the newest learned-model score with
// its top factors, each with its data date.
std::string risk_section(Ctx& ctx, uint32_t p);

// Validates and records one activity row for person p through the same checks as a file
// import, as a new version in the store (an existing activity with the same code and start
// date gets a new version). Returns field errors (empty on success).
std::vector<FieldError> record_activity(Impl& app, Ctx& ctx, uint32_t p, const std::map<std::string, std::string>& fields);

}  // namespace pathways::web
