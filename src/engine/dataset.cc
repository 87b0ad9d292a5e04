#include "engine/dataset.h"

#include <algorithm>


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

void TextIndex::reserve(size_t n) {
  size_t cap = 64;
  while (cap < n * 2) cap <<= 1;
  if (cap > slots_.size() && count_ == 0) slots_.assign(cap, Slot{});
}

std::vector<std::pair<uint32_t, uint32_t>> TextIndex::build(const TextColumn& col, bool skip_empty) {
  std::vector<std::pair<uint32_t, uint32_t>> repeats;
  clear();
  size_t cap = 64;
  while (cap < col.size() * 2) cap <<= 1;
  slots_.assign(cap, Slot{});
  const size_t mask = cap - 1;
  constexpr size_t kBatch = 16;
  uint64_t hashes[kBatch];
  const auto n = static_cast<uint32_t>(col.size());
  for (uint32_t b = 0; b < n; b += kBatch) {
    const uint32_t e = std::min<uint32_t>(n, b + kBatch);
    for (uint32_t i = b; i < e; ++i) {
      hashes[i - b] = hash_id(col[i]);
      __builtin_prefetch(&slots_[hashes[i - b] & mask]);
    }
    for (uint32_t i = b; i < e; ++i) {
      const std::string_view text = col[i];
      if (skip_empty && text.empty()) continue;
      const uint64_t h = hashes[i - b];
      const auto tag = static_cast<uint32_t>(h >> 32);
      size_t slot = h & mask;
      bool repeat = false;
      while (slots_[slot].item != kNoIndex) {
        if (slots_[slot].tag == tag && col[slots_[slot].item] == text) {
          repeats.emplace_back(i, slots_[slot].item);
          repeat = true;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (!repeat) {
        slots_[slot] = {i, tag};
        ++count_;
      }
    }
  }
  return repeats;
}

void TextIndex::grow(const TextColumn& col, size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  const size_t mask = capacity - 1;
  for (const Slot& s : old) {
    if (s.item == kNoIndex) continue;
    size_t slot = hash_id(col[s.item]) & mask;
    while (slots_[slot].item != kNoIndex) slot = (slot + 1) & mask;
    slots_[slot] = s;
  }
}

uint32_t TextIndex::insert(const TextColumn& col, uint32_t i) {
  if (slots_.size() < 64 || count_ * 2 >= slots_.size()) grow(col, slots_.size() < 64 ? 64 : slots_.size() * 2);
  const size_t mask = slots_.size() - 1;
  const std::string_view text = col[i];
  const uint64_t h = hash_id(text);
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t slot = h & mask;
  while (slots_[slot].item != kNoIndex) {
    if (slots_[slot].tag == tag && col[slots_[slot].item] == text) return slots_[slot].item;
    slot = (slot + 1) & mask;
  }
  slots_[slot] = {i, tag};
  ++count_;
  return i;
}

uint32_t TextIndex::find(const TextColumn& col, std::string_view s) const {
  if (slots_.empty()) return kNoIndex;
  const size_t mask = slots_.size() - 1;
  const uint64_t h = hash_id(s);
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t slot = h & mask;
  while (slots_[slot].item != kNoIndex) {
    if (slots_[slot].tag == tag && col[slots_[slot].item] == s) return slots_[slot].item;
    slot = (slot + 1) & mask;
  }
  return kNoIndex;
}

}  // namespace pathways
