// Who is in a monthly NCCIS return, and what is reported as their current activity.
//
// Period: the calendar month YYYY-MM; its last day D is the snapshot date (PeriodEnd).
// Academic ages are taken on D (domain.md section 2). A person is in the return for
// reporting LA `la` when they are resident (la_code == la; everyone when no LA is given), have
// a date of birth, and:
//   cohort status P: academic age 15 (Year 11: intended destination and September
//     Guarantee), 16-17, or 18-24 with an EHC plan;
//   cohort status G (kept for the September Guarantee): academic age 15-18, or 18-24 with an
//     EHC plan;
//   a leaver (A T E M D L): academic age 15-18, or 19-25 with an EHC plan or status L, and
//     reported once, in the month they leave:
//       - with NccisOptions::left_on: included when the leaving date falls in the month;
//         excluded when it is before the month (already reported); when it is after the
//         month, they had not left yet at D, so they are reported as P under the P rules;
//       - without a leaving date (no callback, or it returns nullopt): by
//         NccisOptions::leavers_without_date, included every month (default) or left out;
//         either way rule NC060 warns, because DfE expects each leaver exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/rules.h"
#include "engine/dataset.h"
#include "nccis/la_codes.h"

namespace pathways::nccis {

// Why a person is in the return (written as the ReturnDataset extension).
enum class ReturnDataset : uint8_t { kYear11, kAge16To17, kSend18To24, kGuarantee, kLeaver };
std::string_view return_dataset_name(ReturnDataset d);  // year_11, age_16_17, send_18_24, guarantee, leaver

// One September Guarantee entry (SG dataset): the guarantee status code and the LA
// responsible (16-year-olds: where educated; 17-year-olds: residence).
struct GuaranteeEntry {
  int year_group = 11;  // 11 or 12
  uint16_t status = 0;  // e.g. 110 offer made, 159 not yet recorded
  uint16_t la = 0;
};

enum class LeaverPolicy : uint8_t { kIncludeEveryMonth, kExclude };

struct PartnerRecords;  // destinations.h

struct NccisOptions {
  // The date the person's cohort status changed to the leaver status they have now, if
  // known (the store can supply it from version history). Called only for leavers.
  std::function<std::optional<Date>(uint32_t person)> left_on;
  LeaverPolicy leavers_without_date = LeaverPolicy::kIncludeEveryMonth;

  // Year 11 intended destination (ID01 code, e.g. 111) and September Guarantee entries.
  // When set, these callbacks are used as given; otherwise `partner` supplies both from the
  // intended destinations and offers partner feeds stored (destinations.h); with neither the
  // elements are left out (and NC006 / NC007 warn).
  std::function<std::optional<uint16_t>(uint32_t person)> intended_destination;
  std::function<std::vector<GuaranteeEntry>(uint32_t person)> september_guarantee;
  const PartnerRecords* partner = nullptr;  // read from the store; nullptr = none (a --data folder)

  Date date_of_send = kNoDate;  // "today" for future-date checks and DateOfSend; kNoDate = today (UTC)
  std::string database_id;      // 3-digit NCCIS DatabaseID; when set, numeric person ids become 13-digit YoungPersonsIDs
  std::string supplier_name = "Pathways";
  std::string supplier_version = "0.1.0";
  std::string root_element;     // empty = el::kRoot
  bool extensions = true;       // write the PathwaysExtensions node
  const LaCodes* la_codes = nullptr;  // nullptr = LaCodes::defaults()

  const LaCodes& codes() const { return la_codes ? *la_codes : LaCodes::defaults(); }
};

struct Period {
  int year = 0, month = 0;
  Date start = kNoDate, end = kNoDate;  // first and last day of the month
  int academic_year = 0;                // start year of the academic year containing `end`
  Date academic_year_start = kNoDate;   // 1 September
  Date date_of_send = kNoDate;
};
// Throws std::invalid_argument for a month outside 1-12 or a year outside 1900-2199.
Period make_period(int year, int month, const NccisOptions& options);
Date today_utc();

struct NccisRecord {
  uint32_t person = 0;
  int academic_age = 0;
  ReturnDataset dataset = ReturnDataset::kAge16To17;
  char cohort_status = 'P';  // as reported (a leaver who left after the period is reported as P)
  Date left_on = kNoDate;    // leavers: the leaving date when known
};

struct Selection {
  Period period;
  std::vector<NccisRecord> records;  // in dataset order
  // Leavers whose leaving date is unknown (in or out of the return, by the policy).
  std::vector<uint32_t> leavers_without_date;
  std::vector<uint32_t> without_dob;  // people with no date of birth (never selected)
};

Selection select_return(const Dataset& ds, int year, int month, std::optional<uint16_t> la,
                        const NccisOptions& options);

// The current activity dataset of one record, on the period end D, per the engine
// (status_on). With no current activity the person is not known: 150 at academic age 15,
// otherwise 810, starting the day after their last activity stopped counting.
struct ReportedActivity {
  uint16_t code = 810;            // the DfE code written (legacy codes mapped by the rules)
  uint32_t activity = kNoIndex;   // index into Dataset::activities; kNoIndex = synthesised not known
  Date start = kNoDate;
  Date ascertained = kNoDate;     // Pathways keeps no record-creation date: the start date
  Date verified = kNoDate;        // last verification as of D
  Date review = kNoDate;
  Date due_to_lapse = kNoDate;    // first day it no longer counts; kNoDate = never lapses
  Date predicted_end = kNoDate;   // the activity's end date when recorded
  Date neet_start = kNoDate;      // NEET codes: start of the unbroken NEET spell
  std::string neet_reason;        // NEET codes: recorded reason or the rules' default
  bool neet = false;
};

ReportedActivity reported_activity(const Dataset& ds, const Rules& rules, const NccisRecord& r, Date period_end);

// The DfE code an activity is reported as (legacy codes map to their current code), and
// the category of that code.
uint16_t reported_code(const Rules& rules, uint16_t code_index);
Category reported_category(const Rules& rules, uint16_t code_index);

// YoungPersonsID: with a 3-digit database_id and a person_id of 1-10 digits, DfE's form
// (DatabaseID followed by the id padded with zeros to 10 digits, 13 digits in all);
// otherwise the person_id unchanged, and *formed (when given) is set to false.
std::string young_persons_id(std::string_view person_id, std::string_view database_id, bool* formed = nullptr);

}  // namespace pathways::nccis
