#pragma once
// The sender's SACK scoreboard (RFC 6675 section 3): which bytes above SND.UNA the receiver has
// reported holding. A fixed array of disjoint ranges; reports beyond its capacity keep the
// highest ranges, which are the ones loss detection needs.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <utility>

#include "synack/core/seq_num.hpp"
#include "synack/tcp/seq_range_set.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

class SackScoreboard {
 public:
  static constexpr std::size_t kMaxRanges = 32;

  // Adds the blocks of one ACK, ignoring any not within (snd_una, snd_max] (RFC 2018 section 5
  // leaves them to be discarded). Returns true if a block reported new bytes.
  bool add(std::span<const SackBlock> blocks, SeqNum snd_una, SeqNum snd_max);
  // The cumulative ACK moved: forget what lies below it.
  void acknowledge(SeqNum snd_una);
  void clear() { ranges_.clear(); }

  bool empty() const { return ranges_.empty(); }
  bool is_sacked(SeqNum s) const;
  // End of the highest SACKed range, if any.
  std::optional<SeqNum> highest() const;
  // Bytes SACKed at or above `from`.
  std::uint32_t sacked_bytes_above(SeqNum from) const;
  // The first bytes in [from, limit) not SACKed: [start, end). Empty optional if none.
  std::optional<std::pair<SeqNum, SeqNum>> next_hole(SeqNum from, SeqNum limit) const;
  // If `s` lies in a SACKed range, that range's end; else `s`.
  SeqNum skip_sacked(SeqNum s) const;
  // Bytes in [from, limit) not SACKed.
  std::uint32_t unsacked_bytes(SeqNum from, SeqNum limit) const;

 private:
  SeqRangeSet<kMaxRanges> ranges_;
};

}  // namespace synack
