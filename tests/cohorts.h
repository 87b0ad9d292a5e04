// Small hand-written cohorts whose report figures are worked out by hand in the comments
// (from domain.md sections 2-5). report_test.cc checks the reports against these numbers;
// table_test.cc and xlsx_test.cc check the tables and workbooks written from them.
#pragma once

#include <string>

#include "testing.h"

namespace pathways::testing {

// The statutory cohort: 16 people, P01-P16, for the statutory report for January 2025
// (snapshot 2025-01-31), reporting LA 890. Academic age = age on 31 August 2024.
//
// id   dob         age  sex la  st sen chars    school activities                               status on 2025-01-31
// P01  2008-05-01  16   F   890 P  N             S1  230 from 2024-09-05                      participating
// P02  2007-06-01  17   M   890 P  K             S1  619 from 2024-12-01 (lapses 2025-03-01)  NEET, available
// P03  2007-06-01  17   M   890 P  E   110       S2  630 from 2024-10-01, verified 2024-12-20 NEET, not available
// P04  2008-02-10  16   F   890 P  N             S2  330 from 2024-07-01 (lapses 2025-01-01)  not known (lapsed)
// P05  2008-04-04  16   M   890 P  N             S2  330 from 2024-09-01, verified 2024-12-01 EET, not participating
// P06  2007-11-11  16   M   890 P  N             S1  710 from 2024-06-01, verified 2025-01-10 custody: excluded
// P07  2008-01-01  16   F   888 P  N                 619 from 2024-12-01                      not resident: out
// P08  2008-03-03  16   F   890 T  N                 230 from 2024-09-05                      transferred (T): out
// P09  2009-01-01  15   F   890 P  N             S1  110 from 2020-09-01                      Year 11: out
// P10  2006-08-31  18   M   890 P  N                 619 from 2024-12-01                      18, no EHC plan: out
// P11  2003-05-05  21   M   890 P  E                 610 from 2024-12-01                      SEND 18-24: NEET
// P12  2007-09-01  16   X   890 G  -             S1  (none)                                   not known
// P13  2007-12-25  16   F   890 P  N   180;120       230 2024-09-05..2024-12-20, 650 from 12-21 NEET, not available
// P14  2008-06-30  16   M   890 P  N   200       S3  230 from 2024-09-05, review 2025-01-15   not known (review)
// P15  2008-07-07  16   F   890 P  N             S3  619 from 2024-11-01, 230 from 2025-01-13 participating
// P16  2007-07-07  17   M   890 P  N             S3  230 2024-09-05..2025-01-09, 619 from 01-20 NEET, available
//
// Cohort (16-17, resident, P/G, custody excluded): P01-P05, P12-P16 = 10; custody 1 (P06).
// participating 2 (P01, P15); EET not participating 1 (P05); NEET 4 (P02, P03, P13, P16:
// available P02, P16; not available P03, P13); not known 3 (P04, P12, P14). 2+1+4+3 = 10.
// NEET 40%, not known 30%, combined 70%, participation 20%.
// Movement: at 2024-12-31 NEET were P02, P03, P13, P15; at 2025-01-31 P02, P03, P13, P16:
// joiners 1 (P16), leavers 1 (P15). Days NEET in January: P02, P03, P13 31 each; P15 1-12
// Jan = 12; P16 20-31 Jan = 12; total 117 over 5 people.
// Age 16: cohort 7 (P01, P04, P05, P12, P13, P14, P15), NEET 1 (P13), NK 3, custody 1 (P06).
// Age 17: cohort 3 (P02, P03, P16), NEET 3, NK 0.
// Gender F: 4 (P01, P04, P13, P15) NEET 1 NK 1; M: 5 (P02, P03, P05, P14, P16) NEET 3 NK 1;
// X: 1 (P12) NK 1.
// SEN N: 8, NEET 2 (P13, P16), NK 3; K: 1 NEET 1; E: 1 NEET 1.
// Characteristic 110: 1 NEET 1; 120: 1 NEET 1; 180: 1 NEET 1; 200: 1 NK 1; others 0.
// Vulnerable group (110 130 140 150 160 170 190 200 210): yes 2 (P03, P14) NEET 1 NK 1;
// no 8, NEET 3, NK 2.
// School S1: 3 (P01, P02, P12) NEET 1 NK 1; S2: 3 (P03, P04, P05) NEET 1 NK 1;
// S3: 3 (P14, P15, P16) NEET 1 NK 1; none: 1 (P13) NEET 1.
// SEND 18-24: cohort 1 (P11), NEET 1.
// Without an LA everyone is resident: P07 (LA 888, NEET from 2024-12-01) joins the cohort,
// 11, NEET 5.
inline void write_statutory_cohort(const TempDir& dir) {
  dir.write("people.csv", std::string(kPeopleHeader) +
                              "P01,A,A,2008-05-01,F,890,P,N,,S1\n"
                              "P02,B,B,2007-06-01,M,890,P,K,,S1\n"
                              "P03,C,C,2007-06-01,M,890,P,E,110,S2\n"
                              "P04,D,D,2008-02-10,F,890,P,N,,S2\n"
                              "P05,E,E,2008-04-04,M,890,P,N,,S2\n"
                              "P06,F,F,2007-11-11,M,890,P,N,,S1\n"
                              "P07,G,G,2008-01-01,F,888,P,N,,\n"
                              "P08,H,H,2008-03-03,F,890,T,N,,\n"
                              "P09,I,I,2009-01-01,F,890,P,N,,S1\n"
                              "P10,J,J,2006-08-31,M,890,P,N,,\n"
                              "P11,K,K,2003-05-05,M,890,P,E,,\n"
                              "P12,L,L,2007-09-01,X,890,G,,,S1\n"
                              "P13,M,M,2007-12-25,F,890,P,N,180;120,\n"
                              "P14,N,N,2008-06-30,M,890,P,N,200,S3\n"
                              "P15,O,O,2008-07-07,F,890,P,N,,S3\n"
                              "P16,P,P,2007-07-07,M,890,P,N,,S3\n");
  dir.write("activities.csv", std::string(kActivitiesHeader) +
                                  "P01,230,2024-09-05,,,,,,\n"
                                  "P02,619,2024-12-01,,,,,,\n"
                                  "P03,630,2024-10-01,,2024-12-20,,,,\n"
                                  "P04,330,2024-07-01,,,,,,\n"
                                  "P05,330,2024-09-01,,2024-12-01,,,,\n"
                                  "P06,710,2024-06-01,,2025-01-10,,,,\n"
                                  "P07,619,2024-12-01,,,,,,\n"
                                  "P08,230,2024-09-05,,,,,,\n"
                                  "P09,110,2020-09-01,,,,,,\n"
                                  "P10,619,2024-12-01,,,,,,\n"
                                  "P11,610,2024-12-01,,,,,,\n"
                                  "P13,230,2024-09-05,2024-12-20,,,,,\n"
                                  "P13,650,2024-12-21,,,,,,\n"
                                  "P14,230,2024-09-05,,,2025-01-15,,,\n"
                                  "P15,619,2024-11-01,,,,,,\n"
                                  "P15,230,2025-01-13,,,,,,\n"
                                  "P16,230,2024-09-05,2025-01-09,,,,,\n"
                                  "P16,619,2025-01-20,,,,,,\n");
}

// The annual cohort: four people, A1-A4, for the annual report for 2024-25 (no LA given,
// so all resident). Snapshots at the ends of December, January, February and March.
// A1 2008-05-01 (16): 619 from 2024-11-15, lapses 2025-02-15 -> Dec NEET, Jan NEET, Feb NK, Mar NK
// A2 2007-05-01 (17): 230 from 2024-09-05              -> participating every month
// A3 2008-01-10 (16): 330 from 2024-09-01, lapses 2025-03-01 -> EET not participating Dec-Feb, Mar NK
// A4 2007-02-02 (17): 810 from 2024-06-01              -> not known throughout
// Dec: NEET 1/4 = 25%, NK 1/4 = 25%. Jan: the same. Feb (28th): NEET 0%, NK 2/4 = 50%.
// Mar: NEET 0%, NK 3/4 = 75%.
// Mean NEET (25+25+0)/3 = 16.667%, NK (25+25+50)/3 = 33.333%, combined 50%.
// March participation: A2 only, 1/4 = 25%.
// Age 16 (A1, A3): NEET 50/50/0%, not known 0/0/50% -> means 100/3 % and 50/3 %.
// Age 17 (A2, A4): NEET 0%, not known 50% every month.
inline void write_annual_cohort(const TempDir& dir) {
  dir.write("people.csv", std::string(kPeopleHeader) +
                              "A1,A,A,2008-05-01,F,890,P,N,,\n"
                              "A2,B,B,2007-05-01,M,890,P,N,,\n"
                              "A3,C,C,2008-01-10,F,890,P,N,,\n"
                              "A4,D,D,2007-02-02,M,890,P,N,,\n");
  dir.write("activities.csv", std::string(kActivitiesHeader) +
                                  "A1,619,2024-11-15,,,,,,\n"
                                  "A2,230,2024-09-05,,,,,,\n"
                                  "A3,330,2024-09-01,,,,,,\n"
                                  "A4,810,2024-06-01,,,,,,\n");
}

}  // namespace pathways::testing
