#include "domain/rules.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pathways {

extern const std::string_view kDefaultRulesJson;

namespace {

using nlohmann::json;

[[noreturn]] void fail(std::string_view origin, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", origin, what));
}

Category parse_category(std::string_view origin, const std::string& s) {
  if (s == "pre16") return Category::kPre16;
  if (s == "eet") return Category::kEet;
  if (s == "neet") return Category::kNeet;
  if (s == "custody") return Category::kCustody;
  if (s == "not_known") return Category::kNotKnown;
  fail(origin, fmt::format("unknown category '{}' (expected pre16, eet, neet, custody, not_known)", s));
}

LapseRule parse_lapse(std::string_view origin, const std::string& where, const json& j) {
  LapseRule r;
  const std::string kind = j.value("kind", "");
  if (kind == "never") {
    r.kind = LapseRule::Kind::kNever;
  } else if (kind == "next_september") {
    r.kind = LapseRule::Kind::kNextSeptember;
  } else if (kind == "months") {
    r.kind = LapseRule::Kind::kMonths;
    r.value = j.value("months", 0);
    if (r.value < 1 || r.value > 120) fail(origin, fmt::format("{}: months must be 1-120", where));
  } else if (kind == "academic_age") {
    r.kind = LapseRule::Kind::kAcademicAge;
    r.value = j.value("age", 0);
    if (r.value < 1 || r.value > 30) fail(origin, fmt::format("{}: age must be 1-30", where));
  } else {
    fail(origin, fmt::format("{}: unknown lapse kind '{}'", where, kind));
  }
  return r;
}

}  // namespace

Rules Rules::from_json(std::string_view text, std::string_view origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail(origin, fmt::format("not valid JSON: {}", e.what()));
  }
  Rules r;
  r.index_.fill(kNone);
  try {
    r.review_date_rule_ = j.value("review_date_rule", true);
    std::vector<std::string> group_names;
    for (const auto& [name, g] : j.at("groups").items()) {
      r.groups_.push_back({name, g.value("label", name),
                           parse_category(origin, g.at("category").get<std::string>()),
                           parse_lapse(origin, "group " + name, g.at("lapse"))});
    }
    auto group_index = [&](const std::string& name) -> uint16_t {
      for (size_t i = 0; i < r.groups_.size(); ++i)
        if (r.groups_[i].name == name) return static_cast<uint16_t>(i);
      fail(origin, fmt::format("unknown group '{}'", name));
    };
    for (const auto& c : j.at("activity_codes")) {
      ActivityCode a;
      const int code = c.at("code").get<int>();
      if (code < 100 || code > 999) fail(origin, fmt::format("activity code {} is not 3 digits", code));
      if (r.index_[code] != kNone) fail(origin, fmt::format("activity code {} listed twice", code));
      a.code = static_cast<uint16_t>(code);
      a.maps_to = a.code;
      a.label = c.value("label", "");
      a.group = group_index(c.at("group").get<std::string>());
      a.participating = c.value("participating", false);
      a.eet_type = c.value("eet_type", "");
      a.lapse = c.contains("lapse") ? parse_lapse(origin, fmt::format("code {}", code), c.at("lapse"))
                                    : r.groups_[a.group].lapse;
      r.index_[code] = static_cast<uint16_t>(r.codes_.size());
      r.codes_.push_back(std::move(a));
    }
    if (j.contains("legacy_codes")) {
      for (const auto& c : j.at("legacy_codes")) {
        const int code = c.at("code").get<int>();
        const int target = c.at("maps_to").get<int>();
        if (code < 100 || code > 999) fail(origin, fmt::format("legacy code {} is not 3 digits", code));
        if (r.index_[code] != kNone) fail(origin, fmt::format("legacy code {} is also a current code", code));
        if (target < 0 || target > 999 || r.index_[target] == kNone)
          fail(origin, fmt::format("legacy code {} maps to unknown code {}", code, target));
        ActivityCode a = r.codes_[r.index_[target]];
        a.code = static_cast<uint16_t>(code);
        a.maps_to = static_cast<uint16_t>(target);
        a.label = c.value("label", a.label);
        a.legacy = true;
        r.index_[code] = static_cast<uint16_t>(r.codes_.size());
        r.codes_.push_back(std::move(a));
      }
    }
    for (const auto& a : r.codes_) r.category_.push_back(r.groups_[a.group].category);
    for (const auto& c : j.at("characteristics")) {
      r.characteristics_.push_back({c.at("code").get<uint16_t>(), c.value("label", "")});
    }
    if (r.characteristics_.size() > 32) fail(origin, "at most 32 characteristic codes are supported");
    for (const auto& v : j.at("vulnerable_group")) {
      auto bit = r.characteristic_bit(v.get<int>());
      if (!bit) fail(origin, fmt::format("vulnerable_group names unknown characteristic {}", v.get<int>()));
      r.vulnerable_mask_ |= 1u << *bit;
    }
    if (j.contains("neet_reason_defaults")) {
      for (const auto& [k, v] : j.at("neet_reason_defaults").items()) {
        if (k == "default") r.neet_reason_fallback_ = v.get<std::string>();
        else r.neet_reason_defaults_.emplace_back(std::stoi(k), v.get<std::string>());
      }
    }
  } catch (const json::exception& e) {
    fail(origin, fmt::format("missing or malformed entry: {}", e.what()));
  }
  return r;
}

Rules Rules::load(const std::string& path) {
  if (path.empty()) return from_json(kDefaultRulesJson, "built-in rules");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open rules file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return from_json(ss.str(), path);
}

const Rules& Rules::defaults() {
  static const Rules r = from_json(kDefaultRulesJson, "built-in rules");
  return r;
}

std::optional<int> Rules::characteristic_bit(int code) const {
  for (size_t i = 0; i < characteristics_.size(); ++i)
    if (characteristics_[i].code == code) return static_cast<int>(i);
  return std::nullopt;
}

std::string Rules::default_neet_reason(int code) const {
  for (const auto& [c, reason] : neet_reason_defaults_)
    if (c == code) return reason;
  return neet_reason_fallback_;
}

std::string_view category_name(Category c) {
  switch (c) {
    case Category::kPre16: return "pre16";
    case Category::kEet: return "eet";
    case Category::kNeet: return "neet";
    case Category::kCustody: return "custody";
    case Category::kNotKnown: return "not_known";
  }
  return "?";
}

}  // namespace pathways
