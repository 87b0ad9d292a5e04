// A small RAII wrapper over the xgboost C API (libxgboost, Debian libxgboost-dev): a dense
// float matrix with NaN as missing, a booster trained with fixed parameters, predictions,
// SHAP contributions and the model as bytes. Every call is checked; a failure throws
// std::runtime_error with xgboost's own message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pathways::risk::xgb {

// Throws std::runtime_error("xgboost: <what>: <XGBGetLastError()>") when rc != 0.
void check(int rc, const char* what);

class DMatrix {
 public:
  // `values` is row-major, rows x cols, NaN = missing. `labels` may be empty (scoring).
  DMatrix(const std::vector<float>& values, size_t rows, size_t cols, const std::vector<float>& labels = {});
  ~DMatrix();
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrix(DMatrix&& o) noexcept : h_(std::exchange(o.h_, nullptr)), rows_(o.rows_), cols_(o.cols_) {}
  void* handle() const { return h_; }
  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }

 private:
  void* h_ = nullptr;
  size_t rows_ = 0, cols_ = 0;
};

struct Params {
  double eta = 0.05;
  int max_depth = 3;
  double min_child_weight = 5;
  double lambda = 5;          // L2 on leaf weights
  double subsample = 1.0;     // 1 = every row every round: no sampling, fully deterministic
  double colsample_bytree = 1.0;
  int max_bin = 256;
  int rounds = 300;           // boosting rounds (when not chosen by early stopping)
  // OpenMP threads. xgboost's threads spin while they wait for each other, which on a busy
  // machine costs far more than a second core gives on an LA's few thousand rows; use more
  // with OMP_WAIT_POLICY=passive.
  int nthread = 1;
  int seed = 0;
};

class Booster {
 public:
  Booster();  // empty; load() or train() fills it
  ~Booster();
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  Booster(Booster&& o) noexcept : h_(std::exchange(o.h_, nullptr)), nthread_(o.nthread_) {}
  Booster& operator=(Booster&& o) noexcept;

  // Binary logistic objective, `p.rounds` rounds on `train`.
  static Booster train(const DMatrix& train, const Params& p);
  // The number of rounds (1..max_rounds) with the lowest log loss on `valid` while training
  // on `train`, stopping once `patience` rounds bring no improvement; and that log loss.
  static std::pair<int, double> best_rounds(const DMatrix& train, const DMatrix& valid, const Params& p,
                                            int max_rounds, int patience);

  std::vector<float> predict(const DMatrix& m) const;  // probabilities
  std::vector<float> margin(const DMatrix& m) const;   // log-odds
  // SHAP contributions: rows x (cols + 1), row-major; the last column is the bias. Each
  // row sums to the margin.
  std::vector<float> contributions(const DMatrix& m) const;

  std::string save_json() const;
  static Booster load_json(const std::string& bytes, int nthread = 1);

 private:
  void* h_ = nullptr;
  int nthread_ = 1;
  std::vector<float> run(const DMatrix& m, int type) const;
  void set(const char* name, const std::string& value);
};

}  // namespace pathways::risk::xgb
