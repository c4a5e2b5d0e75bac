#pragma once
// Which out-of-order byte ranges have arrived beyond RCV.NXT. The bytes themselves are written
// straight into the receive buffer's free space at their offset (ByteRing::write_beyond), so
// reassembly memory is the advertised window and nothing more, whatever the peer sends; this
// class keeps only the ranges, in a fixed array. The same ranges are what we report as SACK
// blocks (RFC 2018 section 4).
#include <array>
#include <cstddef>
#include <optional>
#include <span>

#include "synack/core/seq_num.hpp"
#include "synack/tcp/seq_range_set.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

class ReassemblyRanges {
 public:
  static constexpr std::size_t kMaxRanges = 16;

  // Records [start, end) (start > RCV.NXT). Overlapping and adjacent ranges merge. Returns false
  // (nothing recorded) when a new separate range would exceed kMaxRanges.
  bool add(SeqNum start, SeqNum end);
  // RCV.NXT reached `rcv_nxt`: returns where the in-order data now ends (>= rcv_nxt), dropping
  // the ranges that became in-order.
  SeqNum advance(SeqNum rcv_nxt);
  bool empty() const { return ranges_.empty(); }
  std::size_t size() const { return ranges_.size(); }
  // Whether [start, end) was already received (lies within one kept range).
  bool holds(SeqNum start, SeqNum end) const {
    for (const SackBlock& r : ranges_.ranges()) {
      if (!(start < r.left) && !(r.right < end)) return true;
    }
    return false;
  }

  // A FIN seen out of order: it counts once the data before it is complete.
  void set_fin(SeqNum fin_seq) { fin_ = fin_seq; }
  std::optional<SeqNum> fin() const { return fin_; }
  void clear_fin() { fin_.reset(); }

  // Up to out.size() SACK blocks: the range holding the most recent arrival first, then the
  // others from the highest down (RFC 2018 section 4). Returns the number written.
  std::size_t sack_blocks(std::span<SackBlock> out) const;

 private:
  SeqRangeSet<kMaxRanges> ranges_;
  SeqNum latest_;  // left edge of the most recently added segment
  std::optional<SeqNum> fin_;
};

}  // namespace synack
