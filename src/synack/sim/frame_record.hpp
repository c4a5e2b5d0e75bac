#pragma once
// What the simulator tells observers about each frame: who sent it, when, and what became of
// it. Ladder diagrams and scenario checks are built from these records.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"

namespace synack::sim {

using NodeId = std::size_t;
using LinkId = std::size_t;

// A link's two directions; "a" is the first endpoint given to Simulator::connect.
enum class Direction { a_to_b, b_to_a };

struct Endpoint {
  NodeId node = 0;
  std::size_t iface = 0;
  bool operator==(const Endpoint&) const = default;
};

enum class FrameFate {
  delivered,   // Handed to the receiving node.
  lost,        // Random loss on the wire.
  queue_drop,  // Tail-dropped at a full transmit queue.
  mtu_drop,    // Longer than the link MTU.
  fault_drop,  // Dropped by a FaultRule.
  expired,     // Would have arrived more than the maximum segment lifetime after it was sent.
};

const char* to_string(FrameFate fate);

struct FrameRecord {
  std::uint64_t frame_id = 0;  // Numbered in send order; a duplicate shares its original's id.
  Instant sent;
  std::optional<Instant> delivered;  // Set only when fate == delivered.
  LinkId link = 0;
  Direction direction = Direction::a_to_b;
  Endpoint from;
  Endpoint to;
  Bytes bytes;  // As delivered (corrupted if so); as sent for dropped frames. Valid during the
                // callback only.
  FrameFate fate = FrameFate::delivered;
  bool corrupted = false;
  bool duplicate = false;  // This is the extra copy made by duplication.
  bool reordered = false;  // Held back by the reorder impairment or a delay fault.
};

}  // namespace synack::sim
