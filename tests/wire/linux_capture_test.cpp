// Reads a real Linux loopback handshake (tests/data/linux_loopback_handshake.pcap, captured with
// tcpdump -i lo while curl fetched from python3 -m http.server) and checks that synack parses the
// kernel's options and lays them out exactly as the kernel did. Loopback leaves the TCP checksum
// partial, so checksums are not compared here (wire_vectors_test covers them).
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <vector>

#include "synack/wire/ethernet.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {
namespace {

std::vector<std::vector<std::uint8_t>> read_frames(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path.c_str(), error);
  EXPECT_NE(pcap, nullptr) << error;
  std::vector<std::vector<std::uint8_t>> frames;
  if (pcap == nullptr) return frames;
  EXPECT_EQ(pcap_datalink(pcap), DLT_EN10MB);
  pcap_pkthdr* header;
  const u_char* data;
  while (pcap_next_ex(pcap, &header, &data) == 1) frames.emplace_back(data, data + header->caplen);
  pcap_close(pcap);
  return frames;
}

struct Parsed {
  TcpRepr repr;
  std::vector<std::uint8_t> segment;
};

Parsed parse_frame(const std::vector<std::uint8_t>& frame) {
  auto eth = EthernetView::parse(as_bytes(frame));
  EXPECT_TRUE(eth.has_value());
  auto ip = Ipv4View::parse(eth->payload());
  EXPECT_TRUE(ip.has_value());
  auto tcp = TcpView::parse(ip->payload());
  EXPECT_TRUE(tcp.has_value());
  return {tcp->repr(), {tcp->bytes().begin(), tcp->bytes().end()}};
}

// Emits without a checksum and compares everything except the checksum field.
void expect_same_layout(const Parsed& p) {
  std::vector<std::uint8_t> out(p.segment.size());
  ASSERT_EQ(emit_tcp(p.repr, {}, out, std::nullopt), p.segment.size());
  std::vector<std::uint8_t> expected = p.segment;
  expected[16] = expected[17] = 0;
  EXPECT_EQ(out, expected);
}

TEST(LinuxCapture, HandshakeOptionsMatchKernelLayout) {
  const auto frames =
      read_frames(std::string(SYNACK_TEST_DATA_DIR) + "/linux_loopback_handshake.pcap");
  ASSERT_EQ(frames.size(), 3u);

  const Parsed syn = parse_frame(frames[0]);
  EXPECT_EQ(syn.repr.flags, tcp_flags::kSyn);
  EXPECT_EQ(syn.repr.options.mss, 65495);
  EXPECT_TRUE(syn.repr.options.sack_permitted);
  EXPECT_EQ(syn.repr.options.window_scale, 10);
  EXPECT_EQ(syn.repr.options.timestamps, (TcpTimestamps{93371917u, 0u}));
  EXPECT_EQ(syn.repr.header_length(), 40u);
  expect_same_layout(syn);

  const Parsed syn_ack = parse_frame(frames[1]);
  EXPECT_EQ(syn_ack.repr.flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(syn_ack.repr.ack, syn.repr.seq + 1);
  EXPECT_EQ(syn_ack.repr.options.timestamps->echo, 93371917u);
  expect_same_layout(syn_ack);

  // The third segment is a plain ACK: NOP, NOP, TS.
  const Parsed ack = parse_frame(frames[2]);
  EXPECT_EQ(ack.repr.flags, tcp_flags::kAck);
  EXPECT_FALSE(ack.repr.options.mss.has_value());
  EXPECT_EQ(ack.repr.header_length(), 32u);
  EXPECT_EQ(ack.segment[20], 1);
  EXPECT_EQ(ack.segment[21], 1);
  expect_same_layout(ack);
}

}  // namespace
}  // namespace synack
