#include "nccis/export.h"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

#include "nccis/destinations.h"
#include "nccis/schema.h"

namespace pathways::nccis {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes one code point at s[i]; on malformed input returns kReplacement and consumes one
// byte. Rejects overlong forms, surrogates and values above U+10FFFF.
uint32_t decode(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len;
  uint32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + static_cast<size_t>(len) > s.size()) {
    ++i;
    return kReplacement;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<size_t>(len);
  return cp;
}

bool valid_xml_name(std::string_view n) {
  if (n.empty()) return false;
  const auto first = static_cast<unsigned char>(n[0]);
  if (!(std::isalpha(first) || n[0] == '_')) return false;
  for (const char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return n.substr(0, 3) != "xml" && n.substr(0, 3) != "XML";
}

// A minimal indented writer; element names come only from schema.h.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void open(std::string_view name) {
    indent();
    out_ += '<';
    out_ += name;
    out_ += ">\n";
    ++depth_;
  }
  void close(std::string_view name) {
    --depth_;
    indent();
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  void leaf(std::string_view name, std::string_view text) {
    indent();
    out_ += '<';
    out_ += name;
    out_ += '>';
    out_ += xml_escape(text);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  void leaf(const ElementName& e, std::string_view text) { leaf(e.name, text); }
  void open(const ElementName& e) { open(e.name); }
  void close(const ElementName& e) { close(e.name); }
  void date(const ElementName& e, Date d) {
    if (d != kNoDate) leaf(e.name, format_date(d));
  }
  void optional(const ElementName& e, std::string_view text) {
    if (!text.empty()) leaf(e.name, text);
  }

 private:
  void indent() { out_.append(static_cast<size_t>(depth_) * 2, ' '); }
  std::string& out_;
  int depth_ = 0;
};

std::string la3(uint16_t la) { return fmt::format("{:03}", la); }

std::string_view gender_out(Gender g) {
  switch (g) {
    case Gender::kFemale: return "F";
    case Gender::kMale: return "M";
    case Gender::kUnknown:
    case Gender::kOther: return "U";  // the 2015 codes are F, M, U, W; no code for "other"
  }
  return "U";
}

void write_record(Writer& w, const Dataset& ds, const Rules& rules, const Selection& sel, const NccisRecord& r,
                  uint16_t la, const NccisOptions& o) {
  const People& P = ds.people;
  const uint32_t p = r.person;
  const ReportedActivity ra = reported_activity(ds, rules, r, sel.period.end);
  const std::vector<GuaranteeEntry> guarantee = record_guarantee(ds, sel, r, la, o);

  w.open(el::kYoungPersonsRecord);

  w.open(el::kPersonalDetails);
  w.leaf(el::kYoungPersonsID, young_persons_id(P.id[p], o.database_id));
  w.leaf(el::kCohortStatus, std::string_view(&r.cohort_status, 1));
  w.leaf(el::kGivenName, P.given_name[p]);
  w.leaf(el::kFamilyName, P.family_name[p]);
  w.optional(el::kPostcode, P.postcode[p]);
  w.leaf(el::kGender, gender_out(P.gender[p]));
  w.date(el::kDOB, P.date_of_birth[p]);
  if (P.ethnicity[p] != kNoIndex) w.optional(el::kEthnicity, ds.ethnicities[P.ethnicity[p]]);
  w.leaf(el::kLeadLEA, la3(la));
  w.optional(el::kUniqueLearnerNo, P.uln[p]);
  w.optional(el::kUniquePupilNumber, P.upn[p]);
  if (r.cohort_status == 'G' || !guarantee.empty()) w.leaf(el::kGuaranteeStatusIndicator, "Y");
  w.close(el::kPersonalDetails);

  if (!guarantee.empty()) {
    w.open(el::kSeptemberGuarantee);
    for (const int yg : {11, 12}) {
      for (const auto& g : guarantee) {
        if (g.year_group != yg) continue;
        const ElementName& node = yg == 11 ? el::kYear11 : el::kYear12;
        w.open(node);
        w.leaf(el::kGuaranteeStatus, fmt::format("{}", g.status));
        w.leaf(el::kLEACode, la3(g.la));
        w.close(node);
        break;  // one entry per year group
      }
    }
    w.close(el::kSeptemberGuarantee);
  }

  w.open(el::kLevelOfNeed);
  if (P.level_of_need[p] != 0) w.leaf(el::kLevelOfNeedCode, fmt::format("{}", P.level_of_need[p]));
  w.leaf(el::kSENDFlag, P.sen_status[p] == SenStatus::kEhcPlan ? "Y" : "N");
  w.leaf(el::kSENSupportFlag, P.sen_status[p] == SenStatus::kSenSupport ? "Y" : "N");
  if (const uint32_t chars = P.characteristics[p]; chars != 0) {
    w.open(el::kCharacteristics);
    for (size_t b = 0; b < rules.characteristics().size() && b < 32; ++b)
      if (chars & (1u << b)) w.leaf(el::kCharacteristicCode, fmt::format("{}", rules.characteristics()[b].code));
    w.close(el::kCharacteristics);
  }
  w.close(el::kLevelOfNeed);

  w.open(el::kActivities);
  w.open(el::kCohort);
  w.leaf(el::kActivityCode, fmt::format("{}", ra.code));
  w.date(el::kStartDate, ra.start);
  w.date(el::kDateAscertained, ra.ascertained);
  w.date(el::kDateVerified, ra.verified);
  w.date(el::kReviewDate, ra.review);
  w.date(el::kDueToLapseDate, ra.due_to_lapse);
  w.leaf(el::kCurrencyLapsed, "N");  // the reported activity is current on the period end by construction
  w.date(el::kNEETStartDate, ra.neet_start);
  w.date(el::kPredictedEndDate, ra.predicted_end);
  w.close(el::kCohort);
  w.close(el::kActivities);

  if (const auto dest = record_destination(ds, sel, r, o)) {
    w.open(el::kIntendedDestination);
    w.leaf(el::kIntendedDestinationYr11, fmt::format("{}", *dest));
    w.close(el::kIntendedDestination);
  }

  if (o.extensions) {
    w.open(el::kPathwaysExtensions);
    w.leaf(el::kReturnDataset, return_dataset_name(r.dataset));
    w.date(el::kLeavingDate, r.left_on);
    if (ra.neet) w.optional(el::kNEETReason, ra.neet_reason);
    w.close(el::kPathwaysExtensions);
  }

  w.close(el::kYoungPersonsRecord);
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  size_t i = 0;
  while (i < text.size()) {
    const uint32_t cp = decode(text, i);
    switch (cp) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\t': out += "&#9;"; continue;
      case '\n': out += "&#10;"; continue;
      case '\r': out += "&#13;"; continue;
      default: break;
    }
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
      append_utf8(out, kReplacement);
    else
      append_utf8(out, cp);
  }
  return out;
}

std::string nccis_xml(const Dataset& ds, const Rules& rules, const Selection& sel, uint16_t la, const NccisOptions& o) {
  const std::string_view root = o.root_element.empty() ? el::kRoot.name : std::string_view(o.root_element);
  if (!valid_xml_name(root))
    throw std::invalid_argument(fmt::format("root element '{}' is not a valid XML name", xml_escape(root)));
  std::string out;
  out.reserve(256 + sel.records.size() * 1200);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  Writer w(out);
  w.open(root);
  w.open(el::kFileHeader);
  if (!o.database_id.empty()) {
    w.open(el::kDatabases);
    w.leaf(el::kDatabaseId, o.database_id);
    w.close(el::kDatabases);
  }
  w.open(el::kSourceLEAs);
  w.leaf(el::kLEACode, la3(la));
  w.close(el::kSourceLEAs);
  w.date(el::kDateOfSend, sel.period.date_of_send);
  w.date(el::kPeriodEnd, sel.period.end);
  w.leaf(el::kSupplierName, o.supplier_name);
  w.leaf(el::kSupplierXMLVersion, o.supplier_version);
  w.leaf(el::kXMLSchemaVersion, kLayoutVersion);
  w.close(el::kFileHeader);
  for (const auto& r : sel.records) write_record(w, ds, rules, sel, r, la, o);
  w.close(root);
  return out;
}

std::string nccis_xml(const Dataset& ds, const Rules& rules, int year, int month, uint16_t la,
                      const NccisOptions& options) {
  return nccis_xml(ds, rules, select_return(ds, year, month, la, options), la, options);
}

NccisResult build_nccis(const Dataset& ds, const Rules& rules, int year, int month, uint16_t la,
                        const NccisOptions& options) {
  const Selection sel = select_return(ds, year, month, la, options);
  NccisResult res;
  res.issues = validate_selection(ds, rules, sel, la, options);
  res.records = sel.records.size();
  for (const auto& r : sel.records)
    if (r.dataset == ReturnDataset::kLeaver) ++res.leavers;
  res.errors = count_errors(res.issues);
  res.warnings = res.issues.size() - res.errors;
  if (res.errors == 0) res.xml = nccis_xml(ds, rules, sel, la, options);
  return res;
}

}  // namespace pathways::nccis
