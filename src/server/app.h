// The web application: the JSON API (docs/openapi.json) and the GOV.UK-styled pages,
// served by cpp-httplib from one process.
//
// Contract:
//  * Every route is declared with the permission it needs (server/access.h); the check runs
//    on the server for every request before the handler, and handlers that show a person
//    check that the signed-in user may see that person (a school its own pupils, a coach
//    their caseload). Denials are 401 (not signed in), 403 (role) or 404 (a person the
//    user may not see looks the same as one that does not exist).
//  * Every read or change of personal data is written to the audit log before the
//    response leaves (auth/accounts.h AuditLog).
//  * State-changing requests need the session's CSRF token (a form field, or the
//    X-CSRF-Token header for the API).
//  * Reports and searches read an in-memory Dataset loaded from the store; a change made
//    through the application is written to the store first, then the Dataset is reloaded
//    and swapped in, so readers never see a half-applied change.
#pragma once

#include <memory>
#include <string>

#include "domain/date.h"

namespace pathways::web {

struct ServerOptions {
  std::string db_url = "sqlite:pathways.db";
  std::string la;                 // 3-digit reporting LA; "" = everyone counts as resident
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string assets_dir;         // built front-end assets (web/build.mjs); "" = look beside the binary
  std::string rules_path;         // "" = built-in rules
  std::string dashboard_path;     // targets and national figures; "" = built-in data/dashboard.json
  bool secure_cookies = false;    // mark the session cookie Secure (set when serving behind TLS)
  unsigned threads = 0;           // worker threads; 0 = a default that covers 64 keep-alive connections
  Date as_of = kNoDate;           // "today" for the dashboard and queues; kNoDate = the real date
  bool access_log = true;         // one line per request on stdout (no query strings, no ids)
  std::string programmes_path;     // coaching programmes' session names; "" = built-in data/programmes.json
  std::string roni_criteria_path;  // RONI criteria (risk/criteria.h); "" = built-in data/roni.json
  int recording_day = 23;         // coaches' monthly recording day (1-31; coaching/recording.h)
};

struct Impl;

class App {
 public:
  // Opens the store (applying migrations) and loads the data. Throws on failure.
  explicit App(ServerOptions options);
  ~App();
  // Binds the port (0 = any free port; port() tells which) without serving yet.
  void bind();
  int port() const;
  // Serves until stop() is called (from another thread or a signal handler).
  void serve();
  void stop();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pathways::web
