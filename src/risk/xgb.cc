#include "risk/xgb.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <xgboost/c_api.h>

namespace pathways::risk::xgb {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(fmt::format("xgboost: {}: {}", what, XGBGetLastError()));
}

DMatrix::DMatrix(const std::vector<float>& values, size_t rows, size_t cols, const std::vector<float>& labels)
    : rows_(rows), cols_(cols) {
  if (values.size() != rows * cols) throw std::invalid_argument("xgboost: matrix size does not match rows x cols");
  DMatrixHandle h = nullptr;
  check(XGDMatrixCreateFromMat(values.data(), rows, cols, std::numeric_limits<float>::quiet_NaN(), &h),
        "creating a matrix");
  h_ = h;
  if (!labels.empty()) {
    if (labels.size() != rows) throw std::invalid_argument("xgboost: one label per row is needed");
    check(XGDMatrixSetFloatInfo(h_, "label", labels.data(), rows), "setting labels");
  }
}

DMatrix::~DMatrix() {
  if (h_) XGDMatrixFree(h_);
}

Booster::Booster() = default;

Booster::~Booster() {
  if (h_) XGBoosterFree(h_);
}

Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (h_) XGBoosterFree(h_);
    h_ = std::exchange(o.h_, nullptr);
    nthread_ = o.nthread_;
  }
  return *this;
}

void Booster::set(const char* name, const std::string& value) {
  check(XGBoosterSetParam(h_, name, value.c_str()), name);
}

namespace {

void apply_params(const std::function<void(const char*, const std::string&)>& set, const Params& p) {
  set("objective", "binary:logistic");
  set("eval_metric", "logloss");
  set("tree_method", "hist");
  set("eta", fmt::format("{}", p.eta));
  set("max_depth", std::to_string(p.max_depth));
  set("min_child_weight", fmt::format("{}", p.min_child_weight));
  set("lambda", fmt::format("{}", p.lambda));
  set("subsample", fmt::format("{}", p.subsample));
  set("colsample_bytree", fmt::format("{}", p.colsample_bytree));
  set("max_bin", std::to_string(p.max_bin));
  set("nthread", std::to_string(p.nthread));
  set("seed", std::to_string(p.seed));
  set("verbosity", "0");
}

}  // namespace

Booster Booster::train(const DMatrix& train, const Params& p) {
  Booster b;
  b.nthread_ = p.nthread;
  DMatrixHandle d[1] = {train.handle()};
  BoosterHandle h = nullptr;
  check(XGBoosterCreate(d, 1, &h), "creating a booster");
  b.h_ = h;
  apply_params([&](const char* n, const std::string& v) { b.set(n, v); }, p);
  for (int i = 0; i < p.rounds; ++i) check(XGBoosterUpdateOneIter(b.h_, i, train.handle()), "training");
  return b;
}

std::pair<int, double> Booster::best_rounds(const DMatrix& train, const DMatrix& valid, const Params& p,
                                            int max_rounds, int patience) {
  Booster b;
  b.nthread_ = p.nthread;
  DMatrixHandle d[2] = {train.handle(), valid.handle()};
  BoosterHandle h = nullptr;
  check(XGBoosterCreate(d, 2, &h), "creating a booster");
  b.h_ = h;
  apply_params([&](const char* n, const std::string& v) { b.set(n, v); }, p);
  DMatrixHandle evals[1] = {valid.handle()};
  const char* names[1] = {"valid"};
  double best = std::numeric_limits<double>::infinity();
  int best_round = 1;
  for (int i = 0; i < max_rounds; ++i) {
    check(XGBoosterUpdateOneIter(b.h_, i, train.handle()), "training");
    const char* out = nullptr;
    check(XGBoosterEvalOneIter(b.h_, i, evals, names, 1, &out), "evaluating");
    // "[i]\tvalid-logloss:0.23456"
    const std::string s(out);
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("xgboost: unexpected evaluation text: " + s);
    const double loss = std::strtod(s.c_str() + colon + 1, nullptr);
    if (loss < best - 1e-7) {
      best = loss;
      best_round = i + 1;
    } else if (i + 1 - best_round >= patience) {
      break;
    }
  }
  return {best_round, best};
}

std::vector<float> Booster::run(const DMatrix& m, int type) const {
  if (!h_) throw std::logic_error("xgboost: booster not trained or loaded");
  const std::string config =
      fmt::format(R"({{"type": {}, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false}})",
                  type);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  check(XGBoosterPredictFromDMatrix(h_, m.handle(), config.c_str(), &shape, &dim, &out), "predicting");
  size_t len = 1;
  for (bst_ulong i = 0; i < dim; ++i) len *= shape[i];
  return std::vector<float>(out, out + len);
}

std::vector<float> Booster::predict(const DMatrix& m) const { return run(m, 0); }
std::vector<float> Booster::margin(const DMatrix& m) const { return run(m, 1); }

std::vector<float> Booster::contributions(const DMatrix& m) const {
  std::vector<float> c = run(m, 2);
  if (c.size() != m.rows() * (m.cols() + 1))
    throw std::runtime_error(fmt::format("xgboost: {} contributions for a {} x {} matrix", c.size(), m.rows(), m.cols()));
  return c;
}

std::string Booster::save_json() const {
  if (!h_) throw std::logic_error("xgboost: booster not trained or loaded");
  bst_ulong len = 0;
  const char* out = nullptr;
  check(XGBoosterSaveModelToBuffer(h_, R"({"format": "json"})", &len, &out), "saving the model");
  return std::string(out, len);
}

Booster Booster::load_json(const std::string& bytes, int nthread) {
  Booster b;
  b.nthread_ = nthread;
  BoosterHandle h = nullptr;
  check(XGBoosterCreate(nullptr, 0, &h), "creating a booster");
  b.h_ = h;
  check(XGBoosterLoadModelFromBuffer(b.h_, bytes.data(), bytes.size()), "loading the model");
  b.set("nthread", std::to_string(nthread));
  return b;
}

}  // namespace pathways::risk::xgb
