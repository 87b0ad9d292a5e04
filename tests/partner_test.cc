// Partner feeds (school cohort checks, provider starters/leavers/drop-outs, September
// Guarantee offers): validation, matching, applying through import_dataset, the review
// queue and the duplicates report. Store tests run on SQLite and, when PATHWAYS_TEST_PG_URL
// names a server, on PostgreSQL with a database per test.
#include "partner/partner.h"

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "engine/status.h"
#include "partner/match.h"
#include "report/participation.h"
#include "store/store.h"
#include "testing.h"

namespace pathways {
namespace {

using testing::TempDir;

// --- Scoring primitives -------------------------------------------------------------

TEST(PartnerMatchPrimitives, NamesAreNormalised) {
  EXPECT_EQ(normalise_name("Zoë-Anne O'Brien"), U"zoeanneobrien");
  EXPECT_EQ(normalise_name("  ÉLODIE  "), U"elodie");
  EXPECT_EQ(normalise_name("D’Souza"), U"dsouza");
  EXPECT_EQ(normalise_name("Łukasz"), U"lukasz");
  EXPECT_EQ(normalise_name("Smith-Jones"), U"smithjones");
  const auto parts = name_parts("Mary-Jane  Smith");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], U"jane");
}

TEST(PartnerMatchPrimitives, JaroWinklerAndNameSimilarity) {
  EXPECT_NEAR(jaro_winkler(U"martha", U"marhta"), 0.961, 0.001);
  EXPECT_NEAR(jaro_winkler(U"dixon", U"dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(jaro_winkler(U"amy", U"amy"), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler(U"", U"amy"), 0.0);
  EXPECT_DOUBLE_EQ(name_similarity("O'Neill", "oneill"), 1.0);
  EXPECT_GE(name_similarity("Smith-Jones", "Jones"), 0.9);  // one part of a double-barrelled name
  EXPECT_GE(name_similarity("Jakc", "Jack"), 0.9);           // a transposition
  EXPECT_LT(name_similarity("Jake", "Jack"), 0.88);          // a different name
}

TEST(PartnerMatchPrimitives, Postcodes) {
  EXPECT_EQ(normalise_postcode("l20 1ab"), "L201AB");
  EXPECT_EQ(postcode_district("L201AB"), "L20");
  EXPECT_EQ(postcode_district("SW1A1AA"), "SW1A");
  EXPECT_DOUBLE_EQ(postcode_score("L20 1AB", "l201ab"), 1.0);
  EXPECT_DOUBLE_EQ(postcode_score("L20 1AB", "L20 9ZZ"), 0.75);
  EXPECT_DOUBLE_EQ(postcode_score("L20 1AB", ""), 0.5);
  EXPECT_DOUBLE_EQ(postcode_score("L20 1AB", "M1 1AA"), 0.25);
}

// --- The documented templates -------------------------------------------------------

#ifndef PATHWAYS_SOURCE_DIR
#define PATHWAYS_SOURCE_DIR "."
#endif

std::string template_path(FeedKind k) {
  return std::string(PATHWAYS_SOURCE_DIR) + "/docs/templates/" + std::string(feed_name(k)) + ".csv";
}

TEST(PartnerTemplates, EveryTemplateValidatesAndHasEveryColumn) {
  const std::string doc = testing::read_file(std::string(PATHWAYS_SOURCE_DIR) + "/docs/partner-feeds.md");
  ASSERT_FALSE(doc.empty()) << "docs/partner-feeds.md is missing";
  for (FeedKind k : {FeedKind::kSchoolCohort, FeedKind::kProviderEvents, FeedKind::kSeptemberGuarantee}) {
    SCOPED_TRACE(std::string(feed_name(k)));
    LoadReport report;
    FeedOptions options;
    options.default_la_code = "890";
    const auto rows = load_feed(k, template_path(k), Rules::defaults(), options, report);
    for (const auto& e : report.errors) ADD_FAILURE() << format_issue(e);
    for (const auto& w : report.warnings) ADD_FAILURE() << "warning: " << format_issue(w);
    ASSERT_EQ(rows.size(), 2u);
    std::set<std::string> in_template, known;
    for (const auto& [name, value] : rows[0].cells) in_template.insert(name);
    for (const auto& c : feed_required_columns(k)) known.insert(c);
    for (const auto& c : feed_optional_columns(k)) known.insert(c);
    EXPECT_EQ(in_template, known);
    // Every column is documented, in a table row of its feed's section.
    const std::string section = "## " + std::string(feed_name(k)) + ".csv";
    const size_t at = doc.find(section);
    ASSERT_NE(at, std::string::npos) << section;
    const std::string body = doc.substr(at, doc.find("\n## ", at + 1) - at);
    for (const auto& c : known) EXPECT_NE(body.find("| `" + c + "` |"), std::string::npos) << c;
  }
}

// --- The store fixture ---------------------------------------------------------------

// A: Year 12 at college. B: Year 13, two activities at COL1 (one ended). C: Year 11 at
// school S1. D: not known. E and F: one young person recorded twice. G: apprentice.
constexpr const char* kPeople =
    "person_id,upn,uln,given_name,family_name,date_of_birth,gender,postcode,la_code,cohort_status,sen_status,"
    "characteristics,school_id\n"
    "A,A100000000001,,Amy,Lee,2008-05-01,F,L20 1AB,890,P,N,,S1\n"
    "B,,5012345678,Bo,O'Neill,2007-12-01,M,L21 2CD,890,P,N,,S1\n"
    "C,C100000000003,,Jack,Smith,2009-03-10,M,L22 3EF,890,P,N,,S1\n"
    "D,,,Dana,Whyte,2008-01-20,F,L24 5JK,890,P,N,,\n"
    "E,,,Mohammed,Khan,2008-02-02,M,L23 4GH,890,P,N,,\n"
    "F,,,Mohamed,Khan,2008-02-02,M,L23 4GH,890,P,N,,\n"
    "G,,,Jake,Brown,2008-07-07,M,L25 6LM,890,P,N,,\n";
constexpr const char* kActivities =
    "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source\n"
    "A,230,2024-09-05,,,,COL1,,provider\n"
    "B,250,2023-09-01,2024-06-30,,,COL1,,provider\n"
    "B,230,2024-09-05,,,,COL1,,provider\n"
    "C,110,2021-09-01,,,,S1,,school\n"
    "E,230,2024-09-05,,,,COL1,,provider\n"
    "F,619,2024-11-01,,,,,supported,coach\n"
    "G,310,2024-10-01,,,,APP1,,provider\n";

constexpr const char* kStarters =
    "provider_id,event,event_date,uln,upn,given_name,family_name,date_of_birth,postcode,activity_code,course\n"
    "COL2,start,2025-01-10,,,Dnaa,Whyte,2008-01-20,L24 5JK,230,A levels\n"     // D, a typo
    "COL2,start,2025-01-10,,,Jack,Brown,2008-07-07,L25 6LM,230,BTEC\n"         // Jake Brown? review
    "COL1,leave,2025-01-31,5012345678,,Bo,O'Neill,2007-12-01,,,\n"             // B by ULN
    "COL1,dropout,2025-01-20,,,Zed,Unknown,2008-03-03,,,\n"                    // nobody: review
    "COL3,start,2025-01-06,,,Quinn,Newman,2008-06-06,L27 8QR,410,Traineeship\n";  // nobody: new person

constexpr const char* kCohort =
    "school_id,check_date,upn,given_name,family_name,date_of_birth,year_group,sen_status,characteristics,"
    "intended_destination,postcode\n"
    "S1,2025-01-15,C100000000003,Jack,Smith,2009-03-10,11,K,110,230,L22 3EF\n"
    "S1,2025-01-15,N100000000009,Nina,Patel,2009-04-04,11,,,310,L26 7NP\n";

class PartnerTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    TempDir base;
    base.write("people.csv", kPeople);
    base.write("activities.csv", kActivities);
    import_dataset(db(), testing::load_valid(base), Rules::defaults(), base.path(), "setup");
  }

  PartnerImportResult feed(FeedKind kind, const std::string& name, const std::string& content,
                           PartnerOptions options = {}) {
    dir_.write(name, content);
    if (options.default_la_code.empty()) options.default_la_code = "890";
    last_report_ = LoadReport{};
    PartnerImportResult r =
        import_partner_feed(db(), Rules::defaults(), kind, dir_ / name, "officer", last_report_, options);
    EXPECT_TRUE(last_report_.ok()) << testing::errors_of(last_report_);
    return r;
  }
  // Totals of every table an import writes, to prove nothing changed.
  std::vector<int64_t> table_counts() {
    std::vector<int64_t> v;
    for (const char* t : {"people", "person_versions", "activities", "activity_versions", "import_batches",
                          "intended_destinations", "intended_destination_versions", "september_guarantee_offers",
                          "september_guarantee_offer_versions", "review_queue", "partner_imports"})
      v.push_back(count(t));
    return v;
  }
  static const RowOutcome& at_line(const PartnerImportResult& r, uint64_t line) {
    for (const auto& o : r.outcomes)
      if (o.line == line) return o;
    static RowOutcome none;
    ADD_FAILURE() << "no outcome for line " << line;
    return none;
  }
  // The current activity of a person on a date, as "code@provider" or "not known".
  std::string current(const Dataset& ds, const std::string& id, const std::string& date) {
    const uint32_t p = ds.find_person(id);
    if (p == kNoIndex) return "no such person";
    const Status s = status_on(ds, Rules::defaults(), p, *parse_date(date));
    if (!s.known()) return "not known";
    const auto prov = ds.activities.provider[s.activity];
    return std::to_string(Rules::defaults().code(ds.activities.code[s.activity]).code) + "@" +
           (prov == kNoIndex ? "" : std::string(ds.providers[prov]));
  }

  TempDir dir_;
  LoadReport last_report_;
};

TEST_P(PartnerTest, SchoolCohortMatchesOnUpnAndCreatesNewPupils) {
  const PartnerImportResult r = feed(FeedKind::kSchoolCohort, "school_cohort.csv", kCohort);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.matched_exact, 1);
  EXPECT_EQ(r.new_people, 1);
  EXPECT_EQ(r.to_review, 0);
  EXPECT_EQ(at_line(r, 2).action, RowAction::kMatchedUpn);
  EXPECT_EQ(at_line(r, 2).person_id, "C");
  EXPECT_EQ(at_line(r, 3).action, RowAction::kNewPerson);
  const std::string nina = at_line(r, 3).person_id;
  EXPECT_EQ(nina.rfind("PW-", 0), 0u) << nina;
  EXPECT_EQ(r.data.people_added, 1);
  EXPECT_EQ(r.data.people_changed, 1);      // C: SEN support and looked after
  EXPECT_EQ(r.data.activities_changed, 1);  // C's 110 at S1 verified on the check date
  EXPECT_EQ(r.data.activities_added, 1);    // Nina's 110 at S1
  EXPECT_EQ(r.destinations_added, 2);

  const Dataset ds = from_store();
  const uint32_t c = ds.find_person("C");
  EXPECT_EQ(ds.people.sen_status[c], SenStatus::kSenSupport);
  EXPECT_EQ(person_fields(ds, Rules::defaults(), c)[11], "110");
  const Status s = status_on(ds, Rules::defaults(), c, *parse_date("2025-01-31"));
  ASSERT_TRUE(s.known());
  EXPECT_EQ(s.last_verified, *parse_date("2025-01-15"));
  const uint32_t n = ds.find_person(nina);
  ASSERT_NE(n, kNoIndex);
  EXPECT_EQ(ds.people.upn[n], "N100000000009");
  EXPECT_EQ(ds.people.la_code[n], 890);
  EXPECT_EQ(current(ds, nina, "2025-01-31"), "110@S1");
  const auto dests = intended_destinations(db());
  ASSERT_EQ(dests.size(), 2u);
  EXPECT_EQ(dests[0].person_id, "C");
  EXPECT_EQ(dests[0].activity_code, 230);
  EXPECT_EQ(dests[0].academic_year, 2024);
  EXPECT_EQ(dests[1].activity_code, 310);
}

TEST_P(PartnerTest, ImportingTheSameFeedTwiceChangesNothing) {
  feed(FeedKind::kSchoolCohort, "school_cohort.csv", kCohort);
  feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  const auto before = table_counts();
  const PartnerImportResult again = feed(FeedKind::kSchoolCohort, "school_cohort.csv", kCohort);
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.matched_exact, 2);  // Nina now has a UPN in the store
  EXPECT_EQ(again.unchanged_rows, 2);
  const PartnerImportResult again2 = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  EXPECT_FALSE(again2.changed());
  EXPECT_EQ(again2.already_in_review, 2);
  EXPECT_EQ(again2.to_review, 0);
  EXPECT_EQ(again2.new_people, 0);
  EXPECT_EQ(at_line(again2, 6).action, RowAction::kMatchedScore);  // Quinn, created the first time
  EXPECT_EQ(table_counts(), before);
}

TEST_P(PartnerTest, StartersLeaversAndDropOuts) {
  const Dataset before = from_store();
  const StatutoryReport jan0 = statutory_report(before, Rules::defaults(), 2025, 1, {});
  EXPECT_EQ(jan0.snapshot.total.cohort, 6);
  EXPECT_EQ(jan0.snapshot.total.participating, 4);
  EXPECT_EQ(jan0.snapshot.total.not_known, 1);  // D

  const PartnerImportResult r = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(at_line(r, 2).action, RowAction::kMatchedScore);  // "Dnaa" Whyte, same DOB and postcode
  EXPECT_EQ(at_line(r, 2).person_id, "D");
  EXPECT_GE(at_line(r, 2).score, 0.9);
  EXPECT_EQ(at_line(r, 3).action, RowAction::kReview);  // Jack Brown vs Jake Brown
  EXPECT_EQ(at_line(r, 4).action, RowAction::kMatchedUln);
  EXPECT_EQ(at_line(r, 4).person_id, "B");
  EXPECT_EQ(at_line(r, 5).action, RowAction::kReview);  // a drop-out nobody knows
  EXPECT_EQ(at_line(r, 6).action, RowAction::kNewPerson);
  EXPECT_EQ(r.matched_exact, 1);
  EXPECT_EQ(r.matched_score, 1);
  EXPECT_EQ(r.new_people, 1);
  EXPECT_EQ(r.to_review, 2);
  EXPECT_EQ(r.applied_rows, 3);
  EXPECT_EQ(r.data.activities_added, 2);    // D's 230, Quinn's 410
  EXPECT_EQ(r.data.activities_changed, 1);  // B's 230 ended
  EXPECT_EQ(r.data.people_added, 1);

  // The leaver ended the open activity at that provider, as a new version; the old version
  // and B's earlier (already ended) activity at the same provider are untouched.
  auto rows = db().query(
      "SELECT a.activity_code, v.version, v.end_date FROM activity_versions v JOIN activities a ON a.activity_seq = "
      "v.activity_seq JOIN people p ON p.person_seq = a.person_seq WHERE p.person_id = $1 ORDER BY a.activity_code, "
      "v.version",
      {std::string("B")});
  std::vector<std::string> got;
  while (rows->next())
    got.push_back(std::string(rows->text(0)) + " v" + std::string(rows->text(1)) + " " +
                  (rows->is_null(2) ? "open" : std::string(rows->text(2))));
  rows.reset();
  EXPECT_EQ(got, (std::vector<std::string>{"230 v1 open", "230 v2 2025-01-31", "250 v1 2024-06-30"}));

  // The statutory report moves as expected: D and the new starter participate in January;
  // B still participates on 31 January (the end date is the last day) but not in February.
  const Dataset after = from_store();
  const StatutoryReport jan = statutory_report(after, Rules::defaults(), 2025, 1, {});
  EXPECT_EQ(jan.snapshot.total.cohort, 7);
  EXPECT_EQ(jan.snapshot.total.participating, 6);
  EXPECT_EQ(jan.snapshot.total.not_known, 0);
  EXPECT_EQ(current(after, "D", "2025-01-31"), "230@COL2");
  EXPECT_EQ(current(after, "B", "2025-02-01"), "not known");
  const StatutoryReport feb = statutory_report(after, Rules::defaults(), 2025, 2, {});
  EXPECT_EQ(feb.snapshot.total.not_known, 2);  // B, and F whose NEET record lapsed

  // Review items carry the row and the candidates with their scores.
  const auto open = open_reviews(db());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].line, 3u);
  EXPECT_EQ(open[0].source, "provider_events.csv");
  ASSERT_FALSE(open[0].candidates.empty());
  EXPECT_EQ(open[0].candidates[0].person_id, "G");
  EXPECT_GE(open[0].candidates[0].score, 0.7);
  EXPECT_LT(open[0].candidates[0].score, 1.0);
  EXPECT_EQ(open[1].line, 5u);
  EXPECT_TRUE(open[1].candidates.empty());
  EXPECT_NE(open[1].reason.find("dropout"), std::string::npos) << open[1].reason;
}

TEST_P(PartnerTest, AReviewOfARowWithAnEmptyLaCodeResolvesWithTheImportsDefault) {
  // The same starters with an la_code column left empty: the import's default LA (890)
  // stands in, and the review items keep it, so they validate again when resolved.
  std::string starters;
  for (size_t b = 0, e; b < std::string_view(kStarters).size(); b = e + 1) {
    e = std::string_view(kStarters).find('\n', b);
    starters += std::string(std::string_view(kStarters).substr(b, e - b)) + (b == 0 ? ",la_code\n" : ",\n");
  }
  feed(FeedKind::kProviderEvents, "provider_events.csv", starters);
  const auto open = open_reviews(db());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(resolve_review(db(), Rules::defaults(), open[0].review_id, std::string("G"), "officer2").person_id, "G");
  const ResolveResult nr = resolve_review(db(), Rules::defaults(), open[1].review_id, std::nullopt, "officer2");
  EXPECT_TRUE(nr.new_person);
  const Dataset ds = from_store();
  const uint32_t p = ds.find_person(nr.person_id);
  ASSERT_NE(p, kNoIndex);
  EXPECT_EQ(ds.people.la_code[p], 890);
}

TEST_P(PartnerTest, ResolvingAReviewAppliesTheRowAndIsRemembered) {
  feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  auto open = open_reviews(db());
  ASSERT_EQ(open.size(), 2u);
  const ResolveResult rr = resolve_review(db(), Rules::defaults(), open[0].review_id, std::string("G"), "officer2");
  EXPECT_EQ(rr.person_id, "G");
  EXPECT_FALSE(rr.new_person);
  EXPECT_EQ(rr.data.activities_added, 1);
  EXPECT_EQ(current(from_store(), "G", "2025-01-31"), "230@COL2");
  EXPECT_THROW(resolve_review(db(), Rules::defaults(), open[0].review_id, std::string("G"), "x"),
               std::invalid_argument);
  const auto item = review_item(db(), open[0].review_id);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->status, "resolved");
  EXPECT_EQ(item->resolution_person_id, "G");
  EXPECT_EQ(item->resolved_by, "officer2");

  // The unknown drop-out becomes a new person (not known from then on: nothing to end).
  EXPECT_THROW(resolve_review(db(), Rules::defaults(), open[1].review_id, std::string("nobody"), "x"),
               std::invalid_argument);
  const ResolveResult nr = resolve_review(db(), Rules::defaults(), open[1].review_id, std::nullopt, "officer2");
  EXPECT_TRUE(nr.new_person);
  EXPECT_EQ(nr.data.people_added, 1);
  const Dataset ds = from_store();
  EXPECT_EQ(current(ds, nr.person_id, "2025-01-31"), "not known");
  EXPECT_TRUE(open_reviews(db()).empty());

  // The same file again: both decisions are remembered, nothing changes.
  const auto before = table_counts();
  const PartnerImportResult again = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  EXPECT_EQ(at_line(again, 3).action, RowAction::kMatchedByReview);
  EXPECT_EQ(at_line(again, 3).person_id, "G");
  EXPECT_EQ(at_line(again, 5).action, RowAction::kMatchedByReview);
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(table_counts(), before);
}

TEST_P(PartnerTest, DismissedRowsStayDismissed) {
  feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  const auto open = open_reviews(db());
  ASSERT_EQ(open.size(), 2u);
  dismiss_review(db(), open[1].review_id, "officer", "not one of ours");
  EXPECT_THROW(dismiss_review(db(), open[1].review_id, "officer", ""), std::invalid_argument);
  const PartnerImportResult again = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  EXPECT_EQ(at_line(again, 5).action, RowAction::kDismissed);
  EXPECT_EQ(again.dismissed, 1);
  EXPECT_EQ(open_reviews(db()).size(), 1u);
}

TEST_P(PartnerTest, UncertainMatchesGoToReviewNeverMerged) {
  const auto before = table_counts();
  const PartnerImportResult r = feed(
      FeedKind::kSchoolCohort, "school_cohort.csv",
      "school_id,check_date,upn,given_name,family_name,date_of_birth,year_group,postcode\n"
      "S1,2025-01-15,A100000000001,Amy,Lee,2008-05-02,12,L20 1AB\n"          // A's UPN, another birthday
      "S1,2025-01-15,K100000000007,Mohammed,Khan,2008-02-02,12,L23 4GH\n");  // E or F?
  EXPECT_EQ(r.to_review, 2);
  EXPECT_EQ(r.new_people, 0);
  const auto& a = at_line(r, 2);
  EXPECT_EQ(a.action, RowAction::kReview);
  EXPECT_NE(a.detail.find("date of birth"), std::string::npos) << a.detail;
  ASSERT_EQ(r.reviews.size(), 2u);
  EXPECT_EQ(r.reviews[0].candidates[0].person_id, "A");
  ASSERT_GE(r.reviews[1].candidates.size(), 2u);
  std::set<std::string> ids = {r.reviews[1].candidates[0].person_id, r.reviews[1].candidates[1].person_id};
  EXPECT_EQ(ids, (std::set<std::string>{"E", "F"}));
  // Only the review queue and the import log grew.
  auto after = table_counts();
  EXPECT_EQ(after[9], before[9] + 2);
  after[9] = before[9];
  after[10] = before[10];
  EXPECT_EQ(after, before);
}

TEST_P(PartnerTest, TwoRowsOnOnePersonAreFlagged) {
  const PartnerImportResult r =
      feed(FeedKind::kProviderEvents, "provider_events.csv",
           "provider_id,event,event_date,given_name,family_name,date_of_birth,postcode,activity_code\n"
           "COL4,start,2025-01-10,Amy,Lee,2008-05-01,L20 1AB,230\n"
           "COL4,start,2025-01-10,Amy,Lee,2008-05-01,L20 9ZZ,230\n");
  EXPECT_EQ(r.to_review, 2);
  EXPECT_EQ(r.data.batch_id, 0);
  for (const auto& it : r.reviews) {
    EXPECT_NE(it.reason.find("lines 2, 3"), std::string::npos) << it.reason;
    ASSERT_FALSE(it.candidates.empty());
    EXPECT_EQ(it.candidates[0].person_id, "A");
  }
}

TEST_P(PartnerTest, MalformedRowsAreReportedAndNothingIsApplied) {
  const auto before = table_counts();
  dir_.write("provider_events.csv",
             "provider_id,event,event_date,given_name,family_name,date_of_birth,activity_code,shoe_size\n"
             "COL2,start,2025-02-30,Dana,Whyte,2008-01-20,230,5\n"
             "COL2,finish,2025-01-10,Dana,Whyte,2008-01-20,230,5\n"
             "COL2,start,2025-01-10,Dana,Whyte,2008-01-20,,5\n"
             "COL2,start,2025-01-10,Dana,Whyte,20/01/2008,230,5\n"
             "COL2,start,2025-01-10,Dana,Whyte,2008-01-20,620,5\n"
             "COL2,start,2025-01-10,Dana,Whyte,2008-01-20,230,5\n");  // valid, but not applied either
  LoadReport report;
  PartnerOptions opt;
  opt.default_la_code = "890";
  const PartnerImportResult r = import_partner_feed(db(), Rules::defaults(), FeedKind::kProviderEvents,
                                                    dir_ / "provider_events.csv", "officer", report, opt);
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.errors.size(), 5u);
  std::vector<std::string> msgs;
  for (const auto& e : report.errors) msgs.push_back(format_issue(e));
  EXPECT_EQ(msgs[0], "provider_events.csv:2: column event_date: '2025-02-30': not a real date in the form YYYY-MM-DD");
  EXPECT_EQ(msgs[1], "provider_events.csv:3: column event: 'finish': expected start, leave or dropout");
  EXPECT_EQ(msgs[2], "provider_events.csv:4: column activity_code: a value is required");
  EXPECT_EQ(report.errors[3].column, "date_of_birth");
  EXPECT_EQ(report.errors[3].value, "20/01/2008");
  EXPECT_EQ(report.errors[4].line, 6u);
  EXPECT_NE(report.errors[4].reason.find("EET activity code"), std::string::npos);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].column, "shoe_size");
  EXPECT_TRUE(r.outcomes.empty());
  EXPECT_EQ(table_counts(), before);

  // A missing required column, and a file without an LA code for new people.
  dir_.write("school_cohort.csv", "school_id,check_date,upn,given_name,family_name,date_of_birth\n");
  LoadReport r2;
  import_partner_feed(db(), Rules::defaults(), FeedKind::kSchoolCohort, dir_ / "school_cohort.csv", "officer", r2, opt);
  ASSERT_EQ(r2.errors.size(), 1u);
  EXPECT_EQ(format_issue(r2.errors[0]), "school_cohort.csv:1: column year_group: required column is missing");
  dir_.write("school_cohort.csv", kCohort);
  LoadReport r3;
  import_partner_feed(db(), Rules::defaults(), FeedKind::kSchoolCohort, dir_ / "school_cohort.csv", "officer", r3);
  EXPECT_EQ(r3.error_count, 2u);
  EXPECT_EQ(r3.errors[0].column, "la_code");
  EXPECT_EQ(table_counts(), before);
}

TEST_P(PartnerTest, DryRunStoresNothing) {
  const auto before = table_counts();
  PartnerOptions opt;
  opt.dry_run = true;
  const PartnerImportResult r = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters, opt);
  EXPECT_EQ(r.matched_score, 1);
  EXPECT_EQ(r.to_review, 2);
  EXPECT_EQ(r.reviews.size(), 2u);
  EXPECT_EQ(r.outcomes.size(), 5u);
  EXPECT_NE(at_line(r, 2).detail.find("new activity 230"), std::string::npos) << at_line(r, 2).detail;
  EXPECT_EQ(r.data.batch_id, 0);
  EXPECT_EQ(r.data.people_added, 1);        // would be: Quinn
  EXPECT_EQ(r.data.activities_added, 2);    // D's 230, Quinn's 410
  EXPECT_EQ(r.data.activities_changed, 1);  // B's 230 ended
  EXPECT_EQ(table_counts(), before);
}

TEST_P(PartnerTest, SeptemberGuaranteeOffersAreVersioned) {
  const std::string header =
      "guarantee_year,offer_status,upn,given_name,family_name,date_of_birth,provider_id,offer_date,activity_code\n";
  const PartnerImportResult r = feed(FeedKind::kSeptemberGuarantee, "september_guarantee.csv",
                                     header +
                                         "2025,offer_made,C100000000003,Jack,Smith,2009-03-10,COL1,2025-03-20,230\n"
                                         "2025,offer_made,,Una,Known,2009-09-09,COL1,2025-03-01,\n");
  EXPECT_EQ(r.matched_exact, 1);
  EXPECT_EQ(r.to_review, 1);  // offers never create people
  EXPECT_EQ(r.offers_added, 1);
  EXPECT_EQ(r.data.batch_id, 0);
  auto offers = guarantee_offers(db());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].person_id, "C");
  EXPECT_EQ(offers[0].offer_status, "offer_made");
  EXPECT_EQ(offers[0].activity_code, 230);

  const PartnerImportResult same = feed(FeedKind::kSeptemberGuarantee, "september_guarantee.csv",
                                        header +
                                            "2025,offer_made,C100000000003,Jack,Smith,2009-03-10,COL1,2025-03-20,230\n"
                                            "2025,offer_made,,Una,Known,2009-09-09,COL1,2025-03-01,\n");
  EXPECT_FALSE(same.changed());
  const PartnerImportResult changed =
      feed(FeedKind::kSeptemberGuarantee, "sg_june.csv",
           header + "2025,offer_not_appropriate,C100000000003,Jack,Smith,2009-03-10,,,\n");
  EXPECT_EQ(changed.offers_changed, 1);
  offers = guarantee_offers(db());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].offer_status, "offer_not_appropriate");
  EXPECT_EQ(count("september_guarantee_offer_versions"), 2);
}

TEST_P(PartnerTest, DuplicatesReportFindsThePlantedPair) {
  const Dataset ds = from_store();
  const auto pairs = find_duplicates(ds, 0.85);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(ds.people.id[pairs[0].a], "E");
  EXPECT_EQ(ds.people.id[pairs[0].b], "F");
  EXPECT_GT(pairs[0].score, 0.95);
  const std::string csv = duplicates_csv(ds, pairs);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "person_id_a,given_name_a,family_name_a,postcode_a,upn_a,uln_a,date_of_birth,person_id_b,given_name_b,"
            "family_name_b,postcode_b,upn_b,uln_b,score,basis");
  EXPECT_NE(csv.find("E,Mohammed,Khan,L23 4GH,,,2008-02-02,F,Mohamed,Khan"), std::string::npos) << csv;
}

TEST_P(PartnerTest, AStartAndALeaveInOneFileApplyInDateOrder) {
  const PartnerImportResult r =
      feed(FeedKind::kProviderEvents, "provider_events.csv",
           "provider_id,event,event_date,given_name,family_name,date_of_birth,postcode,activity_code\n"
           "COL5,leave,2025-01-24,Rhys,Newcomer,2008-04-04,L28 1AA,\n"
           "COL5,start,2025-01-06,Rhys,Newcomer,2008-04-04,L28 1AA,230\n");
  EXPECT_EQ(r.new_people, 1);
  EXPECT_EQ(at_line(r, 2).action, RowAction::kNewPerson);
  EXPECT_EQ(at_line(r, 3).action, RowAction::kNewPerson);
  EXPECT_EQ(at_line(r, 2).person_id, at_line(r, 3).person_id);
  const Dataset ds = from_store();
  EXPECT_EQ(current(ds, at_line(r, 2).person_id, "2025-01-24"), "230@COL5");
  EXPECT_EQ(current(ds, at_line(r, 2).person_id, "2025-01-25"), "not known");
}

TEST_P(PartnerTest, TheSameFileImportedTwiceAtOnceLandsOnce) {
  dir_.write("provider_events.csv", kStarters);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(2);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto db = open_db(url());
        LoadReport report;
        PartnerOptions opt;
        opt.default_la_code = "890";
        import_partner_feed(*db, Rules::defaults(), FeedKind::kProviderEvents, dir_ / "provider_events.csv",
                            "officer" + std::to_string(t), report, opt);
        if (!report.ok()) errors[t] = "validation failed";
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  // As one import: one new person, two review items, three activity changes.
  EXPECT_EQ(count("people"), 8);
  EXPECT_EQ(count("activity_versions"), 10);
  EXPECT_EQ(open_reviews(db()).size(), 2u);
}

// A feed is stored in one transaction: people, activities, review items and the import log
// land together or not at all. Here the last write (the import log) fails, after the people,
// activities and review items of the feed were written: none of them may stay.
TEST_P(PartnerTest, AFeedIsAllOrNothing) {
  const auto before = table_counts();
  const Dataset stored = from_store();
  // One import log row per feed only, and one for provider events already there.
  db().exec("CREATE UNIQUE INDEX partner_test_one_per_feed ON partner_imports (feed)");
  db().query(
      "INSERT INTO partner_imports (import_id, feed, source, imported_by, imported_at, rows_read, matched_exact, "
      "matched_score, matched_by_review, new_people, to_review, applied_rows) VALUES (100, 'provider_events', 'x', "
      "'test', '2025-01-01T00:00:00Z', 0, 0, 0, 0, 0, 0, 0)");
  dir_.write("provider_events.csv", kStarters);
  LoadReport report;
  PartnerOptions opt;
  opt.default_la_code = "890";
  EXPECT_THROW(import_partner_feed(db(), Rules::defaults(), FeedKind::kProviderEvents, dir_ / "provider_events.csv",
                                   "officer", report, opt),
               DbError);
  auto after = table_counts();
  after.back() -= 1;  // the planted import log row
  EXPECT_EQ(after, before);
  EXPECT_EQ(from_store().people.size(), stored.people.size());
  EXPECT_TRUE(open_reviews(db()).empty());
  // The connection is usable and, the obstacle removed, the same feed lands whole.
  db().exec("DROP INDEX partner_test_one_per_feed");
  const PartnerImportResult r = feed(FeedKind::kProviderEvents, "provider_events.csv", kStarters);
  EXPECT_EQ(r.new_people, 1);
  EXPECT_EQ(r.to_review, 2);
  EXPECT_EQ(count("people"), 8);
  EXPECT_EQ(open_reviews(db()).size(), 2u);
}

// Matching happens under the writers' lock: two feeds naming the same new young person,
// imported at once, create them once (whichever runs second matches the first's person).
TEST_P(PartnerTest, TwoFeedsAtOnceMatchAgainstEachOthersNewPeople) {
  const std::string cohort =
      "school_id,check_date,upn,given_name,family_name,date_of_birth,year_group,postcode\n"
      "S2,2025-01-15,R100000000001,Rhea,Vance,2008-10-10,11,L29 9ZZ\n";
  const std::string starters =
      "provider_id,event,event_date,uln,upn,given_name,family_name,date_of_birth,postcode,activity_code,course\n"
      "COL4,start,2025-01-06,,,Rhea,Vance,2008-10-10,L29 9ZZ,230,A levels\n";  // no UPN: matched by name
  dir_.write("school_cohort.csv", cohort);
  dir_.write("provider_events.csv", starters);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(2);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto db = open_db(url());
        LoadReport report;
        PartnerOptions opt;
        opt.default_la_code = "890";
        if (t == 0)
          import_partner_feed(*db, Rules::defaults(), FeedKind::kSchoolCohort, dir_ / "school_cohort.csv", "school",
                              report, opt);
        else
          import_partner_feed(*db, Rules::defaults(), FeedKind::kProviderEvents, dir_ / "provider_events.csv",
                              "college", report, opt);
        if (!report.ok()) errors[t] = "validation failed";
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(count("people"), 8);  // seven, and Rhea once
  const Dataset ds = from_store();
  std::string rhea;
  for (uint32_t p = 0; p < ds.people.size(); ++p)
    if (ds.people.family_name[p] == "Vance") rhea = std::string(ds.people.id[p]);
  ASSERT_FALSE(rhea.empty());
  const uint32_t p = ds.find_person(rhea);
  EXPECT_EQ(ds.activity_begin[p + 1] - ds.activity_begin[p], 2u);  // 110 at S2 and 230 at COL4
}

TEST_P(PartnerTest, TheTemplatesImportAsDocumented) {
  Db* fresh = &db();  // the fixture's people are nobody in the templates
  PartnerOptions opt;
  opt.default_la_code = "890";
  LoadReport r1, r2, r3;
  const auto school = import_partner_feed(*fresh, Rules::defaults(), FeedKind::kSchoolCohort,
                                          template_path(FeedKind::kSchoolCohort), "officer", r1, opt);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(school.new_people, 2);
  const auto provider = import_partner_feed(*fresh, Rules::defaults(), FeedKind::kProviderEvents,
                                            template_path(FeedKind::kProviderEvents), "officer", r2, opt);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(provider.matched_score, 1);  // Aisha: no UPN on the provider's row
  EXPECT_EQ(provider.matched_exact, 1);  // Tom by UPN
  EXPECT_EQ(provider.not_applied, 1);    // Tom's drop-out: no activity at that college was recorded
  ASSERT_EQ(r2.warnings.size(), 1u);
  EXPECT_NE(r2.warnings[0].reason.find("nothing ended"), std::string::npos);
  const auto sg = import_partner_feed(*fresh, Rules::defaults(), FeedKind::kSeptemberGuarantee,
                                      template_path(FeedKind::kSeptemberGuarantee), "officer", r3, opt);
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(sg.matched_exact, 2);
  EXPECT_EQ(sg.offers_added, 2);
  LoadReport lr;
  const Dataset ds = load_store(*fresh, Rules::defaults(), lr);
  ASSERT_TRUE(lr.ok());
  const uint32_t aisha = ds.find_person(school.outcomes[0].person_id);
  ASSERT_NE(aisha, kNoIndex);
  EXPECT_EQ(ds.people.uln[aisha], "1234567890");  // recorded from the provider's row
  EXPECT_EQ(current(ds, school.outcomes[0].person_id, "2025-09-30"), "230@UKPRN10001234");
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pathways
