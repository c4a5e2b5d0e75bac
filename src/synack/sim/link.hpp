#pragma once
// A simulated point-to-point, full-duplex link. Each direction runs every frame through the
// same pipeline, in this order:
//   MTU check -> fault rules -> transmit queue (bandwidth, tail drop) -> random loss ->
//   corruption -> propagation delay + jitter (FIFO) -> reordering -> duplication -> MSL expiry.
// The link only decides fates and arrival times; the Simulator moves the bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/core/random.hpp"
#include "synack/core/time.hpp"
#include "synack/sim/fault_rule.hpp"
#include "synack/sim/frame_record.hpp"
#include "synack/sim/impairments.hpp"

namespace synack::sim {

struct DirectionStats {
  std::uint64_t frames_sent = 0;       // Frames the sender put on this direction.
  std::uint64_t frames_delivered = 0;  // Arrivals, duplicates included.
  std::uint64_t bytes_delivered = 0;
  std::uint64_t frames_lost = 0;
  std::uint64_t frames_corrupted = 0;
  std::uint64_t frames_duplicated = 0;  // Extra copies made by the duplicate impairment.
  std::uint64_t frames_reordered = 0;   // Frames held back by the reorder impairment.
  std::uint64_t queue_drops = 0;
  std::uint64_t mtu_drops = 0;
  std::uint64_t expired = 0;  // Copies discarded for outliving the maximum segment lifetime.
  std::uint64_t fault_drops = 0;
  std::uint64_t fault_delays = 0;
  std::uint64_t fault_duplicates = 0;
};

// One copy of a frame that made it onto the wire.
struct WireCopy {
  Instant arrival;
  bool duplicate = false;
  bool expired = false;  // Arrival is more than the maximum segment lifetime after sending.
};

struct TransmitResult {
  // A drop fate when the frame never got through (then copy_count == 0); otherwise delivered,
  // and each copy says when it arrives or that it expired.
  FrameFate fate = FrameFate::delivered;
  bool corrupted = false;
  bool reordered = false;
  std::array<WireCopy, 3> copies{};  // Original, random duplicate, fault duplicate.
  std::size_t copy_count = 0;
};

class Link {
 public:
  // `seed` is the simulator's; each direction derives its own random stream from it and `id`,
  // so adding a link never changes what happens on the others.
  Link(LinkId id, Endpoint a, Endpoint b, const LinkConfig& config, std::uint64_t seed);

  LinkId id() const { return id_; }
  Endpoint endpoint_a() const { return a_; }
  Endpoint endpoint_b() const { return b_; }
  Endpoint source(Direction d) const { return d == Direction::a_to_b ? a_ : b_; }
  Endpoint destination(Direction d) const { return d == Direction::a_to_b ? b_ : a_; }
  LinkLayer layer() const { return layer_; }

  const Impairments& impairments(Direction d) const { return state(d).impairments; }
  // Takes effect for frames sent from now on (frames in flight keep their fate).
  void set_impairments(Direction d, const Impairments& impairments);
  void add_fault(Direction d, FaultRule rule);
  void clear_faults(Direction d);
  const DirectionStats& stats(Direction d) const { return state(d).stats; }

  // Runs one frame sent at `now` through direction `d`. On success `wire_bytes` holds the
  // bytes as they will arrive (possibly with a flipped bit).
  TransmitResult transmit(Direction d, Instant now, Bytes frame, ByteVector& wire_bytes,
                          Duration max_segment_lifetime);
  // Called by the simulator when a copy reaches the receiver.
  void count_delivery(Direction d, std::size_t length);

 private:
  struct ActiveFault {
    FaultRule rule;
    std::size_t matches_seen = 0;
  };
  // The combined verdict of every fault rule on one frame.
  struct FaultVerdict {
    bool drop = false;
    Duration extra_delay{0};
    bool duplicate = false;
    Duration duplicate_after{0};
  };
  struct DirectionState {
    explicit DirectionState(const Impairments& i, std::uint64_t seed)
        : impairments(i), random(seed) {}
    Impairments impairments;
    Random random;
    DirectionStats stats;
    std::vector<ActiveFault> faults;
    std::deque<Instant> transmit_ends;  // Serialization end of frames still queued or sending.
    Instant last_fifo_arrival = kEpoch;
  };

  DirectionState& state(Direction d) { return d == Direction::a_to_b ? a_to_b_ : b_to_a_; }
  const DirectionState& state(Direction d) const {
    return d == Direction::a_to_b ? a_to_b_ : b_to_a_;
  }
  bool exceeds_mtu(const DirectionState& s, std::size_t length) const;
  static FaultVerdict apply_faults(DirectionState& s, Bytes frame);
  // Returns when the frame's last bit leaves the sender, or nullopt for a tail drop.
  static std::optional<Instant> enqueue(DirectionState& s, Instant now, std::size_t length);
  static bool maybe_corrupt(DirectionState& s, ByteVector& wire_bytes);
  static Instant fifo_arrival(DirectionState& s, Instant transmitted);

  LinkId id_;
  Endpoint a_;
  Endpoint b_;
  LinkLayer layer_;
  DirectionState a_to_b_;
  DirectionState b_to_a_;
};

}  // namespace synack::sim
