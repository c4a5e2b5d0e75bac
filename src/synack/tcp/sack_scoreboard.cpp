#include "synack/tcp/sack_scoreboard.hpp"

namespace synack {

bool SackScoreboard::add(std::span<const SackBlock> blocks, SeqNum snd_una, SeqNum snd_max) {
  bool news = false;
  for (const SackBlock& b : blocks) {
    if (!(snd_una < b.left && b.left < b.right && b.right <= snd_max)) continue;
    if (unsacked_bytes(b.left, b.right) > 0) news = true;
    // When full, the lowest range goes: the highest ones are what loss detection needs.
    ranges_.add(b.left, b.right, SeqRangeSet<kMaxRanges>::WhenFull::kEvictLowest);
  }
  return news;
}

void SackScoreboard::acknowledge(SeqNum snd_una) {
  ranges_.erase_below(snd_una);
}

bool SackScoreboard::is_sacked(SeqNum s) const {
  for (const SackBlock& r : ranges_.ranges()) {
    if (seq_in_range(s, r.left, r.right)) return true;
  }
  return false;
}

std::optional<SeqNum> SackScoreboard::highest() const {
  if (ranges_.empty()) return std::nullopt;
  return ranges_.back().right;
}

std::uint32_t SackScoreboard::sacked_bytes_above(SeqNum from) const {
  std::uint32_t total = 0;
  for (const SackBlock& r : ranges_.ranges()) {
    const SeqNum left = seq_max(r.left, from);
    if (left < r.right) total += static_cast<std::uint32_t>(r.right - left);
  }
  return total;
}

std::optional<std::pair<SeqNum, SeqNum>> SackScoreboard::next_hole(SeqNum from,
                                                                   SeqNum limit) const {
  SeqNum s = from;
  for (const SackBlock& r : ranges_.ranges()) {
    if (!(s < limit)) break;
    if (r.right <= s) continue;
    if (s < r.left) return std::make_pair(s, seq_min(r.left, limit));
    s = r.right;
  }
  if (s < limit) return std::make_pair(s, limit);
  return std::nullopt;
}

SeqNum SackScoreboard::skip_sacked(SeqNum s) const {
  for (const SackBlock& r : ranges_.ranges()) {
    if (seq_in_range(s, r.left, r.right)) return r.right;
  }
  return s;
}

std::uint32_t SackScoreboard::unsacked_bytes(SeqNum from, SeqNum limit) const {
  if (!(from < limit)) return 0;
  std::uint32_t total = static_cast<std::uint32_t>(limit - from);
  for (const SackBlock& r : ranges_.ranges()) {
    const SeqNum left = seq_max(r.left, from);
    const SeqNum right = seq_min(r.right, limit);
    if (left < right) total -= static_cast<std::uint32_t>(right - left);
  }
  return total;
}

}  // namespace synack
