// The in-memory dataset: every person and activity in compact columns.
//
// People are numbered 0..n-1 in file order. Activities are grouped by person
// (compressed sparse rows): the activities of person p are the indexes
// activity_begin[p] .. activity_begin[p+1]-1, in the order they appeared in the file.
// Text is kept in one buffer per column; small vocabularies (schools, providers,
// sources, ethnicity codes) are interned as dictionaries. Nothing here allocates
// per row, so a national dataset (several million people) fits in a few hundred MiB.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace pathways {

inline constexpr uint32_t kNoIndex = UINT32_MAX;
inline constexpr Date kNever = INT32_MAX;  // a lapse date that never comes

// Many strings in one buffer: item i is data[end[i-1] .. end[i]). A column holds at most
// 4 GiB of text.
class TextColumn {
 public:
  void push(std::string_view s) {
    data_.append(s);
    if (data_.size() > UINT32_MAX) throw std::length_error("text column larger than 4 GiB");
    end_.push_back(static_cast<uint32_t>(data_.size()));
  }
  std::string_view operator[](size_t i) const {
    const size_t b = i == 0 ? 0 : end_[i - 1];
    return std::string_view(data_).substr(b, end_[i] - b);
  }
  size_t size() const { return end_.size(); }
  void reserve(size_t n, size_t bytes) { end_.reserve(n); data_.reserve(bytes); }
  size_t bytes() const { return data_.capacity() + end_.capacity() * sizeof(uint32_t); }

 private:
  std::string data_;
  std::vector<uint32_t> end_;
};

// A hash index over the items of a TextColumn (open addressing, 4 bytes a slot), used to
// find people by id and to catch duplicate ids, UPNs and ULNs without a node per row.
class TextIndex {
 public:
  // Adds item i of `col`; returns i, or the earlier item with the same text.
  uint32_t insert(const TextColumn& col, uint32_t i);
  // The item whose text is `s`, or kNoIndex.
  uint32_t find(const TextColumn& col, std::string_view s) const;
  void clear() { slots_.clear(); count_ = 0; }
  // Sizes the table for about n items, so inserting them never rehashes.
  void reserve(size_t n);
  // Indexes every item of `col` (skipping empty ones when asked), in batches that
  // prefetch their slots, which is several times faster than inserting one by one on a
  // large column. Returns (item, earlier item with the same text) for each repeat.
  std::vector<std::pair<uint32_t, uint32_t>> build(const TextColumn& col, bool skip_empty);

 private:
  // A slot holds the item and 32 bits of its hash, so most probes that miss are
  // settled without touching the text.
  struct Slot {
    uint32_t item = kNoIndex;
    uint32_t tag = 0;
  };
  void grow(const TextColumn& col, size_t capacity);
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// A small vocabulary of distinct strings, numbered in order of first appearance.
class Dictionary {
 public:
  uint32_t intern(std::string_view s) {
    if (last_ != kNoIndex && values_[last_] == s) return last_;  // runs of one value are common
    uint32_t i = index_.find(values_, s);
    if (i == kNoIndex) {
      values_.push(s);
      i = index_.insert(values_, static_cast<uint32_t>(values_.size() - 1));
    }
    last_ = i;
    return i;
  }
  uint32_t find(std::string_view s) const { return index_.find(values_, s); }
  std::string_view operator[](uint32_t i) const { return values_[i]; }
  size_t size() const { return values_.size(); }

 private:
  TextColumn values_;
  TextIndex index_;
  uint32_t last_ = kNoIndex;
};

enum class Gender : uint8_t { kUnknown = 0, kFemale, kMale, kOther };
enum class SenStatus : uint8_t { kNone = 0, kSenSupport, kEhcPlan };

std::string_view gender_code(Gender g);       // "F", "M", "X", "U"
std::string_view sen_code(SenStatus s);       // "N", "K", "E"

// NEET reasons recorded on activities (formats.md), 0 = none recorded.
enum class NeetReason : uint8_t { kNone = 0, kAwaitingStart, kApplied, kSupported, kNotReady, kUnwilling };
std::string_view neet_reason_name(NeetReason r);

struct People {
  TextColumn id, upn, uln, given_name, family_name, postcode;
  std::vector<Date> date_of_birth;
  std::vector<Gender> gender;
  std::vector<uint32_t> ethnicity;        // Dataset::ethnicities, kNoIndex when empty
  std::vector<uint16_t> la_code;          // 3-digit LA code
  std::vector<char> cohort_status;        // P G A T E M D L
  std::vector<SenStatus> sen_status;
  std::vector<uint32_t> characteristics;  // bit i = Rules::characteristics()[i]
  std::vector<uint8_t> level_of_need;     // 0 = none, 1-3
  std::vector<uint32_t> school;           // Dataset::schools, kNoIndex when empty
  // Derived (engine/status.h derive()): academic age in the year starting 1 September Y
  // is Y - age_base.
  std::vector<int16_t> age_base;

  size_t size() const { return date_of_birth.size(); }
};

struct Activities {
  std::vector<uint16_t> code;       // index into Rules::codes()
  std::vector<Date> start, end, verified, review;  // kNoDate when empty
  std::vector<NeetReason> neet_reason;
  std::vector<uint32_t> provider;   // Dataset::providers, kNoIndex when empty
  std::vector<uint32_t> source;     // Dataset::sources, kNoIndex when empty
  std::vector<uint32_t> line;       // line in activities.csv, for messages
  // Derived (engine/status.h derive()): the lapse date when the last verification is the
  // start date, and when it is the verified date; kNever when it never lapses.
  std::vector<Date> lapse_from_start, lapse_from_verified;

  size_t size() const { return code.size(); }
};

// One row of indicators.csv.
struct Indicators {
  std::vector<uint32_t> person;
  std::vector<uint16_t> academic_year;
  std::vector<uint8_t> year_group;
  std::vector<uint32_t> school;
  std::vector<float> attendance_pct;    // NaN when empty
  std::vector<uint16_t> suspensions, permanent_exclusions;
  std::vector<uint32_t> flags;          // bit per yes/no column, see indicator_flag_names()
  std::vector<uint8_t> attainment_band; // 0 none, 1 low, 2 middle, 3 high

  size_t size() const { return person.size(); }
};
const std::vector<std::string_view>& indicator_flag_names();

struct Dataset {
  People people;
  std::vector<uint32_t> activity_begin;  // size people.size() + 1
  Activities activities;
  Indicators indicators;
  Dictionary schools, providers, sources, ethnicities;

  uint32_t find_person(std::string_view id) const { return person_index.find(people.id, id); }
  // Adds person p to the id index; returns p, or the earlier person with the same id.
  uint32_t index_person(uint32_t p) { return person_index.insert(people.id, p); }
  // Indexes all people at once; returns (person, earlier person) for repeated ids.
  std::vector<std::pair<uint32_t, uint32_t>> build_person_index() { return person_index.build(people.id, false); }

  TextIndex person_index;
};

}  // namespace pathways
