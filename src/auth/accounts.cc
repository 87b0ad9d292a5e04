// Roles, users and sessions (the audit log is in audit_log.cc).
#include "auth/accounts.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/table_lock.h"
#include "auth/timestamp.h"
#include "auth/utf8.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::system_clock;

constexpr size_t kMaxUsernameFailures = 5;
constexpr size_t kMaxRemoteFailures = 20;
constexpr auto kFailureWindow = std::chrono::minutes(15);
constexpr auto kMaxRefreshInterval = std::chrono::seconds(60);
constexpr auto kSweepInterval = std::chrono::minutes(1);
constexpr size_t kMaxTokenBytes = 256;   // longer cookie values are not ours: no lookup
constexpr size_t kMaxKeyBytes = 128;     // of a username or remote kept in login_failures
constexpr size_t kMaxScopeIdBytes = 64;  // school_id, coach_id
constexpr size_t kCacheSweepSize = 10000;

struct RoleName {
  Role role;
  std::string_view name;
};
constexpr RoleName kRoles[] = {{Role::admin, "admin"},     {Role::data_officer, "data_officer"},
                               {Role::manager, "manager"}, {Role::coach, "coach"},
                               {Role::school, "school"},   {Role::viewer, "viewer"}};

// The columns of a User, in the order user_from() reads them (table alias u).
constexpr const char* kUserColumns =
    "u.user_id, u.username, u.role, u.school_id, u.coach_id, u.must_change_password, u.disabled, u.created_at";

User user_from(const DbRows& rows, size_t first) {
  User u;
  u.id = rows.integer(first);
  u.username = rows.text(first + 1);
  const auto role = parse_role(rows.text(first + 2));
  if (!role) throw DbError(fmt::format("users: user {} has an unknown role '{}'", u.id, rows.text(first + 2)));
  u.role = *role;
  u.school_id = rows.text(first + 3);
  u.coach_id = rows.text(first + 4);
  u.must_change_password = rows.integer(first + 5) != 0;
  u.disabled = rows.integer(first + 6) != 0;
  u.created_at = rows.text(first + 7);
  return u;
}

DbValue text_or_null(const std::string& s) { return s.empty() ? DbValue() : DbValue(s); }

// A name as it may appear in a message or a key: valid UTF-8, bounded.
std::string bounded_text(std::string_view s, size_t max_bytes = kMaxKeyBytes) {
  return sanitize_utf8(s.substr(0, std::min(s.size(), max_bytes)));
}

// The key that sign-in failures and case-insensitive lookups use.
std::string username_key(std::string_view username) { return ascii_lower(bounded_text(username)); }

void check_scope_id(const std::string& id, const char* what) {
  if (id.size() > kMaxScopeIdBytes) throw AccountError(fmt::format("the {} is too long: at most {} bytes", what, kMaxScopeIdBytes));
  if (!utf8_length(id) || has_control_character(id))
    throw AccountError(fmt::format("the {} must be printable UTF-8 text", what));
}

// A hash to verify against when the username is unknown, so that takes as long as a real one.
const std::string& dummy_hash() {
  static const std::string hash = hash_password(random_token(24));
  return hash;
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
  for (const auto& r : kRoles)
    if (r.name == name) return r.role;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  for (const auto& r : kRoles)
    if (r.role == role) return r.name;
  return "unknown";
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> v;
    for (const auto& r : kRoles) v.push_back(r.role);
    return v;
  }();
  return roles;
}

std::string role_names() {
  std::string s;
  for (const auto& r : kRoles) s += (s.empty() ? "" : ", ") + std::string(r.name);
  return s;
}

std::string username_problem(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) return "a username has 3 to 64 characters";
  for (char c : username) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) return "a username may contain only letters A-Z, digits and . _ @ -";
  }
  return "";
}

struct Accounts::Impl {
  struct Cached {
    std::string csrf_token;
    User user;
    SystemTime expires;  // slides with every use
    SystemTime checked;  // when the row was last read and written
  };

  std::string url;
  milliseconds idle;
  milliseconds refresh;  // how long a cached session goes without touching the database
  std::mutex mutex;      // guards everything below
  std::unique_ptr<Db> conn;
  std::unordered_map<std::string, Cached> cache;  // by token digest
  SystemTime last_sweep{};

  Db& db() {
    if (!conn) conn = open_db(url);
    return *conn;
  }

  // Runs fn(db) holding the lock. A DbError rolls back and drops the connection, so a
  // connection that broke is reopened by the next call.
  template <class F>
  auto locked(F&& fn) {
    std::lock_guard lock(mutex);
    return with_db(fn);
  }
  template <class F>
  auto with_db(F&& fn) {
    try {
      return fn(db());
    } catch (const DbError&) {
      if (conn) auth_detail::rollback_quietly(*conn);
      conn.reset();
      throw;
    } catch (...) {
      if (conn) auth_detail::rollback_quietly(*conn);
      throw;
    }
  }

  // Runs fn(db) in a transaction writing `table`, committed when fn returns.
  template <class F>
  void transaction(Db& db, std::string_view table, F&& fn) {
    auth_detail::begin_table_write(db, table);
    fn(db);
    db.commit();
  }

  void forget_user_sessions(int64_t user_id) {
    std::erase_if(cache, [&](const auto& entry) { return entry.second.user.id == user_id; });
  }

  // Seconds until `key` may try again (0: now), from the failures in the window.
  static int throttle_wait(Db& db, const char* column, const std::string& key, size_t limit, SystemTime now) {
    auto rows = db.query(fmt::format("SELECT at FROM login_failures WHERE {} = $1 AND at > $2 ORDER BY at", column),
                         {key, timestamp_ms(now - kFailureWindow)});
    std::vector<std::string> at;
    while (rows->next()) at.emplace_back(rows->text(0));
    if (at.size() < limit) return 0;
    // Once the failure `limit` places from the newest leaves the window, fewer than `limit` remain.
    const auto oldest = parse_timestamp(at[at.size() - limit]);
    const auto wait = oldest ? *oldest + kFailureWindow - now : SystemTime::duration(kFailureWindow);
    return static_cast<int>(std::max<int64_t>(1, (duration_cast<milliseconds>(wait).count() + 999) / 1000));
  }

  static int throttle(Db& db, const std::string& key, const std::string& remote, SystemTime now) {
    int wait = throttle_wait(db, "username", key, kMaxUsernameFailures, now);
    if (!remote.empty()) wait = std::max(wait, throttle_wait(db, "remote", remote, kMaxRemoteFailures, now));
    return wait;
  }

  static void record_failure(Db& db, const std::string& key, const std::string& remote, SystemTime now) {
    db.query("INSERT INTO login_failures (username, remote, at) VALUES ($1, $2, $3)", {key, remote, timestamp_ms(now)});
  }

  // Deletes expired sessions and failures that left the window, at most once a minute. A
  // session's stored expiry may lag its cached one by up to `refresh`, hence the margin.
  void sweep(Db& db, SystemTime now) {
    if (now - last_sweep < kSweepInterval) return;
    last_sweep = now;
    db.query("DELETE FROM user_sessions WHERE expires_at < $1", {timestamp_ms(now - 2 * refresh)});
    db.query("DELETE FROM login_failures WHERE at < $1", {timestamp_ms(now - kFailureWindow)});
  }

  // The user named `username` (ignoring case) and their password hash.
  static std::optional<std::pair<User, std::string>> find(Db& db, std::string_view username) {
    auto rows = db.query(fmt::format("SELECT {}, u.password_hash FROM users u WHERE LOWER(u.username) = $1", kUserColumns),
                         {username_key(username)});
    if (!rows->next()) return std::nullopt;
    User u = user_from(*rows, 0);
    return std::pair{std::move(u), std::string(rows->text(8))};
  }

  static std::pair<User, std::string> existing(Db& db, std::string_view username) {
    auto found = find(db, username);
    if (!found) throw AccountError(fmt::format("there is no user named '{}'", bounded_text(username, 64)));
    return std::move(*found);
  }

  Session session_of(const Cached& c) const {
    Session s;
    s.csrf_token = c.csrf_token;
    s.user = c.user;
    s.expires_at = timestamp_ms(c.expires);
    return s;
  }
};

Accounts::Accounts(const std::string& db_url, std::chrono::seconds session_idle) : impl_(std::make_unique<Impl>()) {
  if (session_idle.count() <= 0) throw std::invalid_argument("Accounts: session_idle must be positive");
  impl_->url = db_url;
  impl_->idle = session_idle;
  impl_->refresh = std::min<milliseconds>(kMaxRefreshInterval, impl_->idle / 2);
  migrate(impl_->db());
}

Accounts::~Accounts() = default;

User Accounts::add_user(const NewUser& nu, const std::string& created_by) {
  if (auto p = username_problem(nu.username); !p.empty()) throw AccountError(p);
  if (!parse_role(role_name(nu.role))) throw AccountError("unknown role; the roles are " + role_names());
  if (nu.role == Role::school && nu.school_id.empty()) throw AccountError("a user with role school needs a school id");
  if (nu.role != Role::school && !nu.school_id.empty()) throw AccountError("only a user with role school has a school id");
  if (nu.role == Role::coach && nu.coach_id.empty()) throw AccountError("a user with role coach needs a coach id");
  if (nu.role != Role::coach && !nu.coach_id.empty()) throw AccountError("only a user with role coach has a coach id");
  check_scope_id(nu.school_id, "school id");
  check_scope_id(nu.coach_id, "coach id");
  if (auto p = password_problem(nu.password, nu.username); !p.empty()) throw AccountError(p);

  const std::string hash = hash_password(nu.password);  // slow: outside the lock
  User u;
  u.username = nu.username;
  u.role = nu.role;
  u.school_id = nu.school_id;
  u.coach_id = nu.coach_id;
  u.must_change_password = nu.must_change_password;
  u.created_at = store_timestamp();
  impl_->locked([&](Db& db) {
    impl_->transaction(db, "users", [&](Db& db) {
      if (Impl::find(db, u.username)) throw AccountError(fmt::format("a user named '{}' already exists", u.username));
      auto rows = db.query("SELECT COALESCE(MAX(user_id), 0) FROM users");
      rows->next();
      u.id = rows->integer(0) + 1;
      rows.reset();
      db.query(
          "INSERT INTO users (user_id, username, role, school_id, coach_id, password_hash, must_change_password, "
          "disabled, created_at, created_by, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $8)",
          {std::to_string(u.id), u.username, std::string(role_name(u.role)), text_or_null(u.school_id),
           text_or_null(u.coach_id), hash, u.must_change_password ? "1" : "0", u.created_at, bounded_text(created_by)});
    });
  });
  return u;
}

std::vector<User> Accounts::users() {
  return impl_->locked([&](Db& db) {
    std::vector<User> out;
    auto rows = db.query(fmt::format("SELECT {} FROM users u ORDER BY LOWER(u.username)", kUserColumns));
    while (rows->next()) out.push_back(user_from(*rows, 0));
    return out;
  });
}

std::optional<User> Accounts::find_user(std::string_view username) {
  if (!username_problem(username).empty()) return std::nullopt;
  return impl_->locked([&](Db& db) -> std::optional<User> {
    auto found = Impl::find(db, username);
    if (!found) return std::nullopt;
    return std::move(found->first);
  });
}

SignInResult Accounts::sign_in(std::string_view username, std::string_view password, std::string_view remote) {
  const auto now = system_clock::now();
  const std::string key = username_key(username), from = bounded_text(remote);
  std::optional<std::pair<User, std::string>> found;
  const int wait = impl_->locked([&](Db& db) {
    const int w = Impl::throttle(db, key, from, now);
    if (w == 0 && username_problem(username).empty()) found = Impl::find(db, username);
    return w;
  });
  if (wait > 0) return {SignInStatus::throttled, std::nullopt, wait};

  // Outside the lock: the slow part. An unknown user costs the same.
  const bool ok = found ? verify_password(found->second, password) : (verify_password(dummy_hash(), password), false);
  if (!ok) {
    impl_->locked([&](Db& db) {
      Impl::record_failure(db, key, from, now);
      impl_->sweep(db, now);
    });
    return {SignInStatus::bad_credentials, std::nullopt, 0};
  }
  User& user = found->first;
  if (user.disabled) return {SignInStatus::disabled, std::nullopt, 0};

  const std::string rehash = password_needs_rehash(found->second) ? hash_password(password) : "";
  Session s;
  s.token = random_token();
  s.csrf_token = random_token();
  s.user = user;
  const std::string digest = token_digest(s.token);
  const auto expires = now + impl_->idle;
  s.expires_at = timestamp_ms(expires);
  impl_->locked([&](Db& db) {
    db.query("DELETE FROM login_failures WHERE username = $1", {key});
    if (!rehash.empty())
      db.query("UPDATE users SET password_hash = $1 WHERE user_id = $2 AND password_hash = $3",
               {rehash, std::to_string(user.id), found->second});
    const std::string at = timestamp_ms(now);
    db.query(
        "INSERT INTO user_sessions (token_digest, user_id, csrf_token, created_at, last_seen_at, expires_at, remote) "
        "VALUES ($1, $2, $3, $4, $4, $5, $6)",
        {digest, std::to_string(user.id), s.csrf_token, at, s.expires_at, from});
    impl_->sweep(db, now);
    if (impl_->cache.size() >= kCacheSweepSize)
      std::erase_if(impl_->cache, [&](const auto& e) { return e.second.expires <= now; });
    impl_->cache[digest] = Impl::Cached{s.csrf_token, user, expires, now};
  });
  return {SignInStatus::ok, std::move(s), 0};
}

std::optional<Session> Accounts::session(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  const std::string digest = token_digest(token);
  const auto now = system_clock::now();
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  std::optional<SystemTime> cached_expires;
  if (auto it = m.cache.find(digest); it != m.cache.end()) {
    if (now < it->second.expires) {
      if (now - it->second.checked < m.refresh) {
        it->second.expires = now + m.idle;
        return m.session_of(it->second);
      }
      cached_expires = it->second.expires;
    }
    m.cache.erase(it);
  }
  // Not cached, or due to be checked against the database and written back.
  return m.with_db([&](Db& db) -> std::optional<Session> {
    auto rows = db.query(fmt::format("SELECT s.csrf_token, s.expires_at, {} FROM user_sessions s "
                                     "JOIN users u ON u.user_id = s.user_id WHERE s.token_digest = $1",
                                     kUserColumns),
                         {digest});
    if (!rows->next()) return std::nullopt;
    Impl::Cached c;
    c.csrf_token = rows->text(0);
    SystemTime expires = parse_timestamp(rows->text(1)).value_or(SystemTime{});
    c.user = user_from(*rows, 2);
    rows.reset();
    if (cached_expires && *cached_expires > expires) expires = *cached_expires;
    if (now >= expires) {
      db.query("DELETE FROM user_sessions WHERE token_digest = $1", {digest});
      return std::nullopt;
    }
    if (c.user.disabled) return std::nullopt;
    c.expires = now + m.idle;
    c.checked = now;
    db.query("UPDATE user_sessions SET last_seen_at = $2, expires_at = $3 WHERE token_digest = $1",
             {digest, timestamp_ms(now), timestamp_ms(c.expires)});
    if (m.cache.size() >= kCacheSweepSize)
      std::erase_if(m.cache, [&](const auto& e) { return e.second.expires <= now; });
    return m.session_of(m.cache[digest] = std::move(c));
  });
}

void Accounts::sign_out(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return;
  const std::string digest = token_digest(token);
  impl_->locked([&](Db& db) {
    impl_->cache.erase(digest);
    db.query("DELETE FROM user_sessions WHERE token_digest = $1", {digest});
  });
}

void Accounts::change_password(const User& user, std::string_view current, std::string_view replacement,
                               std::string_view keep_session_token) {
  const auto now = system_clock::now();
  const std::string key = username_key(user.username);
  if (auto p = password_problem(replacement, user.username); !p.empty()) throw AccountError(p);
  if (replacement == current) throw AccountError("the new password must differ from the current one");
  std::string hash;
  const int wait = impl_->locked([&](Db& db) {
    const int w = Impl::throttle(db, key, "", now);
    auto rows = db.query("SELECT password_hash FROM users WHERE user_id = $1", {std::to_string(user.id)});
    if (rows->next()) hash = rows->text(0);
    return w;
  });
  if (wait > 0)
    throw AccountError(fmt::format("too many failed attempts: try again in {} minute(s)", (wait + 59) / 60));
  if (hash.empty()) throw AccountError("the user no longer exists");
  if (!verify_password(hash, current)) {
    impl_->locked([&](Db& db) { Impl::record_failure(db, key, "", now); });
    throw AccountError("the current password is wrong");
  }
  const std::string replacement_hash = hash_password(replacement);
  const std::string keep = keep_session_token.empty() ? "" : token_digest(keep_session_token);
  impl_->locked([&](Db& db) {
    impl_->transaction(db, "users", [&](Db& db) {
      const std::string at = store_timestamp();
      db.query(
          "UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2, updated_at = $2, "
          "updated_by = $3 WHERE user_id = $4",
          {replacement_hash, at, user.username, std::to_string(user.id)});
      db.query("DELETE FROM user_sessions WHERE user_id = $1 AND token_digest <> $2", {std::to_string(user.id), keep});
      db.query("DELETE FROM login_failures WHERE username = $1", {key});
    });
    impl_->forget_user_sessions(user.id);
  });
}

void Accounts::set_password(std::string_view username, std::string_view password, bool must_change,
                            const std::string& by) {
  const User user = impl_->locked([&](Db& db) { return Impl::existing(db, username).first; });
  if (auto p = password_problem(password, user.username); !p.empty()) throw AccountError(p);
  const std::string hash = hash_password(password);
  impl_->locked([&](Db& db) {
    impl_->transaction(db, "users", [&](Db& db) {
      const std::string at = store_timestamp();
      db.query(
          "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3, "
          "updated_by = $4 WHERE user_id = $5",
          {hash, must_change ? "1" : "0", at, bounded_text(by), std::to_string(user.id)});
      db.query("DELETE FROM user_sessions WHERE user_id = $1", {std::to_string(user.id)});
      db.query("DELETE FROM login_failures WHERE username = $1", {username_key(user.username)});
    });
    impl_->forget_user_sessions(user.id);
  });
}

void Accounts::set_disabled(std::string_view username, bool disabled, const std::string& by) {
  impl_->locked([&](Db& db) {
    const User user = Impl::existing(db, username).first;
    impl_->transaction(db, "users", [&](Db& db) {
      db.query("UPDATE users SET disabled = $1, updated_at = $2, updated_by = $3 WHERE user_id = $4",
               {disabled ? "1" : "0", store_timestamp(), bounded_text(by), std::to_string(user.id)});
      if (disabled) db.query("DELETE FROM user_sessions WHERE user_id = $1", {std::to_string(user.id)});
    });
    impl_->forget_user_sessions(user.id);
  });
}

}  // namespace pathways
