// The learned risk-of-NEET model: logistic regression, the xgboost wrapper, the model
// directory, scoring, the temporal backtest and the `pathways risk` commands.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "generate/generate.h"
#include "risk/score_store.h"
#include "store/db.h"
#include "risk/criteria.h"
#include "risk/features.h"
#include "risk/logistic.h"
#include "risk/metrics.h"
#include "risk/model.h"
#include "risk/outcome.h"
#include "risk/xgb.h"
#include "testing.h"

namespace pathways::risk {
namespace {

using pathways::testing::TempDir;

// y ~ Bernoulli(sigmoid(-1 + 1.5 x0)); x1 is noise, missing for about 10% of rows.
struct Synthetic {
  std::vector<float> x;
  std::vector<int> y;
  size_t rows = 0, cols = 2;
};
Synthetic synthetic(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> u;
  Synthetic s;
  s.rows = n;
  for (size_t i = 0; i < n; ++i) {
    const double x0 = normal(rng), x1 = normal(rng);
    s.x.push_back(static_cast<float>(x0));
    s.x.push_back(u(rng) < 0.1 ? NAN : static_cast<float>(x1));
    s.y.push_back(u(rng) < 1.0 / (1.0 + std::exp(-(-1.0 + 1.5 * x0))) ? 1 : 0);
  }
  return s;
}

TEST(RiskLogistic, RecoversKnownCoefficients) {
  const Synthetic s = synthetic(20000, 7);
  const Logistic m = Logistic::fit(s.x, s.rows, s.cols, s.y);
  // The true slope is 1.5 per unit of x0 and 0 for x1; the penalty (lambda 1 on 20,000
  // rows) shrinks very little.
  EXPECT_NEAR(m.raw_coefficient(0), 1.5, 0.1);
  EXPECT_NEAR(m.raw_coefficient(1), 0.0, 0.06);
  EXPECT_LT(m.iterations(), 20);
  // Contributions and the bias add up to the log-odds.
  const std::vector<double> margin = m.margin(s.x, 50);
  const std::vector<double> c = m.contributions(s.x, 50);
  for (size_t r = 0; r < 50; ++r) EXPECT_NEAR(c[r * 3] + c[r * 3 + 1] + c[r * 3 + 2], margin[r], 1e-9);
  // Deterministic, and the JSON form gives the same predictions.
  const Logistic again = Logistic::fit(s.x, s.rows, s.cols, s.y);
  EXPECT_EQ(again.to_json().dump(), m.to_json().dump());
  const Logistic loaded = Logistic::from_json(nlohmann::json::parse(m.to_json().dump()));
  EXPECT_EQ(loaded.predict(s.x, 100), m.predict(s.x, 100));
}

TEST(RiskXgb, TrainsPredictsAndContributionsSumToMargin) {
  const Synthetic s = synthetic(5000, 11);
  const xgb::DMatrix d(s.x, s.rows, s.cols, std::vector<float>(s.y.begin(), s.y.end()));
  xgb::Params p;
  p.rounds = 60;
  const xgb::Booster b = xgb::Booster::train(d, p);
  const std::vector<float> prob = b.predict(d);
  ASSERT_EQ(prob.size(), s.rows);
  for (float v : prob) {
    EXPECT_GT(v, 0.0f);
    EXPECT_LT(v, 1.0f);
  }
  EXPECT_GT(auc(std::vector<double>(prob.begin(), prob.end()), s.y), 0.75);
  const std::vector<float> margin = b.margin(d);
  const std::vector<float> c = b.contributions(d);
  ASSERT_EQ(c.size(), s.rows * 3);
  for (size_t r = 0; r < s.rows; r += 97) EXPECT_NEAR(c[r * 3] + c[r * 3 + 1] + c[r * 3 + 2], margin[r], 1e-4);
  // x0 carries the signal: its contributions vary far more than those of the noise.
  double v0 = 0, v1 = 0;
  for (size_t r = 0; r < s.rows; ++r) v0 += c[r * 3] * c[r * 3], v1 += c[r * 3 + 1] * c[r * 3 + 1];
  EXPECT_GT(v0, 10 * v1);
  // Saved and loaded: the same predictions; training again: the same model.
  const xgb::Booster loaded = xgb::Booster::load_json(b.save_json());
  EXPECT_EQ(loaded.predict(d), prob);
  EXPECT_EQ(xgb::Booster::train(d, p).save_json(), b.save_json());
}

TEST(RiskXgb, ErrorsCarryXgboostsMessage) {
  EXPECT_THROW(xgb::Booster::load_json("not a model"), std::runtime_error);
  EXPECT_THROW(xgb::DMatrix({1.0f, 2.0f, 3.0f}, 2, 2), std::invalid_argument);
}

TEST(RiskFeatures, PlainWords) {
  const auto infos = feature_infos();
  auto find = [&](const std::string& name) {
    for (const auto& f : infos)
      if (f.name == name) return f;
    ADD_FAILURE() << name;
    return FeatureInfo{};
  };
  EXPECT_EQ(describe(find("y11_attendance_pct"), 84.0f), "Attendance in Year 11 was 84%");
  EXPECT_EQ(describe(find("y11_attendance_pct"), 84.2f), "Attendance in Year 11 was 84.2%");
  EXPECT_EQ(describe(find("y11_attendance_pct"), NAN), "No attendance recorded in Year 11");
  EXPECT_EQ(describe(find("y10_suspensions"), 2.0f), "2 suspensions in Year 10");
  EXPECT_EQ(describe(find("y10_suspensions"), 1.0f), "1 suspension in Year 10");
  EXPECT_EQ(describe(find("y11_fsm"), 1.0f), "Free school meals in Year 11");
  EXPECT_EQ(describe(find("y9_record"), 0.0f), "No Year 9 record");
  EXPECT_EQ(describe(find("y11_attainment_band"), 1.0f), "Low attainment in Year 11");
  EXPECT_EQ(describe(find("care_experienced"), 1.0f), "Looked after or care experienced");
  EXPECT_EQ(describe(find("school_fsm_share"), 35.0f), "At a school where 35% of pupils had free school meals (Year 11)");
  // Names are unique; parenthood only on request.
  std::set<std::string> names;
  for (const auto& f : infos) names.insert(f.name);
  EXPECT_EQ(names.size(), infos.size());
  EXPECT_EQ(names.count("young_parent"), 0u);
  FeatureOptions with;
  with.parenthood = true;
  EXPECT_EQ(feature_infos(with).size(), infos.size() + 2);
  EXPECT_EQ(ethnicity_group("WBRI"), "White");
  EXPECT_EQ(ethnicity_group("BAFR"), "Black");
  EXPECT_EQ(ethnicity_group("CHNE"), "Other");
  EXPECT_EQ(ethnicity_group("REFU"), "Unknown");
  EXPECT_EQ(ethnicity_group(""), "Unknown");
}

// A small synthetic LA (generated once for the suite), as of 2026-10-31.
class RiskModelData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    GenerateOptions g;
    g.out_dir = dir_->path();
    g.preset = "la";
    g.people = 6000;
    g.seed = 3;
    generate(g);
    LoadReport report;
    ds_ = new Dataset(load_folder(dir_->path(), Rules::defaults(), report));
    ASSERT_TRUE(report.ok()) << testing::errors_of(report);
  }
  static void TearDownTestSuite() {
    delete ds_;
    delete dir_;
  }
  static Date as_of() { return make_date(2026, 10, 31); }
  static TempDir* dir_;
  static Dataset* ds_;
};
TempDir* RiskModelData::dir_ = nullptr;
Dataset* RiskModelData::ds_ = nullptr;

TEST_F(RiskModelData, FeaturesLineUpWithTheIndicators) {
  const Dataset& ds = *ds_;
  const int test = newest_observed_cohort(ds, as_of());
  ASSERT_EQ(test, 2024);
  const CohortOutcomes c = cohort_outcomes(ds, Rules::defaults(), test, as_of());
  const FeatureMatrix x = build_features(ds, Rules::defaults(), c.person, c.indicator_row);
  ASSERT_EQ(x.rows, c.size());
  const auto col = [&](const std::string& n) {
    return static_cast<size_t>(std::find(x.names.begin(), x.names.end(), n) - x.names.begin());
  };
  size_t with_y10 = 0;
  for (size_t i = 0; i < x.rows; ++i) {
    const uint32_t r = c.indicator_row[i];
    const float att = ds.indicators.attendance_pct[r];
    if (std::isnan(att)) EXPECT_TRUE(std::isnan(x.at(i, col("y11_attendance_pct"))));
    else EXPECT_EQ(x.at(i, col("y11_attendance_pct")), att);
    EXPECT_EQ(x.at(i, col("y11_suspensions")), ds.indicators.suspensions[r]);
    EXPECT_EQ(x.at(i, col("y11_record")), 1.0f);
    with_y10 += x.at(i, col("y10_record")) == 1.0f;
    const float share = x.at(i, col("school_fsm_share"));
    if (!std::isnan(share)) {
      EXPECT_GE(share, 0.0f);
      EXPECT_LE(share, 100.0f);
    }
  }
  EXPECT_GT(with_y10, x.rows * 9 / 10);  // almost everyone has a Year 10 row
}

TEST_F(RiskModelData, TemporalBacktestNeverTrainsOnTheTestCohort) {
  const Dataset& ds = *ds_;
  EvaluateOptions o;
  o.as_of = as_of();
  const Evaluation e = evaluate(ds, Rules::defaults(), Criteria::defaults(), o);
  EXPECT_EQ(e.test_cohort, 2024);
  ASSERT_FALSE(e.train_cohorts.empty());
  for (int y : e.train_cohorts) EXPECT_LT(y, e.test_cohort);
  ASSERT_EQ(e.models.size(), 2u);
  // The backtest's model is exactly the model trained on the older cohorts' rows alone,
  // built without the test cohort in the data at all.
  const LabelledRows older = labelled_rows(ds, Rules::defaults(), e.train_cohorts, as_of(), {}, {});
  for (const AlgorithmResult& r : e.models) {
    TrainOptions t;
    t.algorithm = r.algorithm;
    EXPECT_EQ(Model::train(older, t).version(), r.version) << algorithm_name(r.algorithm);
  }
  EXPECT_EQ(static_cast<size_t>(e.n_train), older.size());
  // Metrics in range; both classes present in the test cohort.
  for (const AlgorithmResult& r : e.models) {
    EXPECT_GT(r.auc, 0.6);
    EXPECT_LE(r.auc, 1.0);
    EXPECT_LE(r.auc_ci.lo, r.auc);
    EXPECT_GE(r.auc_ci.hi, r.auc);
    EXPECT_GE(r.top.recall, 0.0);
    EXPECT_LE(r.top.recall, 1.0);
    EXPECT_GE(r.ece, 0.0);
    EXPECT_LT(r.brier, 0.25);
    EXPECT_EQ(r.fairness.size(), 2u + 6u + 3u + 2u + 2u);
  }
  EXPECT_GT(e.neet_test, 0);
}

TEST_F(RiskModelData, ModelDirectoryRoundTrips) {
  const Dataset& ds = *ds_;
  const Rules& rules = Rules::defaults();
  const LabelledRows data = labelled_rows(ds, rules, {2021, 2022, 2023, 2024}, as_of(), {}, {});
  for (Algorithm a : {Algorithm::kXgboost, Algorithm::kLogistic}) {
    TrainOptions t;
    t.algorithm = a;
    Model m = Model::train(data, t);
    m.info = {{"data_date", "2026-10-31"}};
    TempDir out;
    m.save(out.path(), model_card(m, nullptr));
    const Model loaded = Model::load(out.path());
    EXPECT_EQ(loaded.version(), m.version());
    EXPECT_EQ(loaded.algorithm(), a);
    EXPECT_EQ(loaded.predict(data.x), m.predict(data.x));
    EXPECT_EQ(loaded.info.value("data_date", ""), "2026-10-31");
    const std::string card = testing::read_file(out / "model_card.md");
    EXPECT_NE(card.find(m.version()), std::string::npos);
    EXPECT_NE(card.find("never gate access to support"), std::string::npos);

    // Scores of the newest Year 11 cohort: ranked, explained, dated and versioned.
    ScoreOptions so;
    so.data_date = as_of();
    const auto scored = score_cohort(ds, rules, Criteria::defaults(), loaded, so);
    ASSERT_FALSE(scored.empty());
    EXPECT_EQ(scored.front().year11, year11_cohorts(ds).back());
    for (size_t i = 0; i < scored.size(); ++i) {
      EXPECT_EQ(scored[i].rank, static_cast<int64_t>(i + 1));
      if (i > 0) {
        EXPECT_GE(scored[i - 1].probability, scored[i].probability);
      }
      EXPECT_EQ(scored[i].model_version, m.version());
      EXPECT_EQ(scored[i].data_date, "2026-10-31");
      EXPECT_LE(scored[i].factors.size(), 3u);
    }
    EXPECT_EQ(scored.front().factors.size(), 3u);
    EXPECT_GT(scored.front().factors.front().contribution, 0.0);  // the highest score: raised
    // Contributions add up to the score's log-odds.
    const CohortOutcomes c = cohort_outcomes(ds, rules, scored.front().year11, kNoDate);
    const FeatureMatrix x = build_features(ds, rules, c.person, c.indicator_row);
    const std::vector<double> p = m.predict(x), contrib = m.contributions(x);
    for (size_t r = 0; r < x.rows; r += 101) {
      double sum = 0;
      for (size_t k = 0; k <= x.cols; ++k) sum += contrib[r * (x.cols + 1) + k];
      EXPECT_NEAR(1.0 / (1.0 + std::exp(-sum)), p[r], 1e-4);
    }
  }
}

TEST_F(RiskModelData, DamagedModelDirectoryIsRefused) {
  const LabelledRows data = labelled_rows(*ds_, Rules::defaults(), {2022, 2023}, as_of(), {}, {});
  TrainOptions t;
  t.algorithm = Algorithm::kLogistic;
  const Model m = Model::train(data, t);
  TempDir out;
  m.save(out.path(), "card");
  EXPECT_NO_THROW(Model::load(out.path()));
  auto json = nlohmann::json::parse(testing::read_file(out / "model.json"));
  json["logistic"]["b"] = json["logistic"]["b"].get<double>() + 0.5;  // an edited intercept
  out.write("model.json", json.dump(2));
  EXPECT_THROW(Model::load(out.path()), std::runtime_error);
  out.write("model.json", "{ not json");
  EXPECT_THROW(Model::load(out.path()), std::runtime_error);
  EXPECT_THROW(Model::load(out / "nothing-here"), std::runtime_error);
}

// ---- the command line ----

testing::ShellResult run(const std::string& args) {
  return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>&1");
}

TEST_F(RiskModelData, CliEvaluateJson) {
  const auto r = run("risk evaluate --data " + dir_->path() + " --format json --as-of 2026-10-31");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  for (const char* k : {"auc", "auc_ci", "recall_at_10pct", "precision_at_10pct", "ece", "brier"})
    ASSERT_TRUE(j["model"].contains(k)) << k;
  for (const char* k : {"auc", "recall_at_10pct", "precision_at_10pct"}) ASSERT_TRUE(j["roni"].contains(k)) << k;
  auto unit = [](const nlohmann::json& v) { return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1; };
  EXPECT_TRUE(unit(j["model"]["auc"]));
  EXPECT_TRUE(unit(j["model"]["auc_ci"][0]));
  EXPECT_TRUE(unit(j["model"]["auc_ci"][1]));
  EXPECT_TRUE(unit(j["model"]["recall_at_10pct"]));
  EXPECT_TRUE(unit(j["model"]["precision_at_10pct"]));
  EXPECT_TRUE(unit(j["model"]["ece"]));
  EXPECT_TRUE(unit(j["model"]["brier"]));
  EXPECT_TRUE(unit(j["roni"]["auc"]));
  EXPECT_TRUE(unit(j["roni"]["recall_at_10pct"]));
  EXPECT_EQ(j["test_cohort"], "2024-25");
  std::set<std::string> groups;
  for (const auto& row : j["fairness"]) {
    groups.insert(row["group"].get<std::string>());
    for (const char* k : {"group", "key", "n", "recall_at_10pct", "fpr_at_10pct", "ece"})
      ASSERT_TRUE(row.contains(k)) << k;
    if (row["n"].get<int>() > 0) {
      EXPECT_TRUE(unit(row["fpr_at_10pct"])) << row.dump();
      EXPECT_TRUE(unit(row["ece"])) << row.dump();
    }
  }
  EXPECT_EQ(groups, (std::set<std::string>{"gender", "ethnicity", "sen_status", "fsm", "care_experienced"}));
}

TEST_F(RiskModelData, CliTrainScoreAndBadInput) {
  TempDir out;
  const std::string model = out / "model";
  auto r = run("risk train --data " + dir_->path() + " --out " + model + " --algorithm logistic --as-of 2026-10-31");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(std::filesystem::exists(model + "/model.json"));
  EXPECT_TRUE(std::filesystem::exists(model + "/model_card.md"));
  r = run("risk score --data " + dir_->path() + " --model " + model + " --format json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  ASSERT_FALSE(j["pupils"].empty());
  const auto& first = j["pupils"][0];
  EXPECT_EQ(first["rank"], 1);
  EXPECT_TRUE(first.contains("roni_score"));
  EXPECT_TRUE(first.contains("roni_rag"));
  EXPECT_EQ(first["factors"].size(), 3u);
  EXPECT_FALSE(first["data_date"].get<std::string>().empty());
  // Every run's scores are kept with the model for audit.
  EXPECT_FALSE(std::filesystem::is_empty(model + "/audit"));

  // From the store, the model version and every score are recorded there too, with the
  // factors shown, and read back by person.
  const std::string store = "sqlite:" + (out / "store.db");
  ASSERT_EQ(run("import " + dir_->path() + " --db " + store).status, 0);
  r = run("risk score --db " + store + " --model " + model + " --format json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto stored = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  {
    auto db = open_db(store);
    auto rows = db->query("SELECT COUNT(*), COUNT(DISTINCT model_version) FROM risk_scores");
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->integer(0), static_cast<int64_t>(stored["pupils"].size()));
    EXPECT_EQ(rows->integer(1), 1);
    rows.reset();
    const std::string top = stored["pupils"][0]["person_id"];
    const auto mine = scores_of(*db, top);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].rank, 1);
    EXPECT_EQ(mine[0].model_version, stored["pupils"][0].value("model_version", mine[0].model_version));
    EXPECT_NEAR(mine[0].probability, stored["pupils"][0]["probability"].get<double>(), 1e-6);
    EXPECT_EQ(nlohmann::json::parse(mine[0].factors).size(), 3u);
    auto models = db->query("SELECT algorithm FROM risk_models");
    ASSERT_TRUE(models->next());
    EXPECT_EQ(models->text(0), "logistic");
  }

  EXPECT_EQ(run("risk score --data " + dir_->path() + " --model " + (out / "missing")).status, 2);
  EXPECT_EQ(run("risk score --data " + dir_->path() + " --model " + model + " --year 1990").status, 2);
  EXPECT_EQ(run("risk evaluate --data " + dir_->path() + " --as-of 2020-01-01").status, 2);
  EXPECT_EQ(run("risk train --data " + dir_->path() + " --out " + (out / "m2") + " --as-of 2021-01-01").status, 2);
}

}  // namespace
}  // namespace pathways::risk
