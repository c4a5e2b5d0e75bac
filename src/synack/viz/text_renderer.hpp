#pragma once
// Draws a ladder as aligned text for a terminal, one row per event, time flowing downward:
//
//     time  client 198.18.0.1:40000                              server 198.18.0.2:80
//   0.000s  SYN_SENT     |----SYN seq=1000 win=65535------------>|               arrives 0.010s
//   0.010s               |<---SYN,ACK seq=5000 ack=1001 win=65535|  SYN_RECEIVED ...
//
// Arrows sit on the row of their send time; the last column says when they arrive. About 112
// columns with the default arrow width.
#include <string>

#include "synack/viz/ladder.hpp"

namespace synack::viz {

struct TextOptions {
  bool colour = false;   // ANSI colours (the CLI passes isatty(stdout)).
  int arrow_width = 58;  // Columns between and including the two lifelines; labels that do not
                         // fit are cut and end in "..".
  bool legend = true;
};

// "  0.010s": virtual seconds with millisecond precision, 8 columns.
std::string format_time(Instant t);

// Every line ends in '\n' and carries no trailing spaces.
std::string render_text(const Ladder& ladder, const TextOptions& options = {});

}  // namespace synack::viz
