// The monthly recording day (coaching/recording.h) on a hand-written cohort, and its pages
// (server/recording_pages.cc) on SQLite and PostgreSQL.
//
// Library cohort: November 2026 (F = 2026-11-01, L = 2026-11-30), recording day 23 (R =
// 2026-11-23). Coaches C1 and C2.
//
// id  caseload                                         activity                      contacts
// R1  C1 from 2026-09-01                               230 from 2026-09-03           yp 11-05
// R2  C1 from 2026-11-10 (joiner)                      619 from 2026-11-02, no reason (none)
// R3  C1 2026-09-01 .. 2026-11-12 moved_to_eet         230 from 2026-09-03
// R4  C1 2026-09-01 .. 2026-11-23 (leaves on R)        610 from 2026-10-01 verified   parent 11-04,
//                                                      2026-11-03, reason not_ready  yp 10-20
// R5  C1 from 2026-12-01 (future)
// R6  C1 2026-09-01 .. 2026-10-31                      (October only)
// R7  C2 2026-09-01 .. 2026-11-08 other_support, then  810 from 2026-09-01           yp 11-24
//     C1 from 2026-11-08 (a hand-over)
// R8  C1 from 2026-09-01                               (none)                        yp 11-01 (F)
// R9  C2 from 2026-09-01                               230 from 2026-09-03
//
// Today 2026-11-15 (before R): A = R = 2026-11-23.
//   C1 rows R1 R2 R4 R7 R8 = 5 (R3 left 11-12 < A: a leaver; R5 not yet; R6 left in October)
//   joined: R2 (11-10), R7 (11-08) = 2
//   confirmed: R2 (619 started 11-02, in the month), R4 (verified 11-03) = 2. Not: R1 (last
//     confirmed 09-03), R7 (810 is a not-known code), R8 (no status)
//   engaged: R1 (yp 11-05), R8 (yp 11-01) = 2; no contact: R2, R4 (a parent contact does not
//     count), R7 (its contact is dated 11-24, after A) = 3
//   last contact: R1 11-05, R2 none, R4 10-20, R7 none, R8 11-01
//   NEET reasons: R2 619 with none -> supported (the default); R4 not_ready (recorded)
//   leavers: R3 2026-11-12 moved_to_eet
//   C2: rows R9 = 1; leavers R7 2026-11-08 other_support
// Today 2026-11-25 (after R, in the month: the return is late): A = 2026-11-25.
//   C1 rows R1 R2 R7 R8 = 4 (R4 left on 11-23 < A: now a leaver, with R3)
//   engaged R1 R7 (11-24) R8 = 3; confirmed R2 = 1
// Today 2026-12-05 (a past month): A = R = 2026-11-23, the same as on 2026-11-15.
// Recording day 31 in February 2027: R = 2027-02-28.
#include <httplib.h>

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "coaching/recording.h"
#include "coaching_server.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

struct Cohort {
  TempDir dir;
  Dataset ds;
  CoachingRecords records;
};

std::unique_ptr<Cohort> cohort() {
  auto c = std::make_unique<Cohort>();
  c->dir.write("people.csv", std::string(testing::kPeopleHeader) +
                                 "R1,A,A,2010-01-01,F,890,P,N,,S1\n"
                                 "R2,B,B,2010-01-01,F,890,P,N,,S1\n"
                                 "R3,C,C,2010-01-01,F,890,P,N,,S1\n"
                                 "R4,D,D,2010-01-01,F,890,P,N,,S1\n"
                                 "R5,E,E,2010-01-01,F,890,P,N,,S1\n"
                                 "R6,F,F,2010-01-01,F,890,P,N,,S1\n"
                                 "R7,G,G,2010-01-01,F,890,P,N,,S1\n"
                                 "R8,H,H,2010-01-01,F,890,P,N,,S1\n"
                                 "R9,I,I,2010-01-01,F,890,P,N,,S1\n");
  c->dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                     "R1,230,2026-09-03,,,,,,\n"
                                     "R2,619,2026-11-02,,,,,,\n"
                                     "R3,230,2026-09-03,,,,,,\n"
                                     "R4,610,2026-10-01,,2026-11-03,,,not_ready,\n"
                                     "R7,810,2026-09-01,,,,,,\n"
                                     "R9,230,2026-09-03,,,,,,\n");
  c->dir.write("coaching/caseload.csv",
               "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n"
               "R1,C1,S1,,2026-09-01,,\n"
               "R2,C1,S1,,2026-11-10,,\n"
               "R3,C1,S1,,2026-09-01,2026-11-12,moved_to_eet\n"
               "R4,C1,S1,,2026-09-01,2026-11-23,other\n"
               "R5,C1,S1,,2026-12-01,,\n"
               "R6,C1,S1,,2026-09-01,2026-10-31,disengaged\n"
               "R7,C2,S1,,2026-09-01,2026-11-08,other_support\n"
               "R7,C1,S1,,2026-11-08,,\n"
               "R8,C1,S1,,2026-09-01,,\n"
               "R9,C2,S1,,2026-09-01,,\n");
  c->dir.write("coaching/contacts.csv",
               "person_id,date,coach_id,contact_with,mode\n"
               "R1,2026-11-05,C1,young_person,in_person\n"
               "R4,2026-11-04,C1,parent_carer,phone\n"
               "R4,2026-10-20,C1,young_person,phone\n"
               "R7,2026-11-24,C1,young_person,text\n"
               "R8,2026-11-01,C1,young_person,virtual\n");
  c->ds = testing::load_valid(c->dir);
  LoadReport report;
  auto r = load_coaching(c->dir.path(), c->ds, report);
  EXPECT_TRUE(r) << testing::errors_of(report);
  if (r) c->records = std::move(*r);
  return c;
}

std::vector<std::string> ids(const Dataset& ds, const RecordingDay& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.emplace_back(ds.people.id[row.person]);
  return out;
}

const RecordingRow& row_of(const Dataset& ds, const RecordingDay& r, std::string_view id) {
  for (const auto& row : r.rows)
    if (ds.people.id[row.person] == id) return row;
  throw std::runtime_error("no row " + std::string(id));
}

TEST(RecordingDay, BeforeTheRecordingDateListsTheCaseloadOnIt) {
  const auto c = cohort();
  const Dataset& ds = c->ds;
  const RecordingDay r = recording_day(ds, Rules::defaults(), c->records, "C1", 2026, 11, 23, make_date(2026, 11, 15));
  EXPECT_EQ(r.recording_date, make_date(2026, 11, 23));
  EXPECT_EQ(r.as_at, make_date(2026, 11, 23));
  EXPECT_EQ(ids(ds, r), (std::vector<std::string>{"R1", "R2", "R4", "R7", "R8"}));
  EXPECT_EQ(r.joined, 2);     // R2, R7
  EXPECT_EQ(r.confirmed, 2);  // R2, R4
  EXPECT_EQ(r.engaged, 2);    // R1, R8
  EXPECT_EQ(r.no_contact(), 3);
  EXPECT_TRUE(row_of(ds, r, "R2").joined_this_month);
  EXPECT_TRUE(row_of(ds, r, "R7").joined_this_month);
  EXPECT_FALSE(row_of(ds, r, "R1").joined_this_month);
  EXPECT_FALSE(row_of(ds, r, "R1").confirmed);
  EXPECT_TRUE(row_of(ds, r, "R2").confirmed);
  EXPECT_TRUE(row_of(ds, r, "R4").confirmed);
  EXPECT_FALSE(row_of(ds, r, "R7").confirmed) << "810 is a not-known code";
  EXPECT_TRUE(row_of(ds, r, "R7").status.known());
  EXPECT_FALSE(row_of(ds, r, "R8").status.known());
  EXPECT_FALSE(row_of(ds, r, "R4").engaged) << "a parent/carer contact is not engagement";
  EXPECT_FALSE(row_of(ds, r, "R7").engaged) << "its contact is after A";
  EXPECT_EQ(row_of(ds, r, "R1").last_contact, make_date(2026, 11, 5));
  EXPECT_EQ(row_of(ds, r, "R2").last_contact, kNoDate);
  EXPECT_EQ(row_of(ds, r, "R4").last_contact, make_date(2026, 10, 20));
  EXPECT_EQ(row_of(ds, r, "R7").last_contact, kNoDate);
  EXPECT_EQ(row_of(ds, r, "R4").left, make_date(2026, 11, 23));
  // NEET reasons: R2's default, R4's recorded one; R1 is not NEET.
  EXPECT_TRUE(row_of(ds, r, "R2").neet);
  EXPECT_EQ(row_of(ds, r, "R2").neet_reason, NeetReason::kSupported);
  EXPECT_TRUE(row_of(ds, r, "R2").neet_reason_default);
  EXPECT_EQ(row_of(ds, r, "R4").neet_reason, NeetReason::kNotReady);
  EXPECT_FALSE(row_of(ds, r, "R4").neet_reason_default);
  EXPECT_FALSE(row_of(ds, r, "R1").neet);
  ASSERT_EQ(r.leavers.size(), 1u);
  EXPECT_EQ(ds.people.id[r.leavers[0].person], "R3");
  EXPECT_EQ(r.leavers[0].left, make_date(2026, 11, 12));
  EXPECT_EQ(r.leavers[0].reason, LeaveReason::kMovedToEet);
}

TEST(RecordingDay, AHandOverIsALeaverOfTheOldCoach) {
  const auto c = cohort();
  const RecordingDay r = recording_day(c->ds, Rules::defaults(), c->records, "C2", 2026, 11, 23, make_date(2026, 11, 15));
  EXPECT_EQ(ids(c->ds, r), (std::vector<std::string>{"R9"}));
  ASSERT_EQ(r.leavers.size(), 1u);
  EXPECT_EQ(c->ds.people.id[r.leavers[0].person], "R7");
  EXPECT_EQ(r.leavers[0].reason, LeaveReason::kOtherSupport);
  EXPECT_EQ(r.confirmed, 0);  // R9: 230 last confirmed 09-03
  EXPECT_EQ(r.no_contact(), 1);
}

TEST(RecordingDay, ALateReturnIsAsAtToday) {
  const auto c = cohort();
  const Dataset& ds = c->ds;
  const RecordingDay r = recording_day(ds, Rules::defaults(), c->records, "C1", 2026, 11, 23, make_date(2026, 11, 25));
  EXPECT_EQ(r.as_at, make_date(2026, 11, 25));
  EXPECT_EQ(ids(ds, r), (std::vector<std::string>{"R1", "R2", "R7", "R8"}));
  EXPECT_EQ(r.engaged, 3);    // R1, R7 (11-24), R8
  EXPECT_EQ(r.confirmed, 1);  // R2
  ASSERT_EQ(r.leavers.size(), 2u);  // R3 (11-12), R4 (11-23)
  EXPECT_EQ(ds.people.id[r.leavers[1].person], "R4");
  EXPECT_EQ(r.leavers[1].reason, LeaveReason::kOther);
}

TEST(RecordingDay, APastMonthIsAsAtItsRecordingDate) {
  const auto c = cohort();
  const RecordingDay r = recording_day(c->ds, Rules::defaults(), c->records, "C1", 2026, 11, 23, make_date(2026, 12, 5));
  EXPECT_EQ(r.as_at, make_date(2026, 11, 23));
  EXPECT_EQ(ids(c->ds, r), (std::vector<std::string>{"R1", "R2", "R4", "R7", "R8"}));
}

TEST(RecordingDay, AShortMonthRecordsOnItsLastDay) {
  EXPECT_EQ(recording_date(2027, 2, 31), make_date(2027, 2, 28));
  EXPECT_EQ(recording_date(2028, 2, 30), make_date(2028, 2, 29));
  EXPECT_EQ(recording_date(2026, 11, 23), make_date(2026, 11, 23));
  EXPECT_EQ(recording_as_at(2026, 11, 10, make_date(2026, 11, 15)), make_date(2026, 11, 15));
  EXPECT_EQ(recording_as_at(2026, 11, 10, make_date(2026, 12, 1)), make_date(2026, 11, 10));
}

// --- Pages -------------------------------------------------------------------------------
//
// The server's data (tests/coaching_server.h), on 2026-11-15 with recording date 2026-11-23:
// coach C1's rows P1 (230 from 09-03: to confirm) and P6 (619 from 10-01: to confirm); P3 left
// C1 in October (not listed). No contacts: both have had no contact this month.

class RecordingPages : public testing::CoachingServerTest {};

TEST_P(RecordingPages, ACoachConfirmsRecordsAReasonAndAContactAndSeesTheProgress) {
  const auto coach = as("coach1");
  auto page = get("/coaching/recording?coach=C2", coach);  // a coach's own caseload, whatever is asked
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("0 of 2 confirmed this month"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("due on 23 November 2026"), std::string::npos);
  EXPECT_NE(page->body.find("Amy Lee"), std::string::npos);
  EXPECT_NE(page->body.find("Di White"), std::string::npos);
  EXPECT_EQ(page->body.find("Bo Smith"), std::string::npos) << "C2's young person";
  EXPECT_EQ(page->body.find("Cy Jones"), std::string::npos) << "left in October";
  EXPECT_EQ(audits("list", "recording_day"), 1);

  // Confirm P1's current activity: a new version verified today.
  const int64_t versions = count("activity_versions");
  auto confirm = form("/coaching/recording/people/P1/confirm", {}, coach);
  ASSERT_TRUE(confirm);
  EXPECT_EQ(confirm->status, 303);
  EXPECT_EQ(confirm->get_header_value("Location"), "/coaching/recording?confirmed=P1");
  EXPECT_EQ(count("activity_versions"), versions + 1);
  page = get(confirm->get_header_value("Location"), coach);
  EXPECT_NE(page->body.find("1 of 2 confirmed this month"), std::string::npos);
  EXPECT_NE(page->body.find("Status confirmed"), std::string::npos);

  // P6: the same NEET activity with a reason recorded.
  auto status = form("/coaching/recording/people/P6/status",
                     {{"activity_code", "619"}, {"start_date-day", "1"}, {"start_date-month", "10"}, {"start_date-year", "2026"},
                      {"neet_reason", "unwilling"}},
                     coach);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 303) << status->body;
  const Dataset stored = from_store();
  const uint32_t p6 = stored.find_person("P6");
  ASSERT_EQ(stored.activity_begin[p6 + 1] - stored.activity_begin[p6], 1u) << "one activity, a new version";
  EXPECT_EQ(stored.activities.neet_reason[stored.activity_begin[p6]], NeetReason::kUnwilling);
  EXPECT_EQ(stored.activities.verified[stored.activity_begin[p6]], make_date(2026, 11, 15));
  page = get("/coaching/recording", coach);
  EXPECT_NE(page->body.find("2 of 2 confirmed this month"), std::string::npos);
  EXPECT_NE(page->body.find("Not willing to engage"), std::string::npos);

  // A contact with P6: one fewer without contact.
  EXPECT_NE(page->body.find("<dt class=\"govuk-summary-list__key\">No contact with the young person this month</dt><dd class=\"govuk-summary-list__value\">2</dd>"), std::string::npos) << page->body;
  auto contact = form("/coaching/recording/people/P6/contact",
                      {{"contact_date-day", "15"}, {"contact_date-month", "11"}, {"contact_date-year", "2026"},
                       {"contact_with", "young_person"}, {"contact_mode", "phone"}},
                      coach);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->status, 303) << contact->body;
  EXPECT_EQ(count("coaching_contacts"), 1);
  page = get("/coaching/recording", coach);
  EXPECT_NE(page->body.find("<dt class=\"govuk-summary-list__key\">No contact with the young person this month</dt><dd class=\"govuk-summary-list__value\">1</dd>"), std::string::npos);
  EXPECT_GE(audits("update", "activity"), 1);
  EXPECT_GE(audits("create", "activity"), 1);
  EXPECT_EQ(audits("create", "coaching_contact"), 1);
}

TEST_P(RecordingPages, ACoachCannotRecordForSomeoneElsesYoungPerson) {
  const auto coach = as("coach1");
  const int64_t versions = count("activity_versions");
  for (const char* path : {"/coaching/recording/people/P2/confirm", "/coaching/recording/people/P3/confirm"}) {
    auto r = form(path, {}, coach);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
  }
  auto r = get("/coaching/recording/people/P2", coach);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(count("activity_versions"), versions);
  EXPECT_EQ(audits("change_denied", "person"), 2);
}

TEST_P(RecordingPages, InvalidStatusesShowAnErrorSummary) {
  const auto coach = as("coach1");
  auto r = form("/coaching/recording/people/P1/status",
                {{"activity_code", "230"}, {"start_date-day", "3"}, {"start_date-month", "9"}, {"start_date-year", "2026"},
                 {"neet_reason", "unwilling"}},
                coach);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("govuk-error-summary"), std::string::npos);
  EXPECT_NE(r->body.find("only for a NEET activity"), std::string::npos);
  r = form("/coaching/recording/people/P1/status", {{"activity_code", "230"}, {"start_date-day", "31"}, {"start_date-month", "2"}, {"start_date-year", "2026"}}, coach);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("href=\"#start_date-day\""), std::string::npos);
  r = form("/coaching/recording/people/P1/contact", {{"contact_date-day", "1"}, {"contact_date-month", "12"}, {"contact_date-year", "2026"},
                                                     {"contact_with", "young_person"}, {"contact_mode", "phone"}}, coach);
  EXPECT_EQ(r->status, 400) << "a contact in the future";
  EXPECT_EQ(count("coaching_contacts"), 0);
}

TEST_P(RecordingPages, RolesOtherThanCoachesSeeWhatTheirRoleAllows) {
  // A data officer chooses a coach and sees names.
  auto officer = get("/coaching/recording?coach=C2", as("data_officer1"));
  ASSERT_EQ(officer->status, 200);
  EXPECT_NE(officer->body.find("Bo Smith"), std::string::npos);
  EXPECT_NE(officer->body.find("0 of 1 confirmed this month"), std::string::npos);
  // A manager and a viewer: the progress, no names.
  for (const char* user : {"manager1", "viewer1"}) {
    auto m = get("/coaching/recording?coach=C1", as(user));
    ASSERT_EQ(m->status, 200) << user;
    EXPECT_NE(m->body.find("0 of 2 confirmed this month"), std::string::npos) << user;
    EXPECT_EQ(m->body.find("Amy Lee"), std::string::npos) << user;
    EXPECT_EQ(m->body.find("/coaching/recording/people/"), std::string::npos) << user;
  }
  // A school: not its page; nor may it record through it.
  const auto school = as("school1");
  EXPECT_EQ(get("/coaching/recording", school)->status, 403);
  EXPECT_EQ(form("/coaching/recording/people/P1/confirm", {}, school)->status, 403);
  EXPECT_EQ(get("/coaching/recording/people/P1", school)->status, 403);
  // Without the CSRF token: refused.
  auto no_token = client().Post("/coaching/recording/people/P1/confirm", httplib::Headers{{"Cookie", as("coach1").cookie}},
                                httplib::Params{});
  EXPECT_EQ(no_token->status, 403);
}

// Notes on the person page: a school sees the coaching summary but never a confidential note;
// the coach of the young person and LA staff see both. Action plans with their steps.
TEST_P(RecordingPages, ConfidentialNotesAreNeverShownToTheSchool) {
  const auto coach = as("coach1");
  auto r = form("/people/P1/notes", {{"note_body", "Worried about home; told the safeguarding lead"}, {"note_confidential", "1"}}, coach);
  ASSERT_EQ(r->status, 303) << r->body;
  r = form("/people/P1/notes", {{"note_body", "Visited the college open day"}}, coach);
  ASSERT_EQ(r->status, 303);
  EXPECT_EQ(form("/people/P1/notes", {{"note_body", "   "}}, coach)->status, 400);
  EXPECT_EQ(form("/people/P2/notes", {{"note_body", "not mine"}}, coach)->status, 404);
  EXPECT_EQ(form("/people/P1/notes", {{"note_body", "from the school"}}, as("school1"))->status, 403);
  EXPECT_EQ(count("coaching_notes"), 2);
  EXPECT_EQ(audits("create", "coaching_note"), 2);

  auto school = get("/people/P1", as("school1"));
  ASSERT_EQ(school->status, 200);
  EXPECT_NE(school->body.find("Visited the college open day"), std::string::npos);
  EXPECT_NE(school->body.find("Engagement coaching"), std::string::npos) << "the coaching summary";
  EXPECT_EQ(school->body.find("safeguarding"), std::string::npos) << "never a confidential note";
  EXPECT_EQ(school->body.find("Confidential"), std::string::npos);
  EXPECT_EQ(school->body.find("Save note"), std::string::npos) << "no forms for a school";
  for (const char* user : {"coach1", "data_officer1", "admin1"}) {
    auto page = get("/people/P1", as(user));
    ASSERT_EQ(page->status, 200) << user;
    EXPECT_NE(page->body.find("told the safeguarding lead"), std::string::npos) << user;
    EXPECT_NE(page->body.find("Visited the college open day"), std::string::npos) << user;
  }
  // Another coach cannot open the page at all.
  EXPECT_EQ(get("/people/P1", as("coach2"))->status, 404);

  // An action plan and its first action.
  r = form("/people/P1/plans", {{"plan_goal", "A college place in September"}}, coach);
  ASSERT_EQ(r->status, 303);
  r = form("/people/P1/plans/1/steps", {{"step_kind_1", "action"}, {"step_date_1-day", "30"}, {"step_date_1-month", "11"},
                                         {"step_date_1-year", "2026"}, {"step_body_1", "Apply to two colleges"}}, coach);
  ASSERT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(form("/people/P6/plans/1/steps", {{"step_kind_1", "action"}, {"step_date_1-day", "30"}, {"step_date_1-month", "11"},
                                               {"step_date_1-year", "2026"}, {"step_body_1", "x"}}, coach)->status, 404)
      << "the plan is P1's";
  auto page = get("/people/P1", as("school1"));
  EXPECT_NE(page->body.find("A college place in September"), std::string::npos);
  EXPECT_NE(page->body.find("Apply to two colleges"), std::string::npos);
  EXPECT_EQ(count("action_plan_steps"), 1);
}

class RecordingDayTen : public testing::CoachingServerTest {
 protected:
  void configure(web::ServerOptions& o) override { o.recording_day = 10; }
};

TEST_P(RecordingDayTen, TheRecordingDayIsConfigurable) {
  auto page = get("/coaching/recording", as("coach1"));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("was due on 10 November 2026"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("the 10th of each month"), std::string::npos);
  EXPECT_NE(page->body.find("as at 15 November 2026"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordingPages, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, RecordingDayTen, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
