#pragma once
// Draws a ladder as a standalone SVG image: two vertical lifelines named at the top, time
// flowing downward, each segment a slanted arrow whose drop shows its transit time.
#include <string>

#include "synack/viz/ladder.hpp"

namespace synack::viz {

struct SvgOptions {
  int width = 900;  // Pixels; the height follows from the content.
  // A typical (median) transit is drawn this tall, which sets the time scale.
  double transit_px = 60;
  // Neighbouring instants are never drawn closer than this, so labels do not overlap.
  double min_row_px = 20;
  // An idle gap that would be drawn taller than this is cut out and replaced by a break
  // symbol of break_px with its length written beside it ("≈ 59.900 s").
  double max_gap_px = 200;
  double break_px = 40;
  // Capture ladders (no transit known) slant every arrow by this much.
  double capture_slant_px = 18;
};

// Well-formed XML (all text escaped), UTF-8.
std::string render_svg(const Ladder& ladder, const SvgOptions& options = {});

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace synack::viz
