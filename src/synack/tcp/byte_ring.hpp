#pragma once
// A fixed-capacity byte ring: the send buffer (bytes the application wrote that are not yet
// acknowledged) and the receive buffer (bytes received in order, not yet read). Memory is
// allocated once; steady-state transfer never allocates. A contiguous range may wrap, so it is
// handed out as up to two spans.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "synack/core/bytes.hpp"

namespace synack {

// Up to two pieces of one logical byte range (the second is empty unless the ring wrapped).
struct SplitBytes {
  Bytes first;
  Bytes second;
  std::size_t size() const { return first.size() + second.size(); }
  bool empty() const { return size() == 0; }
};

class ByteRing {
 public:
  explicit ByteRing(std::size_t capacity);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return size_; }
  std::size_t free_space() const { return capacity_ - size_; }
  bool empty() const { return size_ == 0; }

  // Appends as much of `data` as fits; returns the number of bytes taken.
  std::size_t push(Bytes data);
  // The `length` bytes starting `offset` bytes after the head (offset + length <= size()).
  SplitBytes peek(std::size_t offset, std::size_t length) const;
  // Copies up to out.size() bytes from the head into `out` and removes them.
  std::size_t pop_into(MutableBytes out);
  // Removes `n` bytes from the head (n <= size()).
  void discard(std::size_t n);

  // Out-of-order arrivals: writes `data` `offset` bytes past the end of the held bytes, into the
  // free space (offset + data.size() <= free_space()), without making it part of the contents.
  void write_beyond(std::size_t offset, Bytes data);
  // Makes `n` bytes already written past the end part of the contents (n <= free_space()).
  void commit(std::size_t n);

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t capacity_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace synack
