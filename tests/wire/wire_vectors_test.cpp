// Parses packets built outside synack (tests/data/make_wire_vectors.py, checksums confirmed by
// tshark) and checks every field, the checksums, and that re-emitting the parsed values gives
// back the same bytes.
#include <gtest/gtest.h>

#include <vector>

#include "synack/wire/arp.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/icmpv4.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {
namespace {

#include "data/wire_vectors.inc"

const MacAddress kHostMac{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddress kPeerMac{{0x02, 0, 0, 0, 0, 0x02}};
const Ipv4Address kHostIp{{192, 168, 1, 10}};
const Ipv4Address kPeerIp{{93, 184, 216, 34}};
const Ipv4Address kRouterIp{{192, 168, 1, 1}};

// Ethernet -> IPv4 with checksum verification; fails the test on any error.
Ipv4View ip_of(Bytes frame) {
  auto eth = EthernetView::parse(frame);
  EXPECT_TRUE(eth.has_value());
  EXPECT_EQ(eth->repr().ethertype, kEtherTypeIpv4);
  auto ip = Ipv4View::parse(eth->payload());
  EXPECT_TRUE(ip.has_value()) << to_string(ip.error());
  return *ip;
}

TcpView tcp_of(const Ipv4View& ip) {
  auto tcp = TcpView::parse(ip.payload());
  EXPECT_TRUE(tcp.has_value()) << to_string(tcp.error());
  const Ipv4Repr r = ip.repr();
  EXPECT_TRUE(tcp->verify_checksum(pseudo_header_sum(IpAddress::v4(r.src), IpAddress::v4(r.dst),
                                                     kIpProtocolTcp, ip.payload().size())));
  return *tcp;
}

// Re-emits IPv4 header + TCP segment from their reprs and compares with the original bytes.
void expect_reemit_identical(const Ipv4View& ip, const TcpView& tcp) {
  const Ipv4Repr ip_repr = ip.repr();
  const TcpRepr tcp_repr = tcp.repr();
  std::vector<std::uint8_t> out(20 + tcp.bytes().size());
  ASSERT_EQ(emit_ipv4(ip_repr, out), 20u);
  const std::uint32_t pseudo = pseudo_header_sum(
      IpAddress::v4(ip_repr.src), IpAddress::v4(ip_repr.dst), kIpProtocolTcp, tcp.bytes().size());
  ASSERT_EQ(emit_tcp(tcp_repr, tcp.payload(), MutableBytes{out}.subspan(20), pseudo),
            tcp.bytes().size());
  const std::vector<std::uint8_t> original(ip.payload().data() - 20,
                                           ip.payload().data() + ip.payload().size());
  EXPECT_EQ(out, original);
}

TEST(WireVectors, LinuxStyleSyn) {
  const Ipv4View ip = ip_of(kSynFrame);
  const Ipv4Repr r = ip.repr();
  EXPECT_EQ(r.src, kHostIp);
  EXPECT_EQ(r.dst, kPeerIp);
  EXPECT_EQ(r.protocol, kIpProtocolTcp);
  EXPECT_EQ(r.ttl, 64);
  EXPECT_EQ(r.identification, 0x1234);
  EXPECT_TRUE(r.dont_fragment);
  EXPECT_EQ(r.payload_length, 40);
  EXPECT_FALSE(ip.is_fragment());

  const TcpView tcp = tcp_of(ip);
  EXPECT_EQ(tcp.src_port(), 40000);
  EXPECT_EQ(tcp.dst_port(), 80);
  EXPECT_EQ(tcp.seq(), SeqNum{0x01020304});
  EXPECT_EQ(tcp.flags(), tcp_flags::kSyn);
  EXPECT_EQ(tcp.window(), 64240);
  EXPECT_EQ(tcp.checksum(), 0x4f64);  // the value tshark reports as correct
  EXPECT_EQ(tcp.header_length(), 40u);
  EXPECT_EQ(tcp.options().size(), 20u);
  EXPECT_TRUE(tcp.payload().empty());
  const TcpOptions o = tcp.repr().options;
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  ASSERT_TRUE(o.timestamps.has_value());
  EXPECT_EQ(o.timestamps->value, 0xa1b2c3d4u);
  EXPECT_EQ(o.timestamps->echo, 0u);
  EXPECT_EQ(o.window_scale, 7);
  EXPECT_EQ(o.sack_block_count, 0);
  expect_reemit_identical(ip, tcp);
}

TEST(WireVectors, DataSegmentWithTimestamps) {
  const Ipv4View ip = ip_of(kDataFrame);
  const TcpView tcp = tcp_of(ip);
  const TcpRepr r = tcp.repr();
  EXPECT_EQ(r.flags, tcp_flags::kPsh | tcp_flags::kAck);
  EXPECT_EQ(r.ack, SeqNum{0x7f000001});
  EXPECT_EQ(r.window, 502);
  EXPECT_FALSE(r.options.mss.has_value());
  EXPECT_FALSE(r.options.sack_permitted);
  EXPECT_EQ(r.options.timestamps, (TcpTimestamps{0xa1b2c3e0u, 0x0badbeefu}));
  const std::string payload(tcp.payload().begin(), tcp.payload().end());
  EXPECT_EQ(payload, "hello, world\n");  // odd length: exercises checksum padding
  expect_reemit_identical(ip, tcp);
}

TEST(WireVectors, AckWithSackBlocks) {
  const Ipv4View ip = ip_of(kSackFrame);
  EXPECT_EQ(ip.repr().ttl, 57);
  const TcpView tcp = tcp_of(ip);
  const TcpOptions o = tcp.repr().options;
  ASSERT_EQ(o.sack_block_count, 2);
  EXPECT_EQ(o.sack_blocks[0], (SackBlock{SeqNum{0x7f000100}, SeqNum{0x7f000200}}));
  EXPECT_EQ(o.sack_blocks[1], (SackBlock{SeqNum{0xffffff00}, SeqNum{0x00000010}}));
  EXPECT_TRUE(o.timestamps.has_value());
  expect_reemit_identical(ip, tcp);
}

TEST(WireVectors, PaddedRstFrame) {
  // 54 bytes of headers in a 60-byte frame: the IPv4 parser must cut the 6 padding bytes.
  auto eth = EthernetView::parse(kRstFrame);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->payload().size(), 46u);
  const Ipv4View ip = ip_of(kRstFrame);
  EXPECT_EQ(ip.payload().size(), 20u);
  const Ipv4Repr r = ip.repr();
  EXPECT_FALSE(r.dont_fragment);
  EXPECT_EQ(r.dscp_ecn, 0x02);
  EXPECT_EQ(r.identification, 0);
  const TcpView tcp = tcp_of(ip);
  EXPECT_EQ(tcp.flags(), tcp_flags::kRst);
  EXPECT_EQ(tcp.seq(), SeqNum{0xdeadbeef});
  EXPECT_EQ(tcp.repr().header_length(), 20u);
  expect_reemit_identical(ip, tcp);
}

TEST(WireVectors, KernelSynFromLoopback) {
  // A real Linux 6.x SYN (MSS 65495, SACK-permitted, TS, NOP, WS 10); TCP checksum recomputed.
  const Ipv4View ip = ip_of(kKernelSynFrame);
  const TcpView tcp = tcp_of(ip);
  const TcpRepr r = tcp.repr();
  EXPECT_EQ(r.src_port, 47478);
  EXPECT_EQ(r.dst_port, 18765);
  EXPECT_EQ(r.seq, SeqNum{0x8ea12fc6});
  EXPECT_EQ(r.window, 65495);
  EXPECT_EQ(r.options.mss, 65495);
  EXPECT_EQ(r.options.window_scale, 10);
  EXPECT_TRUE(r.options.sack_permitted);
  EXPECT_EQ(r.options.timestamps, (TcpTimestamps{93371917u, 0u}));
  expect_reemit_identical(ip, tcp);
}

TEST(WireVectors, EchoRequest) {
  const Ipv4View ip = ip_of(kEchoFrame);
  EXPECT_EQ(ip.repr().protocol, kIpProtocolIcmp);
  auto icmp = Icmpv4View::parse(ip.payload());
  ASSERT_TRUE(icmp.has_value());
  const Icmpv4Repr r = icmp->repr();
  EXPECT_EQ(r.kind, Icmpv4Kind::kEchoRequest);
  EXPECT_EQ(r.type, 8);
  EXPECT_EQ(r.identifier, 0x4242);
  EXPECT_EQ(r.sequence, 7);
  ASSERT_EQ(icmp->payload().size(), 56u);
  for (std::size_t i = 0; i < 56; ++i) EXPECT_EQ(icmp->payload()[i], i);
  std::vector<std::uint8_t> out(64);
  ASSERT_EQ(emit_icmpv4_echo(false, 0x4242, 7, icmp->payload(), out), 64u);
  EXPECT_EQ(out, std::vector<std::uint8_t>(ip.payload().begin(), ip.payload().end()));
}

TEST(WireVectors, FragmentationNeeded) {
  const Ipv4View ip = ip_of(kFragNeededFrame);
  EXPECT_EQ(ip.repr().src, kRouterIp);
  EXPECT_EQ(ip.repr().ttl, 255);
  auto icmp = Icmpv4View::parse(ip.payload());
  ASSERT_TRUE(icmp.has_value());
  const Icmpv4Repr r = icmp->repr();
  EXPECT_EQ(r.kind, Icmpv4Kind::kDestinationUnreachable);
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(r.next_hop_mtu, 1400);
  // The quote is our SYN's IP header and the first 8 bytes of its TCP header.
  auto quoted = Ipv4View::parse(icmp->payload(), false);
  EXPECT_FALSE(quoted.has_value());  // total length 60 > 28 quoted bytes
  EXPECT_EQ(quoted.error(), WireError::kTruncated);
  EXPECT_EQ(internet_checksum(icmp->payload().first(20)), 0);  // quoted header intact
  std::vector<std::uint8_t> out(8 + 28);
  ASSERT_EQ(emit_icmpv4_unreachable(4, icmp->payload(), out, 1400), out.size());
  EXPECT_EQ(out, std::vector<std::uint8_t>(ip.payload().begin(), ip.payload().end()));
}

TEST(WireVectors, Ipv4WithOptions) {
  const Ipv4View ip = ip_of(kIpOptionsFrame);
  EXPECT_EQ(ip.header_length(), 24u);
  EXPECT_EQ(ip.repr().payload_length, 64);
  EXPECT_EQ(ip.repr().ttl, 1);
  auto icmp = Icmpv4View::parse(ip.payload());
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->repr().identifier, 0x4242);
}

TEST(WireVectors, ArpRequestAndReply) {
  auto eth = EthernetView::parse(kArpRequestFrame);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->repr().dst, MacAddress::broadcast());
  EXPECT_EQ(eth->repr().src, kHostMac);
  EXPECT_EQ(eth->repr().ethertype, kEtherTypeArp);
  auto request = parse_arp(eth->payload());  // 46 bytes incl. padding
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->operation, ArpOperation::kRequest);
  EXPECT_EQ(request->sender_mac, kHostMac);
  EXPECT_EQ(request->sender_ip, kHostIp);
  EXPECT_EQ(request->target_mac, MacAddress{});
  EXPECT_EQ(request->target_ip, kRouterIp);

  auto reply_eth = EthernetView::parse(kArpReplyFrame);
  auto reply = parse_arp(reply_eth->payload());
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->operation, ArpOperation::kReply);
  EXPECT_EQ(reply->sender_mac, kPeerMac);
  EXPECT_EQ(reply->target_ip, kHostIp);

  std::vector<std::uint8_t> out(14 + 28);
  ASSERT_EQ(emit_ethernet(reply_eth->repr(), out), 14u);
  ASSERT_EQ(emit_arp(*reply, MutableBytes{out}.subspan(14)), 28u);
  EXPECT_EQ(out, std::vector<std::uint8_t>(kArpReplyFrame, kArpReplyFrame + 42));
}

TEST(WireVectors, Ipv6TcpChecksumUsesIpv6PseudoHeader) {
  auto eth = EthernetView::parse(kIpv6TcpFrame);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->repr().ethertype, kEtherTypeIpv6);
  const Bytes segment = eth->payload().subspan(40);
  auto tcp = TcpView::parse(segment);
  ASSERT_TRUE(tcp.has_value());
  IpAddress src;
  src.family = IpAddress::Family::kV6;
  std::copy_n(eth->payload().begin() + 8, 16, src.bytes.begin());
  IpAddress dst = src;
  std::copy_n(eth->payload().begin() + 24, 16, dst.bytes.begin());
  EXPECT_TRUE(tcp->verify_checksum(pseudo_header_sum(src, dst, kIpProtocolTcp, segment.size())));
  EXPECT_FALSE(tcp->verify_checksum(pseudo_header_sum(dst, dst, kIpProtocolTcp, segment.size())));
  std::vector<std::uint8_t> out(segment.size());
  emit_tcp(tcp->repr(), tcp->payload(), out,
           pseudo_header_sum(src, dst, kIpProtocolTcp, segment.size()));
  EXPECT_EQ(out, std::vector<std::uint8_t>(segment.begin(), segment.end()));
}

}  // namespace
}  // namespace synack
