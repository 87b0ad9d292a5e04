// Risk of NEET Indicators (RONI): the LA's criteria as a data file, and each pupil's score.
//
// The criteria (data/roni.json, the documented default; an LA passes its own edited copy)
// list indicators with points (1 = likely factor, 2 = very likely, the Oxfordshire
// convention), thresholds, the groups included on the at-risk list whatever their score,
// the Red and Amber cut-offs, the year groups a register covers and the two dates a year
// on which registers are produced (domain.md section 7).
//
// Contract of score_year(): a pupil is everyone with an indicators.csv row for the
// academic year asked about in one of the criteria's year groups (and at the school asked
// about, when one is given: the row's school_id). Indicators are read from that row and
// from people.csv (SEN status, gender, characteristics such as looked after or youth
// justice). Where two indicators are marked as one ladder ("supersedes", e.g. attendance
// below 70% supersedes below 90%) only the higher one fires. score = sum of the points of
// the indicators that fired; RAG: Red when score >= red, Amber when >= amber, else Green;
// on_list = Red or Amber, or a member of an always-include group (by_group).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"

namespace pathways::risk {

// data/roni.json, compiled in.
extern const std::string_view kDefaultRoniJson;

struct Criterion {
  std::string id;     // stable key, e.g. "attendance_below_90"
  std::string label;  // plain words for people, e.g. "Attendance below 90%"
  // What it reads: "attendance_pct" (fires when below `threshold`), "suspensions" or
  // "permanent_exclusions" (fires when at least `threshold`), a yes/no column of
  // indicators.csv (indicator_flag_names()), "sen_status" (fires when equal to `value`,
  // N/K/E), "gender" (equal to `value`), "attainment_band" (equal to `value`),
  // "characteristic" (people.csv has code `value`, e.g. "110").
  std::string field;
  double threshold = 0;
  std::string value;
  int points = 1;
  bool always_include = false;  // on the list whatever the score
  std::string supersedes;       // id of a lesser indicator this one replaces when both fire
};

enum class Rag : uint8_t { kGreen = 0, kAmber = 1, kRed = 2 };
std::string_view rag_name(Rag r);  // "green", "amber", "red"

struct Criteria {
  std::string version;  // e.g. "pathways-default-2026-1"; recorded with every frozen list
  std::vector<Criterion> indicators;
  int red = 4, amber = 2;  // score cut-offs (red > amber)
  std::vector<int> year_groups = {8, 9, 10, 11};
  std::vector<std::string> register_dates = {"11-01", "03-01"};  // MM-DD, twice a year

  // Throws std::runtime_error naming `origin` and the offending entry on a bad file
  // (unknown field, duplicate id, supersedes an unknown id, red <= amber, bad date, ...).
  static Criteria from_json(std::string_view json_text, std::string_view origin);
  static Criteria load(const std::string& path);  // empty path = defaults()
  static const Criteria& defaults();               // data/roni.json, compiled in
  Rag rag_of(int score) const { return score >= red ? Rag::kRed : score >= amber ? Rag::kAmber : Rag::kGreen; }
};

// One indicator that fired for a pupil, with what lay behind it.
struct Fired {
  uint16_t criterion = 0;  // index into Criteria::indicators
  std::string value;       // e.g. "84.2%", "2 suspensions", "Y", "K", "110"
  int academic_year = 0;   // academic year of the indicators row it came from; 0 = people.csv
};

struct PupilScore {
  uint32_t person = 0;
  uint32_t indicator_row = 0;  // row in Dataset::indicators
  int year_group = 0;
  uint32_t school = kNoIndex;  // Dataset::schools
  int score = 0;
  Rag rag = Rag::kGreen;
  bool by_group = false;  // in an always-include group
  bool on_list() const { return rag != Rag::kGreen || by_group; }
  std::vector<Fired> fired;  // in criteria order
};

struct ScoreFilter {
  std::optional<uint32_t> school;           // Dataset::schools index
  std::optional<int> year_group;            // one of the criteria's year groups
};

// Scores every pupil of `academic_year` (see the contract above), in person order.
std::vector<PupilScore> score_year(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                   int academic_year, const ScoreFilter& filter = {});

// Scores one indicators row (any year group), for models and analyses that need the score
// of a given row.
PupilScore score_row(const Dataset& ds, const Rules& rules, const Criteria& criteria, uint32_t row);

// Scores many rows against one set of criteria, resolving the criteria against the rules
// once (score_row() does that on every call). Same results as score_row() and
// conditions_of_row(); `ds`, `rules` and `criteria` must outlive it and not change.
struct CompiledCriterion;
class RowScorer {
 public:
  RowScorer(const Dataset& ds, const Rules& rules, const Criteria& criteria);
  ~RowScorer();
  RowScorer(const RowScorer&) = delete;
  RowScorer& operator=(const RowScorer&) = delete;
  PupilScore score(uint32_t row) const;
  std::vector<Fired> conditions(uint32_t row) const;

 private:
  const Dataset& ds_;
  const Rules& rules_;
  const Criteria& criteria_;
  std::vector<CompiledCriterion> compiled_;
};

// Every indicator whose condition holds for one indicators row, before "supersedes" is
// applied (attendance of 60% gives both "below 90%" and "below 70%"): what an analysis of
// each indicator on its own needs. In criteria order.
std::vector<Fired> conditions_of_row(const Dataset& ds, const Rules& rules, const Criteria& criteria, uint32_t row);

}  // namespace pathways::risk
