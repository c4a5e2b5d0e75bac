#pragma once
// Preallocated packet buffers for the host's output path. Buffers are sized once, when an
// interface is added, and then only handed out and returned: the steady state allocates nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "synack/core/bytes.hpp"

namespace synack {

class PacketPool {
 public:
  using Index = std::uint32_t;

  explicit PacketPool(std::size_t buffer_count);

  // Grows every buffer to at least `size` bytes (configuration time only).
  void ensure_buffer_size(std::size_t size);
  std::size_t buffer_size() const { return buffer_size_; }

  std::optional<Index> acquire();
  void release(Index index);
  MutableBytes buffer(Index index) { return MutableBytes{buffers_[index]}; }
  Bytes buffer(Index index) const { return Bytes{buffers_[index]}; }

  std::size_t capacity() const { return buffers_.size(); }
  std::size_t available() const { return free_.size(); }

 private:
  std::vector<ByteVector> buffers_;
  std::vector<Index> free_;  // a stack of free buffer indices
  std::size_t buffer_size_ = 0;
};

}  // namespace synack
