#include "synack/tcp/events.hpp"

#include <string>

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
  std::string out = R"({"t_us":)" + std::to_string(to_micros(e.time));
  out += R"(,"event":")";
  out += to_string(e.kind);
  out += R"(","local":")" + e.tuple.local.to_string();
  out += R"(","remote":")" + e.tuple.remote.to_string() + '"';
  return out;
}
}  // namespace

std::string TcpEvent::to_json() const {
  std::string out = common_fields(*this);
  if (kind == TcpEventKind::kStateChange) {
    out += R"(,"from":")";
    out += to_string(from);
    out += R"(","to":")";
    out += to_string(to);
    out += '"';
  } else if (kind != TcpEventKind::kTimerFired) {
    out += R"(,"flags":")";
    out += tcp_flags_to_string(segment.flags);
    out += R"(","seq":)" + std::to_string(segment.seq.raw());
    out += R"(,"ack":)" + std::to_string(segment.ack.raw());
    out += R"(,"len":)" + std::to_string(segment.length);
    out += R"(,"win":)" + std::to_string(segment.window);
    out += R"(,"rexmit":)";
    out += segment.retransmission ? "true" : "false";
  }
  out += R"(,"reason":")";
  out += reason;
  out += R"("})";
  return out;
}

}  // namespace synack
