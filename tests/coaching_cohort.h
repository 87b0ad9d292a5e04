// The hand-made coaching cohort of tests/coaching_test.cc (its figures are worked out by hand in
// that file's opening comment), shared with tests/coaching_store_test.cc.
#pragma once

#include <string>

#include "testing.h"

namespace pathways::testing::coaching_cohort {

inline constexpr const char* kPeople =
    "Y11A,A,A,2009-09-01,F,890,P,N,,S1\n"
    "Y11B,B,B,2010-05-05,M,890,P,N,,S1\n"
    "Y11C,C,C,2010-01-01,F,890,P,N,,S2\n"
    "Y11D,D,D,2010-03-03,M,890,P,N,,S1\n"
    "Y11E,E,E,2010-04-04,F,890,P,N,,S1\n"
    "Y12A,A,A,2009-08-31,F,890,P,N,,S1\n"
    "Y12B,B,B,2009-02-02,M,890,P,N,,S2\n"
    "Y12C,C,C,2008-12-12,F,890,P,N,,S2\n"
    "Y12D,D,D,2008-10-10,M,890,P,N,,S1\n"
    "Y12E,E,E,2009-04-04,F,890,P,N,,S3\n"
    "Y12F,F,F,2009-05-05,M,890,P,N,,S2\n"
    "Y12G,G,G,2009-06-06,F,890,P,N,,S1\n"
    "Y12H,H,H,2009-07-07,M,890,P,N,,S1\n"
    "Y12I,I,I,2008-09-09,F,890,P,N,,S2\n"
    "Y12J,J,J,2009-01-01,M,890,P,N,,S2\n"
    "Y12K,K,K,2009-03-03,F,890,P,N,,S1\n"
    "Y12L,L,L,2009-05-15,M,890,P,N,,S2\n"
    "Y12M,M,M,2009-02-14,F,890,P,N,,S1\n"
    "Y12N,N,N,2009-06-20,M,890,P,N,,S2\n"
    "Y12O,O,O,2009-07-20,F,890,P,N,,S1\n"
    "Y12P,P,P,2009-03-30,M,890,P,N,,S2\n"
    "Y12Q,Q,Q,2009-04-20,F,890,P,N,,S1\n"
    "Y12R,R,R,2009-01-20,M,890,P,N,,S1\n"
    "Z13,Z,Z,2008-08-31,F,890,P,N,,S1\n";

inline constexpr const char* kActivities =
    "Y12A,230,2025-09-05,,,,,,\n"
    "Y12B,610,2026-01-10,,,,,,\n"
    "Y12C,615,2026-02-01,,,,,,\n"
    "Y12D,616,2026-01-20,,,,,,\n"
    "Y12E,619,2026-01-05,,,,,,\n"
    "Y12F,619,2026-02-02,,,,,unwilling,\n"
    "Y12H,619,2025-11-01,2026-02-15,,,,,\n"
    "Y12H,310,2026-02-16,,,,,,\n"
    "Y12I,330,2026-01-15,,,,,,\n"
    "Y12J,320,2025-12-01,,,,,,\n"
    "Y12K,250,2025-09-10,,,,,,\n"
    "Y12L,610,2026-01-25,,,,,applied,\n"
    "Y12M,410,2025-09-01,,,,,,\n"
    "Y12N,530,2026-01-05,,,,,,\n"
    "Y12O,710,2026-01-01,,,,,,\n"
    "Y12P,810,2026-01-01,,,,,,\n"
    "Y12Q,230,2025-09-05,,,,,,\n"
    "Y12R,240,2025-09-01,,,,,,\n"
    "Z13,230,2025-09-05,,,,,,\n";

inline constexpr const char* kCaseloadHeader = "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n";
inline constexpr const char* kCaseload =
    "Y11A,C1,S1,Pathways,2025-10-01,,\n"
    "Y11B,C1,S1,Pathways,2026-02-10,,\n"
    "Y11C,C2,S2,Pathways,2025-09-20,2026-02-14,other_support\n"
    "Y11D,C1,S1,Pathways,2026-03-01,,\n"
    "Y11E,C1,S1,Pathways,2025-09-10,2026-01-31,disengaged\n"
    "Y12A,C1,S1,Pathways,2025-06-01,,\n"
    "Y12B,C2,S2,Pathways,2025-10-20,,\n"
    "Y12C,C2,S2,Pathways,2025-11-01,,\n"
    "Y12D,C1,S1,Pathways,2025-11-05,,\n"
    "Y12E,C1,S3,Pathways,2025-10-01,,\n"
    "Y12F,C2,S2,Pathways,2025-10-01,,\n"
    "Y12G,C1,S1,Pathways,2025-12-01,,\n"
    "Y12H,C1,S1,Pathways,2025-10-01,2026-02-20,moved_to_eet\n"
    "Y12I,C2,S2,Pathways,2026-02-01,,\n"
    "Y12J,C2,S2,Pathways,2025-10-01,2026-02-28,left_area\n"
    "Y12K,C1,S1,Pathways,2025-10-01,2026-03-01,disengaged\n"
    "Y12L,C2,S2,Pathways,2025-10-01,,\n"
    "Y12M,C1,S1,Pathways,2025-10-01,,\n"
    "Y12N,C2,S2,Pathways,2025-10-01,,\n"
    "Y12O,C1,S1,Pathways,2025-10-01,,\n"
    "Y12P,C2,S2,Pathways,2025-10-01,,\n"
    "Y12Q,C1,S1,Pathways,2025-10-01,2026-01-15,other\n"
    "Y12R,C1,S1,Pathways,2025-10-01,2026-02-10,other\n"
    "Y12R,C2,S2,Pathways,2026-02-10,,\n"
    "Z13,C1,S1,Pathways,2025-10-01,,\n";

inline constexpr const char* kSessionsHeader = "person_id,session_number,date,coach_id,mode\n";
inline constexpr const char* kSessions =
    "Y11A,1,2025-10-20,C1,in_person\n"
    "Y11A,2,2026-02-28,C1,virtual\n"
    "Y11A,3,2026-03-01,C1,in_person\n"
    "Y11B,1,2026-02-15,C1,in_person\n"
    "Y11C,1,2025-10-01,C2,in_person\n"
    "Y11C,2,2025-11-01,C2,\n"
    "Y11D,1,2026-03-05,C1,in_person\n";

inline constexpr const char* kAssessmentsHeader = "person_id,assessment,date\n";
inline constexpr const char* kAssessments =
    "Y11A,roni,2025-10-05\n"
    "Y11A,pass,2026-03-02\n"
    "Y11C,roni,2025-09-25\n"
    "Y11C,roni,2026-01-10\n"
    "Y11C,neet_tool,2025-12-01\n";

inline constexpr const char* kContactsHeader = "person_id,date,coach_id,contact_with,mode\n";
inline constexpr const char* kContacts =
    "Y11A,2026-02-28,C1,young_person,in_person\n"
    "Y11A,2026-02-10,C1,post16_provider,email\n"
    "Y11A,2026-02-11,C1,parent_carer,phone\n"
    "Y11B,2026-03-01,C1,young_person,text\n"
    "Y11B,2026-02-01,C1,other_professional,phone\n"
    "Y11C,2026-02-03,C2,young_person,virtual\n"
    "Y11D,2026-02-20,C1,young_person,in_person\n"
    "Y11E,2026-02-05,C1,young_person,in_person\n"
    "Y12A,2026-02-27,C1,young_person,phone\n"
    "Y12B,2026-02-28,C2,post16_provider,email\n"
    "Y12B,2026-03-01,C2,post16_provider,email\n"
    "Y12M,2026-02-05,C1,young_person,in_person\n"
    "Y12M,2026-02-06,C1,young_person,text\n"
    "Z13,2026-02-05,C1,young_person,in_person\n";

struct Files {
  std::string caseload = std::string(kCaseloadHeader) + kCaseload;
  std::string sessions = std::string(kSessionsHeader) + kSessions;
  std::string assessments = std::string(kAssessmentsHeader) + kAssessments;
  std::string contacts = std::string(kContactsHeader) + kContacts;
};

inline void write_folder(const TempDir& dir, const Files& f = {}) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) + kPeople);
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) + kActivities);
  dir.write("coaching/caseload.csv", f.caseload);
  dir.write("coaching/sessions.csv", f.sessions);
  dir.write("coaching/assessments.csv", f.assessments);
  dir.write("coaching/contacts.csv", f.contacts);
}

}  // namespace pathways::testing::coaching_cohort
