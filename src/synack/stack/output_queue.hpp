#pragma once
// A bounded FIFO of frames waiting to be handed to the driver. send_ip() may run outside any
// receive_frame()/poll() call (application code has no FrameOutput in hand), so frames wait
// here, in PacketPool buffers, until the next call flushes them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "synack/stack/packet_pool.hpp"

namespace synack {

struct QueuedFrame {
  std::size_t iface = 0;
  PacketPool::Index buffer = 0;
  std::size_t length = 0;
};

class OutputQueue {
 public:
  explicit OutputQueue(std::size_t capacity) : slots_(capacity) {}

  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == slots_.size(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

  // False (and nothing stored) when full.
  bool push(const QueuedFrame& frame) {
    if (full()) return false;
    slots_[(head_ + size_) % slots_.size()] = frame;
    ++size_;
    return true;
  }
  QueuedFrame pop() {
    QueuedFrame f = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --size_;
    return f;
  }

 private:
  std::vector<QueuedFrame> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace synack
