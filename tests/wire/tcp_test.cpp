#include "synack/wire/tcp.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synack/wire/checksum.hpp"

namespace synack {
namespace {

// A 20-byte header with data offset `words` followed by `options` (and zero fill up to it).
std::vector<std::uint8_t> segment_with_options(std::vector<std::uint8_t> options,
                                               std::size_t words) {
  std::vector<std::uint8_t> s(words * 4, 0);
  s[12] = static_cast<std::uint8_t>(words << 4);
  s[13] = tcp_flags::kAck;
  for (std::size_t i = 0; i < options.size() && 20 + i < s.size(); ++i) s[20 + i] = options[i];
  return s;
}

std::vector<std::uint8_t> padded(std::vector<std::uint8_t> options) {
  const std::size_t words = 5 + (options.size() + 3) / 4;
  return segment_with_options(std::move(options), words);
}

WireError parse_error(const std::vector<std::uint8_t>& bytes) {
  auto r = TcpView::parse(as_bytes(bytes));
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? WireError::kUnsupported : r.error();
}

TEST(TcpParse, TruncationAtEveryLengthIsAnError) {
  // 40-byte header (MSS, SACK-perm+TS, NOP+WS) plus 3 bytes of payload.
  TcpRepr repr;
  repr.flags = tcp_flags::kSyn;
  repr.options.mss = 1460;
  repr.options.sack_permitted = true;
  repr.options.timestamps = TcpTimestamps{1, 2};
  repr.options.window_scale = 7;
  const std::uint8_t payload[] = {1, 2, 3};
  std::vector<std::uint8_t> full(43);
  ASSERT_EQ(emit_tcp(repr, payload, full, std::nullopt), 43u);
  for (std::size_t n = 0; n < 40; ++n) {
    auto r = TcpView::parse(Bytes{full.data(), n});
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error(), n < 20 ? WireError::kTruncated : WireError::kBadHeaderLength) << n;
  }
  for (std::size_t n = 40; n <= 43; ++n) {
    auto r = TcpView::parse(Bytes{full.data(), n});
    ASSERT_TRUE(r.has_value()) << n;
    EXPECT_EQ(r->payload().size(), n - 40);
    EXPECT_EQ(r->repr(), repr);
  }
}

TEST(TcpParse, DataOffsetBelowFiveIsRejected) {
  for (std::size_t words = 0; words < 5; ++words) {
    auto s = segment_with_options({}, 5);
    s[12] = static_cast<std::uint8_t>(words << 4);
    EXPECT_EQ(parse_error(s), WireError::kBadHeaderLength) << words;
  }
}

TEST(TcpParse, DataOffsetBeyondBufferIsRejected) {
  auto s = segment_with_options({}, 5);
  s[12] = 6 << 4;
  EXPECT_EQ(parse_error(s), WireError::kBadHeaderLength);
  s[12] = 15 << 4;
  s.resize(59);
  EXPECT_EQ(parse_error(s), WireError::kBadHeaderLength);
  s.resize(60);
  EXPECT_TRUE(TcpView::parse(as_bytes(s)).has_value());  // 40 zero bytes = EOL
}

TEST(TcpParse, FixedFields) {
  const std::uint8_t bytes[] = {0x1f, 0x90, 0xc3, 0x50, 0x80, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff,
                                0xff, 0x50, 0xff, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x07, 'x'};
  auto r = TcpView::parse(bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->src_port(), 8080);
  EXPECT_EQ(r->dst_port(), 50000);
  EXPECT_EQ(r->seq(), SeqNum{0x80000001u});
  EXPECT_EQ(r->ack(), SeqNum{0xffffffffu});
  EXPECT_EQ(r->flags(), 0xff);
  EXPECT_EQ(r->window(), 0x1234);
  EXPECT_EQ(r->checksum(), 0xabcd);
  EXPECT_EQ(r->urgent(), 7);
  EXPECT_EQ(r->header_length(), 20u);
  EXPECT_TRUE(r->options().empty());
  ASSERT_EQ(r->payload().size(), 1u);
  EXPECT_EQ(r->payload()[0], 'x');
  EXPECT_EQ(r->bytes().size(), sizeof bytes);
  const TcpRepr repr = r->repr();
  EXPECT_TRUE(repr.has(tcp_flags::kUrg));
  EXPECT_EQ(repr.urgent, 7);
  EXPECT_EQ(repr.options, TcpOptions{});
}

TEST(TcpOptionsParse, WellFormedVariants) {
  // NOPs, an unknown option (kind 30, MPTCP-like, len 4) skipped, EOL ending the list with
  // garbage after it ignored.
  auto s = padded({1, 30, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4, 0, 99, 99});
  auto r = TcpView::parse(as_bytes(s));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->repr().options.mss, 1460);
  EXPECT_FALSE(r->repr().options.window_scale.has_value());
  // Four SACK blocks fill 34 bytes; with two NOPs that's 36 of the 40.
  std::vector<std::uint8_t> four = {1, 1, 5, 34};
  for (std::uint8_t i = 0; i < 32; ++i) four.push_back(i);
  const auto four_segment = padded(four);  // the view borrows these bytes
  auto r4 = TcpView::parse(as_bytes(four_segment));
  ASSERT_TRUE(r4.has_value());
  const TcpOptions o = r4->repr().options;
  EXPECT_EQ(o.sack_block_count, 4);
  EXPECT_EQ(o.sack_blocks[3].left, SeqNum{0x18191a1b});
  EXPECT_EQ(o.sack_blocks[3].right, SeqNum{0x1c1d1e1f});
}

TEST(TcpOptionsParse, KnownOptionWithWrongLengthIsBadOption) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      {2, 3, 0, 0},                           // MSS len 3
      {2, 5, 0, 0, 0, 1, 1, 1},               // MSS len 5
      {3, 2, 1, 1},                           // WS len 2
      {3, 4, 7, 0},                           // WS len 4
      {4, 3, 0, 1},                           // SACK-permitted len 3
      {8, 8, 0, 0, 0, 0, 0, 0, 1, 1},         // TS len 8
      {8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},  // TS len 12
      {5, 2, 1, 1},                           // SACK with no blocks
      {5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0},     // SACK len not 2+8n
      {5, 9, 0, 0, 0, 0, 0, 0, 0},            // SACK len not 2+8n
  };
  for (const auto& options : bad) {
    EXPECT_EQ(parse_error(padded(options)), WireError::kBadOption)
        << "kind " << int{options[0]} << " len " << int{options[1]};
  }
}

TEST(TcpOptionsParse, MalformedLengthsAreBadOption) {
  EXPECT_EQ(parse_error(padded({30, 0, 0, 0})), WireError::kBadOption);  // len 0
  EXPECT_EQ(parse_error(padded({30, 1, 0, 0})), WireError::kBadOption);  // len 1
  EXPECT_EQ(parse_error(padded({1, 1, 30, 3})), WireError::kBadOption);  // runs past header
  EXPECT_EQ(parse_error(padded({1, 1, 1, 2})), WireError::kBadOption);   // no length byte
  EXPECT_EQ(parse_error(padded({1, 1, 8, 10})), WireError::kBadOption);  // TS past header
  // Five SACK blocks (len 42) cannot fit in 40 bytes of option space either way.
  std::vector<std::uint8_t> five = {5, 42};
  five.resize(40, 0);
  EXPECT_EQ(parse_error(segment_with_options(five, 15)), WireError::kBadOption);
}

TEST(TcpOptionsParse, LaterDuplicateWins) {
  const auto s = padded({2, 4, 0, 100, 2, 4, 0, 200});
  auto r = TcpView::parse(as_bytes(s));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->repr().options.mss, 200);
}

// Every combination of MSS, WS, SACK-permitted, TS and 0..4 SACK blocks: the emitted header has
// the documented length and parses back to the same values (SACK blocks cut to what fits).
TEST(TcpEmit, RoundTripsEveryOptionCombination) {
  for (int mask = 0; mask < 16; ++mask) {
    for (std::uint8_t blocks = 0; blocks <= 4; ++blocks) {
      TcpRepr repr;
      repr.src_port = 1234;
      repr.dst_port = 80;
      repr.seq = SeqNum{0xfffffff0u};
      repr.ack = SeqNum{42};
      repr.flags = tcp_flags::kAck | tcp_flags::kPsh;
      repr.window = 29200;
      repr.urgent = 0;
      if (mask & 1) repr.options.mss = 1400;
      if (mask & 2) repr.options.window_scale = 14;
      if (mask & 4) repr.options.sack_permitted = true;
      if (mask & 8) repr.options.timestamps = TcpTimestamps{0xdeadbeef, 0x01020304};
      repr.options.sack_block_count = blocks;
      for (std::uint8_t i = 0; i < blocks; ++i) {
        repr.options.sack_blocks[i] = {SeqNum{1000u * i}, SeqNum{1000u * i + 500}};
      }
      const std::size_t fixed =
          ((mask & 1) ? 4 : 0) + ((mask & 2) ? 4 : 0) + ((mask & 8) ? 12 : ((mask & 4) ? 4 : 0));
      const std::size_t fit = blocks == 0 ? 0 : std::min<std::size_t>(blocks, (40 - fixed - 4) / 8);
      EXPECT_EQ(repr.options.emitted_sack_block_count(), fit);
      const std::size_t expected_length = 20 + fixed + (fit ? 4 + 8 * fit : 0);
      ASSERT_EQ(repr.header_length(), expected_length) << mask << "/" << int{blocks};
      ASSERT_LE(expected_length, kTcpMaxHeaderLength);

      const std::uint8_t payload[] = {'a', 'b', 'c', 'd', 'e'};
      std::vector<std::uint8_t> out(expected_length + sizeof payload);
      const std::uint32_t pseudo = 0x12345;
      ASSERT_EQ(emit_tcp(repr, payload, out, pseudo), out.size());
      auto parsed = TcpView::parse(as_bytes(out));
      ASSERT_TRUE(parsed.has_value()) << to_string(parsed.error());
      EXPECT_TRUE(parsed->verify_checksum(pseudo));
      EXPECT_FALSE(parsed->verify_checksum(pseudo + 1));
      EXPECT_EQ(parsed->payload().size(), sizeof payload);
      TcpRepr expected = repr;
      expected.options.sack_block_count = static_cast<std::uint8_t>(fit);
      for (std::size_t i = fit; i < kTcpMaxSackBlocks; ++i) expected.options.sack_blocks[i] = {};
      EXPECT_EQ(parsed->repr(), expected) << mask << "/" << int{blocks};
    }
  }
}

TEST(TcpEmit, LinuxSynLayoutBytes) {
  // Linux SYN option bytes: MSS, SACK-permitted, TS, NOP, WS (tcp_options_write()).
  TcpRepr repr;
  repr.flags = tcp_flags::kSyn;
  repr.options.mss = 1460;
  repr.options.sack_permitted = true;
  repr.options.timestamps = TcpTimestamps{0x11223344, 0};
  repr.options.window_scale = 7;
  std::vector<std::uint8_t> out(40);
  ASSERT_EQ(emit_tcp(repr, {}, out, std::nullopt), 40u);
  const std::vector<std::uint8_t> options(out.begin() + 20, out.end());
  EXPECT_EQ(options, (std::vector<std::uint8_t>{2,    4,    0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22,
                                                0x33, 0x44, 0,    0,    0, 0, 1, 3,  3,    7}));
  EXPECT_EQ(out[12], 0xa0);
  EXPECT_EQ(out[16], 0);  // no pseudo sum: checksum left zero
  EXPECT_EQ(out[17], 0);
}

TEST(TcpEmit, SackPermittedWithoutTimestampsUsesNops) {
  TcpRepr repr;
  repr.options.sack_permitted = true;
  repr.options.sack_block_count = 1;
  repr.options.sack_blocks[0] = {SeqNum{1}, SeqNum{2}};
  std::vector<std::uint8_t> out(repr.header_length());
  ASSERT_EQ(out.size(), 20u + 4 + 12);
  emit_tcp(repr, {}, out, std::nullopt);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 20, out.end()),
            (std::vector<std::uint8_t>{1, 1, 4, 2, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2}));
}

TEST(TcpEmit, TooSmallBufferWritesNothing) {
  TcpRepr repr;
  repr.options.mss = 536;
  std::vector<std::uint8_t> out(23, 0xee);
  EXPECT_EQ(emit_tcp(repr, {}, out, std::nullopt), 0u);
  EXPECT_EQ(out, std::vector<std::uint8_t>(23, 0xee));
}

TEST(TcpFlags, ToString) {
  EXPECT_EQ(tcp_flags_to_string(tcp_flags::kSyn), "SYN");
  EXPECT_EQ(tcp_flags_to_string(tcp_flags::kSyn | tcp_flags::kAck), "SYN,ACK");
  EXPECT_EQ(tcp_flags_to_string(tcp_flags::kFin | tcp_flags::kAck), "FIN,ACK");
  EXPECT_EQ(tcp_flags_to_string(tcp_flags::kRst), "RST");
  EXPECT_EQ(tcp_flags_to_string(tcp_flags::kPsh | tcp_flags::kAck), "PSH,ACK");
  EXPECT_EQ(tcp_flags_to_string(0xff), "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR");
  EXPECT_EQ(tcp_flags_to_string(0), "none");
}

}  // namespace
}  // namespace synack

namespace synack {
namespace {

// RFC 1624 section 3: 0xFFFF and 0x0000 are both ones'-complement zero, so a segment whose
// checksum field holds 0xFFFF where 0x0000 would be computed is valid. Linux sends such segments
// now and then (seen in the interop captures; tshark flags them). The vector was built outside
// synack: a payload word chosen so the sum folds to 0xFFFF, the field then set to 0xFFFF.
TEST(TcpChecksum, AllOnesFieldIsTheOtherZeroAndVerifies) {
  const std::vector<std::uint8_t> segment = {0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x03, 0xe8, 0x00,
                                             0x00, 0x07, 0xd0, 0x50, 0x18, 0xff, 0xff, 0xff, 0xff,
                                             0x00, 0x00, 0xca, 0x1e, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
                                             0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x21};
  const auto view = TcpView::parse(Bytes{segment.data(), segment.size()});
  ASSERT_TRUE(view);
  EXPECT_EQ(view->checksum(), 0xffff);
  const auto src = IpAddress::v4(Ipv4Address{{198, 18, 0, 1}});
  const auto dst = IpAddress::v4(Ipv4Address{{198, 18, 0, 2}});
  EXPECT_TRUE(view->verify_checksum(
      pseudo_header_sum(src, dst, kIpProtocolTcp, static_cast<std::uint16_t>(segment.size()))));
  // One bit off anywhere and it no longer verifies.
  std::vector<std::uint8_t> damaged = segment;
  damaged[25] ^= 0x01;
  const auto bad = TcpView::parse(Bytes{damaged.data(), damaged.size()});
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->verify_checksum(
      pseudo_header_sum(src, dst, kIpProtocolTcp, static_cast<std::uint16_t>(damaged.size()))));
}

}  // namespace
}  // namespace synack
