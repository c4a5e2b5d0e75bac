#pragma once
// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed hash
// whose output an attacker who does not know the 128-bit key cannot predict. The stack uses it as
// RFC 6528's F() for initial sequence numbers, for SYN cookie MACs and to key its hash tables
// against collision flooding. Written here from the paper so the core links nothing but the C++
// standard library.
#include <array>
#include <cstdint>
#include <span>

namespace synack {

using SipHashKey = std::array<std::uint8_t, 16>;

// The 64-bit SipHash-2-4 of `message` under `key`, the paper's output read as a little-endian
// integer (the byte order libsodium's crypto_shorthash_siphash24 writes).
std::uint64_t siphash24(const SipHashKey& key, std::span<const std::uint8_t> message);

}  // namespace synack
