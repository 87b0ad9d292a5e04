#include "risk/score_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "store/transaction.h"

namespace pathways::risk {

namespace {

void insert_model(Db& db, const Model& model, const std::string& model_card, const std::string& user) {
  auto rows = db.query("SELECT 1 FROM risk_models WHERE model_version = $1", {model.version()});
  if (rows->next()) return;
  rows.reset();
  nlohmann::json meta = model.info;
  meta["algorithm"] = std::string(algorithm_name(model.algorithm()));
  meta["features"] = model.feature_names();
  meta["parameters"] = model.parameters();
  db.query(
      "INSERT INTO risk_models (model_version, algorithm, metadata, model_card, recorded_by, recorded_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {model.version(), std::string(algorithm_name(model.algorithm())), meta.dump(), model_card, user, store_timestamp()});
}

}  // namespace

void record_model(Db& db, const Model& model, const std::string& model_card, const std::string& user) {
  write_transaction(db, [&] {
    insert_model(db, model, model_card, user);
    return 0;
  });
}

int64_t record_scores(Db& db, const Model& model, const std::string& model_card, const std::vector<ScoredPupil>& scores,
                      const std::string& user) {
  return write_transaction(db, [&] {
    insert_model(db, model, model_card, user);
    auto rows = db.query("SELECT COALESCE(MAX(score_batch), 0) FROM risk_scores");
    rows->next();
    const int64_t batch = rows->integer(0) + 1;
    rows.reset();
    const std::string at = store_timestamp();
    auto insert = db.prepare(
        "INSERT INTO risk_scores (score_batch, model_version, person_id, academic_year, probability, list_rank, factors, "
        "data_date, scored_by, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    for (const ScoredPupil& s : scores) {
      nlohmann::json factors = nlohmann::json::array();
      for (const Factor& f : s.factors)
        factors.push_back({{"feature", f.feature}, {"text", f.text}, {"contribution", f.contribution}});
      insert->run({std::to_string(batch), model.version(), s.person_id, std::to_string(s.year11),
                   fmt::format("{:.6f}", s.probability), std::to_string(s.rank), factors.dump(), s.data_date, user, at});
    }
    return batch;
  });
}

std::vector<StoredScore> scores_of(Db& db, const std::string& person_id) {
  migrate(db);
  std::vector<StoredScore> out;
  auto rows = db.query(
      "SELECT score_batch, model_version, person_id, academic_year, probability, list_rank, factors, data_date, scored_by, "
      "scored_at FROM risk_scores WHERE person_id = $1 ORDER BY score_batch DESC",
      {person_id});
  while (rows->next()) {
    StoredScore s;
    s.batch = rows->integer(0);
    s.model_version = std::string(rows->text(1));
    s.person_id = std::string(rows->text(2));
    s.academic_year = static_cast<int>(rows->integer(3));
    s.probability = std::stod(std::string(rows->text(4)));
    s.rank = rows->integer(5);
    s.factors = std::string(rows->text(6));
    s.data_date = std::string(rows->text(7));
    s.scored_by = std::string(rows->text(8));
    s.scored_at = std::string(rows->text(9));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace pathways::risk
