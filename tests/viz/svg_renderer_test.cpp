// The SVG ladder: well-formed XML (checked by xmllint, outside the code under test), the
// expected labels and marks, a compressed idle gap, and a PNG render with visible ink.
#include "synack/viz/svg_renderer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "viz/viz_test_support.hpp"

namespace synack::viz::testing {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

bool xmllint_accepts(const std::string& path) {
  return std::system(("xmllint --noout '" + path + "' 2>/dev/null").c_str()) == 0;
}

// A ladder with every kind of item, hostile characters in its text, and a 60 s idle gap.
Ladder busy_ladder() {
  Ladder l = handshake_ladder(/*lose_third=*/true);
  l.title = "handshake & close <test>";
  l.timers.push_back({from_micros(220'000), Side::left, "RTO"});
  l.arrows.push_back({from_micros(220'000), from_micros(230'000), Side::left,
                      "ACK seq=1001 ack=5001", true, "", std::nullopt});
  l.notes.push_back({from_micros(230'000), Side::right, "drop: \"quoted\" & <angled>"});
  l.states.push_back({from_micros(230'000), Side::right, "ESTABLISHED"});
  l.arrows.push_back({from_micros(300'000), from_micros(310'000), Side::left,
                      "FIN,ACK seq=1001 ack=5001", false, "", std::nullopt});
  l.timers.push_back({from_micros(60'310'000), Side::left, "2MSL timer"});
  l.states.push_back({from_micros(60'310'000), Side::left, "CLOSED"});
  return l;
}

TEST(SvgRenderer, EscapesXmlText) {
  EXPECT_EQ(xml_escape(R"(a<b>&"c"'d')"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
}

TEST(SvgRenderer, HandshakeIsWellFormedWithLabelsAndNames) {
  const std::string svg = render_svg(handshake_ladder());
  const std::string path = temp_path("handshake.svg");
  write_file(path, svg);
  EXPECT_TRUE(xmllint_accepts(path));
  EXPECT_NE(svg.find("width=\"900\""), std::string::npos);
  EXPECT_NE(svg.find(">client 198.18.0.1:40000</text>"), std::string::npos);
  EXPECT_NE(svg.find(">server 198.18.0.2:80</text>"), std::string::npos);
  EXPECT_NE(svg.find(">SYN seq=1000 win=65535 [mss 1460,ws 7,ts]</text>"), std::string::npos);
  EXPECT_NE(svg.find(">SYN,ACK seq=5000 ack=1001 win=65535</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"label\""), 3u);
  EXPECT_EQ(count(svg, "class=\"state\""), 4u);
  EXPECT_EQ(count(svg, "class=\"lost\""), 0u);
  EXPECT_EQ(count(svg, "marker-end=\"url(#head)\""), 3u);
}

// The scale puts the median transit (10 ms) at 60 px: the SYN runs from y=70 to y=130, the
// SYN-ACK from 130 to 190, each arrow from one lifeline (x=252) to the other (x=648).
TEST(SvgRenderer, SlopeShowsTransitTime) {
  const std::string svg = render_svg(handshake_ladder());
  EXPECT_NE(svg.find("<line x1=\"252.0\" y1=\"70.0\" x2=\"648.0\" y2=\"130.0\""),
            std::string::npos);
  EXPECT_NE(svg.find("<line x1=\"648.0\" y1=\"130.0\" x2=\"252.0\" y2=\"190.0\""),
            std::string::npos);
}

TEST(SvgRenderer, LostArrowEndsHalfwayInACross) {
  const std::string svg = render_svg(handshake_ladder(/*lose_third=*/true));
  EXPECT_EQ(count(svg, "class=\"lost\""), 1u);
  // Sent at y=190 from x=252, it stops at x=450, half a transit (30 px) lower, with no head.
  EXPECT_NE(svg.find("<line x1=\"252.0\" y1=\"190.0\" x2=\"450.0\" y2=\"220.0\" "
                     "stroke=\"#c0392b\" stroke-width=\"1.5\"/>"),
            std::string::npos);
  EXPECT_NE(svg.find("d=\"M444.0,214.0 L456.0,226.0 M444.0,226.0 L456.0,214.0\""),
            std::string::npos);
}

TEST(SvgRenderer, LongIdleGapIsCompressedAndLabelled) {
  const Ladder l = busy_ladder();
  const std::string svg = render_svg(l);
  const std::string path = temp_path("busy.svg");
  write_file(path, svg);
  EXPECT_TRUE(xmllint_accepts(path));
  EXPECT_NE(svg.find("<title>handshake &amp; close &lt;test&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find("drop: &quot;quoted&quot; &amp; &lt;angled&gt;"), std::string::npos);
  // At 60 px per 10 ms every gap over 33 ms becomes a break labelled with its length:
  // 0.02 -> 0.22 s, 0.23 -> 0.30 s and 0.31 -> 60.31 s.
  EXPECT_NE(svg.find("\u2248 0.200 s"), std::string::npos);
  EXPECT_NE(svg.find("\u2248 0.070 s"), std::string::npos);
  EXPECT_NE(svg.find("\u2248 60.000 s"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"time-break\""), 3u);
  EXPECT_EQ(count(svg, "class=\"timer\""), 2u);
  EXPECT_NE(svg.find(">2MSL timer</text>"), std::string::npos);
  EXPECT_NE(svg.find("ACK seq=1001 ack=5001 (rexmit)"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  // The picture stays short: no 60 s worth of pixels.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("height=\"([0-9]+)\"")));
  EXPECT_LT(std::stoi(m[1].str()), 1000);
}

TEST(SvgRenderer, RendersToANonBlankPng) {
  const std::string svg_path = temp_path("render.svg");
  const std::string png_path = temp_path("render.png");
  write_file(svg_path, render_svg(busy_ladder()));
  std::remove(png_path.c_str());
  ASSERT_EQ(std::system(("rsvg-convert -o '" + png_path + "' '" + svg_path + "'").c_str()), 0);
  const std::string counter = std::string(SYNACK_TEST_DATA_DIR) + "/count_ink_pixels.py";
  const std::string ink_path = temp_path("ink.txt");
  ASSERT_EQ(
      std::system(("python3 '" + counter + "' '" + png_path + "' > '" + ink_path + "'").c_str()),
      0);
  const int ink = std::stoi(read_file(ink_path));
  // Two lifelines alone are hundreds of pixels; text and arrows add thousands.
  EXPECT_GT(ink, 2000);

  // And a blank picture really counts as blank: the counter is not just returning a big number.
  write_file(svg_path,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"50\" height=\"50\">"
             "<rect width=\"50\" height=\"50\" fill=\"#ffffff\"/></svg>");
  ASSERT_EQ(std::system(("rsvg-convert -o '" + png_path + "' '" + svg_path + "'").c_str()), 0);
  ASSERT_EQ(
      std::system(("python3 '" + counter + "' '" + png_path + "' > '" + ink_path + "'").c_str()),
      0);
  EXPECT_EQ(std::stoi(read_file(ink_path)), 0);
}

TEST(SvgRenderer, CaptureLaddersSlantByAConstant) {
  Ladder l = handshake_ladder();
  for (Arrow& a : l.arrows) a.arrival = a.sent;
  l.capture_times_only = true;
  const std::string svg = render_svg(l);
  // Rows are 26 px apart (slant 18 + 8) and every arrow drops 18 px.
  EXPECT_NE(svg.find("<line x1=\"252.0\" y1=\"70.0\" x2=\"648.0\" y2=\"88.0\""), std::string::npos);
}

}  // namespace
}  // namespace synack::viz::testing
