// Ladder labels never overlap one another, an arrow, a lost segment's cross or the text beside
// the lifelines: checked on the layout of every ladder of every scenario in the catalog, with an
// overlap test written here independently of the layout code (separating axes on the boxes).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "synack/scenario/scenario.hpp"
#include "synack/viz/ladder_layout.hpp"
#include "viz/viz_test_support.hpp"

namespace synack::viz::testing {
namespace {

using Polygon = std::vector<Point>;

Polygon polygon(const Quad& q) {
  return {q.corners.begin(), q.corners.end()};
}

// True when some edge normal of `a` or `b` separates them (a gap of more than 0.5 px is not
// needed: touching counts as apart, any shared interior counts as overlap).
bool apart(const Polygon& a, const Polygon& b) {
  for (const Polygon* shape : {&a, &b}) {
    for (std::size_t i = 0; i < shape->size(); ++i) {
      const Point p = (*shape)[i];
      const Point q = (*shape)[(i + 1) % shape->size()];
      const double nx = p.y - q.y, ny = q.x - p.x;
      if (nx == 0 && ny == 0) continue;
      double a_low = 1e18, a_high = -1e18, b_low = 1e18, b_high = -1e18;
      for (const Point& v : a) {
        a_low = std::min(a_low, v.x * nx + v.y * ny);
        a_high = std::max(a_high, v.x * nx + v.y * ny);
      }
      for (const Point& v : b) {
        b_low = std::min(b_low, v.x * nx + v.y * ny);
        b_high = std::max(b_high, v.x * nx + v.y * ny);
      }
      const double length = std::hypot(nx, ny);
      if (a_high <= b_low + 0.01 * length || b_high <= a_low + 0.01 * length) return true;
    }
  }
  return false;
}

struct NamedShape {
  std::string name;
  Polygon shape;
};

// Every piece of text on the ladder as a box, and every arrow as a segment.
struct Shapes {
  std::vector<NamedShape> texts;
  std::vector<NamedShape> arrows;   // Two-point polygons.
  std::vector<NamedShape> crosses;  // Lost arrows' crosses.
};

Shapes shapes_of(const Ladder& ladder, const LadderLayout& layout) {
  Shapes s;
  for (std::size_t i = 0; i < layout.arrows.size(); ++i) {
    const ArrowLayout& a = layout.arrows[i];
    const std::string name = "label '" + arrow_text(ladder.arrows[i]) + "'";
    s.texts.push_back({name, polygon(a.label_box)});
    s.arrows.push_back({"arrow '" + arrow_text(ladder.arrows[i]) + "'", {a.line.a, a.line.b}});
    if (a.lost) s.crosses.push_back({"cross of " + name, polygon(a.cross_box)});
  }
  for (std::size_t i = 0; i < layout.states.size(); ++i)
    s.texts.push_back({"state " + ladder.states[i].state, polygon(layout.states[i].box)});
  for (std::size_t i = 0; i < layout.timers.size(); ++i)
    s.texts.push_back({"timer " + ladder.timers[i].text, polygon(layout.timers[i].box)});
  for (std::size_t i = 0; i < layout.notes.size(); ++i)
    s.texts.push_back({"note " + ladder.notes[i].text, polygon(layout.notes[i].box)});
  return s;
}

// Every overlap found, as readable lines.
std::vector<std::string> overlaps_in(const Ladder& ladder, const LadderLayout& layout) {
  const Shapes s = shapes_of(ladder, layout);
  std::vector<std::string> found;
  for (std::size_t i = 0; i < s.texts.size(); ++i) {
    for (std::size_t j = i + 1; j < s.texts.size(); ++j) {
      if (!apart(s.texts[i].shape, s.texts[j].shape))
        found.push_back(s.texts[i].name + " overlaps " + s.texts[j].name);
    }
    for (const auto* others : {&s.arrows, &s.crosses}) {
      for (const NamedShape& o : *others) {
        if (!apart(s.texts[i].shape, o.shape))
          found.push_back(s.texts[i].name + " overlaps " + o.name);
      }
    }
  }
  // Arrow labels stay between the lifelines, clear of them.
  for (std::size_t i = 0; i < layout.arrows.size(); ++i) {
    for (const Point& p : layout.arrows[i].label_box.corners) {
      if (p.x <= layout.x_left || p.x >= layout.x_right)
        found.push_back("label '" + arrow_text(ladder.arrows[i]) + "' reaches a lifeline");
    }
  }
  return found;
}

TEST(LabelLayout, NoOverlapInAnyScenarioLadder) {
  int ladders = 0;
  for (const scenario::Scenario& sc : scenario::catalog()) {
    scenario::ScenarioOptions options;
    const scenario::ScenarioResult result = sc.run(options);
    for (const Ladder& ladder : result.ladders) {
      ++ladders;
      const LadderLayout layout = layout_ladder(ladder);
      EXPECT_EQ(layout.unplaced_labels, 0) << sc.name << ": " << ladder.title;
      for (const std::string& overlap : overlaps_in(ladder, layout))
        ADD_FAILURE() << sc.name << " (" << ladder.title << "): " << overlap;
    }
  }
  EXPECT_GE(ladders, static_cast<int>(scenario::catalog().size()));
}

// Two segments sent at the same instant from opposite sides cross in the middle: labels centred
// on their midpoints (the old layout) overlap, and the checker above must say so.
Ladder crossing_ladder() {
  Ladder l = handshake_ladder();
  l.arrows.push_back({from_micros(1'000'000), from_micros(1'010'000), Side::left,
                      "SYN seq=0 win=65535 [mss 1460,ws 7,sackOK,ts]", true, "", std::nullopt});
  l.arrows.push_back({from_micros(1'000'000), from_micros(1'010'000), Side::right,
                      "SYN,ACK seq=0 ack=1 win=65535 [mss 1460,ws 7,sackOK,ts]", true, "",
                      std::nullopt});
  l.arrows.push_back({from_micros(1'000'000), std::nullopt, Side::right, "ACK seq=1 ack=1", false,
                      "lost", std::nullopt});
  l.sort_by_time();
  return l;
}

TEST(LabelLayout, CheckerCatchesMidpointLabelsOfCrossingArrows) {
  const Ladder l = crossing_ladder();
  LadderLayout layout = layout_ladder(l);
  // Put every label back on its arrow's midpoint, as the old renderer drew it.
  for (std::size_t i = 0; i < layout.arrows.size(); ++i) {
    ArrowLayout& a = layout.arrows[i];
    const double length = std::hypot(a.line.b.x - a.line.a.x, a.line.b.y - a.line.a.y);
    const double w = static_cast<double>(arrow_text(l.arrows[i]).size()) * kCharPx;
    a.label_box = Quad::in_frame(a.label_origin, a.label_angle, length / 2 - w / 2,
                                 length / 2 + w / 2, -kLinePx - 3, -3);
  }
  EXPECT_FALSE(overlaps_in(l, layout).empty());
}

TEST(LabelLayout, CrossingAndLostArrowsGetClearLabels) {
  const Ladder l = crossing_ladder();
  const LadderLayout layout = layout_ladder(l);
  EXPECT_EQ(layout.unplaced_labels, 0);
  EXPECT_EQ(overlaps_in(l, layout), std::vector<std::string>{});
  // The lost ACK's whole label lies on the sender's side of its cross.
  for (std::size_t i = 0; i < l.arrows.size(); ++i) {
    if (!layout.arrows[i].lost) continue;
    const double cross_x = layout.arrows[i].line.b.x;
    for (const Point& p : layout.arrows[i].label_box.corners) EXPECT_GT(p.x, cross_x);
  }
}

}  // namespace
}  // namespace synack::viz::testing
