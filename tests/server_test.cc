// The web server (src/server) end to end: a real web::App on a loopback port, on SQLite and
// PostgreSQL, driven over HTTP with cpp-httplib's client. Each test gets a database of its
// own with a tiny hand-written folder imported, a caseload for coach C1, and users made on
// demand (one per role).
//
// The data (as_of 2026-11-15; the October 2026 snapshot is 2026-10-31; academic age is the
// age on 2026-08-31, so everyone here is 16 or 17 and, without an LA, resident):
//
// id  name                          dob         school  activities                status 2026-10-31
// P1  Amy Lee                       2010-01-15  SCH1    230 from 2026-09-03       participating
// P2  <script>alert(1)</script> Smith 2009-05-01 SCH1   619 from 2026-09-01       NEET (lapses 2026-12-01)
// P3  =HYPERLINK("x") Jones         2010-03-03  SCH2    230 from 2026-09-03       participating
// P4  Bo Smith                      2009-11-11  SCH2    (none)                    not known
// P5  Cy Green                      2010-06-06  SCH1    330 from 2026-09-01       EET, not participating
// P6  Di White                      2008-12-20  SCH2    619 from 2026-10-01       NEET (lapses 2027-01-01)
// P7  Ed Black                      2010-02-02  SCH1    230 from 2026-09-03       participating
// P8  Flo Grey                      2009-12-12  SCH2    810 from 2026-09-01       not known
//
// October 2026: cohort 8; participating 3 (P1, P3, P7); EET not participating 1 (P5);
// NEET 2 (P2, P6); not known 2 (P4, P8). 3 + 1 + 2 + 2 = 8.
// Not-known queue on 2026-11-15 (not known, or lapsing within 30 days): P2 (lapses in 16
// days), P4, P8 -> 3 for everyone-seeing roles; school SCH1 sees only P2.
// Caseload of coach C1 on 2026-11-15: P1 (SCH1) and P6 (SCH2); P3's episode ended on
// 2026-10-01, so P3 is not on it.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "coaching/caseload.h"
#include "report/participation.h"
#include "report/render.h"
#include "server/app.h"
#include "server/html.h"
#include "store/store.h"
#include "running_app.h"
#include "testing.h"

namespace pathways {
namespace {

using nlohmann::json;
using testing::TempDir;

constexpr const char* kPassword = "a long enough passphrase";
constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kFormula = "=HYPERLINK(\"x\")";

void write_data(const TempDir& dir) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "P1,Amy,Lee,2010-01-15,F,890,P,N,,SCH1\n"
                              "P2,<script>alert(1)</script>,Smith,2009-05-01,M,890,P,N,,SCH1\n"
                              "P3,\"=HYPERLINK(\"\"x\"\")\",Jones,2010-03-03,F,890,P,N,,SCH2\n"
                              "P4,Bo,Smith,2009-11-11,M,890,P,N,,SCH2\n"
                              "P5,Cy,Green,2010-06-06,X,890,P,N,,SCH1\n"
                              "P6,Di,White,2008-12-20,F,890,P,N,,SCH2\n"
                              "P7,Ed,Black,2010-02-02,M,890,P,N,,SCH1\n"
                              "P8,Flo,Grey,2009-12-12,F,890,P,N,,SCH2\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "P1,230,2026-09-03,,,,,,\n"
                                  "P2,619,2026-09-01,,,,,,\n"
                                  "P3,230,2026-09-03,,,,,,\n"
                                  "P5,330,2026-09-01,,,,,,\n"
                                  "P6,619,2026-10-01,,,,,,\n"
                                  "P7,230,2026-09-03,,,,,,\n"
                                  "P8,810,2026-09-01,,,,,,\n");
  dir.write("coaching/caseload.csv",
            "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n"
            "P1,C1,SCH1,,2026-09-01,,\n"
            "P6,C1,SCH2,,2026-09-15,,\n"
            "P3,C1,SCH2,,2026-09-01,2026-10-01,moved_to_eet\n");
}

// A signed-in client's credentials.
struct Auth {
  std::string cookie;  // "pathways_session=..."
  std::string csrf;
};

// "name=value" of a Set-Cookie header.
std::string cookie_pair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

std::set<std::string> ids_of(const json& list) {
  std::set<std::string> ids;
  for (const auto& r : list) ids.insert(r.at("person_id").get<std::string>());
  return ids;
}

class ServerTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    write_data(dir_);
    migrate(db());
    const Dataset files = testing::load_valid(dir_);
    ASSERT_EQ(files.people.size(), 8u);
    import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
    LoadReport report;
    const auto caseload = import_caseload(db(), dir_ / "coaching/caseload.csv", "coaching/caseload.csv", files, "tester", report);
    ASSERT_TRUE(caseload) << testing::errors_of(report);
    ASSERT_EQ(caseload->added, 3);
    accounts_ = std::make_unique<Accounts>(url());

    web::ServerOptions o;
    o.db_url = url();
    o.port = 0;
    o.as_of = make_date(2026, 11, 15);
    o.access_log = false;
    o.threads = 8;
    o.assets_dir = PATHWAYS_SOURCE_DIR "/web/dist";
    ASSERT_NO_FATAL_FAILURE(running_.start(o));
  }

  void TearDown() override {
    running_.stop();
    accounts_.reset();
  }

  httplib::Client client() { return running_.client(); }


  // Signs in as the user of `role` (made on first use): admin1, data_officer1, manager1,
  // coach1 (coach C1), school1 (school SCH1), viewer1.
  Auth as(const std::string& role) {
    if (auto it = auth_.find(role); it != auth_.end()) return it->second;
    const std::string username = role + "1";
    NewUser u{username, *parse_role(role), role == "school" ? "SCH1" : "", role == "coach" ? "C1" : "", kPassword, false};
    accounts_->add_user(u, "tester");
    auto r = client().Post("/api/session", json{{"username", username}, {"password", kPassword}}.dump(), "application/json");
    if (!r || r->status != 200) {
      ADD_FAILURE() << "sign-in as " << username << " failed";
      return {};
    }
    Auth a{cookie_pair(r->get_header_value("Set-Cookie")), json::parse(r->body).at("csrf_token")};
    auth_[role] = a;
    return a;
  }

  static httplib::Headers headers(const Auth* a, bool csrf = false) {
    httplib::Headers h;
    if (a) h.emplace("Cookie", a->cookie);
    if (a && csrf) h.emplace("X-CSRF-Token", a->csrf);
    return h;
  }

  httplib::Result get(const std::string& path, const Auth* a = nullptr) { return client().Get(path, headers(a)); }
  int status(const std::string& path, const Auth& a) {
    auto r = get(path, &a);
    return r ? r->status : -1;
  }
  httplib::Result post(const std::string& path, const std::string& body, const Auth* a, bool csrf = true,
                       httplib::Headers extra = {}, const std::string& type = "application/json") {
    httplib::Headers h = headers(a, csrf);
    for (auto& [k, v] : extra) h.emplace(k, v);
    return client().Post(path, h, body, type);
  }

  int64_t versions() { return count("person_versions") + count("activity_versions") + count("import_batches"); }

  TempDir dir_;
  std::unique_ptr<Accounts> accounts_;
  testing::RunningApp running_;
  std::map<std::string, Auth> auth_;
};

#define ASSERT_RESPONSE(r) ASSERT_TRUE(r) << "no response: " << httplib::to_string((r).error())

// --- 1. Not signed in ---------------------------------------------------------------------

TEST_P(ServerTest, WithoutASessionTheApiSays401AndPagesRedirectToSignIn) {
  for (const char* path : {"/api/people?q=smith", "/api/people", "/api/dashboard", "/api/people/P1", "/api/not-known",
                           "/api/reports/statutory?month=2026-10", "/api/users", "/api/audit", "/api/session"}) {
    auto r = get(path);
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(json::parse(r->body).at("error"), "not signed in") << path;
    EXPECT_EQ(r->body.find("Amy"), std::string::npos) << path;
  }
  // A bogus cookie is no session either.
  const Auth forged{"pathways_session=not-a-real-token", "x"};
  EXPECT_EQ(status("/api/people/P1", forged), 401);
  for (const char* path : {"/people/P1", "/people", "/", "/not-known", "/reports", "/admin/users"}) {
    auto r = get(path);
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 303) << path;
    // The server sends next=%2Fpeople%2FP1 (url_encode); cpp-httplib's client percent-decodes
    // header values as it reads them, so the header arrives as next=/people/P1.
    EXPECT_EQ(r->get_header_value("Location"), "/sign-in?next=" + std::string(path)) << path;
    EXPECT_EQ(r->body.find("Amy"), std::string::npos) << path;
  }
  // A change without a session is refused too, and stores nothing.
  const int64_t before = versions();
  auto r = post("/api/people/P4/activities", R"({"activity_code":"619","start_date":"2026-11-01"})", nullptr);
  ASSERT_RESPONSE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(versions(), before);
}

// --- 2. Signing in --------------------------------------------------------------------------

TEST_P(ServerTest, SignInSetsAStrictHttpOnlyCookie) {
  accounts_->add_user({"officer", Role::data_officer, "", "", kPassword, false}, "tester");
  auto r = client().Post("/api/session", json{{"username", "officer"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_RESPONSE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  EXPECT_TRUE(set_cookie.starts_with("pathways_session=")) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Max-Age=0"), std::string::npos) << set_cookie;
  const json body = json::parse(r->body);
  EXPECT_EQ(body.at("username"), "officer");
  EXPECT_EQ(body.at("role"), "data_officer");
  EXPECT_GE(body.at("csrf_token").get<std::string>().size(), 16u);
  EXPECT_EQ(body.at("must_change_password"), false);
  EXPECT_EQ(r->body.find(kPassword), std::string::npos);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  // The cookie is a session: GET /api/session says who it is.
  const Auth a{cookie_pair(set_cookie), body.at("csrf_token")};
  auto me = get("/api/session", &a);
  ASSERT_RESPONSE(me);
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body).at("username"), "officer");
  EXPECT_EQ(json::parse(me->body).at("csrf_token"), a.csrf);
  // The sign-in is audited.
  auto rows = db().query("SELECT COUNT(*) FROM audit_log WHERE username = 'officer' AND action = 'sign_in'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 1);
  rows.reset();
  // Signing out needs the CSRF token too; afterwards the cookie is no session.
  auto no_token = client().Delete("/api/session", headers(&a));
  ASSERT_RESPONSE(no_token);
  EXPECT_EQ(no_token->status, 403);
  EXPECT_EQ(status("/api/session", a), 200);
  auto out = client().Delete("/api/session", headers(&a, true));
  ASSERT_RESPONSE(out);
  EXPECT_EQ(out->status, 204);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(status("/api/session", a), 401);
  EXPECT_EQ(status("/api/people/P1", a), 401);
}

TEST_P(ServerTest, SignInRefusesWrongPasswordsAndMalformedBodies) {
  accounts_->add_user({"officer", Role::data_officer, "", "", kPassword, false}, "tester");
  auto c = client();
  auto wrong = c.Post("/api/session", json{{"username", "officer"}, {"password", "not the passphrase"}}.dump(), "application/json");
  ASSERT_RESPONSE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  EXPECT_EQ(json::parse(wrong->body).at("error"), "wrong username or password");
  auto unknown = c.Post("/api/session", json{{"username", "nobody"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_RESPONSE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(unknown->body, wrong->body) << "an unknown user looks like a wrong password";
  for (const std::string& body : {std::string("{not json"), std::string(""), std::string("[]"),
                                 std::string(R"({"username":"officer"})"), std::string(R"({"username":1,"password":2})")}) {
    auto r = c.Post("/api/session", body, "application/json");
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_FALSE(r->has_header("Set-Cookie")) << body;
  }
}

TEST_P(ServerTest, FiveWrongPasswordsThrottleTheUsername) {
  accounts_->add_user({"officer", Role::data_officer, "", "", kPassword, false}, "tester");
  auto c = client();
  const std::string bad = json{{"username", "officer"}, {"password", "not the passphrase"}}.dump();
  for (int i = 0; i < 5; ++i) {
    auto r = c.Post("/api/session", bad, "application/json");
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 401) << "attempt " << i + 1;
  }
  auto r = c.Post("/api/session", bad, "application/json");
  ASSERT_RESPONSE(r);
  EXPECT_EQ(r->status, 429);
  ASSERT_TRUE(r->has_header("Retry-After"));
  const int retry = std::stoi(r->get_header_value("Retry-After"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 15 * 60);
  // Even the right password waits now, and gets no cookie.
  auto right = c.Post("/api/session", json{{"username", "officer"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_RESPONSE(right);
  EXPECT_EQ(right->status, 429);
  EXPECT_FALSE(right->has_header("Set-Cookie"));
  // Another username from the same address is not throttled by these five.
  accounts_->add_user({"manager", Role::manager, "", "", kPassword, false}, "tester");
  auto other = c.Post("/api/session", json{{"username", "manager"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_RESPONSE(other);
  EXPECT_EQ(other->status, 200);
}

// --- 3. Security headers ---------------------------------------------------------------------

TEST_P(ServerTest, EveryResponseCarriesTheSecurityHeaders) {
  const Auth officer = as("data_officer");
  struct Case {
    std::string path;
    const Auth* auth;
    int status;
  };
  const Case cases[] = {{"/api/people/P1", nullptr, 401},  {"/api/people/P1", &officer, 200},
                        {"/people/P1", &officer, 200},     {"/sign-in", nullptr, 200},
                        {"/people/P1", nullptr, 303},      {"/api/no-such-route", &officer, 404},
                        {"/no-such-page", nullptr, 404},   {"/api/people/NOPE", &officer, 404}};
  for (const auto& c : cases) {
    auto r = get(c.path, c.auth);
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, c.status) << c.path;
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << c.path << ": " << csp;
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << c.path << ": " << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << c.path << ": " << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << c.path << ": " << csp;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << c.path;
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer") << c.path;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << c.path;
  }
}

// --- 4. Roles ----------------------------------------------------------------------------------

TEST_P(ServerTest, ASchoolSeesOnlyItsOwnPupils) {
  const Auth school = as("school");
  const Auth officer = as("data_officer");
  // P1 and P2 are SCH1's; P3 and P4 are SCH2's.
  EXPECT_EQ(status("/api/people/P1", school), 200);
  EXPECT_EQ(status("/api/people/P2", school), 200);
  EXPECT_EQ(status("/api/people/P3", officer), 200) << "P3 exists";
  auto other = get("/api/people/P3", &school);
  ASSERT_RESPONSE(other);
  EXPECT_EQ(other->status, 404);
  auto missing = get("/api/people/NOPE", &school);
  ASSERT_RESPONSE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(other->body, missing->body) << "another school's pupil looks like nobody";
  EXPECT_EQ(other->body.find("Jones"), std::string::npos);
  EXPECT_EQ(status("/people/P3", school), 404) << "the page too";
  EXPECT_EQ(status("/people/P1", school), 200);

  // "smith" finds P2 (SCH1) and P4 (SCH2) for the officer, only P2 for the school.
  auto all = get("/api/people?q=smith", &officer);
  ASSERT_RESPONSE(all);
  ASSERT_EQ(all->status, 200);
  EXPECT_EQ(ids_of(json::parse(all->body).at("results")), (std::set<std::string>{"P2", "P4"}));
  auto mine = get("/api/people?q=smith", &school);
  ASSERT_RESPONSE(mine);
  ASSERT_EQ(mine->status, 200);
  const json results = json::parse(mine->body).at("results");
  EXPECT_EQ(ids_of(results), (std::set<std::string>{"P2"}));
  for (const auto& r : results) EXPECT_EQ(r.at("school_id"), "SCH1");
  // Exact identifiers of another school's pupil find nothing either.
  auto by_id = get("/api/people?q=P4", &school);
  ASSERT_RESPONSE(by_id);
  EXPECT_TRUE(json::parse(by_id->body).at("results").empty()) << by_id->body;
  auto by_dob = get("/api/people?q=2009-11-11", &school);  // P4's date of birth
  ASSERT_RESPONSE(by_dob);
  EXPECT_TRUE(json::parse(by_dob->body).at("results").empty()) << by_dob->body;

  // The not-known queue: P2, P4, P8 for the officer; only P2 for SCH1.
  auto q_all = get("/api/not-known", &officer);
  ASSERT_RESPONSE(q_all);
  EXPECT_EQ(ids_of(json::parse(q_all->body).at("people")), (std::set<std::string>{"P2", "P4", "P8"}));
  auto q_school = get("/api/not-known", &school);
  ASSERT_RESPONSE(q_school);
  const json qs = json::parse(q_school->body);
  EXPECT_EQ(ids_of(qs.at("people")), (std::set<std::string>{"P2"}));
  EXPECT_EQ(qs.at("total"), 1);

  // Recording for another school's pupil is a 404 too, and stores nothing.
  const int64_t before = versions();
  auto rec = post("/api/people/P4/activities", R"({"activity_code":"619","start_date":"2026-11-01"})", &school);
  ASSERT_RESPONSE(rec);
  EXPECT_EQ(rec->status, 404);
  EXPECT_EQ(versions(), before);
}

TEST_P(ServerTest, ACoachSeesOnlyTheirCurrentCaseload) {
  const Auth coach = as("coach");
  EXPECT_EQ(status("/api/people/P1", coach), 200);  // on the caseload, SCH1
  EXPECT_EQ(status("/api/people/P6", coach), 200);  // on the caseload, SCH2
  EXPECT_EQ(status("/api/people/P3", coach), 404);  // left the caseload on 2026-10-01
  EXPECT_EQ(status("/api/people/P2", coach), 404);  // never on it
  EXPECT_EQ(status("/people/P2", coach), 404);
  auto p6 = get("/api/people/P6", &coach);
  ASSERT_RESPONSE(p6);
  EXPECT_EQ(json::parse(p6->body).at("coach_id"), "C1");
  // "smith" (P2, P4) and "white" (P6) searched by the coach: only P6.
  auto smith = get("/api/people?q=smith", &coach);
  ASSERT_RESPONSE(smith);
  EXPECT_TRUE(json::parse(smith->body).at("results").empty()) << smith->body;
  auto white = get("/api/people?q=white", &coach);
  ASSERT_RESPONSE(white);
  EXPECT_EQ(ids_of(json::parse(white->body).at("results")), (std::set<std::string>{"P6"}));
  auto jones = get("/api/people?q=jones", &coach);
  ASSERT_RESPONSE(jones);
  EXPECT_TRUE(json::parse(jones->body).at("results").empty()) << "P3 is off the caseload: " << jones->body;
  // Neither P1 nor P6 is not known or lapsing within 30 days: an empty queue.
  auto queue = get("/api/not-known", &coach);
  ASSERT_RESPONSE(queue);
  EXPECT_EQ(json::parse(queue->body).at("total"), 0);
}

TEST_P(ServerTest, ViewersAndManagersSeeAggregatesOnly) {
  for (const char* role : {"viewer", "manager"}) {
    const Auth a = as(role);
    for (const char* path :
         {"/api/people", "/api/people?q=smith", "/api/people/P1", "/api/not-known", "/api/users", "/api/audit"}) {
      auto r = get(path, &a);
      ASSERT_RESPONSE(r);
      EXPECT_EQ(r->status, 403) << role << " " << path;
      EXPECT_EQ(r->body.find("Amy"), std::string::npos) << role << " " << path;
      EXPECT_EQ(r->body.find("Smith"), std::string::npos) << role << " " << path;
    }
    EXPECT_EQ(status("/people/P1", a), 403) << role;
    EXPECT_EQ(status("/api/reports/statutory?month=2026-10", a), 200) << role;
    EXPECT_EQ(status("/api/reports/annual?year=2025", a), 200) << role;
    EXPECT_EQ(status("/api/dashboard", a), 200) << role;
    EXPECT_EQ(status("/reports", a), 200) << role;
    // Recording is refused before the body is looked at.
    const int64_t before = versions();
    auto rec = post("/api/people/P4/activities", R"({"activity_code":"619","start_date":"2026-11-01"})", &a);
    ASSERT_RESPONSE(rec);
    EXPECT_EQ(rec->status, 403) << role;
    EXPECT_EQ(versions(), before) << role;
  }
}

TEST_P(ServerTest, OnlyAdminsManageUsersAndReadTheAuditLog) {
  for (const char* role : {"admin", "data_officer", "manager", "coach", "school", "viewer"}) {
    const Auth a = as(role);
    const int expected = std::string(role) == "admin" ? 200 : 403;
    EXPECT_EQ(status("/api/users", a), expected) << role;
    EXPECT_EQ(status("/api/audit", a), expected) << role;
    EXPECT_EQ(status("/admin/users", a), expected) << role;
    EXPECT_EQ(status("/admin/audit", a), expected) << role;
  }
  auto users = get("/api/users", &auth_["admin"]);
  ASSERT_RESPONSE(users);
  const json list = json::parse(users->body).at("users");
  EXPECT_EQ(list.size(), 6u);
  EXPECT_EQ(users->body.find("argon2"), std::string::npos) << "no password hashes";
  for (const auto& u : list)
    if (u.at("username") == "school1") {
      EXPECT_EQ(u.at("school_id"), "SCH1");
    }
}

// --- 5. CSRF and recording --------------------------------------------------------------------

TEST_P(ServerTest, RecordingNeedsTheCsrfTokenAndIsIdempotent) {
  const Auth officer = as("data_officer");
  const std::string body = R"({"activity_code":"619","start_date":"2026-11-01","neet_reason":"supported"})";
  const int64_t people_v = count("person_versions"), acts_v = count("activity_versions"), batches = count("import_batches");
  ASSERT_EQ(people_v, 8);
  ASSERT_EQ(acts_v, 7);

  auto no_token = post("/api/people/P4/activities", body, &officer, false);
  ASSERT_RESPONSE(no_token);
  EXPECT_EQ(no_token->status, 403);
  auto wrong_token = post("/api/people/P4/activities", body, &officer, false, {{"X-CSRF-Token", officer.csrf + "x"}});
  ASSERT_RESPONSE(wrong_token);
  EXPECT_EQ(wrong_token->status, 403);
  EXPECT_EQ(count("activity_versions"), acts_v) << "nothing stored";
  auto before = get("/api/people/P4", &officer);
  ASSERT_RESPONSE(before);
  EXPECT_TRUE(json::parse(before->body).at("activities").empty());

  // A cross-site Origin is refused even with the right token.
  auto cross = post("/api/people/P4/activities", body, &officer, true, {{"Origin", "http://evil.example"}});
  ASSERT_RESPONSE(cross);
  EXPECT_EQ(cross->status, 403);
  EXPECT_EQ(count("activity_versions"), acts_v) << "nothing stored";
  // So is a cross-site sign-in.
  auto cross_sign_in = post("/api/session", json{{"username", "data_officer1"}, {"password", kPassword}}.dump(), nullptr,
                            false, {{"Origin", "http://evil.example"}});
  ASSERT_RESPONSE(cross_sign_in);
  EXPECT_EQ(cross_sign_in->status, 403);
  EXPECT_FALSE(cross_sign_in->has_header("Set-Cookie"));

  // With the token (and a same-origin Origin): stored.
  const std::string origin = "http://127.0.0.1:" + std::to_string(running_.port());
  auto ok = post("/api/people/P4/activities", body, &officer, true, {{"Origin", origin}});
  ASSERT_RESPONSE(ok);
  ASSERT_EQ(ok->status, 201) << ok->body;
  const json created = json::parse(ok->body);
  ASSERT_EQ(created.at("activities").size(), 1u);
  EXPECT_EQ(created.at("activities")[0].at("activity_code"), "619");
  EXPECT_EQ(created.at("activities")[0].at("start_date"), "2026-11-01");
  EXPECT_EQ(created.at("activities")[0].at("neet_reason"), "supported");
  EXPECT_EQ(created.at("current").at("status"), "NEET");  // 619 from 2026-11-01, on 2026-11-15
  EXPECT_EQ(count("activity_versions"), acts_v + 1);
  EXPECT_EQ(count("person_versions"), people_v) << "the person did not change";
  EXPECT_EQ(count("import_batches"), batches + 1);

  auto after = get("/api/people/P4", &officer);
  ASSERT_RESPONSE(after);
  const json p4 = json::parse(after->body);
  ASSERT_EQ(p4.at("activities").size(), 1u);
  EXPECT_EQ(p4.at("activities")[0].at("activity_code"), "619");
  EXPECT_EQ(p4.at("current").at("status"), "NEET");
  // In the store.
  const Dataset stored = from_store();
  const uint32_t p = stored.find_person("P4");
  ASSERT_NE(p, kNoIndex);
  ASSERT_EQ(stored.activity_begin[p + 1] - stored.activity_begin[p], 1u);
  const uint32_t a = stored.activity_begin[p];
  EXPECT_EQ(Rules::defaults().code(stored.activities.code[a]).code, 619);
  EXPECT_EQ(stored.activities.start[a], make_date(2026, 11, 1));
  // The queue no longer has P4 as not known (NEET, lapsing 2027-02-01).
  auto queue = get("/api/not-known", &officer);
  ASSERT_RESPONSE(queue);
  EXPECT_EQ(ids_of(json::parse(queue->body).at("people")), (std::set<std::string>{"P2", "P8"}));

  // The same again: nothing changes.
  auto again = post("/api/people/P4/activities", body, &officer);
  ASSERT_RESPONSE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(count("activity_versions"), acts_v + 1);
  EXPECT_EQ(count("person_versions"), people_v);
  EXPECT_EQ(count("import_batches"), batches + 1);
  EXPECT_EQ(json::parse(again->body).at("activities").size(), 1u);
}

TEST_P(ServerTest, RecordingKeepsOtherActivitiesAndHostileNames) {
  const Auth officer = as("data_officer");
  // P2 (SCH1, "<script>...") has 619 from 2026-09-01; P3 ("=HYPERLINK(...)") 230 from 2026-09-03.
  auto r2 = post("/api/people/P2/activities", R"({"activity_code":"230","start_date":"2026-11-02"})", &officer);
  ASSERT_RESPONSE(r2);
  ASSERT_EQ(r2->status, 201) << r2->body;
  auto r3 = post("/api/people/P3/activities",
                 R"({"activity_code":"230","start_date":"2026-09-03","verified_date":"2026-11-10"})", &officer);
  ASSERT_RESPONSE(r3);
  ASSERT_EQ(r3->status, 201) << r3->body;
  EXPECT_EQ(count("person_versions"), 8) << "recording an activity does not change the person";
  EXPECT_EQ(count("activity_versions"), 7 + 1 + 1) << "P2: a new activity; P3: a new version of its 230";
  const Dataset stored = from_store();
  const uint32_t p2 = stored.find_person("P2"), p3 = stored.find_person("P3");
  EXPECT_EQ(stored.people.given_name[p2], kScript);
  EXPECT_EQ(stored.people.given_name[p3], kFormula);
  EXPECT_EQ(stored.activity_begin[p2 + 1] - stored.activity_begin[p2], 2u) << "619 and 230";
  EXPECT_EQ(stored.activity_begin[p3 + 1] - stored.activity_begin[p3], 1u);
  EXPECT_EQ(stored.activities.verified[stored.activity_begin[p3]], make_date(2026, 11, 10));
  auto p2_json = get("/api/people/P2", &officer);
  ASSERT_RESPONSE(p2_json);
  const json j = json::parse(p2_json->body);
  EXPECT_EQ(j.at("given_name"), kScript);
  EXPECT_EQ(j.at("activities").size(), 2u);
  EXPECT_EQ(j.at("current").at("activity_code"), "230");
}

// --- 6. Validation -------------------------------------------------------------------------------

TEST_P(ServerTest, InvalidActivitiesAre422NamingTheField) {
  const Auth officer = as("data_officer");
  const int64_t before = versions();
  const std::pair<std::string, std::string> cases[] = {
      {R"({"activity_code":"999","start_date":"2026-11-01"})", "activity_code"},     // no such code
      {R"({"activity_code":"61","start_date":"2026-11-01"})", "activity_code"},
      {R"({"start_date":"2026-11-01"})", "activity_code"},                             // missing
      {R"({"activity_code":"619","start_date":"2026-02-30"})", "start_date"},        // no 30 February
      {R"({"activity_code":"619","start_date":"01/11/2026"})", "start_date"},
      {R"({"activity_code":"619"})", "start_date"},                                    // missing
      {R"({"activity_code":"619","start_date":"2026-11-16"})", "start_date"},        // after as_of 2026-11-15
      {R"({"activity_code":"619","start_date":"2009-11-10"})", "start_date"},        // before P4's birth
      {R"({"activity_code":"619","start_date":"2026-11-01","end_date":"2026-10-31"})", "end_date"},
      {R"({"activity_code":"619","start_date":"2026-11-01","verified_date":"2026-11-20"})", "verified_date"},
      {R"({"activity_code":"619","start_date":"2026-11-01","neet_reason":"bored"})", "neet_reason"},
      {R"({"activity_code":"619","start_date":"2026-11-01","colour":"red"})", "colour"},  // unknown field
      {R"({"activity_code":"619","start_date":"2026-11-01","source":"la"})", "source"},   // not the user's to set
      {R"({"activity_code":619,"start_date":"2026-11-01"})", "activity_code"},            // not a string
      {R"({"activity_code":"619","start_date":["2026-11-01"]})", "start_date"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post("/api/people/P4/activities", body, &officer);
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 422) << body << ": " << r->body;
    const json j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("errors") && j["errors"].is_array()) << body << ": " << r->body;
    std::set<std::string> fields;
    for (const auto& e : j["errors"]) {
      fields.insert(e.at("field").get<std::string>());
      EXPECT_FALSE(e.at("message").get<std::string>().empty()) << body;
    }
    EXPECT_TRUE(fields.count(field)) << body << ": " << r->body;
  }
  // Not JSON at all.
  auto text = post("/api/people/P4/activities", R"({"activity_code":"619","start_date":"2026-11-01"})", &officer, true, {},
                   "text/plain");
  ASSERT_RESPONSE(text);
  EXPECT_EQ(text->status, 415);
  auto form = post("/api/people/P4/activities", "activity_code=619&start_date=2026-11-01", &officer, true, {},
                   "application/x-www-form-urlencoded");
  ASSERT_RESPONSE(form);
  EXPECT_EQ(form->status, 415);
  for (const std::string& body : {std::string("{oops"), std::string("[1,2]"), std::string("\"x\"")}) {
    auto r = post("/api/people/P4/activities", body, &officer);
    ASSERT_RESPONSE(r);
    EXPECT_EQ(r->status, 400) << body;
  }
  EXPECT_EQ(versions(), before) << "nothing was stored";
  auto p4 = get("/api/people/P4", &officer);
  ASSERT_RESPONSE(p4);
  EXPECT_TRUE(json::parse(p4->body).at("activities").empty());
}

// --- 7. Audit --------------------------------------------------------------------------------------

TEST_P(ServerTest, ReadsAndDenialsAreAuditedAndTheLogIsAppendOnly) {
  const Auth officer = as("data_officer");
  const Auth school = as("school");
  ASSERT_EQ(status("/api/people/P3", officer), 200);
  ASSERT_EQ(status("/api/people/P3", school), 404);  // SCH2's pupil
  ASSERT_EQ(status("/people/P1", school), 200);      // the page reads too

  auto entries = [&](const std::string& username, const std::string& action, const std::string& record_id) {
    auto rows = db().query(
        "SELECT username, role, action, record_type, record_id, remote FROM audit_log WHERE username = $1 AND action = $2 "
        "AND record_id = $3",
        {username, action, record_id});
    std::vector<std::vector<std::string>> out;
    while (rows->next()) {
      std::vector<std::string> row;
      for (int i = 0; i < 6; ++i) row.emplace_back(rows->text(i));
      out.push_back(std::move(row));
    }
    return out;
  };
  auto read = entries("data_officer1", "read", "P3");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0][1], "data_officer");
  EXPECT_EQ(read[0][3], "person");
  EXPECT_EQ(read[0][5], "127.0.0.1");
  auto denied = entries("school1", "read_denied", "P3");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0][1], "school");
  EXPECT_EQ(denied[0][5], "127.0.0.1");
  EXPECT_TRUE(entries("school1", "read", "P3").empty()) << "a denied read is not a read";
  EXPECT_EQ(entries("school1", "read", "P1").size(), 1u);

  // The admin API shows the same entries.
  const Auth admin = as("admin");
  auto api = get("/api/audit?record_id=P3&action=read_denied", &admin);
  ASSERT_RESPONSE(api);
  ASSERT_EQ(api->status, 200);
  const json list = json::parse(api->body).at("entries");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("username"), "school1");

  // The database refuses to change or remove entries.
  const int64_t n = count("audit_log");
  EXPECT_THROW(db().exec("UPDATE audit_log SET action = 'nothing' WHERE action = 'read'"), std::exception);
  EXPECT_THROW(db().exec("DELETE FROM audit_log WHERE action = 'read_denied'"), std::exception);
  EXPECT_THROW(db().exec("DELETE FROM audit_log"), std::exception);
  EXPECT_EQ(count("audit_log"), n);
  EXPECT_EQ(entries("data_officer1", "read", "P3").size(), 1u);
  EXPECT_EQ(entries("school1", "read_denied", "P3").size(), 1u);
}

// --- 8. Hostile strings -----------------------------------------------------------------------------

TEST_P(ServerTest, HostileNamesAreEscapedInPagesAndPlainTextInJson) {
  const Auth officer = as("data_officer");
  auto page = get("/people/P2", &officer);
  ASSERT_RESPONSE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(page->get_header_value("Content-Type").starts_with("text/html")) << page->get_header_value("Content-Type");
  EXPECT_NE(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(page->body.find(kScript), std::string::npos);
  EXPECT_EQ(page->body.find("<script>alert"), std::string::npos);
  // In the search results page as well.
  auto results = get("/people?q=smith", &officer);
  ASSERT_RESPONSE(results);
  ASSERT_EQ(results->status, 200);
  EXPECT_NE(results->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(results->body.find(kScript), std::string::npos);
  // The formula name is text in the page (its quotes escaped).
  auto p3 = get("/people/P3", &officer);
  ASSERT_RESPONSE(p3);
  ASSERT_EQ(p3->status, 200);
  EXPECT_EQ(p3->body.find(kFormula), std::string::npos) << "quotes are escaped";
  EXPECT_NE(p3->body.find("=HYPERLINK("), std::string::npos);

  // The API returns the names as JSON strings, exactly.
  auto api = get("/api/people?q=smith", &officer);
  ASSERT_RESPONSE(api);
  ASSERT_EQ(api->status, 200);
  EXPECT_TRUE(api->get_header_value("Content-Type").starts_with("application/json"));
  const json j = json::parse(api->body);
  bool found = false;
  for (const auto& r : j.at("results"))
    if (r.at("person_id") == "P2") {
      found = true;
      EXPECT_EQ(r.at("given_name"), kScript);
      EXPECT_EQ(r.at("family_name"), "Smith");
    }
  EXPECT_TRUE(found) << api->body;
  auto formula = get("/api/people/P3", &officer);
  ASSERT_RESPONSE(formula);
  EXPECT_EQ(json::parse(formula->body).at("given_name"), kFormula);
  // And the query itself is echoed as JSON text, not markup.
  auto echo = get("/api/people?q=" + web::url_encode(kScript), &officer);
  ASSERT_RESPONSE(echo);
  ASSERT_EQ(echo->status, 200);
  EXPECT_EQ(json::parse(echo->body).at("query"), kScript);
  auto echo_page = get("/people?q=" + web::url_encode(kScript), &officer);
  ASSERT_RESPONSE(echo_page);
  EXPECT_EQ(echo_page->body.find(kScript), std::string::npos);
}

// --- 9. Reports ---------------------------------------------------------------------------------------

TEST_P(ServerTest, StatutoryReportEqualsTheLibrarysAndChecksTheMonth) {
  const Auth viewer = as("viewer");
  auto r = get("/api/reports/statutory?month=2026-10", &viewer);
  ASSERT_RESPONSE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json served = json::parse(r->body);
  const json direct = json::parse(to_json(statutory_report(from_store(), Rules::defaults(), 2026, 10, {})).dump());
  EXPECT_EQ(served, direct);
  // By hand (see the top of this file).
  EXPECT_EQ(served.at("month"), "2026-10");
  EXPECT_EQ(served.at("cohort"), 8);
  EXPECT_EQ(served.at("participating"), 3);
  EXPECT_EQ(served.at("eet_not_participating"), 1);
  EXPECT_EQ(served.at("neet"), 2);
  EXPECT_EQ(served.at("not_known"), 2);
  EXPECT_EQ(served.at("custody"), 0);
  EXPECT_EQ(served.at("cohort"), direct.at("cohort"));
  EXPECT_EQ(served.at("neet"), direct.at("neet"));
  EXPECT_EQ(served.at("not_known"), direct.at("not_known"));
  EXPECT_EQ(served.dump().find("Amy"), std::string::npos) << "aggregates carry no names";

  for (const char* month : {"2026-13", "2026-00", "2026-1", "26-10", "", "2026-10-01", "abcd-ef", "1066-10"}) {
    auto bad = get(std::string("/api/reports/statutory?month=") + month, &viewer);
    ASSERT_RESPONSE(bad);
    EXPECT_EQ(bad->status, 400) << month << ": " << bad->body;
    EXPECT_TRUE(json::parse(bad->body).contains("error")) << month;
  }
  auto bad_year = get("/api/reports/annual?year=20x5", &viewer);
  ASSERT_RESPONSE(bad_year);
  EXPECT_EQ(bad_year->status, 400);

  // A recorded activity shows in the next report (the cache is per loaded version): P4
  // becomes NEET from 2026-10-20, so October has NEET 3 and not known 1.
  const Auth officer = as("data_officer");
  auto rec = post("/api/people/P4/activities", R"({"activity_code":"619","start_date":"2026-10-20"})", &officer);
  ASSERT_RESPONSE(rec);
  ASSERT_EQ(rec->status, 201) << rec->body;
  auto after = get("/api/reports/statutory?month=2026-10", &viewer);
  ASSERT_RESPONSE(after);
  const json j = json::parse(after->body);
  EXPECT_EQ(j.at("neet"), 3);
  EXPECT_EQ(j.at("not_known"), 1);
  EXPECT_EQ(j, json::parse(to_json(statutory_report(from_store(), Rules::defaults(), 2026, 10, {})).dump()));
}

// --- 10. Body size --------------------------------------------------------------------------------------

TEST_P(ServerTest, BodiesOverTheLimitAreRefused) {
  accounts_->add_user({"officer", Role::data_officer, "", "", kPassword, false}, "tester");
  const std::string sign_in = json{{"username", "officer"}, {"password", kPassword}}.dump();
  // A valid sign-in padded past 64 MiB with whitespace (still JSON, so it would sign in if
  // the server read it).
  std::string big = sign_in;
  big.insert(1, (65u << 20), ' ');
  auto refused = [](const httplib::Result& r, int expected) {
    if (!r) return;  // the server may close the connection before the client has sent it all
    EXPECT_NE(r->status, 200);
    EXPECT_EQ(r->status, expected);
    EXPECT_FALSE(r->has_header("Set-Cookie"));
  };
  refused(client().Post("/api/session", big, "application/json"), 413);
  // Chunked, the body has no Content-Length to check up front: refused (411), not read.
  {
    size_t sent = 0;
    auto r = client().Post(
        "/api/session",
        [&](size_t, httplib::DataSink& sink) {
          const size_t n = std::min<size_t>(big.size() - sent, 1u << 20);
          if (n > 0 && !sink.write(big.data() + sent, n)) return false;
          sent += n;
          if (sent == big.size()) sink.done();
          return true;
        },
        "application/json");
    refused(r, 411);
  }
  // Gzip: 65 MiB of spaces compress to ~64 KiB, well under the limit, but the server must not
  // inflate it (a decompression bomb): refused (415).
  {
    auto c = client();
    c.set_compress(true);
    refused(c.Post("/api/session", big, "application/json"), 415);
  }
  // None of those signed anyone in; the server still serves, and ordinary bodies work.
  auto rows = db().query("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in'");
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->integer(0), 0);
  rows.reset();
  auto ok = client().Post("/api/session", sign_in, "application/json");
  ASSERT_RESPONSE(ok);
  EXPECT_EQ(ok->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
