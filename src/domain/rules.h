// The rules an LA may change without a rebuild: activity codes and their groups,
// currency (lapse) rules, characteristic codes and the vulnerable-group definition.
//
// Rules are loaded from JSON (data/rules.json holds the product defaults and is compiled
// into the binary). Every lookup used by the engine is an array index, so the engine
// never touches a map or a string while evaluating.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace pathways {

// How a person in a group counts in the statutory measures.
enum class Category : uint8_t { kPre16, kEet, kNeet, kCustody, kNotKnown };

struct LapseRule {
  enum class Kind : uint8_t { kNever, kAcademicAge, kNextSeptember, kMonths };
  Kind kind = Kind::kNever;
  int value = 0;  // months for kMonths, academic age for kAcademicAge
};

struct Group {
  std::string name;   // e.g. "eet_education"
  std::string label;
  Category category;
  LapseRule lapse;
};

struct ActivityCode {
  uint16_t code = 0;           // the 3-digit DfE code as written in files
  std::string label;
  uint16_t group = 0;          // index into Rules::groups
  bool participating = false;  // counts towards RPA participation
  std::string eet_type;        // ft_education, pt_education, apprenticeship, ... or ""
  LapseRule lapse;             // the group's rule unless the code overrides it
  uint16_t maps_to = 0;        // legacy codes: the current code they count as; else = code
  bool legacy = false;
};

struct Characteristic {
  uint16_t code;
  std::string label;
};

class Rules {
 public:
  // Parses rules JSON. Throws std::runtime_error naming the offending entry.
  static Rules from_json(std::string_view json_text, std::string_view origin);
  // Loads `path`, or the compiled-in defaults when path is empty.
  static Rules load(const std::string& path);
  static const Rules& defaults();

  // Index into codes() of a 3-digit code, or nullopt when the code is unknown.
  std::optional<uint16_t> code_index(int code) const {
    if (code < 0 || code >= 1000 || index_[code] == kNone) return std::nullopt;
    return index_[code];
  }
  const std::vector<ActivityCode>& codes() const { return codes_; }
  const ActivityCode& code(uint16_t index) const { return codes_[index]; }
  const std::vector<Group>& groups() const { return groups_; }
  const Group& group_of(uint16_t code_index) const { return groups_[codes_[code_index].group]; }
  Category category_of(uint16_t code_index) const { return category_[code_index]; }
  bool participating(uint16_t code_index) const { return codes_[code_index].participating; }
  bool review_date_rule() const { return review_date_rule_; }

  // Characteristics are stored per person as a bit mask; bit i = characteristics()[i].
  const std::vector<Characteristic>& characteristics() const { return characteristics_; }
  std::optional<int> characteristic_bit(int code) const;
  uint32_t vulnerable_mask() const { return vulnerable_mask_; }

  // NEET reason used when a NEET activity has none recorded.
  std::string default_neet_reason(int code) const;

  static constexpr uint16_t kNone = 0xFFFF;

 private:
  std::vector<Group> groups_;
  std::vector<ActivityCode> codes_;
  std::vector<Category> category_;
  std::array<uint16_t, 1000> index_{};
  std::vector<Characteristic> characteristics_;
  uint32_t vulnerable_mask_ = 0;
  bool review_date_rule_ = true;
  std::vector<std::pair<int, std::string>> neet_reason_defaults_;
  std::string neet_reason_fallback_ = "supported";
};

// The 3-character names used for categories in reports ("eet", "neet", ...).
std::string_view category_name(Category c);

}  // namespace pathways
