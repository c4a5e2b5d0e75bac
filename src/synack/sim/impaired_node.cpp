#include "synack/sim/impaired_node.hpp"

#include <algorithm>

namespace synack::sim {
namespace {

// Frames are held at most a few seconds; no copy should be thrown away as too old.
constexpr Duration kNoLifetimeLimit = seconds(3600);

LinkConfig both_directions(const Impairments& inbound, const Impairments& outbound) {
  LinkConfig config{inbound, outbound, LinkLayer::raw_ip};
  // The device enforces its own MTU; the impairment stage must not drop on size.
  config.a_to_b.mtu = 0;
  config.b_to_a.mtu = 0;
  return config;
}

}  // namespace

ImpairedNode::ImpairedNode(NetworkNode& inner, const Impairments& inbound,
                           const Impairments& outbound, std::uint64_t seed,
                           std::size_t max_held_frames)
    : inner_(inner),
      link_(0, Endpoint{0, 0}, Endpoint{1, 0}, both_directions(inbound, outbound), seed),
      max_held_(max_held_frames) {}

void ImpairedNode::impair(Direction d, Instant now, std::size_t iface, Bytes frame) {
  const TransmitResult r = link_.transmit(d, now, frame, scratch_, kNoLifetimeLimit);
  for (std::size_t i = 0; i < r.copy_count; ++i) {
    if (held_.size() >= max_held_) {
      ++overflow_drops_;
      continue;
    }
    held_.push(Held{r.copies[i].arrival, next_order_++, iface, d == Direction::a_to_b, scratch_});
  }
}

void ImpairedNode::release_due(Instant now, FrameOutput& out) {
  OutboundTap tap(*this, now);
  while (!held_.empty() && held_.top().at <= now) {
    // priority_queue::top is const; the frame is copied out before pop.
    Held h = held_.top();
    held_.pop();
    const Direction d = h.inbound ? Direction::a_to_b : Direction::b_to_a;
    link_.count_delivery(d, h.bytes.size());
    const Bytes bytes{h.bytes.data(), h.bytes.size()};
    if (h.inbound) {
      inner_.receive_frame(now, h.iface, bytes, tap);
    } else {
      out.send_frame(h.iface, bytes);
    }
  }
}

void ImpairedNode::receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) {
  impair(Direction::a_to_b, now, iface, frame);
  release_due(now, out);
}

void ImpairedNode::poll(Instant now, FrameOutput& out) {
  release_due(now, out);
  OutboundTap tap(*this, now);
  inner_.poll(now, tap);
  release_due(now, out);  // frames with no delay leave in the same call
}

Instant ImpairedNode::next_deadline() const {
  const Instant inner = inner_.next_deadline();
  return held_.empty() ? inner : std::min(inner, held_.top().at);
}

}  // namespace synack::sim
