#include "nccis/la_codes.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pathways::nccis {

// A copy of data/la_codes.csv (tests/nccis_test.cc checks the two are identical).
extern const std::string_view kDefaultLaCodesCsv = R"csv(code,name,kind,valid_from,valid_to,source
000,Abroad,outside_england,,,xsd2015
001,Wales,outside_england,,,xsd2015
002,Scotland,outside_england,,,xsd2015
003,Other UK,outside_england,,,xsd2015
004,Unknown area,unknown,,,xsd2015
201,City of London,la,,,xsd2015
202,Camden,la,,,xsd2015
203,Greenwich,la,,,xsd2015
204,Hackney,la,,,xsd2015
205,Hammersmith and Fulham,la,,,xsd2015
206,Islington,la,,,xsd2015
207,Kensington and Chelsea,la,,,xsd2015
208,Lambeth,la,,,xsd2015
209,Lewisham,la,,,xsd2015
210,Southwark,la,,,xsd2015
211,Tower Hamlets,la,,,xsd2015
212,Wandsworth,la,,,xsd2015
213,Westminster,la,,,xsd2015
301,Barking and Dagenham,la,,,xsd2015
302,Barnet,la,,,xsd2015
303,Bexley,la,,,xsd2015
304,Brent,la,,,xsd2015
305,Bromley,la,,,xsd2015
306,Croydon,la,,,xsd2015
307,Ealing,la,,,xsd2015
308,Enfield,la,,,xsd2015
309,Haringey,la,,,xsd2015
310,Harrow,la,,,xsd2015
311,Havering,la,,,xsd2015
312,Hillingdon,la,,,xsd2015
313,Hounslow,la,,,xsd2015
314,Kingston upon Thames,la,,,xsd2015
315,Merton,la,,,xsd2015
316,Newham,la,,,xsd2015
317,Redbridge,la,,,xsd2015
318,Richmond upon Thames,la,,,xsd2015
319,Sutton,la,,,xsd2015
320,Waltham Forest,la,,,xsd2015
330,Birmingham,la,,,xsd2015
331,Coventry,la,,,xsd2015
332,Dudley,la,,,xsd2015
333,Sandwell,la,,,xsd2015
334,Solihull,la,,,xsd2015
335,Walsall,la,,,xsd2015
336,Wolverhampton,la,,,xsd2015
340,Knowsley,la,,,xsd2015
341,Liverpool,la,,,xsd2015
342,St Helens,la,,,xsd2015
343,Sefton,la,,,xsd2015
344,Wirral,la,,,xsd2015
350,Bolton,la,,,xsd2015
351,Bury,la,,,xsd2015
352,Manchester,la,,,xsd2015
353,Oldham,la,,,xsd2015
354,Rochdale,la,,,xsd2015
355,Salford,la,,,xsd2015
356,Stockport,la,,,xsd2015
357,Tameside,la,,,xsd2015
358,Trafford,la,,,xsd2015
359,Wigan,la,,,xsd2015
370,Barnsley,la,,,xsd2015
371,Doncaster,la,,,xsd2015
372,Rotherham,la,,,xsd2015
373,Sheffield,la,,,xsd2015
380,Bradford,la,,,xsd2015
381,Calderdale,la,,,xsd2015
382,Kirklees,la,,,xsd2015
383,Leeds,la,,,xsd2015
384,Wakefield,la,,,xsd2015
390,Gateshead,la,,,xsd2015
391,Newcastle upon Tyne,la,,,xsd2015
392,North Tyneside,la,,,xsd2015
393,South Tyneside,la,,,xsd2015
394,Sunderland,la,,,xsd2015
420,Isles of Scilly,la,,,xsd2015
800,Bath and North East Somerset,la,,,xsd2015
801,Bristol,la,,,xsd2015
802,North Somerset,la,,,xsd2015
803,South Gloucestershire,la,,,xsd2015
805,Hartlepool,la,,,xsd2015
806,Middlesbrough,la,,,xsd2015
807,Redcar and Cleveland,la,,,xsd2015
808,Stockton-on-Tees,la,,,xsd2015
810,Kingston upon Hull,la,,,xsd2015
811,East Riding of Yorkshire,la,,,xsd2015
812,North East Lincolnshire,la,,,xsd2015
813,North Lincolnshire,la,,,xsd2015
815,North Yorkshire,la,,,xsd2015
816,York,la,,,xsd2015
821,Luton,la,,,xsd2015
822,Bedford,la,,,xsd2015
823,Central Bedfordshire,la,,,xsd2015
825,Buckinghamshire,la,,,xsd2015
826,Milton Keynes,la,,,xsd2015
830,Derbyshire,la,,,xsd2015
831,Derby,la,,,xsd2015
835,Dorset (before April 2019),la,,2019-03-31,xsd2015+ukgeog
836,Poole,la,,2019-03-31,xsd2015+ukgeog
837,Bournemouth,la,,2019-03-31,xsd2015+ukgeog
838,Dorset,la,2019-04-01,,ukgeog
839,"Bournemouth, Christchurch and Poole",la,2019-04-01,,ukgeog
840,Durham,la,,,xsd2015
841,Darlington,la,,,xsd2015
845,East Sussex,la,,,xsd2015
846,Brighton and Hove,la,,,xsd2015
850,Hampshire,la,,,xsd2015
851,Portsmouth,la,,,xsd2015
852,Southampton,la,,,xsd2015
855,Leicestershire,la,,,xsd2015
856,Leicester,la,,,xsd2015
857,Rutland,la,,,xsd2015
860,Staffordshire,la,,,xsd2015
861,Stoke-on-Trent,la,,,xsd2015
865,Wiltshire,la,,,xsd2015
866,Swindon,la,,,xsd2015
867,Bracknell Forest,la,,,xsd2015
868,Windsor and Maidenhead,la,,,xsd2015
869,West Berkshire,la,,,xsd2015
870,Reading,la,,,xsd2015
871,Slough,la,,,xsd2015
872,Wokingham,la,,,xsd2015
873,Cambridgeshire,la,,,xsd2015
874,Peterborough,la,,,xsd2015
876,Halton,la,,,xsd2015
877,Warrington,la,,,xsd2015
878,Devon,la,,,xsd2015
879,Plymouth,la,,,xsd2015
880,Torbay,la,,,xsd2015
881,Essex,la,,,xsd2015
882,Southend-on-Sea,la,,,xsd2015
883,Thurrock,la,,,xsd2015
884,Herefordshire,la,,,xsd2015
885,Worcestershire,la,,,xsd2015
886,Kent,la,,,xsd2015
887,Medway,la,,,xsd2015
888,Lancashire,la,,,xsd2015
889,Blackburn with Darwen,la,,,xsd2015
890,Blackpool,la,,,xsd2015
891,Nottinghamshire,la,,,xsd2015
892,Nottingham,la,,,xsd2015
893,Shropshire,la,,,xsd2015
894,Telford and Wrekin,la,,,xsd2015
895,Cheshire East,la,,,xsd2015
896,Cheshire West and Chester,la,,,xsd2015
908,Cornwall,la,,,xsd2015
909,Cumbria,la,,2023-03-31,xsd2015
916,Gloucestershire,la,,,xsd2015
919,Hertfordshire,la,,,xsd2015
921,Isle of Wight,la,,,xsd2015
925,Lincolnshire,la,,,xsd2015
926,Norfolk,la,,,xsd2015
928,Northamptonshire,la,,2021-03-31,xsd2015+ukgeog
929,Northumberland,la,,,xsd2015
931,Oxfordshire,la,,,xsd2015
933,Somerset,la,,,xsd2015
935,Suffolk,la,,,xsd2015
936,Surrey,la,,,xsd2015
937,Warwickshire,la,,,xsd2015
938,West Sussex,la,,,xsd2015
940,North Northamptonshire,la,2021-04-01,,ukgeog
941,West Northamptonshire,la,2021-04-01,,ukgeog
942,Cumberland,la,2023-04-01,,unconfirmed
943,Westmorland and Furness,la,2023-04-01,,unconfirmed
)csv";

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
