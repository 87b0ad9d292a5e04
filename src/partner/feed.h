// Partner feeds: the CSV files schools and providers send the LA (docs/partner-feeds.md,
// templates in docs/templates/).
//
//  * school_cohort.csv       a school's Years 9-13 roll: identity, characteristics, intended
//                            destination (cohort checks);
//  * provider_events.csv     a provider's starters, leavers and drop-outs (the s13 notice);
//  * september_guarantee.csv offers of a post-16 place for the September Guarantee.
//
// Validation works like the canonical folder loader (io/folder.h): CSV rules of formats.md,
// every bad cell reported with file, line, column, value and reason, unknown columns
// ignored with a warning, and a file with any error yields no rows at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/rules.h"
#include "io/folder.h"
#include "io/record.h"

namespace pathways {

enum class FeedKind { kSchoolCohort, kProviderEvents, kSeptemberGuarantee };
std::string_view feed_name(FeedKind k);  // "school_cohort", "provider_events", "september_guarantee"
std::optional<FeedKind> parse_feed_kind(std::string_view name);

enum class ProviderEvent : uint8_t { kNone = 0, kStart, kLeave, kDropout };
std::string_view provider_event_name(ProviderEvent e);  // start, leave, dropout

enum class OfferStatus : uint8_t { kNone = 0, kOfferMade, kNoOffer, kOfferNotAppropriate, kNotRecorded };
std::string_view offer_status_name(OfferStatus s);  // offer_made, no_offer, offer_not_appropriate, not_recorded

// One validated row of any feed; fields a feed does not have stay empty.
struct FeedRow {
  uint64_t line = 0;
  // Identity (all feeds).
  std::string upn, uln, given_name, family_name, postcode, gender, ethnicity, la_code;
  Date date_of_birth = kNoDate;
  // school_cohort
  std::string school_id;
  Date check_date = kNoDate;
  int year_group = 0;
  std::string sen_status;             // "", N, K, E
  std::vector<int> characteristics;   // codes
  int intended_destination = 0;       // 0 = none given
  // provider_events
  std::string provider_id;            // also the offering provider in september_guarantee
  ProviderEvent event = ProviderEvent::kNone;
  Date event_date = kNoDate;
  int activity_code = 0;              // 0 = none given (also the type of place offered)
  std::string course, notes;
  // september_guarantee
  int guarantee_year = 0;
  OfferStatus offer_status = OfferStatus::kNone;
  Date offer_date = kNoDate;
  // The recognised columns as given (trimmed), in template order, for the review queue.
  std::vector<std::pair<std::string, std::string>> cells;
};

// The columns of each feed: required first, then optional, in template order.
const std::vector<std::string>& feed_required_columns(FeedKind k);
const std::vector<std::string>& feed_optional_columns(FeedKind k);

struct FeedOptions {
  // LA code given to new people when a row has no la_code. school_cohort and
  // provider_events rows need one or the other (they may create people).
  std::string default_la_code;
};

// Validates every row of a feed. On any error returns no rows (report.ok() is false).
std::vector<FeedRow> read_feed(FeedKind kind, RecordSource& source, const Rules& rules, const FeedOptions& options,
                               LoadReport& report);
// The same from a file; messages name the file by its base name.
std::vector<FeedRow> load_feed(FeedKind kind, const std::string& path, const Rules& rules, const FeedOptions& options,
                               LoadReport& report);

// Records held in memory: the first is the header. For feeds rebuilt from the review queue
// and for tests.
class MemoryRecords : public RecordSource {
 public:
  MemoryRecords(std::string name, std::vector<std::vector<std::string>> rows)
      : RecordSource(std::move(name)), rows_(std::move(rows)) {}
  bool next() override;
  // The physical line reported for record i (0 = header); defaults to i + 1.
  void set_lines(std::vector<uint64_t> lines) { lines_ = std::move(lines); }

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<uint64_t> lines_;
  size_t i_ = 0;
};

}  // namespace pathways
