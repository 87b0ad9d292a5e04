#include "partner/feed.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "io/csv.h"

namespace pathways {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> small_int(std::string_view s, size_t max_len) {
  if (!all_digits(s) || s.size() > max_len) return std::nullopt;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Column positions from the header row: like the canonical loader, names are trimmed and
// compared case-insensitively, unknown columns are ignored with a warning.
struct Columns {
  std::vector<std::string> names;  // required then optional
  std::vector<int> pos;
  size_t required = 0;
  size_t width = 0;
  bool ok = true;

  int operator()(std::string_view name) const {
    for (size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return pos[k];
    return -1;
  }
};

Columns read_header(RecordSource& csv, FeedKind kind, LoadReport& report) {
  Columns c;
  c.names = feed_required_columns(kind);
  c.required = c.names.size();
  for (const auto& n : feed_optional_columns(kind)) c.names.push_back(n);
  c.pos.assign(c.names.size(), -1);
  if (!csv.next()) {
    report.error({csv.name(), 0, "", "", "file is empty: a header row is required"});
    c.ok = false;
    return c;
  }
  c.width = csv.size();
  for (size_t i = 0; i < csv.size(); ++i) {
    std::string name(trim(csv[i]));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto it = std::find(c.names.begin(), c.names.end(), name);
    if (it == c.names.end()) {
      report.warning({csv.name(), csv.line(), printable(name), "", "unknown column ignored"});
      continue;
    }
    const size_t k = static_cast<size_t>(it - c.names.begin());
    if (c.pos[k] >= 0) {
      report.error({csv.name(), csv.line(), name, "", "column appears twice in the header"});
      c.ok = false;
    }
    c.pos[k] = static_cast<int>(i);
  }
  for (size_t k = 0; k < c.required; ++k) {
    if (c.pos[k] < 0) {
      report.error({csv.name(), csv.line(), c.names[k], "", "required column is missing"});
      c.ok = false;
    }
  }
  return c;
}

struct Cells {
  const RecordSource& csv;
  const Columns& cols;
  LoadReport& report;
  bool bad = false;

  std::string_view get(std::string_view column) const {
    const int p = cols(column);
    return p < 0 ? std::string_view{} : trim(csv[static_cast<size_t>(p)]);
  }
  void error(std::string_view column, std::string_view value, std::string reason) {
    report.error({csv.name(), csv.line(), std::string(column), printable(value), std::move(reason)});
    bad = true;
  }
  std::string text(std::string_view column, bool required, size_t max_len) {
    const std::string_view v = get(column);
    if (std::string why = text_cell_problem(v, required, max_len); !why.empty()) {
      error(column, v, std::move(why));
      return {};
    }
    return std::string(v);
  }
  Date date(std::string_view column, bool required) {
    const std::string_view v = get(column);
    Date d = kNoDate;
    if (std::string why = date_cell_problem(v, required, d); !why.empty()) error(column, v, std::move(why));
    return d;
  }
  // A known activity code of one of `categories`; 0 when empty (or bad, reported).
  int code(std::string_view column, bool required, const Rules& rules, std::initializer_list<Category> categories,
           std::string_view what) {
    const std::string_view v = get(column);
    if (v.empty()) {
      if (required) error(column, v, "a value is required");
      return 0;
    }
    const auto n = small_int(v, 3);
    const auto idx = (n && v.size() == 3) ? rules.code_index(*n) : std::nullopt;
    if (!idx) {
      error(column, v, "unknown activity code");
      return 0;
    }
    if (std::find(categories.begin(), categories.end(), rules.category_of(*idx)) == categories.end()) {
      error(column, v, std::string(what));
      return 0;
    }
    return *n;
  }
};

}  // namespace

std::string_view feed_name(FeedKind k) {
  switch (k) {
    case FeedKind::kSchoolCohort: return "school_cohort";
    case FeedKind::kProviderEvents: return "provider_events";
    case FeedKind::kSeptemberGuarantee: break;
  }
  return "september_guarantee";
}

std::optional<FeedKind> parse_feed_kind(std::string_view name) {
  for (FeedKind k : {FeedKind::kSchoolCohort, FeedKind::kProviderEvents, FeedKind::kSeptemberGuarantee})
    if (feed_name(k) == name) return k;
  return std::nullopt;
}

std::string_view provider_event_name(ProviderEvent e) {
  switch (e) {
    case ProviderEvent::kStart: return "start";
    case ProviderEvent::kLeave: return "leave";
    case ProviderEvent::kDropout: return "dropout";
    case ProviderEvent::kNone: break;
  }
  return "";
}

std::string_view offer_status_name(OfferStatus s) {
  switch (s) {
    case OfferStatus::kOfferMade: return "offer_made";
    case OfferStatus::kNoOffer: return "no_offer";
    case OfferStatus::kOfferNotAppropriate: return "offer_not_appropriate";
    case OfferStatus::kNotRecorded: return "not_recorded";
    case OfferStatus::kNone: break;
  }
  return "";
}

const std::vector<std::string>& feed_required_columns(FeedKind k) {
  static const std::vector<std::string> school = {"school_id",   "check_date",    "upn",       "given_name",
                                                  "family_name", "date_of_birth", "year_group"};
  static const std::vector<std::string> provider = {"provider_id", "event",       "event_date",
                                                    "given_name",  "family_name", "date_of_birth"};
  static const std::vector<std::string> sg = {"guarantee_year", "offer_status", "given_name", "family_name",
                                              "date_of_birth"};
  switch (k) {
    case FeedKind::kSchoolCohort: return school;
    case FeedKind::kProviderEvents: return provider;
    case FeedKind::kSeptemberGuarantee: break;
  }
  return sg;
}

const std::vector<std::string>& feed_optional_columns(FeedKind k) {
  static const std::vector<std::string> school = {"uln",        "gender",          "ethnicity",
                                                  "postcode",   "sen_status",      "characteristics",
                                                  "intended_destination", "la_code"};
  static const std::vector<std::string> provider = {"uln",           "upn",    "gender", "postcode",
                                                    "activity_code", "course", "notes",  "la_code"};
  static const std::vector<std::string> sg = {"upn",        "uln",           "postcode", "provider_id",
                                              "offer_date", "activity_code", "la_code"};
  switch (k) {
    case FeedKind::kSchoolCohort: return school;
    case FeedKind::kProviderEvents: return provider;
    case FeedKind::kSeptemberGuarantee: break;
  }
  return sg;
}

bool MemoryRecords::next() {
  if (i_ >= rows_.size()) return false;
  fields_.clear();
  for (const auto& f : rows_[i_]) fields_.emplace_back(f);
  line_ = i_ < lines_.size() ? lines_[i_] : i_ + 1;
  ++i_;
  return true;
}

std::vector<FeedRow> read_feed(FeedKind kind, RecordSource& csv, const Rules& rules, const FeedOptions& options,
                               LoadReport& report) {
  std::vector<FeedRow> rows;
  try {
    const Columns cols = read_header(csv, kind, report);
    if (!cols.ok) return {};
    const Date min_dob = make_date(1950, 1, 1);
    std::map<std::string, uint64_t> seen;  // cross-row keys -> first line
    while (csv.next()) {
      if (report.error_count >= LoadReport::kMaxErrors) break;
      Cells c{csv, cols, report};
      if (csv.size() != cols.width) {
        c.error("", "", fmt::format("has {} fields but the header has {}", csv.size(), cols.width));
        continue;
      }
      FeedRow r;
      r.line = csv.line();
      for (size_t k = 0; k < cols.names.size(); ++k)
        if (cols.pos[k] >= 0) r.cells.emplace_back(cols.names[k], std::string(c.get(cols.names[k])));

      // Identity.
      const bool upn_required = kind == FeedKind::kSchoolCohort;
      r.upn = c.text("upn", upn_required, 13);
      if (!r.upn.empty()) {
        if (r.upn.size() != 13 ||
            !std::all_of(r.upn.begin(), r.upn.end(), [](unsigned char ch) { return std::isalnum(ch); }))
          c.error("upn", r.upn, "a UPN is 13 letters and digits");
        std::transform(r.upn.begin(), r.upn.end(), r.upn.begin(), [](unsigned char ch) { return std::toupper(ch); });
      }
      r.uln = c.text("uln", false, 10);
      if (!r.uln.empty() && (r.uln.size() != 10 || !all_digits(r.uln))) c.error("uln", r.uln, "a ULN is 10 digits");
      r.given_name = c.text("given_name", true, 100);
      r.family_name = c.text("family_name", true, 100);
      r.date_of_birth = c.date("date_of_birth", true);
      if (r.date_of_birth != kNoDate && r.date_of_birth < min_dob)
        c.error("date_of_birth", c.get("date_of_birth"), "before 1950: not a young person");
      if (auto g = c.get("gender"); !g.empty()) {
        if (g == "F" || g == "M" || g == "X" || g == "U") r.gender = std::string(g);
        else c.error("gender", g, "expected F, M, X or U");
      }
      r.ethnicity = c.text("ethnicity", false, 10);
      r.postcode = c.text("postcode", false, 10);
      if (!r.postcode.empty() && !std::all_of(r.postcode.begin(), r.postcode.end(), [](unsigned char ch) {
            return std::isalnum(ch) || ch == ' ';
          }))
        c.error("postcode", r.postcode, "a postcode has only letters, digits and spaces");
      if (auto v = c.get("la_code"); !v.empty()) {
        if (v.size() != 3 || !all_digits(v)) c.error("la_code", v, "expected a 3-digit LA code");
        else r.la_code = std::string(v);
      } else if (kind != FeedKind::kSeptemberGuarantee) {
        if (options.default_la_code.empty())
          c.error("la_code", v, "a value is required when no default LA code is given (--la)");
        else r.la_code = options.default_la_code;
      } else {
        r.la_code = options.default_la_code;
      }

      switch (kind) {
        case FeedKind::kSchoolCohort: {
          r.school_id = c.text("school_id", true, 64);
          r.check_date = c.date("check_date", true);
          if (auto v = c.get("year_group"); v.empty()) c.error("year_group", v, "a value is required");
          else if (auto yg = small_int(v, 2); !yg || *yg < 9 || *yg > 13)
            c.error("year_group", v, "expected a year group from 9 to 13");
          else r.year_group = *yg;
          if (auto v = c.get("sen_status"); !v.empty()) {
            if (v == "N" || v == "K" || v == "E") r.sen_status = std::string(v);
            else c.error("sen_status", v, "expected N, K or E");
          }
          if (auto v = c.get("characteristics"); !v.empty()) {
            size_t b = 0;
            while (b <= v.size()) {
              size_t e = v.find(';', b);
              if (e == std::string_view::npos) e = v.size();
              const std::string_view part = trim(v.substr(b, e - b));
              const auto code = small_int(part, 3);
              if (!code || part.size() != 3 || !rules.characteristic_bit(*code)) {
                c.error("characteristics", part, "unknown characteristic code");
                break;
              }
              if (std::find(r.characteristics.begin(), r.characteristics.end(), *code) == r.characteristics.end())
                r.characteristics.push_back(*code);
              b = e + 1;
            }
          }
          r.intended_destination = c.code("intended_destination", false, rules, {Category::kEet, Category::kNeet},
                                          "not a post-16 destination: expected an EET or NEET activity code");
          if (r.date_of_birth != kNoDate && r.check_date != kNoDate) {
            if (r.check_date < r.date_of_birth) {
              c.error("check_date", c.get("check_date"), "before the date of birth");
            } else if (r.year_group && academic_age(r.date_of_birth, r.check_date) != r.year_group + 4) {
              report.warning({csv.name(), csv.line(), "year_group", std::to_string(r.year_group),
                              fmt::format("academic age on {} is {}, which is Year {}: kept as given",
                                          format_date(r.check_date), academic_age(r.date_of_birth, r.check_date),
                                          academic_age(r.date_of_birth, r.check_date) - 4)});
            }
          }
          if (!c.bad) {
            auto [it, fresh] = seen.emplace("upn:" + r.upn, r.line);
            if (!fresh) c.error("upn", r.upn, fmt::format("UPN already on line {}", it->second));
          }
          break;
        }
        case FeedKind::kProviderEvents: {
          r.provider_id = c.text("provider_id", true, 64);
          const std::string_view ev = c.get("event");
          if (ev == "start") r.event = ProviderEvent::kStart;
          else if (ev == "leave") r.event = ProviderEvent::kLeave;
          else if (ev == "dropout") r.event = ProviderEvent::kDropout;
          else c.error("event", ev, ev.empty() ? "a value is required" : "expected start, leave or dropout");
          r.event_date = c.date("event_date", true);
          if (r.event == ProviderEvent::kStart)
            r.activity_code = c.code("activity_code", true, rules, {Category::kEet},
                                     "a start needs an EET activity code (education, apprenticeship, training, "
                                     "employment)");
          else
            r.activity_code = c.code("activity_code", false, rules,
                                     {Category::kEet, Category::kNeet, Category::kPre16, Category::kCustody,
                                      Category::kNotKnown},
                                     "");
          r.course = c.text("course", false, 200);
          r.notes = c.text("notes", false, 200);
          if (r.date_of_birth != kNoDate && r.event_date != kNoDate && r.event_date < r.date_of_birth)
            c.error("event_date", c.get("event_date"), "before the date of birth");
          if (!c.bad) {
            std::string key = "row";
            for (const auto& [name, value] : r.cells) key += '\x1f' + value;
            auto [it, fresh] = seen.emplace(key, r.line);
            if (!fresh) c.error("", "", fmt::format("duplicate of line {}", it->second));
          }
          break;
        }
        case FeedKind::kSeptemberGuarantee: {
          if (auto v = c.get("guarantee_year"); v.empty()) c.error("guarantee_year", v, "a value is required");
          else if (auto y = small_int(v, 4); !y || v.size() != 4 || *y < 2000 || *y > 2199)
            c.error("guarantee_year", v, "expected the year of the September the offer is for, e.g. 2025");
          else r.guarantee_year = *y;
          const std::string_view st = c.get("offer_status");
          if (st == "offer_made") r.offer_status = OfferStatus::kOfferMade;
          else if (st == "no_offer") r.offer_status = OfferStatus::kNoOffer;
          else if (st == "offer_not_appropriate") r.offer_status = OfferStatus::kOfferNotAppropriate;
          else if (st == "not_recorded") r.offer_status = OfferStatus::kNotRecorded;
          else
            c.error("offer_status", st,
                    st.empty() ? "a value is required"
                               : "expected offer_made, no_offer, offer_not_appropriate or not_recorded");
          r.provider_id = c.text("provider_id", false, 64);
          r.offer_date = c.date("offer_date", r.offer_status == OfferStatus::kOfferMade);
          r.activity_code = c.code("activity_code", false, rules, {Category::kEet},
                                   "the place offered needs an EET activity code");
          if (!c.bad && (!r.upn.empty() || !r.uln.empty())) {
            const std::string id = !r.upn.empty() ? "upn:" + r.upn : "uln:" + r.uln;
            auto [it, fresh] = seen.emplace(id + ":" + std::to_string(r.guarantee_year), r.line);
            if (!fresh)
              c.error(!r.upn.empty() ? "upn" : "uln", !r.upn.empty() ? r.upn : r.uln,
                      fmt::format("this young person already has an offer row for {} on line {}", r.guarantee_year,
                                  it->second));
          }
          break;
        }
      }
      if (!c.bad) rows.push_back(std::move(r));
    }
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
  if (!report.ok()) return {};
  return rows;
}

std::vector<FeedRow> load_feed(FeedKind kind, const std::string& path, const Rules& rules, const FeedOptions& options,
                               LoadReport& report) {
  const std::string name = base_name(path);
  try {
    CsvReader csv(path, name);
    return read_feed(kind, csv, rules, options, report);
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
    return {};
  }
}

}  // namespace pathways
