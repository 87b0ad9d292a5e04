// The synthetic data generator: determinism, the files and their headers, referential
// integrity and date sanity, and that what it writes loads and reports cleanly.
#include "generate/generate.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/date.h"
#include "domain/rules.h"
#include "io/csv.h"
#include "io/folder.h"
#include "report/participation.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::read_file;
using testing::TempDir;

const std::map<std::string, std::string> kHeaders = {
    {"people.csv",
     "person_id,upn,uln,given_name,family_name,date_of_birth,gender,ethnicity,postcode,la_code,cohort_status,"
     "sen_status,characteristics,level_of_need,school_id"},
    {"activities.csv",
     "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source"},
    {"indicators.csv",
     "person_id,academic_year,year_group,school_id,attendance_pct,suspensions,permanent_exclusions,fsm,eal,cin,"
     "cp_plan,young_carer,home_instability,mental_health,camhs,substance_misuse,physical_health,"
     "missed_education,ehe,ap_pru,attainment_band"},
    {"coaching/caseload.csv", "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason"},
    {"coaching/sessions.csv", "person_id,session_number,date,coach_id,mode"},
    {"coaching/assessments.csv", "person_id,assessment,date"},
    {"coaching/contacts.csv", "person_id,date,coach_id,contact_with,mode"},
};

void run(const std::string& dir, const std::string& preset, int64_t people, uint64_t seed) {
  GenerateOptions o;
  o.out_dir = dir;
  o.preset = preset;
  o.people = people;
  o.seed = seed;
  generate(o);
}

// All records of a CSV file (header first), copied out of the reader.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  CsvReader r(path, path);
  while (r.next()) rows.emplace_back(r.fields().begin(), r.fields().end());
  return rows;
}

Date date_of(const std::string& s) {
  const auto d = parse_date(s);
  EXPECT_TRUE(d.has_value()) << "not a date: '" << s << "'";
  return d.value_or(kNoDate);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Checks everything that must hold of any generated folder.
void check_folder(const std::string& dir, Date as_of) {
  for (const auto& [file, header] : kHeaders) {
    const std::string text = read_file(dir + "/" + file);
    ASSERT_EQ(text.substr(0, header.size() + 1), header + "\n") << file;
    EXPECT_EQ(text.find('\r'), std::string::npos) << file;
  }

  std::set<std::string> ids, upns, ulns;
  const auto people = read_csv(dir + "/people.csv");
  ASSERT_GT(people.size(), 1u);
  for (size_t i = 1; i < people.size(); ++i) {
    const auto& p = people[i];
    ASSERT_EQ(p.size(), 15u);
    EXPECT_TRUE(ids.insert(p[0]).second) << "duplicate person_id " << p[0];
    EXPECT_TRUE(upns.insert(p[1]).second) << "duplicate UPN " << p[1];
    EXPECT_TRUE(ulns.insert(p[2]).second) << "duplicate ULN " << p[2];
    EXPECT_EQ(p[1].size(), 13u);
    EXPECT_TRUE(p[1][0] >= 'A' && p[1][0] <= 'Z' && all_digits(p[1].substr(1))) << p[1];
    EXPECT_TRUE(p[2].size() == 10 && all_digits(p[2])) << p[2];
    EXPECT_FALSE(p[3].empty());
    EXPECT_FALSE(p[4].empty());
    EXPECT_LE(date_of(p[5]), as_of);
    EXPECT_TRUE(p[9].size() == 3 && all_digits(p[9])) << p[9];
  }

  const auto activities = read_csv(dir + "/activities.csv");
  std::set<std::vector<std::string>> distinct;
  for (size_t i = 1; i < activities.size(); ++i) {
    const auto& a = activities[i];
    ASSERT_EQ(a.size(), 9u);
    EXPECT_TRUE(ids.count(a[0])) << "activity of unknown person " << a[0];
    EXPECT_TRUE(Rules::defaults().code_index(std::stoi(a[1])).has_value()) << a[1];
    EXPECT_TRUE(distinct.insert(a).second) << "duplicate activity of " << a[0] << " at line " << i + 1;
    const Date start = date_of(a[2]);
    EXPECT_LE(start, as_of) << "line " << i + 1;
    if (!a[3].empty()) {
      EXPECT_LE(start, date_of(a[3])) << "line " << i + 1;
      EXPECT_LE(date_of(a[3]), as_of) << "line " << i + 1;
    }
    if (!a[4].empty()) {
      EXPECT_LE(start, date_of(a[4])) << "line " << i + 1;
      EXPECT_LE(date_of(a[4]), as_of) << "line " << i + 1;
    }
    if (!a[5].empty()) date_of(a[5]);  // review dates may lie in the future
  }

  for (const char* file : {"indicators.csv", "coaching/caseload.csv", "coaching/sessions.csv",
                           "coaching/assessments.csv", "coaching/contacts.csv"}) {
    const auto rows = read_csv(dir + "/" + file);
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_TRUE(ids.count(rows[i][0])) << file << ": " << rows[i][0];
    }
  }
  const auto caseload = read_csv(dir + "/coaching/caseload.csv");
  for (size_t i = 1; i < caseload.size(); ++i) {
    const Date joined = date_of(caseload[i][4]);
    EXPECT_LE(joined, as_of);
    if (!caseload[i][5].empty()) {
      EXPECT_LE(joined, date_of(caseload[i][5]));
    }
  }
  for (const auto& [file, column] : {std::pair{"coaching/sessions.csv", 2}, std::pair{"coaching/assessments.csv", 2},
                                     std::pair{"coaching/contacts.csv", 1}}) {
    const auto rows = read_csv(dir + "/" + file);
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_LE(date_of(rows[i][column]), as_of) << file;
    }
  }

  // The validating loader accepts it.
  LoadReport report;
  load_folder(dir, Rules::defaults(), report);
  EXPECT_TRUE(report.ok()) << (report.errors.empty() ? "" : format_issue(report.errors[0]));
}

TEST(Generate, SameSeedGivesIdenticalFilesAndAnotherSeedDoesNot) {
  TempDir a, b, c;
  run(a.path(), "la", 2000, 7);
  run(b.path(), "la", 2000, 7);
  run(c.path(), "la", 2000, 8);
  for (const auto& [file, header] : kHeaders) {
    EXPECT_EQ(read_file(a / file), read_file(b / file)) << file << " differs between two runs with the same seed";
  }
  EXPECT_NE(read_file(a / "people.csv"), read_file(c / "people.csv"));
  EXPECT_NE(read_file(a / "activities.csv"), read_file(c / "activities.csv"));
}

TEST(Generate, LaPresetIsConsistentAndReportsPlausibly) {
  TempDir dir;
  run(dir.path(), "la", 2000, 1);
  check_folder(dir.path(), make_date(2026, 10, 31));
  EXPECT_GT(read_csv(dir / "coaching/caseload.csv").size(), 1u);
  EXPECT_GT(read_csv(dir / "coaching/contacts.csv").size(), 1u);

  const auto people = read_csv(dir / "people.csv");
  EXPECT_NEAR(static_cast<double>(people.size() - 1), 2000.0, 100.0);

  LoadReport report;
  const Dataset ds = load_folder(dir.path(), Rules::defaults(), report);
  ASSERT_TRUE(report.ok());
  ReportScope scope;
  scope.la = 890;
  const AnnualReport annual = annual_report(ds, Rules::defaults(), 2024, scope);
  ASSERT_EQ(annual.snapshots.size(), 4u);
  EXPECT_GT(annual.snapshots[0].total.cohort, 300);
  // Loose bounds: 2,000 people are too few for the calibrated figures (Blackpool: NEET ~6%).
  EXPECT_GT(annual.neet_pct, 1.0);
  EXPECT_LT(annual.neet_pct, 15.0);
  EXPECT_LT(annual.not_known_pct, 10.0);
  EXPECT_GT(annual.participation_pct, 75.0);
}

TEST(Generate, NationalPresetIsConsistentWithoutCoaching) {
  TempDir dir;
  run(dir.path(), "national", 3000, 1);
  check_folder(dir.path(), make_date(2025, 3, 31));
  for (const char* file : {"coaching/caseload.csv", "coaching/sessions.csv", "coaching/assessments.csv",
                           "coaching/contacts.csv"}) {
    EXPECT_EQ(read_csv(dir / file).size(), 1u) << file;
  }
  std::set<std::string> las;
  for (const auto& p : read_csv(dir / "people.csv")) las.insert(p[9]);
  EXPECT_GT(las.size(), 100u);
}

TEST(Generate, FailsClearly) {
  TempDir dir;
  GenerateOptions o;
  o.out_dir = dir.path();
  o.preset = "county";
  EXPECT_THROW(generate(o), std::runtime_error);

  dir.write("file", "not a folder");
  o.preset = "la";
  o.out_dir = dir / "file";
  EXPECT_THROW(generate(o), std::runtime_error);
}

}  // namespace
}  // namespace pathways
