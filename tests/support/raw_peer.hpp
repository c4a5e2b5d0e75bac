#pragma once
// A scripted TCP peer on a raw-IP link: it sends exactly the segments a test builds (any source
// address, any flags and numbers, payload on a SYN, ...) and records every TCP segment it gets.
// Tests use it where a real stack would never misbehave the way the test needs.
#include <deque>
#include <vector>

#include "synack/stack/node.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::testing {

struct RawSegment {
  Instant time;
  Ipv4Address src;
  Ipv4Address dst;
  TcpRepr header;
  ByteVector payload;
};

class RawPeer : public NetworkNode {
 public:
  // Queues a segment; it leaves at the next poll (the simulator polls at once).
  void send(Ipv4Address src, Ipv4Address dst, const TcpRepr& header, Bytes payload = {});
  const std::vector<RawSegment>& received() const { return received_; }
  void clear() { received_.clear(); }

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override;
  void poll(Instant now, FrameOutput& out) override;
  Instant next_deadline() const override { return pending_.empty() ? kNever : kEpoch; }

 private:
  std::deque<ByteVector> pending_;
  std::vector<RawSegment> received_;
};

// A header with the given ports, numbers and flags (window 65535, no options).
TcpRepr make_header(std::uint16_t src_port, std::uint16_t dst_port, SeqNum seq, SeqNum ack,
                    std::uint8_t flags);

}  // namespace synack::testing
