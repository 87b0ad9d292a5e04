#include "server/search.h"

#include <algorithm>
#include <cctype>

#include "domain/date.h"
#include "partner/match.h"

namespace pathways::web {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_like_upn(std::string_view s) {
  return s.size() == 13 && std::isalpha(static_cast<unsigned char>(s[0])) && all_digits(s.substr(1, 11));
}

// "2009-03-14" or "14/03/2009" (also "14-03-2009", "14.03.2009").
std::optional<Date> parse_query_date(std::string_view s) {
  if (auto d = parse_date(s)) return d;
  if (s.size() == 10 && (s[2] == '/' || s[2] == '-' || s[2] == '.') && s[5] == s[2] && all_digits(s.substr(0, 2)) &&
      all_digits(s.substr(3, 2)) && all_digits(s.substr(6, 4))) {
    std::string iso = std::string(s.substr(6, 4)) + "-" + std::string(s.substr(3, 2)) + "-" + std::string(s.substr(0, 2));
    return parse_date(iso);
  }
  return std::nullopt;
}

char32_t first_letter(const std::u32string& s) { return s.empty() ? 0 : s[0]; }

}  // namespace

std::vector<SearchHit> search_people(const Dataset& ds, std::string_view query,
                                     const std::function<bool(uint32_t)>& visible, size_t limit) {
  std::vector<SearchHit> hits;
  std::vector<std::string> tokens;
  {
    std::string cur;
    for (char c : query) {
      if (c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r') {
        if (!cur.empty()) tokens.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
  }
  if (tokens.empty() || tokens.size() > 8) return hits;

  std::optional<Date> dob;
  std::string name_text;
  for (const auto& t : tokens) {
    if (auto d = parse_query_date(t)) {
      dob = d;
      continue;
    }
    // Identifiers: exact matches.
    std::string upper = t;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    const uint32_t by_id = ds.find_person(t);
    if (by_id != kNoIndex && visible(by_id)) {
      hits.push_back({by_id, 1.0, "person_id"});
      continue;
    }
    if (looks_like_upn(upper) || (t.size() == 10 && all_digits(t))) {
      const bool upn = looks_like_upn(upper);
      const TextColumn& col = upn ? ds.people.upn : ds.people.uln;
      for (uint32_t p = 0; p < ds.people.size() && hits.size() < limit; ++p)
        if (col[p] == (upn ? std::string_view(upper) : std::string_view(t)) && visible(p))
          hits.push_back({p, 1.0, upn ? "upn" : "uln"});
      continue;
    }
    name_text += (name_text.empty() ? "" : " ") + t;
  }
  if (!hits.empty() && name_text.empty()) return hits;

  const auto words = name_parts(name_text);
  if (words.empty()) {
    if (!dob) return hits;
    for (uint32_t p = 0; p < ds.people.size() && hits.size() < limit; ++p)
      if (ds.people.date_of_birth[p] == *dob && visible(p)) hits.push_back({p, 1.0, "date_of_birth"});
    return hits;
  }
  // On a very large dataset, only names sharing a first letter with a query word are scored
  // (a typo in the first letter is rare; Jaro-Winkler weighs the start most anyway).
  const bool prefilter = ds.people.size() > 200000;
  std::vector<char32_t> firsts;
  for (const auto& w : words) firsts.push_back(first_letter(w));
  auto first_of = [](std::string_view s) -> char32_t {
    for (char c : s) {
      if (std::isalpha(static_cast<unsigned char>(c))) return static_cast<char32_t>(std::tolower(static_cast<unsigned char>(c)));
      if (static_cast<unsigned char>(c) >= 0x80) return 0;  // not ASCII: score it
    }
    return 0;
  };
  std::vector<SearchHit> scored;
  for (uint32_t p = 0; p < ds.people.size(); ++p) {
    if (dob && ds.people.date_of_birth[p] != *dob) continue;
    const std::string_view given = ds.people.given_name[p], family = ds.people.family_name[p];
    if (prefilter) {
      const char32_t a = first_of(given), b = first_of(family);
      if (a && b && std::find(firsts.begin(), firsts.end(), a) == firsts.end() &&
          std::find(firsts.begin(), firsts.end(), b) == firsts.end())
        continue;
    }
    auto parts = name_parts(given);
    for (auto& f : name_parts(family)) parts.push_back(std::move(f));
    if (parts.empty()) continue;
    double total = 0;
    for (const auto& w : words) {
      double best = 0;
      for (const auto& part : parts) best = std::max(best, jaro_winkler(w, part));
      total += best;
    }
    const double score = total / static_cast<double>(words.size());
    if (score >= 0.84 && visible(p)) scored.push_back({p, score, "name"});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  for (auto& h : scored) {
    if (hits.size() >= limit) break;
    if (std::none_of(hits.begin(), hits.end(), [&](const SearchHit& x) { return x.person == h.person; })) hits.push_back(h);
  }
  return hits;
}

}  // namespace pathways::web
