// Accounts, sessions and the audit log: who may sign in, with which role, and a record of
// everything they do with personal data.
//
// Users, sessions and sign-in failures live in the store (migration 3: users,
// user_sessions, login_failures, audit_log). Passwords are kept only as Argon2id hashes and
// session tokens only as SHA-256 digests (auth/password.h), so a copy of the database
// signs nobody in. Timestamps in these tables are UTC "YYYY-MM-DDTHH:MM:SS.mmmZ"
// (auth/timestamp.h), except users.created_at and password_changed_at, which are
// store_timestamp()s.
//
// Nothing here writes passwords or tokens to a log, a message or an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pathways {

// What a user may see and do (the server decides what each role allows):
//   admin         manages accounts and sees everything
//   data_officer  imports data and prepares returns
//   manager       sees every young person and the reports
//   coach         sees the young people of their caseload (coach_id)
//   school        sees the pupils of their school (school_id)
//   viewer        sees aggregate reports only
enum class Role { admin, data_officer, manager, coach, school, viewer };
// "admin", "data_officer", "manager", "coach", "school" or "viewer" (exactly; nullopt otherwise).
std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);
const std::vector<Role>& all_roles();
// "admin, data_officer, manager, coach, school, viewer", for messages.
std::string role_names();

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::viewer;
  std::string school_id;   // role school: the school whose pupils they see (required for school)
  std::string coach_id;    // role coach: their coach id (required for coach)
  bool must_change_password = false;
  bool disabled = false;
  std::string created_at;
};

struct Session {
  std::string token;       // the cookie value (only known at sign-in; "" when looked up)
  std::string csrf_token;  // per-session CSRF token the server puts in forms and checks
  User user;
  std::string expires_at;  // "YYYY-MM-DDTHH:MM:SS.mmmZ"; slides with use
};

// Thrown for bad input (unknown role, short password, duplicate username, missing school for
// role school, unknown user, wrong current password, ...); the message is for the user and
// never contains a password.
struct AccountError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class SignInStatus { ok, bad_credentials, throttled, disabled };
struct SignInResult {
  SignInStatus status;
  std::optional<Session> session;  // with status ok only
  int retry_after_seconds = 0;     // with status throttled: when to try again (>= 1)
};

struct NewUser {
  std::string username;
  Role role;
  std::string school_id, coach_id, password;
  bool must_change_password = false;
};

// Usernames: 3-64 characters of A-Z a-z 0-9 . _ @ -, unique ignoring case; sign-in and
// find_user() ignore case too. Returns why `username` is not acceptable, "" when it is.
std::string username_problem(std::string_view username);

// Users and sessions in the store. Thread-safe: one connection (opened from the URL, the
// schema migrated by the constructor) guarded by a mutex; the slow password hashing runs
// outside the lock. A connection that fails is reopened by the next call.
//
// Sessions end after `session_idle` without use. They are cached in memory after the first
// lookup, so a signed-in request normally costs no database round trip: the cached expiry
// slides on every use and is written back (with last_seen_at) at most every
// min(60 s, session_idle / 2), when the row is also read again. So with several server
// processes on one database, a sign-out, password change or disabling done by one process
// reaches sessions cached by another within that interval; within one process it is
// immediate (sign-out, password changes, set_password and set_disabled invalidate the cache).
//
// Writes take only short transactions of their own (never the import lock on PostgreSQL).
// On SQLite, which has one writer at a time, they wait while an import is being committed.
class Accounts {
 public:
  explicit Accounts(const std::string& db_url, std::chrono::seconds session_idle = std::chrono::hours(8));
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // AccountError on bad input: the username (username_problem), the role's school_id /
  // coach_id (required for school / coach, refused for other roles; at most 64 printable
  // characters), the password (password_problem), a username already taken.
  User add_user(const NewUser& user, const std::string& created_by);
  std::vector<User> users();  // by username
  std::optional<User> find_user(std::string_view username);

  // Throttling: after 5 failures for a username, or 20 from one remote address, within 15
  // minutes, further attempts get `throttled` with retry_after until the window passes
  // (failures recorded in login_failures; a success clears the username's failures; an empty
  // `remote` is not throttled by address). Throttled attempts are not verified and not
  // counted. Unknown usernames still take the time of a hash verification (no user
  // enumeration by timing) and count as failures like known ones. `disabled` is only
  // reported to someone who gave the right password.
  SignInResult sign_in(std::string_view username, std::string_view password, std::string_view remote);
  // nullopt when unknown, expired or the user is disabled; slides the idle expiry.
  std::optional<Session> session(std::string_view token);
  void sign_out(std::string_view token);  // unknown tokens are ignored
  // Checks the current password (a wrong one is AccountError and counts as a sign-in
  // failure, so it is throttled the same way), applies password_problem to the new one
  // (AccountError; it must also differ from the current one), clears must_change_password
  // and signs out the user's other sessions: every session but the one whose token is
  // `keep_session_token`, so with none given all of them, the caller's too.
  void change_password(const User& user, std::string_view current, std::string_view replacement,
                       std::string_view keep_session_token = {});
  // Admin reset: AccountError for an unknown user or a bad password; signs out all the user's
  // sessions and clears their sign-in failures. `by` is kept in users.updated_by.
  void set_password(std::string_view username, std::string_view password, bool must_change, const std::string& by);
  // AccountError for an unknown user. Disabling signs out all the user's sessions.
  void set_disabled(std::string_view username, bool disabled, const std::string& by);


 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // filled by the log: UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" when record() was called
  std::string username, role, action, record_type, record_id, remote, detail;
};

// Search criteria, all optional. username, record_id and action match exactly. from and to
// are UTC dates ("2026-01-31") or timestamps ("2026-01-31T09:30", ":SS", ".mmm", optional
// "Z"); both are inclusive at their own precision, so to=2026-01-31 takes the whole day.
// limit: at most that many entries (<= 0 means the default 200; capped at 10000);
// before_id > 0 pages backwards (entries with a smaller id).
struct AuditQuery {
  std::string username, record_id, action, from, to;
  int64_t limit = 200;
  int64_t before_id = 0;
};

// The append-only audit log (UPDATE and DELETE on audit_log are refused by the database's
// own triggers). record() returns only once the entry is committed (so no personal data
// leaves the server before its audit record exists), but many concurrent callers share one
// transaction (group commit on a writer thread with its own connection), so it costs little
// under load. Ids rise in the order entries were recorded.
class AuditLog {
 public:
  // Opens the writer's connection and migrates the schema (DbError on failure).
  explicit AuditLog(const std::string& db_url);
  ~AuditLog();  // flushes and stops the writer
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Throws DbError when the entry could not be committed (the caller must then not go on to
  // release the data). Text that is not valid UTF-8, and NUL bytes, are stored as U+FFFD;
  // empty record_id and detail are stored as NULL (and read back as "").
  void record(AuditEntry entry);
  // Newest first. AccountError for a from/to that is not a date or timestamp.
  std::vector<AuditEntry> search(const AuditQuery& query);


 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pathways
