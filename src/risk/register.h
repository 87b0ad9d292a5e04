// At-risk registers (domain.md section 7): the RONI list of every school and year group,
// frozen as a dated version, then moderated by each school before it is shared.
//
// Contract:
//  * freeze_register() scores academic year Y with the given criteria (risk/criteria.h) and
//    writes, in one transaction, a register row (the criteria file itself and its version,
//    the data date, who and when, kind "on_demand" or "scheduled") and one entry per pupil
//    on the list (on_list(): Red, Amber or an always-include group), with the score, RAG
//    and the indicators that fired as JSON. A register is never changed afterwards.
//  * moderate() records a school's decision about one pupil: "add" (a pupil the score did
//    not list, with what the school knows) or "remove" (with why). A reason is required
//    (at least 10 characters after trimming); a pupil is added only when they belong to
//    that school in the register's data; the latest decision about a pupil wins. Nothing
//    is deleted: every decision stays, with who and when.
//  * sign_off() records that a school has moderated its list. A school's list is shared
//    (exported, shown to anyone outside the school and the LA's data team) only after.
//  * view() gives a register's current list for one school or all: the frozen entries,
//    with the moderation decisions applied, and the history of decisions.
// Every function takes the writers' lock (begin_exclusive) when it writes and throws
// RegisterError (a message for the user) on bad input; nothing is half-written.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "risk/criteria.h"
#include "store/db.h"

namespace pathways::risk {

struct RegisterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RegisterInfo {
  int64_t id = 0;
  int academic_year = 0;
  std::string data_date;  // YYYY-MM-DD
  std::string criteria_version;
  std::string kind;  // on_demand, scheduled
  std::string created_by, created_at;
  int64_t entries = 0;
};

struct RegisterEntry {
  std::string person_id, school_id;
  int year_group = 0;
  int score = 0;
  std::string rag;  // red, amber, green
  bool by_group = false;
  std::string indicators;  // JSON array: [{"id","label","points","value","source"}]
  // After moderation:
  bool listed = true;          // on the list now
  bool added_by_school = false;  // not listed by the score, added by the school
  std::string reason;          // the latest decision's reason, "" when none
};

struct Moderation {
  int64_t id = 0;
  std::string person_id, school_id, action, reason, by, at;
};

struct Signoff {
  std::string school_id, by, at;
};

struct RegisterView {
  RegisterInfo info;
  std::vector<RegisterEntry> entries;  // listed and removed, by school, year group, score desc
  std::vector<Moderation> moderations;  // oldest first
  std::vector<Signoff> signoffs;
  bool signed_off(const std::string& school) const;
};

// Freezes the register of `academic_year`; returns its id.
int64_t freeze_register(Db& db, const Dataset& ds, const Rules& rules, const Criteria& criteria,
                        std::string_view criteria_text, int academic_year, Date data_date,
                        const std::string& kind, const std::string& user);

std::vector<RegisterInfo> list_registers(Db& db);
std::optional<RegisterInfo> find_register(Db& db, int64_t id);

// The register with decisions applied; `school` empty = every school.
RegisterView view_register(Db& db, int64_t id, const std::string& school = "");

// The person's entry in the newest register that lists them (or listed them before a
// school removed them, or to which a school added them), with that register.
struct PersonEntry {
  RegisterInfo info;
  RegisterEntry entry;
};
std::optional<PersonEntry> latest_entry_of(Db& db, const std::string& person_id);

// Records one decision (see the contract). `ds` is used to check an added pupil's school
// and year group. Returns the decision's id.
int64_t moderate(Db& db, const Dataset& ds, int64_t register_id, const std::string& person_id,
                 const std::string& school_id, const std::string& action, const std::string& reason,
                 const std::string& user);

void sign_off(Db& db, int64_t register_id, const std::string& school_id, const std::string& user);

// The list a school shares, as CSV: one row per pupil of the view (listed, removed or added),
// with names from `ds` when it holds them, the score, RAG, the school's decision and reason,
// and the indicators in plain words. Text cells are CSV-safe (report/render.h csv_cell).
std::string register_csv(const RegisterView& view, const Dataset& ds);

// The scheduled dates of `criteria` (MM-DD) that fall in (after, until], as dates: the
// registers due to be produced. Used by the server to freeze scheduled registers.
std::vector<Date> due_register_dates(const Criteria& criteria, Date after, Date until);

// The indicators that fired for a pupil, as the JSON array stored with an entry.
std::string fired_json(const Criteria& criteria, const PupilScore& s);

}  // namespace pathways::risk
