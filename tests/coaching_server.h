// A web::App on a loopback port over a small hand-written folder, for the coaching pages'
// tests (tests/coaching_recording_test.cc, tests/panel_test.cc), on SQLite and PostgreSQL.
//
// as_of 2026-11-15 (academic year 2026-27: Year 11 = born 2010-09-01 .. 2011-08-31, Year 12 =
// born 2009-09-01 .. 2010-08-31). Recording day 23: November's recording date 2026-11-23.
//
// id  name        dob         school  activities                      caseload
// P1  Amy Lee     2010-01-15  SCH1    230 from 2026-09-03             C1 from 2026-09-01
// P2  Bo Smith    2009-11-11  SCH1    619 from 2026-09-01             C2 from 2026-09-01
// P3  Cy Jones    2010-03-03  SCH2    230 from 2026-09-03             C1 2026-09-01 .. 2026-10-01
// P6  Di White    2009-12-20  SCH2    619 from 2026-10-01             C1 from 2026-09-15
// Y1  Eve Young   2011-01-10  SCH1    (none: Year 11)
// Y2  Fay Young   2010-12-10  SCH1    (none: Year 11)
// Y3  Gil Old     2011-03-03  SCH2    (none: Year 11)
//
// Users (made on first sign-in): admin1, data_officer1, manager1, coach1 (C1), coach2 (C2),
// school1 (SCH1), school2 (SCH2), viewer1.
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "coaching/records.h"
#include "coaching/store.h"
#include "server/app.h"
#include "store/store.h"
#include "running_app.h"
#include "testing.h"

namespace pathways::testing {

inline void write_coaching_server_data(const TempDir& dir) {
  dir.write("people.csv", std::string(kPeopleHeader) +
                              "P1,Amy,Lee,2010-01-15,F,890,P,N,,SCH1\n"
                              "P2,Bo,Smith,2009-11-11,M,890,P,N,,SCH1\n"
                              "P3,Cy,Jones,2010-03-03,F,890,P,N,,SCH2\n"
                              "P6,Di,White,2009-12-20,F,890,P,N,,SCH2\n"
                              "Y1,Eve,Young,2011-01-10,F,890,P,N,,SCH1\n"
                              "Y2,Fay,Young,2010-12-10,F,890,P,N,,SCH1\n"
                              "Y3,Gil,Old,2011-03-03,M,890,P,N,,SCH2\n");
  dir.write("activities.csv", std::string(kActivitiesHeader) +
                                  "P1,230,2026-09-03,,,,,,\n"
                                  "P2,619,2026-09-01,,,,,,\n"
                                  "P3,230,2026-09-03,,,,,,\n"
                                  "P6,619,2026-10-01,,,,,,\n");
  dir.write("coaching/caseload.csv",
            "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n"
            "P1,C1,SCH1,,2026-09-01,,\n"
            "P2,C2,SCH1,,2026-09-01,,\n"
            "P3,C1,SCH2,,2026-09-01,2026-10-01,moved_to_eet\n"
            "P6,C1,SCH2,,2026-09-15,,\n");
}

struct CoachingAuth {
  std::string cookie;  // "pathways_session=..."
  std::string csrf;
};

class CoachingServerTest : public DatabaseTest {
 protected:
  static constexpr const char* kPassword = "a long enough passphrase";

  // Override to change the server's options before it starts.
  virtual void configure(web::ServerOptions&) {}

  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    write_coaching_server_data(dir_);
    migrate(db());
    const Dataset files = load_valid(dir_);
    ASSERT_EQ(files.people.size(), 7u);
    import_dataset(db(), files, Rules::defaults(), dir_.path(), "tester");
    LoadReport report;
    const auto coaching = import_coaching_folder(db(), dir_.path(), files, "tester", report);
    ASSERT_TRUE(coaching) << errors_of(report);
    accounts_ = std::make_unique<Accounts>(url());
    web::ServerOptions o;
    o.db_url = url();
    o.port = 0;
    o.as_of = make_date(2026, 11, 15);
    o.access_log = false;
    o.threads = 8;
    o.assets_dir = PATHWAYS_SOURCE_DIR "/web/dist";
    configure(o);
    ASSERT_NO_FATAL_FAILURE(running_.start(o));
  }

  void TearDown() override {
    running_.stop();
    accounts_.reset();
  }

  httplib::Client client() { return running_.client(); }


  // Signs in as `username` ("coach1", "school2", ...; the role is the name without its digit).
  CoachingAuth as(const std::string& username) {
    if (auto it = auth_.find(username); it != auth_.end()) return it->second;
    const std::string role = username.substr(0, username.size() - 1);
    const std::string n = username.substr(username.size() - 1);
    NewUser u{username, *parse_role(role), role == "school" ? "SCH" + n : "", role == "coach" ? "C" + n : "", kPassword, false};
    accounts_->add_user(u, "tester");
    auto r = client().Post("/api/session", nlohmann::json{{"username", username}, {"password", kPassword}}.dump(),
                           "application/json");
    if (!r || r->status != 200) {
      ADD_FAILURE() << "sign-in as " << username << " failed";
      return {};
    }
    const std::string set_cookie = r->get_header_value("Set-Cookie");
    CoachingAuth a{set_cookie.substr(0, set_cookie.find(';')), nlohmann::json::parse(r->body).at("csrf_token")};
    auth_[username] = a;
    return a;
  }

  httplib::Result get(const std::string& path, const CoachingAuth& a) {
    return client().Get(path, httplib::Headers{{"Cookie", a.cookie}});
  }
  // A form POST with the session's CSRF token.
  httplib::Result form(const std::string& path, httplib::Params params, const CoachingAuth& a) {
    params.emplace("csrf_token", a.csrf);
    return client().Post(path, httplib::Headers{{"Cookie", a.cookie}}, params);
  }
  int64_t audits(const std::string& action, const std::string& record_type) {
    auto rows = db().query("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND record_type = $2", {action, record_type});
    rows->next();
    return rows->integer(0);
  }

  TempDir dir_;
  std::unique_ptr<Accounts> accounts_;
  RunningApp running_;
  std::map<std::string, CoachingAuth> auth_;
};

}  // namespace pathways::testing
