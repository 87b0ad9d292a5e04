// Reading canonical folders: the CSV dialect, and one test per class of bad input.
// Each error must name the file, line, column and reason, and leave no dataset.
#include "io/folder.h"

#include <gtest/gtest.h>


#include "io/csv.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

const std::string kOkPeople = std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-03-15,F,890,P,N,,S1\n";
const std::string kOkActivities = std::string(testing::kActivitiesHeader) + "A,230,2024-09-05,,,,,,\n";

struct Loaded {
  Dataset ds;
  LoadReport report;
};

Loaded load(const std::string& people, const std::string& activities) {
  TempDir dir;
  dir.write("people.csv", people);
  dir.write("activities.csv", activities);
  Loaded l;
  l.ds = load_folder(dir.path(), Rules::defaults(), l.report);
  return l;
}

// Expects exactly one error, at file:line in column, whose reason contains `reason`.
void expect_error(const Loaded& l, const std::string& file, uint64_t line, const std::string& column,
                  const std::string& reason) {
  ASSERT_FALSE(l.report.ok());
  ASSERT_EQ(l.report.errors.size(), 1u) << format_issue(l.report.errors[0]);
  const Issue& e = l.report.errors[0];
  EXPECT_EQ(e.file, file) << format_issue(e);
  EXPECT_EQ(e.line, line) << format_issue(e);
  EXPECT_EQ(e.column, column) << format_issue(e);
  EXPECT_NE(e.reason.find(reason), std::string::npos) << format_issue(e);
  EXPECT_EQ(l.ds.people.size(), 0u) << "nothing is computed from bad data";
}

TEST(Csv, BomCrlfQuotesAndTrailingBlankLines) {
  TempDir dir;
  dir.write("x.csv", "\xEF\xBB\xBFid,name\r\n1,\"Smith, \"\"Jo\"\"\r\nline two\"\r\n2,plain\r\n\r\n\r\n");
  CsvReader csv(dir / "x.csv", "x.csv");
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(csv[0], "id");
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(csv.line(), 2u);
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[1], "Smith, \"Jo\"\r\nline two");
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(csv.line(), 4u);  // the quoted field spanned lines 2-3
  EXPECT_EQ(csv[1], "plain");
  EXPECT_FALSE(csv.next());
}

TEST(Csv, EmptyTrailingFieldAndNoFinalNewline) {
  TempDir dir;
  dir.write("x.csv", "a,b,c\n1,,\n2,\"\",x");
  CsvReader csv(dir / "x.csv", "x.csv");
  ASSERT_TRUE(csv.next());
  ASSERT_TRUE(csv.next());
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[2], "");
  ASSERT_TRUE(csv.next());
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[1], "");
  EXPECT_EQ(csv[2], "x");
  EXPECT_FALSE(csv.next());
}

TEST(Csv, RecordsSpanningReadBlocks) {
  // Many rows with quoted fields, so records straddle the reader's 4 MiB blocks.
  TempDir dir;
  std::string s = "id,text\n";
  for (int i = 0; i < 200000; ++i) s += std::to_string(i) + ",\"a,\"\"b\"\"\nc " + std::to_string(i) + "\"\n";
  dir.write("x.csv", s);
  CsvReader csv(dir / "x.csv", "x.csv");
  ASSERT_TRUE(csv.next());
  for (int i = 0; i < 200000; ++i) {
    ASSERT_TRUE(csv.next());
    ASSERT_EQ(csv[0], std::to_string(i));
    ASSERT_EQ(csv[1], "a,\"b\"\nc " + std::to_string(i));
    ASSERT_EQ(csv.line(), 2u + 2u * static_cast<unsigned>(i));
  }
  EXPECT_FALSE(csv.next());
}

TEST(Csv, MalformedQuoting) {
  TempDir dir;
  dir.write("a.csv", "id,name\n1,\"open\n2,x\n");
  CsvReader a(dir / "a.csv", "a.csv");
  ASSERT_TRUE(a.next());
  try {
    a.next();
    FAIL() << "expected an error";
  } catch (const CsvError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_NE(e.reason().find("unterminated"), std::string::npos);
  }
  dir.write("b.csv", "id,name\n1,\"x\"y\n");
  CsvReader b(dir / "b.csv", "b.csv");
  ASSERT_TRUE(b.next());
  EXPECT_THROW(b.next(), CsvError);
}

TEST(Folder, ValidFolderLoads) {
  const Loaded l = load(kOkPeople, kOkActivities);
  EXPECT_TRUE(l.report.ok());
  EXPECT_EQ(l.ds.people.size(), 1u);
  EXPECT_EQ(l.ds.activities.size(), 1u);
  EXPECT_EQ(l.ds.people.given_name[0], "Amy");
}

TEST(Folder, ColumnOrderIsFreeAndExtraColumnsWarn) {
  const Loaded l = load("la_code,date_of_birth,family_name,given_name,person_id,shoe_size\n890,2008-03-15,Lee,Amy,A,9\n",
                        kOkActivities);
  EXPECT_TRUE(l.report.ok());
  ASSERT_EQ(l.report.warnings.size(), 1u);
  EXPECT_EQ(l.report.warnings[0].column, "shoe_size");
  EXPECT_EQ(l.ds.people.family_name[0], "Lee");
}

TEST(Folder, MissingRequiredColumn) {
  expect_error(load("person_id,given_name,family_name,la_code\nA,Amy,Lee,890\n", kOkActivities), "people.csv", 1,
               "date_of_birth", "required column is missing");
}

TEST(Folder, ImpossibleDate) {
  expect_error(load(std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-02-30,F,890,P,N,,S1\n", kOkActivities),
               "people.csv", 2, "date_of_birth", "not a real date");
}

TEST(Folder, DuplicatePersonId) {
  expect_error(load(kOkPeople + "A,Bob,Ray,2008-04-15,M,890,P,N,,S1\n", kOkActivities), "people.csv", 3, "person_id",
               "duplicate person_id (first on line 2)");
}

TEST(Folder, UnknownActivityCode) {
  expect_error(load(kOkPeople, std::string(testing::kActivitiesHeader) + "A,999,2024-09-05,,,,,,\n"),
               "activities.csv", 2, "activity_code", "unknown activity code");
}

TEST(Folder, UnknownCharacteristicCode) {
  expect_error(load(std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-03-15,F,890,P,N,110;999,S1\n", kOkActivities),
               "people.csv", 2, "characteristics", "unknown characteristic code");
}

TEST(Folder, UnknownPerson) {
  expect_error(load(kOkPeople, std::string(testing::kActivitiesHeader) + "A,230,2024-09-05,,,,,,\nZ,230,2024-09-05,,,,,,\n"),
               "activities.csv", 3, "person_id", "no such person");
}

TEST(Folder, EndBeforeStart) {
  expect_error(load(kOkPeople, std::string(testing::kActivitiesHeader) + "A,230,2024-09-05,2024-09-01,,,,,\n"),
               "activities.csv", 2, "end_date", "before start_date");
}

TEST(Folder, DuplicateActivity) {
  expect_error(load(kOkPeople, kOkActivities + "A,230,2024-09-05,,,,,,\n"), "activities.csv", 3, "",
               "duplicate of the activity on line 2");
}

TEST(Folder, WrongFieldCount) {
  expect_error(load(kOkPeople, std::string(testing::kActivitiesHeader) + "A,230,2024-09-05\n"), "activities.csv", 2,
               "", "has 3 fields but the header has 9");
}

TEST(Folder, BadEnumerations) {
  expect_error(load(std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-03-15,Q,890,P,N,,S1\n", kOkActivities),
               "people.csv", 2, "gender", "expected F, M, X or U");
  expect_error(load(std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-03-15,F,89,P,N,,S1\n", kOkActivities),
               "people.csv", 2, "la_code", "3-digit");
  expect_error(load(kOkPeople, std::string(testing::kActivitiesHeader) + "A,619,2024-09-05,,,,,lazy,\n"),
               "activities.csv", 2, "neet_reason", "expected awaiting_start");
}

TEST(Folder, HostileStringsAreCheckedNotTrusted) {
  // Invalid UTF-8 in a name is rejected and the message shows it escaped.
  const Loaded bad = load(std::string(testing::kPeopleHeader) + "A,Am\xff,Lee,2008-03-15,F,890,P,N,,S1\n", kOkActivities);
  expect_error(bad, "people.csv", 2, "given_name", "not valid UTF-8");
  EXPECT_EQ(bad.report.errors[0].value, "Am\\xff");
  // SQL and formula text is just text.
  const Loaded ok = load(std::string(testing::kPeopleHeader) +
                             "A,\"Robert'); DROP TABLE people;--\",=cmd|' /C calc'!A0,2008-03-15,F,890,P,N,,S1\n",
                         kOkActivities);
  EXPECT_TRUE(ok.report.ok());
  EXPECT_EQ(ok.ds.people.given_name[0], "Robert'); DROP TABLE people;--");
  // Over-long fields are rejected.
  expect_error(load(std::string(testing::kPeopleHeader) + "A," + std::string(500, 'x') + ",Lee,2008-03-15,F,890,P,N,,S1\n",
                    kOkActivities),
               "people.csv", 2, "given_name", "longer than 100");
}

TEST(Folder, MissingFileAndEmptyFile) {
  TempDir dir;
  dir.write("people.csv", kOkPeople);
  LoadReport r1;
  load_folder(dir.path(), Rules::defaults(), r1);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.errors[0].file, "activities.csv");
  dir.write("activities.csv", "");
  LoadReport r2;
  load_folder(dir.path(), Rules::defaults(), r2);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.errors[0].reason.find("empty"), std::string::npos);
}

TEST(Folder, AllErrorsAreReportedNotJustTheFirst) {
  const Loaded l = load(std::string(testing::kPeopleHeader) + "A,Amy,Lee,2008-13-15,F,890,P,N,,S1\n" +
                            "B,Bo,Lee,2008-01-15,F,890,Z,N,,S1\n",
                        kOkActivities);
  ASSERT_EQ(l.report.errors.size(), 2u);
  EXPECT_EQ(l.report.errors[0].line, 2u);
  EXPECT_EQ(l.report.errors[1].line, 3u);
  EXPECT_EQ(l.report.errors[1].column, "cohort_status");
}

TEST(Folder, IndicatorsAreValidated) {
  TempDir dir;
  dir.write("people.csv", kOkPeople);
  dir.write("activities.csv", kOkActivities);
  dir.write("indicators.csv", "person_id,academic_year,year_group,attendance_pct,fsm\nA,2023,10,88.5,Y\nA,2023,10,90,N\n");
  LoadReport r;
  load_folder(dir.path(), Rules::defaults(), r);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_NE(r.errors[0].reason.find("already has indicators"), std::string::npos);
  dir.write("indicators.csv", "person_id,academic_year,year_group,attendance_pct,fsm\nA,2023,10,188.5,maybe\n");
  LoadReport r2;
  load_folder(dir.path(), Rules::defaults(), r2);
  ASSERT_EQ(r2.errors.size(), 2u);
  EXPECT_EQ(r2.errors[0].column, "attendance_pct");
  EXPECT_EQ(r2.errors[1].column, "fsm");
}

TEST(Rules, DefaultsMatchDomainTables) {
  const Rules& r = Rules::defaults();
  auto cat = [&](int code) { return r.category_of(*r.code_index(code)); };
  auto part = [&](int code) { return r.participating(*r.code_index(code)); };
  EXPECT_EQ(cat(230), Category::kEet);
  EXPECT_TRUE(part(230));
  EXPECT_TRUE(part(250));
  EXPECT_FALSE(part(260));
  EXPECT_TRUE(part(310));
  EXPECT_TRUE(part(320));
  EXPECT_FALSE(part(330));
  EXPECT_FALSE(part(340));
  EXPECT_TRUE(part(381));
  EXPECT_TRUE(part(440));
  EXPECT_FALSE(part(530));
  EXPECT_TRUE(part(550));
  EXPECT_EQ(cat(540), Category::kNeet);
  EXPECT_EQ(cat(619), Category::kNeet);
  EXPECT_EQ(cat(680), Category::kNeet);
  EXPECT_EQ(cat(710), Category::kCustody);
  EXPECT_EQ(cat(830), Category::kNotKnown);
  EXPECT_EQ(cat(150), Category::kPre16);
  EXPECT_FALSE(r.code_index(999).has_value());
  for (int code : {110, 130, 140, 150, 160, 170, 190, 200, 210})
    EXPECT_TRUE(r.vulnerable_mask() & (1u << *r.characteristic_bit(code))) << code;
  for (int code : {120, 180}) EXPECT_FALSE(r.vulnerable_mask() & (1u << *r.characteristic_bit(code))) << code;
}

TEST(Rules, AnLaCanEditTheRules) {
  // An LA that counts 440 (DWP programme) as not participating and lets NEET records
  // stand for 2 months.
  TempDir dir;
  std::string json = testing::read_file(std::string(PATHWAYS_SOURCE_DIR) + "/data/rules.json");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto pos = json.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    json.replace(pos, from.size(), to);
  };
  replace(R"("label": "DWP programme", "group": "eet_training", "participating": true)",
          R"("label": "DWP programme", "group": "eet_training", "participating": false)");
  replace(R"("category": "neet",      "lapse": {"kind": "months", "months": 3}})",
          R"("category": "neet",      "lapse": {"kind": "months", "months": 2}})");
  dir.write("rules.json", json);
  const Rules r = Rules::load(dir / "rules.json");
  EXPECT_FALSE(r.participating(*r.code_index(440)));
  EXPECT_EQ(r.code(*r.code_index(619)).lapse.value, 2);
  EXPECT_EQ(r.code(*r.code_index(680)).lapse.value, 3);  // neet_not_available unchanged
}

TEST(Rules, BrokenRulesFileIsAClearError) {
  TempDir dir;
  dir.write("rules.json", "{\"groups\": {}, \"activity_codes\": [{\"code\": 230, \"group\": \"nope\"}]}");
  try {
    Rules::load(dir / "rules.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown group 'nope'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pathways
