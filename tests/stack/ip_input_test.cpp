// IPv4 and ICMP input of Host: acceptance by address, every malformed case counted, fragments,
// echo replies with exact bytes, protocol unreachable, and TCP delivery to the handler.
#include <gtest/gtest.h>

#include "stack_test_support.hpp"

namespace synack::test {
namespace {

const ByteVector kEchoData = {0, 1, 2, 3, 4, 5, 6, 7};

// Host A with B already in its ARP cache (B asked for A first), output cleared.
struct HostInput : ::testing::Test {
  HostInput() {
    host.add_interface(config_a());
    host.receive_frame(at_ms(0), 0,
                       ethernet(MacAddress::broadcast(), kMacB, 0x0806,
                                arp_packet(1, kMacB, kIpB, MacAddress{}, kIpA)),
                       out);
    out.frames.clear();
  }
  void receive_ip(const ByteVector& packet, MacAddress dst_mac = kMacA) {
    host.receive_frame(at_ms(1), 0, ethernet(dst_mac, kMacB, 0x0800, packet), out);
  }
  ByteVector echo_request_to(Ipv4Address dst) {
    return ipv4_packet(kIpB, dst, 1, icmp_echo(false, 0x1234, 7, kEchoData));
  }
  Host host;
  CapturingOutput out;
};

TEST_F(HostInput, EchoRequestGetsExactEchoReply) {
  receive_ip(echo_request_to(kIpA));
  // Checksums computed by an independent implementation (Python, RFC 1071).
  const ByteVector expected = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
      // IPv4: len 36, id (zeroed below), no DF (ICMP may be fragmented, as Linux's replies),
      // TTL 64, ICMP, checksum 0x66d7 with id 0, A -> B
      0x45, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x66, 0xd7, 0x0a, 0x00, 0x00,
      0x01, 0x0a, 0x00, 0x00, 0x02,
      // ICMP echo reply: type 0, code 0, checksum 0xe1b4, id 0x1234, seq 7, data echoed
      0x00, 0x00, 0xe1, 0xb4, 0x12, 0x34, 0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
      0x07};
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(with_ip_id_zeroed(out.frames[0].bytes, 14), expected);
  EXPECT_EQ(reference_checksum(Bytes{out.frames[0].bytes.data() + 14, 20}), 0);
  const auto& c = host.counters();
  EXPECT_EQ(c.in_receives, 1u);
  EXPECT_EQ(c.in_delivers, 1u);
  EXPECT_EQ(c.icmp_in_msgs, 1u);
  EXPECT_EQ(c.icmp_in_echos, 1u);
  EXPECT_EQ(c.icmp_out_echo_reps, 1u);
  EXPECT_EQ(c.out_requests, 1u);
}

TEST_F(HostInput, PacketForAnotherAddressIsCountedAsAddressError) {
  receive_ip(echo_request_to(Ipv4Address{{10, 0, 0, 9}}));
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().in_addr_errors, 1u);
  EXPECT_EQ(host.counters().in_delivers, 0u);
}

TEST_F(HostInput, BroadcastEchoIsAcceptedButNotAnswered) {
  receive_ip(echo_request_to(Ipv4Address{{255, 255, 255, 255}}), MacAddress::broadcast());
  receive_ip(echo_request_to(Ipv4Address{{10, 0, 0, 255}}), MacAddress::broadcast());
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().in_addr_errors, 0u);
  EXPECT_EQ(host.counters().icmp_in_echos, 2u);
  EXPECT_EQ(host.counters().icmp_echo_broadcast_ignored, 2u);
}

TEST_F(HostInput, FrameForAnotherMacOrEthertypeOrTooShortIsCounted) {
  receive_ip(echo_request_to(kIpA), kMacGw);
  host.receive_frame(at_ms(1), 0, ethernet(kMacA, kMacB, 0x86dd, kEchoData), out);
  host.receive_frame(at_ms(1), 0, bytes_of({0x02, 0, 0, 0, 0, 1, 0x02}), out);
  host.receive_frame(at_ms(1), 7, echo_request_to(kIpA), out);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().eth_not_for_us, 1u);
  EXPECT_EQ(host.counters().eth_unknown_type, 1u);
  EXPECT_EQ(host.counters().ethernet_errors[WireError::kTruncated], 1u);
  EXPECT_EQ(host.counters().bad_interface, 1u);
  EXPECT_EQ(host.counters().in_receives, 0u);
}

TEST_F(HostInput, EachMalformedHeaderIsCountedByReason) {
  const ByteVector good = echo_request_to(kIpA);
  receive_ip(ByteVector(good.begin(), good.begin() + 19));  // shorter than a header
  ByteVector version6 = good;
  version6[0] = 0x65;
  receive_ip(version6);
  ByteVector ihl4 = good;
  ihl4[0] = 0x44;
  receive_ip(ihl4);
  ByteVector total_below_header = good;
  total_below_header[3] = 19;
  receive_ip(total_below_header);
  ByteVector total_beyond_buffer = good;
  total_beyond_buffer[3] = 200;
  receive_ip(total_beyond_buffer);
  ByteVector bad_checksum = good;
  bad_checksum[10] ^= 0x01;
  receive_ip(bad_checksum);

  const auto& c = host.counters();
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(c.in_receives, 6u);
  EXPECT_EQ(c.in_truncated_pkts, 2u);
  EXPECT_EQ(c.in_hdr_errors, 4u);
  EXPECT_EQ(c.in_csum_errors, 1u);
  EXPECT_EQ(c.ipv4_errors[WireError::kTruncated], 2u);
  EXPECT_EQ(c.ipv4_errors[WireError::kBadVersion], 1u);
  EXPECT_EQ(c.ipv4_errors[WireError::kBadHeaderLength], 1u);
  EXPECT_EQ(c.ipv4_errors[WireError::kBadTotalLength], 1u);
  EXPECT_EQ(c.ipv4_errors[WireError::kBadChecksum], 1u);
  EXPECT_EQ(c.in_delivers, 0u);
}

TEST_F(HostInput, TrailingLinkPaddingIsIgnored) {
  ByteVector padded = echo_request_to(kIpA);
  padded.resize(padded.size() + 10, 0);
  receive_ip(padded);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].bytes.size(), 14u + 36u);
}

TEST_F(HostInput, FragmentedEchoRequestIsReassembledAndAnswered) {
  const ByteVector icmp = icmp_echo(false, 1, 1, kEchoData);  // 16 bytes: 8 + 8
  const ByteVector first(icmp.begin(), icmp.begin() + 8);
  const ByteVector second(icmp.begin() + 8, icmp.end());
  receive_ip(ipv4_packet(kIpB, kIpA, 1, first, 0x2222, 0x2000));  // MF, offset 0
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.next_deadline(), at_ms(30'001));  // the reassembly timeout (ipfrag_time)
  receive_ip(ipv4_packet(kIpB, kIpA, 1, second, 0x2222, 0x0001));  // offset 8, last
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(host.counters().reassembly.reasm_reqds, 2u);
  EXPECT_EQ(host.counters().reassembly.reasm_oks, 1u);
  EXPECT_EQ(host.counters().icmp_in_echos, 1u);
  EXPECT_EQ(host.next_deadline(), kNever);
}

// RFC 1122 3.3.6: a unicast datagram that came in a link-layer broadcast is discarded.
TEST_F(HostInput, UnicastDatagramInBroadcastFrameIsDiscarded) {
  const ByteVector ip = echo_request_to(kIpA);
  host.receive_frame(at_ms(1), 0, ethernet(MacAddress::broadcast(), kMacB, 0x0800, ip), out);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().eth_broadcast_unicast_ip, 1u);
  EXPECT_EQ(host.counters().icmp_in_msgs, 0u);
  EXPECT_EQ(host.counters().in_delivers, 0u);
  // The same datagram in a frame to our MAC is answered.
  host.receive_frame(at_ms(2), 0, ethernet(kMacA, kMacB, 0x0800, ip), out);
  EXPECT_EQ(out.frames.size(), 1u);
  // A TCP SYN to our address in a broadcast frame is discarded before TCP sees it.
  host.receive_frame(at_ms(3), 0,
                     ethernet(MacAddress::broadcast(), kMacB, 0x0800,
                              ipv4_packet(kIpB, kIpA, 6, tcp_segment(kIpB, kIpA, {}))),
                     out);
  EXPECT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(host.counters().eth_broadcast_unicast_ip, 2u);
  EXPECT_EQ(host.counters().tcp_no_handler, 0u);
}

TEST_F(HostInput, MalformedIcmpIsCounted) {
  ByteVector icmp = icmp_echo(false, 1, 1, kEchoData);
  icmp[9] ^= 0xff;  // corrupt the data: checksum no longer verifies
  receive_ip(ipv4_packet(kIpB, kIpA, 1, icmp));
  receive_ip(ipv4_packet(kIpB, kIpA, 1, bytes_of({8, 0, 0})));
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().icmp_in_errors, 2u);
  EXPECT_EQ(host.counters().icmp_errors[WireError::kBadChecksum], 1u);
  EXPECT_EQ(host.counters().icmp_errors[WireError::kTruncated], 1u);
}

TEST_F(HostInput, UnknownProtocolGetsExactProtocolUnreachable) {
  const ByteVector udp = {0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef};
  const ByteVector packet = ipv4_packet(kIpB, kIpA, 17, udp, 0x1111);
  receive_ip(packet);
  ASSERT_EQ(out.frames.size(), 1u);
  const ByteVector& f = out.frames[0].bytes;
  // ICMP after Ethernet (14) and IPv4 (20): type 3, code 2, checksum, 4 unused, then the
  // offending IP header and the first 8 bytes of its payload (RFC 792).
  ASSERT_EQ(f.size(), 14u + 20u + 8u + 28u);
  EXPECT_EQ(f[14 + 9], 1);  // IP protocol ICMP
  const Bytes icmp{f.data() + 34, 36};
  EXPECT_EQ(icmp[0], 3);
  EXPECT_EQ(icmp[1], 2);
  EXPECT_EQ(reference_checksum(icmp), 0);
  EXPECT_EQ(ByteVector(icmp.begin() + 4, icmp.begin() + 8), ByteVector(4, 0));
  EXPECT_EQ(ByteVector(icmp.begin() + 8, icmp.end()),
            ByteVector(packet.begin(), packet.begin() + 28));
  EXPECT_EQ(host.counters().in_unknown_protos, 1u);
  EXPECT_EQ(host.counters().icmp_out_dest_unreachs, 1u);
}

struct RecordingHandler : TransportHandler {
  struct Segment {
    IpAddress src, dst;
    ByteVector bytes;
    bool verified;
  };
  void on_tcp(Instant, const IpAddress& src, const IpAddress& dst, Bytes segment,
              bool verified) override {
    segments.push_back({src, dst, ByteVector(segment.begin(), segment.end()), verified});
  }
  Instant next_deadline() const override { return deadline; }
  void poll(Instant now) override { polls.push_back(now); }
  std::vector<Segment> segments;
  std::vector<Instant> polls;
  Instant deadline = kNever;
};

TEST_F(HostInput, TcpIsDeliveredToHandlerAfterChecksumVerification) {
  RecordingHandler handler;
  host.set_tcp_handler(&handler);
  const ByteVector segment = tcp_segment(kIpB, kIpA, bytes_of({'h', 'i', '!'}));
  receive_ip(ipv4_packet(kIpB, kIpA, 6, segment));
  ByteVector corrupt = segment;
  corrupt.back() ^= 0x20;
  receive_ip(ipv4_packet(kIpB, kIpA, 6, corrupt));
  ASSERT_EQ(handler.segments.size(), 1u);
  EXPECT_EQ(handler.segments[0].src, IpAddress::v4(kIpB));
  EXPECT_EQ(handler.segments[0].dst, IpAddress::v4(kIpA));
  EXPECT_EQ(handler.segments[0].bytes, segment);
  EXPECT_TRUE(handler.segments[0].verified);
  EXPECT_EQ(host.counters().tcp_in_csum_errors, 1u);
  EXPECT_EQ(host.counters().in_delivers, 2u);  // as Linux: counted before the TCP checksum
}

TEST_F(HostInput, TcpWithoutHandlerOrToBroadcastIsCounted) {
  const ByteVector segment = tcp_segment(kIpB, kIpA, {});
  receive_ip(ipv4_packet(kIpB, kIpA, 6, segment));
  EXPECT_EQ(host.counters().tcp_no_handler, 1u);
  RecordingHandler handler;
  host.set_tcp_handler(&handler);
  const Ipv4Address bcast{{10, 0, 0, 255}};
  receive_ip(ipv4_packet(kIpB, bcast, 6, tcp_segment(kIpB, bcast, {})), MacAddress::broadcast());
  EXPECT_TRUE(handler.segments.empty());
  EXPECT_EQ(host.counters().tcp_to_broadcast, 1u);
  EXPECT_TRUE(out.frames.empty());  // no ICMP error for TCP
}

TEST(HostTcpChecksum, OffloadedInterfaceDeliversUnverifiedAsOffloaded) {
  Host host;
  InterfaceConfig c = config_a();
  c.checksum_offload = true;
  host.add_interface(c);
  RecordingHandler handler;
  host.set_tcp_handler(&handler);
  CapturingOutput out;
  ByteVector segment = tcp_segment(kIpB, kIpA, {});
  segment[16] = segment[17] = 0;  // loopback-style: checksum left zero
  host.receive_frame(at_ms(0), 0,
                     ethernet(kMacA, kMacB, 0x0800, ipv4_packet(kIpB, kIpA, 6, segment)), out);
  ASSERT_EQ(handler.segments.size(), 1u);
  EXPECT_TRUE(handler.segments[0].verified);
  EXPECT_EQ(host.counters().tcp_in_csum_errors, 0u);
  EXPECT_TRUE(host.route_to(IpAddress::v4(kIpB))->checksum_offload);
}

TEST(HostTcpChecksum, VerificationOffPassesSegmentsForTheTransportToVerify) {
  HostConfig config;
  config.verify_tcp_checksum = false;
  Host host(config);
  host.add_interface(config_a());
  RecordingHandler handler;
  host.set_tcp_handler(&handler);
  CapturingOutput out;
  ByteVector segment = tcp_segment(kIpB, kIpA, {});
  segment[17] ^= 1;
  host.receive_frame(at_ms(0), 0,
                     ethernet(kMacA, kMacB, 0x0800, ipv4_packet(kIpB, kIpA, 6, segment)), out);
  ASSERT_EQ(handler.segments.size(), 1u);
  EXPECT_FALSE(handler.segments[0].verified);
}

TEST(HostTransport, HandlerDeadlineIsIncludedAndPollIsForwarded) {
  Host host;
  host.add_interface(config_a());
  RecordingHandler handler;
  EXPECT_EQ(host.next_deadline(), kNever);
  host.set_tcp_handler(&handler);
  handler.deadline = at_ms(250);
  EXPECT_EQ(host.next_deadline(), at_ms(250));
  CapturingOutput out;
  host.poll(at_ms(250), out);
  ASSERT_EQ(handler.polls.size(), 1u);
  EXPECT_EQ(handler.polls[0], at_ms(250));
}

}  // namespace
}  // namespace synack::test
