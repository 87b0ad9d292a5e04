#include "partner/match.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/render.h"

namespace pathways {

namespace {

// Scores are sums of products of decimals: compare with a little slack so that, e.g.,
// 0.8 x 1 + 0.2 x 0.5 counts as reaching 0.9.
constexpr double kEps = 1e-9;

// Base letters of U+00C0..U+00FF. '3' = "ae", '4' = "th", '5' = "ss", '-' = separator.
constexpr std::string_view kLatin1 = "aaaaaa3ceeeeiiiidnooooo-ouuuuy45aaaaaa3ceeeeiiiidnooooo-ouuuuy4y";
// Base letters of U+0100..U+017F. '1' = "ij", '2' = "oe".
constexpr std::string_view kLatinExtA =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "11" "jj" "kkk" "llllllllll"
    "nnnnnnnnn" "oooooo" "22" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
static_assert(kLatin1.size() == 64);
static_assert(kLatinExtA.size() == 128);

// Next code point of UTF-8 text; invalid bytes come back as U+FFFD one at a time.
char32_t next_cp(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = 1;
  char32_t cp = c;
  if (c >= 0xF0 && c < 0xF8) { len = 4; cp = c & 0x07; }
  else if (c >= 0xE0) { len = 3; cp = c & 0x0F; }
  else if (c >= 0xC0) { len = 2; cp = c & 0x1F; }
  else if (c >= 0x80) { ++i; return 0xFFFD; }
  if (len > 1) {
    if (i + len > s.size()) { ++i; return 0xFFFD; }
    for (int k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) { ++i; return 0xFFFD; }
      cp = (cp << 6) | (d & 0x3F);
    }
  }
  i += len;
  return cp;
}

void append_base(char b, std::u32string& cur, std::vector<std::u32string>& parts) {
  switch (b) {
    case '1': cur += U"ij"; break;
    case '2': cur += U"oe"; break;
    case '3': cur += U"ae"; break;
    case '4': cur += U"th"; break;
    case '5': cur += U"ss"; break;
    case '-':
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
      break;
    default: cur += static_cast<char32_t>(b);
  }
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// Similarity of an incoming row to person p (dates of birth are the caller's business).
Candidate score_person(const Dataset& ds, const Incoming& in, uint32_t p) {
  const People& P = ds.people;
  Candidate c;
  c.person = p;
  const double g = name_similarity(in.given_name, P.given_name[p]);
  const double f = name_similarity(in.family_name, P.family_name[p]);
  const double sg = 0.95 * name_similarity(in.given_name, P.family_name[p]);
  const double sf = 0.95 * name_similarity(in.family_name, P.given_name[p]);
  double names;
  if ((sg + sf) / 2 > (g + f) / 2 + 1e-9) {
    c.given = sg;
    c.family = sf;
    c.swapped = true;
    names = (sg + sf) / 2;
  } else {
    c.given = g;
    c.family = f;
    names = (g + f) / 2;
  }
  const double pc = postcode_score(in.postcode, P.postcode[p]);
  c.score = 0.8 * names + 0.2 * pc;
  std::string basis = c.swapped ? "names (given/family swapped)" : "names";
  basis += " + date of birth";
  if (pc == 1.0) basis += " + postcode";
  else if (pc == 0.75) basis += " + postcode district";
  else if (pc == 0.5) basis += ", postcode unknown";
  else basis += ", different postcode";
  if (!in.upn.empty() && !P.upn[p].empty() && upper_ascii(in.upn) != upper_ascii(P.upn[p])) {
    c.conflict = true;
    basis += "; different UPN";
  }
  if (!in.uln.empty() && !P.uln[p].empty() && in.uln != P.uln[p]) {
    c.conflict = true;
    basis += "; different ULN";
  }
  c.basis = std::move(basis);
  return c;
}

bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.person < b.person;
}

std::vector<std::pair<Date, uint32_t>> dob_index(const Dataset& ds) {
  std::vector<std::pair<Date, uint32_t>> v;
  v.reserve(ds.people.size());
  for (uint32_t p = 0; p < ds.people.size(); ++p)
    if (ds.people.cohort_status[p] != 'M') v.emplace_back(ds.people.date_of_birth[p], p);
  std::sort(v.begin(), v.end());
  return v;
}

// Other dates a mistyped date of birth is likely to have been: a day, a month or a year
// out, or day and month swapped.
std::vector<Date> near_dates(Date d) {
  const Ymd y = to_ymd(d);
  std::vector<Date> out = {d - 1, d + 1, add_months(d, -1), add_months(d, 1), add_months(d, -12), add_months(d, 12)};
  if (y.day <= 12 && y.day != y.month && y.month <= days_in_month(y.year, y.day))
    out.push_back(make_date(y.year, y.day, y.month));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), d), out.end());
  return out;
}

}  // namespace

std::string_view match_outcome_name(MatchOutcome o) {
  switch (o) {
    case MatchOutcome::kExactUpn: return "exact_upn";
    case MatchOutcome::kExactUln: return "exact_uln";
    case MatchOutcome::kConfident: return "confident";
    case MatchOutcome::kReview: return "review";
    case MatchOutcome::kNoMatch: break;
  }
  return "no_match";
}

std::vector<std::u32string> name_parts(std::string_view name) {
  std::vector<std::u32string> parts;
  std::u32string cur;
  size_t i = 0;
  while (i < name.size()) {
    const char32_t cp = next_cp(name, i);
    if (cp < 0x80) {
      if (cp >= 'A' && cp <= 'Z') cur += static_cast<char32_t>(cp - 'A' + 'a');
      else if (cp >= 'a' && cp <= 'z') cur += cp;
      else if (cp == '\'' || cp == '`' || (cp >= '0' && cp <= '9')) continue;
      else append_base('-', cur, parts);
    } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x00B4 || (cp >= 0x0300 && cp <= 0x036F)) {
      continue;  // apostrophes, acute accent, combining marks
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      append_base(kLatin1[cp - 0xC0], cur, parts);
    } else if (cp >= 0x100 && cp <= 0x17F) {
      append_base(kLatinExtA[cp - 0x100], cur, parts);
    } else if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xFFFD) {
      append_base('-', cur, parts);  // other Latin-1 symbols, spaces and dashes, bad bytes
    } else if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F)) {
      cur += cp + 0x20;  // Greek and Cyrillic capitals
    } else {
      cur += cp;
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

std::u32string normalise_name(std::string_view name) {
  std::u32string out;
  for (auto& p : name_parts(name)) out += p;
  return out;
}

std::string normalise_postcode(std::string_view postcode) {
  std::string out;
  for (char c : postcode) {
    if (c == ' ' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::string postcode_district(std::string_view n) {
  if (n.size() >= 5 && n.size() <= 7) return std::string(n.substr(0, n.size() - 3));
  return std::string(n);
}

double jaro_winkler(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max<size_t>(la, lb) / 2 > 0 ? std::max<size_t>(la, lb) / 2 - 1 : 0;
  std::vector<char> ma(la, 0), mb(lb, 0);
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (mb[j] || a[i] != b[j]) continue;
      ma[i] = mb[j] = 1;
      ++m;
      break;
    }
  }
  if (m == 0) return 0.0;
  size_t t = 0;
  for (size_t i = 0, j = 0; i < la; ++i) {
    if (!ma[i]) continue;
    while (!mb[j]) ++j;
    if (a[i] != b[j]) ++t;
    ++j;
  }
  const double md = static_cast<double>(m);
  const double jaro = (md / static_cast<double>(la) + md / static_cast<double>(lb) + (md - static_cast<double>(t) / 2) / md) / 3;
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return jaro + 0.1 * static_cast<double>(prefix) * (1 - jaro);
}

double name_similarity(std::string_view a, std::string_view b) {
  const auto pa = name_parts(a), pb = name_parts(b);
  std::u32string ja, jb;
  for (auto& p : pa) ja += p;
  for (auto& p : pb) jb += p;
  if (ja.empty() || jb.empty()) return 0.0;
  double s = jaro_winkler(ja, jb);
  if (s < 1.0 && (pa.size() > 1 || pb.size() > 1)) {
    for (auto& x : pa) {
      if (x.size() < 2) continue;
      for (auto& y : pb)
        if (y.size() >= 2) s = std::max(s, 0.9 * jaro_winkler(x, y));
    }
  }
  return s;
}

double postcode_score(std::string_view a, std::string_view b) {
  const std::string na = normalise_postcode(a), nb = normalise_postcode(b);
  if (na.empty() || nb.empty()) return 0.5;
  if (na == nb) return 1.0;
  if (postcode_district(na) == postcode_district(nb)) return 0.75;
  return 0.25;
}

Matcher::Matcher(const Dataset& ds, MatchThresholds thresholds) : ds_(ds), t_(thresholds) {
  const People& P = ds.people;
  for (uint32_t p = 0; p < P.size(); ++p) {
    upn_.push(upper_ascii(P.upn[p]));
    uln_.push(P.uln[p]);
    if (!P.upn[p].empty()) upn_index_.insert(upn_, p);
    if (!P.uln[p].empty()) uln_index_.insert(uln_, p);
  }
  by_dob_ = dob_index(ds);
}

uint32_t Matcher::find_upn(std::string_view upn) const {
  return upn.empty() ? kNoIndex : upn_index_.find(upn_, upper_ascii(upn));
}
uint32_t Matcher::find_uln(std::string_view uln) const { return uln.empty() ? kNoIndex : uln_index_.find(uln_, uln); }

Candidate Matcher::score(const Incoming& in, uint32_t p) const { return score_person(ds_, in, p); }

void Matcher::add_same_dob(const Incoming& in, std::vector<Candidate>& out, uint32_t skip) const {
  auto lo = std::lower_bound(by_dob_.begin(), by_dob_.end(), std::make_pair(in.date_of_birth, uint32_t{0}));
  for (auto it = lo; it != by_dob_.end() && it->first == in.date_of_birth; ++it) {
    if (it->second == skip) continue;
    Candidate c = score(in, it->second);
    if (c.score >= t_.review - kEps) out.push_back(std::move(c));
  }
}

MatchResult Matcher::match(const Incoming& in) const {
  MatchResult r;
  const People& P = ds_.people;
  const uint32_t pu = find_upn(in.upn), pl = find_uln(in.uln);
  auto finish_review = [&](std::vector<Candidate> cands, std::string reason) {
    std::stable_sort(cands.begin(), cands.end(), better);
    if (cands.size() > t_.max_candidates) cands.resize(t_.max_candidates);
    r.outcome = MatchOutcome::kReview;
    r.candidates = std::move(cands);
    r.score = r.candidates.empty() ? 0 : r.candidates[0].score;
    r.reason = std::move(reason);
    return r;
  };

  if (pu != kNoIndex && pl != kNoIndex && pu != pl) {
    Candidate a = score(in, pu), b = score(in, pl);
    a.basis = "UPN; " + a.basis;
    b.basis = "ULN; " + b.basis;
    a.conflict = b.conflict = true;
    return finish_review({a, b}, fmt::format("the UPN belongs to {} but the ULN to {}", P.id[pu], P.id[pl]));
  }
  if (const uint32_t px = pu != kNoIndex ? pu : pl; px != kNoIndex) {
    const bool by_upn = pu != kNoIndex;
    const char* what = by_upn ? "UPN" : "ULN";
    if (P.date_of_birth[px] == in.date_of_birth && P.cohort_status[px] != 'M') {
      Candidate c = score(in, px);
      c.score = 1.0;
      c.basis = what;
      r.outcome = by_upn ? MatchOutcome::kExactUpn : MatchOutcome::kExactUln;
      r.person = px;
      r.score = 1.0;
      r.candidates = {c};
      return r;
    }
    Candidate c = score(in, px);
    std::string reason;
    if (P.date_of_birth[px] != in.date_of_birth) {
      c.dob_differs = true;
      c.basis = fmt::format("{}; date of birth differs (stored {}); {}", what, format_date(P.date_of_birth[px]), c.basis);
      reason = fmt::format("the {} belongs to {} whose date of birth is {}, not {}", what, P.id[px],
                           format_date(P.date_of_birth[px]), format_date(in.date_of_birth));
    } else {
      c.basis = fmt::format("{}; merged duplicate (cohort status M)", what);
      reason = fmt::format("the {} belongs to {}, a merged duplicate (cohort status M)", what, P.id[px]);
    }
    std::vector<Candidate> cands = {c};
    add_same_dob(in, cands, px);
    // Keep the identifier's owner first whatever the name scores say.
    std::stable_sort(cands.begin() + 1, cands.end(), better);
    if (cands.size() > t_.max_candidates) cands.resize(t_.max_candidates);
    r.outcome = MatchOutcome::kReview;
    r.candidates = std::move(cands);
    r.score = r.candidates[0].score;
    r.reason = std::move(reason);
    return r;
  }

  std::vector<Candidate> cands;
  add_same_dob(in, cands, kNoIndex);
  for (Date d : near_dates(in.date_of_birth)) {
    auto lo = std::lower_bound(by_dob_.begin(), by_dob_.end(), std::make_pair(d, uint32_t{0}));
    for (auto it = lo; it != by_dob_.end() && it->first == d; ++it) {
      Candidate c = score(in, it->second);
      if (c.given < t_.name_part - kEps || c.family < t_.name_part - kEps) continue;
      c.dob_differs = true;
      c.score *= 0.9;
      c.basis = fmt::format("{}; date of birth differs (stored {})", c.basis, format_date(d));
      if (c.score >= t_.review - kEps) cands.push_back(std::move(c));
    }
  }
  if (cands.empty()) {
    r.outcome = MatchOutcome::kNoMatch;
    return r;
  }
  std::stable_sort(cands.begin(), cands.end(), better);
  const Candidate& best = cands[0];
  std::string why;
  if (best.dob_differs) why = "the closest candidate has a different date of birth";
  else if (best.conflict) why = fmt::format("the best candidate {} has a different UPN or ULN", P.id[best.person]);
  else if (best.score < t_.confident - kEps)
    why = fmt::format("best score {:.2f} is below the confident threshold {:.2f}", best.score, t_.confident);
  else if (best.given < t_.name_part - kEps || best.family < t_.name_part - kEps)
    why = fmt::format("names not close enough to {}'s: given {:.2f}, family {:.2f} (each needs {:.2f})",
                      P.id[best.person], best.given, best.family, t_.name_part);
  else if (cands.size() > 1 && cands[1].score > best.score - t_.margin + kEps)
    why = fmt::format("{} and {} score within {:.2f} of each other", P.id[best.person], P.id[cands[1].person],
                      t_.margin);
  if (why.empty()) {
    r.outcome = MatchOutcome::kConfident;
    r.person = best.person;
    r.score = best.score;
    if (cands.size() > t_.max_candidates) cands.resize(t_.max_candidates);
    r.candidates = std::move(cands);
    return r;
  }
  return finish_review(std::move(cands), std::move(why));
}

std::vector<DuplicatePair> find_duplicates(const Dataset& ds, double threshold) {
  const People& P = ds.people;
  const auto by_dob = dob_index(ds);
  std::vector<DuplicatePair> out;
  auto consider = [&](uint32_t a, uint32_t b) {
    if (a > b) std::swap(a, b);
    Incoming in{std::string(P.upn[a]), std::string(P.uln[a]), std::string(P.given_name[a]),
                std::string(P.family_name[a]), std::string(P.postcode[a]), P.date_of_birth[a]};
    Candidate c = score_person(ds, in, b);
    if (c.conflict) c.score -= 0.1;
    if (c.score >= threshold - kEps) out.push_back({a, b, c.score, c.basis});
  };
  constexpr size_t kAllPairs = 300;
  for (size_t i = 0; i < by_dob.size();) {
    size_t j = i;
    while (j < by_dob.size() && by_dob[j].first == by_dob[i].first) ++j;
    if (j - i <= kAllPairs) {
      for (size_t x = i; x < j; ++x)
        for (size_t y = x + 1; y < j; ++y) consider(by_dob[x].second, by_dob[y].second);
    } else {
      // A crowded birthday (national data): compare only people who share the initial of a
      // name or a postcode district.
      std::map<std::u32string, std::vector<uint32_t>> blocks;
      for (size_t x = i; x < j; ++x) {
        const uint32_t p = by_dob[x].second;
        for (std::string_view n : {P.given_name[p], P.family_name[p]}) {
          const auto norm = normalise_name(n);
          if (!norm.empty()) blocks[U"n" + norm.substr(0, 1)].push_back(p);
        }
        const std::string pc = normalise_postcode(P.postcode[p]);
        if (!pc.empty()) {
          std::u32string key = U"p";
          for (char c : postcode_district(pc)) key += static_cast<char32_t>(static_cast<unsigned char>(c));
          blocks[key].push_back(p);
        }
      }
      std::set<std::pair<uint32_t, uint32_t>> seen;
      for (auto& [key, members] : blocks) {
        std::sort(members.begin(), members.end());
        members.erase(std::unique(members.begin(), members.end()), members.end());
        for (size_t x = 0; x < members.size(); ++x)
          for (size_t y = x + 1; y < members.size(); ++y)
            if (seen.insert({members[x], members[y]}).second) consider(members[x], members[y]);
      }
    }
    i = j;
  }
  std::sort(out.begin(), out.end(), [](const DuplicatePair& x, const DuplicatePair& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return out;
}

std::string duplicates_csv(const Dataset& ds, const std::vector<DuplicatePair>& pairs) {
  const People& P = ds.people;
  std::string out =
      "person_id_a,given_name_a,family_name_a,postcode_a,upn_a,uln_a,date_of_birth,person_id_b,given_name_b,"
      "family_name_b,postcode_b,upn_b,uln_b,score,basis\n";
  for (const auto& d : pairs) {
    auto person = [&](uint32_t p) {
      return fmt::format("{},{},{},{},{},{}", csv_cell(P.id[p]), csv_cell(P.given_name[p]), csv_cell(P.family_name[p]),
                         csv_cell(P.postcode[p]), csv_cell(P.upn[p]), csv_cell(P.uln[p]));
    };
    out += fmt::format("{},{},{},{:.3f},{}\n", person(d.a), format_date(P.date_of_birth[d.a]), person(d.b), d.score,
                       csv_cell(d.basis));
  }
  return out;
}

}  // namespace pathways
