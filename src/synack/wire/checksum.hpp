#pragma once
// The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words.
// Sums are carried in 32/64-bit accumulators and folded at the end; the summing loop reads
// eight bytes at a time, not one.
#include <cstdint>

#include "synack/core/bytes.hpp"
#include "synack/wire/address.hpp"

namespace synack {

// Adds `data` to a running (unfolded) sum. Odd-length data is padded with a zero byte, so only
// the last chunk of a message may have odd length.
std::uint32_t checksum_add(std::uint32_t sum, Bytes data);
// Folds a running sum to 16 bits (not complemented).
std::uint16_t checksum_fold(std::uint32_t sum);
// The checksum field value for `data` alone: ~fold(sum).
std::uint16_t internet_checksum(Bytes data);

// Running sum of the pseudo-header used by TCP and UDP (RFC 9293 section 3.1 for IPv4,
// RFC 8200 section 8.1 for IPv6): source, destination, protocol and upper-layer length.
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
                                std::uint32_t length);

}  // namespace synack
