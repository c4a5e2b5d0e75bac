#pragma once
// What a simulated link does to the frames crossing it, one set per direction. Everything random
// here is drawn from the link direction's own seeded stream, so runs are reproducible.
#include <cstddef>
#include <cstdint>

#include "synack/core/time.hpp"

namespace synack::sim {

// What the frames on a link start with; decides the MTU check and the capture's link type.
enum class LinkLayer {
  ethernet,  // Frames carry a 14-byte Ethernet II header.
  raw_ip,    // Frames are bare IP packets (like a point-to-point tunnel).
};

constexpr std::size_t link_header_length(LinkLayer layer) {
  return layer == LinkLayer::ethernet ? 14 : 0;
}

struct Impairments {
  // Probability that a frame vanishes on the wire.
  double loss = 0.0;
  // Propagation delay added to every frame.
  Duration delay{0};
  // Extra delay drawn uniformly from [0, jitter]. Jitter alone never reorders: like a real FIFO
  // link, a frame is never delivered before one sent ahead of it (use `reorder` for that).
  Duration jitter{0};
  // Probability that a frame is held back an extra `reorder_delay`, outside the FIFO order, so
  // frames sent after it overtake it.
  double reorder = 0.0;
  Duration reorder_delay{0};
  // Probability that a frame is delivered twice (the copy arrives right after the original).
  double duplicate = 0.0;
  // Probability that one uniformly chosen bit of the frame is flipped.
  double corrupt = 0.0;
  // Transmit rate; 0 means infinitely fast. A frame occupies the link for bits / bandwidth.
  std::uint64_t bandwidth_bps = 0;
  // Frames allowed to wait behind the one being serialized (only with a bandwidth); a frame
  // arriving at a full queue is tail-dropped. 0 means an unbounded queue.
  std::size_t queue_limit_packets = 0;
  // Largest payload after the link header; longer frames are dropped. 0 means no limit.
  std::size_t mtu = 1500;
};

struct LinkConfig {
  Impairments a_to_b;
  Impairments b_to_a;
  LinkLayer layer = LinkLayer::ethernet;

  static LinkConfig symmetric(const Impairments& both, LinkLayer layer = LinkLayer::ethernet) {
    return LinkConfig{both, both, layer};
  }
};

}  // namespace synack::sim
