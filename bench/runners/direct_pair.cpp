#include "bench/runners/direct_pair.hpp"

#include <utility>

namespace synack::bench {

void FrameQueue::send_frame(std::size_t /*iface*/, Bytes frame) {
  if (count_ == buffers_.size()) buffers_.emplace_back();
  buffers_[count_++].assign(frame.begin(), frame.end());
}

void FrameQueue::swap(FrameQueue& other) noexcept {
  buffers_.swap(other.buffers_);
  std::swap(count_, other.count_);
}

std::size_t DirectPair::deliver(Instant now, NetworkNode& to, FrameQueue& queue,
                                FrameQueue& answers, FrameQueue& scratch) {
  // The node may answer into `answers` only, never into the queue being read: swap it out.
  scratch.swap(queue);
  const std::size_t n = scratch.size();
  for (std::size_t i = 0; i < n; ++i) to.receive_frame(now, 0, scratch.frame(i), answers);
  scratch.clear();
  return n;
}

std::size_t DirectPair::run(Instant now) {
  std::size_t delivered = 0;
  // A node whose deadline stays in the past after poll() would spin here forever; a bounded
  // number of rounds turns that bug into a stalled benchmark instead of a hang.
  for (int round = 0; round < 100000; ++round) {
    bool worked = false;
    if (a_.next_deadline() <= now) {
      a_.poll(now, to_b_);
      worked = true;
    }
    if (b_.next_deadline() <= now) {
      b_.poll(now, to_a_);
      worked = true;
    }
    while (to_a_.size() + to_b_.size() > 0) {
      const std::size_t ab = deliver(now, b_, to_b_, to_a_, scratch_);
      const std::size_t ba = deliver(now, a_, to_a_, to_b_, scratch_);
      frames_a_to_b_ += ab;
      frames_b_to_a_ += ba;
      delivered += ab + ba;
      worked = true;
    }
    if (!worked) break;
  }
  return delivered;
}

}  // namespace synack::bench
