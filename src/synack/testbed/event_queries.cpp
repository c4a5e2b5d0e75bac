#include "synack/testbed/event_queries.hpp"

namespace synack::testbed {

std::vector<TcpEvent> segments_sent(const std::vector<TcpEvent>& events,
                                    std::optional<std::uint8_t> flags, Instant from) {
  std::vector<TcpEvent> out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kSegmentSent || e.time < from) continue;
    if (flags && e.segment.flags != *flags) continue;
    out.push_back(e);
  }
  return out;
}

std::optional<Instant> when_entered(const std::vector<TcpEvent>& events, TcpState state,
                                    Instant from) {
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kStateChange && e.to == state && e.time >= from) return e.time;
  }
  return std::nullopt;
}

std::vector<TcpState> state_sequence(const std::vector<TcpEvent>& events) {
  std::vector<TcpState> out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kStateChange) continue;
    if (out.empty()) out.push_back(e.from);
    out.push_back(e.to);
  }
  return out;
}

std::string state_path(const std::vector<TcpEvent>& events, std::optional<FourTuple> tuple) {
  std::string out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kStateChange) continue;
    if (tuple && e.tuple != *tuple) continue;
    if (out.empty()) out = std::string(to_string(e.from));
    out += " > " + std::string(to_string(e.to));
  }
  return out;
}

std::vector<Instant> times_of(const std::vector<TcpEvent>& events) {
  std::vector<Instant> out;
  for (const auto& e : events) out.push_back(e.time);
  return out;
}

}  // namespace synack::testbed
