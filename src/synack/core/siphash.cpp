#include "synack/core/siphash.hpp"

#include <cstddef>

namespace synack {
namespace {

std::uint64_t rotl(std::uint64_t x, int bits) {
  return (x << bits) | (x >> (64 - bits));
}

std::uint64_t load_le64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

// The paper's SipRound (section 2).
struct State {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  // Compression: c = 2 rounds per 8-byte word.
  void absorb(std::uint64_t word) {
    v3 ^= word;
    round();
    round();
    v0 ^= word;
  }
};

}  // namespace

std::uint64_t siphash24(const SipHashKey& key, std::span<const std::uint8_t> message) {
  const std::uint64_t k0 = load_le64(key.data(), 8);
  const std::uint64_t k1 = load_le64(key.data() + 8, 8);
  // Initialisation: the key XORed into "somepseudorandomlygeneratedbytes".
  State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
          k1 ^ 0x7465646279746573ULL};
  const std::size_t whole = message.size() / 8 * 8;
  for (std::size_t at = 0; at < whole; at += 8) s.absorb(load_le64(message.data() + at, 8));
  // The last word: the remaining bytes, with the message length modulo 256 in the top byte.
  const std::uint64_t last = load_le64(message.data() + whole, message.size() - whole) |
                             (std::uint64_t{message.size() & 0xff} << 56);
  s.absorb(last);
  // Finalisation: d = 4 rounds.
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace synack
