#include "synack/tcp/byte_ring.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace synack {

ByteRing::ByteRing(std::size_t capacity)
    // Not zero-filled (new[] without "()", what make_unique_for_overwrite does, which the
    // libc++ of Emscripten 3.1.6 lacks): bytes are always written before they are read, and
    // clearing a 256 KiB ring per connection dominated the cost of opening one.
    : data_(capacity ? std::unique_ptr<std::uint8_t[]>(new std::uint8_t[capacity]) : nullptr),
      capacity_(capacity) {}

std::size_t ByteRing::push(Bytes data) {
  const std::size_t n = std::min(data.size(), free_space());
  if (n == 0) return 0;
  write_beyond(0, data.first(n));
  size_ += n;
  return n;
}

void ByteRing::write_beyond(std::size_t offset, Bytes data) {
  assert(offset + data.size() <= free_space());
  if (data.empty()) return;
  const std::size_t start = (head_ + size_ + offset) % capacity_;
  const std::size_t first = std::min(data.size(), capacity_ - start);
  std::memcpy(data_.get() + start, data.data(), first);
  std::memcpy(data_.get(), data.data() + first, data.size() - first);
}

void ByteRing::commit(std::size_t n) {
  assert(n <= free_space());
  size_ += n;
}

SplitBytes ByteRing::peek(std::size_t offset, std::size_t length) const {
  assert(offset + length <= size_);
  if (length == 0) return {};
  const std::size_t start = (head_ + offset) % capacity_;
  const std::size_t first = std::min(length, capacity_ - start);
  return {Bytes{data_.get() + start, first}, Bytes{data_.get(), length - first}};
}

std::size_t ByteRing::pop_into(MutableBytes out) {
  const std::size_t n = std::min(out.size(), size_);
  const SplitBytes pieces = peek(0, n);
  if (!pieces.first.empty()) std::memcpy(out.data(), pieces.first.data(), pieces.first.size());
  if (!pieces.second.empty()) {
    std::memcpy(out.data() + pieces.first.size(), pieces.second.data(), pieces.second.size());
  }
  discard(n);
  return n;
}

void ByteRing::discard(std::size_t n) {
  assert(n <= size_);
  if (n == 0) return;
  // The head only moves forward: bytes written beyond the end (out-of-order data) are placed
  // relative to it, so it must not jump back even when the ring empties.
  head_ = (head_ + n) % capacity_;
  size_ -= n;
}

}  // namespace synack
