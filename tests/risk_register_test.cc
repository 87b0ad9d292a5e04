// At-risk registers and their moderation (risk/register.h, migration 6), on SQLite and
// PostgreSQL, with a hand-made cohort.
//
// Criteria (kCriteria below): attendance below 90% = 1 point, free school meals = 1 point,
// looked after (characteristic 110) = 2 points and always included; Amber from 2, Red from 3.
// Year 11 in 2026-27, academic year 2026:
//   A1 SCH1 attendance 85, FSM        -> 1 + 1     = 2 Amber  listed
//   A2 SCH1 attendance 95             -> 0           Green  not listed
//   A3 SCH1 attendance 60, FSM, 110   -> 1 + 1 + 2 = 4 Red    listed
//   A4 SCH1 attendance 92, 110        -> 2           Amber  listed (and by group)
//   B1 SCH2 attendance 80, FSM        -> 2           Amber  listed
//   B2 SCH2 attendance 99             -> 0           Green  not listed
// So the register holds 4 entries: 3 for SCH1, 1 for SCH2.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "risk/register.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

constexpr const char* kCriteria = R"({
  "version": "test-1", "red": 3, "amber": 2, "year_groups": [11], "register_dates": ["11-01", "03-01"],
  "indicators": [
    {"id": "attendance_below_90", "label": "Attendance below 90%", "field": "attendance_pct", "threshold": 90, "points": 1},
    {"id": "fsm", "label": "Free school meals", "field": "fsm", "points": 1},
    {"id": "looked_after", "label": "Looked after", "field": "characteristic", "value": "110", "points": 2, "always_include": true}
  ]})";

void write_cohort(const TempDir& dir) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A1,Ann,One,2011-01-10,F,890,P,N,,SCH1\n"
                              "A2,Bob,Two,2011-02-10,M,890,P,N,,SCH1\n"
                              "A3,Cat,Three,2011-03-10,F,890,P,N,110,SCH1\n"
                              "A4,Dan,Four,2011-04-10,M,890,P,N,110,SCH1\n"
                              "B1,Eve,Five,2011-05-10,F,890,P,N,,SCH2\n"
                              "B2,Fay,Six,2011-06-10,F,890,P,N,,SCH2\n");
  dir.write("activities.csv", testing::kActivitiesHeader);
  dir.write("indicators.csv",
            "person_id,academic_year,year_group,school_id,attendance_pct,fsm\n"
            "A1,2026,11,SCH1,85,Y\n"
            "A2,2026,11,SCH1,95,N\n"
            "A3,2026,11,SCH1,60,Y\n"
            "A4,2026,11,SCH1,92,N\n"
            "B1,2026,11,SCH2,80,Y\n"
            "B2,2026,11,SCH2,99,N\n");
}

class RiskRegister : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    write_cohort(dir_);
    LoadReport report;
    LoadOptions lo;
    lo.indicators = true;
    ds_ = load_folder(dir_.path(), Rules::defaults(), report, lo);
    ASSERT_TRUE(report.ok()) << testing::errors_of(report);
    criteria_ = risk::Criteria::from_json(kCriteria, "test criteria");
  }
  int64_t freeze() {
    return risk::freeze_register(db(), ds_, Rules::defaults(), criteria_, kCriteria, 2026, make_date(2026, 11, 1),
                                 "on_demand", "officer");
  }
  static const risk::RegisterEntry* entry(const risk::RegisterView& v, const std::string& id) {
    auto it = std::find_if(v.entries.begin(), v.entries.end(), [&](const auto& e) { return e.person_id == id; });
    return it == v.entries.end() ? nullptr : &*it;
  }

  TempDir dir_;
  Dataset ds_;
  risk::Criteria criteria_;
};

INSTANTIATE_TEST_SUITE_P(Backends, RiskRegister, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(RiskRegister, FreezesThePupilsOnTheListWithScoresAndIndicators) {
  const int64_t id = freeze();
  EXPECT_EQ(id, 1);
  const auto all = risk::view_register(db(), id);
  EXPECT_EQ(all.info.entries, 4);
  EXPECT_EQ(all.info.criteria_version, "test-1");
  EXPECT_EQ(all.info.data_date, "2026-11-01");
  ASSERT_EQ(all.entries.size(), 4u);
  const auto* a3 = entry(all, "A3");
  ASSERT_NE(a3, nullptr);
  EXPECT_EQ(a3->score, 4);
  EXPECT_EQ(a3->rag, "red");
  EXPECT_TRUE(a3->by_group);
  EXPECT_NE(a3->indicators.find("Attendance below 90%"), std::string::npos);
  EXPECT_NE(a3->indicators.find("60"), std::string::npos);
  const auto* a4 = entry(all, "A4");
  ASSERT_NE(a4, nullptr);
  EXPECT_EQ(a4->rag, "amber");
  EXPECT_EQ(entry(all, "A2"), nullptr);
  EXPECT_EQ(entry(all, "B2"), nullptr);
  // One school's view holds only its pupils.
  const auto sch2 = risk::view_register(db(), id, "SCH2");
  ASSERT_EQ(sch2.entries.size(), 1u);
  EXPECT_EQ(sch2.entries[0].person_id, "B1");
  // Registers are listed newest first.
  const int64_t second = freeze();
  const auto list = risk::list_registers(db());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, second);
}

TEST_P(RiskRegister, ModerationNeedsAReasonAndKeepsEveryDecision) {
  const int64_t id = freeze();
  // A reason is required (at least 10 characters after trimming).
  EXPECT_THROW(risk::moderate(db(), ds_, id, "A1", "SCH1", "remove", "   short   ", "head"), risk::RegisterError);
  // A pupil of another school cannot be added; nor one already listed; nor an unknown id.
  EXPECT_THROW(risk::moderate(db(), ds_, id, "B2", "SCH1", "add", "known to be struggling", "head"), risk::RegisterError);
  EXPECT_THROW(risk::moderate(db(), ds_, id, "A3", "SCH1", "add", "known to be struggling", "head"), risk::RegisterError);
  EXPECT_THROW(risk::moderate(db(), ds_, id, "ZZ", "SCH1", "add", "known to be struggling", "head"), risk::RegisterError);
  // Only a listed pupil can be removed.
  EXPECT_THROW(risk::moderate(db(), ds_, id, "A2", "SCH1", "remove", "not at risk at all", "head"), risk::RegisterError);
  EXPECT_EQ(count("roni_moderations"), 0);

  risk::moderate(db(), ds_, id, "A1", "SCH1", "remove", "Attendance was a hospital stay, now back full time", "head");
  risk::moderate(db(), ds_, id, "A2", "SCH1", "add", "Carer for a parent since the spring", "head");
  auto v = risk::view_register(db(), id, "SCH1");
  ASSERT_NE(entry(v, "A1"), nullptr);
  EXPECT_FALSE(entry(v, "A1")->listed);
  EXPECT_EQ(entry(v, "A1")->reason, "Attendance was a hospital stay, now back full time");
  ASSERT_NE(entry(v, "A2"), nullptr);
  EXPECT_TRUE(entry(v, "A2")->listed);
  EXPECT_TRUE(entry(v, "A2")->added_by_school);
  // The latest decision wins; both stay in the history.
  risk::moderate(db(), ds_, id, "A2", "SCH1", "remove", "Support already in place through the family", "deputy");
  v = risk::view_register(db(), id, "SCH1");
  EXPECT_FALSE(entry(v, "A2")->listed);
  ASSERT_EQ(v.moderations.size(), 3u);
  EXPECT_EQ(v.moderations[2].by, "deputy");
  // SCH1 now lists A3 and A4 only: 4 - A1 = 3 entries scored, A2 added then removed.
  EXPECT_EQ(std::count_if(v.entries.begin(), v.entries.end(), [](const auto& e) { return e.listed; }), 2);
  // The frozen entries themselves never change.
  EXPECT_EQ(count("roni_register_entries"), 4);
}

TEST_P(RiskRegister, SigningOffClosesTheSchoolsListOnly) {
  const int64_t id = freeze();
  EXPECT_FALSE(risk::view_register(db(), id, "SCH1").signed_off("SCH1"));
  risk::sign_off(db(), id, "SCH1", "head");
  const auto v = risk::view_register(db(), id, "SCH1");
  EXPECT_TRUE(v.signed_off("SCH1"));
  ASSERT_EQ(v.signoffs.size(), 1u);
  EXPECT_EQ(v.signoffs[0].by, "head");
  EXPECT_THROW(risk::moderate(db(), ds_, id, "A1", "SCH1", "remove", "a reason long enough", "head"), risk::RegisterError);
  EXPECT_THROW(risk::sign_off(db(), id, "SCH1", "head"), risk::RegisterError);
  // Another school is still open.
  EXPECT_NO_THROW(risk::moderate(db(), ds_, id, "B1", "SCH2", "remove", "Moved to a new school in October", "head2"));
}

TEST_P(RiskRegister, AYearWithoutIndicatorsIsRefused) {
  migrate(db());
  EXPECT_THROW(risk::freeze_register(db(), ds_, Rules::defaults(), criteria_, kCriteria, 2024, make_date(2024, 11, 1),
                                     "on_demand", "officer"),
               risk::RegisterError);
  EXPECT_EQ(count("roni_registers"), 0);
}

// The command line: create with default criteria, list, show, and export only after sign-off.
// Default criteria on the cohort: A1 (attendance 85: 1, FSM: 1) = 2, A3 (attendance 60 is below
// 70: 2, FSM: 1, looked after 110: 2, always included) = 5, A4 (110: 2, always included),
// B1 (attendance 80: 1, FSM: 1) = 2. With the default Amber cut-off above 2 only A3 and A4
// are certain to be listed, so the test checks those two and the command's own count.
TEST(RiskRegisterCli, CreateListShowAndExportAfterSignOff) {
  TempDir dir;
  write_cohort(dir);
  const std::string store = dir / "store.db";
  const std::string bin = PATHWAYS_BINARY;
  auto run = [&](const std::string& args) { return testing::shell(bin + " " + args + " 2>&1"); };
  ASSERT_EQ(run("import " + dir.path() + " --db sqlite:" + store).status, 0);
  auto created = run("roni register create --db sqlite:" + store + " --year 2026 --data-date 2026-11-01 --by officer");
  ASSERT_EQ(created.status, 0) << created.out;
  EXPECT_NE(created.out.find("register 1:"), std::string::npos) << created.out;
  auto listed = run("roni register list --db sqlite:" + store + " --format json");
  ASSERT_EQ(listed.status, 0) << listed.out;
  const auto j = nlohmann::json::parse(listed.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["data_date"], "2026-11-01");
  EXPECT_EQ(j[0]["created_by"], "officer");
  auto shown = run("roni register show --db sqlite:" + store + " --id 1 --school SCH1 --format csv");
  ASSERT_EQ(shown.status, 0) << shown.out;
  EXPECT_NE(shown.out.find(",A3,Cat,Three,SCH1,11,5,"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(",A4,Dan,Four,SCH1,11,"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find(",B1,"), std::string::npos) << "another school's pupil";
  // Not shared before the school signs off.
  const std::string out = dir / "sch1.csv";
  auto refused = run("roni register export --db sqlite:" + store + " --id 1 --school SCH1 --out " + out);
  EXPECT_EQ(refused.status, 2) << refused.out;
  EXPECT_NE(refused.out.find("has not been moderated"), std::string::npos) << refused.out;
  EXPECT_FALSE(std::filesystem::exists(out));
  {
    auto db = open_db("sqlite:" + store);
    risk::sign_off(*db, 1, "SCH1", "head");
  }
  auto exported = run("roni register export --db sqlite:" + store + " --id 1 --school SCH1 --out " + out);
  ASSERT_EQ(exported.status, 0) << exported.out;
  EXPECT_NE(testing::read_file(out).find(",A3,Cat,Three,SCH1,"), std::string::npos);
  // Unknown register: bad input.
  EXPECT_EQ(run("roni register show --db sqlite:" + store + " --id 7").status, 2);
}

TEST(RiskRegisterDates, TheScheduledDatesBetweenTwoDays) {
  const auto c = risk::Criteria::from_json(kCriteria, "test criteria");
  // (2025-11-15, 2026-11-15]: 1 March 2026 and 1 November 2026.
  const auto due = risk::due_register_dates(c, make_date(2025, 11, 15), make_date(2026, 11, 15));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(format_date(due[0]), "2026-03-01");
  EXPECT_EQ(format_date(due[1]), "2026-11-01");
  // The day itself is included at the end, excluded at the start.
  EXPECT_EQ(risk::due_register_dates(c, make_date(2026, 11, 1), make_date(2026, 11, 30)).size(), 0u);
  EXPECT_EQ(risk::due_register_dates(c, make_date(2026, 10, 31), make_date(2026, 11, 1)).size(), 1u);
}

}  // namespace
}  // namespace pathways
