// Matching partner-feed rows (school rolls, provider starters/leavers, September Guarantee
// offers) to the people already in the store, and finding likely duplicates among them.
//
// Order of evidence (docs/partner-feeds.md, "Matching"):
//  1. exact UPN, then exact ULN. An identifier that points at someone whose date of birth
//     differs, or UPN and ULN that point at two different people, is never applied: the row
//     goes to review with those people as candidates;
//  2. otherwise people born on the same day are scored on normalised names (case, accents,
//     apostrophes, hyphens and spaces ignored; Jaro-Winkler similarity, so typos and
//     transpositions cost little; given and family names swapped are tried too) and
//     postcode (full, district, unknown, different);
//  3. a score >= confident whose given and family names are each similar enough, with no
//     conflicting identifier and a clear lead over the runner-up, is a match; scores between
//     `review` and `confident` (or a confident score failing those checks) go to review with
//     up to five candidates; below `review` there is no match.
// People born a day, a month or a year apart, or with day and month swapped, whose names
// match well are offered as review candidates only, never matched.
//
// Everything here reads a Dataset (from load_store); nothing writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/dataset.h"

namespace pathways {

struct MatchThresholds {
  double confident = 0.90;  // score at or above which a clear best candidate is matched
  double review = 0.70;     // score at or above which a candidate is offered for review
  double name_part = 0.88;  // a confident match needs given and family similarity each >= this
  double margin = 0.05;     // ... and a lead of at least this over the next candidate
  size_t max_candidates = 5;
};

// The identifying part of an incoming row.
struct Incoming {
  std::string upn, uln, given_name, family_name, postcode;
  Date date_of_birth = kNoDate;
};

struct Candidate {
  uint32_t person = kNoIndex;  // index into the Dataset's people
  double score = 0;            // 0..1; 1 for an exact identifier with the same date of birth
  double given = 0, family = 0;  // name similarities (in the orientation used)
  bool swapped = false;        // given and family names matched the other way round
  bool conflict = false;       // both sides have a UPN (or ULN) and they differ
  bool dob_differs = false;
  std::string basis;           // human-readable: "UPN", "names + date of birth + postcode", ...
};

enum class MatchOutcome { kExactUpn, kExactUln, kConfident, kReview, kNoMatch };
std::string_view match_outcome_name(MatchOutcome o);  // exact_upn, exact_uln, confident, review, no_match

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::kNoMatch;
  uint32_t person = kNoIndex;  // the match for kExactUpn / kExactUln / kConfident
  double score = 0;
  std::vector<Candidate> candidates;  // best first, at most max_candidates (also for matches)
  std::string reason;                 // why a row goes to review
};

class Matcher {
 public:
  explicit Matcher(const Dataset& ds, MatchThresholds thresholds = {});
  MatchResult match(const Incoming& in) const;

  // The person holding this UPN / ULN (compared case-insensitively), or kNoIndex.
  uint32_t find_upn(std::string_view upn) const;
  uint32_t find_uln(std::string_view uln) const;
  const MatchThresholds& thresholds() const { return t_; }

 private:
  Candidate score(const Incoming& in, uint32_t p) const;
  void add_same_dob(const Incoming& in, std::vector<Candidate>& out, uint32_t skip) const;

  const Dataset& ds_;
  MatchThresholds t_;
  TextColumn upn_, uln_;  // upper-cased copies, indexed
  TextIndex upn_index_, uln_index_;
  std::vector<std::pair<Date, uint32_t>> by_dob_;  // sorted
};

// --- Scoring primitives (documented in docs/partner-feeds.md) ---

// Lower case, accents folded to their base letter (Latin-1 and Latin Extended-A), apostrophes
// dropped, other punctuation and digits dropped; hyphens, spaces, dots and commas separate
// parts. Returns the parts ("Mary-Jane O'Neill" -> {"mary", "jane", "oneill"}).
std::vector<std::u32string> name_parts(std::string_view name);
// The parts joined: the form names are compared in ("maryjane").
std::u32string normalise_name(std::string_view name);
// Upper case without spaces ("sw1a 1aa" -> "SW1A1AA").
std::string normalise_postcode(std::string_view postcode);
// The outward code (district) of a normalised postcode: all but the last three characters.
std::string postcode_district(std::string_view normalised);

double jaro_winkler(std::u32string_view a, std::u32string_view b);
// Similarity of two names (0..1): Jaro-Winkler of the joined forms, or 0.9 x the best
// similarity of a part of one to a part of the other (a double-barrelled or middle name
// present on one side only), whichever is higher.
double name_similarity(std::string_view a, std::string_view b);
// 1 same postcode, 0.75 same district, 0.5 one side unknown, 0.25 different.
double postcode_score(std::string_view a, std::string_view b);

// --- Duplicates among existing people ---

struct DuplicatePair {
  uint32_t a = kNoIndex, b = kNoIndex;  // a < b, people indexes
  double score = 0;
  std::string basis;
};

// Pairs of people with the same date of birth whose names and postcode score at least
// `threshold` (same scoring as matching; a pair whose UPNs or ULNs both exist and differ
// loses 0.1 and says so). People with cohort status M (already merged) are left out.
// Best first.
std::vector<DuplicatePair> find_duplicates(const Dataset& ds, double threshold = 0.85);

// person_id_a, given_name_a, family_name_a, ..., score, basis: one line per pair.
std::string duplicates_csv(const Dataset& ds, const std::vector<DuplicatePair>& pairs);

}  // namespace pathways
