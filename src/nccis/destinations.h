// The intended destination (ID) and September Guarantee (SG) datasets of the NCCIS return,
// from what partner feeds stored: school cohort checks give a Year 11 pupil's intended
// destination (a DfE activity code, per academic year), September Guarantee feeds give offers
// (per guarantee year). The store reader is in partner.h (intended_destinations,
// guarantee_offers: current version of each row); this file holds no database code, only the
// mapping from stored values to the NCCIS code lists (docs/nccis.md, "Intended destinations
// and the September Guarantee") and the choice of which stored row a record reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/dataset.h"
#include "nccis/cohort.h"
#include "partner/partner.h"

namespace pathways::nccis {

// Stored destinations and offers, indexed by person_id.
struct PartnerRecords {
  std::unordered_map<std::string, std::vector<IntendedDestination>> destinations;
  std::unordered_map<std::string, std::vector<GuaranteeOffer>> offers;
};
PartnerRecords partner_records(const std::vector<IntendedDestination>& destinations,
                               const std::vector<GuaranteeOffer>& offers);

// ID01 code for a stored intended destination (a DfE activity code); nullopt when the code
// has no intended destination (pre-16 codes 1xx, unknown codes).
std::optional<uint16_t> intended_destination_code(int activity_code);
// SG02/SG11 guarantee status for a stored offer_status (offer_made, no_offer,
// offer_not_appropriate, not_recorded); nullopt for anything else.
std::optional<uint16_t> guarantee_status_code(std::string_view offer_status);

// The stored intended destination of a person for the academic year of the period, or
// nullptr.
const IntendedDestination* stored_destination(const PartnerRecords& pr, std::string_view person_id,
                                              int academic_year);

// The year group (11 or 12) whose September Guarantee an offer for `guarantee_year` is, for
// a record of this academic age in the period's academic year: Year 11 = the September
// after the person's Year 11, Year 12 = the September after that. 0 = neither, or a
// guarantee year after the coming September.
int guarantee_year_group(int academic_age, int academic_year, int guarantee_year);

// What the return writes for one record. The NccisOptions callbacks win when set; otherwise
// NccisOptions::partner supplies them; otherwise there is nothing.
//  * intended destination: Year 11 records only, the stored destination of the period's
//    academic year mapped to ID01;
//  * September Guarantee: stored offers whose guarantee year is this person's Year 11 or
//    Year 12 guarantee, one per year group, with the LA `la` (the reporting LA).
std::optional<uint16_t> record_destination(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                           const NccisOptions& o);
std::vector<GuaranteeEntry> record_guarantee(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                             uint16_t la, const NccisOptions& o);
// The stored offers behind record_guarantee's entries (empty with callbacks or no partner).
std::vector<const GuaranteeOffer*> record_offers(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                                 const NccisOptions& o);

}  // namespace pathways::nccis
