#pragma once
// Where everything of a ladder goes on the page: the time axis (instants to y, long idle gaps
// cut), the arrows, and a box for every piece of text, placed so that no label overlaps another
// label, an arrow or a mark. The SVG renderer draws this layout; the layout tests check it.
#include <optional>
#include <string>
#include <vector>

#include "synack/viz/geometry.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::viz {

struct SvgOptions {
  int width = 900;  // Pixels, at least; widened when labels need more room. Height follows.
  // A typical (median) transit is drawn this tall, which sets the time scale.
  double transit_px = 60;
  // Neighbouring instants are never drawn closer than this.
  double min_row_px = 20;
  // An idle gap that would be drawn taller than this is cut out and replaced by a break
  // symbol of break_px with its length written beside it ("≈ 59.900 s").
  double max_gap_px = 200;
  double break_px = 40;
  // Capture ladders (no transit known) slant every arrow by this much.
  double capture_slant_px = 18;
  // Adds data-* attributes and keyboard focus to arrows and marks, for the explorer page.
  bool interactive = false;
};

// Text metrics of the ladder's monospace font (DejaVu Sans Mono, 11 px): an upper bound on
// the advance so that boxes contain what any monospace fallback draws.
inline constexpr double kFontPx = 11;
inline constexpr double kCharPx = 0.62 * kFontPx;
inline constexpr double kLinePx = 13;

struct TimeBreak {
  double y_from = 0;
  double y_to = 0;
  Duration gap{};
};

struct ArrowLayout {
  Segment line;  // From the sender's lifeline to the receiver's, or to the cross when lost.
  bool lost = false;
  std::vector<std::string> label_lines;  // The label, wrapped where the arrow is too short.
  // The label's frame: origin on the arrow, u axis along it reading left to right.
  Point label_origin;
  double label_angle = 0;  // Radians.
  double label_u = 0;      // Centre of the text along u.
  double label_v_top = 0;  // Top of the first line along v (negative: above the arrow).
  Quad label_box;
  Quad cross_box;  // The cross of a lost arrow (empty otherwise).
};

// Text written beside a lifeline (states, timers, notes) or in the middle (notes of no side).
struct MarkLayout {
  Point anchor;  // Baseline point the text is anchored at.
  const char* text_anchor = "start";
  Quad box;
};

struct LadderLayout {
  double width = 0;
  double height = 0;
  double x_left = 0;
  double x_right = 0;
  std::vector<ArrowLayout> arrows;  // One per ladder arrow, same order.
  std::vector<MarkLayout> states;   // One per state mark, same order.
  std::vector<MarkLayout> timers;
  std::vector<MarkLayout> notes;
  std::vector<TimeBreak> breaks;
  std::vector<std::pair<Instant, double>> time_rows;  // Each instant that starts a row, and its y.
  // Labels that could not be placed clear of everything else (0 in every scenario: tested).
  int unplaced_labels = 0;

  double y_of(Instant t) const;
};

// The full label of an arrow: "SYN seq=0 win=65535 [mss 1460] (rexmit) (lost)".
std::string arrow_text(const Arrow& arrow);

LadderLayout layout_ladder(const Ladder& ladder, const SvgOptions& options = {});

}  // namespace synack::viz
