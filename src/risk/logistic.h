// L2-regularised logistic regression, the simple alternative to gradient boosting
// (docs/risk-model.md, "Algorithms").
//
// Preparation, learnt on the training rows only: a missing value is replaced by the
// feature's training mean, and every feature with any missing value in training gets a
// missing-indicator column (1 = was missing); every column is then standardised by its
// training mean and standard deviation (a constant column becomes 0 and gets no weight).
// Fitting: Newton's method (iteratively reweighted least squares) on
//   sum_i logloss(y_i, b + w.z_i) + (lambda / 2) |w|^2     (the intercept b is not penalised),
// from w = 0, b = log-odds of the base rate, until the largest step is below 1e-8 or 50
// iterations; each step solves the penalised normal equations by Cholesky. No randomness:
// the same rows give the same model. lambda = 1 is scikit-learn's C = 1 on the same
// standardised columns.
// Contributions for explanations: feature j adds w_j * z_j (its standardised deviation from
// the training mean) plus its missing indicator's term; the bias is b. They sum to the
// log-odds.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pathways::risk {

class Logistic {
 public:
  struct Params {
    double lambda = 1.0;
    int max_iter = 50;
  };

  // `x` row-major rows x cols, NaN = missing; y 0/1.
  static Logistic fit(const std::vector<float>& x, size_t rows, size_t cols, const std::vector<int>& y,
                      const Params& params);
  static Logistic fit(const std::vector<float>& x, size_t rows, size_t cols, const std::vector<int>& y) {
    return fit(x, rows, cols, y, Params{});
  }

  std::vector<double> margin(const std::vector<float>& x, size_t rows) const;
  std::vector<double> predict(const std::vector<float>& x, size_t rows) const;
  // rows x (cols + 1), row-major; the last column is the bias.
  std::vector<double> contributions(const std::vector<float>& x, size_t rows) const;

  // Coefficient of feature j on its original scale (per unit of x_j).
  double raw_coefficient(size_t j) const { return sd_[j] > 0 ? w_[j] / sd_[j] : 0.0; }
  size_t cols() const { return cols_; }
  int iterations() const { return iterations_; }

  nlohmann::json to_json() const;
  static Logistic from_json(const nlohmann::json& j);

 private:
  size_t cols_ = 0;
  std::vector<double> mean_, sd_;            // per feature (mean of non-missing values)
  std::vector<int> missing_col_;             // per feature: index of its indicator among extras, or -1
  std::vector<double> miss_mean_, miss_sd_;  // per indicator
  std::vector<double> w_, v_;                // weights of features and of indicators
  double b_ = 0;
  double lambda_ = 1.0;
  int iterations_ = 0;

  // Standardised design row (features then indicators).
  void design(const float* x, double* z) const;
  size_t width() const { return cols_ + miss_mean_.size(); }
};

}  // namespace pathways::risk
