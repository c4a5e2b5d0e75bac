#include "synack/tcp/reassembly.hpp"

namespace synack {

bool ReassemblyRanges::add(SeqNum start, SeqNum end) {
  if (!ranges_.add(start, end, SeqRangeSet<kMaxRanges>::WhenFull::kRefuse)) return false;
  latest_ = start;
  return true;
}

SeqNum ReassemblyRanges::advance(SeqNum rcv_nxt) {
  while (!ranges_.empty() && ranges_.front().left <= rcv_nxt) {
    rcv_nxt = seq_max(rcv_nxt, ranges_.front().right);
    ranges_.pop_front();
  }
  return rcv_nxt;
}

std::size_t ReassemblyRanges::sack_blocks(std::span<SackBlock> out) const {
  const auto ranges = ranges_.ranges();
  std::size_t n = 0;
  std::size_t first = ranges.size();
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].left <= latest_ && latest_ < ranges[i].right) first = i;
  }
  if (first < ranges.size() && n < out.size()) out[n++] = ranges[first];
  for (std::size_t i = ranges.size(); i-- > 0 && n < out.size();) {
    if (i != first) out[n++] = ranges[i];
  }
  return n;
}

}  // namespace synack
