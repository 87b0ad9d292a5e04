#include "risk/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace pathways::risk {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

}  // namespace

double auc(const std::vector<double>& score, const std::vector<int>& y) {
  const size_t n = score.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  // Sum of the mid-ranks (1-based) of the positives.
  double rank_sum = 0;
  int64_t pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t t = i; t < j; ++t)
      if (y[order[t]] == 1) rank_sum += mid, ++pos;
    i = j;
  }
  const int64_t neg = static_cast<int64_t>(n) - pos;
  if (pos == 0 || neg == 0) return kNaN;
  const double u = rank_sum - static_cast<double>(pos) * (pos + 1) / 2.0;
  return u / (static_cast<double>(pos) * static_cast<double>(neg));
}

Interval auc_ci_hanley_mcneil(double a, int64_t positives, int64_t negatives) {
  if (positives <= 0 || negatives <= 0 || std::isnan(a)) return {kNaN, kNaN};
  const double p = static_cast<double>(positives), n = static_cast<double>(negatives);
  const double q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
  const double var = (a * (1 - a) + (p - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (p * n);
  const double se = std::sqrt(std::max(0.0, var));
  return {std::max(0.0, a - 1.96 * se), std::min(1.0, a + 1.96 * se)};
}

size_t list_size(size_t n, double fraction) {
  if (n == 0) return 0;
  const double exact = fraction * static_cast<double>(n);
  size_t k = static_cast<size_t>(std::ceil(exact - 1e-9));
  return std::clamp<size_t>(k, 1, n);
}

std::vector<double> list_weights(const std::vector<double>& score, double fraction) {
  const size_t n = score.size();
  std::vector<double> w(n, 0.0);
  if (n == 0) return w;
  const size_t k = list_size(n, fraction);
  std::vector<double> sorted(score);
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const double cut = sorted[k - 1];
  size_t above = 0, tied = 0;
  for (double s : score) {
    if (s > cut) ++above;
    else if (s == cut) ++tied;
  }
  const double share = static_cast<double>(k - above) / static_cast<double>(tied);
  for (size_t i = 0; i < n; ++i) w[i] = score[i] > cut ? 1.0 : score[i] == cut ? share : 0.0;
  return w;
}

ListRates list_rates(const std::vector<double>& weights, const std::vector<int>& y, const std::vector<uint8_t>& in) {
  ListRates r;
  double tp = 0, fp = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!in.empty() && !in[i]) continue;
    ++r.n;
    r.k += weights[i];
    if (y[i] == 1) ++r.positives, tp += weights[i];
    else ++r.negatives, fp += weights[i];
  }
  r.recall = ratio(tp, static_cast<double>(r.positives));
  r.precision = ratio(tp, r.k);
  r.fpr = ratio(fp, static_cast<double>(r.negatives));
  return r;
}

double ece(const std::vector<double>& p, const std::vector<int>& y, const std::vector<uint8_t>& in, int bins) {
  std::vector<double> sum_p(bins, 0.0), sum_y(bins, 0.0);
  std::vector<int64_t> count(bins, 0);
  int64_t n = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!in.empty() && !in[i]) continue;
    int b = static_cast<int>(std::floor(p[i] * bins));
    b = std::clamp(b, 0, bins - 1);
    sum_p[b] += p[i];
    sum_y[b] += y[i];
    ++count[b];
    ++n;
  }
  if (n == 0) return kNaN;
  double e = 0;
  for (int b = 0; b < bins; ++b)
    if (count[b] > 0)
      e += static_cast<double>(count[b]) / static_cast<double>(n) * std::fabs(sum_p[b] - sum_y[b]) /
           static_cast<double>(count[b]);
  return e;
}

double brier(const std::vector<double>& p, const std::vector<int>& y) {
  if (p.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return s / static_cast<double>(p.size());
}

}  // namespace pathways::risk
