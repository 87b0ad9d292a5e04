#include "io/folder.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "engine/status.h"
#include "io/csv.h"

namespace pathways {

std::string format_issue(const Issue& i) {
  std::string s = i.line ? fmt::format("{}:{}: ", i.file, i.line) : fmt::format("{}: ", i.file);
  if (!i.column.empty()) s += fmt::format("column {}: ", i.column);
  if (!i.value.empty()) s += fmt::format("'{}': ", i.value);
  s += i.reason;
  return s;
}

void LoadReport::error(Issue issue) {
  if (errors.size() < kMaxErrors) errors.push_back(std::move(issue));
  ++error_count;
}

void LoadReport::warning(Issue issue) {
  if (warnings.size() < kMaxErrors) warnings.push_back(std::move(issue));
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string text_cell_problem(std::string_view v, bool required, size_t max_len) {
  if (v.empty()) return required ? "a value is required" : "";
  if (v.size() > max_len) return fmt::format("longer than {} characters", max_len);
  if (!valid_utf8(v)) return "not valid UTF-8";
  return "";
}

std::string date_cell_problem(std::string_view v, bool required, Date& out) {
  out = kNoDate;
  if (v.empty()) return required ? "a date is required" : "";
  const auto d = parse_date(v);
  if (!d) return "not a real date in the form YYYY-MM-DD";
  out = *d;
  return "";
}

std::string printable(std::string_view v) {
  std::string out;
  const bool utf8 = valid_utf8(v);
  size_t shown = 0;
  for (size_t i = 0; i < v.size() && shown < 60; ++i, ++shown) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (shown < v.size() && v.size() > 60) out += "...";
  return out;
}

namespace {

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_uint(std::string_view s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

std::optional<bool> parse_yes_no(std::string_view s) {
  if (s == "Y" || s == "y" || s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes" || s == "Yes")
    return true;
  if (s == "N" || s == "n" || s == "0" || s == "false" || s == "FALSE" || s == "False" || s == "no" || s == "No")
    return false;
  return std::nullopt;
}

// Maps the columns a file must or may have to their position in the header row.
class Header {
 public:
  Header(RecordSource& csv, std::vector<std::string_view> required, std::vector<std::string_view> optional,
         LoadReport& report)
      : required_(std::move(required)), optional_(std::move(optional)) {
    for (auto n : required_) names_.push_back(n);
    for (auto n : optional_) names_.push_back(n);
    pos_.assign(names_.size(), -1);
    if (!csv.next()) {
      report.error({csv.name(), 0, "", "", "file is empty: a header row is required"});
      ok_ = false;
      return;
    }
    width_ = csv.size();
    for (size_t i = 0; i < csv.size(); ++i) {
      std::string name(trim(csv[i]));
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      auto it = std::find(names_.begin(), names_.end(), name);
      if (it == names_.end()) {
        report.warning({csv.name(), csv.line(), name, "", "unknown column ignored"});
        continue;
      }
      const size_t k = static_cast<size_t>(it - names_.begin());
      if (pos_[k] >= 0) {
        report.error({csv.name(), csv.line(), name, "", "column appears twice in the header"});
        ok_ = false;
      }
      pos_[k] = static_cast<int>(i);
    }
    for (size_t k = 0; k < required_.size(); ++k) {
      if (pos_[k] < 0) {
        report.error({csv.name(), csv.line(), std::string(required_[k]), "", "required column is missing"});
        ok_ = false;
      }
    }
  }
  bool ok() const { return ok_; }
  size_t width() const { return width_; }
  // Position of a named column, -1 when absent.
  int operator()(std::string_view name) const {
    for (size_t k = 0; k < names_.size(); ++k)
      if (names_[k] == name) return pos_[k];
    return -1;
  }

 private:
  std::vector<std::string_view> required_, optional_, names_;
  std::vector<int> pos_;
  size_t width_ = 0;
  bool ok_ = true;
};

// Per-row helper: fetches cells and reports problems against the current line.
struct Row {
  const RecordSource& csv;
  LoadReport& report;
  bool bad = false;

  std::string_view get(int pos) const { return pos < 0 ? std::string_view{} : trim(csv[pos]); }
  void error(std::string_view column, std::string_view value, std::string reason) {
    report.error({csv.name(), csv.line(), std::string(column), printable(value), std::move(reason)});
    bad = true;
  }
  // Text cell: valid UTF-8, bounded length, required when asked.
  std::string_view text(int pos, std::string_view column, bool required, size_t max_len = 200) {
    const std::string_view v = get(pos);
    if (std::string why = text_cell_problem(v, required, max_len); !why.empty()) error(column, v, std::move(why));
    return v;
  }
  Date date(int pos, std::string_view column, bool required) {
    const std::string_view v = get(pos);
    Date d = kNoDate;
    if (std::string why = date_cell_problem(v, required, d); !why.empty()) error(column, v, std::move(why));
    return d;
  }
};

// Finds a person, trying first the person of the previous row and the one after it:
// activity and indicator files are usually grouped by person in people.csv order.
inline uint32_t find_person_near(const Dataset& ds, std::string_view id, uint32_t last) {
  if (last != kNoIndex) {
    const uint32_t stop = static_cast<uint32_t>(std::min<size_t>(ds.people.size(), size_t{last} + 8));
    for (uint32_t p = last; p < stop; ++p)
      if (ds.people.id[p] == id) return p;
  }
  return ds.find_person(id);
}

// Reports rows whose `column` repeats an earlier row's value.
void report_repeats(const std::string& file, const char* column, const std::string& what, const TextColumn& col,
                    std::vector<std::pair<uint32_t, uint32_t>> repeats, const std::vector<uint32_t>& line_of,
                    LoadReport& report) {
  std::sort(repeats.begin(), repeats.end());
  for (const auto& [later, earlier] : repeats)
    report.error({file, line_of[later], column, printable(col[later]),
                  fmt::format("{} (first on line {})", what, line_of[earlier])});
}

void read_people(RecordSource& csv, const Rules& rules, Dataset& ds, LoadReport& report, bool keep_names) {
  Header h(csv, {"person_id", "given_name", "family_name", "date_of_birth", "la_code"},
           {"upn", "uln", "gender", "ethnicity", "postcode", "cohort_status", "sen_status", "characteristics",
            "level_of_need", "school_id"},
           report);
  if (!h.ok()) return;
  const int c_id = h("person_id"), c_upn = h("upn"), c_uln = h("uln"), c_given = h("given_name"),
            c_family = h("family_name"), c_dob = h("date_of_birth"), c_gender = h("gender"),
            c_eth = h("ethnicity"), c_pc = h("postcode"), c_la = h("la_code"), c_cs = h("cohort_status"),
            c_sen = h("sen_status"), c_chars = h("characteristics"), c_lon = h("level_of_need"),
            c_school = h("school_id");
  People& P = ds.people;
  if (auto* file = dynamic_cast<CsvReader*>(&csv)) {
    const size_t n = file->estimated_records();
    P.id.reserve(n, n * 9);
    P.upn.reserve(n, n * 13);
    P.uln.reserve(n, n * 10);
    P.given_name.reserve(n, n * 7);
    P.family_name.reserve(n, n * 7);
    P.postcode.reserve(n, n * 8);
    P.date_of_birth.reserve(n);
    P.gender.reserve(n);
    P.ethnicity.reserve(n);
    P.la_code.reserve(n);
    P.cohort_status.reserve(n);
    P.sen_status.reserve(n);
    P.characteristics.reserve(n);
    P.level_of_need.reserve(n);
    P.school.reserve(n);
  }
  // UPN and ULN uniqueness is checked after the file is read (sort_duplicates).
  std::vector<uint32_t> line_of;
  const Date min_dob = make_date(1950, 1, 1);
  while (csv.next()) {
    if (report.error_count >= LoadReport::kMaxErrors) break;
    Row r{csv, report};
    if (csv.size() != h.width()) {
      r.error("", "", fmt::format("has {} fields but the header has {}", csv.size(), h.width()));
      continue;
    }
    const std::string_view id = r.text(c_id, "person_id", true, 64);
    const std::string_view upn = r.text(c_upn, "upn", false, 13);
    const std::string_view uln = r.text(c_uln, "uln", false, 10);
    if (!upn.empty() && (upn.size() != 13 || !std::all_of(upn.begin(), upn.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c));
                         })))
      r.error("upn", upn, "a UPN is 13 letters and digits");
    if (!uln.empty() && (uln.size() != 10 || !std::all_of(uln.begin(), uln.end(), [](char c) {
                           return c >= '0' && c <= '9';
                         })))
      r.error("uln", uln, "a ULN is 10 digits");
    const std::string_view given = r.text(c_given, "given_name", true, 100);
    const std::string_view family = r.text(c_family, "family_name", true, 100);
    const Date dob = r.date(c_dob, "date_of_birth", true);
    if (dob != kNoDate && dob < min_dob) r.error("date_of_birth", r.get(c_dob), "before 1950: not a young person");
    Gender gender = Gender::kUnknown;
    if (auto g = r.get(c_gender); !g.empty()) {
      if (g == "F") gender = Gender::kFemale;
      else if (g == "M") gender = Gender::kMale;
      else if (g == "X") gender = Gender::kOther;
      else if (g == "U") gender = Gender::kUnknown;
      else r.error("gender", g, "expected F, M, X or U");
    }
    const std::string_view eth = r.text(c_eth, "ethnicity", false, 10);
    const std::string_view pc = r.text(c_pc, "postcode", false, 10);
    uint64_t la = 0;
    if (auto v = r.get(c_la); v.empty()) r.error("la_code", v, "a value is required");
    else if (v.size() != 3 || !parse_uint(v, 999, la)) r.error("la_code", v, "expected a 3-digit LA code");
    char cs = 'P';
    if (auto v = r.get(c_cs); !v.empty()) {
      if (v.size() == 1 && std::string_view("PGATEMDL").find(v[0]) != std::string_view::npos) cs = v[0];
      else r.error("cohort_status", v, "expected one of P, G, A, T, E, M, D, L");
    }
    SenStatus sen = SenStatus::kNone;
    if (auto v = r.get(c_sen); !v.empty()) {
      if (v == "N") sen = SenStatus::kNone;
      else if (v == "K") sen = SenStatus::kSenSupport;
      else if (v == "E") sen = SenStatus::kEhcPlan;
      else r.error("sen_status", v, "expected N, K or E");
    }
    uint32_t chars = 0;
    if (auto v = r.get(c_chars); !v.empty()) {
      size_t b = 0;
      while (b <= v.size()) {
        size_t e = v.find(';', b);
        if (e == std::string_view::npos) e = v.size();
        const std::string_view part = trim(v.substr(b, e - b));
        uint64_t code = 0;
        std::optional<int> bit;
        if (part.size() == 3 && parse_uint(part, 999, code)) bit = rules.characteristic_bit(static_cast<int>(code));
        if (!bit) {
          r.error("characteristics", part, "unknown characteristic code");
          break;
        }
        chars |= 1u << *bit;
        b = e + 1;
      }
    }
    uint8_t lon = 0;
    if (auto v = r.get(c_lon); !v.empty()) {
      if (v == "1" || v == "2" || v == "3") lon = static_cast<uint8_t>(v[0] - '0');
      else r.error("level_of_need", v, "expected 1, 2 or 3");
    }
    const std::string_view school = r.text(c_school, "school_id", false, 64);
    if (r.bad) continue;

    P.id.push(id);
    P.upn.push(upn);
    P.uln.push(uln);
    line_of.push_back(static_cast<uint32_t>(csv.line()));
    P.given_name.push(keep_names ? given : std::string_view{});
    P.family_name.push(keep_names ? family : std::string_view{});
    P.postcode.push(keep_names ? pc : std::string_view{});
    P.date_of_birth.push_back(dob);
    P.gender.push_back(gender);
    P.ethnicity.push_back(eth.empty() ? kNoIndex : ds.ethnicities.intern(eth));
    P.la_code.push_back(static_cast<uint16_t>(la));
    P.cohort_status.push_back(cs);
    P.sen_status.push_back(sen);
    P.characteristics.push_back(chars);
    P.level_of_need.push_back(lon);
    P.school.push_back(school.empty() ? kNoIndex : ds.schools.intern(school));
  }
  // Uniqueness, checked once the whole file is in: person ids (the index the activities
  // are matched through), UPNs and ULNs. Repeated rows stay stored so columns stay
  // aligned; the dataset is discarded anyway when the report is not ok.
  std::vector<std::pair<uint32_t, uint32_t>> upn_repeats, uln_repeats;
  std::thread side([&] {
    TextIndex upns, ulns;
    upn_repeats = upns.build(P.upn, true);
    uln_repeats = ulns.build(P.uln, true);
  });
  auto id_repeats = ds.build_person_index();
  side.join();
  report_repeats(csv.name(), "person_id", "duplicate person_id", P.id, std::move(id_repeats), line_of, report);
  report_repeats(csv.name(), "upn", "UPN already used", P.upn, std::move(upn_repeats), line_of, report);
  report_repeats(csv.name(), "uln", "ULN already used", P.uln, std::move(uln_repeats), line_of, report);
}

std::optional<NeetReason> parse_neet_reason(std::string_view v) {
  if (v == "awaiting_start") return NeetReason::kAwaitingStart;
  if (v == "applied") return NeetReason::kApplied;
  if (v == "supported") return NeetReason::kSupported;
  if (v == "not_ready") return NeetReason::kNotReady;
  if (v == "unwilling") return NeetReason::kUnwilling;
  return std::nullopt;
}

}  // namespace

struct ActivityStream::Impl {
  RecordSource& csv;
  const Rules& rules;
  Dataset& ds;
  LoadReport& report;
  Header h;
  int c_id, c_code, c_start, c_end, c_ver, c_rev, c_prov, c_reason, c_src;
  uint32_t last = kNoIndex;  // rows usually come grouped by person, in people.csv order
  struct Key {
    uint32_t person;
    uint16_t code;
    Date start;
    uint32_t line;
    auto tie() const { return std::tie(person, code, start, line); }
  };
  std::vector<Key> keys;  // every row read, for the duplicate check

  Impl(RecordSource& c, const Rules& r, Dataset& d, LoadReport& rep)
      : csv(c),
        rules(r),
        ds(d),
        report(rep),
        h(c, {"person_id", "activity_code", "start_date"},
          {"end_date", "verified_date", "review_date", "provider_id", "neet_reason", "source"}, rep) {
    c_id = h("person_id"), c_code = h("activity_code"), c_start = h("start_date"), c_end = h("end_date"),
    c_ver = h("verified_date"), c_rev = h("review_date"), c_prov = h("provider_id"), c_reason = h("neet_reason"),
    c_src = h("source");
  }
};

ActivityStream::ActivityStream(RecordSource& csv, const Rules& rules, Dataset& ds, LoadReport& report)
    : impl_(std::make_unique<Impl>(csv, rules, ds, report)) {}
ActivityStream::~ActivityStream() = default;

void ActivityChunk::clear() {
  person.clear();
  rows.code.clear();
  rows.start.clear();
  rows.end.clear();
  rows.verified.clear();
  rows.review.clear();
  rows.neet_reason.clear();
  rows.provider.clear();
  rows.source.clear();
  rows.line.clear();
}

bool ActivityStream::next(ActivityChunk& out, size_t max_rows) {
  Impl& m = *impl_;
  out.clear();
  if (!m.h.ok()) return false;
  RecordSource& csv = m.csv;
  LoadReport& report = m.report;
  Activities& A = out.rows;
  if (auto* file = dynamic_cast<CsvReader*>(&csv); file && A.code.capacity() == 0) {
    const size_t n = std::min(max_rows, file->estimated_records());
    out.person.reserve(n);
    A.code.reserve(n);
    A.start.reserve(n);
    A.end.reserve(n);
    A.verified.reserve(n);
    A.review.reserve(n);
    A.neet_reason.reserve(n);
    A.provider.reserve(n);
    A.source.reserve(n);
    A.line.reserve(n);
    if (max_rows == SIZE_MAX) m.keys.reserve(n);
  }
  while (out.person.size() < max_rows && csv.next()) {
    if (report.error_count >= LoadReport::kMaxErrors) break;
    Row r{csv, report};
    if (csv.size() != m.h.width()) {
      r.error("", "", fmt::format("has {} fields but the header has {}", csv.size(), m.h.width()));
      continue;
    }
    const std::string_view id = r.text(m.c_id, "person_id", true, 64);
    uint32_t p = kNoIndex;
    if (!id.empty() && !r.bad) {
      p = find_person_near(m.ds, id, m.last);
      if (p == kNoIndex) r.error("person_id", id, "no such person in people.csv");
      else m.last = p;
    }
    uint16_t code = 0;
    {
      const std::string_view v = r.get(m.c_code);
      uint64_t n = 0;
      std::optional<uint16_t> idx;
      if (v.size() == 3 && parse_uint(v, 999, n)) idx = m.rules.code_index(static_cast<int>(n));
      if (v.empty()) r.error("activity_code", v, "a value is required");
      else if (!idx) r.error("activity_code", v, "unknown activity code");
      else code = *idx;
    }
    const Date start = r.date(m.c_start, "start_date", true);
    const Date end = r.date(m.c_end, "end_date", false);
    const Date ver = r.date(m.c_ver, "verified_date", false);
    const Date rev = r.date(m.c_rev, "review_date", false);
    if (start != kNoDate && end != kNoDate && end < start)
      r.error("end_date", r.get(m.c_end), "end_date is before start_date");
    if (start != kNoDate && ver != kNoDate && ver < start)
      r.error("verified_date", r.get(m.c_ver), "verified_date is before start_date");
    NeetReason reason = NeetReason::kNone;
    if (auto v = r.get(m.c_reason); !v.empty()) {
      if (auto nr = parse_neet_reason(v)) reason = *nr;
      else r.error("neet_reason", v, "expected awaiting_start, applied, supported, not_ready or unwilling");
    }
    const std::string_view prov = r.text(m.c_prov, "provider_id", false, 64);
    const std::string_view src = r.text(m.c_src, "source", false, 64);
    if (r.bad) continue;
    const auto line = static_cast<uint32_t>(csv.line());
    m.keys.push_back({p, code, start, line});
    out.person.push_back(p);
    A.code.push_back(code);
    A.start.push_back(start);
    A.end.push_back(end);
    A.verified.push_back(ver);
    A.review.push_back(rev);
    A.neet_reason.push_back(reason);
    A.provider.push_back(prov.empty() ? kNoIndex : m.ds.providers.intern(prov));
    A.source.push_back(src.empty() ? kNoIndex : m.ds.sources.intern(src));
    A.line.push_back(line);
  }
  return !out.person.empty();
}

void ActivityStream::finish() {
  Impl& m = *impl_;
  if (!m.report.ok()) return;
  // An activity is identified by person, code and start date (the store keeps its
  // versions under that key): a second row with the same key is a duplicate of the first.
  std::sort(m.keys.begin(), m.keys.end(), [](const Impl::Key& a, const Impl::Key& b) { return a.tie() < b.tie(); });
  std::vector<std::pair<uint32_t, uint32_t>> repeats;  // (line, line of the first)
  for (size_t k = 1, first = 0; k < m.keys.size(); ++k) {
    const auto& a = m.keys[k];
    const auto& f = m.keys[first];
    if (a.person == f.person && a.code == f.code && a.start == f.start) repeats.emplace_back(a.line, f.line);
    else first = k;
  }
  m.keys = {};
  std::sort(repeats.begin(), repeats.end());
  for (const auto& [line, first] : repeats)
    m.report.error({m.csv.name(), line, "", "",
                    fmt::format("duplicate of the activity on line {} (same person, activity_code and start_date)",
                                first)});
}

struct IndicatorStream::Impl {
  RecordSource& csv;
  Dataset& ds;
  LoadReport& report;
  Header h;
  int c_id, c_year, c_yg, c_school, c_att, c_susp, c_excl, c_band;
  std::vector<int> c_flags;
  uint32_t last = kNoIndex;
  std::vector<std::pair<uint64_t, uint32_t>> keys;  // (person << 16 | year, line) of every row read

  static std::vector<std::string_view> optional_columns() {
    std::vector<std::string_view> optional = {"school_id", "attendance_pct", "suspensions", "permanent_exclusions",
                                              "attainment_band"};
    for (auto f : indicator_flag_names()) optional.push_back(f);
    return optional;
  }
  Impl(RecordSource& c, Dataset& d, LoadReport& rep)
      : csv(c), ds(d), report(rep), h(c, {"person_id", "academic_year", "year_group"}, optional_columns(), rep) {
    c_id = h("person_id"), c_year = h("academic_year"), c_yg = h("year_group"), c_school = h("school_id"),
    c_att = h("attendance_pct"), c_susp = h("suspensions"), c_excl = h("permanent_exclusions"),
    c_band = h("attainment_band");
    for (auto f : indicator_flag_names()) c_flags.push_back(h(f));
  }
};

IndicatorStream::IndicatorStream(RecordSource& csv, Dataset& ds, LoadReport& report)
    : impl_(std::make_unique<Impl>(csv, ds, report)) {}
IndicatorStream::~IndicatorStream() = default;

void IndicatorChunk::clear() {
  line.clear();
  rows.person.clear();
  rows.academic_year.clear();
  rows.year_group.clear();
  rows.school.clear();
  rows.attendance_pct.clear();
  rows.suspensions.clear();
  rows.permanent_exclusions.clear();
  rows.flags.clear();
  rows.attainment_band.clear();
}

bool IndicatorStream::next(IndicatorChunk& out, size_t max_rows) {
  Impl& m = *impl_;
  out.clear();
  if (!m.h.ok()) return false;
  RecordSource& csv = m.csv;
  LoadReport& report = m.report;
  Indicators& I = out.rows;
  while (I.size() < max_rows && csv.next()) {
    if (report.error_count >= LoadReport::kMaxErrors) break;
    Row r{csv, report};
    if (csv.size() != m.h.width()) {
      r.error("", "", fmt::format("has {} fields but the header has {}", csv.size(), m.h.width()));
      continue;
    }
    const std::string_view id = r.text(m.c_id, "person_id", true, 64);
    uint32_t p = kNoIndex;
    if (!id.empty() && !r.bad) {
      p = find_person_near(m.ds, id, m.last);
      if (p == kNoIndex) r.error("person_id", id, "no such person in people.csv");
      else m.last = p;
    }
    uint64_t year = 0, yg = 0, susp = 0, excl = 0;
    if (auto v = r.get(m.c_year); !parse_uint(v, 2199, year) || year < 1990 || v.size() != 4)
      r.error("academic_year", v, "expected the start year of the academic year, e.g. 2024");
    if (auto v = r.get(m.c_yg); !parse_uint(v, 14, yg) || yg < 1)
      r.error("year_group", v, "expected a year group from 1 to 14");
    float att = std::nanf("");
    if (auto v = r.get(m.c_att); !v.empty()) {
      char* endp = nullptr;
      std::string tmp(v);
      const double d = std::strtod(tmp.c_str(), &endp);
      if (endp != tmp.c_str() + tmp.size() || !(d >= 0.0 && d <= 100.0))
        r.error("attendance_pct", v, "expected a percentage from 0 to 100");
      else att = static_cast<float>(d);
    }
    if (auto v = r.get(m.c_susp); !v.empty() && !parse_uint(v, 1000, susp))
      r.error("suspensions", v, "expected a count from 0 to 1000");
    if (auto v = r.get(m.c_excl); !v.empty() && !parse_uint(v, 100, excl))
      r.error("permanent_exclusions", v, "expected a count from 0 to 100");
    uint32_t flags = 0;
    for (size_t k = 0; k < m.c_flags.size(); ++k) {
      const std::string_view v = r.get(m.c_flags[k]);
      if (v.empty()) continue;
      auto yn = parse_yes_no(v);
      if (!yn) r.error(indicator_flag_names()[k], v, "expected Y/N, 1/0 or true/false");
      else if (*yn) flags |= 1u << k;
    }
    uint8_t band = 0;
    if (auto v = r.get(m.c_band); !v.empty()) {
      if (v == "low") band = 1;
      else if (v == "middle") band = 2;
      else if (v == "high") band = 3;
      else r.error("attainment_band", v, "expected low, middle or high");
    }
    const std::string_view school = r.text(m.c_school, "school_id", false, 64);
    if (r.bad) continue;
    const auto line = static_cast<uint32_t>(csv.line());
    m.keys.emplace_back((uint64_t{p} << 16) | year, line);
    out.line.push_back(line);
    I.person.push_back(p);
    I.academic_year.push_back(static_cast<uint16_t>(year));
    I.year_group.push_back(static_cast<uint8_t>(yg));
    I.school.push_back(school.empty() ? kNoIndex : m.ds.schools.intern(school));
    I.attendance_pct.push_back(att);
    I.suspensions.push_back(static_cast<uint16_t>(susp));
    I.permanent_exclusions.push_back(static_cast<uint16_t>(excl));
    I.flags.push_back(flags);
    I.attainment_band.push_back(band);
  }
  return !I.person.empty();
}

void IndicatorStream::finish() {
  Impl& m = *impl_;
  // One row per person per academic year: sort (person, year, line) keys and compare neighbours.
  std::sort(m.keys.begin(), m.keys.end());
  std::vector<std::tuple<uint32_t, uint32_t, uint16_t>> repeats;  // (line, line of the first, year)
  for (size_t k = 1, first = 0; k < m.keys.size(); ++k) {
    if (m.keys[k].first == m.keys[first].first)
      repeats.emplace_back(m.keys[k].second, m.keys[first].second, static_cast<uint16_t>(m.keys[k].first & 0xFFFF));
    else first = k;
  }
  m.keys = {};
  std::sort(repeats.begin(), repeats.end());
  for (const auto& [line, first, year] : repeats)
    m.report.error({m.csv.name(), line, "academic_year", std::to_string(year),
                    fmt::format("this person already has indicators for this year on line {}", first)});
}

namespace {

void read_activities(RecordSource& csv, const Rules& rules, Dataset& ds, LoadReport& report) {
  ActivityStream stream(csv, rules, ds, report);
  ActivityChunk all;
  stream.next(all, SIZE_MAX);
  if (!report.ok()) return;
  stream.finish();
  if (!report.ok()) return;
  Activities& A = ds.activities;
  A = std::move(all.rows);
  std::vector<uint32_t>& person = all.person;  // per row, file order

  // Group by person (a stable counting sort keeps file order within each person).
  const size_t np = ds.people.size();
  ds.activity_begin.assign(np + 1, 0);
  for (uint32_t p : person) ++ds.activity_begin[p + 1];
  for (size_t p = 0; p < np; ++p) ds.activity_begin[p + 1] += ds.activity_begin[p];
  std::vector<uint32_t> order(person.size());
  {
    std::vector<uint32_t> next(ds.activity_begin.begin(), ds.activity_begin.end() - 1);
    for (uint32_t i = 0; i < person.size(); ++i) order[next[person[i]]++] = i;
  }
  person.clear();
  person.shrink_to_fit();
  auto permute = [&](auto& col) {
    std::remove_reference_t<decltype(col)> out(col.size());
    for (size_t i = 0; i < order.size(); ++i) out[i] = col[order[i]];
    col.swap(out);
  };
  permute(A.code);
  permute(A.start);
  permute(A.end);
  permute(A.verified);
  permute(A.review);
  permute(A.neet_reason);
  permute(A.provider);
  permute(A.source);
  permute(A.line);
}

void read_indicators(RecordSource& csv, Dataset& ds, LoadReport& report) {
  IndicatorStream stream(csv, ds, report);
  IndicatorChunk all;
  stream.next(all, SIZE_MAX);
  stream.finish();
  ds.indicators = std::move(all.rows);
}

}  // namespace

Dataset load_records(RecordSource& people, RecordSource& activities, RecordSource* indicators, const Rules& rules,
                     LoadReport& report, const LoadOptions& options) {
  Dataset ds;
  try {
    read_people(people, rules, ds, report, options.names);
    if (!report.ok()) return Dataset{};
    read_activities(activities, rules, ds, report);
    if (!report.ok()) return Dataset{};
    if (indicators) read_indicators(*indicators, ds, report);
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
  if (!report.ok()) return Dataset{};
  derive(ds, rules);
  return ds;
}

Dataset load_people(const std::string& dir, const Rules& rules, LoadReport& report, const LoadOptions& options) {
  for (const char* f : {"people.csv", "activities.csv"}) {
    if (!file_exists(dir + "/" + f)) report.error({f, 0, "", "", fmt::format("missing from {}", dir)});
  }
  if (!report.ok()) return Dataset{};
  Dataset ds;
  try {
    CsvReader people(dir + "/people.csv", "people.csv");
    read_people(people, rules, ds, report, options.names);
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
  if (!report.ok()) return Dataset{};
  return ds;
}

Dataset load_folder(const std::string& dir, const Rules& rules, LoadReport& report, const LoadOptions& options) {
  for (const char* f : {"people.csv", "activities.csv"}) {
    if (!file_exists(dir + "/" + f)) report.error({f, 0, "", "", fmt::format("missing from {}", dir)});
  }
  if (!report.ok()) return Dataset{};
  try {
    CsvReader people(dir + "/people.csv", "people.csv");
    CsvReader activities(dir + "/activities.csv", "activities.csv");
    std::optional<CsvReader> indicators;
    if (options.indicators && file_exists(dir + "/indicators.csv"))
      indicators.emplace(dir + "/indicators.csv", "indicators.csv");
    return load_records(people, activities, indicators ? &*indicators : nullptr, rules, report, options);
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
    return Dataset{};
  }
}

}  // namespace pathways
