// Finding people: by UPN, ULN, person_id or date of birth exactly, or by name with
// tolerance for typing errors (Jaro-Winkler similarity of each word of the query to the
// person's given and family names, partner/match.h).
//
// Query forms: "A123456789012" (a UPN), "1234567890" (a ULN), "2009-03-14" or "14/03/2009"
// (a date of birth), anything else is a name ("jon smyth" finds John Smith) and may carry a
// date of birth as well ("smith 14/03/2009"). Results are best first; only people for whom
// `visible` returns true are considered, so a search never reveals who else exists.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/dataset.h"

namespace pathways::web {

struct SearchHit {
  uint32_t person = 0;
  double score = 0;         // 1 for exact identifier matches
  std::string matched_on;   // "upn", "uln", "person_id", "date_of_birth", "name"
};

std::vector<SearchHit> search_people(const Dataset& ds, std::string_view query,
                                     const std::function<bool(uint32_t)>& visible, size_t limit = 50);

}  // namespace pathways::web
