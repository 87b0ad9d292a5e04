// Synthetic, calibrated data: a Blackpool-sized LA or all of England.
#pragma once

#include <cstdint>
#include <string>

namespace pathways {

struct GenerateOptions {
  std::string out_dir;
  std::string preset = "la";  // "la" or "national"
  int64_t people = 0;         // approximate total people; 0 = the preset's default
  uint64_t seed = 1;
};

// Writes a canonical data folder (formats.md): people.csv, activities.csv, indicators.csv,
// coaching/caseload.csv, coaching/sessions.csv, coaching/assessments.csv, coaching/contacts.csv.
// Deterministic for (preset, people, seed). Throws std::runtime_error on failure.
void generate(const GenerateOptions& options);

}  // namespace pathways
