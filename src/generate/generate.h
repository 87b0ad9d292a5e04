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
// Deterministic for (preset, people, seed): byte-identical output on every run and machine,
// whatever the number of threads. Files are written as *.part and renamed when complete.
// Throws std::runtime_error on failure (e.g. the folder cannot be created).
//
// Presets (calibrated against ../shared/spec/calibration.md):
//  * la: Blackpool (LA 890), data as of 2026-10-31, ~13,000 people: Years 9-13 now, the
//    cohorts that were 16-17 in 2023-24 .. 2025-26 (history from 2019-20), EHC plans to 24,
//    3% living outside the LA, and the engagement coaching programme's records.
//  * national: England (~150 LAs), as of 2025-03-31, Years 9-13 of 2024-25 (~3.4 million
//    people, academic age 16-17 ~1.3 million) and EHC plans 18-24; no coaching records.
void generate(const GenerateOptions& options);

}  // namespace pathways
