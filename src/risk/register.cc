#include "risk/register.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/render.h"
#include "risk/analysis.h"
#include "store/store.h"
#include "store/transaction.h"

namespace pathways::risk {

namespace {

int64_t next_id(Db& db, const char* table, const char* column) {
  auto rows = db.query(fmt::format("SELECT COALESCE(MAX({}), 0) FROM {}", column, table));
  rows->next();
  return rows->integer(0) + 1;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string academic_year_label(int y) { return fmt::format("{}-{:02d}", y, (y + 1) % 100); }

RegisterInfo info_from(DbRows& r) {
  RegisterInfo i;
  i.id = r.integer(0);
  i.academic_year = static_cast<int>(r.integer(1));
  i.data_date = std::string(r.text(2));
  i.criteria_version = std::string(r.text(3));
  i.kind = std::string(r.text(4));
  i.created_by = std::string(r.text(5));
  i.created_at = std::string(r.text(6));
  i.entries = r.integer(7);
  return i;
}

constexpr const char* kInfoSelect =
    "SELECT r.register_id, r.academic_year, r.data_date, r.criteria_version, r.kind, r.created_by, r.created_at, "
    "(SELECT COUNT(*) FROM roni_register_entries e WHERE e.register_id = r.register_id) FROM roni_registers r";

}  // namespace

bool RegisterView::signed_off(const std::string& school) const {
  return std::any_of(signoffs.begin(), signoffs.end(), [&](const Signoff& s) { return s.school_id == school; });
}

std::string fired_json(const Criteria& criteria, const PupilScore& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Fired& f : s.fired) {
    const Criterion& c = criteria.indicators[f.criterion];
    out.push_back({{"id", c.id},
                   {"label", c.label},
                   {"points", c.points},
                   {"value", f.value},
                   {"source", fired_source(f)}});
  }
  return out.dump();
}

int64_t freeze_register(Db& db, const Dataset& ds, const Rules& rules, const Criteria& criteria,
                        std::string_view criteria_text, int academic_year, Date data_date, const std::string& kind,
                        const std::string& user) {
  if (kind != "on_demand" && kind != "scheduled") throw RegisterError("kind must be on_demand or scheduled");
  const std::vector<PupilScore> scores = score_year(ds, rules, criteria, academic_year);
  if (scores.empty())
    throw RegisterError(fmt::format("no pupils in Years {}-{} have indicators for {}", criteria.year_groups.front(),
                                    criteria.year_groups.back(), academic_year_label(academic_year)));
  return write_transaction(db, [&] {
    const int64_t id = next_id(db, "roni_registers", "register_id");
    db.query(
        "INSERT INTO roni_registers (register_id, academic_year, data_date, criteria_version, criteria, kind, "
        "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {std::to_string(id), std::to_string(academic_year), format_date(data_date), criteria.version,
         std::string(criteria_text), kind, user, store_timestamp()});
    auto insert = db.prepare(
        "INSERT INTO roni_register_entries (register_id, person_id, school_id, year_group, score, rag, by_group, "
        "indicators) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    for (const PupilScore& s : scores) {
      if (!s.on_list()) continue;
      insert->run({std::to_string(id), std::string(ds.people.id[s.person]),
                   s.school == kNoIndex ? std::string() : std::string(ds.schools[s.school]),
                   std::to_string(s.year_group), std::to_string(s.score), std::string(rag_name(s.rag)),
                   s.by_group ? "1" : "0", fired_json(criteria, s)});
    }
    return id;
  });
}

std::vector<RegisterInfo> list_registers(Db& db) {
  migrate(db);
  std::vector<RegisterInfo> out;
  auto rows = db.query(std::string(kInfoSelect) + " ORDER BY r.register_id DESC");
  while (rows->next()) out.push_back(info_from(*rows));
  return out;
}

std::optional<RegisterInfo> find_register(Db& db, int64_t id) {
  migrate(db);
  auto rows = db.query(std::string(kInfoSelect) + " WHERE r.register_id = $1", {std::to_string(id)});
  if (!rows->next()) return std::nullopt;
  return info_from(*rows);
}

RegisterView view_register(Db& db, int64_t id, const std::string& school) {
  auto info = find_register(db, id);
  if (!info) throw RegisterError(fmt::format("there is no register {}", id));
  RegisterView v;
  v.info = *info;
  const std::string filter = school.empty() ? "" : " AND school_id = $2";
  std::vector<DbValue> params = {std::to_string(id)};
  if (!school.empty()) params.push_back(school);
  {
    auto rows = db.query(
        "SELECT person_id, school_id, year_group, score, rag, by_group, indicators FROM roni_register_entries "
        "WHERE register_id = $1" + filter,
        params);
    while (rows->next()) {
      RegisterEntry e;
      e.person_id = std::string(rows->text(0));
      e.school_id = std::string(rows->text(1));
      e.year_group = static_cast<int>(rows->integer(2));
      e.score = static_cast<int>(rows->integer(3));
      e.rag = std::string(rows->text(4));
      e.by_group = rows->integer(5) != 0;
      e.indicators = std::string(rows->text(6));
      v.entries.push_back(std::move(e));
    }
  }
  {
    auto rows = db.query(
        "SELECT moderation_id, person_id, school_id, action, reason, moderated_by, moderated_at FROM roni_moderations "
        "WHERE register_id = $1" + filter + " ORDER BY moderation_id",
        params);
    while (rows->next())
      v.moderations.push_back({rows->integer(0), std::string(rows->text(1)), std::string(rows->text(2)),
                               std::string(rows->text(3)), std::string(rows->text(4)), std::string(rows->text(5)),
                               std::string(rows->text(6))});
  }
  {
    auto rows = db.query(
        "SELECT school_id, signed_off_by, signed_off_at FROM roni_signoffs WHERE register_id = $1" + filter +
            " ORDER BY school_id",
        params);
    while (rows->next())
      v.signoffs.push_back({std::string(rows->text(0)), std::string(rows->text(1)), std::string(rows->text(2))});
  }
  // Apply the decisions: the latest about each pupil wins.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < v.entries.size(); ++i) index[v.entries[i].person_id] = i;
  for (const Moderation& m : v.moderations) {
    auto it = index.find(m.person_id);
    if (it == index.end()) {
      if (m.action != "add") continue;
      RegisterEntry e;
      e.person_id = m.person_id;
      e.school_id = m.school_id;
      e.rag = "green";
      e.indicators = "[]";
      e.added_by_school = true;
      v.entries.push_back(std::move(e));
      it = index.emplace(m.person_id, v.entries.size() - 1).first;
    }
    RegisterEntry& e = v.entries[it->second];
    e.listed = m.action == "add";
    e.reason = m.reason;
  }
  std::stable_sort(v.entries.begin(), v.entries.end(), [](const RegisterEntry& a, const RegisterEntry& b) {
    if (a.school_id != b.school_id) return a.school_id < b.school_id;
    if (a.year_group != b.year_group) return a.year_group > b.year_group;
    if (a.score != b.score) return a.score > b.score;
    return a.person_id < b.person_id;
  });
  return v;
}

std::optional<PersonEntry> latest_entry_of(Db& db, const std::string& person_id) {
  migrate(db);
  auto rows = db.query(
      "SELECT MAX(register_id) FROM (SELECT register_id FROM roni_register_entries WHERE person_id = $1 "
      "UNION SELECT register_id FROM roni_moderations WHERE person_id = $1) AS r",
      {person_id});
  if (!rows->next() || rows->is_null(0)) return std::nullopt;
  const int64_t id = rows->integer(0);
  rows.reset();
  RegisterView v = view_register(db, id);
  for (RegisterEntry& e : v.entries)
    if (e.person_id == person_id) return PersonEntry{v.info, std::move(e)};
  return std::nullopt;
}

int64_t moderate(Db& db, const Dataset& ds, int64_t register_id, const std::string& person_id,
                 const std::string& school_id, const std::string& action, const std::string& reason_in,
                 const std::string& user) {
  if (action != "add" && action != "remove") throw RegisterError("the decision must be add or remove");
  const std::string reason = trim(reason_in);
  if (reason.size() < 10) throw RegisterError("Enter the reason for the decision (at least 10 characters)");
  if (reason.size() > 2000) throw RegisterError("The reason must be 2,000 characters or fewer");
  const RegisterView v = view_register(db, register_id, school_id);
  if (v.signed_off(school_id))
    throw RegisterError("This school's list has already been signed off; changes go into the next register");
  const auto it = std::find_if(v.entries.begin(), v.entries.end(),
                               [&](const RegisterEntry& e) { return e.person_id == person_id; });
  if (action == "remove") {
    if (it == v.entries.end() || !it->listed) throw RegisterError("This pupil is not on the school's list");
  } else {
    if (it != v.entries.end() && it->listed) throw RegisterError("This pupil is already on the school's list");
    if (it == v.entries.end()) {
      // Only a pupil of this school in the register's year may be added.
      const uint32_t p = ds.find_person(person_id);
      if (p == kNoIndex) throw RegisterError("There is no pupil with that id");
      bool belongs = false;
      const Indicators& I = ds.indicators;
      for (size_t r = 0; r < I.size() && !belongs; ++r)
        belongs = I.person[r] == p && I.academic_year[r] == v.info.academic_year && I.school[r] != kNoIndex &&
                  ds.schools[I.school[r]] == school_id;
      if (!belongs) throw RegisterError("This pupil is not at this school in the register's year");
    }
  }
  return write_transaction(db, [&] {
    const int64_t id = next_id(db, "roni_moderations", "moderation_id");
    db.query(
        "INSERT INTO roni_moderations (moderation_id, register_id, person_id, school_id, action, reason, "
        "moderated_by, moderated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {std::to_string(id), std::to_string(register_id), person_id, school_id, action, reason, user,
         store_timestamp()});
    return id;
  });
}

void sign_off(Db& db, int64_t register_id, const std::string& school_id, const std::string& user) {
  const RegisterView v = view_register(db, register_id, school_id);
  if (v.signed_off(school_id)) throw RegisterError("This school's list has already been signed off");
  write_transaction(db, [&] {
    db.query(
        "INSERT INTO roni_signoffs (register_id, school_id, signed_off_by, signed_off_at) VALUES ($1, $2, $3, $4)",
        {std::to_string(register_id), school_id, user, store_timestamp()});
    return 0;
  });
}

std::string register_csv(const RegisterView& view, const Dataset& ds) {
  std::string csv =
      "register,academic_year,data_date,criteria_version,person_id,given_name,family_name,school_id,year_group,score,"
      "rag,on_list,moderation,reason,indicators\n";
  for (const auto& e : view.entries) {
    const uint32_t p = ds.find_person(e.person_id);
    const bool names = p != kNoIndex && p < ds.people.given_name.size();
    std::string fired;
    const auto j = nlohmann::json::parse(e.indicators, nullptr, false);
    if (j.is_array())
      for (const auto& f : j)
        fired += (fired.empty() ? "" : "; ") + f.value("label", "") + " (" + f.value("value", "") + ")";
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", view.info.id,
                       academic_year_label(view.info.academic_year), view.info.data_date,
                       csv_cell(view.info.criteria_version), csv_cell(e.person_id),
                       csv_cell(names ? ds.people.given_name[p] : ""), csv_cell(names ? ds.people.family_name[p] : ""),
                       csv_cell(e.school_id), e.year_group, e.score, e.added_by_school ? "" : e.rag,
                       e.listed ? "Y" : "N", e.added_by_school ? "added" : e.listed ? "" : "removed", csv_cell(e.reason),
                       csv_cell(fired));
  }
  return csv;
}

std::vector<Date> due_register_dates(const Criteria& criteria, Date after, Date until) {
  std::vector<Date> out;
  if (until <= after) return out;
  const int y0 = to_ymd(after).year, y1 = to_ymd(until).year;
  for (int y = y0; y <= y1; ++y)
    for (const std::string& md : criteria.register_dates) {
      const int m = std::stoi(md.substr(0, 2)), d = std::stoi(md.substr(3, 2));
      if (d > days_in_month(y, m)) continue;
      const Date date = make_date(y, m, d);
      if (date > after && date <= until) out.push_back(date);
    }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pathways::risk
