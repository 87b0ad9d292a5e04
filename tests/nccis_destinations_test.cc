// The intended destination and September Guarantee datasets of the NCCIS return, from what
// partner feeds stored: a school cohort feed gives intended destinations, a September
// Guarantee feed gives offers; the return built from the store carries them (current
// versions), mapped to the NCCIS code lists, and rules NC080-NC082 warn. Runs on SQLite and,
// when PATHWAYS_TEST_PG_URL names a server, on PostgreSQL.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "nccis/destinations.h"
#include "nccis/export.h"
#include "nccis/rules.h"
#include "partner/partner.h"
#include "store/store.h"
#include "testing.h"

namespace pathways::nccis {
namespace {

using pathways::testing::TempDir;

// January 2025 (period end 2025-01-31, academic year 2024-25), LA 890, sent 2025-02-05.
//   C  2009-03-10  academic age 15: Year 11   school cohort: intended destination 230, then 310
//   A  2008-05-01  academic age 16: Year 12   school cohort (Year 12): intended destination 230
//   N  2009-06-06  academic age 15: Year 11   school cohort: intended destination 619
constexpr const char* kPeople =
    "person_id,upn,uln,given_name,family_name,date_of_birth,gender,ethnicity,postcode,la_code,cohort_status,"
    "sen_status,characteristics,level_of_need,school_id\n"
    "C,C100000000003,,Cy,Smith,2009-03-10,M,WBRI,FY1 1AA,890,P,N,,3,S1\n"
    "A,A100000000001,,Amy,Lee,2008-05-01,F,WBRI,FY1 1AB,890,P,N,,3,S1\n"
    "N,N100000000009,,Nia,Patel,2009-06-06,F,AIND,FY1 1AC,890,P,N,,3,S1\n";
constexpr const char* kActivities =
    "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source\n"
    "C,110,2020-09-01,,2024-09-10,,S1,,school\n"
    "A,210,2024-09-02,,,,S1,,school\n"
    "N,110,2020-09-01,,2024-09-10,,S1,,school\n";
constexpr const char* kCohortHeader =
    "school_id,check_date,upn,given_name,family_name,date_of_birth,year_group,intended_destination\n";
constexpr const char* kOfferHeader =
    "guarantee_year,offer_status,upn,given_name,family_name,date_of_birth,provider_id,offer_date,activity_code\n";

class NccisDestinationsTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    TempDir base;
    base.write("people.csv", kPeople);
    base.write("activities.csv", kActivities);
    import_dataset(db(), testing::load_valid(base), Rules::defaults(), base.path(), "setup");
  }
  void feed(FeedKind kind, const std::string& name, const std::string& content) {
    dir_.write(name, content);
    PartnerOptions options;
    options.default_la_code = "890";
    LoadReport report;
    const PartnerImportResult r =
        import_partner_feed(db(), Rules::defaults(), kind, dir_ / name, "officer", report, options);
    ASSERT_TRUE(report.ok()) << testing::errors_of(report);
    ASSERT_EQ(r.to_review, 0);
  }
  // The return for January 2025 from the store, as `export nccis --db` builds it.
  NccisResult from_store(std::vector<NccisIssue>* issues = nullptr,
                         const std::function<void(PartnerRecords&)>& edit = nullptr) {
    ds_ = testing::load_valid(db());
    partner_ = partner_records(intended_destinations(db()), guarantee_offers(db()));
    if (edit) edit(partner_);
    NccisOptions o;
    o.date_of_send = *parse_date("2025-02-05");
    o.partner = &partner_;
    NccisResult r = build_nccis(ds_, Rules::defaults(), 2025, 1, 890, o);
    if (issues) *issues = r.issues;
    return r;
  }
  static std::string record_of(const std::string& xml, const std::string& id) {
    const size_t at = xml.find("<YoungPersonsID>" + id + "</YoungPersonsID>");
    if (at == std::string::npos) return "";
    const size_t end = xml.find("</YoungPersonsRecord>", at);
    return xml.substr(at, end - at);
  }
  static std::string tag(const std::string& xml, const std::string& name) {
    const size_t a = xml.find("<" + name + ">");
    if (a == std::string::npos) return "<none>";
    const size_t b = xml.find("</" + name + ">", a);
    return xml.substr(a + name.size() + 2, b - a - name.size() - 2);
  }
  static std::vector<NccisIssue> of(const std::vector<NccisIssue>& issues, std::string_view rule) {
    std::vector<NccisIssue> out;
    for (const auto& i : issues)
      if (i.rule_id == rule) out.push_back(i);
    return out;
  }

  TempDir dir_;
  Dataset ds_;
  PartnerRecords partner_;
};

TEST_P(NccisDestinationsTest, StoredDestinationsAndOffersAreInTheReturn) {
  feed(FeedKind::kSchoolCohort, "cohort_jan.csv",
       std::string(kCohortHeader) +
           "S1,2025-01-15,C100000000003,Cy,Smith,2009-03-10,11,230\n"
           "S1,2025-01-15,A100000000001,Amy,Lee,2008-05-01,12,230\n"
           "S1,2025-01-15,N100000000009,Nia,Patel,2009-06-06,11,619\n");
  // A later check changes C's destination: the current version (310) is reported.
  feed(FeedKind::kSchoolCohort, "cohort_feb.csv",
       std::string(kCohortHeader) + "S1,2025-01-20,C100000000003,Cy,Smith,2009-03-10,11,310\n");
  feed(FeedKind::kSeptemberGuarantee, "sg.csv",
       std::string(kOfferHeader) +
           "2025,offer_made,C100000000003,Cy,Smith,2009-03-10,COL1,2025-01-20,230\n"       // C: Year 11 guarantee
           "2025,offer_not_appropriate,A100000000001,Amy,Lee,2008-05-01,,,\n"              // A: Year 12 guarantee
           "2025,offer_made,N100000000009,Nia,Patel,2009-06-06,COL1,2025-03-01,310\n");  // N: dated after the send

  std::vector<NccisIssue> issues;
  const NccisResult r = from_store(&issues);
  ASSERT_TRUE(r.ok());
  const std::string& xml = *r.xml;

  const std::string c = record_of(xml, "C");
  ASSERT_FALSE(c.empty()) << xml;
  EXPECT_EQ(tag(c, "GuaranteeStatusIndicator"), "Y");
  const std::string c_sg = tag(c, "SeptemberGuarantee");
  EXPECT_EQ(tag(tag(c_sg, "Year11"), "GuaranteeStatus"), "110");
  EXPECT_EQ(tag(tag(c_sg, "Year11"), "LEACode"), "890");
  EXPECT_EQ(tag(c_sg, "Year12"), "<none>");
  EXPECT_EQ(tag(tag(c, "IntendedDestination"), "IntendedDestinationYr11"), "211") << "310 apprenticeship";
  // DfE order: SeptemberGuarantee after PersonalDetails, IntendedDestination after Activities.
  EXPECT_LT(c.find("</PersonalDetails>"), c.find("<SeptemberGuarantee>"));
  EXPECT_LT(c.find("</SeptemberGuarantee>"), c.find("<LevelOfNeed>"));
  EXPECT_LT(c.find("</Activities>"), c.find("<IntendedDestination>"));
  EXPECT_LT(c.find("</IntendedDestination>"), c.find("<PathwaysExtensions>"));

  const std::string a = record_of(xml, "A");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(tag(tag(tag(a, "SeptemberGuarantee"), "Year12"), "GuaranteeStatus"), "123");
  EXPECT_EQ(tag(tag(a, "SeptemberGuarantee"), "Year11"), "<none>");
  EXPECT_EQ(tag(a, "IntendedDestination"), "<none>") << "Year 12: not sent";

  const std::string n = record_of(xml, "N");
  ASSERT_FALSE(n.empty());
  EXPECT_EQ(tag(tag(n, "IntendedDestination"), "IntendedDestinationYr11"), "511") << "619 seeking: undecided";
  EXPECT_EQ(tag(tag(tag(n, "SeptemberGuarantee"), "Year11"), "GuaranteeStatus"), "110");

  // Rules: no "not supplied" warnings from the store; NC080 for A, NC082 for N.
  EXPECT_TRUE(of(issues, "NC006").empty());
  EXPECT_TRUE(of(issues, "NC007").empty());
  ASSERT_EQ(of(issues, "NC080").size(), 1u);
  EXPECT_EQ(of(issues, "NC080")[0].person_id, "A");
  EXPECT_TRUE(of(issues, "NC081").empty());
  ASSERT_EQ(of(issues, "NC082").size(), 1u);
  EXPECT_EQ(of(issues, "NC082")[0].person_id, "N");
  for (const char* id : {"NC080", "NC081", "NC082"}) EXPECT_EQ(nccis_rule(id).severity, Severity::kWarning);

  // NC081: a stored code with no ID01 code (the feed accepts only EET and NEET codes, but a
  // custom rules file can add others) is not sent.
  const NccisResult odd = from_store(&issues, [](PartnerRecords& pr) { pr.destinations["N"][0].activity_code = 110; });
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(tag(record_of(*odd.xml, "N"), "IntendedDestination"), "<none>");
  ASSERT_EQ(of(issues, "NC081").size(), 1u);
  EXPECT_EQ(of(issues, "NC081")[0].person_id, "N");
}

TEST_P(NccisDestinationsTest, NothingStoredNothingWritten) {
  const NccisResult r = from_store();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.xml->find("<IntendedDestination>"), std::string::npos);
  EXPECT_EQ(r.xml->find("<SeptemberGuarantee>"), std::string::npos);
  EXPECT_TRUE(of(r.issues, "NC006").empty()) << "read from the store: supplied, just empty";
}

TEST_P(NccisDestinationsTest, FromADataFolderTheyAreMissingWithAWarning) {
  const Dataset ds = testing::load_valid(db());
  NccisOptions o;  // as from --data: no partner records
  o.date_of_send = *parse_date("2025-02-05");
  const NccisResult r = build_nccis(ds, Rules::defaults(), 2025, 1, 890, o);
  EXPECT_EQ(of(r.issues, "NC006").size(), 1u);
  EXPECT_EQ(of(r.issues, "NC007").size(), 1u);
}

TEST_P(NccisDestinationsTest, AnEarlierDateOfSendReadsThemAsRecordedThen) {
  // Recorded on 16 January: C 230, A 230, N 619. On 3 February: C changed to 310, and the
  // September Guarantee offers arrived. The January return made again with a date of send of
  // 31 January reports what the store held then; the current versions are February's.
  feed(FeedKind::kSchoolCohort, "cohort_jan.csv",
       std::string(kCohortHeader) +
           "S1,2025-01-15,C100000000003,Cy,Smith,2009-03-10,11,230\n"
           "S1,2025-01-15,A100000000001,Amy,Lee,2008-05-01,12,230\n"
           "S1,2025-01-15,N100000000009,Nia,Patel,2009-06-06,11,619\n");
  db().exec("UPDATE import_batches SET imported_at = '2025-01-16T09:00:00Z'");
  feed(FeedKind::kSchoolCohort, "cohort_feb.csv",
       std::string(kCohortHeader) + "S1,2025-02-02,C100000000003,Cy,Smith,2009-03-10,11,310\n");
  feed(FeedKind::kSeptemberGuarantee, "sg.csv",
       std::string(kOfferHeader) + "2025,offer_made,C100000000003,Cy,Smith,2009-03-10,COL1,2025-02-02,230\n");
  db().exec("UPDATE import_batches SET imported_at = '2025-02-03T09:00:00Z' WHERE imported_at > '2025-01-16T09:00:00Z'");

  auto code_of = [](const std::vector<IntendedDestination>& all, const std::string& id) {
    for (const auto& d : all)
      if (d.person_id == id) return d.activity_code;
    return 0;
  };
  const auto january = intended_destinations(db(), "2025-01-31T23:59:59Z");
  ASSERT_EQ(january.size(), 3u);
  EXPECT_EQ(code_of(january, "C"), 230);
  EXPECT_EQ(code_of(january, "A"), 230);
  EXPECT_EQ(code_of(january, "N"), 619);
  EXPECT_TRUE(guarantee_offers(db(), "2025-01-31T23:59:59Z").empty());
  const auto now = intended_destinations(db());
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(code_of(now, "C"), 310);
  EXPECT_EQ(guarantee_offers(db()).size(), 1u);
  // Before anything was recorded: nothing.
  EXPECT_TRUE(intended_destinations(db(), "2025-01-15T23:59:59Z").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, NccisDestinationsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------------------------------
// The mapping itself (docs/nccis.md, "Intended destinations and the September Guarantee").

TEST(NccisDestinations, CodeMappings) {
  EXPECT_EQ(intended_destination_code(210), 111);
  EXPECT_EQ(intended_destination_code(230), 121);
  EXPECT_EQ(intended_destination_code(310), 211);
  EXPECT_EQ(intended_destination_code(450), 211);
  EXPECT_EQ(intended_destination_code(320), 311);
  EXPECT_EQ(intended_destination_code(330), 321);
  EXPECT_EQ(intended_destination_code(619), 511);
  EXPECT_EQ(intended_destination_code(610), 411);
  EXPECT_EQ(intended_destination_code(810), 611);
  EXPECT_FALSE(intended_destination_code(110));
  EXPECT_FALSE(intended_destination_code(999));
  EXPECT_EQ(guarantee_status_code("offer_made"), 110);
  EXPECT_EQ(guarantee_status_code("no_offer"), 150);
  EXPECT_EQ(guarantee_status_code("offer_not_appropriate"), 123);
  EXPECT_EQ(guarantee_status_code("not_recorded"), 159);
  EXPECT_FALSE(guarantee_status_code("maybe"));
}

TEST(NccisDestinations, GuaranteeYearGroups) {
  // Academic year 2024-25: Year 11 (age 15) -> the 2025 guarantee is Year 11's.
  EXPECT_EQ(guarantee_year_group(15, 2024, 2025), 11);
  EXPECT_EQ(guarantee_year_group(15, 2024, 2026), 0) << "after the coming September";
  EXPECT_EQ(guarantee_year_group(16, 2024, 2024), 11) << "last September's, as a Year 12";
  EXPECT_EQ(guarantee_year_group(16, 2024, 2025), 12);
  EXPECT_EQ(guarantee_year_group(17, 2024, 2025), 0);
  EXPECT_EQ(guarantee_year_group(17, 2024, 2024), 12);
}

}  // namespace
}  // namespace pathways::nccis
