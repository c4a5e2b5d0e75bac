#pragma once
// A small sorted set of disjoint sequence ranges [left, right) in a fixed array: the shape both
// the receiver's out-of-order ranges and the sender's SACK scoreboard need. Adding merges
// overlapping and adjacent ranges; nothing allocates.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "synack/core/seq_num.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

template <std::size_t Capacity>
class SeqRangeSet {
 public:
  // What to do with a new separate range when the set is full.
  enum class WhenFull { kRefuse, kEvictLowest };

  // Adds [left, right). Returns false only when the range was refused for lack of room (or,
  // with kEvictLowest, when it would itself be the lowest range and so the one evicted).
  bool add(SeqNum left, SeqNum right, WhenFull policy) {
    if (!(left < right)) return true;
    std::size_t i = 0;
    while (i < count_ && ranges_[i].right < left) ++i;
    std::size_t j = i;
    while (j < count_ && ranges_[j].left <= right) {
      left = seq_min(left, ranges_[j].left);
      right = seq_max(right, ranges_[j].right);
      ++j;
    }
    const std::size_t merged = j - i;
    if (merged == 0) {
      if (count_ == Capacity) {
        if (policy == WhenFull::kRefuse || i == 0) return false;
        pop_front();
        --i;
      }
      std::copy_backward(ranges_.begin() + i, ranges_.begin() + count_,
                         ranges_.begin() + count_ + 1);
      ++count_;
    } else if (merged > 1) {
      std::copy(ranges_.begin() + j, ranges_.begin() + count_, ranges_.begin() + i + 1);
      count_ -= merged - 1;
    }
    ranges_[i] = SackBlock{left, right};
    return true;
  }

  // Forgets everything below `s`, clipping a range that straddles it.
  void erase_below(SeqNum s) {
    std::size_t drop = 0;
    while (drop < count_ && ranges_[drop].right <= s) ++drop;
    erase_front(drop);
    if (count_ > 0 && ranges_[0].left < s) ranges_[0].left = s;
  }

  void pop_front() { erase_front(1); }
  void clear() { count_ = 0; }
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  const SackBlock& front() const { return ranges_[0]; }
  const SackBlock& back() const { return ranges_[count_ - 1]; }
  std::span<const SackBlock> ranges() const { return {ranges_.data(), count_}; }

 private:
  void erase_front(std::size_t n) {
    if (n == 0) return;
    std::copy(ranges_.begin() + n, ranges_.begin() + count_, ranges_.begin());
    count_ -= n;
  }

  std::array<SackBlock, Capacity> ranges_{};
  std::size_t count_ = 0;
};

}  // namespace synack
