#include "synack/tcp/events.hpp"

#include <fmt/format.h>

namespace synack {

std::string_view to_string(TcpEventKind kind) {
  switch (kind) {
    case TcpEventKind::kStateChange:
      return "state";
    case TcpEventKind::kSegmentSent:
      return "send";
    case TcpEventKind::kSegmentReceived:
      return "recv";
    case TcpEventKind::kSegmentDropped:
      return "drop";
    case TcpEventKind::kTimerFired:
      return "timer";
  }
  return "?";
}

namespace {
// Reasons and state names are fixed ASCII text without quotes or backslashes, so they need
// no escaping; addresses are formatted by us.
std::string common_fields(const TcpEvent& e) {
  return fmt::format(R"({{"t_us":{},"event":"{}","local":"{}","remote":"{}")", to_micros(e.time),
                     to_string(e.kind), e.tuple.local.to_string(), e.tuple.remote.to_string());
}
}  // namespace

std::string TcpEvent::to_json() const {
  std::string out = common_fields(*this);
  if (kind == TcpEventKind::kStateChange) {
    out += fmt::format(R"(,"from":"{}","to":"{}")", to_string(from), to_string(to));
  } else if (kind != TcpEventKind::kTimerFired) {
    out += fmt::format(R"(,"flags":"{}","seq":{},"ack":{},"len":{},"win":{},"rexmit":{})",
                       tcp_flags_to_string(segment.flags), segment.seq.raw(), segment.ack.raw(),
                       segment.length, segment.window, segment.retransmission);
  }
  out += fmt::format(R"(,"reason":"{}"}})", reason);
  return out;
}

}  // namespace synack
