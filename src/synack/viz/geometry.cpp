#include "synack/viz/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

namespace synack::viz {

Quad Quad::in_frame(Point origin, double angle, double u0, double u1, double v0, double v1) {
  const double c = std::cos(angle), s = std::sin(angle);
  // u along (c, s); v a quarter turn clockwise on screen (y down): (-s, c).
  auto at = [&](double u, double v) {
    return Point{origin.x + u * c - v * s, origin.y + u * s + v * c};
  };
  return Quad{{at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)}};
}

Quad Quad::box(double left, double top, double right, double bottom) {
  return Quad{{Point{left, top}, Point{right, top}, Point{right, bottom}, Point{left, bottom}}};
}

namespace {

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
};

Range project(std::span<const Point> points, Point axis) {
  Range r;
  for (const Point& p : points) {
    const double d = p.x * axis.x + p.y * axis.y;
    r.low = std::min(r.low, d);
    r.high = std::max(r.high, d);
  }
  return r;
}

// Separating axis theorem for convex shapes: they are apart when, on some edge normal of
// either, their projections leave a gap (of at least -margin).
bool separated_on_normals(std::span<const Point> shape, std::span<const Point> a,
                          std::span<const Point> b, double margin) {
  const std::size_t n = shape.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& p = shape[i];
    const Point& q = shape[(i + 1) % n];
    const double length = std::hypot(q.x - p.x, q.y - p.y);
    if (length == 0) continue;
    const Point normal{-(q.y - p.y) / length, (q.x - p.x) / length};
    const Range ra = project(a, normal);
    const Range rb = project(b, normal);
    if (ra.high <= rb.low + margin || rb.high <= ra.low + margin) return true;
  }
  return false;
}

}  // namespace

bool overlaps(const Quad& a, const Quad& b, double margin) {
  return !separated_on_normals(a.corners, a.corners, b.corners, margin) &&
         !separated_on_normals(b.corners, a.corners, b.corners, margin);
}

bool crosses(const Quad& q, const Segment& s, double margin) {
  const std::array<Point, 2> line{s.a, s.b};
  return !separated_on_normals(q.corners, q.corners, line, margin) &&
         !separated_on_normals(line, q.corners, line, margin);
}

}  // namespace synack::viz
