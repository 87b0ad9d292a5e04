#include "coaching/caseload.h"

#include <map>
#include <set>
#include <tuple>

#include "coaching/records.h"
#include "coaching/store.h"
#include "io/csv.h"
#include "store/store.h"

namespace pathways {

namespace {

struct Episode {
  std::string person_id, coach_id, school_id, programme, joined, left, reason;
};

}  // namespace

std::optional<CaseloadImport> import_caseload(Db& db, const std::string& path, const std::string& name,
                                              const Dataset& people, const std::string& imported_by, LoadReport& report) {
  std::vector<Episode> episodes;
  try {
    CsvReader csv(path, name);
    if (!csv.next()) {
      report.error({name, 0, "", "", "the file is empty: a header row is required"});
      return std::nullopt;
    }
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < csv.size(); ++i) col[std::string(csv[i])] = i;
    for (const char* required : {"person_id", "coach_id", "joined_date"})
      if (!col.count(required)) report.error({name, csv.line(), required, "", "required column is missing"});
    if (!report.ok()) return std::nullopt;
    const size_t header_size = csv.size();
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    while (csv.next()) {
      const uint64_t line = csv.line();
      if (csv.size() == 1 && csv[0].empty()) continue;
      if (csv.size() != header_size) {
        report.error({name, line, "", "", "wrong number of fields for the header"});
        continue;
      }
      auto cell = [&](const char* c) -> std::string_view { return col.count(c) ? csv[col[c]] : std::string_view(); };
      Episode e;
      bool ok = true;
      for (const char* c : {"person_id", "coach_id", "school_id", "programme"}) {
        const bool required = std::string_view(c) == "person_id" || std::string_view(c) == "coach_id";
        if (auto why = text_cell_problem(cell(c), required, 100); !why.empty()) {
          report.error({name, line, c, printable(cell(c)), why});
          ok = false;
        }
      }
      Date joined = kNoDate, left = kNoDate;
      if (auto why = date_cell_problem(cell("joined_date"), true, joined); !why.empty()) {
        report.error({name, line, "joined_date", printable(cell("joined_date")), why});
        ok = false;
      }
      if (auto why = date_cell_problem(cell("left_date"), false, left); !why.empty()) {
        report.error({name, line, "left_date", printable(cell("left_date")), why});
        ok = false;
      }
      if (ok && left != kNoDate && left < joined) {
        report.error({name, line, "left_date", printable(cell("left_date")), "before joined_date"});
        ok = false;
      }
      const std::string_view reason = cell("leave_reason");
      if (!reason.empty() && reason != "moved_to_eet" && reason != "other_support" && reason != "left_area" &&
          reason != "disengaged" && reason != "other") {
        report.error({name, line, "leave_reason", printable(reason),
                      "not one of moved_to_eet, other_support, left_area, disengaged, other"});
        ok = false;
      }
      if (ok && people.find_person(cell("person_id")) == kNoIndex) {
        report.error({name, line, "person_id", printable(cell("person_id")), "no such person in the store"});
        ok = false;
      }
      if (!ok) continue;
      e.person_id = cell("person_id");
      e.coach_id = cell("coach_id");
      e.school_id = cell("school_id");
      e.programme = cell("programme");
      e.joined = cell("joined_date");
      e.left = cell("left_date");
      e.reason = reason;
      if (!seen.insert({e.person_id, e.coach_id, e.joined}).second) {
        report.error({name, line, "joined_date", printable(e.joined), "the same person, coach and joined_date appear twice"});
        continue;
      }
      episodes.push_back(std::move(e));
    }
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
  if (!report.ok()) return std::nullopt;

  // The same writer as the whole coaching/ import (coaching/store.h).
  std::vector<CaseloadEpisode> records;
  records.reserve(episodes.size());
  for (const auto& e : episodes) {
    CaseloadEpisode r;
    r.person = people.find_person(e.person_id);
    r.coach_id = e.coach_id;
    r.school_id = e.school_id;
    r.programme = e.programme;
    r.joined = *parse_date(e.joined);
    if (!e.left.empty()) r.left = *parse_date(e.left);
    for (size_t i = 0; i < kLeaveReasonNames.size(); ++i)
      if (kLeaveReasonNames[i] == e.reason) r.leave_reason = static_cast<LeaveReason>(i + 1);
    records.push_back(std::move(r));
  }
  CaseloadImport result;
  migrate(db);
  db.begin_exclusive();
  try {
    const CoachingTableImport t = import_caseload_locked(db, records, people, imported_by);
    result.added = t.added;
    result.changed = t.changed;
    result.unchanged = t.unchanged;
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
  return result;
}

}  // namespace pathways
