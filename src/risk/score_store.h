// Every learned-model version and every score it gave, kept in the store for audit
// (domain.md section 7: "an audit trail of scores, model versions and moderation").
//
// Contract: record_model() stores a model version once (its metadata and model card; a
// second call with the same version changes nothing). record_scores() stores one batch of
// scores (probability, rank, the factors shown, the data date, who and when) in one
// transaction and returns the batch number; the model version is recorded first if it is
// not there yet. Nothing here is ever updated or deleted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "risk/model.h"
#include "store/db.h"

namespace pathways::risk {

void record_model(Db& db, const Model& model, const std::string& model_card, const std::string& user);

int64_t record_scores(Db& db, const Model& model, const std::string& model_card, const std::vector<ScoredPupil>& scores,
                      const std::string& user);

struct StoredScore {
  int64_t batch = 0;
  std::string model_version, person_id;
  int academic_year = 0;
  double probability = 0;
  int64_t rank = 0;
  std::string factors;  // JSON array [{"feature","text","contribution"}]
  std::string data_date, scored_by, scored_at;
};

// The scores a person has been given, newest first.
std::vector<StoredScore> scores_of(Db& db, const std::string& person_id);

}  // namespace pathways::risk
