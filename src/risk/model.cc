#include "risk/model.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "risk/outcome.h"

namespace pathways::risk {

namespace {

constexpr const char* kFormat = "pathways-risk-model-1";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string year_name(int y) { return fmt::format("{}-{:02}", y, (y + 1) % 100); }

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_whole(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
    out << content;
    if (!out.flush()) throw std::runtime_error(fmt::format("{}: write failed", path.string()));
  }
  std::filesystem::rename(tmp, path);
}

std::string sha256_hex(const std::string& s) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  std::string hex;
  for (unsigned char c : out) hex += fmt::format("{:02x}", c);
  return hex;
}

// Rows r of a matrix, in order.
FeatureMatrix take_rows(const FeatureMatrix& m, const std::vector<size_t>& rows) {
  FeatureMatrix out;
  out.names = m.names;
  out.cols = m.cols;
  out.rows = rows.size();
  out.values.reserve(rows.size() * m.cols);
  for (size_t r : rows)
    out.values.insert(out.values.end(), m.values.begin() + static_cast<long>(r * m.cols),
                      m.values.begin() + static_cast<long>((r + 1) * m.cols));
  return out;
}

std::vector<float> labels_of(const std::vector<int>& y) { return std::vector<float>(y.begin(), y.end()); }

// Metric value for JSON: NaN becomes null.
nlohmann::json num(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

}  // namespace

std::string_view algorithm_name(Algorithm a) { return a == Algorithm::kLogistic ? "logistic" : "xgboost"; }

std::optional<Algorithm> parse_algorithm(std::string_view s) {
  if (s == "xgboost") return Algorithm::kXgboost;
  if (s == "logistic") return Algorithm::kLogistic;
  return std::nullopt;
}

nlohmann::json CohortSummary::to_json() const {
  return {{"year11", year_name(year11)}, {"members", members},       {"neet", neet},
          {"not_neet", not_neet},       {"not_known_left_out", not_known}, {"not_tracked_left_out", not_tracked}};
}

// ---- data ----

LabelledRows labelled_rows(const Dataset& ds, const Rules& rules, const std::vector<int>& cohorts, Date as_of,
                           const ReportScope& scope, const FeatureOptions& features) {
  LabelledRows out;
  for (int year : cohorts) {
    const CohortOutcomes c = cohort_outcomes(ds, rules, year, as_of, scope);
    CohortSummary s;
    s.year11 = year;
    s.members = static_cast<int64_t>(c.size());
    s.neet = c.neet;
    s.not_neet = c.not_neet;
    s.not_known = c.not_known;
    s.not_tracked = c.not_tracked;
    out.cohorts.push_back(s);
    for (size_t i = 0; i < c.size(); ++i) {
      if (c.outcome[i] != Outcome::kNeet && c.outcome[i] != Outcome::kNotNeet) continue;
      out.person.push_back(c.person[i]);
      out.row.push_back(c.indicator_row[i]);
      out.cohort.push_back(year);
      out.y.push_back(c.outcome[i] == Outcome::kNeet ? 1 : 0);
    }
  }
  out.x = build_features(ds, rules, out.person, out.row, features);
  return out;
}

LabelledRows subset(const LabelledRows& all, const std::vector<int>& cohorts) {
  LabelledRows out;
  std::vector<size_t> rows;
  for (int year : cohorts) {
    for (size_t i = 0; i < all.size(); ++i)
      if (all.cohort[i] == year) rows.push_back(i);
    for (const auto& s : all.cohorts)
      if (s.year11 == year) out.cohorts.push_back(s);
  }
  for (size_t i : rows) {
    out.person.push_back(all.person[i]);
    out.row.push_back(all.row[i]);
    out.cohort.push_back(all.cohort[i]);
    out.y.push_back(all.y[i]);
  }
  out.x = take_rows(all.x, rows);
  return out;
}

// ---- the model ----

Model Model::train(const LabelledRows& data, const TrainOptions& options) {
  if (data.size() == 0) throw std::invalid_argument("no young people with a known outcome to train on");
  Model m;
  m.algorithm_ = options.algorithm;
  m.features_ = options.features;
  m.names_ = data.x.names;
  if (options.algorithm == Algorithm::kXgboost) {
    xgb::Params p = options.xgb;
    std::set<int> years(data.cohort.begin(), data.cohort.end());
    std::string rounds_from = "fixed";
    if (options.early_stopping && years.size() >= 2) {
      const int newest = *years.rbegin();
      std::vector<int> older(years.begin(), std::prev(years.end()));
      const LabelledRows inner = subset(data, older), valid = subset(data, {newest});
      const xgb::DMatrix dt(inner.x.values, inner.x.rows, inner.x.cols, labels_of(inner.y));
      const xgb::DMatrix dv(valid.x.values, valid.x.rows, valid.x.cols, labels_of(valid.y));
      double best = std::numeric_limits<double>::infinity();
      const std::vector<int> depths = options.depth_grid.empty() ? std::vector<int>{p.max_depth} : options.depth_grid;
      for (int depth : depths) {
        xgb::Params q = p;
        q.max_depth = depth;
        const auto [rounds, loss] = xgb::Booster::best_rounds(dt, dv, q, options.max_rounds, options.patience);
        if (loss < best - 1e-9) best = loss, p.rounds = rounds, p.max_depth = depth;
      }
      rounds_from = fmt::format("max_depth from {} and rounds by early stopping (patience {}): lowest log loss on "
                                "cohort {} while fitting on older cohorts",
                                nlohmann::json(depths).dump(), options.patience, year_name(newest));
    }
    const xgb::DMatrix d(data.x.values, data.x.rows, data.x.cols, labels_of(data.y));
    m.booster_ = xgb::Booster::train(d, p);
    m.booster_json_ = m.booster_->save_json();
    m.rounds_ = p.rounds;
    m.parameters_ = {{"objective", "binary:logistic"},
                     {"tree_method", "hist"},
                     {"eta", p.eta},
                     {"max_depth", p.max_depth},
                     {"min_child_weight", p.min_child_weight},
                     {"lambda", p.lambda},
                     {"subsample", p.subsample},
                     {"colsample_bytree", p.colsample_bytree},
                     {"max_bin", p.max_bin},
                     {"rounds", p.rounds},
                     {"rounds_chosen_by", rounds_from},
                     {"seed", p.seed}};
  } else {
    Logistic::Params lp = options.logistic;
    std::set<int> years(data.cohort.begin(), data.cohort.end());
    std::string lambda_from = "fixed";
    if (options.early_stopping && years.size() >= 2 && !options.lambda_grid.empty()) {
      // The penalty with the lowest log loss on the newest training cohort, fitting on the
      // older ones (the same temporal inner split as xgboost's rounds).
      const int newest = *years.rbegin();
      std::vector<int> older(years.begin(), std::prev(years.end()));
      const LabelledRows inner = subset(data, older), valid = subset(data, {newest});
      double best = std::numeric_limits<double>::infinity();
      for (double lambda : options.lambda_grid) {
        Logistic::Params q = lp;
        q.lambda = lambda;
        const Logistic fit = Logistic::fit(inner.x.values, inner.x.rows, inner.x.cols, inner.y, q);
        const std::vector<double> pv = fit.predict(valid.x.values, valid.x.rows);
        double loss = 0;
        for (size_t i = 0; i < pv.size(); ++i) {
          const double pi = std::clamp(pv[i], 1e-12, 1 - 1e-12);
          loss -= valid.y[i] == 1 ? std::log(pi) : std::log(1 - pi);
        }
        if (loss < best - 1e-9) best = loss, lp.lambda = lambda;
      }
      lambda_from = fmt::format("lowest log loss on cohort {} while fitting on older cohorts, from {}",
                                year_name(newest), nlohmann::json(options.lambda_grid).dump());
    }
    m.logistic_ = Logistic::fit(data.x.values, data.x.rows, data.x.cols, data.y, lp);
    m.rounds_ = m.logistic_->iterations();
    m.parameters_ = {{"penalty", "l2"},
                     {"lambda", lp.lambda},
                     {"lambda_chosen_by", lambda_from},
                     {"solver", "newton (IRLS), Cholesky"},
                     {"imputation", "training mean + missing indicator"},
                     {"standardised", true},
                     {"iterations", m.logistic_->iterations()}};
  }
  m.compute_version();
  return m;
}

void Model::compute_version() {
  std::string content = fmt::format("{}\n{}\n", kFormat, algorithm_name(algorithm_));
  for (const auto& n : names_) content += n + "\n";
  content += parameters_.dump() + "\n";
  content += algorithm_ == Algorithm::kXgboost ? booster_json_ : logistic_->to_json().dump();
  version_ = sha256_hex(content).substr(0, 16);
}

void Model::check_features(const FeatureMatrix& x) const {
  if (x.names != names_) throw std::runtime_error("the features of the data do not match the model's features");
}

std::vector<double> Model::predict(const FeatureMatrix& x) const {
  check_features(x);
  if (x.rows == 0) return {};
  if (algorithm_ == Algorithm::kLogistic) return logistic_->predict(x.values, x.rows);
  const xgb::DMatrix d(x.values, x.rows, x.cols);
  const std::vector<float> p = booster_->predict(d);
  return std::vector<double>(p.begin(), p.end());
}

std::vector<double> Model::contributions(const FeatureMatrix& x) const {
  check_features(x);
  if (x.rows == 0) return {};
  if (algorithm_ == Algorithm::kLogistic) return logistic_->contributions(x.values, x.rows);
  const xgb::DMatrix d(x.values, x.rows, x.cols);
  const std::vector<float> c = booster_->contributions(d);
  return std::vector<double>(c.begin(), c.end());
}

void Model::save(const std::string& dir, const std::string& card) const {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  nlohmann::json j = info;
  j["format"] = kFormat;
  j["version"] = version_;
  j["algorithm"] = algorithm_name(algorithm_);
  j["feature_names"] = names_;
  j["feature_options"] = {{"parenthood", features_.parenthood}};
  j["parameters"] = parameters_;
  j["rounds"] = rounds_;
  j["safeguard"] = kSafeguard;
  if (algorithm_ == Algorithm::kXgboost) {
    j["booster_file"] = "booster.json";
    write_whole(fs::path(dir) / "booster.json", booster_json_);
  } else {
    j["logistic"] = logistic_->to_json();
  }
  write_whole(fs::path(dir) / "model.json", j.dump(2) + "\n");
  write_whole(fs::path(dir) / "model_card.md", card);
}

Model Model::load(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path meta = fs::path(dir) / "model.json";
  if (!fs::is_regular_file(meta)) throw std::runtime_error(fmt::format("{}: no model here (model.json missing)", dir));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_whole(meta));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", meta.string(), e.what()));
  }
  Model m;
  try {
    if (j.at("format").get<std::string>() != kFormat)
      throw std::runtime_error(fmt::format("unknown format '{}'", j.at("format").get<std::string>()));
    const auto a = parse_algorithm(j.at("algorithm").get<std::string>());
    if (!a) throw std::runtime_error("unknown algorithm");
    m.algorithm_ = *a;
    m.names_ = j.at("feature_names").get<std::vector<std::string>>();
    m.features_.parenthood = j.at("feature_options").value("parenthood", false);
    m.parameters_ = j.at("parameters");
    m.rounds_ = j.value("rounds", 0);
    if (m.algorithm_ == Algorithm::kXgboost) {
      m.booster_json_ = read_whole(fs::path(dir) / j.at("booster_file").get<std::string>());
      m.booster_ = xgb::Booster::load_json(m.booster_json_, 1);
    } else {
      m.logistic_ = Logistic::from_json(j.at("logistic"));
    }
    m.compute_version();
    if (m.version_ != j.at("version").get<std::string>())
      throw std::runtime_error(fmt::format("the model's content does not match its version {} (it hashes to {})",
                                           j.at("version").get<std::string>(), m.version_));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", meta.string(), e.what()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}: {}", meta.string(), e.what()));
  }
  for (const char* k : {"format", "version", "algorithm", "feature_names", "feature_options", "parameters", "rounds",
                        "booster_file", "logistic", "safeguard"})
    j.erase(k);
  m.info = j;
  const std::vector<std::string> expected = [&] {
    std::vector<std::string> n;
    for (const auto& f : feature_infos(m.features_)) n.push_back(f.name);
    return n;
  }();
  if (expected != m.names_)
    throw std::runtime_error(fmt::format("{}: the model's features are not those this version of pathways builds",
                                         meta.string()));
  return m;
}

// ---- scoring ----

std::vector<ScoredPupil> score_cohort(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                      const Model& model, const ScoreOptions& options) {
  int year = options.year11;
  if (year == 0) {
    const auto years = year11_cohorts(ds);
    if (years.empty()) throw std::invalid_argument("the data have no Year 11 indicators rows");
    year = years.back();
  }
  const CohortOutcomes c = cohort_outcomes(ds, rules, year, kNoDate);  // members only; no snapshots
  const FeatureMatrix x = build_features(ds, rules, c.person, c.indicator_row, model.feature_options());
  const std::vector<double> p = model.predict(x);
  const std::vector<double> contrib = model.contributions(x);
  const std::vector<FeatureInfo> infos = feature_infos(model.feature_options());
  const std::string date = options.data_date == kNoDate ? "" : format_date(options.data_date);

  std::vector<size_t> order(c.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (p[a] != p[b]) return p[a] > p[b];
    return ds.people.id[c.person[a]] < ds.people.id[c.person[b]];
  });
  const size_t k = list_size(c.size(), kListFraction);

  std::vector<ScoredPupil> out;
  for (size_t pos = 0; pos < order.size(); ++pos) {
    const size_t i = order[pos];
    const uint32_t row = c.indicator_row[i];
    if (options.school && ds.indicators.school[row] != *options.school) continue;
    ScoredPupil s;
    s.person = c.person[i];
    s.indicator_row = row;
    s.person_id = std::string(ds.people.id[s.person]);
    s.school_id = ds.indicators.school[row] == kNoIndex ? "" : std::string(ds.schools[ds.indicators.school[row]]);
    s.year11 = year;
    s.probability = p[i];
    s.rank = static_cast<int64_t>(pos + 1);
    s.in_top_10pct = pos < k;
    const double* ci = &contrib[i * (x.cols + 1)];
    std::vector<size_t> f(x.cols);
    std::iota(f.begin(), f.end(), 0);
    std::stable_sort(f.begin(), f.end(), [&](size_t a, size_t b) { return std::fabs(ci[a]) > std::fabs(ci[b]); });
    for (size_t t = 0; t < std::min(options.top_factors, f.size()); ++t) {
      if (ci[f[t]] == 0) break;
      s.factors.push_back({infos[f[t]].name, describe(infos[f[t]], x.at(i, f[t])), ci[f[t]]});
    }
    s.data_date = date;
    s.model_version = model.version();
    const PupilScore roni = score_row(ds, rules, criteria, row);
    s.roni_score = roni.score;
    s.roni_rag = roni.rag;
    s.roni_on_list = roni.on_list();
    out.push_back(std::move(s));
  }
  return out;
}

// ---- the temporal backtest ----

namespace {

// Fairness groups of the test rows: (group, key, membership).
struct GroupDef {
  std::string group, key;
  std::vector<uint8_t> in;
};

std::vector<GroupDef> fairness_groups(const Dataset& ds, const Rules& rules, const LabelledRows& t) {
  std::vector<GroupDef> g;
  const size_t n = t.size();
  auto add = [&](std::string group, std::string key, auto pred) {
    GroupDef d{std::move(group), std::move(key), std::vector<uint8_t>(n, 0)};
    for (size_t i = 0; i < n; ++i) d.in[i] = pred(i) ? 1 : 0;
    g.push_back(std::move(d));
  };
  const People& P = ds.people;
  for (const char* key : {"F", "M"})
    add("gender", key, [&](size_t i) { return gender_code(P.gender[t.person[i]]) == key; });
  for (const char* key : {"White", "Mixed", "Asian", "Black", "Other", "Unknown"})
    add("ethnicity", key, [&](size_t i) {
      const uint32_t e = P.ethnicity[t.person[i]];
      return ethnicity_group(e == kNoIndex ? std::string_view() : ds.ethnicities[e]) == key;
    });
  for (const char* key : {"N", "K", "E"})
    add("sen_status", key, [&](size_t i) { return sen_code(P.sen_status[t.person[i]]) == key; });
  for (const char* key : {"Y", "N"})
    add("fsm", key, [&](size_t i) { return ((ds.indicators.flags[t.row[i]] & 1u) != 0) == (key[0] == 'Y'); });
  uint32_t care = 0;
  for (int code : {110, 160})
    if (auto bit = rules.characteristic_bit(code)) care |= 1u << *bit;
  for (const char* key : {"Y", "N"})
    add("care_experienced", key, [&](size_t i) { return ((P.characteristics[t.person[i]] & care) != 0) == (key[0] == 'Y'); });
  return g;
}

std::vector<GroupRates> group_rates(const std::vector<GroupDef>& groups, const std::vector<double>& score,
                                    const std::vector<double>& weights, const std::vector<int>& y, bool probabilities) {
  std::vector<GroupRates> out;
  for (const auto& g : groups) {
    GroupRates r;
    r.group = g.group;
    r.key = g.key;
    const ListRates lr = list_rates(weights, y, g.in);
    r.n = lr.n;
    r.neet = lr.positives;
    r.recall = lr.recall;
    r.fpr = lr.fpr;
    r.ece = probabilities ? ece(score, y, g.in) : std::nan("");
    double s = 0;
    for (size_t i = 0; i < score.size(); ++i)
      if (g.in[i]) s += score[i];
    r.mean_p = lr.n > 0 ? s / static_cast<double>(lr.n) : std::nan("");
    out.push_back(r);
  }
  return out;
}

nlohmann::json fairness_json(const std::vector<GroupRates>& rows, bool probabilities) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = {{"group", r.group}, {"key", r.key}, {"n", r.n}, {"neet", r.neet},
                        {"recall_at_10pct", num(r.recall)}, {"fpr_at_10pct", num(r.fpr)}};
    if (probabilities) {
      j["ece"] = num(r.ece);
      j["mean_probability"] = num(r.mean_p);
    } else {
      j["mean_score"] = num(r.mean_p);
    }
    a.push_back(j);
  }
  return a;
}

}  // namespace

Evaluation evaluate(const Dataset& ds, const Rules& rules, const Criteria& criteria, const EvaluateOptions& o) {
  Evaluation e;
  e.as_of = format_date(o.as_of);
  e.data_date = format_date(data_date(ds, o.as_of));
  e.test_cohort = newest_observed_cohort(ds, o.as_of);
  if (e.test_cohort == 0)
    throw std::invalid_argument(fmt::format(
        "no Year 11 cohort has an observed outcome on {} (the February of its Year 12 must have passed)", e.as_of));
  for (int y : year11_cohorts(ds))
    if (y < e.test_cohort) e.train_cohorts.push_back(y);
  if (e.train_cohorts.empty())
    throw std::invalid_argument(fmt::format("only one Year 11 cohort ({}) has an observed outcome; a temporal "
                                            "backtest needs an older cohort to train on",
                                            year_name(e.test_cohort)));
  std::vector<int> all = e.train_cohorts;
  all.push_back(e.test_cohort);
  e.rows = labelled_rows(ds, rules, all, o.as_of, o.scope, o.train.features);
  e.cohorts = e.rows.cohorts;
  const LabelledRows train = subset(e.rows, e.train_cohorts), test = subset(e.rows, {e.test_cohort});
  e.n_train = static_cast<int64_t>(train.size());
  e.n_test = static_cast<int64_t>(test.size());
  e.neet_train = std::count(train.y.begin(), train.y.end(), 1);
  e.neet_test = std::count(test.y.begin(), test.y.end(), 1);
  if (e.neet_train == 0 || e.neet_train == e.n_train)
    throw std::invalid_argument("the training cohorts need both NEET and not-NEET young people with a known outcome");
  if (e.neet_test == 0 || e.neet_test == e.n_test)
    throw std::invalid_argument(fmt::format("the test cohort {} needs both NEET and not-NEET young people",
                                            year_name(e.test_cohort)));
  const std::vector<GroupDef> groups = fairness_groups(ds, rules, test);
  e.list_size = static_cast<double>(list_size(test.size(), kListFraction));

  for (Algorithm a : o.algorithms) {
    AlgorithmResult r;
    r.algorithm = a;
    TrainOptions to = o.train;
    to.algorithm = a;
    auto t0 = std::chrono::steady_clock::now();
    const Model m = Model::train(train, to);
    r.train_seconds = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    r.p = m.predict(test.x);
    r.score_seconds = seconds_since(t0);
    r.rounds = m.rounds();
    r.version = m.version();
    r.parameters = m.parameters();
    r.auc = auc(r.p, test.y);
    r.auc_ci = auc_ci_hanley_mcneil(r.auc, e.neet_test, e.n_test - e.neet_test);
    const std::vector<double> w = list_weights(r.p, kListFraction);
    r.top = list_rates(w, test.y);
    r.ece = ece(r.p, test.y);
    r.brier = brier(r.p, test.y);
    r.fairness = group_rates(groups, r.p, w, test.y, true);
    e.models.push_back(std::move(r));
  }

  std::vector<double> roni(test.size());
  for (size_t i = 0; i < test.size(); ++i) roni[i] = score_row(ds, rules, criteria, test.row[i]).score;
  e.roni_auc = auc(roni, test.y);
  e.roni_auc_ci = auc_ci_hanley_mcneil(e.roni_auc, e.neet_test, e.n_test - e.neet_test);
  const std::vector<double> w = list_weights(roni, kListFraction);
  e.roni_top = list_rates(w, test.y);
  for (size_t i = 0; i < w.size(); ++i)
    if (w[i] > 0 && w[i] < 1) ++e.roni_ties_at_cutoff, e.roni_cutoff_score = roni[i];
  if (e.roni_ties_at_cutoff == 0) {
    std::vector<double> s = roni;
    std::sort(s.begin(), s.end(), std::greater<>());
    e.roni_cutoff_score = s[static_cast<size_t>(e.list_size) - 1];
  }
  e.roni_fairness = group_rates(groups, roni, w, test.y, false);

  if (!o.train.features.parenthood) {
    Criteria same = criteria;
    same.indicators.clear();
    for (const Criterion& c : criteria.indicators) {
      const bool parenthood = c.field == "characteristic" && (c.value.find("120") != std::string::npos ||
                                                              c.value.find("180") != std::string::npos ||
                                                              c.value.find("190") != std::string::npos);
      if (parenthood) e.same_information_left_out.push_back(c.id);
      else same.indicators.push_back(c);
    }
    if (!e.same_information_left_out.empty()) {
      for (Criterion& c : same.indicators)
        if (std::find(e.same_information_left_out.begin(), e.same_information_left_out.end(), c.supersedes) !=
            e.same_information_left_out.end())
          c.supersedes.clear();
      const RowScorer scorer(ds, rules, same);
      std::vector<double> r2(test.size());
      for (size_t i = 0; i < test.size(); ++i) r2[i] = scorer.score(test.row[i]).score;
      e.roni_same_auc = auc(r2, test.y);
      e.roni_same_top = list_rates(list_weights(r2, kListFraction), test.y);
    }
  }
  return e;
}

nlohmann::json to_json(const Evaluation& e) {
  auto model_json = [&](const AlgorithmResult& r) {
    return nlohmann::json{{"algorithm", algorithm_name(r.algorithm)},
                          {"version", r.version},
                          {"auc", num(r.auc)},
                          {"auc_ci", {num(r.auc_ci.lo), num(r.auc_ci.hi)}},
                          {"auc_ci_method", "hanley-mcneil 95%"},
                          {"recall_at_10pct", num(r.top.recall)},
                          {"precision_at_10pct", num(r.top.precision)},
                          {"fpr_at_10pct", num(r.top.fpr)},
                          {"ece", num(r.ece)},
                          {"brier", num(r.brier)},
                          {"rounds_or_iterations", r.rounds},
                          {"parameters", r.parameters},
                          {"train_seconds", r.train_seconds},
                          {"score_seconds", r.score_seconds}};
  };
  nlohmann::json j;
  j["outcome"] = "NEET in any of the December, January and February month-end snapshots of Year 12";
  j["as_of"] = e.as_of;
  j["data_date"] = e.data_date;
  j["test_cohort"] = year_name(e.test_cohort);
  j["train_cohorts"] = nlohmann::json::array();
  for (int y : e.train_cohorts) j["train_cohorts"].push_back(year_name(y));
  j["cohorts"] = nlohmann::json::array();
  for (const auto& c : e.cohorts) j["cohorts"].push_back(c.to_json());
  j["n_train"] = e.n_train;
  j["neet_train"] = e.neet_train;
  j["n_test"] = e.n_test;
  j["neet_test"] = e.neet_test;
  j["list_fraction"] = kListFraction;
  j["list_size"] = e.list_size;
  if (!e.models.empty()) {
    j["model"] = model_json(e.models.front());
    j["models"] = nlohmann::json::object();
    for (const auto& r : e.models) j["models"][std::string(algorithm_name(r.algorithm))] = model_json(r);
  }
  j["roni"] = {{"auc", num(e.roni_auc)},
               {"auc_ci", {num(e.roni_auc_ci.lo), num(e.roni_auc_ci.hi)}},
               {"recall_at_10pct", num(e.roni_top.recall)},
               {"precision_at_10pct", num(e.roni_top.precision)},
               {"fpr_at_10pct", num(e.roni_top.fpr)},
               {"cutoff_score", e.roni_cutoff_score},
               {"ties_at_cutoff", e.roni_ties_at_cutoff},
               {"tie_rule", "young people tied at the cut-off score share the remaining places equally"}};
  if (!e.models.empty()) {
    const AlgorithmResult& m = e.models.front();
    j["model_vs_roni"] = {{"recall_difference", num(m.top.recall - e.roni_top.recall)},
                          {"recall_ratio", num(e.roni_top.recall > 0 ? m.top.recall / e.roni_top.recall : std::nan(""))},
                          {"extra_neet_found", num((m.top.recall - e.roni_top.recall) * static_cast<double>(e.neet_test))},
                          {"model_beats_roni", m.top.recall > e.roni_top.recall}};
    if (!e.same_information_left_out.empty())
      j["roni_same_information"] = {
          {"left_out", e.same_information_left_out},
          {"why", "undated characteristics in people.csv can describe events after Year 11; the model leaves them out"},
          {"auc", num(e.roni_same_auc)},
          {"recall_at_10pct", num(e.roni_same_top.recall)},
          {"precision_at_10pct", num(e.roni_same_top.precision)},
          {"model_recall_difference", num(m.top.recall - e.roni_same_top.recall)},
          {"model_beats_roni", m.top.recall > e.roni_same_top.recall}};
    j["fairness"] = fairness_json(m.fairness, true);
  }
  j["roni_fairness"] = fairness_json(e.roni_fairness, false);
  j["safeguard"] = kSafeguard;
  return j;
}

std::string render_table(const Evaluation& e) {
  std::string s;
  s += fmt::format("Temporal backtest: trained on Year 11 cohorts");
  for (int y : e.train_cohorts) s += " " + year_name(y);
  s += fmt::format(", tested on {} (outcome observed on {})\n", year_name(e.test_cohort), e.as_of);
  s += fmt::format("Training: {} young people, {} NEET. Test: {} young people, {} NEET. List: top 10% = {:.0f} places.\n",
                   e.n_train, e.neet_train, e.n_test, e.neet_test, e.list_size);
  s += "Left out (outcome not known on all three dates / not tracked):";
  for (const auto& c : e.cohorts) s += fmt::format(" {} {}/{}", year_name(c.year11), c.not_known, c.not_tracked);
  s += "\n\n";
  s += fmt::format("{:<10} {:>6} {:>15} {:>10} {:>10} {:>8} {:>7} {:>7}\n", "score", "AUC", "95% CI", "recall@10%",
                   "prec@10%", "FPR@10%", "ECE", "Brier");
  for (const auto& r : e.models)
    s += fmt::format("{:<10} {:>6.3f} {:>7.3f}-{:<7.3f} {:>10.1f} {:>10.1f} {:>8.1f} {:>7.3f} {:>7.4f}\n",
                     algorithm_name(r.algorithm), r.auc, r.auc_ci.lo, r.auc_ci.hi, 100 * r.top.recall,
                     100 * r.top.precision, 100 * r.top.fpr, r.ece, r.brier);
  s += fmt::format("{:<10} {:>6.3f} {:>7.3f}-{:<7.3f} {:>10.1f} {:>10.1f} {:>8.1f}\n", "RONI", e.roni_auc,
                   e.roni_auc_ci.lo, e.roni_auc_ci.hi, 100 * e.roni_top.recall, 100 * e.roni_top.precision,
                   100 * e.roni_top.fpr);
  if (!e.models.empty()) {
    const AlgorithmResult& m = e.models.front();
    const double d = m.top.recall - e.roni_top.recall;
    s += fmt::format("\nAt the same list size the {} model finds {:.1f} percentage points {} of the NEET young "
                     "people than the RONI score.\n",
                     algorithm_name(m.algorithm), 100 * std::fabs(d), d >= 0 ? "more" : "fewer");
    if (!e.same_information_left_out.empty()) {
      const double d2 = m.top.recall - e.roni_same_top.recall;
      std::string ids;
      for (const auto& id : e.same_information_left_out) ids += (ids.empty() ? "" : ", ") + id;
      s += fmt::format("With the same information (RONI without {}, which reads undated pregnancy and parenthood): "
                       "RONI AUC {:.3f}, recall@10% {:.1f}%; the model finds {:.1f} points {}.\n",
                       ids, e.roni_same_auc, 100 * e.roni_same_top.recall, 100 * std::fabs(d2), d2 >= 0 ? "more" : "fewer");
    }
    s += fmt::format("\nBy group ({}): n, NEET, recall@10%, FPR@10%, ECE\n", algorithm_name(m.algorithm));
    for (const auto& g : m.fairness)
      s += fmt::format("  {:<17} {:<8} {:>6} {:>5} {:>6.1f} {:>6.1f} {:>7.3f}\n", g.group, g.key, g.n, g.neet,
                       100 * g.recall, 100 * g.fpr, g.ece);
  }
  s += fmt::format("\n{}\n", kSafeguard);
  return s;
}

void write_feature_export(const Dataset& ds, const Evaluation& e, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto ids = [&](const LabelledRows& r) {
    std::vector<std::string> v;
    for (uint32_t p : r.person) v.emplace_back(ds.people.id[p]);
    return v;
  };
  const LabelledRows train = subset(e.rows, e.train_cohorts), test = subset(e.rows, {e.test_cohort});
  write_whole(fs::path(dir) / "train.csv", features_csv(train.x, ids(train), train.cohort, train.y));
  write_whole(fs::path(dir) / "test.csv", features_csv(test.x, ids(test), test.cohort, test.y));
  // Our test-cohort probabilities, so a peer can recompute the metrics independently.
  std::string pred = "person_id,neet";
  for (const auto& r : e.models) pred += fmt::format(",p_{}", algorithm_name(r.algorithm));
  pred += "\n";
  const std::vector<std::string> test_ids = ids(test);
  for (size_t i = 0; i < test.size(); ++i) {
    pred += fmt::format("{},{}", test_ids[i], test.y[i]);
    for (const auto& r : e.models) pred += fmt::format(",{:.17g}", r.p[i]);
    pred += "\n";
  }
  write_whole(fs::path(dir) / "test_predictions.csv", pred);
  write_whole(fs::path(dir) / "evaluation.json", to_json(e).dump(2) + "\n");
}

std::string model_card(const Model& model, const Evaluation* b) {
  const nlohmann::json& info = model.info;
  std::string s;
  s += "# Risk-of-NEET model: model card and transparency record\n\n";
  s += fmt::format("- Version: `{}` (a SHA-256 of the model's content: algorithm, features, parameters, fitted model)\n",
                   model.version());
  s += fmt::format("- Algorithm: {} ({})\n", algorithm_name(model.algorithm()),
                   model.algorithm() == Algorithm::kXgboost ? "gradient-boosted trees, libxgboost"
                                                            : "L2-regularised logistic regression");
  s += fmt::format("- Created: {}\n", info.value("created_at", ""));
  s += fmt::format("- Data date: {} (the latest record in the data the model was trained on)\n",
                   info.value("data_date", ""));
  s += "\n";

  s += "## Safeguards\n\n";
  s += std::string(kSafeguard) + "\n\n";
  s += "Scores are shown with the factors that contributed most, in plain words, and the data date. Every "
       "score is recorded with this model version so it can be audited later.\n\n";

  s += "## Purpose and outcome\n\n";
  s += "Early identification of Year 11 pupils who may become NEET, so that school staff and the LA can offer "
       "a conversation and support early. The outcome learned is **NEET in any of the December, January and "
       "February month-end snapshots of Year 12**, taken by the statutory tracking rules.\n\n";

  s += "## Data\n\n";
  s += "Past Year 11 cohorts with an observed outcome: Years 9-11 indicators (attendance, suspensions, "
       "permanent exclusions, yes/no indicators, attainment band), characteristics from people.csv (gender, "
       "SEN status, ethnicity major group, care experience, youth justice, young carer, substance misuse, "
       "alternative provision, mental health, refugee";
  s += model.feature_options().parenthood ? ", pregnancy and parenthood" : "";
  s += ") and school context in Year 11 (the school's share of pupils on free school meals, mean attendance, "
       "share with attendance below 90%, from indicators rows only).\n\n";
  s += "| Year 11 cohort | members | NEET | not NEET | left out: not known | left out: not tracked |\n|---|---|---|---|---|---|\n";
  if (info.contains("cohorts"))
    for (const auto& c : info["cohorts"])
      s += fmt::format("| {} | {} | {} | {} | {} | {} |\n", c.value("year11", ""), c.value("members", 0),
                       c.value("neet", 0), c.value("not_neet", 0), c.value("not_known_left_out", 0),
                       c.value("not_tracked_left_out", 0));
  s += "\nYoung people whose activity was not known on all three dates are left out (not known is a tracking "
       "failure, not an outcome), as are those no longer in the LA's cohort then (moved away, left England, "
       "died) or resident elsewhere.\n\n";

  s += fmt::format("## Features ({})\n\n", model.feature_names().size());
  for (const auto& n : model.feature_names()) s += "`" + n + "` ";
  s += "\n\n";

  s += "## Parameters\n\n```json\n" + model.parameters().dump(2) + "\n```\n\n";

  s += "## Temporal backtest\n\n";
  if (!b) {
    s += "Not available: a backtest needs at least two Year 11 cohorts with an observed outcome.\n\n";
  } else {
    s += fmt::format("Trained on Year 11 cohorts");
    for (int y : b->train_cohorts) s += " " + year_name(y);
    s += fmt::format(" ({} young people, {} NEET), tested on the newer cohort {} ({} young people, {} NEET). Never a "
                     "random split across years. The list is the top 10% of the test cohort ({:.0f} places).\n\n",
                     b->n_train, b->neet_train, year_name(b->test_cohort), b->n_test, b->neet_test, b->list_size);
    s += "| score | AUC (95% CI, Hanley-McNeil) | recall@10% | precision@10% | FPR@10% | ECE | Brier |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : b->models)
      s += fmt::format("| {} | {:.3f} ({:.3f}-{:.3f}) | {:.1f}% | {:.1f}% | {:.1f}% | {:.3f} | {:.4f} |\n",
                       algorithm_name(r.algorithm), r.auc, r.auc_ci.lo, r.auc_ci.hi, 100 * r.top.recall,
                       100 * r.top.precision, 100 * r.top.fpr, r.ece, r.brier);
    s += fmt::format("| RONI score | {:.3f} ({:.3f}-{:.3f}) | {:.1f}% | {:.1f}% | {:.1f}% | - | - |\n\n", b->roni_auc,
                     b->roni_auc_ci.lo, b->roni_auc_ci.hi, 100 * b->roni_top.recall, 100 * b->roni_top.precision,
                     100 * b->roni_top.fpr);
    if (!b->models.empty()) {
      const AlgorithmResult& m = b->models.front();
      s += "### By group\n\nThe overall top-10% cut-off applied within each group.\n\n";
      s += "| group | key | n | NEET | recall@10% | FPR@10% | ECE |\n|---|---|---|---|---|---|---|\n";
      for (const auto& g : m.fairness)
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", g.group, g.key, g.n, g.neet,
                         std::isnan(g.recall) ? "-" : fmt::format("{:.1f}%", 100 * g.recall),
                         std::isnan(g.fpr) ? "-" : fmt::format("{:.1f}%", 100 * g.fpr),
                         std::isnan(g.ece) ? "-" : fmt::format("{:.3f}", g.ece));
      s += "\n";
    }
  }

  s += "## Limits\n\n";
  s += "- The model learns from past cohorts in this LA's data; it is only as good as the tracking and the "
       "indicators recorded. Groups with few young people (see n above) have wide uncertainty.\n"
       "- It finds associations, not causes: a factor that raises a score is a reason to talk, not a diagnosis.\n"
       "- people.csv characteristics are as recorded today, without dates; for past cohorts some may have been "
       "recorded after Year 11. Pregnancy and parenthood are ";
  s += model.feature_options().parenthood ? "included on request, and their timing is not known.\n"
                                          : "left out for that reason.\n";
  s += "- The RONI score in the backtest reads people.csv characteristics as they are today; its pregnancy and "
       "young parent criterion therefore sees births after Year 11 for past cohorts, which flatters RONI in a "
       "backtest but will not be there when a current Year 11 is scored.\n";
  s += "- Explanations are the model's own contributions (SHAP values for xgboost): with correlated indicators a "
       "factor can lower a score in one year while a related one raises it; read them together.\n";
  s += "- Gender, ethnicity and SEN status are features; differences between groups are reported above and "
       "should be reviewed before each use.\n"
       "- Probabilities are calibrated to past cohorts; a change in the LA's circumstances (labour market, "
       "tracking) shifts them. Retrain each year and check the backtest.\n";
  return s;
}

}  // namespace pathways::risk
