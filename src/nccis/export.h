// The monthly NCCIS return as XML (docs/nccis.md shows an annotated example).
//
// One YoungPersonsRecord per record of the selection (cohort.h), in dataset order, with the
// young person dataset (PersonalDetails), the September Guarantee and intended destination
// datasets when supplied (stored by partner feeds: destinations.h), the characteristics
// (LevelOfNeed) and the current activity on the period end (Activities/Cohort). Element
// names come from schema.h only.
//
// The text is UTF-8. Every value is escaped (& < > " ') and made safe: invalid UTF-8 and
// characters XML 1.0 forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF) become
// U+FFFD; tab, LF and CR are written as character references so they survive parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "nccis/cohort.h"
#include "nccis/rules.h"

namespace pathways::nccis {

// Escapes text for element content or attribute values (see above).
std::string xml_escape(std::string_view text);

// The XML of the return for month YYYY-MM and reporting LA `la`, without validation.
// Throws std::invalid_argument for a bad month or NccisOptions::root_element.
std::string nccis_xml(const Dataset& ds, const Rules& rules, int year, int month, uint16_t la,
                      const NccisOptions& options = {});
std::string nccis_xml(const Dataset& ds, const Rules& rules, const Selection& sel, uint16_t la,
                      const NccisOptions& options);

struct NccisResult {
  std::vector<NccisIssue> issues;  // errors and warnings, in rule order per person
  std::optional<std::string> xml;  // only when no issue is an error
  size_t records = 0;              // YoungPersonsRecords in the return (also when refused)
  size_t leavers = 0;
  size_t errors = 0, warnings = 0;
  bool ok() const { return xml.has_value(); }
};

// Validates, then writes the XML only when there is no blocking error.
NccisResult build_nccis(const Dataset& ds, const Rules& rules, int year, int month, uint16_t la,
                        const NccisOptions& options = {});

}  // namespace pathways::nccis
