#pragma once
// Observability: every state change and every segment sent or received becomes an event with
// its virtual time, endpoints and reason, delivered to a callback and printable as a JSON line.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "synack/core/time.hpp"
#include "synack/tcp/state.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

enum class TcpEventKind : std::uint8_t {
  kStateChange,
  kSegmentSent,
  kSegmentReceived,
  kSegmentDropped,
  kTimerFired,
};

std::string_view to_string(TcpEventKind kind);

struct SegmentSummary {
  std::uint8_t flags = 0;
  SeqNum seq;
  SeqNum ack;
  std::uint32_t length = 0;  // payload bytes
  std::uint32_t window = 0;  // raw window field
  bool retransmission = false;
};

struct TcpEvent {
  Instant time;
  TcpEventKind kind = TcpEventKind::kStateChange;
  FourTuple tuple;
  TcpState from = TcpState::kClosed;  // state changes
  TcpState to = TcpState::kClosed;
  SegmentSummary segment;   // segment events
  std::string_view reason;  // static text: why this happened

  // One JSON object on one line, keys in a fixed order.
  std::string to_json() const;
};

using TcpEventCallback = std::function<void(const TcpEvent&)>;

}  // namespace synack
