#pragma once
// What the TCP layer exchanges with the IP layer: a header as values plus payload bytes, and the
// 4-tuple from this stack's point of view.
#include "synack/tcp/byte_ring.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

// An arriving segment, already parsed and checksum-verified.
struct InboundSegment {
  FourTuple tuple;  // local = destination of the segment, remote = its source
  TcpRepr header;
  Bytes payload;

  // SEG.LEN of RFC 9293: payload plus one for each of SYN and FIN.
  std::uint32_t sequence_length() const {
    return static_cast<std::uint32_t>(payload.size()) + (header.has(tcp_flags::kSyn) ? 1 : 0) +
           (header.has(tcp_flags::kFin) ? 1 : 0);
  }
};

// Where the TCP layer sends segments. The payload may be split in two pieces (a wrapped ring);
// implementations copy it into the outgoing packet during the call.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  virtual void send_segment(const FourTuple& tuple, const TcpRepr& header,
                            const SplitBytes& payload) = 0;
};

}  // namespace synack
