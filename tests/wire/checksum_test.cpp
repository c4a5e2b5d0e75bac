#include "synack/wire/checksum.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synack/core/random.hpp"

namespace synack {
namespace {

// Byte-at-a-time RFC 1071 reference, deliberately naive: 16-bit big-endian words, odd byte
// padded with zero, carries folded at the end.
std::uint16_t naive_checksum(const std::uint8_t* data, std::size_t n) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    const std::uint32_t high = data[i];
    const std::uint32_t low = i + 1 < n ? data[i + 1] : 0;
    sum += (high << 8) | low;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (folded).
  const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_fold(checksum_add(0, data)), 0xddf2);
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, KnownIpv4Header) {
  // A widely published IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum is b861.
  std::uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                           0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(header), 0);  // a correct header sums to 0xffff
  header[10] = header[11] = 0;
  EXPECT_EQ(internet_checksum(header), 0xb861);
}

TEST(Checksum, EmptyAndOddLengths) {
  EXPECT_EQ(internet_checksum(Bytes{}), 0xffff);
  const std::uint8_t one[] = {0xab};
  EXPECT_EQ(internet_checksum(one), static_cast<std::uint16_t>(~0xab00));
  const std::uint8_t three[] = {0x12, 0x34, 0x56};
  EXPECT_EQ(internet_checksum(three), static_cast<std::uint16_t>(~(0x1234 + 0x5600)));
}

TEST(Checksum, AllOnesDoesNotCollapseToZeroSum) {
  // One's-complement: 0xffff + 0xffff folds to 0xffff ("negative zero"), checksum 0.
  const std::vector<std::uint8_t> ones(64, 0xff);
  EXPECT_EQ(checksum_fold(checksum_add(0, as_bytes(ones))), 0xffff);
  EXPECT_EQ(internet_checksum(as_bytes(ones)), 0x0000);
}

TEST(Checksum, MatchesNaiveReferenceAtRandomLengthsAndAlignments) {
  Random rng(2024);
  std::vector<std::uint8_t> buffer(2000 + 16);
  for (auto& b : buffer) b = static_cast<std::uint8_t>(rng.next_u64());
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t offset = rng.next_below(16);
    const std::size_t length = rng.next_below(2001);
    const std::uint8_t* p = buffer.data() + offset;
    ASSERT_EQ(internet_checksum(Bytes{p, length}), naive_checksum(p, length))
        << "offset " << offset << " length " << length;
  }
}

TEST(Checksum, MatchesNaiveReferenceOnSaturatedData) {
  // Large all-0xff and alternating buffers stress the carry handling of the 64-bit lanes.
  for (std::uint8_t fill : {std::uint8_t{0xff}, std::uint8_t{0xfe}, std::uint8_t{0x80}}) {
    for (std::size_t length : {7u, 8u, 31u, 32u, 33u, 1500u, 65535u}) {
      std::vector<std::uint8_t> data(length, fill);
      ASSERT_EQ(internet_checksum(as_bytes(data)), naive_checksum(data.data(), length))
          << int{fill} << " x " << length;
    }
  }
}

TEST(Checksum, AddComposesOverEvenPrefixes) {
  Random rng(77);
  std::vector<std::uint8_t> data(1200);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng.next_u64());
  for (int trial = 0; trial < 500; ++trial) {
    const std::size_t total = rng.next_below(data.size() + 1);
    const std::size_t split = rng.next_below(total / 2 + 1) * 2;  // even-length prefix
    const Bytes all{data.data(), total};
    const std::uint32_t pieces =
        checksum_add(checksum_add(0, all.first(split)), all.subspan(split));
    ASSERT_EQ(checksum_fold(pieces), checksum_fold(checksum_add(0, all)))
        << "total " << total << " split " << split;
  }
}

TEST(Checksum, AddAcceptsLargeRunningSums) {
  // A caller may pass an unfolded 32-bit sum; adding to it must not lose the carry.
  const std::uint8_t data[] = {0xff, 0xff, 0x00, 0x01};
  // 0xffffffff == 0xffff (mod 0xffff arithmetic); + 0xffff + 0x0001.
  EXPECT_EQ(checksum_fold(checksum_add(0xffffffffu, data)),
            checksum_fold(checksum_add(0xffffu, data)));
  EXPECT_EQ(checksum_fold(0xffffffffu), 0xffff);
  EXPECT_EQ(checksum_fold(0x0001fffeu), 0xffff);
  EXPECT_EQ(checksum_fold(0x00012345u), 0x2346);
}

TEST(Checksum, PseudoHeaderIpv4) {
  // 10.0.0.1 -> 10.0.0.2, TCP, length 20: 0x0a00+0x0001+0x0a00+0x0002+0x0006+0x0014.
  const IpAddress src = IpAddress::v4(Ipv4Address::from_u32(0x0a000001));
  const IpAddress dst = IpAddress::v4(Ipv4Address::from_u32(0x0a000002));
  EXPECT_EQ(checksum_fold(pseudo_header_sum(src, dst, 6, 20)), 0x0a00 + 1 + 0x0a00 + 2 + 6 + 20);
}

TEST(Checksum, PseudoHeaderIpv6UsesThirtyTwoBitLength) {
  IpAddress src;
  src.family = IpAddress::Family::kV6;
  src.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  IpAddress dst = src;
  dst.bytes[15] = 2;
  // Words: 2001+0db8+0001 + 2001+0db8+0002 + length (0x0001_0004 as two words) + next header 6.
  const std::uint32_t expected = 0x2001 + 0x0db8 + 1 + 0x2001 + 0x0db8 + 2 + 0x0001 + 0x0004 + 6;
  EXPECT_EQ(checksum_fold(pseudo_header_sum(src, dst, 6, 0x00010004)), expected);
}

}  // namespace
}  // namespace synack
