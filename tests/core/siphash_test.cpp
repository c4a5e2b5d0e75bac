// SipHash-2-4 against the reference vectors of Aumasson and Bernstein's paper and their
// reference implementation (key 00 01 .. 0f, message 00 01 .. n-1), and against libsodium's
// crypto_shorthash_siphash24 as an independent implementation for every length up to 64.
#include "synack/core/siphash.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <vector>

#include "synack/core/entropy.hpp"

namespace synack {
namespace {

SipHashKey reference_key() {
  SipHashKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  return key;
}

std::vector<std::uint8_t> counting_message(std::size_t length) {
  std::vector<std::uint8_t> m(length);
  for (std::size_t i = 0; i < length; ++i) m[i] = static_cast<std::uint8_t>(i);
  return m;
}

TEST(SipHash, PaperAppendixAVector) {
  // "SipHash: a fast short-input PRF", appendix A: a 15-byte message, output a129ca6149be45e5.
  EXPECT_EQ(siphash24(reference_key(), counting_message(15)), 0xa129ca6149be45e5ULL);
}

TEST(SipHash, ReferenceImplementationVectors) {
  // vectors.h of the reference implementation, bytes read as a little-endian integer.
  EXPECT_EQ(siphash24(reference_key(), counting_message(0)), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(reference_key(), counting_message(1)), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(reference_key(), counting_message(2)), 0x0d6c8009d9a94f5aULL);
  EXPECT_EQ(siphash24(reference_key(), counting_message(8)), 0x93f5f5799a932462ULL);
}

std::uint64_t libsodium_siphash24(const SipHashKey& key, const std::vector<std::uint8_t>& m) {
  std::uint8_t out[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(out, m.data(), m.size(), key.data());
  std::uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | out[i];
  return h;
}

TEST(SipHash, AgreesWithLibsodiumForEveryLengthUpTo64) {
  SipHashKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0xf0 - 7 * i);
  for (std::size_t length = 0; length <= 64; ++length) {
    std::vector<std::uint8_t> m(length);
    for (std::size_t i = 0; i < length; ++i) m[i] = static_cast<std::uint8_t>(31 * i + length);
    EXPECT_EQ(siphash24(key, m), libsodium_siphash24(key, m)) << "length " << length;
  }
}

TEST(SipHash, EveryKeyBitMatters) {
  const auto m = counting_message(12);
  const std::uint64_t base = siphash24(reference_key(), m);
  for (std::size_t bit = 0; bit < 128; ++bit) {
    SipHashKey key = reference_key();
    key[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_NE(siphash24(key, m), base) << "key bit " << bit;
  }
}

TEST(OsEntropy, FillsAndTwoDrawsDiffer) {
  std::vector<std::uint8_t> a(32, 0), b(32, 0);
  ASSERT_EQ(fill_with_os_entropy(a), 0);
  ASSERT_EQ(fill_with_os_entropy(b), 0);
  // Two 256-bit draws from a CSPRNG are equal with probability 2^-256.
  EXPECT_NE(a, b);
  EXPECT_EQ(fill_with_os_entropy(std::span<std::uint8_t>{}), 0);
}

}  // namespace
}  // namespace synack
