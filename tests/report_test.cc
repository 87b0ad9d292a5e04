// Statutory and annual reports on small hand-written cohorts. Every expected number is
// worked out by hand from domain.md sections 2-5, in the comments here and, for the
// statutory and annual cohorts, in cohorts.h.
#include "report/participation.h"

#include <gtest/gtest.h>

#include "cohorts.h"
#include "report/render.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

// The statutory cohort of cohorts.h (P01-P16), January 2025, reporting LA 890: every number
// below is worked out by hand in the comment there.
class StatutoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_statutory_cohort(dir_);
    ds_ = testing::load_valid(dir_);
    ReportScope scope;
    scope.la = 890;
    r_ = statutory_report(ds_, Rules::defaults(), 2025, 1, scope);
  }
  const BreakdownRow& row(const std::string& breakdown, const std::string& key) {
    for (const auto& b : r_.snapshot.breakdowns)
      if (b.name == breakdown)
        for (const auto& row : b.rows)
          if (row.key == key) return row;
    ADD_FAILURE() << "no row " << breakdown << "/" << key;
    static BreakdownRow none;
    return none;
  }
  TempDir dir_;
  Dataset ds_;
  StatutoryReport r_;
};

TEST_F(StatutoryTest, Headline) {
  const Counts& c = r_.snapshot.total;
  EXPECT_EQ(c.cohort, 10);
  EXPECT_EQ(c.custody, 1);
  EXPECT_EQ(c.participating, 2);
  EXPECT_EQ(c.eet_not_participating, 1);
  EXPECT_EQ(c.neet, 4);
  EXPECT_EQ(c.neet_available, 2);
  EXPECT_EQ(c.neet_not_available, 2);
  EXPECT_EQ(c.not_known, 3);
  EXPECT_DOUBLE_EQ(c.neet_pct(), 40.0);
  EXPECT_DOUBLE_EQ(c.not_known_pct(), 30.0);
  EXPECT_DOUBLE_EQ(c.neet_nk_pct(), 70.0);
  EXPECT_DOUBLE_EQ(c.participation_pct(), 20.0);
}

TEST_F(StatutoryTest, Movement) {
  EXPECT_EQ(r_.neet_joiners, 1);
  EXPECT_EQ(r_.neet_leavers, 1);
  EXPECT_EQ(r_.days_neet, 117);
  EXPECT_EQ(r_.people_neet_in_month, 5);
}

TEST_F(StatutoryTest, Breakdowns) {
  auto check = [&](const char* b, const char* key, int cohort, int neet, int nk) {
    const Counts& c = row(b, key).counts;
    EXPECT_EQ(c.cohort, cohort) << b << "/" << key;
    EXPECT_EQ(c.neet, neet) << b << "/" << key;
    EXPECT_EQ(c.not_known, nk) << b << "/" << key;
  };
  check("age", "16", 7, 1, 3);
  EXPECT_EQ(row("age", "16").counts.custody, 1);
  check("age", "17", 3, 3, 0);
  check("gender", "F", 4, 1, 1);
  check("gender", "M", 5, 3, 1);
  check("gender", "X", 1, 0, 1);
  check("sen_status", "N", 8, 2, 3);
  check("sen_status", "K", 1, 1, 0);
  check("sen_status", "E", 1, 1, 0);
  check("characteristic", "110", 1, 1, 0);
  check("characteristic", "120", 1, 1, 0);
  check("characteristic", "180", 1, 1, 0);
  check("characteristic", "200", 1, 0, 1);
  check("characteristic", "160", 0, 0, 0);
  check("vulnerable_group", "yes", 2, 1, 1);
  check("vulnerable_group", "no", 8, 3, 2);
  check("school", "S1", 3, 1, 1);
  check("school", "S2", 3, 1, 1);
  check("school", "S3", 3, 1, 1);
  check("school", "", 1, 1, 0);
}

TEST_F(StatutoryTest, SendEighteenToTwentyFourIsSeparate) {
  EXPECT_EQ(r_.snapshot.send_18_24.cohort, 1);
  EXPECT_EQ(r_.snapshot.send_18_24.neet, 1);
}

TEST_F(StatutoryTest, JsonCarriesTheContractFields) {
  const auto j = to_json(r_);
  EXPECT_EQ(j["month"], "2025-01");
  EXPECT_EQ(j["snapshot_date"], "2025-01-31");
  for (const char* f : {"cohort", "custody", "participating", "eet_not_participating", "neet", "not_known", "neet_pct",
                        "not_known_pct", "neet_nk_pct", "participation_pct", "breakdowns"})
    EXPECT_TRUE(j.contains(f)) << f;
  EXPECT_EQ(j["cohort"], 10);
  EXPECT_DOUBLE_EQ(j["neet_nk_pct"].get<double>(), 70.0);
  for (const char* b : {"age", "gender", "sen_status", "characteristic", "vulnerable_group", "school"})
    EXPECT_TRUE(j["breakdowns"].contains(b)) << b;
  EXPECT_EQ(j["breakdowns"]["age"][0]["key"], "16");
  EXPECT_EQ(j["breakdowns"]["age"][0]["cohort"], 7);
}

TEST_F(StatutoryTest, WithoutAnLaEveryoneIsResident) {
  // P07 (LA 888, NEET from 2024-12-01) joins the cohort: 11, NEET 5.
  const StatutoryReport all = statutory_report(ds_, Rules::defaults(), 2025, 1, {});
  EXPECT_EQ(all.snapshot.total.cohort, 11);
  EXPECT_EQ(all.snapshot.total.neet, 5);
}

// The annual cohort of cohorts.h (A1-A4), 2024-25, no LA: worked out by hand there.
TEST(AnnualTest, MeanOfDecemberJanuaryFebruary) {
  TempDir dir;
  testing::write_annual_cohort(dir);
  const Dataset ds = testing::load_valid(dir);
  const AnnualReport r = annual_report(ds, Rules::defaults(), 2024, {});
  ASSERT_EQ(r.snapshots.size(), 4u);
  EXPECT_EQ(r.snapshots[2].total.not_known, 2);
  EXPECT_NEAR(r.neet_pct, 50.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.not_known_pct, 100.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.neet_nk_pct, 50.0, 1e-9);
  EXPECT_DOUBLE_EQ(r.participation_pct, 25.0);
  const auto j = to_json(r);
  EXPECT_EQ(j["year"], "2024-25");
  EXPECT_EQ(j["months"], nlohmann::json({"2024-12", "2025-01", "2025-02"}));
  EXPECT_EQ(j["participation_month"], "2025-03");
}

// Age edges, statutory report for September 2024 (snapshot 2024-09-30); academic age is
// age on 31 August 2024:
// E1 2008-08-31: 16 on 31 Aug 2024 -> academic age 16, in; 230 from 2024-09-04 -> participating
// E2 2008-09-01: 15 on 31 Aug 2024 -> academic age 15 (Year 11), out
// E3 2006-09-01: 17 on 31 Aug 2024 (18 the next day) -> academic age 17, in; 619 -> NEET
// E4 2006-08-31: 18 on 31 Aug 2024 -> out
// E5 2008-02-29: 16 -> in; no activity -> not known
// Cohort 3: participating 1, NEET 1, not known 1; age 16: 2 (E1, E5), age 17: 1 (E3).
TEST(AgeEdgesTest, ThirtyFirstAugustAndFirstSeptemberBirthdays) {
  TempDir dir;
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "E1,A,A,2008-08-31,F,890,P,N,,\n"
                              "E2,B,B,2008-09-01,M,890,P,N,,\n"
                              "E3,C,C,2006-09-01,F,890,P,N,,\n"
                              "E4,D,D,2006-08-31,M,890,P,N,,\n"
                              "E5,E,E,2008-02-29,M,890,P,N,,\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "E1,230,2024-09-04,,,,,,\n"
                                  "E2,110,2019-09-01,,,,,,\n"
                                  "E3,619,2024-09-10,,,,,,\n"
                                  "E4,619,2024-09-10,,,,,,\n");
  const Dataset ds = testing::load_valid(dir);
  const StatutoryReport r = statutory_report(ds, Rules::defaults(), 2024, 9, {});
  EXPECT_EQ(r.snapshot.total.cohort, 3);
  EXPECT_EQ(r.snapshot.total.participating, 1);
  EXPECT_EQ(r.snapshot.total.neet, 1);
  EXPECT_EQ(r.snapshot.total.not_known, 1);
  EXPECT_EQ(r.snapshot.breakdowns[0].rows[0].counts.cohort, 2);  // age 16
  EXPECT_EQ(r.snapshot.breakdowns[0].rows[1].counts.cohort, 1);  // age 17
}

}  // namespace
}  // namespace pathways
