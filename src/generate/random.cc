#include "generate/random.h"

#include <cmath>

namespace pathways::gen {

namespace {
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2 (exact in k*hi)
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kLn2 = 0.693147180559945309417;
}  // namespace

double det_exp(double x) {
  if (x > 700.0) x = 700.0;
  if (x < -700.0) x = -700.0;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series to r^13: |r| <= 0.347, error below 1e-17 relative.
  double term = 1.0, sum = 1.0;
  for (int i = 1; i <= 13; ++i) {
    term = term * r / i;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

double det_log(double x) {
  if (!(x > 0.0)) return -745.0;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  const double f = (m - 1.0) / (m + 1.0);  // |f| <= 0.1716
  const double s = f * f;
  // log(m) = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...)
  double term = f, sum = f;
  for (int i = 3; i <= 29; i += 2) {
    term *= s;
    sum += term / i;
  }
  return 2.0 * sum + e * kLn2;
}

double Rng::normal() {
  for (;;) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * det_log(s) / s);
  }
}

int Rng::poisson(double mean) {
  if (mean <= 0.0) return 0;
  const double limit = det_exp(-mean);
  double p = uniform();
  int k = 0;
  while (p > limit && k < 1000) {
    p *= uniform();
    ++k;
  }
  return k;
}

size_t Rng::pick(const double* weights, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += weights[i];
  double x = uniform() * total;
  for (size_t i = 0; i < n; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  // Rounding can leave x just above the last weight: return the last positive weight.
  for (size_t i = n; i-- > 0;)
    if (weights[i] > 0.0) return i;
  return 0;
}

}  // namespace pathways::gen
