// The learned risk-of-NEET model (docs/risk-model.md): training on past Year 11 cohorts,
// the model directory with its model card, scoring a cohort with explanations, and the
// temporal backtest.
//
// Outcome: NEET in any of the December-February snapshots of Year 12 (risk/outcome.h).
// Young people whose outcome is not known on all three dates, or who were outside the
// reporting scope then, are left out of training and of every metric, and counted.
//
// Safeguard: scores are prompts for a conversation and never gate access to support; a
// person moderates every list before it is shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "report/participation.h"
#include "risk/criteria.h"
#include "risk/features.h"
#include "risk/logistic.h"
#include "risk/metrics.h"
#include "risk/xgb.h"

namespace pathways::risk {

inline constexpr std::string_view kSafeguard =
    "Scores are prompts for a conversation and never gate access to support; a person moderates every list "
    "before it is shared.";
inline constexpr double kListFraction = 0.10;  // the at-risk list: the top 10% of a cohort

enum class Algorithm : uint8_t { kXgboost, kLogistic };
std::string_view algorithm_name(Algorithm a);  // "xgboost", "logistic"
std::optional<Algorithm> parse_algorithm(std::string_view s);

struct CohortSummary {
  int year11 = 0;
  int64_t members = 0, neet = 0, not_neet = 0, not_known = 0, not_tracked = 0;
  nlohmann::json to_json() const;
};

// The members of observed cohorts with a known outcome, and their features.
struct LabelledRows {
  std::vector<uint32_t> person, row;  // person and Year 11 indicators row
  std::vector<int> cohort, y;         // Year 11 academic year; 1 = NEET
  std::vector<CohortSummary> cohorts; // per cohort asked for, with the counts left out
  FeatureMatrix x;
  size_t size() const { return person.size(); }
};
LabelledRows labelled_rows(const Dataset& ds, const Rules& rules, const std::vector<int>& cohorts, Date as_of,
                           const ReportScope& scope, const FeatureOptions& features);
// The rows of `all` whose cohort is in `cohorts` (in order), with their feature rows.
LabelledRows subset(const LabelledRows& all, const std::vector<int>& cohorts);

struct TrainOptions {
  Algorithm algorithm = Algorithm::kXgboost;
  FeatureOptions features;
  xgb::Params xgb;
  Logistic::Params logistic;
  // xgboost: choose the number of rounds by early stopping on the newest training cohort
  // while fitting on the older ones (a temporal inner split; never the test cohort), then
  // refit on every training cohort with that number. The tree depth is chosen the same way
  // from depth_grid. Needs two training cohorts; otherwise xgb.rounds and xgb.max_depth.
  bool early_stopping = true;
  int max_rounds = 600, patience = 40;
  std::vector<int> depth_grid = {2, 3, 4};
  // logistic: the L2 penalty is chosen from this grid by the same temporal inner split
  // (lowest log loss on the newest training cohort); logistic.lambda when it cannot be.
  std::vector<double> lambda_grid = {0.1, 1, 10, 100, 1000};
};

class Model {
 public:
  Model() = default;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;

  static Model train(const LabelledRows& data, const TrainOptions& options);

  std::vector<double> predict(const FeatureMatrix& x) const;
  // rows x (cols + 1), log-odds contributions, the last column the bias; rows sum to the
  // model's log-odds.
  std::vector<double> contributions(const FeatureMatrix& x) const;

  Algorithm algorithm() const { return algorithm_; }
  const FeatureOptions& feature_options() const { return features_; }
  const std::vector<std::string>& feature_names() const { return names_; }
  const std::string& version() const { return version_; }  // content hash
  int rounds() const { return rounds_; }
  const nlohmann::json& parameters() const { return parameters_; }

  // Metadata written into model.json besides what the model itself needs (training
  // cohorts, counts, data date, backtest, ...).
  nlohmann::json info = nlohmann::json::object();

  // MODEL_DIR/model.json (+ booster.json for xgboost) and model_card.md. Creates the dir.
  void save(const std::string& dir, const std::string& model_card) const;
  // Throws std::runtime_error naming the file on a missing or damaged model directory.
  static Model load(const std::string& dir);

 private:
  Algorithm algorithm_ = Algorithm::kXgboost;
  FeatureOptions features_;
  std::vector<std::string> names_;
  std::string version_;
  int rounds_ = 0;
  nlohmann::json parameters_ = nlohmann::json::object();
  std::string booster_json_;
  std::optional<xgb::Booster> booster_;
  std::optional<Logistic> logistic_;
  void compute_version();
  void check_features(const FeatureMatrix& x) const;
};

// ---- scoring ----

struct Factor {
  std::string feature;  // stable feature name
  std::string text;     // plain words of the value, "Attendance in Year 11 was 84%"
  double contribution = 0;  // log-odds; > 0 raises the score, < 0 lowers it
  std::string direction() const { return contribution >= 0 ? "raises" : "lowers"; }
};

struct ScoredPupil {
  uint32_t person = 0;
  uint32_t indicator_row = 0;
  std::string person_id, school_id;
  int year11 = 0;
  double probability = 0;
  int64_t rank = 0;  // 1 = highest; ties broken by person_id
  bool in_top_10pct = false;
  std::vector<Factor> factors;  // top contributions by size
  std::string data_date, model_version;
  int roni_score = 0;
  Rag roni_rag = Rag::kGreen;
  bool roni_on_list = false;
};

struct ScoreOptions {
  int year11 = 0;                       // 0 = the newest Year 11 cohort in the data
  std::optional<uint32_t> school;       // Dataset::schools index
  Date data_date = kNoDate;             // shown with every score
  size_t top_factors = 3;
};

// Scores every young person with a Year 11 row for the year (and school) asked about, in
// rank order. The ranks are over the whole year group, before the school filter.
std::vector<ScoredPupil> score_cohort(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                      const Model& model, const ScoreOptions& options);

// ---- temporal backtest ----

struct GroupRates {
  std::string group, key;
  int64_t n = 0, neet = 0;
  double recall = 0, fpr = 0, ece = 0, mean_p = 0;
};

struct AlgorithmResult {
  Algorithm algorithm = Algorithm::kXgboost;
  double auc = 0;
  Interval auc_ci;
  ListRates top;
  double ece = 0, brier = 0;
  double train_seconds = 0, score_seconds = 0;
  int rounds = 0;
  std::string version;
  nlohmann::json parameters;  // as chosen in training
  std::vector<double> p;  // test cohort probabilities
  std::vector<GroupRates> fairness;
};

struct Evaluation {
  int test_cohort = 0;
  std::vector<int> train_cohorts;
  std::vector<CohortSummary> cohorts;
  int64_t n_train = 0, n_test = 0, neet_train = 0, neet_test = 0;
  std::vector<AlgorithmResult> models;  // the first is the primary model
  double roni_auc = 0;
  Interval roni_auc_ci;
  ListRates roni_top;
  int64_t roni_ties_at_cutoff = 0;
  double roni_cutoff_score = 0;
  std::vector<GroupRates> roni_fairness;
  // The RONI score with the same information as the model: without the criteria that read
  // pregnancy or parenthood from people.csv (undated, so for a past cohort they can describe
  // events after Year 11) when the model leaves those out. Empty `same_information_left_out`
  // when the two already see the same.
  std::vector<std::string> same_information_left_out;
  double roni_same_auc = 0;
  ListRates roni_same_top;
  double list_size = 0;
  std::string data_date, as_of;
  LabelledRows rows;  // train + test rows, for the feature export
};

struct EvaluateOptions {
  Date as_of = kNoDate;
  ReportScope scope;
  std::vector<Algorithm> algorithms = {Algorithm::kXgboost, Algorithm::kLogistic};
  TrainOptions train;
};

// Test cohort = newest_observed_cohort(as_of); training = every older observed cohort.
// Throws std::invalid_argument when there are fewer than two observed cohorts or a cohort
// has no NEET or no non-NEET young person.
Evaluation evaluate(const Dataset& ds, const Rules& rules, const Criteria& criteria, const EvaluateOptions& options);

nlohmann::json to_json(const Evaluation& e);
std::string render_table(const Evaluation& e);

// Writes train.csv and test.csv (features_csv) and split.json into `dir`.
void write_feature_export(const Dataset& ds, const Evaluation& e, const std::string& dir);

// The model card / transparency record (markdown) of a trained model; `backtest` may be
// null when there was nothing to test on.
std::string model_card(const Model& model, const Evaluation* backtest);

}  // namespace pathways::risk
