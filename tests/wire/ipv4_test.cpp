#include "synack/wire/ipv4.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synack/wire/checksum.hpp"

namespace synack {
namespace {

Ipv4Repr sample_repr() {
  Ipv4Repr r;
  r.src = Ipv4Address{{10, 0, 0, 1}};
  r.dst = Ipv4Address{{10, 0, 0, 2}};
  r.protocol = 6;
  r.ttl = 63;
  r.identification = 0xbeef;
  r.dont_fragment = true;
  r.dscp_ecn = 0xb8;
  r.payload_length = 4;
  return r;
}

std::vector<std::uint8_t> sample_packet() {
  std::vector<std::uint8_t> p(24, 0x5a);
  EXPECT_EQ(emit_ipv4(sample_repr(), p), 20u);
  return p;
}

// Rewrites the header checksum after a field was changed.
void fix_checksum(std::vector<std::uint8_t>& p, std::size_t header_length = 20) {
  p[10] = p[11] = 0;
  store_be16(&p[10], internet_checksum(Bytes{p.data(), header_length}));
}

TEST(Ipv4, EmitBytesMatchRfc791Layout) {
  const auto p = sample_packet();
  const std::vector<std::uint8_t> header(p.begin(), p.begin() + 20);
  // Checksum by hand: the other nine words sum to 0x197c8, fold 0x97c9, complement 0x6836.
  EXPECT_EQ(header,
            (std::vector<std::uint8_t>{0x45, 0xb8, 0x00, 0x18, 0xbe, 0xef, 0x40, 0x00, 0x3f, 0x06,
                                       0x68, 0x36, 10,   0,    0,    1,    10,   0,    0,    2}));
}

TEST(Ipv4, RoundTrip) {
  for (bool df : {true, false}) {
    Ipv4Repr repr = sample_repr();
    repr.dont_fragment = df;
    std::vector<std::uint8_t> p(24);
    ASSERT_EQ(emit_ipv4(repr, p), 20u);
    auto v = Ipv4View::parse(as_bytes(p));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->repr(), repr);
    EXPECT_FALSE(v->is_fragment());
    EXPECT_EQ(v->header_length(), 20u);
    EXPECT_EQ(v->payload().size(), 4u);
  }
}

TEST(Ipv4, TruncationAtEveryLength) {
  const auto p = sample_packet();
  for (std::size_t n = 0; n < p.size(); ++n) {
    auto v = Ipv4View::parse(Bytes{p.data(), n});
    ASSERT_FALSE(v.has_value()) << n;
    EXPECT_EQ(v.error(), WireError::kTruncated) << n;
  }
}

TEST(Ipv4, TrailingPaddingIsCut) {
  auto p = sample_packet();
  p.resize(46, 0);
  auto v = Ipv4View::parse(as_bytes(p));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->payload().size(), 4u);
  EXPECT_EQ(v->payload()[0], 0x5a);
}

TEST(Ipv4, BadVersion) {
  for (std::uint8_t version : {0, 6, 15}) {
    auto p = sample_packet();
    p[0] = static_cast<std::uint8_t>((version << 4) | 5);
    fix_checksum(p);
    auto v = Ipv4View::parse(as_bytes(p));
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error(), WireError::kBadVersion);
  }
}

TEST(Ipv4, BadHeaderLength) {
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
    auto p = sample_packet();
    p[0] = static_cast<std::uint8_t>(0x40 | ihl);
    auto v = Ipv4View::parse(as_bytes(p), false);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error(), WireError::kBadHeaderLength) << int{ihl};
  }
}

TEST(Ipv4, TotalLengthBelowHeaderLength) {
  auto p = sample_packet();
  store_be16(&p[2], 19);
  fix_checksum(p);
  EXPECT_EQ(Ipv4View::parse(as_bytes(p)).error(), WireError::kBadTotalLength);
  p[0] = 0x46;  // IHL 24 bytes, total 23
  store_be16(&p[2], 23);
  fix_checksum(p, 24);
  EXPECT_EQ(Ipv4View::parse(as_bytes(p)).error(), WireError::kBadTotalLength);
}

TEST(Ipv4, TotalLengthBeyondBufferIsTruncated) {
  auto p = sample_packet();
  store_be16(&p[2], 25);
  fix_checksum(p);
  EXPECT_EQ(Ipv4View::parse(as_bytes(p)).error(), WireError::kTruncated);
  // IHL beyond the buffer, total length consistent with IHL: still truncated.
  p[0] = 0x4f;
  store_be16(&p[2], 60);
  EXPECT_EQ(Ipv4View::parse(as_bytes(p), false).error(), WireError::kTruncated);
}

TEST(Ipv4, ChecksumVerifiedUnlessDisabled) {
  auto p = sample_packet();
  p[8] ^= 1;  // TTL changed, checksum not updated
  EXPECT_EQ(Ipv4View::parse(as_bytes(p)).error(), WireError::kBadChecksum);
  auto v = Ipv4View::parse(as_bytes(p), false);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->repr().ttl, 62);
  // The payload is not covered by the header checksum.
  auto q = sample_packet();
  q[22] ^= 0xff;
  EXPECT_TRUE(Ipv4View::parse(as_bytes(q)).has_value());
}

TEST(Ipv4, FragmentsParseAndAreFlagged) {
  struct Case {
    std::uint16_t word;
    bool fragment;
  };
  for (const Case c : {Case{0x2000, true}, Case{0x0001, true}, Case{0x3fff, true},
                       Case{0x4000, false}, Case{0x0000, false}, Case{0x6000, true}}) {
    auto p = sample_packet();
    store_be16(&p[6], c.word);
    fix_checksum(p);
    auto v = Ipv4View::parse(as_bytes(p));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->is_fragment(), c.fragment) << std::hex << c.word;
    EXPECT_EQ(v->repr().dont_fragment, (c.word & 0x4000) != 0);
  }
}

TEST(Ipv4, OptionsAreSkipped) {
  std::vector<std::uint8_t> p = sample_packet();
  p.insert(p.begin() + 20, {0x01, 0x01, 0x01, 0x00});  // NOP NOP NOP EOL
  p[0] = 0x46;
  store_be16(&p[2], 28);
  fix_checksum(p, 24);
  auto v = Ipv4View::parse(as_bytes(p));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->header_length(), 24u);
  EXPECT_EQ(v->repr().payload_length, 4);
  EXPECT_EQ(v->payload()[0], 0x5a);
}

TEST(Ipv4, EmitRefusesSmallBufferAndOversizedPayload) {
  std::vector<std::uint8_t> small(19);
  EXPECT_EQ(emit_ipv4(sample_repr(), small), 0u);
  Ipv4Repr huge = sample_repr();
  huge.payload_length = 65516;
  std::vector<std::uint8_t> out(20);
  EXPECT_EQ(emit_ipv4(huge, out), 0u);
  huge.payload_length = 65515;
  EXPECT_EQ(emit_ipv4(huge, out), 20u);
  EXPECT_EQ(load_be16(&out[2]), 0xffff);
}

}  // namespace
}  // namespace synack
