#include "nccis/la_codes.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pathways::nccis {

// data/la_codes.csv, compiled in by CMake (cmake/embed.cmake).
extern const std::string_view kDefaultLaCodesCsv;

std::string_view la_check_reason(LaCheck c) {
  switch (c) {
    case LaCheck::kCurrent: return "a current English LA code";
    case LaCheck::kUnknown: return "not a DfE LA code";
    case LaCheck::kRetired: return "an LA code retired by a boundary change";
    case LaCheck::kNotYetValid: return "an LA code not yet in use on that date";
    case LaCheck::kNotAnEnglishLa: return "not an English LA (abroad, Wales, Scotland, other UK or unknown area)";
  }
  return "";
}

namespace {

// One CSV line split into fields: commas, with "..." quoting and "" for a quote. Fields
// never span lines in this file.
std::vector<std::string> split_line(std::string_view line, std::string_view origin, size_t line_no) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"' && cell.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else {
      if (was_quoted) throw std::runtime_error(fmt::format("{}:{}: text after a closing quote", origin, line_no));
      cell += c;
    }
  }
  if (quoted) throw std::runtime_error(fmt::format("{}:{}: unterminated quote", origin, line_no));
  out.push_back(std::move(cell));
  return out;
}

}  // namespace

LaCodes LaCodes::parse_csv(std::string_view text, std::string_view origin) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  LaCodes t;
  size_t line_no = 0;
  bool header = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto f = split_line(line, origin, line_no);
    if (header) {
      if (f.size() < 6 || f[0] != "code" || f[1] != "name" || f[2] != "kind" || f[3] != "valid_from" ||
          f[4] != "valid_to" || f[5] != "source")
        throw std::runtime_error(
            fmt::format("{}:{}: expected the header code,name,kind,valid_from,valid_to,source", origin, line_no));
      header = false;
      continue;
    }
    if (f.size() != 6)
      throw std::runtime_error(fmt::format("{}:{}: expected 6 columns, found {}", origin, line_no, f.size()));
    LaCodeEntry e;
    if (f[0].size() != 3 || f[0].find_first_not_of("0123456789") != std::string::npos)
      throw std::runtime_error(fmt::format("{}:{}: code '{}' is not 3 digits", origin, line_no, f[0]));
    e.code = static_cast<uint16_t>(std::stoi(f[0]));
    e.name = f[1];
    if (f[2] == "la")
      e.kind = LaCodeEntry::Kind::kLa;
    else if (f[2] == "outside_england")
      e.kind = LaCodeEntry::Kind::kOutsideEngland;
    else if (f[2] == "unknown")
      e.kind = LaCodeEntry::Kind::kUnknownArea;
    else
      throw std::runtime_error(
          fmt::format("{}:{}: kind '{}' is not la, outside_england or unknown", origin, line_no, f[2]));
    for (int k = 3; k <= 4; ++k) {
      if (f[k].empty()) continue;
      const auto d = parse_date(f[k]);
      if (!d) throw std::runtime_error(fmt::format("{}:{}: '{}' is not a date YYYY-MM-DD", origin, line_no, f[k]));
      (k == 3 ? e.valid_from : e.valid_to) = *d;
    }
    if (e.valid_from != kNoDate && e.valid_to != kNoDate && e.valid_to < e.valid_from)
      throw std::runtime_error(fmt::format("{}:{}: valid_to is before valid_from", origin, line_no));
    e.source = f[5];
    t.entries_.push_back(std::move(e));
  }
  if (header) throw std::runtime_error(fmt::format("{}: empty file", origin));
  std::sort(t.entries_.begin(), t.entries_.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  for (size_t i = 1; i < t.entries_.size(); ++i)
    if (t.entries_[i].code == t.entries_[i - 1].code)
      throw std::runtime_error(fmt::format("{}: code {:03} appears twice", origin, t.entries_[i].code));
  return t;
}

LaCodes LaCodes::load(const std::string& path) {
  if (path.empty()) return defaults();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", path));
  std::ostringstream s;
  s << in.rdbuf();
  return parse_csv(s.str(), path);
}

const LaCodes& LaCodes::defaults() {
  static const LaCodes t = parse_csv(kDefaultLaCodesCsv, "built-in data/la_codes.csv");
  return t;
}

const LaCodeEntry* LaCodes::find(int code) const {
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), code, [](const LaCodeEntry& e, int c) { return e.code < c; });
  return it != entries_.end() && it->code == code ? &*it : nullptr;
}

LaCheck LaCodes::check(int code, Date on) const {
  const LaCodeEntry* e = find(code);
  if (!e) return LaCheck::kUnknown;
  if (e->kind != LaCodeEntry::Kind::kLa) return LaCheck::kNotAnEnglishLa;
  if (e->valid_from != kNoDate && on < e->valid_from) return LaCheck::kNotYetValid;
  if (e->valid_to != kNoDate && on > e->valid_to) return LaCheck::kRetired;
  return LaCheck::kCurrent;
}

}  // namespace pathways::nccis
