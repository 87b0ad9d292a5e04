// The NEET vulnerable group panel (domain.md section 9; seed 004, Halton): schools refer Year
// 11 pupils at risk of not progressing into post-16 education or training, each with a RAG
// rating (red, amber, green) and a reason; the panel meets, records a decision and actions for
// each referral; and the referred pupils' progression into EET is followed up.
//
// Referrals are coaching records (coaching/records.h PanelReferral; the optional
// coaching/panel_referrals.csv, docs/coaching.md). The progression report, for the referral
// year Y (the academic year Y-(Y+1) in which the pupils were in Year 11):
//
//   referred          distinct people with a referral dated 1 September Y .. 31 August Y+1;
//                     a person referred twice in the year counts once, with the RAG and
//                     decision of their latest referral.
//   progression date  31 December Y+1: the autumn of Year 12, once the September starts have
//                     settled (seed 004's "overall progression into EET" of the year's
//                     referrals). Any other date may be asked for (--on); the web page uses
//                     the report date (today) while 31 December Y+1 is still to come, and says so.
//   eet, neet, not_known, custody
//                     the engine's status on the progression date (status_on): EET when the
//                     activity current then is in an EET group; NEET when in a NEET group; not
//                     known when there is none or a not-known code (810-830); custody (710).
//                     Pre-16 codes count as not known. eet + neet + not_known + custody = referred.
//   progression_pct   100 * eet / referred (0 when nobody was referred); the same by RAG.
//   discussed         referrals with a panel_date (the panel has met about them); by decision.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coaching/records.h"
#include "domain/rules.h"
#include "engine/dataset.h"

namespace pathways {

struct PanelOutcomes {
  int64_t referred = 0, eet = 0, neet = 0, not_known = 0, custody = 0, discussed = 0;
  double progression_pct() const {
    return referred ? 100.0 * static_cast<double>(eet) / static_cast<double>(referred) : 0.0;
  }
};

struct PanelReport {
  int year = 0;                   // the referral (Year 11) academic year's start
  Date progression_date = kNoDate;
  std::string school;             // "" = every school
  PanelOutcomes all;
  std::array<PanelOutcomes, 3> by_rag;  // by Rag
  std::array<int64_t, 6> by_decision{};  // by PanelDecision (0: not yet decided)
};

// 31 December of Year 12 for referral year `year`.
Date default_progression_date(int year);

// The report for referral year `year`, statuses on `on`. `school` ("" = all) keeps only
// referrals from that school.
PanelReport panel_report(const Dataset& ds, const Rules& rules, const std::vector<PanelReferral>& referrals, int year,
                         Date on, const std::string& school = "");

// {"year": "2025-26", "progression_date", "school", "referred", "eet", "neet", "not_known",
//  "custody", "discussed", "progression_pct", "by_rag": {"red": {...}, ...}, "by_decision": {...}}
nlohmann::ordered_json to_json(const PanelReport& r);
std::string render_table(const PanelReport& r);
// One row per RAG and overall: rag, referred, eet, neet, not_known, custody, discussed, progression_pct.
std::string to_csv(const PanelReport& r);

}  // namespace pathways
