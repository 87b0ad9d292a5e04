#include "coaching/programmes.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pathways {

namespace {

Programmes::Names names_of(const nlohmann::json& j, std::string_view origin, const std::string& where) {
  if (!j.is_array() || j.size() != 7)
    throw std::runtime_error(fmt::format("{}: {}: give exactly seven session names", origin, where));
  Programmes::Names out;
  for (size_t i = 0; i < 7; ++i) {
    if (!j[i].is_string() || j[i].get<std::string>().empty() || j[i].get<std::string>().size() > 100)
      throw std::runtime_error(fmt::format("{}: {}: session {}: a name of 1-100 characters", origin, where, i + 1));
    out[i] = j[i].get<std::string>();
  }
  return out;
}

}  // namespace

Programmes Programmes::from_json(std::string_view text, std::string_view origin) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(fmt::format("{}: not a JSON object", origin));
  for (const auto& [key, value] : j.items())
    if (key != "description" && key != "default_sessions" && key != "programmes")
      throw std::runtime_error(fmt::format("{}: unknown key '{}'", origin, key));
  Programmes p;
  if (!j.contains("default_sessions")) throw std::runtime_error(fmt::format("{}: default_sessions is missing", origin));
  p.default_ = names_of(j["default_sessions"], origin, "default_sessions");
  if (j.contains("programmes")) {
    if (!j["programmes"].is_object()) throw std::runtime_error(fmt::format("{}: programmes: an object", origin));
    for (const auto& [name, value] : j["programmes"].items())
      p.by_programme_[name] = names_of(value, origin, "programmes: " + name);
  }
  return p;
}

Programmes Programmes::load(const std::string& path) {
  if (path.empty()) return from_json(kDefaultProgrammesJson, "data/programmes.json (built in)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read the programmes file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path);
}

const Programmes::Names& Programmes::sessions(std::string_view programme) const {
  const auto it = by_programme_.find(programme);
  return it == by_programme_.end() ? default_ : it->second;
}

}  // namespace pathways
