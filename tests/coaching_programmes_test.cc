// Coaching programmes' session names (coaching/programmes.h, data/programmes.json) and their
// use on the person page.

#include <gtest/gtest.h>

#include "coaching/programmes.h"
#include "coaching_server.h"

namespace pathways {
namespace {

constexpr const char* kFile = R"({
  "default_sessions": ["Kick-off plan", "Plan in detail", "Taster day", "Group workshop", "Review", "Work visit", "Term review"],
  "programmes": {"Summer Start": ["Welcome", "Goals", "College visit", "Group day", "Check-in", "Work visit", "Send-off"]}
})";

TEST(CoachingProgrammes, DefaultsAreSeed000sPathwaysForAll) {
  const auto p = Programmes::load("");
  EXPECT_EQ(p.sessions("")[0], "Initial action plan");
  EXPECT_EQ(p.sessions("Pathways for All")[6], "End of term review");
  EXPECT_EQ(p.sessions("A programme nobody listed")[1], "Detailed action plan");
}

TEST(CoachingProgrammes, EachProgrammeHasItsOwnNamesAndOthersTheDefault) {
  const auto p = Programmes::from_json(kFile, "test.json");
  EXPECT_EQ(p.sessions("Summer Start")[2], "College visit");
  EXPECT_EQ(p.sessions("Pathways for All")[0], "Kick-off plan");  // not listed here: the default
  EXPECT_EQ(p.sessions("")[4], "Review");
}

TEST(CoachingProgrammes, BadFilesNameTheEntry) {
  auto message = [](const char* text) {
    try {
      Programmes::from_json(text, "la.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(R"({"default_sessions": ["a","b","c","d","e","f"]})"), "la.json: default_sessions: give exactly seven session names");
  EXPECT_EQ(message(R"({"default_sessions": ["a","b","c","d","e","f","g"], "programmes": {"X": ["a","b","","d","e","f","g"]}})"),
            "la.json: programmes: X: session 3: a name of 1-100 characters");
  EXPECT_EQ(message(R"({"default_sessions": ["a","b","c","d","e","f","g"], "colour": "red"})"), "la.json: unknown key 'colour'");
  EXPECT_EQ(message(R"({"programmes": {}})"), "la.json: default_sessions is missing");
  EXPECT_EQ(message("not json"), "la.json: not a JSON object");
}

// The person page names the sessions of the LA's programmes file.
class ProgrammePages : public testing::CoachingServerTest {
 protected:
  void configure(web::ServerOptions& o) override {
    dir_.write("programmes.json", kFile);
    o.programmes_path = dir_ / "programmes.json";
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, ProgrammePages, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(ProgrammePages, ThePersonPageUsesTheProgrammesSessionNames) {
  const auto r = get("/people/P1", as("coach1"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  // P1's caseload episode has no programme: the file's default names.
  EXPECT_NE(r->body.find("1. Kick-off plan"), std::string::npos);
  EXPECT_EQ(r->body.find("Initial action plan"), std::string::npos);
}

}  // namespace
}  // namespace pathways
