// What Host sends: fragments of its own datagrams that exceed the MTU (RFC 791 3.2), DF on TCP
// only, and identifications per destination under a secret key (RFC 6864, RFC 7739).
#include <gtest/gtest.h>

#include "stack_test_support.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::test {
namespace {

constexpr std::size_t kIp = 14;  // the IPv4 header's offset in an Ethernet frame

std::uint16_t be16(const ByteVector& f, std::size_t at) {
  return static_cast<std::uint16_t>(f[at] << 8 | f[at + 1]);
}

// Host A that knows B's MAC (B asked for A first), output cleared.
struct Fragmenting : ::testing::Test {
  Fragmenting() {
    host.add_interface(config_a());
    host.receive_frame(at_ms(0), 0,
                       ethernet(MacAddress::broadcast(), kMacB, 0x0806,
                                arp_packet(1, kMacB, kIpB, MacAddress{}, kIpA)),
                       out);
    out.frames.clear();
  }
  void receive_ip(const ByteVector& packet) {
    host.receive_frame(at_ms(1), 0, ethernet(kMacA, kMacB, 0x0800, packet), out);
  }
  Host host;
  CapturingOutput out;
};

// `ping -s 3000` from Linux: 3008 bytes of ICMP in fragments of 1480, 1480 and 48 bytes.
TEST_F(Fragmenting, FragmentedEchoRequestOf3000BytesGetsAFragmentedReply) {
  ByteVector data(3000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  const ByteVector icmp = icmp_echo(false, 0x77, 1, Bytes{data});
  for (std::size_t begin = 0; begin < icmp.size(); begin += 1480) {
    const std::size_t end = std::min(icmp.size(), begin + 1480);
    const ByteVector part(icmp.begin() + static_cast<std::ptrdiff_t>(begin),
                          icmp.begin() + static_cast<std::ptrdiff_t>(end));
    const auto word = static_cast<std::uint16_t>((end < icmp.size() ? 0x2000 : 0) | begin / 8);
    receive_ip(ipv4_packet(kIpB, kIpA, 1, Bytes{part}, 0x5151, word));
  }
  ASSERT_EQ(out.frames.size(), 3u);
  const ByteVector expected_reply = icmp_echo(true, 0x77, 1, Bytes{data});
  ByteVector joined;
  const std::uint16_t id = ip_id_at(out.frames[0].bytes, kIp);
  const std::size_t sizes[] = {1480, 1480, 48};
  for (std::size_t i = 0; i < 3; ++i) {
    const ByteVector& f = out.frames[i].bytes;
    ASSERT_EQ(f.size(), kIp + 20 + sizes[i]) << i;
    EXPECT_EQ(be16(f, kIp + 2), 20 + sizes[i]) << i;  // total length
    EXPECT_EQ(ip_id_at(f, kIp), id) << i;             // one identification for all
    const std::uint16_t more = i < 2 ? 0x2000 : 0;    // MF on all but the last, no DF
    EXPECT_EQ(be16(f, kIp + 6), more | (i * 1480 / 8)) << i;
    EXPECT_EQ(reference_checksum(Bytes{f.data() + kIp, 20}), 0) << i;
    append(joined, Bytes{f.data() + kIp + 20, sizes[i]});
  }
  EXPECT_EQ(joined, expected_reply);
  const auto& c = host.counters();
  EXPECT_EQ(c.reassembly.reasm_reqds, 3u);
  EXPECT_EQ(c.reassembly.reasm_oks, 1u);
  EXPECT_EQ(c.icmp_out_echo_reps, 1u);
  EXPECT_EQ(c.frag_oks, 1u);
  EXPECT_EQ(c.frag_creates, 3u);
  EXPECT_EQ(c.frag_fails, 0u);
}

TEST_F(Fragmenting, TcpTooBigForTheMtuIsRefusedNotFragmented) {
  bool written = false;
  EXPECT_FALSE(host.send_ip(at_ms(2), IpAddress::v4(kIpA), IpAddress::v4(kIpB), kIpProtocolTcp,
                            1481, [&](MutableBytes) { written = true; }));
  EXPECT_FALSE(written);
  EXPECT_EQ(host.counters().out_too_big, 1u);
  EXPECT_EQ(host.counters().frag_fails, 1u);
  EXPECT_EQ(host.counters().frag_creates, 0u);
}

TEST_F(Fragmenting, TcpCarriesDontFragmentOtherProtocolsDoNot) {
  ASSERT_TRUE(host.send_ip(at_ms(2), IpAddress::v4(kIpA), IpAddress::v4(kIpB), kIpProtocolTcp, 20,
                           [](MutableBytes p) { std::fill(p.begin(), p.end(), 0); }));
  ASSERT_TRUE(host.send_ip(at_ms(2), IpAddress::v4(kIpA), IpAddress::v4(kIpB), 17, 8,
                           [](MutableBytes p) { std::fill(p.begin(), p.end(), 0); }));
  host.poll(at_ms(2), out);
  ASSERT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(be16(out.frames[0].bytes, kIp + 6), 0x4000);  // DF, atomic (RFC 6864 section 4)
  EXPECT_EQ(be16(out.frames[1].bytes, kIp + 6), 0x0000);
}

// Identifications toward one destination count up; toward another they start elsewhere and are
// untouched by the first destination's traffic (no global counter to read volume from).
TEST(IpIdentification, TwoDestinationsHaveUnrelatedSequences) {
  HostConfig config;
  config.ip_id_key = SecretKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  Host host(config);
  InterfaceConfig tun;
  tun.address = kIpA;
  tun.ethernet = false;
  host.add_interface(tun);
  CapturingOutput out;
  const Ipv4Address c{{10, 0, 0, 3}};
  const auto send = [&](Ipv4Address dst) {
    EXPECT_TRUE(host.send_ip(at_ms(0), IpAddress::v4(kIpA), IpAddress::v4(dst), 17, 1,
                             [](MutableBytes p) { p[0] = 0; }));
    host.poll(at_ms(0), out);
    return ip_id_at(out.frames.back().bytes, 0);
  };
  const std::uint16_t b0 = send(kIpB);
  const std::uint16_t c0 = send(c);
  for (int i = 1; i <= 100; ++i) EXPECT_EQ(send(kIpB), static_cast<std::uint16_t>(b0 + i));
  EXPECT_EQ(send(c), static_cast<std::uint16_t>(c0 + 1));  // 100 datagrams to B did not show
  EXPECT_NE(c0, static_cast<std::uint16_t>(b0 + 1));

  // Another key gives other identifications for the same destinations.
  config.ip_id_key = SecretKey{16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  Host other(config);
  other.add_interface(tun);
  ASSERT_TRUE(other.send_ip(at_ms(0), IpAddress::v4(kIpA), IpAddress::v4(kIpB), 17, 1,
                            [](MutableBytes p) { p[0] = 0; }));
  other.poll(at_ms(0), out);
  EXPECT_NE(ip_id_at(out.frames.back().bytes, 0), b0);
}

}  // namespace
}  // namespace synack::test
