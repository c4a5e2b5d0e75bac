// IPv4 reassembly (RFC 791 3.2, RFC 1122 3.3.2) and its defences: overlaps, RFC 1858 tiny TCP
// fragments, malformed ends, the timeout and the memory bounds. Fragments are built with the
// test's own IPv4 code (stack_test_support.hpp), not synack's.
#include <gtest/gtest.h>

#include <numeric>

#include "stack_test_support.hpp"
#include "synack/stack/ipv4_reassembler.hpp"

namespace synack::test {
namespace {

constexpr std::uint16_t kMoreFragments = 0x2000;

ByteVector pattern(std::size_t n) {
  ByteVector v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return v;
}

// A fragment of `payload` holding bytes [begin, end), protocol `protocol`, identification `id`.
ByteVector fragment(const ByteVector& payload, std::size_t begin, std::size_t end, bool more,
                    std::uint16_t id = 0x4242, std::uint8_t protocol = 17) {
  const ByteVector part(payload.begin() + static_cast<std::ptrdiff_t>(begin),
                        payload.begin() + static_cast<std::ptrdiff_t>(end));
  const auto word = static_cast<std::uint16_t>((more ? kMoreFragments : 0) | (begin / 8));
  return ipv4_packet(kIpB, kIpA, protocol, part, id, word);
}

class Reassembly : public ::testing::Test {
 protected:
  std::optional<Bytes> add(Instant now, const ByteVector& packet) {
    auto view = Ipv4View::parse(Bytes{packet});
    EXPECT_TRUE(view.has_value());
    EXPECT_TRUE(view->is_fragment());
    return reassembler.add(now, *view);
  }
  ReassemblyCounters counters;
  ReassemblyConfig config;
  Ipv4Reassembler reassembler{config, counters};
};

TEST_F(Reassembly, InOrderFragmentsGiveTheWholeDatagramWithAFreshHeader) {
  const ByteVector payload = pattern(3000);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 1480, true)));
  EXPECT_FALSE(add(at_ms(1), fragment(payload, 1480, 2960, true)));
  const auto whole = add(at_ms(2), fragment(payload, 2960, 3000, false));
  ASSERT_TRUE(whole);
  // Exactly the unfragmented datagram: same header fields (no MF, offset 0), total length 3020.
  EXPECT_EQ(ByteVector(whole->begin(), whole->end()),
            ipv4_packet(kIpB, kIpA, 17, payload, 0x4242, 0));
  EXPECT_EQ(counters.reasm_reqds, 3u);
  EXPECT_EQ(counters.reasm_oks, 1u);
  EXPECT_EQ(counters.reasm_fails, 0u);
  EXPECT_EQ(reassembler.datagram_count(), 0u);
  EXPECT_EQ(reassembler.held_bytes(), 0u);
  EXPECT_EQ(reassembler.next_deadline(), kNever);
}

TEST_F(Reassembly, AnyArrivalOrderAndExactDuplicatesStillComplete) {
  const ByteVector payload = pattern(2000);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 1600, 2000, false)));
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 800, 1600, true)));
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 800, 1600, true)));  // duplicate: ignored
  const auto whole = add(at_ms(0), fragment(payload, 0, 800, true));
  ASSERT_TRUE(whole);
  EXPECT_EQ(ByteVector(whole->begin(), whole->end()),
            ipv4_packet(kIpB, kIpA, 17, payload, 0x4242, 0));
  EXPECT_EQ(counters.reasm_duplicates, 1u);
  EXPECT_EQ(counters.reasm_oks, 1u);
}

TEST_F(Reassembly, DifferentIdentificationsAreDifferentDatagrams) {
  const ByteVector payload = pattern(16);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 8, true, 1)));
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 8, 16, false, 2)));
  EXPECT_EQ(reassembler.datagram_count(), 2u);
  EXPECT_TRUE(add(at_ms(0), fragment(payload, 8, 16, false, 1)));
  EXPECT_EQ(reassembler.datagram_count(), 1u);
}

TEST_F(Reassembly, AnOverlapDropsTheWholeDatagram) {
  const ByteVector payload = pattern(24);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 16, true)));
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 8, 24, false)));  // overlaps [8, 16)
  EXPECT_EQ(counters.reasm_overlaps, 1u);
  EXPECT_EQ(counters.reasm_fails, 1u);
  EXPECT_EQ(reassembler.datagram_count(), 0u);
  // What arrives next starts a new datagram; it does not complete the dropped one.
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 16, 24, false)));
  EXPECT_EQ(counters.reasm_oks, 0u);
  EXPECT_EQ(reassembler.datagram_count(), 1u);
}

TEST_F(Reassembly, TinyTcpFirstFragmentAndOffsetEightAreRejected) {
  const ByteVector segment = pattern(40);
  // RFC 1858 3.1: 8 bytes of TCP header, the flags in the next fragment.
  EXPECT_FALSE(add(at_ms(0), fragment(segment, 0, 8, true, 7, 6)));
  EXPECT_EQ(counters.reasm_tiny_tcp, 1u);
  EXPECT_EQ(counters.reasm_fails, 1u);
  EXPECT_FALSE(add(at_ms(0), fragment(segment, 8, 40, false, 7, 6)));  // RFC 1858 3.2: FO = 1
  EXPECT_EQ(counters.reasm_tiny_tcp, 2u);
  EXPECT_EQ(reassembler.datagram_count(), 0u);
  // A first fragment holding the whole 20-byte header is fine.
  EXPECT_FALSE(add(at_ms(0), fragment(segment, 0, 24, true, 8, 6)));
  EXPECT_TRUE(add(at_ms(0), fragment(segment, 24, 40, false, 8, 6)));
}

TEST_F(Reassembly, MalformedFragmentsAreCountedAndDropped) {
  const ByteVector payload = pattern(64);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 12, true, 1)));  // not a multiple of 8
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 16, true, 2)));
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 32, 40, false, 2)));  // ends at 40
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 40, 48, true, 2)));   // ... but this goes past
  // Past 65,535 bytes of datagram: offset 65528 with 16 bytes.
  ByteVector far = ipv4_packet(kIpB, kIpA, 17, pattern(16), 3, 8191);
  EXPECT_FALSE(add(at_ms(0), far));
  EXPECT_EQ(counters.reasm_malformed, 3u);
  EXPECT_EQ(counters.reasm_fails, 3u);
  EXPECT_EQ(reassembler.datagram_count(), 0u);
}

TEST_F(Reassembly, IncompleteDatagramTimesOutThirtySecondsAfterItsFirstFragment) {
  const ByteVector payload = pattern(16);
  EXPECT_FALSE(add(at_ms(0), fragment(payload, 0, 8, true)));
  EXPECT_EQ(reassembler.next_deadline(), at_ms(30'000));
  EXPECT_FALSE(add(at_ms(20'000), fragment(pattern(32), 16, 24, true)));  // no refresh
  EXPECT_EQ(reassembler.next_deadline(), at_ms(30'000));
  reassembler.poll(at_ms(29'999));
  EXPECT_EQ(reassembler.datagram_count(), 1u);
  reassembler.poll(at_ms(30'000));
  EXPECT_EQ(reassembler.datagram_count(), 0u);
  EXPECT_EQ(counters.reasm_timeout, 1u);
  EXPECT_EQ(counters.reasm_fails, 1u);
  EXPECT_EQ(reassembler.held_bytes(), 0u);
  EXPECT_EQ(reassembler.next_deadline(), kNever);
}

TEST(ReassemblyLimits, MemoryIsBoundedInTotalAndComesBack) {
  ReassemblyCounters counters;
  ReassemblyConfig config;
  config.max_bytes = 64 * 1024;
  Ipv4Reassembler reassembler(config, counters);
  const ByteVector payload = pattern(1480);
  // 200 datagrams that never complete, each holding a 1480-byte first fragment.
  for (std::uint16_t id = 0; id < 200; ++id) {
    const ByteVector f = fragment(payload, 0, 1480, true, id);
    reassembler.add(at_ms(0), *Ipv4View::parse(Bytes{f}));
    ASSERT_LE(reassembler.held_bytes(), config.max_bytes);
  }
  EXPECT_GT(counters.reasm_over_limit, 0u);
  EXPECT_EQ(counters.reasm_fails, counters.reasm_over_limit);
  EXPECT_EQ(reassembler.datagram_count() + counters.reasm_over_limit, 200u);
  EXPECT_LE(counters.reasm_bytes_peak, config.max_bytes);
  reassembler.poll(at_ms(30'000));
  EXPECT_EQ(reassembler.held_bytes(), 0u);
  EXPECT_EQ(reassembler.datagram_count(), 0u);
}

TEST(ReassemblyLimits, DatagramCountIsBounded) {
  ReassemblyCounters counters;
  ReassemblyConfig config;
  config.max_datagrams = 3;
  Ipv4Reassembler reassembler(config, counters);
  const ByteVector payload = pattern(16);
  for (std::uint16_t id = 0; id < 5; ++id) {
    const ByteVector f = fragment(payload, 0, 8, true, id);
    reassembler.add(at_ms(0), *Ipv4View::parse(Bytes{f}));
  }
  EXPECT_EQ(reassembler.datagram_count(), 3u);
  EXPECT_EQ(counters.reasm_over_limit, 2u);
}

}  // namespace
}  // namespace synack::test
