#include "coaching/panel.h"

#include <map>

#include <fmt/format.h>

#include "engine/status.h"

namespace pathways {

Date default_progression_date(int year) { return make_date(year + 1, 12, 31); }

PanelReport panel_report(const Dataset& ds, const Rules& rules, const std::vector<PanelReferral>& referrals, int year,
                         Date on, const std::string& school) {
  PanelReport r;
  r.year = year;
  r.progression_date = on;
  r.school = school;
  const Date first = make_date(year, 9, 1), last = make_date(year + 1, 8, 31);
  // The latest referral of each person in the year.
  std::map<uint32_t, const PanelReferral*> latest;
  for (const auto& x : referrals) {
    if (x.referred < first || x.referred > last) continue;
    if (!school.empty() && x.school_id != school) continue;
    auto& slot = latest[x.person];
    if (!slot || x.referred > slot->referred) slot = &x;
  }
  for (const auto& [p, x] : latest) {
    PanelOutcomes& by = r.by_rag[static_cast<size_t>(x->rag)];
    const Status s = status_on(ds, rules, p, on);
    int64_t PanelOutcomes::*field = &PanelOutcomes::not_known;
    if (s.known()) {
      switch (rules.category_of(ds.activities.code[s.activity])) {
        case Category::kEet: field = &PanelOutcomes::eet; break;
        case Category::kNeet: field = &PanelOutcomes::neet; break;
        case Category::kCustody: field = &PanelOutcomes::custody; break;
        case Category::kPre16:
        case Category::kNotKnown: break;
      }
    }
    for (PanelOutcomes* o : {&r.all, &by}) {
      ++o->referred;
      ++(o->*field);
      if (x->panel_date != kNoDate) ++o->discussed;
    }
    ++r.by_decision[static_cast<size_t>(x->decision)];
  }
  return r;
}

namespace {

nlohmann::ordered_json outcomes_json(const PanelOutcomes& o) {
  nlohmann::ordered_json j;
  j["referred"] = o.referred;
  j["eet"] = o.eet;
  j["neet"] = o.neet;
  j["not_known"] = o.not_known;
  j["custody"] = o.custody;
  j["discussed"] = o.discussed;
  j["progression_pct"] = o.progression_pct();
  return j;
}

std::string year_name(int y) { return fmt::format("{}-{:02d}", y, (y + 1) % 100); }

}  // namespace

nlohmann::ordered_json to_json(const PanelReport& r) {
  nlohmann::ordered_json j;
  j["year"] = year_name(r.year);
  j["progression_date"] = format_date(r.progression_date);
  j["school"] = r.school.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.school);
  const nlohmann::ordered_json all = outcomes_json(r.all);
  for (const auto& [k, v] : all.items()) j[k] = v;
  nlohmann::ordered_json rag;
  for (size_t i = 0; i < kRagNames.size(); ++i) rag[std::string(kRagNames[i])] = outcomes_json(r.by_rag[i]);
  j["by_rag"] = rag;
  nlohmann::ordered_json dec;
  dec["not_decided"] = r.by_decision[0];
  for (size_t i = 0; i < kPanelDecisionNames.size(); ++i) dec[std::string(kPanelDecisionNames[i])] = r.by_decision[i + 1];
  j["by_decision"] = dec;
  return j;
}

std::string render_table(const PanelReport& r) {
  std::string out = fmt::format("NEET vulnerable group panel: referrals of {}{}\nProgression into EET on {}\n\n", year_name(r.year),
                                r.school.empty() ? "" : " from " + r.school, format_date(r.progression_date));
  out += fmt::format("{:<8} {:>9} {:>6} {:>6} {:>10} {:>8} {:>10} {:>12}\n", "RAG", "referred", "EET", "NEET", "not known",
                     "custody", "discussed", "progression");
  auto line = [&](const std::string& label, const PanelOutcomes& o) {
    out += fmt::format("{:<8} {:>9} {:>6} {:>6} {:>10} {:>8} {:>10} {:>11.1f}%\n", label, o.referred, o.eet, o.neet, o.not_known,
                       o.custody, o.discussed, o.progression_pct());
  };
  for (size_t i = 0; i < kRagNames.size(); ++i) line(std::string(kRagNames[i]), r.by_rag[i]);
  line("all", r.all);
  return out;
}

std::string to_csv(const PanelReport& r) {
  std::string out = "year,progression_date,school,rag,referred,eet,neet,not_known,custody,discussed,progression_pct\n";
  auto line = [&](const std::string& label, const PanelOutcomes& o) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", year_name(r.year), format_date(r.progression_date), r.school, label,
                       o.referred, o.eet, o.neet, o.not_known, o.custody, o.discussed, o.progression_pct());
  };
  for (size_t i = 0; i < kRagNames.size(); ++i) line(std::string(kRagNames[i]), r.by_rag[i]);
  line("all", r.all);
  return out;
}

}  // namespace pathways
