#pragma once
// The text of one arrow: "SYN seq=1000 win=65535 [mss 1460,ws 7,ts]",
// "ACK seq=1001 ack=5001 len=120". Sequence numbers may be shown relative to each side's
// initial sequence number, as Wireshark does.
#include <cstdint>
#include <optional>
#include <string>

#include "synack/core/seq_num.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::viz {

struct SegmentFacts {
  std::uint8_t flags = 0;
  SeqNum seq;
  SeqNum ack;
  std::uint32_t length = 0;           // Payload bytes.
  std::uint32_t window = 0;           // Raw window field.
  std::optional<TcpOptions> options;  // Known when the segment's bytes were seen.
};

// Bases for relative numbering: the sender's ISN for seq, the receiver's ISN for ack.
struct SeqBases {
  std::optional<SeqNum> sender;
  std::optional<SeqNum> receiver;
};

// Flags, seq, ack (when ACK is set), len (when > 0), win (on SYNs and zero windows, the values
// worth reading on a ladder), then the options in brackets when there are any.
std::string segment_label(const SegmentFacts& facts, const SeqBases& bases = {});

// "mss 1460,ws 7,sackOK,ts,sack 1-100": empty when no option is present.
std::string options_text(const TcpOptions& options, std::optional<SeqNum> ack_base = {});

}  // namespace synack::viz
