// Statutory and annual reports on small hand-written cohorts. Every expected number is
// worked out by hand in the comments from domain.md sections 2-5.
#include "report/participation.h"

#include <gtest/gtest.h>

#include "report/render.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

// Statutory report for January 2025 (snapshot 2025-01-31), reporting LA 890.
// Academic age = age on 31 August 2024.
//
// id   dob         age  sex la  st sen chars    school activities                               status on 2025-01-31
// P01  2008-05-01  16   F   890 P  N             S1  230 from 2024-09-05                      participating
// P02  2007-06-01  17   M   890 P  K             S1  619 from 2024-12-01 (lapses 2025-03-01)  NEET, available
// P03  2007-06-01  17   M   890 P  E   110       S2  630 from 2024-10-01, verified 2024-12-20 NEET, not available
// P04  2008-02-10  16   F   890 P  N             S2  330 from 2024-07-01 (lapses 2025-01-01)  not known (lapsed)
// P05  2008-04-04  16   M   890 P  N             S2  330 from 2024-09-01, verified 2024-12-01 EET, not participating
// P06  2007-11-11  16   M   890 P  N             S1  710 from 2024-06-01, verified 2025-01-10 custody: excluded
// P07  2008-01-01  16   F   888 P  N                 619 from 2024-12-01                      not resident: out
// P08  2008-03-03  16   F   890 T  N                 230 from 2024-09-05                      transferred (T): out
// P09  2009-01-01  15   F   890 P  N             S1  110 from 2020-09-01                      Year 11: out
// P10  2006-08-31  18   M   890 P  N                 619 from 2024-12-01                      18, no EHC plan: out
// P11  2003-05-05  21   M   890 P  E                 610 from 2024-12-01                      SEND 18-24: NEET
// P12  2007-09-01  16   X   890 G  -             S1  (none)                                   not known
// P13  2007-12-25  16   F   890 P  N   180;120       230 2024-09-05..2024-12-20, 650 from 12-21 NEET, not available
// P14  2008-06-30  16   M   890 P  N   200       S3  230 from 2024-09-05, review 2025-01-15   not known (review)
// P15  2008-07-07  16   F   890 P  N             S3  619 from 2024-11-01, 230 from 2025-01-13 participating
// P16  2007-07-07  17   M   890 P  N             S3  230 2024-09-05..2025-01-09, 619 from 01-20 NEET, available
//
// Cohort (16-17, resident, P/G, custody excluded): P01-P05, P12-P16 = 10; custody 1 (P06).
// participating 2 (P01, P15); EET not participating 1 (P05); NEET 4 (P02, P03, P13, P16:
// available P02, P16; not available P03, P13); not known 3 (P04, P12, P14). 2+1+4+3 = 10.
// NEET 40%, not known 30%, combined 70%, participation 20%.
// Movement: at 2024-12-31 NEET were P02, P03, P13, P15; at 2025-01-31 P02, P03, P13, P16:
// joiners 1 (P16), leavers 1 (P15). Days NEET in January: P02, P03, P13 31 each; P15 1-12
// Jan = 12; P16 20-31 Jan = 12; total 117 over 5 people.
// Age 16: cohort 7 (P01, P04, P05, P12, P13, P14, P15), NEET 1 (P13), NK 3, custody 1 (P06).
// Age 17: cohort 3 (P02, P03, P16), NEET 3, NK 0.
// Gender F: 4 (P01, P04, P13, P15) NEET 1 NK 1; M: 5 (P02, P03, P05, P14, P16) NEET 3 NK 1;
// X: 1 (P12) NK 1.
// SEN N: 8, NEET 2 (P13, P16), NK 3; K: 1 NEET 1; E: 1 NEET 1.
// Characteristic 110: 1 NEET 1; 120: 1 NEET 1; 180: 1 NEET 1; 200: 1 NK 1; others 0.
// Vulnerable group (110 130 140 150 160 170 190 200 210): yes 2 (P03, P14) NEET 1 NK 1;
// no 8, NEET 3, NK 2.
// School S1: 3 (P01, P02, P12) NEET 1 NK 1; S2: 3 (P03, P04, P05) NEET 1 NK 1;
// S3: 3 (P14, P15, P16) NEET 1 NK 1; none: 1 (P13) NEET 1.
// SEND 18-24: cohort 1 (P11), NEET 1.
class StatutoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("people.csv", std::string(testing::kPeopleHeader) +
                                 "P01,A,A,2008-05-01,F,890,P,N,,S1\n"
                                 "P02,B,B,2007-06-01,M,890,P,K,,S1\n"
                                 "P03,C,C,2007-06-01,M,890,P,E,110,S2\n"
                                 "P04,D,D,2008-02-10,F,890,P,N,,S2\n"
                                 "P05,E,E,2008-04-04,M,890,P,N,,S2\n"
                                 "P06,F,F,2007-11-11,M,890,P,N,,S1\n"
                                 "P07,G,G,2008-01-01,F,888,P,N,,\n"
                                 "P08,H,H,2008-03-03,F,890,T,N,,\n"
                                 "P09,I,I,2009-01-01,F,890,P,N,,S1\n"
                                 "P10,J,J,2006-08-31,M,890,P,N,,\n"
                                 "P11,K,K,2003-05-05,M,890,P,E,,\n"
                                 "P12,L,L,2007-09-01,X,890,G,,,S1\n"
                                 "P13,M,M,2007-12-25,F,890,P,N,180;120,\n"
                                 "P14,N,N,2008-06-30,M,890,P,N,200,S3\n"
                                 "P15,O,O,2008-07-07,F,890,P,N,,S3\n"
                                 "P16,P,P,2007-07-07,M,890,P,N,,S3\n");
    dir_.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                     "P01,230,2024-09-05,,,,,,\n"
                                     "P02,619,2024-12-01,,,,,,\n"
                                     "P03,630,2024-10-01,,2024-12-20,,,,\n"
                                     "P04,330,2024-07-01,,,,,,\n"
                                     "P05,330,2024-09-01,,2024-12-01,,,,\n"
                                     "P06,710,2024-06-01,,2025-01-10,,,,\n"
                                     "P07,619,2024-12-01,,,,,,\n"
                                     "P08,230,2024-09-05,,,,,,\n"
                                     "P09,110,2020-09-01,,,,,,\n"
                                     "P10,619,2024-12-01,,,,,,\n"
                                     "P11,610,2024-12-01,,,,,,\n"
                                     "P13,230,2024-09-05,2024-12-20,,,,,\n"
                                     "P13,650,2024-12-21,,,,,,\n"
                                     "P14,230,2024-09-05,,,2025-01-15,,,\n"
                                     "P15,619,2024-11-01,,,,,,\n"
                                     "P15,230,2025-01-13,,,,,,\n"
                                     "P16,230,2024-09-05,2025-01-09,,,,,\n"
                                     "P16,619,2025-01-20,,,,,,\n");
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

// Annual report for 2024-25 on four people (no LA given, so all resident):
// A1 2008-05-01 (16): 619 from 2024-11-15, lapses 2025-02-15 -> Dec NEET, Jan NEET, Feb NK, Mar NK
// A2 2007-05-01 (17): 230 from 2024-09-05              -> participating every month
// A3 2008-01-10 (16): 330 from 2024-09-01, lapses 2025-03-01 -> EET not participating Dec-Feb, Mar NK
// A4 2007-02-02 (17): 810 from 2024-06-01              -> not known throughout
// Dec: NEET 1/4 = 25%, NK 1/4 = 25%. Jan: the same. Feb (28th): NEET 0%, NK 2/4 = 50%.
// Mean NEET (25+25+0)/3 = 16.667%, NK (25+25+50)/3 = 33.333%, combined 50%.
// March participation: A2 only, 1/4 = 25%.
TEST(AnnualTest, MeanOfDecemberJanuaryFebruary) {
  TempDir dir;
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A1,A,A,2008-05-01,F,890,P,N,,\n"
                              "A2,B,B,2007-05-01,M,890,P,N,,\n"
                              "A3,C,C,2008-01-10,F,890,P,N,,\n"
                              "A4,D,D,2007-02-02,M,890,P,N,,\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "A1,619,2024-11-15,,,,,,\n"
                                  "A2,230,2024-09-05,,,,,,\n"
                                  "A3,330,2024-09-01,,,,,,\n"
                                  "A4,810,2024-06-01,,,,,,\n");
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
