// Coaching programmes and the names of their sessions 1-7 (domain.md section 8; the
// issue's "sessions 1-7 with per-programme names"). The defaults are Blackpool's Pathways
// for All (seed 000), in data/programmes.json, compiled in; an LA passes its own file with
// `pathways serve --programmes FILE`. A programme the file does not list, or an empty
// programme, uses the default names.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

namespace pathways {

extern const std::string_view kDefaultProgrammesJson;  // data/programmes.json

class Programmes {
 public:
  using Names = std::array<std::string, 7>;
  // Throws std::runtime_error naming `origin` and the entry on a bad file (not exactly seven
  // non-empty names, a name over 100 characters, unknown keys).
  static Programmes from_json(std::string_view text, std::string_view origin);
  // `path` empty: the built-in defaults.
  static Programmes load(const std::string& path);

  // The session names of `programme` (1-based session n is names[n - 1]).
  const Names& sessions(std::string_view programme) const;

 private:
  Names default_;
  std::map<std::string, Names, std::less<>> by_programme_;
};

}  // namespace pathways
