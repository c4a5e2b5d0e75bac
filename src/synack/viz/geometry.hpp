#pragma once
// Plane geometry for laying out a ladder: points, segments and rotated rectangles (text boxes
// along slanted arrows), and the overlap tests the layout and its tests use.
#include <array>

namespace synack::viz {

struct Point {
  double x = 0;
  double y = 0;
};

struct Segment {
  Point a;
  Point b;
};

// A convex quadrilateral given by its corners in order around it: a rectangle, possibly rotated.
struct Quad {
  std::array<Point, 4> corners{};

  // The rectangle [u0, u1] x [v0, v1] of a frame whose origin is `origin`, whose u axis points
  // along `angle` (radians, y downward as in SVG) and whose v axis is u turned a quarter clockwise.
  static Quad in_frame(Point origin, double angle, double u0, double u1, double v0, double v1);
  // An axis-aligned rectangle.
  static Quad box(double left, double top, double right, double bottom);
};

// Whether the interiors of two quads share a point (edges that only touch do not count; the
// margin shrinks the test by that much, so near-touching is tolerated).
bool overlaps(const Quad& a, const Quad& b, double margin = 0.01);
// Whether the segment passes through the interior of the quad.
bool crosses(const Quad& q, const Segment& s, double margin = 0.01);

}  // namespace synack::viz
