#include "synack/testbed/scripted_peer.hpp"

#include "synack/wire/checksum.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack::testbed {

void ScriptedPeer::send(Ipv4Address src, Ipv4Address dst, const TcpRepr& header, Bytes payload) {
  const std::size_t tcp_length = header.header_length() + payload.size();
  ByteVector frame(kIpv4MinHeaderLength + tcp_length);
  Ipv4Repr ip;
  ip.src = src;
  ip.dst = dst;
  ip.protocol = kIpProtocolTcp;
  ip.payload_length = static_cast<std::uint16_t>(tcp_length);
  emit_ipv4(ip, frame);
  const auto pseudo = pseudo_header_sum(IpAddress::v4(src), IpAddress::v4(dst), kIpProtocolTcp,
                                        static_cast<std::uint32_t>(tcp_length));
  emit_tcp(header, payload, MutableBytes{frame}.subspan(kIpv4MinHeaderLength), pseudo);
  pending_.push_back(std::move(frame));
}

void ScriptedPeer::receive_frame(Instant now, std::size_t, Bytes frame, FrameOutput&) {
  const auto ip = Ipv4View::parse(frame);
  if (!ip || ip->repr().protocol != kIpProtocolTcp) return;
  const auto tcp = TcpView::parse(ip->payload());
  if (!tcp) return;
  const Bytes payload = tcp->payload();
  received_.push_back(RawSegment{now, ip->repr().src, ip->repr().dst, tcp->repr(),
                                 ByteVector(payload.begin(), payload.end())});
  // The handler may send (queued until the next poll); copy first, it may grow received_.
  if (handler_) {
    const RawSegment segment = received_.back();
    handler_(segment);
  }
}

void ScriptedPeer::poll(Instant, FrameOutput& out) {
  while (!pending_.empty()) {
    out.send_frame(0, as_bytes(pending_.front()));
    pending_.pop_front();
  }
}

TcpRepr make_header(std::uint16_t src_port, std::uint16_t dst_port, SeqNum seq, SeqNum ack,
                    std::uint8_t flags) {
  TcpRepr h;
  h.src_port = src_port;
  h.dst_port = dst_port;
  h.seq = seq;
  h.ack = ack;
  h.flags = flags;
  h.window = 65535;
  return h;
}

}  // namespace synack::testbed
