#pragma once
// A ladder (sequence) diagram of one TCP conversation: two lifelines, arrows for segments, and
// marks for state changes and timers. Builders fill it from a simulation or a capture; the text
// and SVG renderers draw it. Plain data, no drawing decisions.
#include <optional>
#include <string>
#include <vector>

#include "synack/core/time.hpp"

namespace synack::viz {

enum class Side { left, right };

constexpr Side other(Side s) {
  return s == Side::left ? Side::right : Side::left;
}

struct Arrow {
  Instant sent;
  std::optional<Instant> arrival;  // None: the segment never arrived (drawn ending in a cross).
  Side from = Side::left;
  std::string label;  // "ACK seq=1001 ack=5001 len=120"
  bool retransmission = false;
  std::string annotation;  // Short extra text: why it was lost, "duplicate", ...
};

struct StateMark {
  Instant time;
  Side side = Side::left;
  std::string state;  // "SYN_SENT"
};

struct TimerMark {
  Instant time;
  Side side = Side::left;
  std::string text;  // "RTO", "2MSL timer"
};

struct Note {
  Instant time;
  std::optional<Side> side;  // None: about the conversation, not one host.
  std::string text;
};

struct Ladder {
  std::string title;
  std::string left_name;   // "client 198.18.0.1:40000"
  std::string right_name;  // "server 198.18.0.2:80"
  std::vector<Arrow> arrows;
  std::vector<StateMark> states;
  std::vector<TimerMark> timers;
  std::vector<Note> notes;
  // A capture sees each packet once, at one point of the path, so arrival times are unknown:
  // builders set arrival = sent and this flag, and renderers then slant every arrow by a fixed
  // amount instead of by its transit time.
  bool capture_times_only = false;

  // Sorts every list by time (stable, so same-time items keep their insertion order).
  void sort_by_time();
};

}  // namespace synack::viz
