#pragma once
// Draws a ladder as a standalone SVG image: two vertical lifelines named at the top, time
// flowing downward, each segment a slanted arrow whose drop shows its transit time, every label
// placed clear of the others (ladder_layout.hpp).
#include <string>

#include "synack/viz/ladder.hpp"
#include "synack/viz/ladder_layout.hpp"

namespace synack::viz {

// Well-formed XML (all text escaped), UTF-8.
std::string render_svg(const Ladder& ladder, const SvgOptions& options = {});

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace synack::viz
