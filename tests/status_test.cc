// The tracking engine, one currency rule at a time (domain.md section 4).
#include "engine/status.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

Date D(const char* s) { return *parse_date(s); }

// One person born 2008-03-15 (academic age 16 in 2024-25, 17 in 2025-26), with the
// activities given as CSV rows.
class StatusTest : public ::testing::Test {
 protected:
  void load(const std::string& activity_rows, const std::string& dob = "2008-03-15") {
    dir_.write("people.csv", std::string(testing::kPeopleHeader) + "A,Amy,Lee," + dob + ",F,890,P,N,,S1\n");
    dir_.write("activities.csv", std::string(testing::kActivitiesHeader) + activity_rows);
    ds_ = testing::load_valid(dir_);
  }
  // The code current on `date`, or 810 when not known.
  int code_on(const char* date) {
    const Status s = status_on(ds_, Rules::defaults(), 0, D(date));
    return s.known() ? Rules::defaults().code(ds_.activities.code[s.activity]).code : 810;
  }
  std::string lapse_on(const char* date) {
    return format_date(status_on(ds_, Rules::defaults(), 0, D(date)).lapse_date);
  }
  TempDir dir_;
  Dataset ds_;
};

TEST_F(StatusTest, CurrentFromStartToEndInclusive) {
  load("A,230,2024-09-05,2025-03-10,,,,,\n");
  EXPECT_EQ(code_on("2024-09-04"), 810);
  EXPECT_EQ(code_on("2024-09-05"), 230);
  EXPECT_EQ(code_on("2025-03-10"), 230);  // the end date is the last day
  EXPECT_EQ(code_on("2025-03-11"), 810);
}

TEST_F(StatusTest, EducationLapsesOnTheFirstSeptemberAfterLastVerification) {
  load("A,230,2024-09-05,,,,,,\n");
  EXPECT_EQ(code_on("2025-08-31"), 230);
  EXPECT_EQ(code_on("2025-09-01"), 810);
  EXPECT_EQ(lapse_on("2025-01-31"), "2025-09-01");
}

TEST_F(StatusTest, EducationStartedOn31AugustLapsesNextDay) {
  load("A,210,2024-08-31,,,,,,\n");
  EXPECT_EQ(code_on("2024-08-31"), 210);
  EXPECT_EQ(code_on("2024-09-01"), 810);
}

TEST_F(StatusTest, VerificationExtendsButOnlyFromItsOwnDate) {
  // Verified on 2025-09-20 (the autumn reconfirmation): current again from that date,
  // until 1 September 2026. Between 1 and 19 September 2025 it had lapsed: a later
  // verification never changes an earlier day's answer.
  load("A,230,2024-09-05,,2025-09-20,,,,\n");
  EXPECT_EQ(code_on("2025-08-31"), 230);
  EXPECT_EQ(code_on("2025-09-10"), 810);
  EXPECT_EQ(code_on("2025-09-20"), 230);
  EXPECT_EQ(code_on("2026-08-31"), 230);
  EXPECT_EQ(code_on("2026-09-01"), 810);
}

TEST_F(StatusTest, EmploymentLapsesSixMonthsAfterVerification) {
  load("A,330,2024-08-31,,,,,,\n");
  EXPECT_EQ(code_on("2025-02-27"), 330);
  EXPECT_EQ(code_on("2025-02-28"), 810);  // 31 Aug + 6 months = 28 Feb (clamped)
}

TEST_F(StatusTest, ApprenticeshipFollowsTheSeptemberRuleNotSixMonths) {
  load("A,310,2024-10-01,,,,,,\n");
  EXPECT_EQ(code_on("2025-08-31"), 310);
  EXPECT_EQ(code_on("2025-09-01"), 810);
}

TEST_F(StatusTest, NeetLapsesThreeMonthsAfterVerification) {
  load("A,619,2024-10-15,,2024-11-30,,,,\n");
  EXPECT_EQ(code_on("2024-11-29"), 619);
  EXPECT_EQ(code_on("2025-02-27"), 619);
  EXPECT_EQ(code_on("2025-02-28"), 810);  // 30 Nov + 3 months = 28 Feb
  EXPECT_EQ(lapse_on("2024-12-31"), "2025-02-28");
  // As of 2024-11-15 the verification had not happened: lapse computed from the start.
  EXPECT_EQ(lapse_on("2024-11-15"), "2025-01-15");
}

TEST_F(StatusTest, ReviewDateLapsesTheDayAfter) {
  load("A,230,2024-09-05,,,2024-12-15,,,\n");
  EXPECT_EQ(code_on("2024-12-15"), 230);
  EXPECT_EQ(code_on("2024-12-16"), 810);
}

TEST_F(StatusTest, ReviewDateSatisfiedByALaterVerification) {
  // Verified on the review date itself: the review is done, the September rule applies.
  load("A,230,2024-09-05,,2024-12-15,2024-12-15,,,\n");
  EXPECT_EQ(code_on("2024-12-16"), 230);
  EXPECT_EQ(code_on("2025-08-31"), 230);
}

TEST_F(StatusTest, ReviewDateNeverExtendsACodesOwnCurrency) {
  // NEET verified (started) 2024-10-01 lapses 2025-01-01 by its 3-month rule; a later review
  // date (2025-03-01) does not keep it current longer.
  load("A,619,2024-10-01,,,2025-03-01,,,\n");
  EXPECT_EQ(code_on("2024-12-31"), 619);
  EXPECT_EQ(code_on("2025-01-01"), 810);
}

TEST_F(StatusTest, ReviewDateDoesNotKeepPreSixteenPastSixteen) {
  // Born 2008-05-05: academic age 16 from 2024-09-01. A 150 record with a review date in
  // 2025 still lapses on 2024-09-01.
  load("A,150,2024-05-01,,,2025-06-30,,,\n", "2008-05-05");
  EXPECT_EQ(code_on("2024-08-31"), 150);
  EXPECT_EQ(code_on("2024-09-01"), 810);
}

TEST_F(StatusTest, NotKnownCodesNeverLapse) {
  load("A,810,2024-09-05,,,,,,\n");
  EXPECT_EQ(code_on("2030-01-01"), 810);
  EXPECT_EQ(lapse_on("2030-01-01"), "");
}

TEST_F(StatusTest, PreSixteenLapsesAtAcademicAgeSixteen) {
  // Born 2008-09-01: academic age 16 from 1 September 2025.
  load("A,110,2019-09-01,,,,,,\n", "2008-09-01");
  EXPECT_EQ(code_on("2025-08-31"), 110);
  EXPECT_EQ(code_on("2025-09-01"), 810);
}

TEST_F(StatusTest, OtherCodesLapseAfterSixMonths) {
  load("A,530,2024-10-01,,,,,,\n");
  EXPECT_EQ(code_on("2025-03-31"), 530);
  EXPECT_EQ(code_on("2025-04-01"), 810);
}

TEST_F(StatusTest, LegacyCodeCountsAsItsTarget) {
  load("A,420,2024-10-01,,,,,,\n");  // legacy 420 -> 410 (training, September rule)
  EXPECT_EQ(code_on("2025-08-31"), 420);
  EXPECT_EQ(Rules::defaults().category_of(ds_.activities.code[0]), Category::kEet);
  EXPECT_TRUE(Rules::defaults().participating(ds_.activities.code[0]));
  EXPECT_EQ(code_on("2025-09-01"), 810);
}

TEST_F(StatusTest, OverlapLatestStartWins) {
  load("A,230,2024-09-05,,,,,,\nA,619,2024-11-01,,,,,,\n");
  EXPECT_EQ(code_on("2024-10-31"), 230);
  EXPECT_EQ(code_on("2024-11-01"), 619);
  // When the NEET record lapses (1 Feb), the education record, still current, shows again.
  EXPECT_EQ(code_on("2025-02-01"), 230);
}

TEST_F(StatusTest, OverlapSameStartLatestVerificationWins) {
  load("A,330,2024-10-01,,2024-12-01,,,,\nA,230,2024-10-01,,2024-11-01,,,,\n");
  EXPECT_EQ(code_on("2024-11-15"), 230);  // 230 verified 1 Nov, 330 only as of its start
  EXPECT_EQ(code_on("2024-12-15"), 330);  // now 330's verification is later
}

TEST_F(StatusTest, OverlapFullTieLaterRowWins) {
  load("A,330,2024-10-01,,,,,,\nA,360,2024-10-01,,,,,,\n");
  EXPECT_EQ(code_on("2024-12-01"), 360);
}

TEST_F(StatusTest, SnapshotsMatchSingleQueries) {
  load("A,230,2024-09-05,2025-01-20,,,,,\nA,619,2025-01-21,,,,,,\nA,330,2025-03-01,,2025-03-10,,,,\n");
  const Date dates[] = {D("2024-12-31"), D("2025-01-31"), D("2025-04-30"), D("2025-05-31")};
  const Snapshots s = take_snapshots(ds_, Rules::defaults(), dates);
  for (size_t k = 0; k < 4; ++k)
    EXPECT_EQ(s.at(k, 0), status_on(ds_, Rules::defaults(), 0, dates[k]).activity) << k;
  SnapshotOptions young;
  young.max_academic_age = 15;
  const Snapshots none = take_snapshots(ds_, Rules::defaults(), dates, young);
  EXPECT_EQ(none.at(0, 0), Snapshots::kNotEvaluated);
}

}  // namespace
}  // namespace pathways
