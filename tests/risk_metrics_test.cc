// Metrics of the risk model (risk/metrics.h) against values worked out by hand.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "risk/metrics.h"

namespace pathways::risk {
namespace {

TEST(RiskMetrics, AucCountsPairs) {
  // Positives score 0.35 and 0.8; negatives 0.1 and 0.4. Pairs (pos, neg):
  // (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, 0.1) win, (0.8, 0.4) win -> 3 / 4.
  EXPECT_DOUBLE_EQ(auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  // Perfect and reversed orderings.
  EXPECT_DOUBLE_EQ(auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
}

TEST(RiskMetrics, AucTiesCountHalf) {
  // Positives 0.5 and 0.9; negatives 0.5 and 0.2.
  // (0.5, 0.5) tie = 0.5, (0.5, 0.2) win, (0.9, 0.5) win, (0.9, 0.2) win -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(auc({0.5, 0.5, 0.2, 0.9}, {1, 0, 0, 1}), 0.875);
  // Every score equal: 0.5 whatever the outcomes.
  EXPECT_DOUBLE_EQ(auc({3, 3, 3, 3, 3}, {1, 0, 0, 1, 0}), 0.5);
  // One class only: undefined.
  EXPECT_TRUE(std::isnan(auc({0.1, 0.2}, {0, 0})));
}

TEST(RiskMetrics, HanleyMcNeilInterval) {
  // A = 0.8, P = 10, N = 40: Q1 = 0.8 / 1.2 = 0.666667, Q2 = 2 * 0.64 / 1.8 = 0.711111,
  // SE^2 = (0.8 * 0.2 + 9 * (0.666667 - 0.64) + 39 * (0.711111 - 0.64)) / 400
  //      = (0.16 + 0.24 + 2.773333) / 400 = 0.00793333, SE = 0.0890693,
  // 1.96 SE = 0.174576 -> [0.625424, 0.974576].
  const Interval ci = auc_ci_hanley_mcneil(0.8, 10, 40);
  EXPECT_NEAR(ci.lo, 0.625424, 1e-5);
  EXPECT_NEAR(ci.hi, 0.974576, 1e-5);
  // A = 0.75, P = N = 2: SE = 0.276296, the upper end is clipped at 1.
  const Interval small = auc_ci_hanley_mcneil(0.75, 2, 2);
  EXPECT_NEAR(small.lo, 0.75 - 1.96 * 0.276296, 1e-5);
  EXPECT_DOUBLE_EQ(small.hi, 1.0);
}

TEST(RiskMetrics, ListSizeRoundsUp) {
  EXPECT_EQ(list_size(25, 0.1), 3u);  // 2.5 -> 3
  EXPECT_EQ(list_size(20, 0.1), 2u);
  EXPECT_EQ(list_size(30, 0.1), 3u);  // 0.1 * 30 is 3.0000000000000004 in floating point
  EXPECT_EQ(list_size(5, 0.1), 1u);
  EXPECT_EQ(list_size(0, 0.1), 0u);
}

TEST(RiskMetrics, RecallPrecisionFprWithTiesShared) {
  // Ten young people, a list of 30% = 3 places. Scores 9 and 8 are on the list; the three
  // scoring 7 share the one place left (weight 1/3 each).
  const std::vector<double> score = {9, 8, 7, 7, 7, 1, 0, 0, 0, 0};
  const std::vector<int> y = {1, 0, 1, 0, 0, 1, 0, 0, 0, 0};
  const std::vector<double> w = list_weights(score, 0.3);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[1], 1.0);
  EXPECT_DOUBLE_EQ(w[2], 1.0 / 3);
  EXPECT_DOUBLE_EQ(w[5], 0.0);
  // True positives on the list: 1 (score 9) + 1/3 (the NEET one scoring 7) = 4/3.
  // recall = (4/3) / 3 positives = 4/9; precision = (4/3) / 3 places = 4/9;
  // false positives: 1 (score 8) + 2/3 = 5/3 of 7 negatives -> FPR = 5/21.
  const ListRates r = list_rates(w, y);
  EXPECT_DOUBLE_EQ(r.k, 3.0);
  EXPECT_EQ(r.positives, 3);
  EXPECT_EQ(r.negatives, 7);
  EXPECT_NEAR(r.recall, 4.0 / 9, 1e-12);
  EXPECT_NEAR(r.precision, 4.0 / 9, 1e-12);
  EXPECT_NEAR(r.fpr, 5.0 / 21, 1e-12);
  // Order does not matter: the same list reversed gives the same rates.
  const std::vector<double> rs(score.rbegin(), score.rend());
  const std::vector<int> ry(y.rbegin(), y.rend());
  EXPECT_NEAR(list_rates(list_weights(rs, 0.3), ry).recall, 4.0 / 9, 1e-12);
}

TEST(RiskMetrics, GroupRatesUseTheOverallCutOff) {
  // The same list; a group of the first five young people: positives at scores 9 and 7,
  // negatives at 8, 7, 7. recall = (1 + 1/3) / 2 = 2/3; FPR = (1 + 2/3) / 3 = 5/9.
  const std::vector<double> score = {9, 8, 7, 7, 7, 1, 0, 0, 0, 0};
  const std::vector<int> y = {1, 0, 1, 0, 0, 1, 0, 0, 0, 0};
  const std::vector<uint8_t> in = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  const ListRates r = list_rates(list_weights(score, 0.3), y, in);
  EXPECT_EQ(r.n, 5);
  EXPECT_NEAR(r.recall, 2.0 / 3, 1e-12);
  EXPECT_NEAR(r.fpr, 5.0 / 9, 1e-12);
  // A group without positives has no recall.
  const std::vector<uint8_t> none = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_TRUE(std::isnan(list_rates(list_weights(score, 0.3), y, none).recall));
}

TEST(RiskMetrics, EceTenEqualBins) {
  // Bins: [0, 0.1) holds 0.05 (y 0): |0.05 - 0| = 0.05, weight 1/5;
  //       [0.1, 0.2) holds 0.15, 0.15 (y 1, 0): |0.15 - 0.5| = 0.35, weight 2/5;
  //       [0.9, 1.0] holds 0.95, 1.0 (y 1, 1): |0.975 - 1| = 0.025, weight 2/5.
  // ECE = 0.01 + 0.14 + 0.01 = 0.16.
  const std::vector<double> p = {0.05, 0.15, 0.15, 0.95, 1.0};
  const std::vector<int> y = {0, 1, 0, 1, 1};
  EXPECT_NEAR(ece(p, y), 0.16, 1e-12);
  // Within a group (the first three): (1/3) 0.05 + (2/3) 0.35 = 0.25.
  EXPECT_NEAR(ece(p, y, {1, 1, 1, 0, 0}), 0.25, 1e-12);
}

TEST(RiskMetrics, Brier) {
  // (0.05^2 + 0.85^2 + 0.15^2 + 0.05^2 + 0) / 5 = (0.0025 + 0.7225 + 0.0225 + 0.0025) / 5 = 0.15.
  EXPECT_NEAR(brier({0.05, 0.15, 0.15, 0.95, 1.0}, {0, 1, 0, 1, 1}), 0.15, 1e-12);
}

}  // namespace
}  // namespace pathways::risk
