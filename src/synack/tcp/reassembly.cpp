#include "synack/tcp/reassembly.hpp"

#include <algorithm>

namespace synack {

bool ReassemblyRanges::add(SeqNum start, SeqNum end) {
  if (!(start < end)) return true;
  // Find the first range that ends at or after `start` (could merge) ...
  std::size_t i = 0;
  while (i < count_ && ranges_[i].right < start) ++i;
  // ... and every range from there that starts at or before `end` merges with the new one.
  std::size_t j = i;
  SeqNum left = start;
  SeqNum right = end;
  while (j < count_ && ranges_[j].left <= end) {
    left = seq_min(left, ranges_[j].left);
    right = seq_max(right, ranges_[j].right);
    ++j;
  }
  const std::size_t merged = j - i;
  if (merged == 0) {
    if (count_ == kMaxRanges) return false;
    std::copy_backward(ranges_.begin() + i, ranges_.begin() + count_,
                       ranges_.begin() + count_ + 1);
    ++count_;
  } else if (merged > 1) {
    std::copy(ranges_.begin() + j, ranges_.begin() + count_, ranges_.begin() + i + 1);
    count_ -= merged - 1;
  }
  ranges_[i] = SackBlock{left, right};
  latest_ = start;
  return true;
}

SeqNum ReassemblyRanges::advance(SeqNum rcv_nxt) {
  std::size_t consumed = 0;
  while (consumed < count_ && ranges_[consumed].left <= rcv_nxt) {
    rcv_nxt = seq_max(rcv_nxt, ranges_[consumed].right);
    ++consumed;
  }
  if (consumed > 0) {
    std::copy(ranges_.begin() + consumed, ranges_.begin() + count_, ranges_.begin());
    count_ -= consumed;
  }
  return rcv_nxt;
}

std::size_t ReassemblyRanges::sack_blocks(std::span<SackBlock> out) const {
  std::size_t n = 0;
  std::size_t first = count_;
  for (std::size_t i = 0; i < count_; ++i) {
    if (ranges_[i].left <= latest_ && latest_ < ranges_[i].right) first = i;
  }
  if (first < count_ && n < out.size()) out[n++] = ranges_[first];
  for (std::size_t i = count_; i-- > 0 && n < out.size();) {
    if (i != first) out[n++] = ranges_[i];
  }
  return n;
}

}  // namespace synack
