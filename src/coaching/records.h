// The engagement coaching records of a canonical folder (formats.md "coaching/"), held in
// memory for reports such as the monthly activity report (coaching/monthly.h).
//
//   coaching/caseload.csv     person_id, coach_id, joined_date (required); school_id, programme,
//                             left_date, leave_reason
//   coaching/sessions.csv     person_id, session_number (1-7), date (required); coach_id, mode
//   coaching/assessments.csv  person_id, assessment (roni, pass, neet_tool), date (required)
//   coaching/contacts.csv     person_id, date, contact_with (required); coach_id, mode
//
// Checked to the same standard as the rest of the folder: every bad cell is an error naming
// the file ("coaching/sessions.csv"), line, column, value and reason, and a folder with any
// error gives no records at all. Beyond each cell's own checks:
//   * person_id must be a person of people.csv;
//   * left_date must not be before joined_date; leave_reason is only allowed with a left_date;
//   * one person's caseload episodes must not overlap (a young person is on one coach's
//     caseload at a time), and (person_id, coach_id, joined_date) must not repeat;
//   * a person's session n is recorded once ((person_id, session_number) must not repeat);
//   * (person_id, assessment, date) must not repeat;
//   * an identical contact row (same person, date, coach, contact_with and mode) must not
//     repeat: without a time of day two such rows cannot be told apart, so a repeat is taken
//     to be a double entry rather than silently counted twice.
// caseload.csv is required (the folder's coaching/ records start there); the other three
// files may be absent (a warning; read as empty). Unknown extra columns are ignored with a
// warning, as elsewhere.
//
// Extensions of formats.md (docs/coaching.md), read when present and silently empty when
// absent:
//   coaching/panel_referrals.csv  person_id, school_id, referred_date, rag (red, amber,
//                             green), reason (required); panel_date, decision
//                             (allocate_coach, commissioned_service, school_support, monitor,
//                             no_further_action), actions. (person_id, referred_date) once; a
//                             decision or actions need a panel_date; panel_date not before
//                             referred_date; reason up to 500 characters, actions up to 2,000.
//   coaching/notes.csv        person_id, date, text, confidential (yes/no: Y/N, 1/0,
//                             true/false; required, never assumed); coach_id. Text up to
//                             4,000 characters; an identical note (person, date, coach, text)
//                             once.
//   coaching/action_plans.csv one row per step of a plan: person_id, plan_date, goal
//                             (required; the plan), coach_id, closed_date (the plan's, the same
//                             on each of its rows), step_no, step_type (action, review),
//                             step_date, text, done_date (the step; all empty on the one row of
//                             a plan without steps). A plan is (person_id, plan_date, goal);
//                             (plan, step_no) once; closed_date not before plan_date; done_date
//                             only for an action; goal up to 500 characters, text up to 2,000.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "engine/dataset.h"
#include "io/folder.h"

namespace pathways {

enum class LeaveReason : uint8_t { kNone = 0, kMovedToEet, kOtherSupport, kLeftArea, kDisengaged, kOther };
enum class AssessmentKind : uint8_t { kRoni = 0, kPass, kNeetTool };
enum class ContactWith : uint8_t { kYoungPerson = 0, kParentCarer, kPost16Provider, kOtherProfessional };
// Sessions are in_person or virtual; contacts may also be phone, text or email.
enum class ContactMode : uint8_t { kNone = 0, kInPerson, kVirtual, kPhone, kText, kEmail };

// The names used in files and JSON, in enum order (LeaveReason without kNone).
inline constexpr std::array<std::string_view, 5> kLeaveReasonNames = {"moved_to_eet", "other_support", "left_area",
                                                                       "disengaged", "other"};
inline constexpr std::array<std::string_view, 3> kAssessmentNames = {"roni", "pass", "neet_tool"};
inline constexpr std::array<std::string_view, 4> kContactWithNames = {"young_person", "parent_carer",
                                                                       "post16_provider", "other_professional"};
inline constexpr std::array<std::string_view, 3> kRagNames = {"red", "amber", "green"};
inline constexpr std::array<std::string_view, 5> kPanelDecisionNames = {
    "allocate_coach", "commissioned_service", "school_support", "monitor", "no_further_action"};
inline constexpr std::array<std::string_view, 5> kContactModeNames = {"in_person", "virtual", "phone", "text",
                                                                       "email"};

struct CaseloadEpisode {
  uint32_t person = kNoIndex;  // index into the Dataset's people
  std::string coach_id, school_id, programme;
  Date joined = kNoDate;
  Date left = kNoDate;  // kNoDate = still on the caseload
  LeaveReason leave_reason = LeaveReason::kNone;
  uint32_t line = 0;  // in coaching/caseload.csv

  // On the caseload at some time between first and last (inclusive).
  bool overlaps(Date first, Date last) const { return joined <= last && (left == kNoDate || left >= first); }
};

struct CoachingSession {
  uint32_t person = kNoIndex;
  int number = 0;  // 1-7
  Date date = kNoDate;
  std::string coach_id;
  ContactMode mode = ContactMode::kNone;  // in_person, virtual or not recorded
  uint32_t line = 0;
};

struct AssessmentRecord {
  uint32_t person = kNoIndex;
  AssessmentKind kind = AssessmentKind::kRoni;
  Date date = kNoDate;
  uint32_t line = 0;
};

struct Contact {
  uint32_t person = kNoIndex;
  Date date = kNoDate;
  std::string coach_id;
  ContactWith with = ContactWith::kYoungPerson;
  ContactMode mode = ContactMode::kNone;
  uint32_t line = 0;
};

enum class Rag : uint8_t { kRed = 0, kAmber, kGreen };
enum class PanelDecision : uint8_t { kNone = 0, kAllocateCoach, kCommissionedService, kSchoolSupport, kMonitor, kNoFurtherAction };

// A school's referral of a pupil to the NEET vulnerable group panel (coaching/panel.h), and
// the panel's decision once it has met.
struct PanelReferral {
  uint32_t person = kNoIndex;
  std::string school_id;
  Date referred = kNoDate;
  Rag rag = Rag::kRed;
  std::string reason;
  Date panel_date = kNoDate;  // kNoDate: not yet discussed
  PanelDecision decision = PanelDecision::kNone;
  std::string actions;
  uint32_t line = 0;
};

// Notes and action plans (coaching/notes.h stores them): from the files, id is 0 and
// written_by empty.
struct CoachingNote {
  int64_t id = 0;
  uint32_t person = kNoIndex;
  Date date = kNoDate;
  bool confidential = false;
  std::string body, coach_id, written_by;
};

struct ActionPlanStep {
  int step_no = 0;
  bool review = false;  // false: an action
  Date date = kNoDate;  // an action's due date; a review's date
  std::string body;
  Date done = kNoDate;  // an action's completion
};

struct ActionPlan {
  int64_t id = 0;
  uint32_t person = kNoIndex;
  Date created = kNoDate;
  std::string goal, coach_id;
  Date closed = kNoDate;
  std::vector<ActionPlanStep> steps;  // by step_no
};

inline constexpr std::array<std::string_view, 2> kPlanStepNames = {"action", "review"};

struct CoachingRecords {
  std::vector<CaseloadEpisode> caseload;  // in file order
  std::vector<CoachingSession> sessions;
  std::vector<AssessmentRecord> assessments;
  std::vector<Contact> contacts;
  std::vector<PanelReferral> referrals;  // coaching/panel_referrals.csv (optional)
  std::vector<CoachingNote> notes;       // coaching/notes.csv (optional)
  std::vector<ActionPlan> plans;         // coaching/action_plans.csv (optional), in order of first row
};

// Reads DIR/coaching/*.csv, checking people against `people` (the folder's people.csv,
// already loaded). Problems go to `report` (file names "coaching/caseload.csv", ...).
// Returns nullopt when there is any error.
std::optional<CoachingRecords> load_coaching(const std::string& dir, const Dataset& people, LoadReport& report);

}  // namespace pathways
