// Accounts, sessions and the audit log (src/auth), on both databases, and the `pathways user`
// commands.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "auth/password.h"
#include "auth/timestamp.h"
#include "auth/utf8.h"
#include "testing.h"

namespace pathways {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "a long enough passphrase";

// --- Passwords, tokens, text ----------------------------------------------------------

TEST(AuthPassword, HashIsArgon2idAndVerifies) {
  const std::string h = hash_password(kPassword);
  EXPECT_TRUE(h.starts_with("$argon2id$")) << h;
  EXPECT_TRUE(verify_password(h, kPassword));
  EXPECT_FALSE(verify_password(h, "a long enough passphrasE"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_FALSE(verify_password("not a hash", kPassword));
  EXPECT_FALSE(verify_password("", kPassword));
  EXPECT_NE(hash_password(kPassword), h) << "every hash has its own salt";
  EXPECT_FALSE(password_needs_rehash(h));
  EXPECT_TRUE(password_needs_rehash("not a hash"));
}

TEST(AuthPassword, Problems) {
  EXPECT_EQ(password_problem(kPassword, "alice"), "");
  EXPECT_NE(password_problem("short", "alice").find("too short"), std::string::npos);
  EXPECT_NE(password_problem("elevenchars", "bob"), "");           // 11
  EXPECT_EQ(password_problem("twelve chars", "bob"), "");          // 12
  EXPECT_EQ(password_problem("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "bob"), "")
      << "12 code points in 24 bytes";
  EXPECT_NE(password_problem("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "bob"), "")
      << "11 code points in 22 bytes";
  EXPECT_EQ(password_problem(std::string(256, 'x'), "bob"), "");
  EXPECT_NE(password_problem(std::string(257, 'x'), "bob").find("too long"), std::string::npos);
  EXPECT_NE(password_problem("valid until \xff here", "bob").find("UTF-8"), std::string::npos);
  EXPECT_NE(password_problem("has a\ttab in it", "bob").find("control"), std::string::npos);
  EXPECT_NE(password_problem("has a newline\n", "bob").find("control"), std::string::npos);
  EXPECT_NE(password_problem("C1 control \u0085 here", "bob").find("control"), std::string::npos);
  EXPECT_NE(password_problem(std::string("NUL\0 inside it", 15), "bob").find("control"), std::string::npos);
  EXPECT_NE(password_problem("Alice.Smith@LA", "alice.smith@la").find("must not be the username"), std::string::npos);
  EXPECT_NE(password_problem("my name is ALICE.SMITH ok", "alice.smith").find("contain the username"),
            std::string::npos);
}

TEST(AuthPassword, TokensDigestsAndComparison) {
  const std::string t = random_token();
  EXPECT_EQ(t.size(), 43u) << "32 bytes in unpadded base64";
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_NE(random_token(), t);
  EXPECT_EQ(random_token(12).size(), 16u);
  EXPECT_EQ(token_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("same", "sane"));
  EXPECT_FALSE(constant_time_equal("same", "same!"));
}

TEST(AuthText, Utf8AndTimestamps) {
  EXPECT_EQ(utf8_length("a\u00e9\u20ac\U0001F600"), 4u);
  EXPECT_FALSE(utf8_length("\xc0\xaf"));        // overlong
  EXPECT_FALSE(utf8_length("\xed\xa0\x80"));    // surrogate
  EXPECT_FALSE(utf8_length("\xe2\x82"));        // truncated
  EXPECT_EQ(sanitize_utf8(std::string("a\xff" "b\0c", 5)), "a\uFFFDb\uFFFDc");

  const auto t = parse_timestamp("2026-01-31T09:30:05.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(timestamp_ms(*t), "2026-01-31T09:30:05.123Z");
  EXPECT_EQ(timestamp_ms(*parse_timestamp("2026-01-31")), "2026-01-31T00:00:00.000Z");
  EXPECT_EQ(timestamp_ms(*parse_timestamp("2026-01-31 09:30")), "2026-01-31T09:30:00.000Z");
  EXPECT_EQ(timestamp_ms(*parse_timestamp("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59.000Z");
  for (const char* bad : {"", "2026-02-30", "2026-1-31", "2026-01-31T24:00", "2026-01-31T09:30:05.", "yesterday",
                          "2026-01-31T09:30Zx"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

TEST(AuthRoles, NamesRoundTrip) {
  EXPECT_EQ(all_roles().size(), 6u);
  for (Role r : all_roles()) EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_EQ(parse_role("data_officer"), Role::data_officer);
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role("root"));
  EXPECT_EQ(role_names(), "admin, data_officer, manager, coach, school, viewer");
}

// --- Accounts and sessions -----------------------------------------------------------

class AccountsTest : public testing::DatabaseTest {
 protected:
  NewUser user(const std::string& name, Role role = Role::manager) {
    NewUser u;
    u.username = name;
    u.role = role;
    u.password = kPassword;
    return u;
  }
  Session sign_in_ok(Accounts& a, const std::string& name, const std::string& password = kPassword,
                     const std::string& remote = "10.0.0.1") {
    SignInResult r = a.sign_in(name, password, remote);
    EXPECT_EQ(r.status, SignInStatus::ok);
    if (!r.session) throw std::runtime_error("sign-in failed");
    return *r.session;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(AccountsTest, MigrationAddsTheTables) {
  Accounts a(url());
  EXPECT_GE(schema_version(db()), 3);
  for (const char* table : {"users", "user_sessions", "login_failures", "audit_log"}) EXPECT_EQ(count(table), 0) << table;
}

TEST_P(AccountsTest, AddUserValidatesAndStores) {
  Accounts a(url());
  const User u = a.add_user(user("alice.smith"), "admin1");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.username, "alice.smith");
  EXPECT_EQ(u.role, Role::manager);
  EXPECT_FALSE(u.must_change_password);
  EXPECT_FALSE(u.created_at.empty());

  NewUser s = user("school1", Role::school);
  s.school_id = "S100";
  s.must_change_password = true;
  const User su = a.add_user(s, "admin1");
  EXPECT_NE(su.id, u.id);
  NewUser c = user("coach1", Role::coach);
  c.coach_id = "C7";
  a.add_user(c, "admin1");

  auto expect_refused = [&](NewUser nu, const std::string& because) {
    try {
      a.add_user(nu, "admin1");
      ADD_FAILURE() << "accepted " << nu.username << ", expected: " << because;
    } catch (const AccountError& e) {
      EXPECT_NE(std::string(e.what()).find(because), std::string::npos) << e.what();
    }
  };
  expect_refused(user("alice.smith"), "already exists");
  expect_refused(user("Alice.Smith"), "already exists");
  expect_refused(user("ab"), "3 to 64");
  expect_refused(user(std::string(65, 'a')), "3 to 64");
  expect_refused(user("bad name"), "may contain only");
  expect_refused(user("school2", Role::school), "needs a school id");
  expect_refused(user("coach2", Role::coach), "needs a coach id");
  NewUser admin_with_school = user("admin2", Role::admin);
  admin_with_school.school_id = "S1";
  expect_refused(admin_with_school, "only a user with role school");
  NewUser short_pw = user("bob");
  short_pw.password = "too short";
  expect_refused(short_pw, "too short");
  NewUser named_pw = user("bobbybobby");
  named_pw.password = "I am bobbybobby!";
  expect_refused(named_pw, "username");

  const auto all = a.users();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].username, "alice.smith");
  EXPECT_EQ(all[2].username, "school1");
  EXPECT_EQ(all[2].school_id, "S100");
  EXPECT_TRUE(all[2].must_change_password);
  EXPECT_EQ(a.find_user("ALICE.SMITH")->id, u.id);
  EXPECT_EQ(a.find_user("coach1")->coach_id, "C7");
  EXPECT_FALSE(a.find_user("nobody"));
  EXPECT_FALSE(a.find_user("no one"));

  // Only the hash is stored.
  auto rows = db().query("SELECT password_hash FROM users WHERE username = $1", {std::string("alice.smith")});
  ASSERT_TRUE(rows->next());
  EXPECT_TRUE(std::string(rows->text(0)).starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(std::string(rows->text(0)), kPassword));
}

TEST_P(AccountsTest, SignInSessionAndSignOut) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "Alice");  // usernames ignore case
  EXPECT_EQ(s.user.username, "alice");
  EXPECT_EQ(s.token.size(), 43u);
  EXPECT_EQ(s.csrf_token.size(), 43u);
  EXPECT_NE(s.token, s.csrf_token);
  EXPECT_FALSE(s.expires_at.empty());

  // Only the token's digest is stored.
  auto rows = db().query("SELECT token_digest, csrf_token, remote FROM user_sessions");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), token_digest(s.token));
  EXPECT_EQ(rows->text(1), s.csrf_token);
  EXPECT_EQ(rows->text(2), "10.0.0.1");
  rows.reset();

  const auto looked_up = a.session(s.token);
  ASSERT_TRUE(looked_up);
  EXPECT_EQ(looked_up->token, "");
  EXPECT_EQ(looked_up->csrf_token, s.csrf_token);
  EXPECT_EQ(looked_up->user.id, s.user.id);
  EXPECT_EQ(looked_up->user.role, Role::manager);
  // Another process (here: another Accounts) finds it in the database.
  Accounts other(url());
  ASSERT_TRUE(other.session(s.token));

  EXPECT_FALSE(a.session(""));
  EXPECT_FALSE(a.session("not-a-token"));
  EXPECT_FALSE(a.session(std::string(1000, 'x')));

  EXPECT_EQ(a.sign_in("alice", "a long enough passphrasE", "10.0.0.1").status, SignInStatus::bad_credentials);
  EXPECT_EQ(a.sign_in("nobody", kPassword, "10.0.0.1").status, SignInStatus::bad_credentials);
  EXPECT_EQ(a.sign_in("not a name\xff", kPassword, "10.0.0.1").status, SignInStatus::bad_credentials);
  EXPECT_EQ(count("login_failures"), 3);

  a.sign_out(s.token);
  EXPECT_FALSE(a.session(s.token));
  EXPECT_EQ(count("user_sessions"), 0);
  a.sign_out(s.token);  // again: ignored
  a.sign_out("unknown");
}

TEST_P(AccountsTest, ThrottlesAfterFiveFailuresForAUsername) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  // Four failures, then a success, clear the count.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.sign_in("alice", "wrong password!", "10.0.0.1").status, SignInStatus::bad_credentials);
  sign_in_ok(a, "alice");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(a.sign_in("alice", "wrong password!", "10.0.0." + std::to_string(i)).status, SignInStatus::bad_credentials)
        << i;
  const SignInResult r = a.sign_in("alice", kPassword, "10.0.0.9");
  EXPECT_EQ(r.status, SignInStatus::throttled);
  EXPECT_FALSE(r.session);
  EXPECT_GT(r.retry_after_seconds, 14 * 60);
  EXPECT_LE(r.retry_after_seconds, 15 * 60);
  EXPECT_EQ(a.sign_in("ALICE", kPassword, "10.0.0.9").status, SignInStatus::throttled);
  EXPECT_EQ(count("login_failures"), 5) << "throttled attempts are not counted";

  // The window passes (failures moved 15 minutes into the past).
  db().query("UPDATE login_failures SET at = $1",
             {timestamp_ms(std::chrono::system_clock::now() - std::chrono::minutes(16))});
  sign_in_ok(a, "alice");
}

TEST_P(AccountsTest, ThrottlesARemoteAddressAfterTwentyFailures) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(a.sign_in("user" + std::to_string(i), "wrong password!", "192.0.2.1").status, SignInStatus::bad_credentials);
  const SignInResult r = a.sign_in("alice", kPassword, "192.0.2.1");
  EXPECT_EQ(r.status, SignInStatus::throttled);
  EXPECT_GT(r.retry_after_seconds, 0);
  sign_in_ok(a, "alice", kPassword, "192.0.2.2");
}

TEST_P(AccountsTest, DisabledUsersCannotSignInAndLoseTheirSessions) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "alice");
  a.set_disabled("alice", true, "admin1");
  EXPECT_TRUE(a.find_user("alice")->disabled);
  EXPECT_FALSE(a.session(s.token));
  EXPECT_EQ(a.sign_in("alice", kPassword, "10.0.0.1").status, SignInStatus::disabled);
  EXPECT_EQ(a.sign_in("alice", "wrong password!", "10.0.0.1").status, SignInStatus::bad_credentials)
      << "only the right password learns the account is disabled";
  a.set_disabled("alice", false, "admin1");
  sign_in_ok(a, "alice");
  EXPECT_THROW(a.set_disabled("nobody", true, "admin1"), AccountError);

  auto rows = db().query("SELECT updated_by FROM users WHERE username = 'alice'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "admin1");
}

TEST_P(AccountsTest, SessionsExpireWhenIdleAndSlideWithUse) {
  Accounts a(url(), std::chrono::seconds(1));
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "alice");
  // Used every 0.3 s for 1.5 s: longer than the idle time, but never idle that long.
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(a.session(s.token)) << i;
  }
  std::this_thread::sleep_for(1100ms);
  EXPECT_FALSE(a.session(s.token));
  EXPECT_FALSE(Accounts(url(), std::chrono::seconds(1)).session(s.token));

  // Expiry as stored is honoured by a process that never cached the session.
  const Session s2 = sign_in_ok(a, "alice");
  db().query("UPDATE user_sessions SET expires_at = $1", {std::string("2000-01-01T00:00:00.000Z")});
  EXPECT_FALSE(Accounts(url()).session(s2.token));
}

TEST_P(AccountsTest, ChangesElsewhereReachCachedSessionsWithinTheRefreshInterval) {
  Accounts a(url(), std::chrono::seconds(2));  // refreshed from the database every second
  Accounts b(url(), std::chrono::seconds(2));
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "alice");
  ASSERT_TRUE(a.session(s.token));
  b.sign_out(s.token);
  std::this_thread::sleep_for(1100ms);
  EXPECT_FALSE(a.session(s.token));
}

TEST_P(AccountsTest, ChangePasswordKeepsOnlyTheCurrentSession) {
  Accounts a(url());
  NewUser nu = user("alice");
  nu.must_change_password = true;
  a.add_user(nu, "admin1");
  const Session s1 = sign_in_ok(a, "alice");
  const Session s2 = sign_in_ok(a, "alice");
  EXPECT_TRUE(s1.user.must_change_password);
  ASSERT_TRUE(a.session(s2.token));

  const std::string next = "another long passphrase";
  EXPECT_THROW(a.change_password(s1.user, "wrong current pw", next, s1.token), AccountError);
  EXPECT_THROW(a.change_password(s1.user, kPassword, "short", s1.token), AccountError);
  EXPECT_THROW(a.change_password(s1.user, kPassword, kPassword, s1.token), AccountError);
  a.change_password(s1.user, kPassword, next, s1.token);

  const auto kept = a.session(s1.token);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->user.must_change_password);
  EXPECT_FALSE(a.session(s2.token));
  EXPECT_EQ(count("user_sessions"), 1);
  EXPECT_EQ(a.sign_in("alice", kPassword, "10.0.0.1").status, SignInStatus::bad_credentials);
  const Session s3 = sign_in_ok(a, "alice", next);

  // Without a session to keep, all of them end.
  a.change_password(s3.user, next, "a third long passphrase");
  EXPECT_FALSE(a.session(s1.token));
  EXPECT_FALSE(a.session(s3.token));
  EXPECT_EQ(count("user_sessions"), 0);
}

TEST_P(AccountsTest, WrongCurrentPasswordsAreThrottled) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "alice");
  for (int i = 0; i < 5; ++i) EXPECT_THROW(a.change_password(s.user, "wrong current pw", "a new long passphrase"), AccountError);
  try {
    a.change_password(s.user, kPassword, "a new long passphrase");
    ADD_FAILURE() << "not throttled";
  } catch (const AccountError& e) {
    EXPECT_NE(std::string(e.what()).find("too many"), std::string::npos) << e.what();
  }
}

TEST_P(AccountsTest, AdminSetPasswordEndsSessionsAndCanRequireAChange) {
  Accounts a(url());
  a.add_user(user("alice"), "admin1");
  const Session s = sign_in_ok(a, "alice");
  EXPECT_EQ(a.sign_in("alice", "wrong password!", "10.0.0.1").status, SignInStatus::bad_credentials);
  const std::string reset = "reset by the admin";
  EXPECT_THROW(a.set_password("alice", "short", true, "admin1"), AccountError);
  EXPECT_THROW(a.set_password("nobody", reset, true, "admin1"), AccountError);
  a.set_password("ALICE", reset, true, "admin1");
  EXPECT_FALSE(a.session(s.token));
  EXPECT_EQ(count("login_failures"), 0);
  const Session s2 = sign_in_ok(a, "alice", reset);
  EXPECT_TRUE(s2.user.must_change_password);
}

// --- The audit log ---------------------------------------------------------------------

class AuditTest : public testing::DatabaseTest {
 protected:
  static AuditEntry entry(const std::string& user, const std::string& action, const std::string& record_id) {
    AuditEntry e;
    e.username = user;
    e.role = "coach";
    e.action = action;
    e.record_type = "person";
    e.record_id = record_id;
    e.remote = "10.0.0.1";
    return e;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(AuditTest, RecordsAndSearches) {
  AuditLog log(url());
  log.record(entry("alice", "view", "P1"));
  log.record(entry("bob", "view", "P2"));
  log.record(entry("alice", "export", ""));
  AuditEntry hostile = entry("carol", "view", "P1");
  hostile.detail = std::string("bad \xff byte and a NUL \0 here", 27);
  log.record(hostile);

  const auto all = log.search({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].username, "carol") << "newest first";
  EXPECT_EQ(all[0].detail, "bad \uFFFD byte and a NUL \uFFFD here");
  EXPECT_EQ(all[3].username, "alice");
  EXPECT_EQ(all[3].action, "view");
  EXPECT_EQ(all[3].record_type, "person");
  EXPECT_EQ(all[3].remote, "10.0.0.1");
  EXPECT_EQ(all[1].record_id, "");
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i].id, all[i - 1].id);
    EXPECT_LE(all[i].at, all[i - 1].at);
  }
  ASSERT_TRUE(parse_timestamp(all[0].at));
  EXPECT_EQ(all[0].at.size(), 24u) << all[0].at;

  AuditQuery by_user;
  by_user.username = "alice";
  EXPECT_EQ(log.search(by_user).size(), 2u);
  AuditQuery by_record;
  by_record.record_id = "P1";
  const auto p1 = log.search(by_record);
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(p1[0].username, "carol");
  EXPECT_EQ(p1[1].username, "alice");
  AuditQuery by_action;
  by_action.action = "export";
  EXPECT_EQ(log.search(by_action).size(), 1u);

  AuditQuery page;
  page.limit = 2;
  const auto first = log.search(page);
  ASSERT_EQ(first.size(), 2u);
  page.before_id = first.back().id;
  const auto second = log.search(page);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].id, first.back().id - 1);

  const std::string today = all[0].at.substr(0, 10);
  AuditQuery dated;
  dated.from = today;
  dated.to = today;
  EXPECT_EQ(log.search(dated).size(), 4u);
  dated.from = "2000-01-01";
  dated.to = "2000-12-31T23:59";
  EXPECT_EQ(log.search(dated).size(), 0u);
  dated.from = all[1].at;  // inclusive
  dated.to = all[1].at;
  const auto exact = log.search(dated);
  ASSERT_GE(exact.size(), 1u);
  EXPECT_EQ(exact.back().at, all[1].at);
  dated.from = "last tuesday";
  EXPECT_THROW(log.search(dated), AccountError);
}

TEST_P(AuditTest, TheDatabaseRefusesUpdateAndDelete) {
  {
    AuditLog log(url());
    log.record(entry("alice", "view", "P1"));
  }
  EXPECT_THROW(db().query("UPDATE audit_log SET username = 'mallory'"), DbError);
  EXPECT_THROW(db().query("DELETE FROM audit_log"), DbError);
  EXPECT_THROW(db().query("DELETE FROM audit_log WHERE audit_id = 1"), DbError);
  if (GetParam() == "postgresql") {
    EXPECT_THROW(db().exec("TRUNCATE audit_log"), DbError);
  }
  auto rows = db().query("SELECT username FROM audit_log");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->text(0), "alice");
  EXPECT_FALSE(rows->next());
}

TEST_P(AuditTest, ConcurrentCallersShareCommits) {
  constexpr int kThreads = 16, kEach = 50;
  {
    AuditLog log(url());
    std::atomic<int> failures = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          try {
            log.record(entry("user" + std::to_string(t), "view", "P" + std::to_string(i)));
          } catch (const std::exception& e) {
            ++failures;
          }
        }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures, 0);
    // Every record() returned after its commit: all are visible at once.
    EXPECT_EQ(count("audit_log"), kThreads * kEach);
  }
  auto rows = db().query("SELECT COUNT(DISTINCT audit_id), MIN(audit_id), MAX(audit_id) FROM audit_log");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), kThreads * kEach);
  EXPECT_EQ(rows->integer(1), 1);
  EXPECT_EQ(rows->integer(2), kThreads * kEach);
}

TEST_P(AuditTest, TwoLogsOnOneDatabaseAllocateDistinctIds) {
  AuditLog a(url()), b(url());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) (t % 2 ? a : b).record(entry("u" + std::to_string(t), "view", std::to_string(i)));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(count("audit_log"), 200);
}

// --- pathways user ---------------------------------------------------------------------

testing::ShellResult run(const std::string& args, const std::string& stdin_text = "") {
  const std::string feed = stdin_text.empty() ? "</dev/null " : "printf '%s\\n' '" + stdin_text + "' | ";
  return testing::shell(feed + PATHWAYS_BINARY + " " + args + " 2>&1");
}

TEST(AuthCli, UserCommands) {
  testing::TempDir dir;
  const std::string db = "sqlite:" + (dir / "s.db");
  const std::string pw = "correct horse battery";

  auto r = run("user add --db " + db + " --username alice --role admin --password-stdin --by root", pw);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "added user alice (admin)\n");

  r = run("user add --db " + db + " --username bob --role manager --password-stdin", "short");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("too short"), std::string::npos) << r.out;
  r = run("user add --db " + db + " --username bob --role superuser --password-stdin", pw);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("unknown role 'superuser'"), std::string::npos) << r.out;
  r = run("user add --db " + db + " --username bob --role school --password-stdin", pw);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("school id"), std::string::npos) << r.out;
  r = run("user add --db " + db + " --username ALICE --role admin --password-stdin", pw);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("already exists"), std::string::npos) << r.out;
  r = run("user add --db " + db + " --username bob --role manager --password-stdin");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("no password"), std::string::npos) << r.out;

  // Without --password-stdin: a one-time password, to be changed.
  r = run("user add --db " + db + " --username sch1 --role school --school S100");
  ASSERT_EQ(r.status, 0) << r.out;
  const size_t at = r.out.find("one-time password: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string one_time = r.out.substr(at + 19, 16);

  r = run("user disable --db " + db + " --username alice");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "disabled user alice\n");
  EXPECT_EQ(run("user disable --db " + db + " --username nobody").status, 2);

  r = run("user list --db " + db + " --format json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto users = nlohmann::json::parse(r.out);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]["username"], "alice");
  EXPECT_EQ(users[0]["disabled"], true);
  EXPECT_EQ(users[0]["school_id"], nullptr);
  EXPECT_EQ(users[1]["username"], "sch1");
  EXPECT_EQ(users[1]["role"], "school");
  EXPECT_EQ(users[1]["school_id"], "S100");
  EXPECT_EQ(users[1]["must_change_password"], true);
  r = run("user list --db " + db);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("school S100"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 user(s)"), std::string::npos) << r.out;

  ASSERT_EQ(run("user enable --db " + db + " --username alice").status, 0);
  r = run("user set-password --db " + db + " --username sch1 --password-stdin", "a brand new passphrase");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(run("user set-password --db " + db + " --username sch1 --password-stdin", "short").status, 2);

  Accounts accounts(db);
  EXPECT_EQ(accounts.sign_in("alice", pw, "").status, SignInStatus::ok);
  EXPECT_EQ(accounts.sign_in("sch1", one_time, "").status, SignInStatus::bad_credentials);
  const auto s = accounts.sign_in("sch1", "a brand new passphrase", "");
  ASSERT_EQ(s.status, SignInStatus::ok);
  EXPECT_FALSE(s.session->user.must_change_password);

  AuditLog log(db);
  AuditQuery q;
  q.record_id = "alice";
  const auto entries = log.search(q);
  ASSERT_EQ(entries.size(), 3u);  // add, disable, enable
  EXPECT_EQ(entries[2].action, "user.add");
  EXPECT_EQ(entries[2].username, "root");
  EXPECT_EQ(entries[2].remote, "cli");
  EXPECT_EQ(entries[1].action, "user.disable");
  EXPECT_EQ(entries[0].action, "user.enable");
}

}  // namespace
}  // namespace pathways
