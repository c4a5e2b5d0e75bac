#pragma once
// A simulated link's impairments placed in front of any node: frames arriving from a driver
// (inbound) and frames the node sends (outbound) each cross one direction of a sim::Link, are
// held until their arrival time, then delivered. This brings the simulator's loss, delay,
// jitter, reordering and duplication to a real TAP/TUN device where the kernel offers no
// `tc netem` (it is a build option many minimal kernels leave out), and it impairs both
// directions, which netem on one device cannot do without an ifb redirect.
//
// Sans-IO like the node it wraps: held frames are released by poll() and counted in
// next_deadline(). Holding copies costs one allocation per frame; this is a test aid, not a
// fast path. The number of held frames is bounded; beyond it frames are dropped and counted.
#include <cstdint>
#include <queue>
#include <vector>

#include "synack/sim/link.hpp"
#include "synack/stack/node.hpp"

namespace synack::sim {

class ImpairedNode : public NetworkNode {
 public:
  ImpairedNode(NetworkNode& inner, const Impairments& inbound, const Impairments& outbound,
               std::uint64_t seed, std::size_t max_held_frames = 16384);

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override;
  void poll(Instant now, FrameOutput& out) override;
  Instant next_deadline() const override;

  const DirectionStats& inbound_stats() const { return link_.stats(Direction::a_to_b); }
  const DirectionStats& outbound_stats() const { return link_.stats(Direction::b_to_a); }
  std::uint64_t overflow_drops() const { return overflow_drops_; }
  // Copies waiting for their arrival time, both directions.
  std::size_t held_count() const { return held_.size(); }

 private:
  struct Held {
    Instant at;
    std::uint64_t order = 0;  // FIFO among frames due at the same instant
    std::size_t iface = 0;
    bool inbound = false;
    ByteVector bytes;
    bool operator>(const Held& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  // What the inner node sends during a call goes through the outbound direction.
  class OutboundTap : public FrameOutput {
   public:
    OutboundTap(ImpairedNode& owner, Instant now) : owner_(owner), now_(now) {}
    void send_frame(std::size_t iface, Bytes frame) override {
      owner_.impair(Direction::b_to_a, now_, iface, frame);
    }

   private:
    ImpairedNode& owner_;
    Instant now_;
  };

  void impair(Direction d, Instant now, std::size_t iface, Bytes frame);
  void release_due(Instant now, FrameOutput& out);

  NetworkNode& inner_;
  Link link_;
  std::size_t max_held_;
  std::uint64_t next_order_ = 0;
  std::uint64_t overflow_drops_ = 0;
  ByteVector scratch_;
  std::priority_queue<Held, std::vector<Held>, std::greater<>> held_;
};

}  // namespace synack::sim
