#pragma once
// A scripted node on a raw-IP link: it sends exactly the TCP segments a scenario or test builds
// (any source address, any flags and numbers, payload on a SYN), keeps every TCP segment it
// receives and hands each to a callback. For peers that real TCP must never be: an attacker
// spoofing addresses, a misbehaving client, the hypothetical two- and four-message handshakes.
#include <deque>
#include <functional>
#include <vector>

#include "synack/stack/node.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::testbed {

struct RawSegment {
  Instant time;
  Ipv4Address src;
  Ipv4Address dst;
  TcpRepr header;
  ByteVector payload;
};

class ScriptedPeer : public NetworkNode {
 public:
  using ReceiveHandler = std::function<void(const RawSegment&)>;

  // Queues a segment; it leaves at the next poll (the simulator polls at once).
  void send(Ipv4Address src, Ipv4Address dst, const TcpRepr& header, Bytes payload = {});
  void on_receive(ReceiveHandler handler) { handler_ = std::move(handler); }
  const std::vector<RawSegment>& received() const { return received_; }
  void clear() { received_.clear(); }

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override;
  void poll(Instant now, FrameOutput& out) override;
  Instant next_deadline() const override { return pending_.empty() ? kNever : kEpoch; }

 private:
  std::deque<ByteVector> pending_;
  std::vector<RawSegment> received_;
  ReceiveHandler handler_;
};

// A header with the given ports, numbers and flags (window 65535, no options).
TcpRepr make_header(std::uint16_t src_port, std::uint16_t dst_port, SeqNum seq, SeqNum ack,
                    std::uint8_t flags);

}  // namespace synack::testbed
