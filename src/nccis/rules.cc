#include "nccis/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_map>

#include "io/folder.h"
#include "nccis/destinations.h"
#include "report/render.h"

namespace pathways::nccis {

std::string_view severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

namespace {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;

// The catalogue. Ids are stable: never renumber, only add.
constexpr std::array kRules = {
    // The return as a whole.
    NccisRule{"NC001", E, "la", "Reporting LA code not valid",
              "The reporting LA (--la) must be an English LA code current on the period end (data/la_codes.csv)."},
    NccisRule{"NC002", W, "month", "Month not yet ended",
              "The period end is on or after the date of send: activities may still change before the month is over."},
    NccisRule{"NC003", W, "", "Empty return", "No young person is in the return: check the LA code and the month."},
    NccisRule{"NC004", W, "database_id", "No NCCIS DatabaseID",
              "FileHeader/Databases is left out and YoungPersonsID is the Pathways person_id; NCCIS expects the "
              "3-digit DatabaseID and 13-digit identifiers."},
    NccisRule{"NC005", E, "database_id", "DatabaseID not 3 digits", "The NCCIS DatabaseID must be exactly 3 digits."},
    NccisRule{"NC006", W, "", "Intended destinations not supplied",
              "The return has Year 11 records but Pathways holds no intended destinations (ID01), so the intended "
              "destination dataset is left out. Intended destinations are stored by school cohort feeds: a return "
              "built from the store (--db) has them, one built from a --data folder has none."},
    NccisRule{"NC007", W, "", "September Guarantee offers not supplied",
              "The return has records of academic age 15 or 16 (the Year 11 and Year 12 guarantees) but Pathways "
              "holds no September Guarantee offers, so the September Guarantee dataset is left out. Offers are "
              "stored by September Guarantee feeds: a return built from the store (--db) has them, one built from "
              "a --data folder has none."},
    // People.
    NccisRule{"NC010", E, "date_of_birth", "Date of birth missing",
              "A person without a date of birth cannot be placed in the cohort."},
    NccisRule{"NC011", E, "la_code", "LA code unknown or retired",
              "la_code must be a DfE LA code in use on the period end (000-004 are accepted for people living "
              "outside England). Checked for everyone of academic age 15-25: a wrong code keeps a young person out "
              "of the return."},
    NccisRule{"NC012", E, "upn", "Duplicate UPN", "Two people in the return share a unique pupil number."},
    NccisRule{"NC013", E, "uln", "Duplicate ULN", "Two people in the return share a unique learner number."},
    NccisRule{"NC014", E, "person_id", "Duplicate YoungPersonsID",
              "Two people in the return would be sent with the same YoungPersonsID."},
    NccisRule{"NC015", E, "given_name", "Name missing", "GivenName and FamilyName are mandatory."},
    NccisRule{"NC016", W, "given_name", "Name has characters NCCIS rejects",
              "Digits, / \\ : ? @ $ & * ( ) { } [ ] ! \" + = |, control characters or invalid UTF-8 in a name. The "
              "XML escapes or replaces them, but NCCIS reports the record."},
    NccisRule{"NC017", W, "person_id", "YoungPersonsID not in DfE form",
              "With a DatabaseID set, a person_id of 1-10 digits becomes DatabaseID + 10 digits; this one is sent "
              "unchanged."},
    NccisRule{"NC018", E, "cohort_status", "Unknown cohort status", "Cohort status must be P, G, A, T, E, M, D or L."},
    // Activity dates.
    NccisRule{"NC020", E, "start_date", "Activity without a start date", "Every activity needs a start date."},
    NccisRule{"NC021", E, "end_date", "Activity ends before it starts", "end_date is before start_date."},
    NccisRule{"NC022", E, "verified_date", "Activity verified before it starts", "verified_date is before start_date."},
    NccisRule{"NC023", W, "review_date", "Review date before start date",
              "review_date is before start_date; the currency rules ignore it."},
    NccisRule{"NC024", W, "start_date", "Activity starts in the future",
              "start_date is after the date of send: a planned activity, not counted until it starts."},
    NccisRule{"NC025", E, "verified_date", "Activity verified in the future",
              "verified_date is after the date of send: nobody can have confirmed it yet."},
    // Codes and age.
    NccisRule{"NC030", E, "activity_code", "Pre-16 code at 16 or over",
              "A pre-16 code (1xx) on an activity starting at academic age 16 or over."},
    NccisRule{"NC031", E, "activity_code", "Post-16 code before Year 11",
              "A post-16 code (2xx-8xx) on an activity starting before academic age 15 (Year 10 or younger)."},
    NccisRule{"NC032", W, "activity_code", "Post-16 code before the school leaving date",
              "A post-16 code on an activity starting in Year 11 before the school leaving date (the last Friday "
              "in June); until then the pupil is of compulsory school age (use 1xx)."},
    // SEND and characteristics.
    NccisRule{"NC040", W, "sen_status", "SEND-only provision without an EHC plan",
              "Current activity 280 (special post-16 institution) or 460 (supported internship) for someone "
              "without an EHC plan (SENDFlag N)."},
    NccisRule{"NC041", W, "level_of_need", "Level of need missing",
              "LevelOfNeedCode (1-3) is mandatory for every record in the return."},
    NccisRule{"NC042", W, "characteristics", "NEET reason without its characteristic",
              "Current activity 620 (young carer) needs characteristic 140, 630 (teenage parent) needs 120, 650 "
              "(pregnancy) needs 180."},
    NccisRule{"NC043", W, "characteristics", "Pregnant and male", "Characteristic 180 (pregnant) with gender M."},
    // Order of activities.
    NccisRule{"NC050", W, "end_date", "Activities out of order",
              "An earlier-starting activity was closed after a later one had started: the two overlap, so which "
              "one counted when is uncertain."},
    NccisRule{"NC051", W, "start_date", "Two activities start on the same day",
              "The later row wins (domain.md section 4); check that the other is not a duplicate."},
    // Compulsory age.
    NccisRule{"NC060", W, "activity_code", "Year 11 without a current-year activity date",
              "A Year 11 pupil (academic age 15) with no activity started or verified in the current academic "
              "year. Checked in the January to August returns, once the Year 11 cohort checks have begun."},
    // Leavers.
    NccisRule{"NC070", W, "cohort_status", "Leaver without a leaving date",
              "DfE expects a leaver once, in the month they leave; without the date Pathways follows the leaver "
              "policy (included every month by default)."},
    NccisRule{"NC071", W, "cohort_status", "Transferred without the new LA",
              "Cohort status T needs TransferredToLACode, which Pathways does not hold; the record is sent "
              "without it."},
    // Intended destinations and September Guarantee offers (stored by partner feeds).
    NccisRule{"NC080", W, "intended_destination", "Intended destination outside Year 11",
              "An intended destination is stored for this academic year for someone who is not in Year 11 "
              "(academic age 15) on the period end; NCCIS collects it for Year 11 only, so it is not sent."},
    NccisRule{"NC081", W, "intended_destination", "Intended destination without an NCCIS code",
              "The stored intended destination is an activity code with no intended destination code (ID01), "
              "e.g. a pre-16 code; the intended destination dataset is left out for this person."},
    NccisRule{"NC082", W, "offer_date", "September Guarantee offer dated in the future",
              "A September Guarantee offer sent in the return has an offer date after the date of send."},
};

struct Ctx {
  const Dataset& ds;
  const Rules& rules;
  const Selection& sel;
  const NccisOptions& options;
  std::vector<NccisIssue>& out;

  void add(std::string_view id, uint32_t person, std::string field, std::string message) {
    const NccisRule& r = nccis_rule(id);
    out.push_back({std::string(r.id), r.severity,
                   person == kNoIndex ? std::string() : std::string(ds.people.id[person]), std::move(field),
                   std::move(message)});
  }
};

// Days since 1970-01-01 (a Thursday): Monday = 0 ... Sunday = 6.
int weekday(Date d) { return static_cast<int>(((static_cast<int64_t>(d) + 3) % 7 + 7) % 7); }

// The compulsory school leaving date for a pupil in Year 11 in academic year `ay`: the last
// Friday in June of its summer.
Date school_leaving_date(int ay) {
  const Date june30 = make_date(ay + 1, 6, 30);
  return june30 - (weekday(june30) - 4 + 7) % 7;
}

// Characters NCCIS rejects in names (its name checks), control characters and invalid UTF-8.
std::string rejected_characters(std::string_view s) {
  if (!valid_utf8(s)) return "invalid UTF-8";
  std::string found;
  constexpr std::string_view kBad = "/\\:?@$&*(){}[]!\"+=|";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    std::string what;
    if (u < 0x20 || u == 0x7F)
      what = "control character";
    else if (c >= '0' && c <= '9')
      what = "digit";
    else if (kBad.find(c) != std::string_view::npos)
      what = std::string("'") + c + "'";
    if (!what.empty() && found.find(what) == std::string::npos) found += (found.empty() ? "" : ", ") + what;
  }
  return found;
}

std::string line_of(const Dataset& ds, uint32_t a) {
  return ds.activities.line.size() > a && ds.activities.line[a]
             ? fmt::format(" (activities.csv line {})", ds.activities.line[a])
             : std::string();
}

void return_rules(Ctx& c, std::optional<uint16_t> la) {
  const Period& per = c.sel.period;
  if (la) {
    const LaCheck chk = c.options.codes().check(*la, per.end);
    if (chk != LaCheck::kCurrent)
      c.add("NC001", kNoIndex, "la",
            fmt::format("reporting LA {:03} is {} on {}", *la, la_check_reason(chk), format_date(per.end)));
  }
  if (per.date_of_send <= per.end)
    c.add("NC002", kNoIndex, "month",
          fmt::format("{:04}-{:02} ends on {}, not before the date of send {}", per.year, per.month,
                      format_date(per.end), format_date(per.date_of_send)));
  if (c.sel.records.empty()) c.add("NC003", kNoIndex, "", "no young person is in the return");
  const std::string& db = c.options.database_id;
  if (db.empty()) {
    c.add("NC004", kNoIndex, "database_id", "no NCCIS DatabaseID given: identifiers are sent as Pathways person ids");
  } else if (db.size() != 3 || db.find_first_not_of("0123456789") != std::string::npos) {
    c.add("NC005", kNoIndex, "database_id", fmt::format("DatabaseID '{}' is not 3 digits", printable(db)));
  }
  if (!c.options.intended_destination && !c.options.partner) {
    const auto y11 = std::count_if(c.sel.records.begin(), c.sel.records.end(),
                                   [](const NccisRecord& r) { return r.dataset == ReturnDataset::kYear11; });
    if (y11 > 0)
      c.add("NC006", kNoIndex, "",
            fmt::format("{} Year 11 record(s) but no intended destinations supplied (they are stored by school "
                        "cohort feeds; a --data folder has none)",
                        static_cast<int64_t>(y11)));
  }
  if (!c.options.september_guarantee && !c.options.partner) {
    const auto n = std::count_if(c.sel.records.begin(), c.sel.records.end(),
                                 [](const NccisRecord& r) { return r.academic_age == 15 || r.academic_age == 16; });
    if (n > 0)
      c.add("NC007", kNoIndex, "",
            fmt::format("{} record(s) of academic age 15-16 but no September Guarantee offers supplied (they are "
                        "stored by September Guarantee feeds; a --data folder has none)",
                        static_cast<int64_t>(n)));
  }
}

void people_la_codes(Ctx& c) {
  const People& P = c.ds.people;
  const Period& per = c.sel.period;
  for (const uint32_t p : c.sel.without_dob) c.add("NC010", p, "date_of_birth", "no date of birth");
  for (uint32_t p = 0; p < P.size(); ++p) {
    if (P.date_of_birth[p] == kNoDate) continue;
    const int age = academic_age_in_year(P.date_of_birth[p], per.academic_year);
    if (age < 15 || age > 25) continue;
    const LaCheck chk = c.options.codes().check(P.la_code[p], per.end);
    if (chk == LaCheck::kUnknown || chk == LaCheck::kRetired || chk == LaCheck::kNotYetValid)
      c.add("NC011", p, "la_code",
            fmt::format("la_code {:03} is {} on {}", P.la_code[p], la_check_reason(chk), format_date(per.end)));
  }
}

// Activities of person p live in the current academic year up to the period end: started by
// the period end (or with no start date) and not ended before 1 September.
std::vector<uint32_t> live_activities(const Dataset& ds, uint32_t p, Date year_start, Date period_end) {
  std::vector<uint32_t> out;
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a) {
    const Date start = ds.activities.start[a], end = ds.activities.end[a];
    if (start != kNoDate && start > period_end) continue;
    if (end != kNoDate && end < year_start) continue;
    out.push_back(a);
  }
  return out;
}

void activity_rules(Ctx& c, const NccisRecord& r) {
  const Dataset& ds = c.ds;
  const Activities& A = ds.activities;
  const Period& per = c.sel.period;
  const uint32_t p = r.person;
  const Date dob = ds.people.date_of_birth[p];
  // Dates after the date of send, on any activity of the person.
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a) {
    const Date start = A.start[a], ver = A.verified[a];
    const uint16_t code = reported_code(c.rules, A.code[a]);
    if (start != kNoDate && start > per.date_of_send)
      c.add("NC024", p, "start_date",
            fmt::format("activity {} starts {}, after the date of send {}{}", code, format_date(start),
                        format_date(per.date_of_send), line_of(ds, a)));
    if (ver != kNoDate && ver > per.date_of_send)
      c.add("NC025", p, "verified_date",
            fmt::format("activity {} verified {}, after the date of send {}{}", code, format_date(ver),
                        format_date(per.date_of_send), line_of(ds, a)));
  }
  const auto live = live_activities(ds, p, per.academic_year_start, per.end);
  for (const uint32_t a : live) {
    const Date start = A.start[a], end = A.end[a], ver = A.verified[a], rev = A.review[a];
    const uint16_t code = reported_code(c.rules, A.code[a]);
    const std::string where = line_of(ds, a);
    if (start == kNoDate) {
      c.add("NC020", p, "start_date", fmt::format("activity {} has no start date{}", code, where));
      continue;
    }
    if (end != kNoDate && end < start)
      c.add(
          "NC021", p, "end_date",
          fmt::format("activity {} ends {} before it starts {}{}", code, format_date(end), format_date(start), where));
    if (ver != kNoDate && ver < start)
      c.add("NC022", p, "verified_date",
            fmt::format("activity {} verified {} before it starts {}{}", code, format_date(ver), format_date(start),
                        where));
    if (rev != kNoDate && rev < start)
      c.add("NC023", p, "review_date",
            fmt::format("activity {} review date {} is before its start {}{}", code, format_date(rev),
                        format_date(start), where));
    const int age = academic_age(dob, start);
    const bool pre16 = reported_category(c.rules, A.code[a]) == Category::kPre16;
    if (pre16 && age >= 16)
      c.add("NC030", p, "activity_code",
            fmt::format("pre-16 code {} starts {} at academic age {}{}", code, format_date(start), age, where));
    if (!pre16 && age < 15)
      c.add("NC031", p, "activity_code",
            fmt::format("post-16 code {} starts {} at academic age {}{}", code, format_date(start), age, where));
    if (!pre16 && age == 15) {
      const Date leaving = school_leaving_date(academic_year_of(start));
      if (start < leaving)
        c.add("NC032", p, "activity_code",
              fmt::format("post-16 code {} starts {} in Year 11, before the school leaving date {}{}", code,
                          format_date(start), format_date(leaving), where));
    }
  }
  // Order: pairs of live activities.
  for (size_t i = 0; i < live.size(); ++i) {
    for (size_t j = 0; j < live.size(); ++j) {
      if (i == j) continue;
      const uint32_t a = live[i], b = live[j];
      const Date sa = A.start[a], sb = A.start[b];
      if (sa == kNoDate || sb == kNoDate) continue;
      if (sa < sb && A.end[a] != kNoDate && A.end[a] >= sb && A.end[a] >= A.start[a] && sb >= per.academic_year_start)
        c.add("NC050", p, "end_date",
              fmt::format("activity {} ({} to {}){} was still open when activity {} started {}{}",
                          reported_code(c.rules, A.code[a]), format_date(sa), format_date(A.end[a]), line_of(ds, a),
                          reported_code(c.rules, A.code[b]), format_date(sb), line_of(ds, b)));
      if (sa == sb && i < j)
        c.add("NC051", p, "start_date",
              fmt::format("activities {}{} and {}{} both start {}", reported_code(c.rules, A.code[a]), line_of(ds, a),
                          reported_code(c.rules, A.code[b]), line_of(ds, b), format_date(sa)));
    }
  }
}

void person_rules(Ctx& c, const NccisRecord& r, std::unordered_map<std::string, uint32_t>& upns,
                  std::unordered_map<std::string, uint32_t>& ulns, std::unordered_map<std::string, uint32_t>& ids) {
  const Dataset& ds = c.ds;
  const People& P = ds.people;
  const Period& per = c.sel.period;
  const uint32_t p = r.person;
  const char cs = P.cohort_status[p];
  if (std::string_view("PGATEMDL").find(cs) == std::string_view::npos || cs == 0)
    c.add("NC018", p, "cohort_status",
          fmt::format("cohort status '{}' is not one of P G A T E M D L", printable(std::string_view(&cs, 1))));

  for (const auto& [field, value] :
       {std::pair{"given_name", P.given_name[p]}, std::pair{"family_name", P.family_name[p]}}) {
    if (value.empty()) {
      c.add("NC015", p, field, fmt::format("{} is empty", field));
      continue;
    }
    const std::string bad = rejected_characters(value);
    if (!bad.empty()) c.add("NC016", p, field, fmt::format("{} '{}' contains {}", field, printable(value), bad));
  }

  bool formed = true;
  const std::string ypid = young_persons_id(P.id[p], c.options.database_id, &formed);
  const std::string& db = c.options.database_id;
  if (!formed && db.size() == 3 && db.find_first_not_of("0123456789") == std::string::npos)
    c.add("NC017", p, "person_id",
          fmt::format("person_id '{}' is not 1-10 digits, so it cannot follow DatabaseID {}", printable(P.id[p]),
                      printable(c.options.database_id)));
  if (const auto [it, fresh] = ids.emplace(ypid, p); !fresh)
    c.add("NC014", p, "person_id",
          fmt::format("YoungPersonsID '{}' is also sent for person {}", printable(ypid), printable(P.id[it->second])));
  if (!P.upn[p].empty()) {
    if (const auto [it, fresh] = upns.emplace(std::string(P.upn[p]), p); !fresh)
      c.add("NC012", p, "upn",
            fmt::format("UPN '{}' is also held by person {}", printable(P.upn[p]), printable(P.id[it->second])));
  }
  if (!P.uln[p].empty()) {
    if (const auto [it, fresh] = ulns.emplace(std::string(P.uln[p]), p); !fresh)
      c.add("NC013", p, "uln",
            fmt::format("ULN '{}' is also held by person {}", printable(P.uln[p]), printable(P.id[it->second])));
  }

  if (P.level_of_need[p] == 0) c.add("NC041", p, "level_of_need", "no level of need recorded");
  const auto bit_of = [&](int code) -> uint32_t {
    const auto b = c.rules.characteristic_bit(code);
    return b ? (1u << *b) : 0u;
  };
  const uint32_t chars = P.characteristics[p];
  if ((chars & bit_of(180)) && P.gender[p] == Gender::kMale)
    c.add("NC043", p, "characteristics", "characteristic 180 (pregnant) recorded for gender M");

  // The engine needs a start date on every activity; NC020 reports any that lacks one, and
  // the current-activity checks wait until it is fixed.
  bool undated = false;
  for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e; ++a)
    if (ds.activities.start[a] == kNoDate) undated = true;
  const ReportedActivity ra = undated ? ReportedActivity{} : reported_activity(ds, c.rules, r, per.end);
  if (!undated && (ra.code == 280 || ra.code == 460) && P.sen_status[p] != SenStatus::kEhcPlan)
    c.add("NC040", p, "sen_status",
          fmt::format("current activity {} is for young people with an EHC plan; sen_status is {}", ra.code,
                      sen_code(P.sen_status[p])));
  for (const auto& [code, needed] : {std::pair{620, 140}, std::pair{630, 120}, std::pair{650, 180}}) {
    if (!undated && ra.code == code && !(chars & bit_of(needed)))
      c.add("NC042", p, "characteristics", fmt::format("current activity {} without characteristic {}", code, needed));
  }

  // From the January return: the Year 11 cohort checks with schools run from mid January
  // (domain.md section 6), so in the autumn most Year 11 records are legitimately last year's.
  if (r.academic_age == 15 && per.month >= 1 && per.month <= 8) {
    bool dated = false;
    for (uint32_t a = ds.activity_begin[p], e = ds.activity_begin[p + 1]; a < e && !dated; ++a) {
      for (const Date d : {ds.activities.start[a], ds.activities.verified[a]})
        if (d != kNoDate && d >= per.academic_year_start && d <= per.end) dated = true;
    }
    if (!dated)
      c.add("NC060", p, "activity_code",
            fmt::format("Year 11 pupil with no activity started or verified between {} and {}",
                        format_date(per.academic_year_start), format_date(per.end)));
  }
  if (r.cohort_status == 'T')
    c.add("NC071", p, "cohort_status", "transferred (T): the LA transferred to is not recorded");

  activity_rules(c, r);
}

// Stored intended destinations and offers of a person in the return (NC080-NC082).
void partner_rules(Ctx& c, const NccisRecord& r) {
  if (!c.options.partner) return;
  const uint32_t p = r.person;
  const Period& per = c.sel.period;
  if (!c.options.intended_destination) {
    if (const IntendedDestination* d = stored_destination(*c.options.partner, c.ds.people.id[p], per.academic_year)) {
      if (r.dataset != ReturnDataset::kYear11)
        c.add("NC080", p, "intended_destination",
              fmt::format("intended destination {} stored for {}-{:02} (school {}) but academic age is {}: not sent",
                          d->activity_code, per.academic_year, (per.academic_year + 1) % 100, printable(d->school_id),
                          r.academic_age));
      else if (!intended_destination_code(d->activity_code))
        c.add("NC081", p, "intended_destination",
              fmt::format("intended destination {} has no intended destination code: not sent", d->activity_code));
    }
  }
  for (const GuaranteeOffer* o : record_offers(c.ds, c.sel, r, c.options)) {
    const auto date = parse_date(o->offer_date);
    if (date && *date > per.date_of_send)
      c.add("NC082", p, "offer_date",
            fmt::format("September Guarantee {} offer dated {}, after the date of send {}", o->guarantee_year,
                        format_date(*date), format_date(per.date_of_send)));
  }
}

}  // namespace

std::span<const NccisRule> nccis_rules() { return kRules; }

const NccisRule& nccis_rule(std::string_view id) {
  for (const auto& r : kRules)
    if (r.id == id) return r;
  throw std::out_of_range(fmt::format("no NCCIS rule {}", id));
}

std::vector<NccisIssue> validate_selection(const Dataset& ds, const Rules& rules, const Selection& sel,
                                           std::optional<uint16_t> la, const NccisOptions& options) {
  std::vector<NccisIssue> out;
  Ctx c{ds, rules, sel, options, out};
  return_rules(c, la);
  people_la_codes(c);
  std::unordered_map<std::string, uint32_t> upns, ulns, ids;
  for (const auto& r : sel.records) person_rules(c, r, upns, ulns, ids);
  for (const auto& r : sel.records) partner_rules(c, r);
  const bool included = options.leavers_without_date == LeaverPolicy::kIncludeEveryMonth;
  for (const uint32_t p : sel.leavers_without_date)
    c.add("NC070", p, "cohort_status",
          fmt::format("cohort status {} with no leaving date: {}", ds.people.cohort_status[p],
                      included ? "included in this and every month's return" : "left out of the return"));
  return out;
}

std::vector<NccisIssue> validate_nccis(const Dataset& ds, const Rules& rules, int year, int month,
                                       std::optional<uint16_t> la, const NccisOptions& options) {
  const Selection sel = select_return(ds, year, month, la, options);
  return validate_selection(ds, rules, sel, la, options);
}

size_t count_errors(const std::vector<NccisIssue>& issues) {
  return static_cast<size_t>(
      std::count_if(issues.begin(), issues.end(), [](const NccisIssue& i) { return i.severity == Severity::kError; }));
}

bool has_errors(const std::vector<NccisIssue>& issues) { return count_errors(issues) > 0; }

std::string format_issue(const NccisIssue& i) {
  std::string out = fmt::format("{} {}", severity_name(i.severity), i.rule_id);
  if (!i.person_id.empty()) out += fmt::format(" [{}]", printable(i.person_id));
  if (!i.field.empty()) out += " " + i.field;
  out += ": " + i.message;
  return out;
}

std::string issues_csv(const std::vector<NccisIssue>& issues) {
  std::string out = "rule_id,severity,person_id,field,message\n";
  for (const auto& i : issues)
    out += fmt::format("{},{},{},{},{}\n", i.rule_id, severity_name(i.severity), csv_cell(i.person_id),
                       csv_cell(i.field), csv_cell(i.message));
  return out;
}

nlohmann::ordered_json issues_json(const std::vector<NccisIssue>& issues) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& i : issues) {
    nlohmann::ordered_json j;
    j["rule_id"] = i.rule_id;
    j["severity"] = severity_name(i.severity);
    j["person_id"] = valid_utf8(i.person_id) ? i.person_id : printable(i.person_id);
    j["field"] = i.field;
    j["message"] = valid_utf8(i.message) ? i.message : printable(i.message);
    arr.push_back(std::move(j));
  }
  return arr;
}

}  // namespace pathways::nccis
