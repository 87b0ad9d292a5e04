#include "risk/logistic.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pathways::risk {

namespace {

double sigmoid(double t) { return t >= 0 ? 1.0 / (1.0 + std::exp(-t)) : std::exp(t) / (1.0 + std::exp(t)); }

// log(1 + exp(t)) without overflow.
double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }

// Solves A x = b for symmetric positive definite A (n x n, row-major) by Cholesky.
std::vector<double> cholesky_solve(std::vector<double> a, std::vector<double> b, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (d <= 0) throw std::runtime_error("logistic regression: the system is not positive definite");
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (size_t i = 0; i < n; ++i) {  // L y = b
    double s = b[i];
    for (size_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {  // L' x = y
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return b;
}

}  // namespace

void Logistic::design(const float* x, double* z) const {
  for (size_t j = 0; j < cols_; ++j) {
    const float v = x[j];
    z[j] = std::isnan(v) || sd_[j] <= 0 ? 0.0 : (v - mean_[j]) / sd_[j];
    if (missing_col_[j] >= 0) {
      const size_t k = static_cast<size_t>(missing_col_[j]);
      const double m = std::isnan(v) ? 1.0 : 0.0;
      z[cols_ + k] = miss_sd_[k] > 0 ? (m - miss_mean_[k]) / miss_sd_[k] : 0.0;
    }
  }
}

Logistic Logistic::fit(const std::vector<float>& x, size_t rows, size_t cols, const std::vector<int>& y,
                       const Params& params) {
  if (x.size() != rows * cols || y.size() != rows) throw std::invalid_argument("logistic regression: bad shapes");
  if (rows == 0) throw std::invalid_argument("logistic regression: no training rows");
  Logistic m;
  m.cols_ = cols;
  m.lambda_ = params.lambda;
  m.mean_.assign(cols, 0.0);
  m.sd_.assign(cols, 0.0);
  m.missing_col_.assign(cols, -1);
  std::vector<double> count(cols, 0.0), missing(cols, 0.0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < cols; ++j) {
      const float v = x[r * cols + j];
      if (std::isnan(v)) missing[j] += 1;
      else m.mean_[j] += v, count[j] += 1;
    }
  for (size_t j = 0; j < cols; ++j) m.mean_[j] = count[j] > 0 ? m.mean_[j] / count[j] : 0.0;
  // Standard deviation of the imputed column (missing = mean), as a scaler fitted after
  // mean imputation would compute it.
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < cols; ++j) {
      const float v = x[r * cols + j];
      if (!std::isnan(v)) m.sd_[j] += (v - m.mean_[j]) * (v - m.mean_[j]);
    }
  for (size_t j = 0; j < cols; ++j) {
    m.sd_[j] = std::sqrt(m.sd_[j] / static_cast<double>(rows));
    if (m.sd_[j] < 1e-12) m.sd_[j] = 0;
    if (missing[j] > 0) {
      m.missing_col_[j] = static_cast<int>(m.miss_mean_.size());
      const double f = missing[j] / static_cast<double>(rows);
      m.miss_mean_.push_back(f);
      m.miss_sd_.push_back(std::sqrt(f * (1 - f)) < 1e-12 ? 0.0 : std::sqrt(f * (1 - f)));
    }
  }

  const size_t d = m.width(), n = d + 1;  // last = intercept
  std::vector<double> z(rows * d);
  for (size_t r = 0; r < rows; ++r) m.design(&x[r * cols], &z[r * d]);

  double pos = 0;
  for (int v : y) pos += v == 1;
  const double base = std::clamp(pos / static_cast<double>(rows), 1e-6, 1 - 1e-6);
  std::vector<double> beta(n, 0.0);
  beta[d] = std::log(base / (1 - base));

  auto objective = [&](const std::vector<double>& bt) {
    double f = 0;
    for (size_t r = 0; r < rows; ++r) {
      double t = bt[d];
      for (size_t j = 0; j < d; ++j) t += bt[j] * z[r * d + j];
      f += softplus(t) - (y[r] == 1 ? t : 0.0);
    }
    for (size_t j = 0; j < d; ++j) f += 0.5 * params.lambda * bt[j] * bt[j];
    return f;
  };

  double f_old = objective(beta);
  std::vector<double> h(n * n), g(n);
  for (m.iterations_ = 0; m.iterations_ < params.max_iter;) {
    ++m.iterations_;
    std::fill(h.begin(), h.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    for (size_t r = 0; r < rows; ++r) {
      const double* zr = &z[r * d];
      double t = beta[d];
      for (size_t j = 0; j < d; ++j) t += beta[j] * zr[j];
      const double p = sigmoid(t), wgt = std::max(p * (1 - p), 1e-12), e = p - (y[r] == 1 ? 1.0 : 0.0);
      for (size_t i = 0; i < d; ++i) {
        if (zr[i] == 0.0) continue;
        const double wi = wgt * zr[i];
        g[i] += e * zr[i];
        double* hi = &h[i * n];
        for (size_t j = 0; j <= i; ++j) hi[j] += wi * zr[j];
        hi[d] += wi;
      }
      g[d] += e;
      h[d * n + d] += wgt;
    }
    for (size_t i = 0; i < d; ++i) {
      g[i] += params.lambda * beta[i];
      h[i * n + i] += params.lambda;
      h[d * n + i] = h[i * n + d];
      for (size_t j = 0; j < i; ++j) h[j * n + i] = h[i * n + j];
    }
    for (size_t i = 0; i < d; ++i)  // keep every column solvable (all-zero standardised columns)
      if (h[i * n + i] <= 0) h[i * n + i] = 1.0;
    const std::vector<double> step = cholesky_solve(h, g, n);
    double scale = 1.0, f_new = f_old;
    std::vector<double> next(n);
    for (int halvings = 0; halvings < 30; ++halvings, scale /= 2) {
      for (size_t i = 0; i < n; ++i) next[i] = beta[i] - scale * step[i];
      f_new = objective(next);
      if (f_new <= f_old + 1e-12) break;
    }
    double largest = 0;
    for (size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(next[i] - beta[i]));
    beta = next;
    f_old = f_new;
    if (largest < 1e-8) break;
  }
  m.w_.assign(beta.begin(), beta.begin() + static_cast<long>(cols));
  m.v_.assign(beta.begin() + static_cast<long>(cols), beta.begin() + static_cast<long>(d));
  m.b_ = beta[d];
  return m;
}

std::vector<double> Logistic::margin(const std::vector<float>& x, size_t rows) const {
  std::vector<double> out(rows), z(width());
  for (size_t r = 0; r < rows; ++r) {
    design(&x[r * cols_], z.data());
    double t = b_;
    for (size_t j = 0; j < cols_; ++j) t += w_[j] * z[j];
    for (size_t k = 0; k < v_.size(); ++k) t += v_[k] * z[cols_ + k];
    out[r] = t;
  }
  return out;
}

std::vector<double> Logistic::predict(const std::vector<float>& x, size_t rows) const {
  std::vector<double> out = margin(x, rows);
  for (double& t : out) t = sigmoid(t);
  return out;
}

std::vector<double> Logistic::contributions(const std::vector<float>& x, size_t rows) const {
  std::vector<double> out(rows * (cols_ + 1)), z(width());
  for (size_t r = 0; r < rows; ++r) {
    design(&x[r * cols_], z.data());
    double* o = &out[r * (cols_ + 1)];
    for (size_t j = 0; j < cols_; ++j) {
      o[j] = w_[j] * z[j];
      if (missing_col_[j] >= 0) o[j] += v_[missing_col_[j]] * z[cols_ + missing_col_[j]];
    }
    o[cols_] = b_;
  }
  return out;
}

nlohmann::json Logistic::to_json() const {
  return {{"cols", cols_},           {"mean", mean_},         {"sd", sd_},   {"missing_col", missing_col_},
          {"miss_mean", miss_mean_}, {"miss_sd", miss_sd_},   {"w", w_},     {"v", v_},
          {"b", b_},                 {"lambda", lambda_},     {"iterations", iterations_}};
}

Logistic Logistic::from_json(const nlohmann::json& j) {
  Logistic m;
  m.cols_ = j.at("cols").get<size_t>();
  m.mean_ = j.at("mean").get<std::vector<double>>();
  m.sd_ = j.at("sd").get<std::vector<double>>();
  m.missing_col_ = j.at("missing_col").get<std::vector<int>>();
  m.miss_mean_ = j.at("miss_mean").get<std::vector<double>>();
  m.miss_sd_ = j.at("miss_sd").get<std::vector<double>>();
  m.w_ = j.at("w").get<std::vector<double>>();
  m.v_ = j.at("v").get<std::vector<double>>();
  m.b_ = j.at("b").get<double>();
  m.lambda_ = j.value("lambda", 1.0);
  m.iterations_ = j.value("iterations", 0);
  if (m.mean_.size() != m.cols_ || m.sd_.size() != m.cols_ || m.missing_col_.size() != m.cols_ ||
      m.w_.size() != m.cols_ || m.v_.size() != m.miss_mean_.size() || m.miss_sd_.size() != m.miss_mean_.size())
    throw std::runtime_error("logistic model: inconsistent sizes");
  return m;
}

}  // namespace pathways::risk
