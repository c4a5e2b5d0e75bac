// ARP behaviour of Host (RFC 826): replies, learning, expiry, pending queue and retries.
#include <gtest/gtest.h>

#include "stack_test_support.hpp"

namespace synack::test {
namespace {

// The request A broadcasts for 10.0.0.2, written out field by field from RFC 826.
const ByteVector kRequestFromAForB = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // Ethernet dst: broadcast
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // Ethernet src: A
    0x08, 0x06,                          // ethertype ARP
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04,  // htype 1, ptype IPv4, hlen 6, plen 4
    0x00, 0x01,                          // op: request
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender MAC: A
    0x0a, 0x00, 0x00, 0x01,              // sender IP 10.0.0.1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target MAC: unknown
    0x0a, 0x00, 0x00, 0x02,              // target IP 10.0.0.2
};

ByteVector request_from_b_for(Ipv4Address target) {
  return ethernet(MacAddress::broadcast(), kMacB, 0x0806,
                  arp_packet(1, kMacB, kIpB, MacAddress{}, target));
}

ByteVector reply_from_b_to_a() {
  return ethernet(kMacA, kMacB, 0x0806, arp_packet(2, kMacB, kIpB, kMacA, kIpA));
}

// Sends a 4-byte UDP-ish payload (protocol 253, RFC 3692 experimental) carrying `tag`.
bool send_tagged(Host& host, Instant now, Ipv4Address dst, std::uint8_t tag) {
  return host.send_ip(now, IpAddress::v4(kIpA), IpAddress::v4(dst), 253, 4,
                      [&](MutableBytes p) { p[0] = p[1] = p[2] = p[3] = tag; });
}

TEST(HostArp, AnswersRequestForOurAddressWithExactReply) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0, request_from_b_for(kIpA), out);

  const ByteVector expected = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,                          // to B
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,                          // from A
      0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,  // op: reply
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,  // sender: A
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02,  // target: B
  };
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].iface, 0u);
  EXPECT_EQ(out.frames[0].bytes, expected);
  EXPECT_EQ(host.counters().arp_requests_received, 1u);
  EXPECT_EQ(host.counters().arp_replies_sent, 1u);
  // RFC 826: the requester's mapping is learned because the request targeted us.
  EXPECT_EQ(host.arp_cache().lookup(at_ms(0), 0, kIpB), kMacB);
}

TEST(HostArp, IgnoresRequestForAnotherAddressAndDoesNotLearnSender) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0, request_from_b_for(Ipv4Address{{10, 0, 0, 9}}), out);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().arp_requests_received, 1u);
  EXPECT_EQ(host.arp_cache().lookup(at_ms(0), 0, kIpB), std::nullopt);
}

TEST(HostArp, MergesKnownSenderFromAnyArpPacketIncludingGratuitous) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0, request_from_b_for(kIpA), out);
  // B moves to a new MAC and announces it gratuitously (sender == target, broadcast).
  const MacAddress moved{{0x02, 0x00, 0x00, 0x00, 0x00, 0x22}};
  host.receive_frame(at_ms(10), 0,
                     ethernet(MacAddress::broadcast(), moved, 0x0806,
                              arp_packet(1, moved, kIpB, MacAddress{}, kIpB)),
                     out);
  EXPECT_EQ(host.arp_cache().lookup(at_ms(10), 0, kIpB), moved);
  // A gratuitous ARP from an unknown host is not added (RFC 826: only if we are the target).
  const Ipv4Address other{{10, 0, 0, 7}};
  host.receive_frame(at_ms(10), 0,
                     ethernet(MacAddress::broadcast(), kMacGw, 0x0806,
                              arp_packet(1, kMacGw, other, MacAddress{}, other)),
                     out);
  EXPECT_EQ(host.arp_cache().lookup(at_ms(10), 0, other), std::nullopt);
  EXPECT_EQ(out.frames.size(), 1u);  // only the reply to the first request
}

TEST(HostArp, ProbeFromUnspecifiedSenderIsAnsweredButNotLearned) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0,
                     ethernet(MacAddress::broadcast(), kMacB, 0x0806,
                              arp_packet(1, kMacB, Ipv4Address{}, MacAddress{}, kIpA)),
                     out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(host.arp_cache().entries().size(), 0u);
}

TEST(HostArp, SendToUnresolvedHopBroadcastsExactRequestThenSendsQueuedPacket) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  ASSERT_TRUE(send_tagged(host, at_ms(0), kIpB, 0xaa));
  EXPECT_EQ(host.next_deadline(), at_ms(0));  // the request waits in the output queue
  host.poll(at_ms(0), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].bytes, kRequestFromAForB);
  EXPECT_EQ(host.counters().arp_requests_sent, 1u);
  EXPECT_EQ(host.next_deadline(), at_ms(100));  // the quick second request

  out.frames.clear();
  host.receive_frame(at_ms(5), 0, reply_from_b_to_a(), out);
  ASSERT_EQ(out.frames.size(), 1u);
  const ByteVector& f = out.frames[0].bytes;
  ASSERT_EQ(f.size(), 14u + 20u + 4u);
  EXPECT_EQ(ByteVector(f.begin(), f.begin() + 14),
            bytes_of({0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00}));
  EXPECT_EQ(ByteVector(f.end() - 4, f.end()), bytes_of({0xaa, 0xaa, 0xaa, 0xaa}));
  EXPECT_EQ(host.arp_cache().lookup(at_ms(5), 0, kIpB), kMacB);
  EXPECT_EQ(host.counters().arp_replies_received, 1u);
  EXPECT_EQ(host.next_deadline(), kNever);
}

TEST(HostArp, EntryExpiresAfterLifetimeAndIsResolvedAgain) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  host.receive_frame(at_ms(0), 0, request_from_b_for(kIpA), out);
  out.frames.clear();
  EXPECT_EQ(host.arp_cache().lookup(at_ms(59'999), 0, kIpB), kMacB);
  EXPECT_EQ(host.arp_cache().lookup(at_ms(60'000), 0, kIpB), std::nullopt);

  ASSERT_TRUE(send_tagged(host, at_ms(59'999), kIpB, 1));  // still cached: sent directly
  host.poll(at_ms(59'999), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].bytes[12], 0x08);
  EXPECT_EQ(out.frames[0].bytes[13], 0x00);

  out.frames.clear();
  ASSERT_TRUE(send_tagged(host, at_ms(60'000), kIpB, 2));  // expired: ARP again
  host.poll(at_ms(60'000), out);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].bytes, kRequestFromAForB);
  EXPECT_EQ(host.arp_cache().entries().size(), 0u);  // purged by poll
}

TEST(HostArp, PendingQueueKeepsTheNewestFourPackets) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  for (std::uint8_t tag = 1; tag <= 6; ++tag) ASSERT_TRUE(send_tagged(host, at_ms(0), kIpB, tag));
  host.poll(at_ms(0), out);
  ASSERT_EQ(out.frames.size(), 1u);  // a single request for all six packets
  EXPECT_EQ(host.counters().arp_requests_sent, 1u);
  EXPECT_EQ(host.counters().arp_pending_drops, 2u);

  out.frames.clear();
  host.receive_frame(at_ms(1), 0, reply_from_b_to_a(), out);
  ASSERT_EQ(out.frames.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out.frames[i].bytes.back(), i + 3) << i;  // tags 3, 4, 5, 6 in order
  }
}

TEST(HostArp, RetriesQuicklyOnceThenEverySecondThenDropsPendingAtThreeSeconds) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  ASSERT_TRUE(send_tagged(host, at_ms(0), kIpB, 1));
  ASSERT_TRUE(send_tagged(host, at_ms(0), kIpB, 2));
  host.poll(at_ms(0), out);
  EXPECT_EQ(out.frames.size(), 1u);  // the first request leaves at once

  // The second follows 100 ms later: a peer that missed the first costs no SYN retransmission.
  EXPECT_EQ(host.next_deadline(), at_ms(100));
  host.poll(at_ms(99), out);
  EXPECT_EQ(out.frames.size(), 1u);
  host.poll(at_ms(100), out);
  EXPECT_EQ(out.frames.size(), 2u);
  // Then every second from the start, as Linux (retrans_time 1 s).
  EXPECT_EQ(host.next_deadline(), at_ms(1000));
  host.poll(at_ms(999), out);
  EXPECT_EQ(out.frames.size(), 2u);
  host.poll(at_ms(1000), out);
  EXPECT_EQ(out.frames.size(), 3u);
  EXPECT_EQ(host.next_deadline(), at_ms(2000));
  host.poll(at_ms(2000), out);
  ASSERT_EQ(out.frames.size(), 4u);
  for (const auto& f : out.frames) EXPECT_EQ(f.bytes, kRequestFromAForB);
  EXPECT_EQ(host.next_deadline(), at_ms(3000));
  host.poll(at_ms(2999), out);
  EXPECT_EQ(host.counters().arp_resolution_failures, 0u);

  // One second after the last request the resolution fails, like Linux's NUD_FAILED at 3 s.
  host.poll(at_ms(3000), out);
  EXPECT_EQ(out.frames.size(), 4u);
  EXPECT_EQ(host.counters().arp_requests_sent, 4u);
  EXPECT_EQ(host.counters().arp_resolution_failures, 1u);
  EXPECT_EQ(host.counters().arp_unresolved_drops, 2u);
  EXPECT_EQ(host.counters().arp_unreachable_reports, 0u);  // not TCP: nobody to tell
  EXPECT_EQ(host.next_deadline(), kNever);

  // A late reply finds nothing waiting and sends nothing.
  host.receive_frame(at_ms(3500), 0, reply_from_b_to_a(), out);
  EXPECT_EQ(out.frames.size(), 4u);
}

TEST(HostArp, TooManyUnresolvedNextHopsRefusesTheNewOne) {
  HostConfig config;
  config.arp.max_resolutions = 2;
  Host host(config);
  host.add_interface(config_a());
  bool written = false;
  ASSERT_TRUE(send_tagged(host, at_ms(0), Ipv4Address{{10, 0, 0, 2}}, 1));
  ASSERT_TRUE(send_tagged(host, at_ms(0), Ipv4Address{{10, 0, 0, 3}}, 1));
  EXPECT_FALSE(host.send_ip(at_ms(0), IpAddress::v4(kIpA),
                            IpAddress::v4(Ipv4Address{{10, 0, 0, 4}}), 253, 4,
                            [&](MutableBytes) { written = true; }));
  EXPECT_FALSE(written);
  EXPECT_EQ(host.counters().arp_no_resolution_slot, 1u);
  EXPECT_EQ(host.counters().out_discards, 1u);
  // A hop already being resolved still accepts packets.
  EXPECT_TRUE(send_tagged(host, at_ms(0), Ipv4Address{{10, 0, 0, 3}}, 2));
}

TEST(HostArp, MalformedArpIsCountedByReason) {
  Host host;
  host.add_interface(config_a());
  CapturingOutput out;
  ByteVector arp = arp_packet(1, kMacB, kIpB, MacAddress{}, kIpA);
  ByteVector truncated(arp.begin(), arp.begin() + 27);
  host.receive_frame(at_ms(0), 0, ethernet(MacAddress::broadcast(), kMacB, 0x0806, truncated), out);
  ByteVector bad_sizes = arp;
  bad_sizes[4] = 8;  // hardware address length 8
  host.receive_frame(at_ms(0), 0, ethernet(MacAddress::broadcast(), kMacB, 0x0806, bad_sizes), out);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(host.counters().arp_errors[WireError::kTruncated], 1u);
  EXPECT_EQ(host.counters().arp_errors[WireError::kBadAddress], 1u);
  EXPECT_EQ(host.counters().arp_requests_received, 0u);
}

}  // namespace
}  // namespace synack::test
