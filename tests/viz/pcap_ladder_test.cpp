// Ladders inferred from capture files written with PcapWriter from segments built by the wire
// emitters: both ends' states for an ordinary close, a simultaneous close and a reset.
#include "synack/viz/ladder_from_pcap.hpp"

#include <gtest/gtest.h>

#include "synack/pcap/pcap_writer.hpp"
#include "synack/viz/text_renderer.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"
#include "viz/viz_test_support.hpp"

namespace synack::viz::testing {
namespace {

using namespace tcp_flags;

const Ipv4Address kClient{{10, 0, 0, 1}};
const Ipv4Address kServer{{10, 0, 0, 2}};
constexpr std::uint16_t kClientPort = 40000;
constexpr std::uint16_t kServerPort = 80;
constexpr std::uint32_t kClientIsn = 1000;
constexpr std::uint32_t kServerIsn = 5000;

struct Packet {
  std::int64_t time_us;
  bool from_client;
  std::uint8_t flags;
  std::uint32_t seq;
  std::uint32_t ack;
  std::size_t length = 0;
};

ByteVector ipv4_tcp(const Packet& p) {
  TcpRepr tcp;
  tcp.src_port = p.from_client ? kClientPort : kServerPort;
  tcp.dst_port = p.from_client ? kServerPort : kClientPort;
  tcp.seq = SeqNum{p.seq};
  tcp.ack = SeqNum{p.ack};
  tcp.flags = p.flags;
  tcp.window = 65535;
  if ((p.flags & kSyn) != 0) tcp.options.mss = 1460;
  const ByteVector payload(p.length, 'x');
  Ipv4Repr ip;
  ip.src = p.from_client ? kClient : kServer;
  ip.dst = p.from_client ? kServer : kClient;
  ip.protocol = kIpProtocolTcp;
  ip.payload_length = static_cast<std::uint16_t>(tcp.header_length() + payload.size());
  ByteVector out(kIpv4MinHeaderLength + ip.payload_length);
  emit_ipv4(ip, out);
  const auto sum = pseudo_header_sum(IpAddress::v4(ip.src), IpAddress::v4(ip.dst), kIpProtocolTcp,
                                     ip.payload_length);
  emit_tcp(tcp, payload, MutableBytes(out).subspan(kIpv4MinHeaderLength), sum);
  return out;
}

std::string write_capture(const std::string& name, const std::vector<Packet>& packets,
                          PcapLinkType link) {
  const std::string path = temp_path(name);
  PcapWriter w;
  const Status opened = w.open(path, link);
  EXPECT_TRUE(opened) << opened.error();
  for (const Packet& p : packets) {
    ByteVector frame = ipv4_tcp(p);
    if (link == PcapLinkType::ethernet) {
      ByteVector eth(kEthernetHeaderLength + frame.size());
      emit_ethernet(EthernetRepr{{{2, 0, 0, 0, 0, 2}}, {{2, 0, 0, 0, 0, 1}}, kEtherTypeIpv4}, eth);
      std::copy(frame.begin(), frame.end(), eth.begin() + kEthernetHeaderLength);
      frame = std::move(eth);
    }
    w.write(from_micros(p.time_us), frame);
  }
  w.close();
  return path;
}

std::vector<std::string> states_of(const Ladder& l, Side side) {
  std::vector<std::string> out;
  for (const StateMark& m : l.states) {
    if (m.side == side) out.push_back(m.state);
  }
  return out;
}

const std::vector<Packet> kHandshake = {
    {0, true, kSyn, kClientIsn, 0},
    {10'000, false, kSyn | kAck, kServerIsn, kClientIsn + 1},
    {20'000, true, kAck, kClientIsn + 1, kServerIsn + 1},
};

std::vector<Packet> with(std::vector<Packet> base, const std::vector<Packet>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

// Handshake, 100 bytes each way, then the client closes first (RFC 9293 figure 12).
const std::vector<Packet> kOrdinaryClose =
    with(kHandshake, {
                         {30'000, true, kAck | kPsh, kClientIsn + 1, kServerIsn + 1, 100},
                         {40'000, false, kAck | kPsh, kServerIsn + 1, kClientIsn + 101, 100},
                         {50'000, true, kAck, kClientIsn + 101, kServerIsn + 101},
                         {60'000, true, kFin | kAck, kClientIsn + 101, kServerIsn + 101},
                         {70'000, false, kAck, kServerIsn + 101, kClientIsn + 102},
                         {80'000, false, kFin | kAck, kServerIsn + 101, kClientIsn + 102},
                         {90'000, true, kAck, kClientIsn + 102, kServerIsn + 102},
                     });

TEST(PcapLadder, OrdinaryCloseStatesPerSide) {
  for (PcapLinkType link : {PcapLinkType::raw_ip, PcapLinkType::ethernet}) {
    auto ladders = ladders_from_pcap(write_capture("ordinary.pcap", kOrdinaryClose, link));
    ASSERT_TRUE(ladders.has_value()) << ladders.error();
    ASSERT_EQ(ladders->size(), 1u);
    const Ladder& l = ladders->front();
    EXPECT_EQ(l.left_name, "client 10.0.0.1:40000");
    EXPECT_EQ(l.right_name, "server 10.0.0.2:80");
    EXPECT_TRUE(l.capture_times_only);
    EXPECT_EQ(states_of(l, Side::left),
              (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                        "TIME_WAIT"}));
    EXPECT_EQ(states_of(l, Side::right),
              (std::vector<std::string>{"SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK",
                                        "CLOSED"}));
    // Each state at the capture time of the segment that shows it.
    std::vector<std::int64_t> right_times;
    for (const StateMark& m : l.states) {
      if (m.side == Side::right) right_times.push_back(to_micros(m.time));
    }
    EXPECT_EQ(right_times, (std::vector<std::int64_t>{10'000, 20'000, 70'000, 80'000, 90'000}));
  }
}

TEST(PcapLadder, ArrowsCarryRelativeOrAbsoluteNumbers) {
  const std::string path = write_capture("labels.pcap", kOrdinaryClose, PcapLinkType::raw_ip);
  auto relative = ladders_from_pcap(path);
  ASSERT_TRUE(relative.has_value());
  const Ladder& l = relative->front();
  ASSERT_EQ(l.arrows.size(), 10u);
  EXPECT_EQ(l.arrows[0].label, "SYN seq=0 win=65535 [mss 1460]");
  EXPECT_EQ(l.arrows[0].from, Side::left);
  EXPECT_EQ(l.arrows[1].label, "SYN,ACK seq=0 ack=1 win=65535 [mss 1460]");
  EXPECT_EQ(l.arrows[1].from, Side::right);
  EXPECT_EQ(l.arrows[4].label, "PSH,ACK seq=1 ack=101 len=100");
  EXPECT_EQ(l.arrows[9].label, "ACK seq=102 ack=102");
  for (const Arrow& a : l.arrows) EXPECT_EQ(a.arrival, a.sent);

  PcapLadderOptions absolute;
  absolute.relative_seq = false;
  auto raw = ladders_from_pcap(path, absolute);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->front().arrows[1].label, "SYN,ACK seq=5000 ack=1001 win=65535 [mss 1460]");
}

// Both FINs cross: each side sends its FIN before the other's arrives (RFC 9293 figure 13), so
// both pass through CLOSING.
TEST(PcapLadder, SimultaneousCloseGoesThroughClosing) {
  const auto packets =
      with(kHandshake, {
                           {30'000, true, kFin | kAck, kClientIsn + 1, kServerIsn + 1},
                           {31'000, false, kFin | kAck, kServerIsn + 1, kClientIsn + 1},
                           {40'000, true, kAck, kClientIsn + 2, kServerIsn + 2},
                           {41'000, false, kAck, kServerIsn + 2, kClientIsn + 2},
                       });
  auto ladders =
      ladders_from_pcap(write_capture("simultaneous.pcap", packets, PcapLinkType::raw_ip));
  ASSERT_TRUE(ladders.has_value());
  const Ladder& l = ladders->front();
  EXPECT_EQ(
      states_of(l, Side::left),
      (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"}));
  EXPECT_EQ(states_of(l, Side::right),
            (std::vector<std::string>{"SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "CLOSING",
                                      "TIME_WAIT"}));
}

TEST(PcapLadder, ResetClosesBothSides) {
  const auto packets =
      with(kHandshake, {
                           {30'000, true, kAck | kPsh, kClientIsn + 1, kServerIsn + 1, 10},
                           {40'000, false, kRst, kServerIsn + 1, 0},
                       });
  auto ladders = ladders_from_pcap(write_capture("reset.pcap", packets, PcapLinkType::raw_ip));
  ASSERT_TRUE(ladders.has_value());
  const Ladder& l = ladders->front();
  EXPECT_EQ(states_of(l, Side::left),
            (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "CLOSED"}));
  EXPECT_EQ(states_of(l, Side::right),
            (std::vector<std::string>{"SYN_RECEIVED", "ESTABLISHED", "CLOSED"}));
  EXPECT_EQ(l.arrows.back().label, "RST seq=1");
}

TEST(PcapLadder, RefusedConnectionNeverReachesSynReceived) {
  const std::vector<Packet> packets = {
      {0, true, kSyn, kClientIsn, 0},
      {10'000, false, kRst | kAck, 0, kClientIsn + 1},
  };
  auto ladders = ladders_from_pcap(write_capture("refused.pcap", packets, PcapLinkType::raw_ip));
  ASSERT_TRUE(ladders.has_value());
  const Ladder& l = ladders->front();
  EXPECT_EQ(states_of(l, Side::left), (std::vector<std::string>{"SYN_SENT", "CLOSED"}));
  EXPECT_TRUE(states_of(l, Side::right).empty());
}

TEST(PcapLadder, SeparatesConnectionsAndStartsMidStream) {
  // A second connection (another client port) seen only from its middle, interleaved; its
  // receiver never speaks, so its acks have no base and stay absolute.
  std::vector<Packet> packets = kHandshake;
  auto ladders_one = ladders_from_pcap(write_capture("one.pcap", packets, PcapLinkType::raw_ip));
  ASSERT_TRUE(ladders_one.has_value());
  ASSERT_EQ(ladders_one->size(), 1u);

  PcapFile file;
  file.link_type = PcapLinkType::raw_ip;
  for (const Packet& p : kHandshake)
    file.packets.push_back({from_micros(p.time_us), ipv4_tcp(p), 0});
  Packet mid{15'000, false, kAck | kPsh, 777, 333, 5};
  ByteVector other = ipv4_tcp(mid);
  // Move it to another client port: rewrite the destination port (bytes 22-23 of the packet)
  // and recompute nothing, since the ladder does not verify checksums.
  store_be16(other.data() + kIpv4MinHeaderLength + 2, 40001);
  file.packets.insert(file.packets.begin() + 2, {from_micros(mid.time_us), other, 0});
  const auto ladders = ladders_from_capture(file);
  ASSERT_EQ(ladders.size(), 2u);
  EXPECT_EQ(ladders[0].arrows.size(), 3u);
  const Ladder& second = ladders[1];
  EXPECT_EQ(second.left_name, "host 10.0.0.2:80");
  EXPECT_EQ(second.right_name, "host 10.0.0.1:40001");
  ASSERT_EQ(second.arrows.size(), 1u);
  EXPECT_EQ(second.arrows[0].label, "PSH,ACK seq=0 ack=333 len=5");
  EXPECT_EQ(states_of(second, Side::left), (std::vector<std::string>{"ESTABLISHED"}));
}

TEST(PcapLadder, MissingFileIsAnError) {
  auto ladders = ladders_from_pcap(temp_path("does-not-exist.pcap"));
  EXPECT_FALSE(ladders.has_value());
}

TEST(PcapLadder, RendersAsTextWithoutArrivalColumn) {
  auto ladders = ladders_from_pcap(write_capture("text.pcap", kHandshake, PcapLinkType::raw_ip));
  ASSERT_TRUE(ladders.has_value());
  const auto lines = split_lines(render_text(ladders->front()));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3], "  0.020s  ESTABLISHED  |----ACK seq=1 ack=1" + std::string(36, '-') +
                          ">| ESTABLISHED");
}

}  // namespace
}  // namespace synack::viz::testing
