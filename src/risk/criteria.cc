#include "risk/criteria.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pathways::risk {

extern const std::string_view kDefaultRoniJson;

std::string_view rag_name(Rag r) {
  switch (r) {
    case Rag::kRed: return "red";
    case Rag::kAmber: return "amber";
    case Rag::kGreen: break;
  }
  return "green";
}

namespace {
// What a criterion reads.
enum class Kind : uint8_t { kAttendance, kSuspensions, kExclusions, kFlag, kSen, kGender, kBand, kCharacteristic };
}  // namespace

// A criterion resolved against the rules, ready to test rows with.
struct CompiledCriterion {
  Kind kind = Kind::kFlag;
  double threshold = 0;
  uint32_t mask = 0;    // flag bit; set of SEN / gender / band values; characteristic bits
  int supersedes = -1;  // index of the criterion this one replaces
};

namespace {

using nlohmann::json;
using Compiled = CompiledCriterion;

[[noreturn]] void fail(std::string_view origin, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", origin, what));
}

// The values of a ';'-separated list, trimmed, empty items dropped.
std::vector<std::string_view> split_values(std::string_view s) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(';', b);
    if (e == std::string_view::npos) e = s.size();
    std::string_view item = s.substr(b, e - b);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    b = e + 1;
  }
  return out;
}

int flag_index(std::string_view field) {
  const auto& names = indicator_flag_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == field) return static_cast<int>(i);
  return -1;
}

std::optional<Kind> kind_of(std::string_view field) {
  if (field == "attendance_pct") return Kind::kAttendance;
  if (field == "suspensions") return Kind::kSuspensions;
  if (field == "permanent_exclusions") return Kind::kExclusions;
  if (field == "sen_status") return Kind::kSen;
  if (field == "gender") return Kind::kGender;
  if (field == "attainment_band") return Kind::kBand;
  if (field == "characteristic") return Kind::kCharacteristic;
  if (flag_index(field) >= 0) return Kind::kFlag;
  return std::nullopt;
}

std::string known_fields() {
  std::string s = "attendance_pct, suspensions, permanent_exclusions, sen_status, gender, attainment_band, characteristic";
  for (auto f : indicator_flag_names()) s += fmt::format(", {}", f);
  return s;
}

// The code a value of a coded field stands for (the enum value), or -1.
int sen_value(std::string_view v) {
  if (v == "N") return static_cast<int>(SenStatus::kNone);
  if (v == "K") return static_cast<int>(SenStatus::kSenSupport);
  if (v == "E") return static_cast<int>(SenStatus::kEhcPlan);
  return -1;
}
int gender_value(std::string_view v) {
  if (v == "U") return static_cast<int>(Gender::kUnknown);
  if (v == "F") return static_cast<int>(Gender::kFemale);
  if (v == "M") return static_cast<int>(Gender::kMale);
  if (v == "X") return static_cast<int>(Gender::kOther);
  return -1;
}
int band_value(std::string_view v) {
  if (v == "low") return 1;
  if (v == "middle") return 2;
  if (v == "high") return 3;
  return -1;
}
int characteristic_value(std::string_view v) {
  if (v.size() != 3 || v.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  return (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A whole number held in a JSON value (3 or 3.0), or nullopt.
std::optional<int64_t> whole_number(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e9) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}


std::vector<Compiled> compile(const Criteria& c, const Rules& rules) {
  std::vector<Compiled> out(c.indicators.size());
  for (size_t i = 0; i < c.indicators.size(); ++i) {
    const Criterion& k = c.indicators[i];
    Compiled& x = out[i];
    const auto kind = kind_of(k.field);
    if (!kind) throw std::runtime_error(fmt::format("RONI indicator '{}': unknown field '{}'", k.id, k.field));
    x.kind = *kind;
    x.threshold = k.threshold;
    switch (x.kind) {
      case Kind::kFlag: x.mask = 1u << flag_index(k.field); break;
      case Kind::kSen:
        for (auto v : split_values(k.value))
          if (int s = sen_value(v); s >= 0) x.mask |= 1u << s;
        break;
      case Kind::kGender:
        for (auto v : split_values(k.value))
          if (int s = gender_value(v); s >= 0) x.mask |= 1u << s;
        break;
      case Kind::kBand:
        for (auto v : split_values(k.value))
          if (int s = band_value(v); s >= 0) x.mask |= 1u << s;
        break;
      case Kind::kCharacteristic:
        // A code the rules do not know can never be held by anyone: it never fires.
        for (auto v : split_values(k.value))
          if (int code = characteristic_value(v); code >= 0)
            if (auto bit = rules.characteristic_bit(code)) x.mask |= 1u << *bit;
        break;
      default: break;
    }
    if (!k.supersedes.empty())
      for (size_t j = 0; j < c.indicators.size(); ++j)
        if (c.indicators[j].id == k.supersedes) x.supersedes = static_cast<int>(j);
  }
  return out;
}

// "84.2%": up to two decimals, trailing zeros dropped.
std::string format_pct(float v) {
  std::string s = fmt::format("{:.2f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + "%";
}

std::string plural(int n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The indicators whose condition holds for row `r`, before supersedes.
std::vector<Fired> conditions(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                              const std::vector<Compiled>& compiled, uint32_t r) {
  std::vector<Fired> fired;
  const Indicators& I = ds.indicators;
  const People& P = ds.people;
  const uint32_t p = I.person[r];
  const int year = I.academic_year[r];
  for (size_t i = 0; i < compiled.size(); ++i) {
    const Compiled& x = compiled[i];
    Fired f;
    f.criterion = static_cast<uint16_t>(i);
    f.academic_year = year;
    bool on = false;
    switch (x.kind) {
      case Kind::kAttendance: {
        const float a = I.attendance_pct[r];
        if (!std::isnan(a) && static_cast<double>(a) < x.threshold) {
          on = true;
          f.value = format_pct(a);
        }
        break;
      }
      case Kind::kSuspensions:
        if (I.suspensions[r] >= x.threshold) {
          on = true;
          f.value = plural(I.suspensions[r], "suspension", "suspensions");
        }
        break;
      case Kind::kExclusions:
        if (I.permanent_exclusions[r] >= x.threshold) {
          on = true;
          f.value = plural(I.permanent_exclusions[r], "permanent exclusion", "permanent exclusions");
        }
        break;
      case Kind::kFlag:
        if (I.flags[r] & x.mask) {
          on = true;
          f.value = "Y";
        }
        break;
      case Kind::kBand:
        if (I.attainment_band[r] != 0 && (x.mask >> I.attainment_band[r]) & 1u) {
          on = true;
          static constexpr std::string_view kBands[] = {"", "low", "middle", "high"};
          f.value = std::string(kBands[I.attainment_band[r] & 3]);
        }
        break;
      case Kind::kSen:
        if ((x.mask >> static_cast<int>(P.sen_status[p])) & 1u) {
          on = true;
          f.value = std::string(sen_code(P.sen_status[p]));
          f.academic_year = 0;
        }
        break;
      case Kind::kGender:
        if ((x.mask >> static_cast<int>(P.gender[p])) & 1u) {
          on = true;
          f.value = std::string(gender_code(P.gender[p]));
          f.academic_year = 0;
        }
        break;
      case Kind::kCharacteristic:
        if (const uint32_t held = P.characteristics[p] & x.mask) {
          on = true;
          const auto& chars = rules.characteristics();
          for (size_t b = 0; b < chars.size() && b < 32; ++b)
            if ((held >> b) & 1u) f.value += (f.value.empty() ? "" : ";") + std::to_string(chars[b].code);
          f.academic_year = 0;
        }
        break;
    }
    if (on) fired.push_back(std::move(f));
  }
  (void)criteria;
  return fired;
}

PupilScore score(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                 const std::vector<Compiled>& compiled, uint32_t r) {
  PupilScore s;
  const Indicators& I = ds.indicators;
  s.person = I.person[r];
  s.indicator_row = r;
  s.year_group = I.year_group[r];
  s.school = I.school[r];
  std::vector<Fired> present = conditions(ds, rules, criteria, compiled, r);
  // A ladder: the higher rung replaces the lower ones it names (directly or through a chain
  // of rungs that hold too).
  std::vector<char> holds(compiled.size(), 0), replaced(compiled.size(), 0);
  for (const Fired& f : present) holds[f.criterion] = 1;
  for (const Fired& f : present)
    if (int j = compiled[f.criterion].supersedes; j >= 0 && holds[j]) replaced[j] = 1;
  for (Fired& f : present) {
    if (replaced[f.criterion]) continue;
    const Criterion& k = criteria.indicators[f.criterion];
    s.score += k.points;
    if (k.always_include) s.by_group = true;
    s.fired.push_back(std::move(f));
  }
  s.rag = criteria.rag_of(s.score);
  return s;
}

}  // namespace

Criteria Criteria::from_json(std::string_view text, std::string_view origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail(origin, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) fail(origin, "expected a JSON object with version, red, amber and indicators");
  static const std::set<std::string> kTop = {"version", "description", "red", "amber", "year_groups",
                                             "register_dates", "indicators"};
  for (const auto& [key, v] : j.items())
    if (!kTop.count(key) && key.rfind('_', 0) != 0)
      fail(origin, fmt::format("unknown key '{}' (expected version, description, red, amber, year_groups, "
                               "register_dates, indicators; keys starting with '_' are comments)",
                               key));

  Criteria c;
  if (!j.contains("version") || !j["version"].is_string() || j["version"].get<std::string>().empty())
    fail(origin, "version: expected a non-empty text naming this set of criteria, e.g. \"our-la-2026-1\"");
  c.version = j["version"].get<std::string>();

  for (const char* key : {"red", "amber"}) {
    if (!j.contains(key)) fail(origin, fmt::format("{}: missing (the score cut-off, a whole number)", key));
    const auto n = whole_number(j[key]);
    if (!n || *n < 1 || *n > 1000) fail(origin, fmt::format("{}: expected a whole number from 1 to 1000, got {}", key, j[key].dump()));
    (std::string_view(key) == "red" ? c.red : c.amber) = static_cast<int>(*n);
  }
  if (c.red <= c.amber) fail(origin, fmt::format("red ({}) must be greater than amber ({})", c.red, c.amber));

  if (j.contains("year_groups")) {
    const json& yg = j["year_groups"];
    if (!yg.is_array() || yg.empty()) fail(origin, "year_groups: expected a non-empty list of year groups, e.g. [8, 9, 10, 11]");
    c.year_groups.clear();
    for (const json& v : yg) {
      const auto n = whole_number(v);
      if (!n || *n < 1 || *n > 14) fail(origin, fmt::format("year_groups: {} is not a year group from 1 to 14", v.dump()));
      if (std::find(c.year_groups.begin(), c.year_groups.end(), *n) != c.year_groups.end())
        fail(origin, fmt::format("year_groups: {} listed twice", *n));
      c.year_groups.push_back(static_cast<int>(*n));
    }
    std::sort(c.year_groups.begin(), c.year_groups.end());
  }

  if (j.contains("register_dates")) {
    const json& rd = j["register_dates"];
    if (!rd.is_array() || rd.empty()) fail(origin, "register_dates: expected a non-empty list of MM-DD dates, e.g. [\"11-01\", \"03-01\"]");
    c.register_dates.clear();
    for (const json& v : rd) {
      const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
      int m = 0, d = 0;
      const bool shape = v.is_string() && s.size() == 5 && s[2] == '-' &&
                         std::isdigit(static_cast<unsigned char>(s[0])) && std::isdigit(static_cast<unsigned char>(s[1])) &&
                         std::isdigit(static_cast<unsigned char>(s[3])) && std::isdigit(static_cast<unsigned char>(s[4]));
      if (shape) {
        m = (s[0] - '0') * 10 + (s[1] - '0');
        d = (s[3] - '0') * 10 + (s[4] - '0');
      }
      if (!shape || m < 1 || m > 12 || d < 1 || d > days_in_month(2024, m))
        fail(origin, fmt::format("register_dates: '{}' is not a day of the year in the form MM-DD", s));
      c.register_dates.push_back(s);
    }
  }

  if (!j.contains("indicators") || !j["indicators"].is_array() || j["indicators"].empty())
    fail(origin, "indicators: expected a non-empty list of indicators");
  static const std::set<std::string> kKeys = {"id", "label", "field", "threshold", "value", "points",
                                              "always_include", "supersedes", "description", "note"};
  size_t index = 0;
  for (const json& e : j["indicators"]) {
    std::string where = fmt::format("indicators[{}]", index++);
    if (!e.is_object()) fail(origin, fmt::format("{}: expected an object", where));
    Criterion k;
    if (!e.contains("id") || !e["id"].is_string() || !valid_id(e["id"].get<std::string>()))
      fail(origin, fmt::format("{}: id: expected a short key of lower-case letters, digits, '_' or '-', got {}", where,
                               e.contains("id") ? e["id"].dump() : "nothing"));
    k.id = e["id"].get<std::string>();
    where += fmt::format(" (id '{}')", k.id);
    for (const auto& [key, v] : e.items())
      if (!kKeys.count(key) && key.rfind('_', 0) != 0)
        fail(origin, fmt::format("{}: unknown key '{}' (expected id, label, field, threshold, value, points, "
                                 "always_include, supersedes)",
                                 where, key));
    for (const Criterion& other : c.indicators)
      if (other.id == k.id) fail(origin, fmt::format("{}: id '{}' listed twice", where, k.id));
    if (!e.contains("label") || !e["label"].is_string() || e["label"].get<std::string>().empty())
      fail(origin, fmt::format("{}: label: expected a non-empty text for people", where));
    k.label = e["label"].get<std::string>();
    if (!e.contains("field") || !e["field"].is_string())
      fail(origin, fmt::format("{}: field: missing; expected one of {}", where, known_fields()));
    k.field = e["field"].get<std::string>();
    const auto kind = kind_of(k.field);
    if (!kind) fail(origin, fmt::format("{}: unknown field '{}'; expected one of {}", where, k.field, known_fields()));

    // threshold: attendance (fires below it) and the two counts (fire at or above it).
    const bool has_threshold = e.contains("threshold");
    if (*kind == Kind::kAttendance) {
      if (!has_threshold || !e["threshold"].is_number())
        fail(origin, fmt::format("{}: threshold: attendance_pct needs a percentage; the indicator fires below it", where));
      k.threshold = e["threshold"].get<double>();
      if (!(k.threshold > 0 && k.threshold <= 100))
        fail(origin, fmt::format("{}: threshold: {} is not a percentage above 0 and at most 100", where, k.threshold));
    } else if (*kind == Kind::kSuspensions || *kind == Kind::kExclusions) {
      k.threshold = 1;
      if (has_threshold) {
        const auto n = whole_number(e["threshold"]);
        if (!n || *n < 1 || *n > 1000)
          fail(origin, fmt::format("{}: threshold: expected a whole count from 1 to 1000 (fires at or above it), got {}",
                                   where, e["threshold"].dump()));
        k.threshold = static_cast<double>(*n);
      }
    } else if (has_threshold) {
      fail(origin, fmt::format("{}: threshold is only for attendance_pct, suspensions and permanent_exclusions", where));
    }

    // value: the codes a coded field is compared with.
    const bool coded = *kind == Kind::kSen || *kind == Kind::kGender || *kind == Kind::kBand ||
                       *kind == Kind::kCharacteristic;
    if (coded) {
      if (!e.contains("value") || !e["value"].is_string() || split_values(e["value"].get<std::string>()).empty())
        fail(origin, fmt::format("{}: value: {} needs the code(s) it fires on, several separated by ';'", where, k.field));
      k.value = e["value"].get<std::string>();
      for (auto v : split_values(k.value)) {
        int ok = -1;
        std::string_view expected;
        switch (*kind) {
          case Kind::kSen: ok = sen_value(v); expected = "N, K or E"; break;
          case Kind::kGender: ok = gender_value(v); expected = "F, M, X or U"; break;
          case Kind::kBand: ok = band_value(v); expected = "low, middle or high"; break;
          default: ok = characteristic_value(v); expected = "a 3-digit characteristic code such as 110"; break;
        }
        if (ok < 0) fail(origin, fmt::format("{}: value: '{}' is not a {} code; expected {}", where, v, k.field, expected));
      }
    } else if (e.contains("value")) {
      fail(origin, fmt::format("{}: value is only for sen_status, gender, attainment_band and characteristic", where));
    }

    if (e.contains("points")) {
      const auto n = whole_number(e["points"]);
      if (!n || *n < 0 || *n > 100)
        fail(origin, fmt::format("{}: points: expected a whole number from 0 to 100, got {}", where, e["points"].dump()));
      k.points = static_cast<int>(*n);
    }
    if (e.contains("always_include")) {
      if (!e["always_include"].is_boolean())
        fail(origin, fmt::format("{}: always_include: expected true or false", where));
      k.always_include = e["always_include"].get<bool>();
    }
    if (e.contains("supersedes")) {
      if (!e["supersedes"].is_string()) fail(origin, fmt::format("{}: supersedes: expected the id of another indicator", where));
      k.supersedes = e["supersedes"].get<std::string>();
      if (k.supersedes == k.id) fail(origin, fmt::format("{}: supersedes itself", where));
    }
    c.indicators.push_back(std::move(k));
  }
  if (c.indicators.size() > UINT16_MAX) fail(origin, "indicators: too many");

  // Ladders: every "supersedes" names a known indicator, no loops, and an always-include
  // group is never silently replaced by an indicator that is not one.
  for (const Criterion& k : c.indicators) {
    if (k.supersedes.empty()) continue;
    const auto it = std::find_if(c.indicators.begin(), c.indicators.end(),
                                 [&](const Criterion& o) { return o.id == k.supersedes; });
    if (it == c.indicators.end())
      fail(origin, fmt::format("indicator '{}': supersedes '{}', which is not an indicator id", k.id, k.supersedes));
    if (it->always_include && !k.always_include)
      fail(origin, fmt::format("indicator '{}': supersedes '{}', an always-include group, but is not always_include "
                               "itself (a member would drop off the list)",
                               k.id, k.supersedes));
    std::string at = k.supersedes;
    for (size_t steps = 0; !at.empty(); ++steps) {
      if (at == k.id || steps > c.indicators.size())
        fail(origin, fmt::format("indicator '{}': supersedes forms a loop", k.id));
      const auto next = std::find_if(c.indicators.begin(), c.indicators.end(),
                                     [&](const Criterion& o) { return o.id == at; });
      at = next == c.indicators.end() ? "" : next->supersedes;
    }
  }
  return c;
}

Criteria Criteria::load(const std::string& path) {
  if (path.empty()) return defaults();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read the RONI criteria file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return from_json(ss.str(), path);
}

const Criteria& Criteria::defaults() {
  static const Criteria c = from_json(kDefaultRoniJson, "data/roni.json (built in)");
  return c;
}

std::vector<PupilScore> score_year(const Dataset& ds, const Rules& rules, const Criteria& criteria,
                                   int academic_year, const ScoreFilter& filter) {
  const std::vector<Compiled> compiled = compile(criteria, rules);
  const Indicators& I = ds.indicators;
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < I.size(); ++r) {
    if (I.academic_year[r] != academic_year) continue;
    const int yg = I.year_group[r];
    if (std::find(criteria.year_groups.begin(), criteria.year_groups.end(), yg) == criteria.year_groups.end()) continue;
    if (filter.year_group && yg != *filter.year_group) continue;
    if (filter.school && I.school[r] != *filter.school) continue;
    rows.push_back(r);
  }
  // Person order (one row per person per year; the row order breaks any tie).
  std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    return I.person[a] != I.person[b] ? I.person[a] < I.person[b] : a < b;
  });
  std::vector<PupilScore> out;
  out.reserve(rows.size());
  for (uint32_t r : rows) out.push_back(score(ds, rules, criteria, compiled, r));
  return out;
}

PupilScore score_row(const Dataset& ds, const Rules& rules, const Criteria& criteria, uint32_t row) {
  return score(ds, rules, criteria, compile(criteria, rules), row);
}

std::vector<Fired> conditions_of_row(const Dataset& ds, const Rules& rules, const Criteria& criteria, uint32_t row) {
  return conditions(ds, rules, criteria, compile(criteria, rules), row);
}

RowScorer::RowScorer(const Dataset& ds, const Rules& rules, const Criteria& criteria)
    : ds_(ds), rules_(rules), criteria_(criteria), compiled_(compile(criteria, rules)) {}
RowScorer::~RowScorer() = default;
PupilScore RowScorer::score(uint32_t row) const { return risk::score(ds_, rules_, criteria_, compiled_, row); }
std::vector<Fired> RowScorer::conditions(uint32_t row) const {
  return risk::conditions(ds_, rules_, criteria_, compiled_, row);
}

}  // namespace pathways::risk
