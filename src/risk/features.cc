#include "risk/features.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "report/render.h"

namespace pathways::risk {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Plain words of each yes/no column of indicators.csv (indicator_flag_names() order).
const char* flag_words(std::string_view flag) {
  if (flag == "fsm") return "free school meals";
  if (flag == "eal") return "English as an additional language";
  if (flag == "cin") return "child in need";
  if (flag == "cp_plan") return "child protection plan";
  if (flag == "young_carer") return "young carer";
  if (flag == "home_instability") return "home instability";
  if (flag == "mental_health") return "mental health or wellbeing concern";
  if (flag == "camhs") return "known to CAMHS";
  if (flag == "substance_misuse") return "substance misuse";
  if (flag == "physical_health") return "physical health needs";
  if (flag == "missed_education") return "missed education";
  if (flag == "ehe") return "electively home educated";
  if (flag == "ap_pru") return "attended alternative provision or a PRU";
  return "indicator";
}

// people.csv characteristics used as features: name, codes (any of), words.
struct CharacteristicFeature {
  const char* name;
  std::vector<int> codes;
  const char* words;
  bool parenthood;
};
const std::vector<CharacteristicFeature>& characteristic_features() {
  static const std::vector<CharacteristicFeature> list = {
      {"care_experienced", {110, 160}, "looked after or care experienced", false},
      {"youth_justice", {170}, "youth justice involvement", false},
      {"char_young_carer", {140}, "young carer (people record)", false},
      {"char_substance_misuse", {150}, "substance misuse (people record)", false},
      {"char_alternative_provision", {200}, "alternative provision (people record)", false},
      {"char_mental_health", {210}, "mental health (people record)", false},
      {"refugee", {130}, "refugee or asylum seeker", false},
      {"young_parent", {120, 190}, "young parent", true},
      {"pregnant", {180}, "pregnant", true},
  };
  return list;
}

const char* const kEthnicGroups[] = {"Mixed", "Asian", "Black", "Other", "Unknown"};  // White = baseline

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string number(float v) {
  if (std::fabs(v - std::round(v)) < 0.05f) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

std::string with_when(const std::string& s, const std::string& when) { return when.empty() ? s : s + " " + when; }

}  // namespace

std::string_view ethnicity_group(std::string_view code) {
  if (code.empty() || code == "REFU" || code == "NOBT") return "Unknown";
  switch (code[0]) {
    case 'W': return "White";
    case 'M': return "Mixed";
    case 'A': return "Asian";
    case 'B': return "Black";
    default: return "Other";
  }
}

std::vector<FeatureInfo> feature_infos(const FeatureOptions& options) {
  std::vector<FeatureInfo> f;
  for (int yg = 9; yg <= 11; ++yg) {
    const std::string p = fmt::format("y{}_", yg), when = fmt::format("in Year {}", yg);
    f.push_back({p + "record", FeatureKind::kPresence, fmt::format("Year {} record", yg), ""});
    f.push_back({p + "attendance_pct", FeatureKind::kPercent, "attendance", when});
    f.push_back({p + "persistent_absence", FeatureKind::kFlag, "persistent absence (attendance below 90%)", when});
    f.push_back({p + "suspensions", FeatureKind::kCount, "suspension", when});
    f.push_back({p + "permanent_exclusions", FeatureKind::kCount, "permanent exclusion", when});
    for (std::string_view flag : indicator_flag_names())
      f.push_back({p + std::string(flag), FeatureKind::kFlag, flag_words(flag), when});
    f.push_back({p + "attainment_band", FeatureKind::kBand, "attainment", when});
  }
  f.push_back({"male", FeatureKind::kFlag, "male", ""});
  f.push_back({"sen_support", FeatureKind::kFlag, "SEN support", ""});
  f.push_back({"ehc_plan", FeatureKind::kFlag, "education, health and care plan", ""});
  for (const char* g : kEthnicGroups)
    f.push_back({fmt::format("ethnicity_{}", g), FeatureKind::kFlag, fmt::format("ethnicity group {}", g), ""});
  for (const auto& c : characteristic_features())
    if (!c.parenthood || options.parenthood) f.push_back({c.name, FeatureKind::kFlag, c.words, ""});
  f.push_back({"school_fsm_share", FeatureKind::kShare, "free school meals", "in Year 11"});
  f.push_back({"school_mean_attendance", FeatureKind::kMean, "attendance", "in Year 11"});
  f.push_back({"school_persistent_absence_share", FeatureKind::kShare, "attendance below 90%", "in Year 11"});
  return f;
}

std::string describe(const FeatureInfo& f, float v) {
  const bool missing = std::isnan(v);
  switch (f.kind) {
    case FeatureKind::kPresence:
      return v > 0.5f ? f.what + " present" : "No " + f.what;
    case FeatureKind::kPercent:
      if (missing) return with_when("No " + f.what + " recorded", f.when);
      return capitalised(with_when(f.what, f.when)) + " was " + number(v) + "%";
    case FeatureKind::kCount:
      if (missing) return with_when("No record of " + f.what + "s", f.when);
      if (v < 0.5f) return with_when("No " + f.what + "s", f.when);
      if (v < 1.5f) return with_when("1 " + f.what, f.when);
      return with_when(number(v) + " " + f.what + "s", f.when);
    case FeatureKind::kFlag:
      if (missing) return with_when("No record of " + f.what, f.when);
      if (f.name == "male") return v > 0.5f ? "Male" : "Female or another gender";
      return v > 0.5f ? capitalised(with_when(f.what, f.when)) : capitalised(with_when(f.what + " not recorded", f.when));
    case FeatureKind::kBand: {
      if (missing) return with_when("No attainment band recorded", f.when);
      const char* band = v < 1.5f ? "Low" : v < 2.5f ? "Middle" : "High";
      return with_when(std::string(band) + " " + f.what, f.when);
    }
    case FeatureKind::kShare:
      if (missing) return "School not known " + f.when;
      return fmt::format("At a school where {}% of pupils had {} ({})", number(v), f.what, f.when.substr(3));
    case FeatureKind::kMean:
      if (missing) return "School not known " + f.when;
      return fmt::format("At a school with mean {} of {}% ({})", f.what, number(v), f.when.substr(3));
  }
  return f.name;
}

FeatureMatrix build_features(const Dataset& ds, const Rules& rules, std::span<const uint32_t> person,
                             std::span<const uint32_t> year11_row, const FeatureOptions& options) {
  if (person.size() != year11_row.size()) throw std::invalid_argument("build_features: one Year 11 row per person");
  const std::vector<FeatureInfo> infos = feature_infos(options);
  FeatureMatrix m;
  m.rows = person.size();
  m.cols = infos.size();
  for (const auto& f : infos) m.names.push_back(f.name);
  m.values.assign(m.rows * m.cols, kMissing);

  const Indicators& I = ds.indicators;
  const People& P = ds.people;
  const size_t n_flags = indicator_flag_names().size();

  // Indicator rows grouped by person (counting sort), to find Years 9 and 10.
  std::vector<uint32_t> begin(P.size() + 1, 0), rows(I.size());
  for (size_t r = 0; r < I.size(); ++r) ++begin[I.person[r] + 1];
  for (size_t p = 0; p < P.size(); ++p) begin[p + 1] += begin[p];
  {
    std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
    for (size_t r = 0; r < I.size(); ++r) rows[next[I.person[r]]++] = static_cast<uint32_t>(r);
  }

  // School context per (school, academic year), over every indicators row.
  struct SchoolYear {
    double n = 0, fsm = 0, att_sum = 0, att_n = 0, below90 = 0;
  };
  std::unordered_map<uint64_t, SchoolYear> context;
  for (size_t r = 0; r < I.size(); ++r) {
    if (I.school[r] == kNoIndex) continue;
    SchoolYear& s = context[(static_cast<uint64_t>(I.school[r]) << 16) | I.academic_year[r]];
    s.n += 1;
    s.fsm += (I.flags[r] & 1u) ? 1 : 0;  // bit 0 = fsm
    if (!std::isnan(I.attendance_pct[r])) {
      s.att_sum += I.attendance_pct[r];
      s.att_n += 1;
      s.below90 += I.attendance_pct[r] < 90.0f ? 1 : 0;
    }
  }

  // Characteristic bits.
  std::vector<uint32_t> char_mask;
  for (const auto& c : characteristic_features()) {
    if (c.parenthood && !options.parenthood) continue;
    uint32_t mask = 0;
    for (int code : c.codes)
      if (auto bit = rules.characteristic_bit(code)) mask |= 1u << *bit;
    char_mask.push_back(mask);
  }

  for (size_t i = 0; i < m.rows; ++i) {
    float* x = &m.values[i * m.cols];
    const uint32_t p = person[i], r11 = year11_row[i];
    const int year = I.academic_year[r11];
    size_t c = 0;
    for (int yg = 9; yg <= 11; ++yg) {
      uint32_t row = kNoIndex;
      if (yg == 11) {
        row = r11;
      } else {
        for (uint32_t k = begin[p]; k < begin[p + 1]; ++k) {
          const uint32_t r = rows[k];
          if (I.year_group[r] == yg && I.academic_year[r] == year - (11 - yg)) {
            row = r;
            break;
          }
        }
      }
      x[c++] = row != kNoIndex ? 1.0f : 0.0f;
      if (row == kNoIndex) {
        c += 4 + n_flags + 1;  // all missing
        continue;
      }
      const float att = I.attendance_pct[row];
      x[c++] = att;
      x[c++] = std::isnan(att) ? kMissing : att < 90.0f ? 1.0f : 0.0f;
      x[c++] = static_cast<float>(I.suspensions[row]);
      x[c++] = static_cast<float>(I.permanent_exclusions[row]);
      for (size_t b = 0; b < n_flags; ++b) x[c++] = (I.flags[row] >> b) & 1u ? 1.0f : 0.0f;
      x[c++] = I.attainment_band[row] == 0 ? kMissing : static_cast<float>(I.attainment_band[row]);
    }
    x[c++] = P.gender[p] == Gender::kMale ? 1.0f : 0.0f;
    x[c++] = P.sen_status[p] == SenStatus::kSenSupport ? 1.0f : 0.0f;
    x[c++] = P.sen_status[p] == SenStatus::kEhcPlan ? 1.0f : 0.0f;
    const std::string_view group =
        ethnicity_group(P.ethnicity[p] == kNoIndex ? std::string_view() : ds.ethnicities[P.ethnicity[p]]);
    for (const char* g : kEthnicGroups) x[c++] = group == g ? 1.0f : 0.0f;
    for (uint32_t mask : char_mask) x[c++] = (P.characteristics[p] & mask) ? 1.0f : 0.0f;
    if (I.school[r11] != kNoIndex) {
      const auto it = context.find((static_cast<uint64_t>(I.school[r11]) << 16) | I.academic_year[r11]);
      const SchoolYear& s = it->second;
      x[c++] = static_cast<float>(100.0 * s.fsm / s.n);
      x[c++] = s.att_n > 0 ? static_cast<float>(s.att_sum / s.att_n) : kMissing;
      x[c++] = s.att_n > 0 ? static_cast<float>(100.0 * s.below90 / s.att_n) : kMissing;
    } else {
      c += 3;
    }
    if (c != m.cols) throw std::logic_error("build_features: column count mismatch");
  }
  return m;
}

std::string features_csv(const FeatureMatrix& m, const std::vector<std::string>& person_id,
                         const std::vector<int>& cohort, const std::vector<int>& y) {
  std::string out = "person_id,cohort,neet";
  for (const auto& n : m.names) out += "," + n;
  out += "\n";
  for (size_t r = 0; r < m.rows; ++r) {
    out += csv_cell(person_id[r]);
    out += fmt::format(",{},{}", cohort[r], y[r]);
    for (size_t c = 0; c < m.cols; ++c) {
      const float v = m.at(r, c);
      out += ',';
      if (!std::isnan(v)) out += fmt::format("{}", v);
    }
    out += '\n';
  }
  return out;
}

}  // namespace pathways::risk
