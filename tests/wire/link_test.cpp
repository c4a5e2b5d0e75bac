// Ethernet, ARP and ICMPv4: error paths and emit/parse round trips (real-packet vectors are in
// wire_vectors_test.cpp).
#include <gtest/gtest.h>

#include <vector>

#include "synack/wire/arp.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/icmpv4.hpp"

namespace synack {
namespace {

TEST(Ethernet, TruncatedBelowFourteen) {
  std::vector<std::uint8_t> frame(14, 0);
  for (std::size_t n = 0; n < 14; ++n) {
    auto v = EthernetView::parse(Bytes{frame.data(), n});
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error(), WireError::kTruncated);
  }
  auto v = EthernetView::parse(as_bytes(frame));
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->payload().empty());
}

TEST(Ethernet, EmitBytesAndRoundTrip) {
  const EthernetRepr repr{MacAddress{{1, 2, 3, 4, 5, 6}}, MacAddress{{7, 8, 9, 10, 11, 12}},
                          0x8100};
  std::vector<std::uint8_t> out(16, 0xcc);
  ASSERT_EQ(emit_ethernet(repr, out), 14u);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0xcc,
                                            0xcc}));
  auto v = EthernetView::parse(as_bytes(out));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->repr(), repr);
  EXPECT_EQ(v->payload().size(), 2u);
  std::vector<std::uint8_t> small(13);
  EXPECT_EQ(emit_ethernet(repr, small), 0u);
}

ArpRepr sample_arp() {
  return ArpRepr{ArpOperation::kReply, MacAddress{{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
                 Ipv4Address{{10, 0, 0, 1}}, MacAddress{{1, 2, 3, 4, 5, 6}},
                 Ipv4Address{{10, 0, 0, 2}}};
}

TEST(Arp, RoundTripAndLayout) {
  std::vector<std::uint8_t> out(28);
  ASSERT_EQ(emit_arp(sample_arp(), out), 28u);
  EXPECT_EQ(out,
            (std::vector<std::uint8_t>{0,  1, 8, 0, 6, 4, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
                                       10, 0, 0, 1, 1, 2, 3, 4, 5,    6,    10,   0,    0,    2}));
  auto r = parse_arp(as_bytes(out));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, sample_arp());
  std::vector<std::uint8_t> small(27);
  EXPECT_EQ(emit_arp(sample_arp(), small), 0u);
}

TEST(Arp, TruncationAtEveryLength) {
  std::vector<std::uint8_t> out(28);
  emit_arp(sample_arp(), out);
  for (std::size_t n = 0; n < 28; ++n) {
    auto r = parse_arp(Bytes{out.data(), n});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), WireError::kTruncated) << n;
  }
}

TEST(Arp, WrongSizesOrTypesAreBadAddress) {
  struct Patch {
    std::size_t offset;
    std::uint8_t value;
  };
  for (const Patch patch :
       {Patch{1, 6}, Patch{0, 1}, Patch{2, 0x86}, Patch{3, 0x01}, Patch{4, 8}, Patch{5, 16}}) {
    std::vector<std::uint8_t> out(28);
    emit_arp(sample_arp(), out);
    out[patch.offset] = patch.value;
    auto r = parse_arp(as_bytes(out));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), WireError::kBadAddress) << patch.offset;
  }
}

TEST(Arp, UnknownOperationIsUnsupported) {
  for (std::uint16_t op : {0, 3, 4, 0x0101}) {  // 3/4 are RARP (RFC 903)
    std::vector<std::uint8_t> out(28);
    emit_arp(sample_arp(), out);
    store_be16(&out[6], op);
    EXPECT_EQ(parse_arp(as_bytes(out)).error(), WireError::kUnsupported) << op;
  }
}

TEST(Icmpv4, EchoRoundTripAndLayout) {
  const std::uint8_t data[] = {'p', 'i', 'n', 'g', '!'};
  std::vector<std::uint8_t> out(13);
  ASSERT_EQ(emit_icmpv4_echo(true, 0x1234, 0x0102, data, out), 13u);
  // Hand-computed: 0x0000 + 0x1234 + 0x0102 + 'pi' 0x7069 + 'ng' 0x6e67 + '!'0x2100 = 0x11306
  // -> fold 0x1307 -> checksum 0xecf8.
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0, 0, 0xec, 0xf8, 0x12, 0x34, 0x01, 0x02, 'p', 'i', 'n',
                                            'g', '!'}));
  auto v = Icmpv4View::parse(as_bytes(out));
  ASSERT_TRUE(v.has_value());
  const Icmpv4Repr r = v->repr();
  EXPECT_EQ(r.kind, Icmpv4Kind::kEchoReply);
  EXPECT_EQ(r.type, 0);
  EXPECT_EQ(r.identifier, 0x1234);
  EXPECT_EQ(r.sequence, 0x0102);
  EXPECT_EQ(r.next_hop_mtu, 0);
  EXPECT_EQ(v->payload().size(), 5u);

  ASSERT_EQ(emit_icmpv4_echo(false, 1, 2, {}, out), 8u);
  auto request = Icmpv4View::parse(Bytes{out.data(), 8});
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->repr().kind, Icmpv4Kind::kEchoRequest);
  EXPECT_EQ(request->repr().type, 8);
}

TEST(Icmpv4, UnreachableCarriesMtuOnlyForCodeFour) {
  std::vector<std::uint8_t> quote(28, 0x45);
  std::vector<std::uint8_t> out(36);
  ASSERT_EQ(emit_icmpv4_unreachable(4, as_bytes(quote), out, 1280), 36u);
  auto v = Icmpv4View::parse(as_bytes(out));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->repr().kind, Icmpv4Kind::kDestinationUnreachable);
  EXPECT_EQ(v->repr().code, 4);
  EXPECT_EQ(v->repr().next_hop_mtu, 1280);
  EXPECT_EQ(v->payload().size(), 28u);

  ASSERT_EQ(emit_icmpv4_unreachable(3, as_bytes(quote), out, 1280), 36u);
  EXPECT_EQ(load_be32(&out[4]), 0u);  // RFC 792: unused word is zero
  auto port = Icmpv4View::parse(as_bytes(out));
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->repr().code, 3);
  EXPECT_EQ(port->repr().next_hop_mtu, 0);
  std::vector<std::uint8_t> small(35);
  EXPECT_EQ(emit_icmpv4_unreachable(3, as_bytes(quote), small), 0u);
}

TEST(Icmpv4, OtherTypesParseAsOther) {
  std::vector<std::uint8_t> msg = {11, 0, 0, 0, 0, 0, 0, 0};  // time exceeded
  store_be16(&msg[2], internet_checksum(as_bytes(msg)));
  auto v = Icmpv4View::parse(as_bytes(msg));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->repr().kind, Icmpv4Kind::kOther);
  EXPECT_EQ(v->repr().type, 11);
}

TEST(Icmpv4, TruncatedAndBadChecksum) {
  std::vector<std::uint8_t> out(12);
  emit_icmpv4_echo(false, 7, 8, std::vector<std::uint8_t>{1, 2, 3, 4}, out);
  for (std::size_t n = 0; n < 8; ++n) {
    EXPECT_EQ(Icmpv4View::parse(Bytes{out.data(), n}).error(), WireError::kTruncated) << n;
  }
  // Cutting the data breaks the checksum, which covers the whole message.
  for (std::size_t n = 8; n < 12; ++n) {
    EXPECT_EQ(Icmpv4View::parse(Bytes{out.data(), n}).error(), WireError::kBadChecksum) << n;
  }
  out[11] ^= 0x10;
  EXPECT_EQ(Icmpv4View::parse(as_bytes(out)).error(), WireError::kBadChecksum);
}

}  // namespace
}  // namespace synack
