#include "server/access.h"

namespace pathways::web {

bool allowed(Role role, Permission permission) {
  switch (permission) {
    case Permission::kPublic:
    case Permission::kSignedIn:
    case Permission::kAggregates:
      return true;
    case Permission::kPeople:
    case Permission::kRecord:
      return role == Role::admin || role == Role::data_officer || role == Role::coach || role == Role::school;
    case Permission::kUpload:
      return role == Role::admin || role == Role::data_officer;
    case Permission::kAdmin:
      return role == Role::admin;
  }
  return false;
}

bool can_see_person(const User& user, const Dataset& ds, const Caseloads& caseloads, uint32_t p) {
  if (p >= ds.people.size()) return false;
  switch (user.role) {
    case Role::admin:
    case Role::data_officer:
      return true;
    case Role::school: {
      if (user.school_id.empty()) return false;
      const uint32_t s = ds.people.school[p];
      return s != kNoIndex && ds.schools[s] == user.school_id;
    }
    case Role::coach: {
      if (user.coach_id.empty()) return false;
      const auto it = caseloads.find(user.coach_id);
      return it != caseloads.end() && it->second.count(p) > 0;
    }
    case Role::manager:
    case Role::viewer:
      return false;
  }
  return false;
}

}  // namespace pathways::web
