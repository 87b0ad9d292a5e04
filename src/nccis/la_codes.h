// The 3-digit DfE local authority codes the NCCIS return accepts.
//
// The built-in table is data/la_codes.csv compiled in (la_codes.cc holds a byte-for-byte
// copy; tests/nccis_test.cc checks they agree). Columns: code, name, kind (la,
// outside_england, unknown), valid_from, valid_to (ISO dates, empty = open), source (see
// docs/nccis.md). An LA can pass its own edited copy (e.g. after a boundary change) with
// LaCodes::load(path).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace pathways::nccis {

struct LaCodeEntry {
  uint16_t code = 0;
  std::string name;
  enum class Kind : uint8_t { kLa, kOutsideEngland, kUnknownArea } kind = Kind::kLa;
  Date valid_from = kNoDate;  // kNoDate = always
  Date valid_to = kNoDate;    // last valid day; kNoDate = still valid
  std::string source;
};

enum class LaCheck : uint8_t {
  kCurrent,        // an English LA code valid on the date
  kUnknown,        // not in the table
  kRetired,        // an English LA code no longer valid on the date (boundary change)
  kNotYetValid,    // an English LA code that only starts after the date
  kNotAnEnglishLa  // 000-004: abroad, Wales, Scotland, other UK, unknown area
};

std::string_view la_check_reason(LaCheck c);

class LaCodes {
 public:
  // Parses the CSV text. Throws std::runtime_error naming origin and line.
  static LaCodes parse_csv(std::string_view text, std::string_view origin);
  // Reads `path`, or returns the built-in table when path is empty.
  static LaCodes load(const std::string& path);
  static const LaCodes& defaults();

  const LaCodeEntry* find(int code) const;
  LaCheck check(int code, Date on) const;
  const std::vector<LaCodeEntry>& entries() const { return entries_; }

 private:
  std::vector<LaCodeEntry> entries_;  // sorted by code
};

// The built-in copy of data/la_codes.csv.
extern const std::string_view kDefaultLaCodesCsv;

}  // namespace pathways::nccis
