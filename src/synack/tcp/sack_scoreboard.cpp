#include "synack/tcp/sack_scoreboard.hpp"

#include <algorithm>

namespace synack {

bool SackScoreboard::add(std::span<const SackBlock> blocks, SeqNum snd_una, SeqNum snd_max) {
  bool news = false;
  for (const SackBlock& b : blocks) {
    if (!(snd_una < b.left && b.left < b.right && b.right <= snd_max)) continue;
    if (unsacked_bytes(b.left, b.right) > 0) news = true;
    insert(b.left, b.right);
  }
  return news;
}

void SackScoreboard::insert(SeqNum left, SeqNum right) {
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
    if (count_ == kMaxRanges) {
      if (i == 0) return;  // lower than everything kept: the least useful report
      // Make room by forgetting the lowest range.
      std::copy(ranges_.begin() + 1, ranges_.begin() + count_, ranges_.begin());
      --count_;
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
}

void SackScoreboard::acknowledge(SeqNum snd_una) {
  std::size_t drop = 0;
  while (drop < count_ && ranges_[drop].right <= snd_una) ++drop;
  if (drop > 0) {
    std::copy(ranges_.begin() + drop, ranges_.begin() + count_, ranges_.begin());
    count_ -= drop;
  }
  if (count_ > 0 && ranges_[0].left < snd_una) ranges_[0].left = snd_una;
}

bool SackScoreboard::is_sacked(SeqNum s) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (seq_in_range(s, ranges_[i].left, ranges_[i].right)) return true;
  }
  return false;
}

std::optional<SeqNum> SackScoreboard::highest() const {
  if (count_ == 0) return std::nullopt;
  return ranges_[count_ - 1].right;
}

std::uint32_t SackScoreboard::sacked_bytes_above(SeqNum from) const {
  std::uint32_t total = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const SeqNum left = seq_max(ranges_[i].left, from);
    if (left < ranges_[i].right) total += static_cast<std::uint32_t>(ranges_[i].right - left);
  }
  return total;
}

std::optional<std::pair<SeqNum, SeqNum>> SackScoreboard::next_hole(SeqNum from,
                                                                   SeqNum limit) const {
  SeqNum s = from;
  for (std::size_t i = 0; i < count_ && s < limit; ++i) {
    if (ranges_[i].right <= s) continue;
    if (s < ranges_[i].left) return std::make_pair(s, seq_min(ranges_[i].left, limit));
    s = ranges_[i].right;
  }
  if (s < limit) return std::make_pair(s, limit);
  return std::nullopt;
}

SeqNum SackScoreboard::skip_sacked(SeqNum s) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (seq_in_range(s, ranges_[i].left, ranges_[i].right)) return ranges_[i].right;
  }
  return s;
}

std::uint32_t SackScoreboard::unsacked_bytes(SeqNum from, SeqNum limit) const {
  if (!(from < limit)) return 0;
  std::uint32_t total = static_cast<std::uint32_t>(limit - from);
  for (std::size_t i = 0; i < count_; ++i) {
    const SeqNum left = seq_max(ranges_[i].left, from);
    const SeqNum right = seq_min(ranges_[i].right, limit);
    if (left < right) total -= static_cast<std::uint32_t>(right - left);
  }
  return total;
}

}  // namespace synack
