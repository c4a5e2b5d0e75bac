#include "synack/sim/link.hpp"

#include <algorithm>
#include <utility>

namespace synack::sim {
namespace {

// splitmix64's finalizer: spreads a stream number over all 64 bits so that neighbouring link
// directions get unrelated generator states.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_seed(std::uint64_t seed, LinkId link, Direction d) {
  const std::uint64_t stream = link * 2 + (d == Direction::a_to_b ? 0 : 1);
  return mix64(seed ^ mix64(stream + 0x9e3779b97f4a7c15ULL));
}

// Time for `length` bytes to leave at `bits_per_second`, rounded up to whole microseconds.
Duration serialization_time(std::size_t length, std::uint64_t bits_per_second) {
  const std::uint64_t bits = std::uint64_t{length} * 8;
  return microseconds(
      static_cast<std::int64_t>((bits * 1'000'000 + bits_per_second - 1) / bits_per_second));
}

}  // namespace

Link::Link(LinkId id, Endpoint a, Endpoint b, const LinkConfig& config, std::uint64_t seed)
    : id_(id),
      a_(a),
      b_(b),
      layer_(config.layer),
      a_to_b_(config.a_to_b, stream_seed(seed, id, Direction::a_to_b)),
      b_to_a_(config.b_to_a, stream_seed(seed, id, Direction::b_to_a)) {}

void Link::set_impairments(Direction d, const Impairments& impairments) {
  state(d).impairments = impairments;
}

void Link::add_fault(Direction d, FaultRule rule) {
  state(d).faults.push_back(ActiveFault{std::move(rule), 0});
}

void Link::clear_faults(Direction d) {
  state(d).faults.clear();
}

void Link::count_delivery(Direction d, std::size_t length) {
  DirectionStats& stats = state(d).stats;
  ++stats.frames_delivered;
  stats.bytes_delivered += length;
}

bool Link::exceeds_mtu(const DirectionState& s, std::size_t length) const {
  const std::size_t mtu = s.impairments.mtu;
  return mtu != 0 && length > mtu + link_header_length(layer_);
}

// Every rule sees every frame, so each rule's occurrence count is independent of the others.
// A drop wins; delays add up; the first duplicating rule sets the copy's lag.
Link::FaultVerdict Link::apply_faults(DirectionState& s, Bytes frame) {
  FaultVerdict verdict;
  for (ActiveFault& fault : s.faults) {
    if (!fault.rule.matches || !fault.rule.matches(frame)) continue;
    ++fault.matches_seen;
    const std::size_t wanted = fault.rule.occurrence;
    if (wanted != 0 && wanted != fault.matches_seen) continue;
    switch (fault.rule.action) {
      case FaultAction::drop:
        verdict.drop = true;
        break;
      case FaultAction::delay:
        verdict.extra_delay += fault.rule.amount;
        break;
      case FaultAction::duplicate:
        if (!verdict.duplicate) verdict.duplicate_after = fault.rule.amount;
        verdict.duplicate = true;
        break;
    }
  }
  return verdict;
}

std::optional<Instant> Link::enqueue(DirectionState& s, Instant now, std::size_t length) {
  const Impairments& imp = s.impairments;
  if (imp.bandwidth_bps == 0) return now;
  while (!s.transmit_ends.empty() && s.transmit_ends.front() <= now) s.transmit_ends.pop_front();
  // The front frame, if any, is being serialized; the rest wait in the queue.
  const std::size_t waiting = s.transmit_ends.empty() ? 0 : s.transmit_ends.size() - 1;
  const bool busy = !s.transmit_ends.empty();
  if (busy && imp.queue_limit_packets != 0 && waiting >= imp.queue_limit_packets) {
    return std::nullopt;
  }
  const Instant start = busy ? s.transmit_ends.back() : now;
  const Instant end = start + serialization_time(length, imp.bandwidth_bps);
  s.transmit_ends.push_back(end);
  return end;
}

bool Link::maybe_corrupt(DirectionState& s, ByteVector& wire_bytes) {
  if (wire_bytes.empty() || !s.random.chance(s.impairments.corrupt)) return false;
  const std::uint64_t bit = s.random.next_below(wire_bytes.size() * 8);
  wire_bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return true;
}

// Propagation delay plus jitter, never earlier than the previous in-order arrival: a link is a
// FIFO, so jitter alone does not reorder.
Instant Link::fifo_arrival(DirectionState& s, Instant transmitted) {
  const Impairments& imp = s.impairments;
  Instant arrival = transmitted + imp.delay;
  if (imp.jitter > Duration{0}) {
    const auto spread = static_cast<std::uint64_t>(imp.jitter.count()) + 1;
    arrival += microseconds(static_cast<std::int64_t>(s.random.next_below(spread)));
  }
  arrival = std::max(arrival, s.last_fifo_arrival);
  s.last_fifo_arrival = arrival;
  return arrival;
}

TransmitResult Link::transmit(Direction d, Instant now, Bytes frame, ByteVector& wire_bytes,
                              Duration max_segment_lifetime) {
  DirectionState& s = state(d);
  DirectionStats& stats = s.stats;
  TransmitResult result;
  ++stats.frames_sent;

  if (exceeds_mtu(s, frame.size())) {
    ++stats.mtu_drops;
    result.fate = FrameFate::mtu_drop;
    return result;
  }
  const FaultVerdict fault = apply_faults(s, frame);
  if (fault.drop) {
    ++stats.fault_drops;
    result.fate = FrameFate::fault_drop;
    return result;
  }
  const std::optional<Instant> transmitted = enqueue(s, now, frame.size());
  if (!transmitted) {
    ++stats.queue_drops;
    result.fate = FrameFate::queue_drop;
    return result;
  }
  if (s.random.chance(s.impairments.loss)) {
    ++stats.frames_lost;
    result.fate = FrameFate::lost;
    return result;
  }

  wire_bytes.assign(frame.begin(), frame.end());
  result.corrupted = maybe_corrupt(s, wire_bytes);
  if (result.corrupted) ++stats.frames_corrupted;

  Instant arrival;
  if (s.random.chance(s.impairments.reorder)) {
    // Held back outside the FIFO: later frames keep their own timing and overtake this one.
    ++stats.frames_reordered;
    result.reordered = true;
    arrival = *transmitted + s.impairments.delay + s.impairments.reorder_delay;
  } else {
    arrival = fifo_arrival(s, *transmitted);
  }
  if (fault.extra_delay > Duration{0}) {
    ++stats.fault_delays;
    result.reordered = true;
    arrival += fault.extra_delay;
  }

  auto add_copy = [&](Instant at, bool duplicate) {
    const bool expired = at - now > max_segment_lifetime;
    if (expired) ++stats.expired;
    result.copies[result.copy_count++] = WireCopy{at, duplicate, expired};
  };
  add_copy(arrival, false);
  if (s.random.chance(s.impairments.duplicate)) {
    ++stats.frames_duplicated;
    add_copy(arrival, true);
  }
  if (fault.duplicate) {
    ++stats.fault_duplicates;
    add_copy(arrival + fault.duplicate_after, true);
  }
  return result;
}

}  // namespace synack::sim
