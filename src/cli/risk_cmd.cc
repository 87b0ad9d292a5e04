#include "cli/risk_cmd.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "domain/rules.h"
#include "export/xlsx.h"
#include "io/folder.h"
#include "report/table.h"
#include "risk/criteria.h"
#include "risk/model.h"
#include "risk/score_store.h"
#include "risk/outcome.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

using cli::BadInput;

struct RiskArgs {
  std::string data, db, la, rules, criteria, model, out, algorithm = "xgboost", as_of, format = "table", school,
      features_out;
  int year = 0, threads = 1;
  bool parenthood = false;
};

risk::Criteria load_criteria(const RiskArgs& a) {
  try {
    return risk::Criteria::load(a.criteria);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }
}

// The folder or the store, with indicators and names; any error is bad input.
Dataset load(const RiskArgs& a, const Rules& rules) {
  LoadOptions options;
  options.indicators = true;
  options.names = true;
  Dataset ds = cli::load_or_fail(a.data, a.db, rules, options);
  if (ds.indicators.size() == 0)
    throw BadInput(fmt::format("{}: no indicators rows (indicators.csv); the risk model needs them",
                               a.db.empty() ? a.data : redact_url(a.db)));
  return ds;
}


Date parse_as_of(const RiskArgs& a) {
  if (a.as_of.empty()) return cli::today_utc();
  const auto d = parse_date(a.as_of);
  if (!d) throw BadInput(fmt::format("--as-of: '{}' is not a date in the form YYYY-MM-DD", a.as_of));
  return *d;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string year_name(int y) { return fmt::format("{}-{:02}", y, (y + 1) % 100); }

risk::Algorithm parse_algorithm(const RiskArgs& a) {
  const auto alg = risk::parse_algorithm(a.algorithm);
  if (!alg) throw BadInput(fmt::format("--algorithm: '{}' is not xgboost or logistic", a.algorithm));
  return *alg;
}

// ---- train ----

void train(const RiskArgs& a) {
  if (a.out.empty()) throw BadInput("--out MODEL_DIR is required");
  const Rules rules = cli::load_rules(a.rules);
  const risk::Criteria criteria = load_criteria(a);
  const risk::Algorithm algorithm = parse_algorithm(a);
  const ReportScope scope = cli::parse_la(a.la);
  const Date as_of = parse_as_of(a);
  const Dataset ds = load(a, rules);

  const int newest = risk::newest_observed_cohort(ds, as_of);
  if (newest == 0)
    throw BadInput(fmt::format("no Year 11 cohort in the data has an observed Year 12 outcome on {}; nothing to "
                               "train on",
                               format_date(as_of)));
  std::vector<int> observed;
  for (int y : risk::year11_cohorts(ds))
    if (y <= newest) observed.push_back(y);

  risk::TrainOptions to;
  to.algorithm = algorithm;
  to.features.parenthood = a.parenthood;
  to.xgb.nthread = a.threads;

  // The backtest for the model card: the same algorithm, newest observed cohort held out.
  std::optional<risk::Evaluation> backtest;
  if (observed.size() >= 2) {
    risk::EvaluateOptions eo;
    eo.as_of = as_of;
    eo.scope = scope;
    eo.algorithms = {algorithm};
    eo.train = to;
    try {
      backtest = risk::evaluate(ds, rules, criteria, eo);
    } catch (const std::invalid_argument& e) {
      std::cerr << fmt::format("warning: no backtest: {}\n", e.what());
    }
  }

  const risk::LabelledRows data = risk::labelled_rows(ds, rules, observed, as_of, scope, to.features);
  const int64_t neet = std::count(data.y.begin(), data.y.end(), 1);
  if (neet == 0 || neet == static_cast<int64_t>(data.size()))
    throw BadInput("the observed cohorts need both NEET and not-NEET young people with a known outcome");
  risk::Model model = risk::Model::train(data, to);

  nlohmann::json info;
  info["created_at"] = now_utc();
  info["as_of"] = format_date(as_of);
  info["data_date"] = format_date(risk::data_date(ds, as_of));
  info["outcome"] = "NEET in any of the December, January and February month-end snapshots of Year 12";
  info["training_cohorts"] = nlohmann::json::array();
  for (int y : observed) info["training_cohorts"].push_back(year_name(y));
  info["cohorts"] = nlohmann::json::array();
  int64_t not_known = 0, not_tracked = 0;
  for (const auto& c : data.cohorts) {
    info["cohorts"].push_back(c.to_json());
    not_known += c.not_known;
    not_tracked += c.not_tracked;
  }
  info["n_train"] = data.size();
  info["neet_train"] = neet;
  info["left_out"] = {{"not_known", not_known}, {"not_tracked", not_tracked}};
  info["la"] = a.la.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.la);
  info["source"] = a.db.empty() ? a.data : redact_url(a.db);
  info["roni_criteria_version"] = criteria.version;
  if (backtest) {
    nlohmann::json bj = risk::to_json(*backtest);
    info["backtest"] = bj;
  }
  model.info = info;
  model.save(a.out, risk::model_card(model, backtest ? &*backtest : nullptr));

  std::cout << fmt::format("trained {} model {} on Year 11 cohorts {} .. {}: {} young people, {} NEET\n",
                           risk::algorithm_name(algorithm), model.version(), year_name(observed.front()),
                           year_name(observed.back()), data.size(), neet);
  std::cout << fmt::format("left out: {} not known on all three dates, {} not tracked\n", not_known, not_tracked);
  if (backtest && !backtest->models.empty()) {
    const auto& m = backtest->models.front();
    std::cout << fmt::format(
        "backtest (test cohort {}): AUC {:.3f} ({:.3f}-{:.3f}), recall@10% {:.1f}% vs RONI {:.1f}%\n",
        year_name(backtest->test_cohort), m.auc, m.auc_ci.lo, m.auc_ci.hi, 100 * m.top.recall,
        100 * backtest->roni_top.recall);
  }
  std::cout << fmt::format("wrote {}/model.json and {}/model_card.md\n", a.out, a.out);
  std::cout << risk::kSafeguard << "\n";
}

// ---- score ----

Table score_table(const std::vector<risk::ScoredPupil>& rows, int year, const std::string& data_date) {
  Table t;
  t.sheet_name = "Risk scores";
  t.title = fmt::format("Risk of NEET scores, Year 11 in {}", year_name(year));
  t.data_date = data_date;
  t.add("rank", "Rank", ColumnKind::kCount)
      .add("person_id", "Person", ColumnKind::kText)
      .add("school_id", "School", ColumnKind::kText)
      .add("probability_pct", "Probability %", ColumnKind::kPercent)
      .add("top_10pct", "In top 10%", ColumnKind::kText)
      .add("factor_1", "Factor 1", ColumnKind::kText)
      .add("factor_2", "Factor 2", ColumnKind::kText)
      .add("factor_3", "Factor 3", ColumnKind::kText)
      .add("roni_score", "RONI score", ColumnKind::kCount)
      .add("roni_rag", "RONI RAG", ColumnKind::kText)
      .add("data_date", "Data date", ColumnKind::kText)
      .add("model_version", "Model version", ColumnKind::kText);
  for (const auto& r : rows) {
    std::vector<Cell> c;
    c.emplace_back(r.rank);
    c.emplace_back(r.person_id);
    c.emplace_back(r.school_id);
    c.emplace_back(100.0 * r.probability);
    c.emplace_back(std::string(r.in_top_10pct ? "Y" : "N"));
    for (size_t k = 0; k < 3; ++k)
      if (k < r.factors.size()) c.emplace_back(fmt::format("{} ({})", r.factors[k].text, r.factors[k].direction()));
      else c.emplace_back(std::monostate{});
    c.emplace_back(static_cast<int64_t>(r.roni_score));
    c.emplace_back(std::string(risk::rag_name(r.roni_rag)));
    c.emplace_back(r.data_date);
    c.emplace_back(r.model_version);
    t.rows.push_back(std::move(c));
  }
  return t;
}

nlohmann::json score_json(const std::vector<risk::ScoredPupil>& rows, const risk::Model& model, int year,
                          const std::string& data_date) {
  nlohmann::json j;
  j["year11"] = year_name(year);
  j["model_version"] = model.version();
  j["algorithm"] = risk::algorithm_name(model.algorithm());
  j["data_date"] = data_date;
  j["safeguard"] = risk::kSafeguard;
  j["pupils"] = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json f = nlohmann::json::array();
    for (const auto& x : r.factors)
      f.push_back({{"feature", x.feature}, {"text", x.text}, {"direction", x.direction()}, {"contribution", x.contribution}});
    j["pupils"].push_back({{"person_id", r.person_id},
                           {"school_id", r.school_id},
                           {"probability", r.probability},
                           {"rank", r.rank},
                           {"in_top_10pct", r.in_top_10pct},
                           {"factors", f},
                           {"roni_score", r.roni_score},
                           {"roni_rag", risk::rag_name(r.roni_rag)},
                           {"roni_on_list", r.roni_on_list},
                           {"data_date", r.data_date},
                           {"model_version", r.model_version}});
  }
  return j;
}

std::string score_text(const std::vector<risk::ScoredPupil>& rows, const risk::Model& model, int year,
                       const std::string& data_date) {
  std::string s = fmt::format("Risk of NEET, Year 11 in {}: model {} ({}), data date {}\n{}\n\n", year_name(year),
                              model.version(), risk::algorithm_name(model.algorithm()), data_date, risk::kSafeguard);
  s += fmt::format("{:>5} {:<12} {:<10} {:>6} {:>4} {:>5}  {}\n", "rank", "person", "school", "prob%", "RONI", "RAG",
                   "top factors");
  for (const auto& r : rows) {
    std::string f;
    for (const auto& x : r.factors) f += (f.empty() ? "" : "; ") + x.text + " (" + x.direction() + ")";
    s += fmt::format("{:>5} {:<12} {:<10} {:>6.1f} {:>4} {:>5}  {}\n", r.rank, r.person_id, r.school_id,
                     100 * r.probability, r.roni_score, risk::rag_name(r.roni_rag), f);
  }
  return s;
}

void score(const RiskArgs& a) {
  if (a.model.empty()) throw BadInput("--model MODEL_DIR is required");
  if (a.format == "xlsx" && a.out.empty()) throw BadInput("--format xlsx needs --out FILE");
  const Rules rules = cli::load_rules(a.rules);
  const risk::Criteria criteria = load_criteria(a);
  risk::Model model;
  try {
    model = risk::Model::load(a.model);
  } catch (const std::exception& e) {
    throw BadInput(e.what());
  }
  const Dataset ds = load(a, rules);
  risk::ScoreOptions so;
  const auto years = risk::year11_cohorts(ds);
  if (years.empty()) throw BadInput("the data have no Year 11 indicators rows to score");
  so.year11 = a.year ? a.year : years.back();
  if (std::find(years.begin(), years.end(), so.year11) == years.end())
    throw BadInput(fmt::format("--year: no Year 11 indicators rows for academic year {}", year_name(so.year11)));
  if (!a.school.empty()) {
    const uint32_t s = ds.schools.find(a.school);
    if (s == kNoIndex) throw BadInput(fmt::format("--school: '{}' is not a school in the indicators", a.school));
    so.school = s;
  }
  so.data_date = risk::data_date(ds, cli::today_utc());
  const std::string date = format_date(so.data_date);
  const auto rows = risk::score_cohort(ds, rules, criteria, model, so);

  // Every score is kept with the model version, for audit.
  try {
    namespace fs = std::filesystem;
    const fs::path audit = fs::path(a.model) / "audit";
    fs::create_directories(audit);
    std::string stamp = now_utc();
    for (char& c : stamp)
      if (c == ':') c = '-';
    const fs::path file = audit / fmt::format("scores-{}-{}{}.csv", stamp, so.year11, a.school.empty() ? "" : "-" + a.school);
    std::ofstream(file, std::ios::binary) << to_csv(score_table(rows, so.year11, date));
  } catch (const std::exception& e) {
    std::cerr << fmt::format("warning: the scores could not be kept for audit in {}/audit: {}\n", a.model, e.what());
  }

  // With a store, the model version and every score go into it as well (risk/score_store.h),
  // with an audit log entry, so the person page and the audit trail show them.
  if (!a.db.empty()) {
    std::ifstream card_in(std::filesystem::path(a.model) / "model_card.md", std::ios::binary);
    const std::string card((std::istreambuf_iterator<char>(card_in)), std::istreambuf_iterator<char>());
    const std::string who = cli::invoking_user();
    auto db = open_db(a.db);
    const int64_t batch = risk::record_scores(*db, model, card, rows, who);
    cli::audit(a.db, who, "score", "risk_scores", std::to_string(batch),
               fmt::format("model {}, Year 11 {}, {} young people", model.version(), year_name(so.year11), rows.size()));
    std::cerr << fmt::format("recorded {} scores of model {} in the store (batch {})\n", rows.size(), model.version(), batch);
  }

  if (a.format == "xlsx") {
    write_xlsx(a.out, {score_table(rows, so.year11, date)});
    std::cerr << fmt::format("wrote {}\n", a.out);
    return;
  }
  std::string out;
  if (a.format == "json") out = score_json(rows, model, so.year11, date).dump(2) + "\n";
  else if (a.format == "csv") out = to_csv(score_table(rows, so.year11, date));
  else out = score_text(rows, model, so.year11, date);
  cli::emit(a.out, out);
}

// ---- evaluate ----

void evaluate(const RiskArgs& a) {
  const Rules rules = cli::load_rules(a.rules);
  const risk::Criteria criteria = load_criteria(a);
  const risk::Algorithm algorithm = parse_algorithm(a);
  risk::EvaluateOptions eo;
  eo.as_of = parse_as_of(a);
  eo.scope = cli::parse_la(a.la);
  eo.algorithms = {algorithm, algorithm == risk::Algorithm::kXgboost ? risk::Algorithm::kLogistic
                                                                     : risk::Algorithm::kXgboost};
  eo.train.features.parenthood = a.parenthood;
  eo.train.xgb.nthread = a.threads;
  const Dataset ds = load(a, rules);
  risk::Evaluation e;
  try {
    e = risk::evaluate(ds, rules, criteria, eo);
  } catch (const std::invalid_argument& ex) {
    throw BadInput(ex.what());
  }
  if (!a.features_out.empty()) {
    risk::write_feature_export(ds, e, a.features_out);
    std::cerr << fmt::format("wrote the feature matrices to {}\n", a.features_out);
  }
  nlohmann::json j = risk::to_json(e);
  j["roni"]["criteria_version"] = criteria.version;
  cli::emit(a.out, a.format == "json" ? j.dump(2) + "\n" : risk::render_table(e));
}

void add_source(CLI::App* cmd, RiskArgs& a) {
  auto* data = cmd->add_option("--data", a.data, "canonical data folder with indicators.csv (formats.md)");
  auto* db = cmd->add_option("--db", a.db, "store: sqlite:PATH or postgresql://...");
  data->excludes(db);
  cmd->add_option("--rules", a.rules, "rules file (default: built-in, or $PATHWAYS_RULES)");
  cmd->add_option("--criteria", a.criteria, "RONI criteria file for the comparison score (default: built-in)");
}

void add_threads(CLI::App* cmd, RiskArgs& a) {
  cmd->add_option("--threads", a.threads,
                  "xgboost threads (default 1; with more, set OMP_WAIT_POLICY=passive on a busy machine)")
      ->check(CLI::Range(1, 256));
}

}  // namespace

void add_risk_commands(CLI::App& app) {
  auto* risk = app.add_subcommand(
      "risk", "the learned risk-of-NEET model: train, score, evaluate (docs/risk-model.md)");
  risk->require_subcommand(1);

  {
    auto a = std::make_shared<RiskArgs>();
    auto* cmd = risk->add_subcommand(
        "train", "train on every Year 11 cohort with an observed Year 12 outcome; writes the model and its model card");
    add_source(cmd, *a);
    cmd->add_option("--out", a->out, "model directory to write")->required();
    cmd->add_option("--algorithm", a->algorithm, "xgboost (default) or logistic")
        ->check(CLI::IsMember({"xgboost", "logistic"}));
    cmd->add_option("--la", a->la, "3-digit code of the reporting LA (young people resident elsewhere are left out)");
    cmd->add_option("--as-of", a->as_of, "date the outcomes are known on, YYYY-MM-DD (default: today)");
    cmd->add_flag("--with-parenthood", a->parenthood,
                  "also use pregnancy and parenthood characteristics (their timing is not known; see docs)");
    add_threads(cmd, *a);
    cmd->callback([a] { cli::guarded([a] { train(*a); }); });
  }
  {
    auto a = std::make_shared<RiskArgs>();
    auto* cmd = risk->add_subcommand(
        "score", "score the pupils in Year 11 of an academic year, with the top factors and the RONI score");
    add_source(cmd, *a);
    cmd->add_option("--model", a->model, "model directory written by risk train")->required();
    cmd->add_option("--year", a->year, "academic year (start) of Year 11, e.g. 2025 (default: the newest)");
    cmd->add_option("--school", a->school, "only the pupils of this school_id (ranks stay those of the year group)");
    cmd->add_option("--format", a->format, "table, json, csv or xlsx (xlsx needs --out)")
        ->check(CLI::IsMember({"table", "json", "csv", "xlsx"}));
    cmd->add_option("--out", a->out, "file to write instead of standard output");
    cmd->callback([a] { cli::guarded([a] { score(*a); }); });
  }
  {
    auto a = std::make_shared<RiskArgs>();
    auto* cmd = risk->add_subcommand(
        "evaluate",
        "temporal backtest: train on older cohorts, test on the newest cohort with an observed outcome");
    add_source(cmd, *a);
    cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
    cmd->add_option("--algorithm", a->algorithm, "primary model: xgboost (default) or logistic; both are reported")
        ->check(CLI::IsMember({"xgboost", "logistic"}));
    cmd->add_option("--la", a->la, "3-digit code of the reporting LA (young people resident elsewhere are left out)");
    cmd->add_option("--as-of", a->as_of, "date the outcomes are known on, YYYY-MM-DD (default: today)");
    cmd->add_option("--features-out", a->features_out,
                    "directory to write train.csv, test.csv, test_predictions.csv and evaluation.json");
    cmd->add_option("--out", a->out, "file to write instead of standard output");
    cmd->add_flag("--with-parenthood", a->parenthood, "also use pregnancy and parenthood characteristics");
    add_threads(cmd, *a);
    cmd->callback([a] { cli::guarded([a] { evaluate(*a); }); });
  }
}

}  // namespace pathways
