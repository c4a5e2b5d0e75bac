#include "synack/stack/packet_pool.hpp"

#include <cassert>

namespace synack {

PacketPool::PacketPool(std::size_t buffer_count) : buffers_(buffer_count) {
  free_.reserve(buffer_count);
  // Hand out low indices first; purely cosmetic, it makes debugging output stable.
  for (std::size_t i = buffer_count; i > 0; --i) free_.push_back(static_cast<Index>(i - 1));
}

void PacketPool::ensure_buffer_size(std::size_t size) {
  if (size <= buffer_size_) return;
  buffer_size_ = size;
  for (auto& b : buffers_) b.resize(size);
}

std::optional<PacketPool::Index> PacketPool::acquire() {
  if (free_.empty()) return std::nullopt;
  Index index = free_.back();
  free_.pop_back();
  return index;
}

void PacketPool::release(Index index) {
  assert(index < buffers_.size());
  assert(free_.size() < buffers_.size());
  free_.push_back(index);
}

}  // namespace synack
