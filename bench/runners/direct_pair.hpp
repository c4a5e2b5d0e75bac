#pragma once
// The fastest possible "link" between two nodes, for benchmarks: frames move from one node to
// the other at once, with no delay, loss or serialisation time, and both nodes run on the
// caller's thread. Unlike the simulator there is no virtual clock: the caller passes the time
// (a benchmark passes the wall clock), so this stays sans-IO.
//
// Frames are copied (FrameOutput's bytes live only during the call, and delivering a frame
// from inside send_frame would re-enter the sending node) into buffers that are reused, so the
// driver itself does not allocate once its queues reached their working size.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "synack/stack/node.hpp"

namespace synack::bench {

// Frames waiting for one node, in buffers kept across rounds.
class FrameQueue : public FrameOutput {
 public:
  void send_frame(std::size_t iface, Bytes frame) override;
  std::size_t size() const { return count_; }
  Bytes frame(std::size_t i) const { return {buffers_[i].data(), buffers_[i].size()}; }
  void clear() { count_ = 0; }
  void swap(FrameQueue& other) noexcept;

 private:
  std::vector<std::vector<std::uint8_t>> buffers_;
  std::size_t count_ = 0;
};

// Interface 0 of `a` wired to interface 0 of `b`.
class DirectPair {
 public:
  DirectPair(NetworkNode& a, NetworkNode& b) : a_(a), b_(b) {}

  // Polls each node whose deadline has come and delivers every frame, including the answers
  // they provoke, until neither node has anything to do at `now`. Returns frames delivered.
  std::size_t run(Instant now);

  std::uint64_t frames_a_to_b() const { return frames_a_to_b_; }
  std::uint64_t frames_b_to_a() const { return frames_b_to_a_; }

 private:
  // Delivers what is queued for `to`; its answers land in `answers`.
  static std::size_t deliver(Instant now, NetworkNode& to, FrameQueue& queue, FrameQueue& answers,
                             FrameQueue& scratch);

  NetworkNode& a_;
  NetworkNode& b_;
  FrameQueue to_a_;
  FrameQueue to_b_;
  FrameQueue scratch_;
  std::uint64_t frames_a_to_b_ = 0;
  std::uint64_t frames_b_to_a_ = 0;
};

}  // namespace synack::bench
