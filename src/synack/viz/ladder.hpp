#pragma once
// A ladder (sequence) diagram of one TCP conversation: two lifelines, arrows for segments, and
// marks for state changes and timers. Builders fill it from a simulation or a capture; the text
// and SVG renderers draw it. Plain data, no drawing decisions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synack/core/time.hpp"

namespace synack::viz {

enum class Side { left, right };

constexpr Side other(Side s) {
  return s == Side::left ? Side::right : Side::left;
}

// What a segment carried, for a reader who wants more than the label (the explorer's details).
struct SegmentDetails {
  std::uint8_t flags = 0;
  std::uint32_t seq = 0;  // Absolute.
  std::uint32_t ack = 0;
  std::optional<std::uint32_t> seq_relative;  // Against the sender's ISN, when known.
  std::optional<std::uint32_t> ack_relative;  // Against the receiver's ISN, when known.
  std::uint32_t length = 0;
  std::uint32_t window = 0;  // Raw field.
  std::string options;       // "mss 1460,ws 7,sackOK,ts"; empty when none or unknown.
  // The sender's n-th frame on the link (1-based), the number a fault rule counts; 0: unknown.
  std::size_t wire_ordinal = 0;
};

struct Arrow {
  Instant sent;
  std::optional<Instant> arrival;  // None: the segment never arrived (drawn ending in a cross).
  Side from = Side::left;
  std::string label;  // "ACK seq=1001 ack=5001 len=120"
  bool retransmission = false;
  std::string annotation;  // Short extra text: why it was lost, "duplicate", ...
  std::optional<SegmentDetails> details = {};
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
