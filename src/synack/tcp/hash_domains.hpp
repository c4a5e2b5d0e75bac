#pragma once
// The labels that separate the uses of one secret key (RFC 6528 and RFC 6056 both ask that the
// keyed hash of one purpose reveal nothing about another's). Each table or choice that hashes
// 4-tuples under a stack secret mixes in its own label, so the derived keys and outputs are
// independent; keep them distinct. The values spell four ASCII letters.
#include <cstdint>

namespace synack::hash_domain {

// The listener's half-open (SYN) queue, keyed from the ISN secret: "SYNQ".
inline constexpr std::uint32_t kHalfOpenQueue = 0x53594e51;
// The TIME_WAIT table, keyed from the ISN secret: "TWH1".
inline constexpr std::uint32_t kTimeWait = 0x54574831;
// The connection demultiplexing table, keyed from the ISN secret: "CONN".
inline constexpr std::uint32_t kConnectionDemux = 0x434f4e4e;
// Ephemeral port selection (RFC 6056 section 3.3.3), hashed under the cookie secret: "port".
inline constexpr std::uint32_t kEphemeralPort = 0x706f7274;

}  // namespace synack::hash_domain
