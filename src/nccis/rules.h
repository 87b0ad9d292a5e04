// The NCCIS validation rule catalogue and the checks run before a return is written.
//
// Every rule has an id (NCnnn), a severity and a description; the table in rules.cc is the
// single source (docs/nccis.md reproduces it). An error blocks the return: build_nccis
// (export.h) writes no XML while any error stands. Warnings are reported and the return is
// still written.
//
// Scope of the checks for month YYYY-MM and reporting LA `la`:
//  * return-level rules: the reporting LA, the period, the header settings;
//  * people rules: every record selected into the return (cohort.h), except NC011 (LA code),
//    which looks at everyone of academic age 15-25 whatever their LA, because a mistyped LA
//    code is exactly what keeps a young person out of the return;
//  * activity rules: the activities of people in the return that are live in the current
//    academic year up to the period end (started by the period end, not ended before 1
//    September). Closed records of earlier years are not re-reported every month, and a
//    return for a past month ignores what was recorded after it. NC024/NC025 (dates after
//    the date of send) look at all the person's activities.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "nccis/cohort.h"

namespace pathways::nccis {

enum class Severity : uint8_t { kError, kWarning };
std::string_view severity_name(Severity s);  // "error", "warning"

struct NccisRule {
  std::string_view id;
  Severity severity;
  std::string_view field;  // the data field it concerns ("" for the return as a whole)
  std::string_view title;
  std::string_view description;
};

std::span<const NccisRule> nccis_rules();
// The rule with this id; throws std::out_of_range when there is none.
const NccisRule& nccis_rule(std::string_view id);

struct NccisIssue {
  std::string rule_id;
  Severity severity = Severity::kError;
  std::string person_id;  // "" for the return as a whole
  std::string field;      // people.csv / activities.csv column, or an option name
  std::string message;
};

std::vector<NccisIssue> validate_nccis(const Dataset& ds, const Rules& rules, int year, int month,
                                       std::optional<uint16_t> la, const NccisOptions& options = {});
// The same on a selection already made (build_nccis uses this to select once).
std::vector<NccisIssue> validate_selection(const Dataset& ds, const Rules& rules, const Selection& sel,
                                           std::optional<uint16_t> la, const NccisOptions& options);

size_t count_errors(const std::vector<NccisIssue>& issues);
bool has_errors(const std::vector<NccisIssue>& issues);

// "error NC012 [P07] upn: ..." (one line).
std::string format_issue(const NccisIssue& issue);
// rule_id,severity,person_id,field,message with a header row.
std::string issues_csv(const std::vector<NccisIssue>& issues);
// [{"rule_id": ..., "severity": ..., "person_id": ..., "field": ..., "message": ...}, ...]
nlohmann::ordered_json issues_json(const std::vector<NccisIssue>& issues);

}  // namespace pathways::nccis
