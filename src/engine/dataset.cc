#include "engine/dataset.h"


namespace pathways {

std::string_view gender_code(Gender g) {
  switch (g) {
    case Gender::kFemale: return "F";
    case Gender::kMale: return "M";
    case Gender::kOther: return "X";
    case Gender::kUnknown: break;
  }
  return "U";
}

std::string_view sen_code(SenStatus s) {
  switch (s) {
    case SenStatus::kSenSupport: return "K";
    case SenStatus::kEhcPlan: return "E";
    case SenStatus::kNone: break;
  }
  return "N";
}

std::string_view neet_reason_name(NeetReason r) {
  switch (r) {
    case NeetReason::kAwaitingStart: return "awaiting_start";
    case NeetReason::kApplied: return "applied";
    case NeetReason::kSupported: return "supported";
    case NeetReason::kNotReady: return "not_ready";
    case NeetReason::kUnwilling: return "unwilling";
    case NeetReason::kNone: break;
  }
  return "";
}

const std::vector<std::string_view>& indicator_flag_names() {
  static const std::vector<std::string_view> names = {
      "fsm", "eal", "cin", "cp_plan", "young_carer", "home_instability", "mental_health", "camhs",
      "substance_misuse", "physical_health", "missed_education", "ehe", "ap_pru"};
  return names;
}

namespace {
inline uint64_t hash_id(std::string_view s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, then a final mix
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return h;
}
}  // namespace

uint32_t TextIndex::insert(const TextColumn& col, uint32_t i) {
  if (slots_.size() < 16 || count_ * 2 >= slots_.size()) {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(old.size() < 16 ? 64 : old.size() * 2, kNoIndex);
    const size_t mask = slots_.size() - 1;
    for (uint32_t q : old) {
      if (q == kNoIndex) continue;
      size_t slot = hash_id(col[q]) & mask;
      while (slots_[slot] != kNoIndex) slot = (slot + 1) & mask;
      slots_[slot] = q;
    }
  }
  const size_t mask = slots_.size() - 1;
  const std::string_view text = col[i];
  size_t slot = hash_id(text) & mask;
  while (slots_[slot] != kNoIndex) {
    if (col[slots_[slot]] == text) return slots_[slot];
    slot = (slot + 1) & mask;
  }
  slots_[slot] = i;
  ++count_;
  return i;
}

uint32_t TextIndex::find(const TextColumn& col, std::string_view s) const {
  if (slots_.empty()) return kNoIndex;
  const size_t mask = slots_.size() - 1;
  size_t slot = hash_id(s) & mask;
  while (slots_[slot] != kNoIndex) {
    if (col[slots_[slot]] == s) return slots_[slot];
    slot = (slot + 1) & mask;
  }
  return kNoIndex;
}

}  // namespace pathways
