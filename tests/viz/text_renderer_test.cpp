// The text ladder, checked line by line. Column arithmetic behind the expected lines: time (8)
// + 2 + state (12) + 1, then the left lifeline '|' at column 23, 56 columns of arrow, the right
// lifeline at column 80, 1 + state (12), then 2 + the arrival.
#include "synack/viz/text_renderer.hpp"

#include <gtest/gtest.h>

#include "viz/viz_test_support.hpp"

namespace synack::viz::testing {
namespace {

TEST(TextRenderer, FormatsTimesInSecondsWithMilliseconds) {
  EXPECT_EQ(format_time(from_micros(10'000)), "  0.010s");
  EXPECT_EQ(format_time(from_micros(61'234'000)), " 61.234s");
  EXPECT_EQ(format_time(kEpoch), "  0.000s");
}

TEST(TextRenderer, HandshakeLinesExactly) {
  const auto lines = split_lines(render_text(handshake_ladder()));
  const std::vector<std::string> expected = {
      "    time  client 198.18.0.1:40000                                         server "
      "198.18.0.2:80",
      "  0.000s  SYN_SENT     |----SYN seq=1000 win=65535 [mss 1460,ws 7,ts]---------->|       "
      "        arrives 0.010s",
      "  0.010s               |<----------------SYN,ACK seq=5000 ack=1001 win=65535----| "
      "SYN_RECEIVED  arrives 0.020s",
      "  0.020s  ESTABLISHED  |----ACK seq=1001 ack=5001------------------------------>|       "
      "        arrives 0.030s",
      "  0.030s               |                                                        | "
      "ESTABLISHED",
      "legend: ---> delivered, ---X lost; rows are send times, 'arrives' is delivery",
  };
  EXPECT_EQ(lines, expected);
  // Both lifelines line up on every row.
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    EXPECT_EQ(lines[i][23], '|') << lines[i];
    EXPECT_EQ(lines[i][80], '|') << lines[i];
  }
  for (const auto& l : lines) EXPECT_LE(l.size(), 120u);
}

TEST(TextRenderer, LostArrowEndsInCrossShortOfThePeer) {
  const auto lines = split_lines(render_text(handshake_ladder(/*lose_third=*/true)));
  ASSERT_EQ(lines.size(), 5u);
  // 56 * 3 / 4 = 42 columns of arrow, then 14 blanks before the right lifeline.
  EXPECT_EQ(lines[3],
            "  0.020s  ESTABLISHED  |----ACK seq=1001 ack=5001----------------X              |  "
            "             lost");
}

TEST(TextRenderer, LeftwardLostArrowAndTimersAndNotes) {
  Ladder l;
  l.left_name = "a";
  l.right_name = "b";
  l.arrows.push_back({from_micros(5'000), std::nullopt, Side::right, "FIN,ACK seq=7 ack=9", false,
                      "queue_drop", std::nullopt});
  l.timers.push_back({from_micros(205'000), Side::right, "RTO"});
  l.arrows.push_back({from_micros(205'000), from_micros(215'000), Side::right,
                      "FIN,ACK seq=7 ack=9", true, "", std::nullopt});
  l.notes.push_back({from_micros(215'000), Side::left, "drop: bad"});
  TextOptions o;
  o.legend = false;
  const auto lines = split_lines(render_text(l, o));
  // Lost: max(4 + 19 + 3 + 1, 42) = 42 columns ending in the cross, after 14 blanks; the
  // delivered copy has 56 - 23 - 1 = 32 dashes after its head.
  const std::string bar = "  |";
  const std::vector<std::string> expected = {
      "    time  a" + std::string(82, ' ') + "b",
      "  0.005s             " + bar + std::string(14, ' ') + "X" + std::string(18, '-') +
          "FIN,ACK seq=7 ack=9----|               lost, queue_drop",
      "  0.205s             " + bar + std::string(43, ' ') + "[timer: RTO] |",
      "  0.205s             " + bar + "<" + std::string(32, '-') +
          "FIN,ACK seq=7 ack=9----|               arrives 0.215s, rexmit",
      "  0.215s             " + bar + " * drop: bad" + std::string(44, ' ') + "|",
  };
  EXPECT_EQ(lines, expected);
}

TEST(TextRenderer, LongLabelsAreCutToFitTheArrow) {
  Ladder l;
  l.arrows.push_back(
      {kEpoch, from_micros(1), Side::left, std::string(80, 'x'), false, "", std::nullopt});
  TextOptions o;
  o.legend = false;
  const auto lines = split_lines(render_text(l, o));
  ASSERT_EQ(lines.size(), 2u);
  // Room for 56 - 4 - 3 - 1 = 48 label columns: 46 x's and "..".
  EXPECT_EQ(lines[1], "  0.000s               |----" + std::string(46, 'x') + "..--->|" +
                          std::string(15, ' ') + "arrives 0.000s");
}

TEST(TextRenderer, ColourOnlyWhenAsked) {
  const std::string plain = render_text(handshake_ladder(true));
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  TextOptions o;
  o.colour = true;
  const std::string coloured = render_text(handshake_ladder(true), o);
  // The lost arrow is red and states are cyan; removing the codes gives the plain text back.
  EXPECT_NE(coloured.find("\x1b[31m----ACK seq=1001"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[36mSYN_SENT    \x1b[0m"), std::string::npos);
  std::string stripped;
  for (std::size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      i = coloured.find('m', i);
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, plain);
}

}  // namespace
}  // namespace synack::viz::testing
