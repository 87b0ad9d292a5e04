// Measures of a risk score against observed outcomes (docs/risk-model.md, "Metrics").
//
// Every function takes scores (higher = more at risk), outcomes y (1 = NEET, 0 = not) and,
// where it matters, optional weights, all parallel. Definitions:
//  * AUC: the probability that a random NEET young person scores above a random non-NEET
//    one, ties counting one half (Mann-Whitney U with mid-ranks). NaN when either class is
//    empty.
//  * AUC 95% interval: Hanley & McNeil (1982) standard error,
//      Q1 = A / (2 - A), Q2 = 2A^2 / (1 + A),
//      SE^2 = (A(1-A) + (P-1)(Q1-A^2) + (N-1)(Q2-A^2)) / (P N),
//    A +/- 1.96 SE, clipped to [0, 1] (P positives, N negatives).
//  * The list: the top `fraction` of the ranked young people, k = ceil(fraction * n) places.
//    Ties at the cut-off are shared: everyone scoring strictly above the k-th score is on the
//    list (weight 1), everyone below is off (weight 0), and the t young people tied at the
//    k-th score share the remaining places, each with weight (places left) / t. This is the
//    expected value over every order of the tied young people, so it does not depend on the
//    order of the input and never rewards a coarse score (such as an integer RONI score) for
//    a lucky tie-break. With distinct scores it is the plain top-k list.
//  * recall@k = sum(weight * y) / positives; precision@k = sum(weight * y) / k;
//    FPR@k = sum(weight * (1 - y)) / negatives. A group's rates use the list built on
//    everyone (the overall cut-off), summed over the group's members.
//  * ECE (expected calibration error): 10 equal-width bins of the predicted probability,
//    [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0] (1.0 falls in the last bin);
//    ECE = sum over bins of (n_bin / n) * |mean(p) - mean(y)| in the bin.
//  * Brier score: mean of (p - y)^2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pathways::risk {

double auc(const std::vector<double>& score, const std::vector<int>& y);

struct Interval {
  double lo = 0, hi = 0;
};
// Hanley-McNeil 95% interval of an AUC `a` from `positives` and `negatives`.
Interval auc_ci_hanley_mcneil(double a, int64_t positives, int64_t negatives);

// Weight of each young person on the top-`fraction` list (see above); sums to k.
std::vector<double> list_weights(const std::vector<double>& score, double fraction);
size_t list_size(size_t n, double fraction);  // ceil(fraction * n), at least 1 when n > 0

struct ListRates {
  double k = 0;           // list places taken by these young people (sum of weights)
  int64_t n = 0, positives = 0, negatives = 0;
  double recall = 0, precision = 0, fpr = 0;  // NaN when the denominator is 0
};
// Rates over the members `in` (all when empty) of a list given by `weights`.
ListRates list_rates(const std::vector<double>& weights, const std::vector<int>& y,
                     const std::vector<uint8_t>& in = {});

double ece(const std::vector<double>& p, const std::vector<int>& y, const std::vector<uint8_t>& in = {},
           int bins = 10);
double brier(const std::vector<double>& p, const std::vector<int>& y);

}  // namespace pathways::risk
