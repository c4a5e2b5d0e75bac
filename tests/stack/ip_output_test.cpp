// IPv4 output of Host: routing (on-link, gateway, none), source selection, MTU, the raw-IP
// (TUN-style) path, zero-copy writing and the bounded output queue.
#include <gtest/gtest.h>

#include "stack_test_support.hpp"

namespace synack::test {
namespace {

ByteVector arp_request_target(const ByteVector& frame) {
  return ByteVector(frame.begin() + 38, frame.begin() + 42);
}

bool send_bytes(Host& host, Instant now, Ipv4Address dst, const ByteVector& payload,
                std::uint8_t protocol = 253) {
  return host.send_ip(
      now, IpAddress::v4(Ipv4Address{}), IpAddress::v4(dst), protocol, payload.size(),
      [&](MutableBytes p) { std::copy(payload.begin(), payload.end(), p.begin()); });
}

TEST(HostOutput, OnLinkDestinationIsResolvedDirectly) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  ASSERT_TRUE(send_bytes(host, at_ms(0), kIpB, {1, 2}));
  host.poll(at_ms(0), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(arp_request_target(out.frames[0].bytes), bytes_of({10, 0, 0, 2}));
  EXPECT_EQ(host.route_to(IpAddress::v4(kIpB))->next_hop, IpAddress::v4(kIpB));
}

TEST(HostOutput, OffLinkDestinationGoesViaGatewayWithUnchangedIpDestination) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  ASSERT_TRUE(send_bytes(host, at_ms(0), kIpFar, {1, 2}));
  host.poll(at_ms(0), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(arp_request_target(out.frames[0].bytes), bytes_of({10, 0, 0, 254}));
  out.frames.clear();
  host.receive_frame(
      at_ms(1), 0, ethernet(kMacA, kMacGw, 0x0806, arp_packet(2, kMacGw, kIpGw, kMacA, kIpA)), out);
  ASSERT_EQ(out.frames.size(), 1u);
  const ByteVector& f = out.frames[0].bytes;
  EXPECT_EQ(ByteVector(f.begin(), f.begin() + 6),
            ByteVector(kMacGw.octets.begin(), kMacGw.octets.end()));
  EXPECT_EQ(ByteVector(f.begin() + 14 + 16, f.begin() + 14 + 20), bytes_of({192, 168, 1, 5}));
}

TEST(HostOutput, NoRouteIsCountedAndNeverWrites) {
  Host host;
  host.add_interface(config_a(/*with_gateway=*/false));
  bool written = false;
  EXPECT_FALSE(host.send_ip(at_ms(0), IpAddress::v4(kIpA), IpAddress::v4(kIpFar), 6, 20,
                            [&](MutableBytes) { written = true; }));
  EXPECT_FALSE(written);
  EXPECT_EQ(host.counters().out_no_routes, 1u);
  EXPECT_EQ(host.counters().out_requests, 0u);
  EXPECT_EQ(host.route_to(IpAddress::v4(kIpFar)), std::nullopt);
  EXPECT_EQ(host.source_address_for(IpAddress::v4(kIpFar)), std::nullopt);
  EXPECT_EQ(host.mss_for(IpAddress::v4(kIpFar)), 0u);
  EXPECT_EQ(host.queued_frames(), 0u);
  EXPECT_EQ(host.next_deadline(), kNever);
}

TEST(HostOutput, PacketLargerThanMtuIsRefused) {
  Host host;
  host.add_interface(config_a());
  auto noop = [](MutableBytes) {};
  EXPECT_FALSE(host.send_ip(at_ms(0), IpAddress::v4(kIpA), IpAddress::v4(kIpB), 6, 1481, noop));
  EXPECT_EQ(host.counters().out_too_big, 1u);
  EXPECT_TRUE(host.send_ip(at_ms(0), IpAddress::v4(kIpA), IpAddress::v4(kIpB), 6, 1480, noop));
}

TEST(HostOutput, SourceSelectionMtuAndMssFollowTheOutgoingInterface) {
  Host host;
  host.add_interface(config_a());
  InterfaceConfig second;
  second.mac = kMacB;
  second.address = Ipv4Address{{172, 16, 0, 1}};
  second.prefix_length = 16;
  second.mtu = 9000;
  EXPECT_EQ(host.add_interface(second), 1u);
  auto r = host.route_to(IpAddress::v4(Ipv4Address{{172, 16, 9, 9}}));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->iface, 1u);
  EXPECT_EQ(r->source, IpAddress::v4(Ipv4Address{{172, 16, 0, 1}}));
  EXPECT_EQ(r->mtu, 9000u);
  EXPECT_EQ(r->mss, 8960u);
  EXPECT_EQ(host.source_address_for(IpAddress::v4(kIpFar)), IpAddress::v4(kIpA));
  EXPECT_EQ(host.path_mtu(IpAddress::v4(kIpFar)), 1500u);
  EXPECT_EQ(host.mss_for(IpAddress::v4(kIpB)), 1460u);
  EXPECT_TRUE(host.is_local_address(IpAddress::v4(kIpA)));
  EXPECT_TRUE(host.is_local_address(IpAddress::v4(Ipv4Address{{172, 16, 0, 1}})));
  EXPECT_FALSE(host.is_local_address(IpAddress::v4(kIpB)));
}

TEST(HostOutput, RawIpInterfaceSendsBareIpPacketsWithoutArp) {
  Host host;
  InterfaceConfig tun;
  tun.address = Ipv4Address{{10, 9, 0, 1}};
  tun.prefix_length = 24;
  tun.gateway = Ipv4Address{{10, 9, 0, 254}};
  tun.ethernet = false;
  host.add_interface(tun);
  CapturingOutput out;
  const Ipv4Address peer{{10, 9, 0, 2}};
  ASSERT_TRUE(send_bytes(host, at_ms(0), peer, {0xab, 0xcd}));
  ASSERT_TRUE(send_bytes(host, at_ms(0), kIpFar, {0xef}));  // via the gateway: still no ARP
  host.poll(at_ms(0), out);
  ASSERT_EQ(out.frames.size(), 2u);
  // Header from RFC 791, no DF (not TCP), id zeroed; checksum 0x65d7 computed independently
  // (Python, RFC 1071).
  const ByteVector expected = {0x45, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x40, 0xfd, 0x65,
                               0xd7, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02, 0xab, 0xcd};
  EXPECT_EQ(with_ip_id_zeroed(out.frames[0].bytes, 0), expected);
  EXPECT_EQ(reference_checksum(Bytes{out.frames[0].bytes.data(), 20}), 0);
  EXPECT_EQ(reference_checksum(Bytes{out.frames[1].bytes.data(), 20}), 0);
  EXPECT_EQ(host.counters().arp_requests_sent, 0u);

  // Input on the raw-IP link: an echo request is answered with a bare IP packet.
  out.frames.clear();
  const ByteVector echo = icmp_echo(false, 9, 1, bytes_of({'x'}));
  host.receive_frame(at_ms(1), 0, ipv4_packet(peer, tun.address, 1, echo), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].bytes[0], 0x45);
  EXPECT_EQ(out.frames[0].bytes.size(), 20u + 9u);
  // An IPv6 packet on the same link is recognised and counted.
  host.receive_frame(at_ms(1), 0, bytes_of({0x60, 0, 0, 0}), out);
  EXPECT_EQ(host.counters().raw_ip_not_v4, 1u);
}

TEST(HostOutput, OutputQueueIsBoundedAndFlushedByPoll) {
  HostConfig config;
  config.output_queue_capacity = 4;
  Host host(config);
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0,
                     ethernet(kMacA, kMacB, 0x0806, arp_packet(2, kMacB, kIpB, kMacA, kIpA)), out);
  // B was not being resolved and the reply was unsolicited, but it targets us: learned.
  ASSERT_EQ(host.arp_cache().lookup(at_ms(0), 0, kIpB), kMacB);

  for (std::uint8_t i = 0; i < 4; ++i) ASSERT_TRUE(send_bytes(host, at_ms(5), kIpB, {i}));
  bool written = false;
  EXPECT_FALSE(host.send_ip(at_ms(5), IpAddress::v4(kIpA), IpAddress::v4(kIpB), 253, 1,
                            [&](MutableBytes) { written = true; }));
  EXPECT_FALSE(written);
  EXPECT_EQ(host.counters().out_queue_full, 1u);
  EXPECT_EQ(host.queued_frames(), 4u);
  EXPECT_EQ(host.next_deadline(), at_ms(5));

  host.poll(at_ms(7), out);
  ASSERT_EQ(out.frames.size(), 4u);
  for (std::uint8_t i = 0; i < 4; ++i) EXPECT_EQ(out.frames[i].bytes.back(), i);
  EXPECT_EQ(host.queued_frames(), 0u);
  EXPECT_EQ(host.next_deadline(), kNever);
  // The buffers came back: the queue accepts four more.
  for (std::uint8_t i = 0; i < 4; ++i) ASSERT_TRUE(send_bytes(host, at_ms(8), kIpB, {i}));
}

TEST(HostOutput, TransportWritesIntoTheFrameAndCanSendFromItsCallback) {
  // A handler that answers every segment from inside on_tcp, as TCP will.
  struct Echoer : TransportHandler {
    Host* host = nullptr;
    void on_tcp(Instant now, const IpAddress& src, const IpAddress& dst, Bytes segment,
                bool) override {
      host->send_ip(now, dst, src, 6, segment.size(),
                    [&](MutableBytes p) { std::copy(segment.begin(), segment.end(), p.begin()); });
    }
    Instant next_deadline() const override { return kNever; }
    void poll(Instant) override {}
  } echoer;
  Host host;
  echoer.host = &host;
  host.add_interface(config_a());
  host.set_tcp_handler(&echoer);
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0,
                     ethernet(kMacA, kMacB, 0x0806, arp_packet(2, kMacB, kIpB, kMacA, kIpA)), out);
  const ByteVector segment = tcp_segment(kIpB, kIpA, bytes_of({1, 2, 3}));
  host.receive_frame(at_ms(1), 0,
                     ethernet(kMacA, kMacB, 0x0800, ipv4_packet(kIpB, kIpA, 6, segment)), out);
  ASSERT_EQ(out.frames.size(), 1u);  // flushed before receive_frame returned
  const ByteVector& f = out.frames[0].bytes;
  EXPECT_EQ(ByteVector(f.begin() + 34, f.end()), segment);
  EXPECT_EQ(f[14 + 9], 6);
}

}  // namespace
}  // namespace synack::test
