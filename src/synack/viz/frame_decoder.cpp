#include "synack/viz/frame_decoder.hpp"

#include "synack/wire/ethernet.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack::viz {

namespace {
DecodedFrame decode_ipv4(Bytes packet) {
  auto ip = Ipv4View::parse(packet, /*verify_checksum=*/false);
  if (!ip || ip->is_fragment()) return std::monostate{};
  const Ipv4Repr ip_repr = ip->repr();
  if (ip_repr.protocol != kIpProtocolTcp) return std::monostate{};
  auto tcp = TcpView::parse(ip->payload());
  if (!tcp) return std::monostate{};
  DecodedTcp out;
  out.header = tcp->repr();
  out.src = Endpoint{IpAddress::v4(ip_repr.src), out.header.src_port};
  out.dst = Endpoint{IpAddress::v4(ip_repr.dst), out.header.dst_port};
  out.payload_length = static_cast<std::uint32_t>(tcp->payload().size());
  return out;
}

DecodedFrame decode_ethernet(Bytes frame) {
  auto eth = EthernetView::parse(frame);
  if (!eth) return std::monostate{};
  const std::uint16_t type = eth->repr().ethertype;
  if (type == kEtherTypeIpv4) return decode_ipv4(eth->payload());
  if (type == kEtherTypeArp) {
    auto arp = parse_arp(eth->payload());
    if (arp) return *arp;
  }
  return std::monostate{};
}

// A raw IPv4 packet starts with 0x45..0x4f (version 4, IHL >= 5). As an Ethernet destination
// MAC, most of those first octets are multicast or locally administered, and the bytes after it
// would also have to pass as an IPv4 header with a matching length, so a misreading is unlikely.
bool looks_like_raw_ipv4(Bytes frame) {
  return !frame.empty() && (frame[0] >> 4) == 4 && Ipv4View::parse(frame, false).has_value();
}
}  // namespace

DecodedFrame decode_frame(Bytes frame, FrameFormat format) {
  switch (format) {
    case FrameFormat::ethernet:
      return decode_ethernet(frame);
    case FrameFormat::raw_ip:
      return decode_ipv4(frame);
    case FrameFormat::automatic:
      return looks_like_raw_ipv4(frame) ? decode_ipv4(frame) : decode_ethernet(frame);
  }
  return std::monostate{};
}

}  // namespace synack::viz
