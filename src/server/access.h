// Who may do what: the one place the application's role rules live.
//
//   role          aggregates  people (personal data)          record activity  upload  users, audit
//   admin         yes         everyone                        yes              yes     yes
//   data_officer  yes         everyone                        yes              yes     no
//   manager       yes         no                              no               no      no
//   coach         yes         their current caseload          their caseload   no      no
//   school        yes         pupils whose school is theirs   their pupils     no      no
//   viewer        yes         no                              no               no      no
//
// Aggregates are reports, the dashboard and exports of counts: they never carry names.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "auth/accounts.h"
#include "engine/dataset.h"

namespace pathways::web {

enum class Permission {
  kPublic,      // no sign-in (sign-in page, assets, accessibility statement)
  kSignedIn,    // any signed-in user (sign-out, change password)
  kAggregates,  // reports and the dashboard: every role
  kPeople,      // search and read people, subject to can_see_person
  kRecord,      // record activities and verifications, subject to can_see_person
  kUpload,      // import canonical files
  kAdmin,       // manage users, read the audit log
};

bool allowed(Role role, Permission permission);

// The people a coach currently works with, by coach_id (from the store's caseload).
using Caseloads = std::unordered_map<std::string, std::unordered_set<uint32_t>>;

// True when `user` may see person `p` of `ds`. Callers check allowed(kPeople) first.
bool can_see_person(const User& user, const Dataset& ds, const Caseloads& caseloads, uint32_t p);

}  // namespace pathways::web
