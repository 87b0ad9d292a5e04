// Risk of NEET Indicators: the criteria file, the scoring rules and RAG cut-offs, the
// indicator analysis (relative risk, confidence interval, recall, precision), the Year 12
// outcome of a Year 11 cohort, and the `roni` commands, all on tiny hand-made cohorts whose
// expected figures are worked out by hand in the comments.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/rules.h"
#include "io/folder.h"
#include "risk/analysis.h"
#include "risk/criteria.h"
#include "risk/outcome.h"
#include "testing.h"

namespace pathways {
namespace {

using risk::Criteria;
using risk::Outcome;
using risk::PupilScore;
using risk::Rag;
using testing::TempDir;

// ---- The scoring cohort ------------------------------------------------------------------
//
// Criteria "test-1": Red >= 4, Amber >= 2, year groups 10 and 11.
//   care   characteristic 110;160     1 point, always include
//   att90  attendance below 90        1
//   att70  attendance below 70        2, supersedes att90
//   susp2  suspensions >= 2           1
//   excl   permanent exclusions >= 1  2 (threshold left out: 1)
//   fsm    fsm = Y                    1
//   ehc    sen_status E               1
//   male   gender M                   0 (shown, not scored)
//   low    attainment_band low        1
const char* kCriteria = R"({
  "version": "test-1", "red": 4, "amber": 2, "year_groups": [10, 11], "register_dates": ["11-01", "03-01"],
  "_comment": "keys starting with an underscore are comments",
  "indicators": [
    {"id": "care", "label": "Looked after or care leaver", "field": "characteristic", "value": "110; 160", "points": 1, "always_include": true},
    {"id": "att90", "label": "Attendance below 90%", "field": "attendance_pct", "threshold": 90, "points": 1},
    {"id": "att70", "label": "Attendance below 70%", "field": "attendance_pct", "threshold": 70, "points": 2, "supersedes": "att90"},
    {"id": "susp2", "label": "Two or more suspensions", "field": "suspensions", "threshold": 2, "points": 1},
    {"id": "excl", "label": "Permanently excluded", "field": "permanent_exclusions", "points": 2},
    {"id": "fsm", "label": "Free school meals", "field": "fsm", "points": 1},
    {"id": "ehc", "label": "EHC plan", "field": "sen_status", "value": "E", "points": 1},
    {"id": "male", "label": "Male", "field": "gender", "value": "M", "points": 0},
    {"id": "low", "label": "Low attainment", "field": "attainment_band", "value": "low", "points": 1}
  ]})";

// Pupils of 2024-25 (year groups from their indicators rows):
//
// id yg sch att   susp excl fsm band   people: sex sen chars  fired (value)                       score RAG
// A  11 S1  90.0  1    0    N   middle         F   N          none: 90.0 is not below 90,        0     green
//                                                             1 suspension is below 2
// B  11 S1  89.9  2    0    N   -              M   N          att90 (89.9%), susp2 (2 suspensions), 2     amber
//                                                             male (M, people.csv)
// C  11 S2  65    0    0    Y   -              F   E   160    care (160), att70 (65%; att90 is     5     red, group
//                                                             superseded), fsm (Y), ehc (E)
// D  11 S2  95    0    0    N   high           M   N   110    care (110), male (M)                1     green, group
// E  11 S1  70.0  0    1    N   low            M   K          att90 (70%: 70.0 is not below 70),  4     red (at the cut)
//                                                             excl (1 permanent exclusion), male, low
// F  11 S1  -     -    -    N   low            F   N          low (attendance empty: no firing)  1     green
// G   9 S3  50    3    1    Y   low            M   N          not scored: year 9 is not covered   -
// H  10 S2  92    0    0    Y   -              F   N          fsm (Y)                             1     green
// B also has a 2023-24 Year 10 row (S1, 95%, fsm Y): not in 2024 scoring; scored alone it gives
// fsm (from 2023-24) + male = 1, green.
//
// score_year(2024): A B C D E F H (person order); Red 2 (C, E), Amber 1 (B), Green 4;
// on the list 4 (B, C, E and D by group). School S2: C D H. Year group 11: A-F.
void write_scoring_folder(const TempDir& dir) {
  dir.write("people.csv", std::string(testing::kPeopleHeader) +
                              "A,Amy,Ash,2009-03-01,F,890,P,N,,S1\n"
                              "B,Ben,Birch,2009-03-01,M,890,P,N,,S1\n"
                              "C,Cat,Cedar,2009-03-01,F,890,P,E,160,S2\n"
                              "D,Dan,Dale,2009-03-01,M,890,P,N,110,S2\n"
                              "E,Eve,Elm,2009-03-01,M,890,P,K,,S1\n"
                              "F,Fay,Fir,2009-03-01,F,890,P,N,,S1\n"
                              "G,Gus,Gorse,2011-03-01,M,890,P,N,,S3\n"
                              "H,Hal,Hazel,2010-03-01,F,890,P,N,,S2\n");
  dir.write("activities.csv", std::string(testing::kActivitiesHeader));
  dir.write("indicators.csv",
            "person_id,academic_year,year_group,school_id,attendance_pct,suspensions,permanent_exclusions,fsm,eal,"
            "attainment_band\n"
            "A,2024,11,S1,90.0,1,0,N,N,middle\n"
            "B,2024,11,S1,89.9,2,0,N,N,\n"
            "B,2023,10,S1,95,0,0,Y,N,\n"
            "C,2024,11,S2,65,0,0,Y,N,\n"
            "D,2024,11,S2,95,0,0,N,N,high\n"
            "E,2024,11,S1,70.0,0,1,N,N,low\n"
            "F,2024,11,S1,,,,N,N,low\n"
            "G,2024,9,S3,50,3,1,Y,N,low\n"
            "H,2024,10,S2,92,0,0,Y,N,\n");
}

std::string id_of(const Dataset& ds, const PupilScore& s) { return std::string(ds.people.id[s.person]); }

// "care=160 (people.csv); att70=65% (2024-25)": what fired, for comparing in one go.
std::string fired_of(const Criteria& c, const PupilScore& s) {
  std::string out;
  for (const auto& f : s.fired) {
    if (!out.empty()) out += "; ";
    out += c.indicators[f.criterion].id + "=" + f.value + " (" + risk::fired_source(f) + ")";
  }
  return out;
}

uint32_t row_of(const Dataset& ds, const std::string& person, int year) {
  const uint32_t p = ds.find_person(person);
  for (uint32_t r = 0; r < ds.indicators.size(); ++r)
    if (ds.indicators.person[r] == p && ds.indicators.academic_year[r] == year) return r;
  ADD_FAILURE() << "no indicators row for " << person << " in " << year;
  return 0;
}

TEST(RoniCriteria, DefaultsLoadAndAreSane) {
  const Criteria& c = Criteria::defaults();
  EXPECT_FALSE(c.version.empty());
  EXPECT_GT(c.red, c.amber);
  EXPECT_GE(c.indicators.size(), 20u);
  // The always-include groups of domain.md section 7.
  int groups = 0;
  for (const auto& k : c.indicators) groups += k.always_include;
  EXPECT_GE(groups, 3);
  // The file in the source tree is the one compiled in.
  EXPECT_EQ(Criteria::load(std::string(PATHWAYS_SOURCE_DIR) + "/data/roni.json").version, c.version);
  EXPECT_EQ(Criteria::load("").version, c.version);
}

TEST(RoniCriteria, RagCutOffs) {
  const Criteria c = Criteria::from_json(kCriteria, "test.json");
  // Red >= 4, Amber >= 2: each boundary belongs to the higher band.
  EXPECT_EQ(c.rag_of(0), Rag::kGreen);
  EXPECT_EQ(c.rag_of(1), Rag::kGreen);
  EXPECT_EQ(c.rag_of(2), Rag::kAmber);
  EXPECT_EQ(c.rag_of(3), Rag::kAmber);
  EXPECT_EQ(c.rag_of(4), Rag::kRed);
  EXPECT_EQ(c.rag_of(9), Rag::kRed);
  EXPECT_EQ(risk::rag_name(Rag::kRed), "red");
  EXPECT_EQ(risk::rag_name(Rag::kAmber), "amber");
  EXPECT_EQ(risk::rag_name(Rag::kGreen), "green");
  EXPECT_EQ(c.indicators[4].threshold, 1);  // permanent_exclusions without a threshold: at least 1
  EXPECT_EQ(c.year_groups, (std::vector<int>{10, 11}));
}

TEST(RoniScore, EachFieldKindThresholdsSupersedesAndGroups) {
  TempDir dir;
  write_scoring_folder(dir);
  const Dataset ds = testing::load_valid(dir);
  const Criteria c = Criteria::from_json(kCriteria, "test.json");
  const auto scores = risk::score_year(ds, Rules::defaults(), c, 2024);
  ASSERT_EQ(scores.size(), 7u);

  struct Expected {
    const char* id;
    int score;
    Rag rag;
    bool by_group, on_list;
    const char* fired;
  };
  const std::vector<Expected> expected = {
      {"A", 0, Rag::kGreen, false, false, ""},
      {"B", 2, Rag::kAmber, false, true, "att90=89.9% (2024-25); susp2=2 suspensions (2024-25); male=M (people.csv)"},
      {"C", 5, Rag::kRed, true, true, "care=160 (people.csv); att70=65% (2024-25); fsm=Y (2024-25); ehc=E (people.csv)"},
      {"D", 1, Rag::kGreen, true, true, "care=110 (people.csv); male=M (people.csv)"},
      {"E", 4, Rag::kRed, false, true,
       "att90=70% (2024-25); excl=1 permanent exclusion (2024-25); male=M (people.csv); low=low (2024-25)"},
      {"F", 1, Rag::kGreen, false, false, "low=low (2024-25)"},
      {"H", 1, Rag::kGreen, false, false, "fsm=Y (2024-25)"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& e = expected[i];
    const PupilScore& s = scores[i];
    SCOPED_TRACE(e.id);
    EXPECT_EQ(id_of(ds, s), e.id);
    EXPECT_EQ(s.score, e.score);
    EXPECT_EQ(s.rag, e.rag);
    EXPECT_EQ(s.by_group, e.by_group);
    EXPECT_EQ(s.on_list(), e.on_list);
    EXPECT_EQ(fired_of(c, s), e.fired);
  }
  EXPECT_EQ(scores[2].year_group, 11);
  EXPECT_EQ(ds.schools[scores[2].school], "S2");
  EXPECT_EQ(scores[6].year_group, 10);

  const auto sum = risk::summarise(scores);
  EXPECT_EQ(sum.pupils, 7);
  EXPECT_EQ(sum.red, 2);
  EXPECT_EQ(sum.amber, 1);
  EXPECT_EQ(sum.green, 4);
  EXPECT_EQ(sum.on_list, 4);
}

TEST(RoniScore, FiltersAndSingleRows) {
  TempDir dir;
  write_scoring_folder(dir);
  const Dataset ds = testing::load_valid(dir);
  const Criteria c = Criteria::from_json(kCriteria, "test.json");
  const Rules& rules = Rules::defaults();
  auto ids = [&](const std::vector<PupilScore>& v) {
    std::string s;
    for (const auto& p : v) s += id_of(ds, p);
    return s;
  };
  risk::ScoreFilter school;
  school.school = ds.schools.find("S2");
  EXPECT_EQ(ids(risk::score_year(ds, rules, c, 2024, school)), "CDH");
  risk::ScoreFilter y11;
  y11.year_group = 11;
  EXPECT_EQ(ids(risk::score_year(ds, rules, c, 2024, y11)), "ABCDEF");
  risk::ScoreFilter y9;
  y9.year_group = 9;  // not a year group of the criteria
  EXPECT_EQ(ids(risk::score_year(ds, rules, c, 2024, y9)), "");
  EXPECT_EQ(ids(risk::score_year(ds, rules, c, 2023)), "B");
  EXPECT_EQ(ids(risk::score_year(ds, rules, c, 2025)), "");

  // B's 2023-24 row: fsm (from 2023-24) + male = 1.
  const PupilScore b = risk::score_row(ds, rules, c, row_of(ds, "B", 2023));
  EXPECT_EQ(b.score, 1);
  EXPECT_EQ(fired_of(c, b), "fsm=Y (2023-24); male=M (people.csv)");
  // G's Year 9 row scored on its own: att70 2 + susp2 1 + excl 2 + fsm 1 + male 0 + low 1 = 7.
  const PupilScore g = risk::score_row(ds, rules, c, row_of(ds, "G", 2024));
  EXPECT_EQ(g.score, 7);
  EXPECT_EQ(g.rag, Rag::kRed);
  EXPECT_EQ(fired_of(c, g), "att70=50% (2024-25); susp2=3 suspensions (2024-25); excl=1 permanent exclusion (2024-25); "
                            "fsm=Y (2024-25); male=M (people.csv); low=low (2024-25)");
  // A RowScorer gives the same.
  const risk::RowScorer scorer(ds, rules, c);
  EXPECT_EQ(fired_of(c, scorer.score(row_of(ds, "G", 2024))), fired_of(c, g));
  EXPECT_EQ(scorer.conditions(row_of(ds, "C", 2024)).size(), 5u);
  // Before supersedes both attendance rungs hold.
  const auto cond = risk::conditions_of_row(ds, rules, c, row_of(ds, "C", 2024));
  std::string held;
  for (const auto& f : cond) held += c.indicators[f.criterion].id + " ";
  EXPECT_EQ(held, "care att90 att70 fsm ehc ");
}

TEST(RoniCriteria, BadFilesAreRejectedNamingTheEntry) {
  auto with = [](const std::string& indicators, const std::string& top = R"("red": 4, "amber": 2)") {
    return R"({"version": "v", )" + top + R"(, "indicators": [)" + indicators + "]}";
  };
  const std::string ok = R"({"id": "fsm", "label": "FSM", "field": "fsm"})";
  struct Case {
    std::string json, message;
  };
  const std::vector<Case> cases = {
      {"{not json", "test.json: not valid JSON"},
      {"[1, 2]", "test.json: expected a JSON object"},
      {with(ok, R"("red": 2, "amber": 2)"), "test.json: red (2) must be greater than amber (2)"},
      {with(ok, R"("red": 4, "amber": 2.5)"), "test.json: amber: expected a whole number"},
      {with(ok, R"("amber": 2)"), "test.json: red: missing"},
      {R"({"red": 4, "amber": 2, "indicators": [)" + ok + "]}", "test.json: version:"},
      {with(ok, R"("red": 4, "amber": 2, "Red": 5)"), "test.json: unknown key 'Red'"},
      {with(ok, R"("red": 4, "amber": 2, "register_dates": ["13-01"])"), "register_dates: '13-01'"},
      {with(ok, R"("red": 4, "amber": 2, "year_groups": [11, 11])"), "year_groups: 11 listed twice"},
      {with(""), "test.json: indicators: expected a non-empty list"},
      {with(ok + "," + ok), "test.json: indicators[1] (id 'fsm'): id 'fsm' listed twice"},
      {with(R"({"id": "a", "label": "A", "field": "atendance_pct", "threshold": 90})"),
       "test.json: indicators[0] (id 'a'): unknown field 'atendance_pct'"},
      {with(R"({"id": "a", "label": "A", "field": "attendance_pct"})"), "indicators[0] (id 'a'): threshold:"},
      {with(R"({"id": "a", "label": "A", "field": "attendance_pct", "threshold": 120})"), "not a percentage"},
      {with(R"({"id": "a", "label": "A", "field": "suspensions", "threshold": 0})"), "indicators[0] (id 'a'): threshold"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "threshold": 1})"), "threshold is only for"},
      {with(R"({"id": "a", "label": "A", "field": "sen_status", "value": "Q"})"), "'Q' is not a sen_status code"},
      {with(R"({"id": "a", "label": "A", "field": "characteristic", "value": "110;11"})"),
       "'11' is not a characteristic code"},
      {with(R"({"id": "a", "label": "A", "field": "gender"})"), "value: gender needs the code(s)"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "value": "Y"})"), "value is only for"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "point": 2})"), "indicators[0] (id 'a'): unknown key 'point'"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "points": -1})"), "points: expected a whole number from 0"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "always_include": "yes"})"), "always_include: expected true"},
      {with(R"({"id": "Bad Id", "label": "A", "field": "fsm"})"), "indicators[0]: id:"},
      {with(R"({"id": "a", "field": "fsm"})"), "indicators[0] (id 'a'): label:"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "supersedes": "nope"})"),
       "indicator 'a': supersedes 'nope', which is not an indicator id"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "supersedes": "a"})"), "supersedes itself"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "supersedes": "b"}, {"id": "b", "label": "B", "field": "eal", "supersedes": "a"})"),
       "supersedes forms a loop"},
      {with(R"({"id": "a", "label": "A", "field": "fsm", "always_include": true}, {"id": "b", "label": "B", "field": "eal", "supersedes": "a"})"),
       "an always-include group"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.json);
    try {
      Criteria::from_json(k.json, "test.json");
      ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(k.message), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("test.json: ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(Criteria::load("/nonexistent/roni.json"), std::runtime_error);
}

// ---- Relative risk -----------------------------------------------------------------------

TEST(RoniAnalysis, RelativeRiskKatzByHand) {
  // 2 of 4 with, 1 of 6 without: RR = 0.5 / 0.16667 = 3.0;
  // SE(ln RR) = sqrt(1/2 - 1/4 + 1/1 - 1/6) = sqrt(1.08333) = 1.04083;
  // CI = 3 exp(-+1.95996 x 1.04083) = 0.3901 .. 23.0717.
  auto r = risk::relative_risk(2, 4, 1, 6);
  EXPECT_NEAR(r.rr, 3.0, 1e-9);
  EXPECT_NEAR(r.low, 0.3901, 1e-4);
  EXPECT_NEAR(r.high, 23.0717, 1e-4);
  EXPECT_FALSE(r.corrected);
  // A zero cell: 0 of 5 with, 3 of 10 without. 0.5 added to each cell: 0.5 of 6, 3.5 of 11.
  // RR = (0.5/6) / (3.5/11) = 0.26190; SE = sqrt(1/0.5 - 1/6 + 1/3.5 - 1/11) = 1.42413;
  // CI = 0.01607 .. 4.26936.
  r = risk::relative_risk(0, 5, 3, 10);
  EXPECT_TRUE(r.corrected);
  EXPECT_NEAR(r.rr, 0.26190, 1e-5);
  EXPECT_NEAR(r.low, 0.01607, 1e-5);
  EXPECT_NEAR(r.high, 4.26936, 1e-4);
  // Nobody without: undefined.
  r = risk::relative_risk(2, 4, 0, 0);
  EXPECT_TRUE(std::isnan(r.rr));
  EXPECT_TRUE(std::isnan(r.low));
}

// ---- The analysis cohort -----------------------------------------------------------------
//
// Criteria "an-1": Red >= 3, Amber >= 2, year group 11:
//   fsm 1; att90 (below 90) 1; att70 (below 70) 2 supersedes att90; care (110) 1 always
//   include; eal 1.
const char* kAnalysisCriteria = R"({
  "version": "an-1", "red": 3, "amber": 2, "year_groups": [11],
  "indicators": [
    {"id": "fsm", "label": "Free school meals", "field": "fsm", "points": 1},
    {"id": "att90", "label": "Attendance below 90%", "field": "attendance_pct", "threshold": 90, "points": 1},
    {"id": "att70", "label": "Attendance below 70%", "field": "attendance_pct", "threshold": 70, "points": 2, "supersedes": "att90"},
    {"id": "care", "label": "Looked after", "field": "characteristic", "value": "110", "points": 1, "always_include": true},
    {"id": "eal", "label": "English as an additional language", "field": "eal", "points": 1}
  ]})";

// Thirteen people in Year 11 in 2024-25; the outcome is read at 2025-12-31, 2026-01-31 and
// 2026-02-28 (Year 12, 2025-26). Reporting LA 890.
//
// id  fsm att eal chars  Year 12 activities                                  outcome     score  RAG
// Q01 Y   60             619 from 2025-12-01, verified 2026-02-15            NEET x3     3     red (fsm 1 + att70 2)
// Q02 Y   85             619 from 2025-11-15, verified 2026-01-20            NEET x3     2     amber
// Q03 N   95      110    230 to 2026-01-05, 619 2026-01-06..02-10, 230 after NEET (Jan)  1     green, group
// Q04 Y   95             230 from 2025-09-05                                 not NEET    1     green
// Q05 Y   88             230 from 2025-09-05                                 not NEET    2     amber
// Q06 N   92  Y          230 from 2025-09-05                                 not NEET    1     green
// Q07 N   99             230 from 2025-09-05                                 not NEET    0
// Q08 N   75             230 from 2025-09-05                                 not NEET    1     green (att90)
// Q09 N   96             230 from 2025-09-05                                 not NEET    0
// Q10 N   97             230 from 2026-02-01 (not known Dec, Jan)            not NEET    0
// Q11 Y   50             none: not known on all three dates                  left out (not known)
// Q12 Y   80             moved away (cohort status M)                        left out (not tracked)
// Q13 N   99             LA 888, 619 from 2025-12-01 verified 2026-02-15     left out with --la 890; NEET without
//
// With LA 890: cohort 13, with an outcome 10, NEET 3 (Q01-Q03), not known 1, not tracked 2.
//   fsm:   with Q01 Q02 Q04 Q05 = 4, NEET 2 (rate 0.5); without 6, NEET 1 (Q03; rate 1/6);
//          prevalence 4/10; RR 3.0, CI 0.3901-23.0717 (as RelativeRiskKatzByHand);
//          share of NEETs flagged 2/3.
//   att90: condition below 90 (incl. below 70): Q01 Q02 Q05 Q08 = 4, NEET 2: the same as fsm.
//   att70: Q01 = 1, NEET 1; without 9, NEET 2: RR (1/1)/(2/9) = 4.5;
//          SE = sqrt(1 - 1 + 1/2 - 1/9) = 0.62361, CI 1.3255-15.2767; share 1/3.
//   care:  Q03 = 1, NEET 1: the same as att70.
//   eal:   Q06 = 1, NEET 0 (zero cell): 0.5 of 2 against 3.5 of 10: RR 0.25/0.35 = 0.71429,
//          SE = sqrt(2 - 1/2 + 1/3.5 - 1/10) = 1.29835, CI 0.05607-9.09976.
//   Score: Red: Q01 = 1 flagged, 1 NEET: recall 1/3, precision 1.
//          Amber or Red: Q01 Q02 Q05 = 3, NEET 2: recall 2/3, precision 2/3.
//          On the list: + Q03 (group) = 4, NEET 3: recall 1, precision 3/4.
//          "3 of 3 young people NEET in Year 12 (2025-26) had been flagged in Year 11 (2024-25)".
// Without an LA Q13 counts: with an outcome 11, NEET 4, not tracked 1.
void write_analysis_folder(const TempDir& dir) {
  std::string people = testing::kPeopleHeader;
  std::string ind = "person_id,academic_year,year_group,school_id,attendance_pct,fsm,eal\n";
  struct P {
    const char* id;
    const char* fsm;
    const char* att;
    const char* eal;
    const char* chars;
    const char* la;
    const char* status;
  };
  const std::vector<P> ps = {
      {"Q01", "Y", "60", "N", "", "890", "P"}, {"Q02", "Y", "85", "N", "", "890", "P"},
      {"Q03", "N", "95", "N", "110", "890", "P"}, {"Q04", "Y", "95", "N", "", "890", "P"},
      {"Q05", "Y", "88", "N", "", "890", "P"}, {"Q06", "N", "92", "Y", "", "890", "P"},
      {"Q07", "N", "99", "N", "", "890", "P"}, {"Q08", "N", "75", "N", "", "890", "P"},
      {"Q09", "N", "96", "N", "", "890", "P"}, {"Q10", "N", "97", "N", "", "890", "P"},
      {"Q11", "Y", "50", "N", "", "890", "P"}, {"Q12", "Y", "80", "N", "", "890", "M"},
      {"Q13", "N", "99", "N", "", "888", "P"},
  };
  for (const auto& p : ps) {
    people += std::string(p.id) + ",G" + p.id + ",F" + p.id + ",2009-03-01,F," + p.la + "," + p.status + ",N," +
              p.chars + ",S1\n";
    ind += std::string(p.id) + ",2024,11,S1," + p.att + "," + p.fsm + "," + p.eal + "\n";
  }
  dir.write("people.csv", people);
  dir.write("indicators.csv", ind);
  dir.write("activities.csv", std::string(testing::kActivitiesHeader) +
                                  "Q01,619,2025-12-01,,2026-02-15,,,,\n"
                                  "Q02,619,2025-11-15,,2026-01-20,,,,\n"
                                  "Q03,230,2025-09-05,2026-01-05,,,,,\n"
                                  "Q03,619,2026-01-06,2026-02-10,,,,,\n"
                                  "Q03,230,2026-02-11,,,,,,\n"
                                  "Q04,230,2025-09-05,,,,,,\n"
                                  "Q05,230,2025-09-05,,,,,,\n"
                                  "Q06,230,2025-09-05,,,,,,\n"
                                  "Q07,230,2025-09-05,,,,,,\n"
                                  "Q08,230,2025-09-05,,,,,,\n"
                                  "Q09,230,2025-09-05,,,,,,\n"
                                  "Q10,230,2026-02-01,,,,,,\n"
                                  "Q12,230,2025-09-05,,,,,,\n"
                                  "Q13,619,2025-12-01,,2026-02-15,,,,\n");
}

const Date kAsOf = make_date(2026, 10, 31);

TEST(RoniOutcome, NeetInOneSnapshotNotKnownAndMovedAway) {
  TempDir dir;
  write_analysis_folder(dir);
  const Dataset ds = testing::load_valid(dir);
  ReportScope la;
  la.la = 890;
  const auto c = risk::cohort_outcomes(ds, Rules::defaults(), 2024, kAsOf, la);
  ASSERT_TRUE(c.observed);
  ASSERT_EQ(c.size(), 13u);
  const std::string expected = "NNNnnnnnnnKTT";  // N NEET, n not NEET, K not known, T not tracked
  std::string got;
  for (auto o : c.outcome)
    got += o == Outcome::kNeet ? 'N' : o == Outcome::kNotNeet ? 'n' : o == Outcome::kNotKnown ? 'K' : 'T';
  EXPECT_EQ(got, expected);
  EXPECT_EQ(c.neet, 3);
  EXPECT_EQ(c.not_neet, 7);
  EXPECT_EQ(c.not_known, 1);
  EXPECT_EQ(c.not_tracked, 2);
  // Without an LA, Q13 (LA 888) is in scope and NEET.
  const auto all = risk::cohort_outcomes(ds, Rules::defaults(), 2024, kAsOf);
  EXPECT_EQ(all.outcome[12], Outcome::kNeet);
  EXPECT_EQ(all.neet, 4);
  EXPECT_EQ(all.not_tracked, 1);
  // Before the February snapshot nothing is observed.
  const auto early = risk::cohort_outcomes(ds, Rules::defaults(), 2024, make_date(2026, 2, 27), la);
  EXPECT_FALSE(early.observed);
  EXPECT_EQ(risk::newest_observed_cohort(ds, make_date(2026, 2, 27)), 0);
  EXPECT_EQ(risk::newest_observed_cohort(ds, make_date(2026, 2, 28)), 2024);
}

TEST(RoniAnalysis, IndicatorsAndScoreByHand) {
  TempDir dir;
  write_analysis_folder(dir);
  const Dataset ds = testing::load_valid(dir);
  const Criteria c = Criteria::from_json(kAnalysisCriteria, "an.json");
  ReportScope la;
  la.la = 890;
  const auto a = risk::analyse_indicators(ds, Rules::defaults(), c, 2024, kAsOf, la);
  EXPECT_EQ(a.cohort, 13);
  EXPECT_EQ(a.with_outcome, 10);
  EXPECT_EQ(a.neet, 3);
  EXPECT_EQ(a.left_out_not_known, 1);
  EXPECT_EQ(a.left_out_not_tracked, 2);
  ASSERT_EQ(a.indicators.size(), 5u);

  const auto& fsm = a.indicators[0];
  EXPECT_EQ(fsm.id, "fsm");
  EXPECT_EQ(fsm.n_with, 4);
  EXPECT_EQ(fsm.neet_with, 2);
  EXPECT_EQ(fsm.n_without, 6);
  EXPECT_EQ(fsm.neet_without, 1);
  EXPECT_NEAR(fsm.rate_with, 0.5, 1e-12);
  EXPECT_NEAR(fsm.rate_without, 1.0 / 6, 1e-12);
  EXPECT_NEAR(fsm.prevalence, 0.4, 1e-12);
  EXPECT_NEAR(fsm.share_of_neet_flagged, 2.0 / 3, 1e-12);
  EXPECT_NEAR(fsm.rr.rr, 3.0, 1e-9);
  EXPECT_NEAR(fsm.rr.low, 0.3901, 1e-4);
  EXPECT_NEAR(fsm.rr.high, 23.0717, 1e-4);

  const auto& att90 = a.indicators[1];
  EXPECT_EQ(att90.n_with, 4);  // includes Q01 (below 70): conditions before supersedes
  EXPECT_EQ(att90.neet_with, 2);
  const auto& att70 = a.indicators[2];
  EXPECT_EQ(att70.n_with, 1);
  EXPECT_EQ(att70.neet_with, 1);
  EXPECT_NEAR(att70.rr.rr, 4.5, 1e-9);
  EXPECT_NEAR(att70.rr.low, 1.3255, 1e-4);
  EXPECT_NEAR(att70.rr.high, 15.2767, 1e-4);
  EXPECT_NEAR(att70.share_of_neet_flagged, 1.0 / 3, 1e-12);
  const auto& eal = a.indicators[4];
  EXPECT_EQ(eal.n_with, 1);
  EXPECT_EQ(eal.neet_with, 0);
  EXPECT_TRUE(eal.rr.corrected);
  EXPECT_NEAR(eal.rr.rr, 0.71429, 1e-5);
  EXPECT_NEAR(eal.rr.low, 0.05607, 1e-5);
  EXPECT_NEAR(eal.rr.high, 9.09976, 1e-4);

  ASSERT_EQ(a.roni.size(), 3u);
  EXPECT_EQ(a.roni[0].cut, "red");
  EXPECT_EQ(a.roni[0].flagged, 1);
  EXPECT_EQ(a.roni[0].neet_flagged, 1);
  EXPECT_NEAR(a.roni[0].recall, 1.0 / 3, 1e-12);
  EXPECT_NEAR(a.roni[0].precision, 1.0, 1e-12);
  EXPECT_EQ(a.roni[1].cut, "amber");
  EXPECT_EQ(a.roni[1].flagged, 3);
  EXPECT_EQ(a.roni[1].neet_flagged, 2);
  EXPECT_NEAR(a.roni[1].recall, 2.0 / 3, 1e-12);
  EXPECT_NEAR(a.roni[1].precision, 2.0 / 3, 1e-12);
  EXPECT_EQ(a.roni[2].cut, "on_list");
  EXPECT_EQ(a.roni[2].flagged, 4);
  EXPECT_EQ(a.roni[2].neet_flagged, 3);
  EXPECT_NEAR(a.roni[2].recall, 1.0, 1e-12);
  EXPECT_NEAR(a.roni[2].precision, 0.75, 1e-12);
  EXPECT_EQ(a.summary.rfind("3 of 3 young people NEET in Year 12 (2025-26) had been flagged in Year 11 (2024-25)", 0), 0u)
      << a.summary;

  // Without an LA: Q13 (NEET, not flagged) joins.
  const auto all = risk::analyse_indicators(ds, Rules::defaults(), c, 2024, kAsOf);
  EXPECT_EQ(all.with_outcome, 11);
  EXPECT_EQ(all.neet, 4);
  EXPECT_EQ(all.left_out_not_tracked, 1);
  EXPECT_EQ(all.roni[2].neet_flagged, 3);
  EXPECT_NEAR(all.roni[2].recall, 0.75, 1e-12);

  // JSON: the contract's names, NaN as null.
  const auto j = risk::to_json(a);
  EXPECT_EQ(j["year11"], "2024-25");
  EXPECT_EQ(j["snapshots"][2], "2026-02-28");
  EXPECT_EQ(j["indicators"][0]["relative_risk"], 3.0);
  EXPECT_EQ(j["roni"][2]["cut"], "on_list");
  const auto tables = risk::to_tables(a);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].rows.size(), 5u);
}

// ---- The command line --------------------------------------------------------------------

using Outcome2 = testing::ShellResult;
Outcome2 run(const std::string& args) { return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>&1"); }
Outcome2 run_quiet(const std::string& args) {
  return testing::shell(std::string(PATHWAYS_BINARY) + " " + args + " 2>/dev/null");
}

TEST(RoniCli, ScoreJsonCsvTableXlsx) {
  TempDir dir;
  write_scoring_folder(dir);
  dir.write("crit.json", kCriteria);
  const std::string base = "roni score --data " + dir.path() + " --year 2024 --criteria " + (dir / "crit.json");
  const Outcome2 j = run_quiet(base + " --format json");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["academic_year"], "2024-25");
  EXPECT_EQ(doc["criteria_version"], "test-1");
  EXPECT_TRUE(doc["data_date"].is_string());
  EXPECT_EQ(doc["summary"]["pupils"], 7);
  EXPECT_EQ(doc["summary"]["red"], 2);
  EXPECT_EQ(doc["summary"]["amber"], 1);
  EXPECT_EQ(doc["summary"]["green"], 4);
  EXPECT_EQ(doc["summary"]["on_list"], 4);
  const auto& cat = doc["pupils"][2];
  EXPECT_EQ(cat["person_id"], "C");
  EXPECT_EQ(cat["given_name"], "Cat");
  EXPECT_EQ(cat["school_id"], "S2");
  EXPECT_EQ(cat["score"], 5);
  EXPECT_EQ(cat["rag"], "red");
  EXPECT_EQ(cat["by_group"], true);
  EXPECT_EQ(cat["fired"][1]["id"], "att70");
  EXPECT_EQ(cat["fired"][1]["value"], "65%");
  EXPECT_EQ(cat["fired"][1]["source"], "2024-25");
  EXPECT_EQ(cat["fired"][0]["source"], "people.csv");

  const Outcome2 c = run_quiet(base + " --format csv");
  ASSERT_EQ(c.status, 0) << c.out;
  EXPECT_EQ(c.out.substr(0, c.out.find('\n')),
            "person_id,given_name,family_name,school_id,year_group,score,rag,on_list,by_group,fired");
  EXPECT_NE(c.out.find("C,Cat,Cedar,S2,11,5,red,yes,yes,care=160 (people.csv); att70=65% (2024-25); fsm=Y (2024-25); "
                       "ehc=E (people.csv)\n"),
            std::string::npos)
      << c.out;

  const Outcome2 t = run_quiet(base + " --school S2");
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_NE(t.out.find("Pupils 3: Red 1, Amber 0, Green 2; on the list 2"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Cat Cedar"), std::string::npos);
  EXPECT_EQ(t.out.find("Amy Ash"), std::string::npos);

  EXPECT_EQ(run_quiet(base + " --format xlsx").status, 2);  // needs --out
  const Outcome2 x = run(base + " --format xlsx --out " + (dir / "r.xlsx"));
  EXPECT_EQ(x.status, 0) << x.out;
  EXPECT_FALSE(testing::read_file(dir / "r.xlsx").empty());

  // The built-in criteria work without --criteria.
  const Outcome2 d = run_quiet("roni score --data " + dir.path() + " --year 2024 --format json");
  ASSERT_EQ(d.status, 0) << d.out;
  EXPECT_EQ(nlohmann::json::parse(d.out)["criteria_version"], Criteria::defaults().version);
}

TEST(RoniCli, ScoreBadInput) {
  TempDir dir;
  write_scoring_folder(dir);
  dir.write("crit.json", kCriteria);
  const std::string data = " --data " + dir.path();
  Outcome2 r = run("roni score" + data + " --year 24");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--year: '24'"), std::string::npos) << r.out;
  r = run("roni score" + data + " --year 2024 --school NOPE");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--school: no school 'NOPE'"), std::string::npos) << r.out;
  r = run("roni score" + data + " --year 2024 --year-group 9 --criteria " + (dir / "crit.json"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--year-group: 9"), std::string::npos) << r.out;
  EXPECT_EQ(run("roni score --year 2024").status, 2);  // neither --data nor --db

  // A bad criteria file: the message names the file and the entry.
  dir.write("bad.json", R"({"version": "v", "red": 4, "amber": 2, "indicators": [
    {"id": "fsm", "label": "FSM", "field": "fsm"},
    {"id": "att", "label": "Attendance", "field": "attendance_pct", "threshold": "ninety"}]})");
  r = run("roni score" + data + " --year 2024 --criteria " + (dir / "bad.json"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find(dir / "bad.json" + ": indicators[1] (id 'att'): threshold"), std::string::npos) << r.out;
  r = run("roni indicators" + data + " --criteria " + (dir / "missing.json"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("missing.json: cannot read"), std::string::npos) << r.out;

  // A bad indicators.csv cell: file, line and column, and nothing computed.
  TempDir bad;
  write_scoring_folder(bad);
  bad.write("indicators.csv",
            "person_id,academic_year,year_group,school_id,attendance_pct\n"
            "A,2024,11,S1,90\n"
            "B,2024,11,S1,120\n");
  r = run("roni score --data " + bad.path() + " --year 2024 --format json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("indicators.csv:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("attendance_pct"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"pupils\""), std::string::npos) << r.out;
}

TEST(RoniCli, IndicatorsJsonAndBadInput) {
  TempDir dir;
  write_analysis_folder(dir);
  dir.write("an.json", kAnalysisCriteria);
  const std::string base = "roni indicators --data " + dir.path() + " --la 890 --criteria " + (dir / "an.json");
  const Outcome2 j = run_quiet(base + " --as-of 2026-10-31 --format json");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["year11"], "2024-25");  // the newest observed cohort
  EXPECT_EQ(doc["outcome"], "NEET in any of the Dec-Feb snapshots of Year 12 (2025-26)");
  EXPECT_EQ(doc["snapshots"], nlohmann::json::parse(R"(["2025-12-31", "2026-01-31", "2026-02-28"])"));
  EXPECT_EQ(doc["cohort"], 13);
  EXPECT_EQ(doc["with_outcome"], 10);
  EXPECT_EQ(doc["neet"], 3);
  EXPECT_EQ(doc["left_out_not_known"], 1);
  EXPECT_EQ(doc["left_out_not_tracked"], 2);
  const auto& fsm = doc["indicators"][0];
  for (const char* key : {"id", "label", "points", "n_with", "neet_with", "rate_with", "n_without", "neet_without",
                          "rate_without", "prevalence", "relative_risk", "rr_ci_low", "rr_ci_high",
                          "share_of_neet_flagged"})
    EXPECT_TRUE(fsm.contains(key)) << key;
  EXPECT_NEAR(fsm["relative_risk"].get<double>(), 3.0, 1e-9);
  EXPECT_NEAR(fsm["rr_ci_low"].get<double>(), 0.3901, 1e-4);
  EXPECT_EQ(doc["roni"][1]["flagged"], 3);
  EXPECT_NEAR(doc["roni"][1]["precision"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(doc["summary"].get<std::string>().rfind("3 of 3 young people NEET", 0), 0u);

  const Outcome2 t = run_quiet(base + " --year 2024 --as-of 2026-10-31");
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_NE(t.out.find("3 of 3 young people NEET in Year 12 (2025-26)"), std::string::npos) << t.out;
  const Outcome2 c = run_quiet(base + " --as-of 2026-10-31 --format csv");
  ASSERT_EQ(c.status, 0) << c.out;
  EXPECT_EQ(c.out.substr(0, c.out.find(',')), "id");
  const Outcome2 x = run(base + " --as-of 2026-10-31 --format xlsx --out " + (dir / "i.xlsx"));
  EXPECT_EQ(x.status, 0) << x.out;

  Outcome2 r = run(base + " --year 2023 --as-of 2026-10-31");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("no Year 11 rows in indicators.csv for 2023-24"), std::string::npos) << r.out;
  r = run(base + " --year 2024 --as-of 2026-02-27");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("no observed outcome"), std::string::npos) << r.out;
  r = run(base + " --as-of 2025-06-01");
  EXPECT_EQ(r.status, 2);
  r = run(base + " --as-of 2026-02-30");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--as-of"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pathways
