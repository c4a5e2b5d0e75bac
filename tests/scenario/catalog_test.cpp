// Every scenario of the catalog runs and its own numeric check holds; the catalog has the
// scenarios the issue asks for; ladders render to well-formed SVG (xmllint) with visible ink
// (rsvg-convert, pixels counted by tests/data/count_ink_pixels.py, outside the code under test).
#include "synack/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "synack/viz/svg_renderer.hpp"

namespace synack::scenario {
namespace {

std::string temp(const std::string& name) {
  return std::string(SYNACK_BINARY_DIR) + "/scenario_test_" + name;
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, PassesItsOwnCheck) {
  const Scenario* s = find_scenario(GetParam());
  ASSERT_NE(s, nullptr);
  const ScenarioResult r = s->run(ScenarioOptions{});
  for (const Check& c : r.checks) EXPECT_TRUE(c.held) << s->name << ": " << c.requirement;
  EXPECT_TRUE(r.passed());
  EXPECT_FALSE(r.evidence.empty());
  if (s->name != "syn-flood") {
    EXPECT_FALSE(r.ladders.empty());
  }
  for (const auto& l : r.ladders) EXPECT_FALSE(l.arrows.empty()) << l.title;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& s : catalog()) out.emplace_back(s.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Catalog, EveryScenario, ::testing::ValuesIn(names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

TEST(Catalog, HoldsEveryScenarioTheIssueNames) {
  for (const char* name :
       {"handshake", "two-way-handshake", "four-way-handshake", "lost-syn", "lost-synack",
        "lost-ack", "data-on-third-ack", "data-on-syn", "isn", "half-open-queue", "syn-flood",
        "four-way-close", "half-close", "lost-final-ack", "why-2msl", "simultaneous-open",
        "simultaneous-close", "retransmission-backoff"}) {
    EXPECT_NE(find_scenario(name), nullptr) << name;
  }
  EXPECT_EQ(find_scenario("no-such-scenario"), nullptr);
}

TEST(Catalog, SameSeedGivesTheSameEvidence) {
  const Scenario* s = find_scenario("handshake");
  const auto a = s->run(ScenarioOptions{7, ""});
  const auto b = s->run(ScenarioOptions{7, ""});
  ASSERT_EQ(a.evidence.size(), b.evidence.size());
  for (std::size_t i = 0; i < a.evidence.size(); ++i) {
    EXPECT_EQ(a.evidence[i].value, b.evidence[i].value);
  }
}

TEST(Catalog, ResultWithAFailedCheckDoesNotPass) {
  ScenarioResult r;
  EXPECT_FALSE(r.passed());  // no checks: nothing was shown
  r.check(true, "a");
  EXPECT_TRUE(r.passed());
  r.check(false, "b");
  EXPECT_FALSE(r.passed());
}

void expect_renders(const std::string& scenario) {
  const auto r = find_scenario(scenario)->run(ScenarioOptions{});
  ASSERT_FALSE(r.ladders.empty());
  const std::string svg = temp(scenario + ".svg");
  const std::string png = temp(scenario + ".png");
  const std::string ink = temp(scenario + ".ink");
  std::ofstream(svg) << viz::render_svg(r.ladders[0]);
  EXPECT_EQ(std::system(("xmllint --noout '" + svg + "'").c_str()), 0);
  ASSERT_EQ(std::system(("rsvg-convert -o '" + png + "' '" + svg + "'").c_str()), 0);
  const std::string counter = std::string(SYNACK_TEST_DATA_DIR) + "/count_ink_pixels.py";
  ASSERT_EQ(std::system(("python3 '" + counter + "' '" + png + "' > '" + ink + "'").c_str()), 0);
  std::ifstream in(ink);
  long pixels = 0;
  in >> pixels;
  EXPECT_GT(pixels, 2000) << scenario;
}

TEST(ScenarioSvg, HandshakeIsWellFormedAndRendersInk) {
  expect_renders("handshake");
}

TEST(ScenarioSvg, CloseIsWellFormedAndRendersInk) {
  expect_renders("four-way-close");
}

TEST(ScenarioSvg, LostSegmentsAndTwoLaddersRender) {
  expect_renders("lost-syn");
  expect_renders("why-2msl");
}

}  // namespace
}  // namespace synack::scenario
