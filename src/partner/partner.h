// Importing partner feeds into the store: match each row to a young person, apply what the
// feed is authoritative for, and queue whatever is uncertain for a person to decide.
//
// An import runs in three steps (docs/partner-feeds.md):
//  1. validate the whole file (feed.h): any bad cell and nothing is applied;
//  2. take the writers' lock (Db::begin_exclusive) and match every row against the store as
//     it is under that lock (match.h). Exact identifiers and confident
//     scores are applied; uncertain rows go to the review queue with their candidates;
//     unmatched school and starter rows create a new person; unmatched leavers, drop-outs
//     and offers go to review. Nobody is ever merged silently, and two rows of one feed
//     that land on the same young person go to review;
//  3. compile the applied rows into a *delta* dataset (the people touched, with their
//     stored fields updated where the feed is authoritative, plus new or changed activity
//     rows only) and store it with import_dataset_locked(): new rows added, changed rows
//     versioned, everything else untouched. Intended destinations, offers, the new review
//     items and the import log are written in the same transaction, which commits only at
//     the end: a failure or a kill at any point stores nothing of the feed.
// A dry run reads from one snapshot, takes no lock and writes nothing.
// Re-importing the same file changes nothing: rows already in review stay there once,
// dismissed rows stay dismissed, and a resolved review is remembered, so the row (and any
// later row with the same identity) goes to the person chosen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/rules.h"
#include "io/folder.h"
#include "partner/feed.h"
#include "partner/match.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

struct PartnerOptions {
  std::string default_la_code;  // LA of residence for new people when a row has no la_code
  MatchThresholds thresholds;
  bool dry_run = false;         // match and compile, report what would happen, store nothing
};

enum class RowAction {
  kMatchedUpn,       // exact UPN (same date of birth)
  kMatchedUln,       // exact ULN (same date of birth)
  kMatchedScore,     // names + date of birth (+ postcode) scored >= confident
  kMatchedByReview,  // a person chose this match for this identity earlier (review queue)
  kNewPerson,        // no candidate: a new person was created
  kReview,           // put in the review queue by this import
  kAlreadyInReview,  // the same row is waiting in the review queue already
  kDismissed,        // the same row was dismissed from the review queue earlier
};
std::string_view row_action_name(RowAction a);  // matched_upn, ..., dismissed

struct RowOutcome {
  uint64_t line = 0;
  RowAction action = RowAction::kReview;
  std::string person_id;  // matched or created; "" for review
  double score = 0;
  std::string detail;     // what was applied ("new activity 230 from 2025-01-10 at COL1"), or why review
  int64_t review_id = 0;  // for kReview / kAlreadyInReview (0 in a dry run)
};

struct ReviewCandidate {
  std::string person_id;
  double score = 0;
  std::string basis;
  std::string given_name, family_name, date_of_birth, postcode, upn, uln;
};

struct ReviewItem {
  int64_t review_id = 0;
  FeedKind feed = FeedKind::kSchoolCohort;
  std::string source;  // file name
  uint64_t line = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> incoming;  // the row as given: column, value
  std::vector<ReviewCandidate> candidates;                     // best first, at most 5
  std::string status;  // open, resolved, dismissed
  std::string created_by, created_at;
  std::string resolution_person_id, resolved_by, resolved_at, resolution_note;
};

struct PartnerImportResult {
  FeedKind feed = FeedKind::kSchoolCohort;
  std::string source;
  bool dry_run = false;
  int64_t rows = 0;
  int64_t matched_exact = 0, matched_score = 0, matched_by_review = 0, new_people = 0;
  int64_t to_review = 0, already_in_review = 0, dismissed = 0;
  int64_t applied_rows = 0;    // rows that changed something in the store
  int64_t unchanged_rows = 0;  // matched rows the store already agreed with
  int64_t not_applied = 0;     // matched rows with nothing they could change (warning in the report)
  int64_t destinations_added = 0, destinations_changed = 0;
  int64_t offers_added = 0, offers_changed = 0;
  ImportSummary data;                // what import_dataset() did (batch 0 = nothing)
  int64_t partner_batch_id = 0;      // batch of the destinations/offers written (0 = none)
  std::vector<RowOutcome> outcomes;  // one per row, in file order
  std::vector<ReviewItem> reviews;   // items this import added to the queue
  bool changed() const;
};

// Validates, matches and applies a feed. On a validation error `report` holds every issue
// and nothing is stored (the result has no outcomes). Warnings (unknown columns, year group
// unlike the age, a leaver with no activity at that provider) are in report.warnings.
// Throws DbError on database failure.
PartnerImportResult import_partner_feed(Db& db, const Rules& rules, FeedKind kind, const std::string& csv_path,
                                        const std::string& user, LoadReport& report,
                                        const PartnerOptions& options = {});
// The same from records already in memory (`source_name` is recorded as the source).
PartnerImportResult import_partner_records(Db& db, const Rules& rules, FeedKind kind, RecordSource& records,
                                           const std::string& source_name, const std::string& user,
                                           LoadReport& report, const PartnerOptions& options = {});

// The review queue, oldest first.
std::vector<ReviewItem> open_reviews(Db& db);
std::optional<ReviewItem> review_item(Db& db, int64_t review_id);

struct ResolveResult {
  std::string person_id;  // the person the row was applied to (new or chosen)
  bool new_person = false;
  std::string detail;     // what was applied
  ImportSummary data;
  std::vector<std::string> notes;  // e.g. an identifier not copied because someone else has it
};

// Resolves an open review item: applies its row to `person_id`, or to a new person when
// nullopt. The choice is remembered for later imports of the same identity. Throws
// std::invalid_argument when the item is not open or the person does not exist.
ResolveResult resolve_review(Db& db, const Rules& rules, int64_t review_id, std::optional<std::string> person_id,
                             const std::string& user);
// Closes an open item without applying it (not our young person, a bad row, ...). The same
// row is skipped by later imports.
void dismiss_review(Db& db, int64_t review_id, const std::string& user, const std::string& note);

// Stored intended destinations and September Guarantee offers: the current versions, or,
// given `recorded_by` (a store timestamp, "YYYY-MM-DDTHH:MM:SSZ"), the versions the store
// held at that moment (the newest recorded by an import at or before it; rows first
// recorded later are left out). The monthly return reads them as recorded by the end of
// its date of send.
struct IntendedDestination {
  std::string person_id;
  int academic_year = 0;  // start year of the academic year of the cohort check
  int activity_code = 0;
  std::string school_id;
  int year_group = 0;
  std::string recorded_date;
};
std::vector<IntendedDestination> intended_destinations(Db& db, const std::string& recorded_by = "");

struct GuaranteeOffer {
  std::string person_id;
  int guarantee_year = 0;
  std::string offer_status;
  std::string provider_id, offer_date;
  int activity_code = 0;
};
std::vector<GuaranteeOffer> guarantee_offers(Db& db, const std::string& recorded_by = "");

// CSV for people (spreadsheets): one line per row outcome / per open review item with its
// candidates flattened (candidate_1_person_id, candidate_1_score, ...).
std::string outcomes_csv(const PartnerImportResult& r);
std::string reviews_csv(const std::vector<ReviewItem>& items);

// For the command line and other front ends: the counts and every row outcome / review item
// (field names as in the structs above), and a few lines of text for people.
nlohmann::ordered_json to_json(const PartnerImportResult& r);
nlohmann::ordered_json to_json(const std::vector<ReviewItem>& items);
nlohmann::ordered_json duplicates_json(const Dataset& ds, const std::vector<DuplicatePair>& pairs);
std::string summary_text(const PartnerImportResult& r);
std::string reviews_text(const std::vector<ReviewItem>& items);
std::string duplicates_text(const Dataset& ds, const std::vector<DuplicatePair>& pairs);

}  // namespace pathways
