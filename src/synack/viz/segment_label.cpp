#include "synack/viz/segment_label.hpp"

#include <fmt/format.h>

#include <vector>

namespace synack::viz {

namespace {
std::uint32_t shown(SeqNum value, std::optional<SeqNum> base) {
  return base ? static_cast<std::uint32_t>(value - *base) : value.raw();
}
}  // namespace

std::string options_text(const TcpOptions& options, std::optional<SeqNum> ack_base) {
  std::vector<std::string> parts;
  if (options.mss) parts.push_back(fmt::format("mss {}", *options.mss));
  if (options.window_scale) parts.push_back(fmt::format("ws {}", *options.window_scale));
  if (options.sack_permitted) parts.emplace_back("sackOK");
  if (options.timestamps) parts.emplace_back("ts");
  for (std::size_t i = 0; i < options.sack_block_count && i < kTcpMaxSackBlocks; ++i) {
    const SackBlock& b = options.sack_blocks[i];
    parts.push_back(fmt::format("sack {}-{}", shown(b.left, ack_base), shown(b.right, ack_base)));
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

std::string segment_label(const SegmentFacts& facts, const SeqBases& bases) {
  using namespace tcp_flags;
  std::string out = tcp_flags_to_string(facts.flags);
  out += fmt::format(" seq={}", shown(facts.seq, bases.sender));
  if ((facts.flags & kAck) != 0) out += fmt::format(" ack={}", shown(facts.ack, bases.receiver));
  if (facts.length > 0) out += fmt::format(" len={}", facts.length);
  // The SYN's window is unscaled (RFC 7323 section 2.2) and a zero window stalls the sender:
  // those are the windows worth reading; the others would only widen every arrow.
  if ((facts.flags & kSyn) != 0 || (facts.window == 0 && (facts.flags & kRst) == 0)) {
    out += fmt::format(" win={}", facts.window);
  }
  if (facts.options) {
    const std::string opts = options_text(*facts.options, bases.receiver);
    if (!opts.empty()) out += " [" + opts + "]";
  }
  return out;
}

}  // namespace synack::viz
