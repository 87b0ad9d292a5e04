#include "nccis/destinations.h"

namespace pathways::nccis {

PartnerRecords partner_records(const std::vector<IntendedDestination>& destinations,
                               const std::vector<GuaranteeOffer>& offers) {
  PartnerRecords pr;
  for (const auto& d : destinations) pr.destinations[d.person_id].push_back(d);
  for (const auto& o : offers) pr.offers[o.person_id].push_back(o);
  return pr;
}

std::optional<uint16_t> intended_destination_code(int code) {
  switch (code) {
    case 210: return 111;  // school sixth form: the school that reported it (same school)
    case 220: case 230: case 240: case 270: case 280: case 290:
    case 410: case 420: case 430: case 460: return 121;  // full-time education or training elsewhere
    case 310: case 450: return 211;            // apprenticeship or traineeship
    case 320: case 381: return 311;            // employment with part-time accredited study
    case 330: case 340: case 350: case 360: case 380: return 321;  // employment without accredited training
    case 619: return 511;                      // seeking EET: undecided
    case 250: case 260: case 440: case 510: case 520: case 530: case 540: case 550: case 551: case 610:
    case 615: case 616:
    case 620: case 630: case 640: case 650: case 660: case 670: case 680: case 710: case 720:
      return 411;                              // other destination
    case 810: case 820: case 830: return 611;  // not obtained
    default: return std::nullopt;              // 1xx and unknown codes
  }
}

std::optional<uint16_t> guarantee_status_code(std::string_view s) {
  if (s == "offer_made") return 110;
  if (s == "offer_not_appropriate") return 123;  // "other reason": the feed carries no reason
  if (s == "no_offer") return 150;               // "no appropriate provision": the feed carries no reason
  if (s == "not_recorded") return 159;
  return std::nullopt;
}

const IntendedDestination* stored_destination(const PartnerRecords& pr, std::string_view person_id,
                                              int academic_year) {
  const auto it = pr.destinations.find(std::string(person_id));
  if (it == pr.destinations.end()) return nullptr;
  for (const auto& d : it->second)
    if (d.academic_year == academic_year) return &d;
  return nullptr;
}

int guarantee_year_group(int academic_age, int academic_year, int guarantee_year) {
  if (guarantee_year > academic_year + 1) return 0;
  const int year11 = academic_year - (academic_age - 15);  // academic year the person was in Year 11
  if (guarantee_year == year11 + 1) return 11;
  if (guarantee_year == year11 + 2) return 12;
  return 0;
}

std::optional<uint16_t> record_destination(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                           const NccisOptions& o) {
  if (r.dataset != ReturnDataset::kYear11) return std::nullopt;
  if (o.intended_destination) return o.intended_destination(r.person);
  if (!o.partner) return std::nullopt;
  const IntendedDestination* d = stored_destination(*o.partner, ds.people.id[r.person], sel.period.academic_year);
  if (!d) return std::nullopt;
  return intended_destination_code(d->activity_code);
}

std::vector<const GuaranteeOffer*> record_offers(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                                 const NccisOptions& o) {
  std::vector<const GuaranteeOffer*> out;
  if (o.september_guarantee || !o.partner) return out;
  const auto it = o.partner->offers.find(std::string(ds.people.id[r.person]));
  if (it == o.partner->offers.end()) return out;
  for (const int yg : {11, 12})
    for (const auto& offer : it->second)
      if (guarantee_year_group(r.academic_age, sel.period.academic_year, offer.guarantee_year) == yg &&
          guarantee_status_code(offer.offer_status)) {
        out.push_back(&offer);
        break;  // one per year group (one stored offer per person and guarantee year)
      }
  return out;
}

std::vector<GuaranteeEntry> record_guarantee(const Dataset& ds, const Selection& sel, const NccisRecord& r,
                                             uint16_t la, const NccisOptions& o) {
  if (o.september_guarantee) return o.september_guarantee(r.person);
  std::vector<GuaranteeEntry> out;
  for (const GuaranteeOffer* offer : record_offers(ds, sel, r, o))
    out.push_back({guarantee_year_group(r.academic_age, sel.period.academic_year, offer->guarantee_year),
                   *guarantee_status_code(offer->offer_status), la});
  return out;
}

}  // namespace pathways::nccis
