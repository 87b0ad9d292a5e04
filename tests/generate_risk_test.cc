// The synthetic LA against calibration.md's relative risks of NEET: on the full LA preset,
// the Year 12 outcome (NEET in any of the Dec-Feb snapshots) of every observed Year 11
// cohort, pooled, by Year 11 attendance, FSM, SEND, sex and care; and "not known" generated
// by a separate process, not as a disguised NEET.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/rules.h"
#include "generate/generate.h"
#include "io/folder.h"
#include "risk/analysis.h"
#include "risk/criteria.h"
#include "risk/outcome.h"
#include "testing.h"

namespace pathways {
namespace {

using risk::Outcome;

const Date kAsOf = make_date(2026, 10, 31);  // the LA preset's data date
constexpr size_t kWholeCohort = 500;           // a Blackpool year group is about 1,600

// The LA preset, generated and loaded once for all the tests here.
class GenerateRisk : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    GenerateOptions o;
    o.out_dir = dir_->path();
    o.preset = "la";
    o.seed = 1;
    generate(o);
    LoadReport report;
    ds_ = new Dataset(load_folder(dir_->path(), Rules::defaults(), report));
    ASSERT_TRUE(report.ok()) << testing::errors_of(report);
    ReportScope scope;
    scope.la = 890;
    cohorts_ = new std::vector<risk::CohortOutcomes>();
    // Whole year groups only: the history of older young people also holds a few dozen
    // Year 11 rows of earlier years (2019-20, 2020-21), too few to say anything.
    for (int y : risk::year11_cohorts(*ds_)) {
      auto c = risk::cohort_outcomes(*ds_, Rules::defaults(), y, kAsOf, scope);
      if (c.observed && c.size() >= kWholeCohort) cohorts_->push_back(std::move(c));
      else if (c.observed) std::printf("  (Year 11 %d: %zu members, left out)\n", y, c.size());
    }
  }
  static void TearDownTestSuite() {
    delete cohorts_;
    delete ds_;
    delete dir_;
  }

  struct Risk {
    int64_t n_with = 0, neet_with = 0, n_without = 0, neet_without = 0;
    risk::RelativeRisk rr;
  };
  // Relative risk of NEET, pooled over the observed cohorts, of members for whom `has`
  // holds (given their Year 11 indicators row and person).
  static Risk relative_risk(const std::function<bool(uint32_t row, uint32_t person)>& has) {
    Risk r;
    for (const auto& c : *cohorts_)
      for (size_t i = 0; i < c.size(); ++i) {
        if (c.outcome[i] != Outcome::kNeet && c.outcome[i] != Outcome::kNotNeet) continue;
        const bool neet = c.outcome[i] == Outcome::kNeet;
        if (has(c.indicator_row[i], c.person[i])) {
          ++r.n_with;
          r.neet_with += neet;
        } else {
          ++r.n_without;
          r.neet_without += neet;
        }
      }
    r.rr = risk::relative_risk(r.neet_with, r.n_with, r.neet_without, r.n_without);
    return r;
  }
  static void report(const char* what, const Risk& r) {
    std::printf("  %-28s with %6lld (NEET %5lld)  without %6lld (NEET %5lld)  RR %.2f (%.2f-%.2f)\n", what,
                static_cast<long long>(r.n_with), static_cast<long long>(r.neet_with),
                static_cast<long long>(r.n_without), static_cast<long long>(r.neet_without), r.rr.rr, r.rr.low,
                r.rr.high);
  }
  static bool has_characteristic(uint32_t person, std::initializer_list<int> codes) {
    for (int code : codes)
      if (auto bit = Rules::defaults().characteristic_bit(code))
        if ((ds_->people.characteristics[person] >> *bit) & 1u) return true;
    return false;
  }

  static testing::TempDir* dir_;
  static Dataset* ds_;
  static std::vector<risk::CohortOutcomes>* cohorts_;
};

testing::TempDir* GenerateRisk::dir_ = nullptr;
Dataset* GenerateRisk::ds_ = nullptr;
std::vector<risk::CohortOutcomes>* GenerateRisk::cohorts_ = nullptr;

TEST_F(GenerateRisk, PastCohortsHaveOutcomesAndACurrentYear11Exists) {
  const auto years = risk::year11_cohorts(*ds_);
  ASSERT_FALSE(years.empty());
  EXPECT_GE(cohorts_->size(), 2u) << "at least two past Year 11 cohorts with an observed Year 12 outcome";
  EXPECT_EQ(years.back(), 2026) << "the current Year 11 (2026-27) has indicators";
  const auto current = risk::cohort_outcomes(*ds_, Rules::defaults(), 2026, kAsOf);
  EXPECT_GE(current.size(), kWholeCohort);
  EXPECT_FALSE(current.observed);
  EXPECT_EQ(risk::newest_observed_cohort(*ds_, kAsOf), 2024);
  for (const auto& c : *cohorts_) {
    std::printf("  Year 11 %d: cohort %zu, NEET %lld, not NEET %lld, not known %lld, not tracked %lld\n", c.year11,
                c.size(), static_cast<long long>(c.neet), static_cast<long long>(c.not_neet),
                static_cast<long long>(c.not_known), static_cast<long long>(c.not_tracked));
    EXPECT_GT(c.neet, 20) << c.year11;
    EXPECT_GT(c.not_neet, 10 * c.neet) << c.year11;
  }
}

TEST_F(GenerateRisk, RelativeRisksMatchCalibration) {
  const Indicators& I = ds_->indicators;
  const People& P = ds_->people;
  const int fsm_bit = 0;  // indicator_flag_names()[0]
  ASSERT_EQ(indicator_flag_names()[fsm_bit], "fsm");

  const Risk attendance = relative_risk([&](uint32_t r, uint32_t) { return I.attendance_pct[r] < 90.0f; });
  const Risk fsm = relative_risk([&](uint32_t r, uint32_t) { return (I.flags[r] >> fsm_bit) & 1u; });
  const Risk send = relative_risk([&](uint32_t, uint32_t p) { return P.sen_status[p] != SenStatus::kNone; });
  const Risk male = relative_risk([&](uint32_t, uint32_t p) { return P.gender[p] == Gender::kMale; });
  const Risk care = relative_risk([&](uint32_t, uint32_t p) { return has_characteristic(p, {110, 160}); });
  report("attendance < 90% (3.9x)", attendance);
  report("FSM (2-2.3x)", fsm);
  report("SEND: EHC plan or K (1.8x)", send);
  report("male (1.24x)", male);
  report("looked after/care (3x)", care);

  EXPECT_GT(attendance.rr.rr, 2.5);
  EXPECT_LT(attendance.rr.rr, 6.0);
  EXPECT_GT(fsm.rr.rr, 1.4);
  EXPECT_LT(fsm.rr.rr, 3.2);
  EXPECT_GT(send.rr.rr, 1.2);
  EXPECT_LT(send.rr.rr, 2.8);
  EXPECT_GT(male.rr.rr, 1.0);
  EXPECT_LT(male.rr.rr, 1.6);
  if (care.neet_with >= 10) {
    EXPECT_GT(care.rr.rr, 1.5);
    EXPECT_LT(care.rr.rr, 6.0);
  } else {
    std::printf("  (too few looked-after NEETs to check: %lld)\n", static_cast<long long>(care.neet_with));
  }
}

// Not known is a tracking failure: those not known on all three dates should not carry the
// risk profile of those who became NEET.
TEST_F(GenerateRisk, NotKnownIsNotADisguisedNeet) {
  const risk::Criteria& criteria = risk::Criteria::defaults();
  double sum[3] = {0, 0, 0};
  int64_t n[3] = {0, 0, 0};  // NEET, not NEET, not known
  for (const auto& c : *cohorts_)
    for (size_t i = 0; i < c.size(); ++i) {
      int k = c.outcome[i] == Outcome::kNeet ? 0 : c.outcome[i] == Outcome::kNotNeet ? 1 : c.outcome[i] == Outcome::kNotKnown ? 2 : -1;
      if (k < 0) continue;
      sum[k] += risk::score_row(*ds_, Rules::defaults(), criteria, c.indicator_row[i]).score;
      ++n[k];
    }
  ASSERT_GT(n[0], 0);
  ASSERT_GT(n[1], 0);
  ASSERT_GT(n[2], 0) << "the generator makes some not known outcomes";
  const double neet = sum[0] / n[0], not_neet = sum[1] / n[1], not_known = sum[2] / n[2];
  std::printf("  mean RONI score: NEET %.2f (%lld), not NEET %.2f (%lld), not known %.2f (%lld)\n", neet,
              static_cast<long long>(n[0]), not_neet, static_cast<long long>(n[1]), not_known,
              static_cast<long long>(n[2]));
  EXPECT_LT(not_known, neet);
  // Nearer the EET mean than the NEET mean.
  EXPECT_LT(not_known - not_neet, 0.5 * (neet - not_neet));
}

// The whole analysis runs on the preset and flags a sensible share of later NEETs.
TEST_F(GenerateRisk, DefaultCriteriaFlagLaterNeets) {
  ReportScope scope;
  scope.la = 890;
  const auto a = risk::analyse_indicators(*ds_, Rules::defaults(), risk::Criteria::defaults(), 2024, kAsOf, scope);
  std::printf("  %s\n", a.summary.c_str());
  for (const auto& c : a.roni)
    std::printf("  %-8s flagged %5lld, NEET among them %4lld, recall %.2f, precision %.2f\n", c.cut.c_str(),
                static_cast<long long>(c.flagged), static_cast<long long>(c.neet_flagged), c.recall, c.precision);
  ASSERT_EQ(a.roni.size(), 3u);
  EXPECT_GT(a.neet, 0);
  // Flagging is better than chance: the list's precision is above the cohort's NEET rate.
  EXPECT_GT(a.roni[2].precision, static_cast<double>(a.neet) / static_cast<double>(a.with_outcome));
  EXPECT_GT(a.roni[2].recall, 0.3);
}

}  // namespace
}  // namespace pathways
